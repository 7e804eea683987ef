"""Instructions per request, counted by callgrind: the app's own work, without noise.

    .venv/bin/python -m bench.instructions [--requests 30] [--only cramp_post ...]

`make bench` measures requests per second against a bare page in the same run, the
figure issue 8 sets its targets in. On a shared 2-core machine that figure moves by
a fifth from one run to the next, so it cannot tell a 5% change from noise. This
counts the instructions one request takes inside the app (no HTTP server), under
valgrind's callgrind with counting switched on only around the measured requests:
the same code gives the same count within half a percent, whatever else the machine
is doing. Use it to decide whether a change does less work; use `make bench` for
what a patient would see. The home screen shows different things at different
hours of the patient's evening (the clock is the real one), so compare its counts
taken within the same hour, old code and new back to back. Needs valgrind
(`apt-get install valgrind`).

Each request goes straight into the ASGI app (signed in first through httpx's ASGI
transport), so dependencies and handlers hop to the thread pool as they do when
served, and no HTTP client's work is counted. Each scenario runs in its own process on its
own copy of one seeded SQLite database (a patient with 90 days of history).

Three scenarios split the home screen's cost, to show what bounds it:
``patient_gates`` and ``patient_layout`` are bench.empty_pages' two pages that show
nothing (a constant; the app's layout around no content), and ``home_render`` is the
home screen's template rendered again from the context one real request gave it,
with no request and no query around it.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import httpx2

from app.clock import SystemClock
from app.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from bench import empty_pages
from bench.cramp_profile import DAYS, seed_database, settings_for
from bench.history import bench_email
from bench.run import PASSWORD

# name: (method, path); "bare" and "bare_write" (the least a write can cost, to set
# beside cramp_post) are bench.bare_app's, the others the app's.
SCENARIOS = {
    "bare": ("GET", "/bare"),
    "bare_write": ("POST", "/bare/cramps"),
    "signed_in_floor": ("GET", "/api/v1/me"),
    "cramp_post": ("POST", "/api/v1/cramps"),
    "home_90d": ("GET", "/patient/"),
    "patient_gates": ("GET", empty_pages.GATES),
    "patient_layout": ("GET", empty_pages.LAYOUT),
    "home_render": ("GET", "/patient/"),
}
ON_EMPTY_PAGES = ("patient_gates", "patient_layout")  # served by bench.empty_pages
WARM_UP = 30


async def _home_render(app, headers: list):
    """A function that renders the home screen's template from the context one real
    request gave it: the page's Jinja cost alone."""
    templates = app.state.templates
    captured = {}
    respond = templates.TemplateResponse

    def capture(request, name, context, **options):
        captured.update(context, request=request, template=name)
        return respond(request, name, context, **options)

    templates.TemplateResponse = capture  # this process only; the app is not served
    await _one(app, headers, "GET", SCENARIOS["home_render"][1])
    del templates.TemplateResponse
    template = templates.env.get_template(captured.pop("template"))

    async def render_once() -> None:
        assert template.render(captured)

    return render_once


async def _signed_in(name: str, url: str):
    """The ASGI app, and the headers of a signed-in browser (none for the bare page)."""
    if name.startswith("bare"):
        from bench import bare_app

        return bare_app.create_app(url), []
    from app.main import create_app

    factory = empty_pages.create_app if name in ON_EMPTY_PAGES else create_app
    app = factory(settings_for(url))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
        await client.get("/login")
        email = bench_email(DAYS)
        form = {CSRF_FIELD: client.cookies[CSRF_COOKIE], "email": email, "password": PASSWORD}
        signed_in = await client.post("/login", data=form)
        assert signed_in.status_code in (200, 303), signed_in.status_code
        cookie = "; ".join(f"{key}={value}" for key, value in client.cookies.items())
        csrf = client.cookies[CSRF_COOKIE]
    headers = [(b"cookie", cookie.encode()), (CSRF_HEADER.lower().encode(), csrf.encode()),
               (b"origin", b"http://bench")]  # fmt: skip
    return app, headers


async def _one(app, headers: list, method: str, path: str) -> None:
    """One request straight into the ASGI app: no HTTP client's work in the count."""
    body = b""
    headers = [(b"host", b"bench"), (b"accept-encoding", b"gzip"), *headers]
    if method == "POST":
        occurred_at = SystemClock()() - timedelta(minutes=5)
        body = json.dumps({"client_id": str(uuid.uuid4()), "occurred_at": occurred_at.isoformat(),
                           "foot": "left", "sites": ["toes"], "severity": 4}).encode()  # fmt: skip
        headers += [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]  # fmt: skip
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("bench", 80), "state": {}}  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    statuses = []

    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    assert statuses[0] in (200, 201), (path, statuses)


async def _measured(name: str, url: str, requests: int) -> None:
    """Inside valgrind: warm up, then run ``requests`` between the parent's signals."""
    method, path = SCENARIOS[name]
    app, headers = await _signed_in(name, url)
    if name == "home_render":
        work = await _home_render(app, headers)
    else:
        work = functools.partial(_one, app, headers, method, path)
    for _ in range(WARM_UP):
        await work()
    print("ready", flush=True)
    sys.stdin.readline()  # the parent has switched counting on
    for _ in range(requests):
        await work()
    print("done", flush=True)
    sys.stdin.readline()  # the parent has switched it off and saved the counts


def _count(name: str, url: str, requests: int, scratch: Path, tools: dict[str, str]) -> int:
    out = scratch / f"callgrind.{name}"
    command = [tools["valgrind"], "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions",
               "--inner", name, "--database", url, "--requests", str(requests)]  # fmt: skip
    child = subprocess.Popen(  # noqa: S603 - valgrind found on PATH by main(), our own args
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert child.stdin is not None
    assert child.stdout is not None

    def control(*flags: str) -> None:
        subprocess.run([tools["callgrind_control"], *flags, str(child.pid)], check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    for expected, flags in (("ready", ("-i", "on")), ("done", ("-i", "off"))):
        line = child.stdout.readline().strip()
        if line != expected:
            child.kill()
            raise RuntimeError(f"{name}: expected {expected!r}, got {line!r}")
        control(*flags)
        if expected == "done":
            control("-d")
        child.stdin.write("\n")
        child.stdin.flush()
    child.wait()
    total = 0
    for dump in scratch.glob(f"callgrind.{name}*"):
        for row in dump.read_text().splitlines():
            if row.startswith(("summary:", "totals:")):
                total += int(row.split()[1])
    return total // requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--inner", choices=sorted(SCENARIOS), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        asyncio.run(_measured(args.inner, args.database, args.requests))
        return 0
    tools = {tool: shutil.which(tool) for tool in ("valgrind", "callgrind_control")}
    if None in tools.values():
        print("bench.instructions needs valgrind: apt-get install valgrind", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        seeded = scratch / "seeded.db"
        url = f"sqlite:///{seeded}"
        seed_database(url)
        counts = {}
        for name in args.only:
            copy = scratch / f"{name}.db"
            shutil.copy(seeded, copy)
            counts[name] = _count(name, f"sqlite:///{copy}", args.requests, scratch, tools)
            base = counts.get("bare")
            # What the bare page's rate would be multiplied by if only the app's own
            # work counted (the HTTP server's share is the same for every page).
            ratio = f"  (bare page / this: {base / counts[name]:.2f})" if base else ""
            print(f"{name:18} {counts[name] / 1e6:7.2f}M instructions per request{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
