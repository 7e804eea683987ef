"""gzip for pages and API answers, so that a phone on a slow network moves a fifth of
the bytes (static files compress themselves: app/static_files.py).

Compressing a page that holds a secret next to text an attacker can make it reflect
invites BREACH. The CSRF token, on every page, is masked afresh per response
(app/csrf_masking.py), so there is nothing stable to guess. Pages that show another
lasting secret (the calendar address of the app settings page) go out uncompressed:
their paths are given as ``uncompressed_paths`` here, and the pages say
``Cache-Control: no-transform`` (``keep_uncompressed``) so that a proxy in front
(Caddy's ``encode``, deploy/Caddyfile) leaves them alone too.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware

# Below this a page gains less than the gzip header and a round of CPU cost.
MINIMUM_SIZE = 500
# Level 6 (zlib's default) gives within a few per cent of 9's size for pages of tens
# of KB, at a fraction of its CPU time on every request.
LEVEL = 6


NO_TRANSFORM = "no-store, no-transform"


def keep_uncompressed(response):
    """Mark a page that shows a lasting secret: never stored, never compressed."""
    response.headers["Cache-Control"] = NO_TRANSFORM
    return response


class CompressResponses:
    def __init__(self, app, *, uncompressed_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=LEVEL)
        self.uncompressed_paths = uncompressed_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] not in self.uncompressed_paths:
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
