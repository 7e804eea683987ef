"""Reading a request's body ahead of the app, and handing the app the same body again.

Two checks look inside a body before the route does (a NUL byte anywhere, the CSRF
token in a form); an ASGI body can be received only once, so each reads it whole
and passes on a ``receive`` that replays it.
"""

from __future__ import annotations


async def read_body(receive) -> bytes:
    """The whole body, however many messages it came in."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive):
    """A ``receive`` that answers ``body`` first, then whatever ``receive`` answers
    (a disconnect)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
