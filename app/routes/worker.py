"""The service worker's text: static/sw.js with its app shell and version filled in.

The shell lists every file a page needs to open offline, each with its content
hash as the revision. The version is a hash of all of it, so changing any shell
file (or the worker) gives the browser a new worker to install.
"""

from __future__ import annotations

import hashlib
import json

from starlette.requests import Request

from app.static_files import fingerprint
from app.templating import STATIC_DIR

WORKBOX = "js/workbox-v7.4.1/"
# Files a page needs to open with no signal: styles, scripts, icons.
SHELL_FILES = (
    "css/app.css",
    "css/plan.css",
    "css/diary.css",
    "css/pwa.css",
    "css/consent.css",  # the home screen's guidance banner
    "js/htmx-4.0.1.min.js",
    "js/fresh-ids.js",  # base.html, every page
    "js/pwa.js",
    "js/reminders.js",
    "js/outbox.js",
    "js/timer.js",
    "js/settings.js",
    "js/workbox-v7.4.1/workbox-window.prod.umd.js",
    "icons/mark.svg",
    "icons/routines.svg",
    "icons/icon-192.png",
    "icons/apple-touch-icon.png",
)
# Scripts the worker itself loads after Workbox, in order.
WORKER_IMPORTS: tuple[str, ...] = (
    "js/idb-8.0.4.umd.js",
    "js/store.js",
    "js/sw-reminders.js",
    "js/sw-outbox.js",
)
# Placeholders in static/sw.js, each a whole line the route replaces.
_SHELL_LINE = "const SHELL = []; /* filled in by app/routes/pwa.py */"
_VERSION_LINE = 'const VERSION = "dev"; /* filled in by app/routes/pwa.py */'
_CONFIG_LINE = "const CONFIG = {}; /* filled in by app/routes/pwa.py: urls the worker needs */"


def _static(request: Request, path: str) -> str:
    return request.url_for("static", path=path).path


def script(request: Request) -> str:
    source = (STATIC_DIR / "sw.js").read_text()
    offline = request.url_for("pwa.offline").path
    shell = [
        {"url": _static(request, path), "revision": fingerprint(STATIC_DIR, path)}
        for path in (*SHELL_FILES, *WORKER_IMPORTS)
    ]
    # The offline page is rendered by the app; it changes with the shell.
    shell.append({"url": offline, "revision": None})
    config = {
        "workbox": _static(request, WORKBOX),
        "imports": [_static(request, path) for path in WORKER_IMPORTS],
        "home": request.url_for("patient.home").path,
        "pages": request.url_for("patient.home").path,
        "offline": offline,
        "icon": _static(request, "icons/icon-192.png"),
        "batch": request.url_for("api.batch").path,
        "signOut": [
            request.url_for("auth.logout").path,
            request.url_for("auth.logout_everywhere").path,
        ],
    }
    version = hashlib.sha256(
        (source + json.dumps(shell, sort_keys=True) + json.dumps(config, sort_keys=True)).encode()
    ).hexdigest()[:16]
    shell[-1]["revision"] = version
    return (
        source.replace(_SHELL_LINE, f"const SHELL = {json.dumps(shell)};")
        .replace(_VERSION_LINE, f'const VERSION = "{version}";')
        .replace(_CONFIG_LINE, f"const CONFIG = {json.dumps(config)};")
    )
