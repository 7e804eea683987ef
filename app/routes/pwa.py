"""What makes Tsuranai an installable app: the manifest, the service worker at the
site root, and the offline page the worker falls back to. Open to everyone: the
manifest and worker are fetched before (and after) anyone signs in.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app import i18n
from app.db import SessionDep
from app.deps import NowDep
from app.i18n import N_
from app.routes import worker
from app.services import calendar_feed
from app.templating import locale_of, render

router = APIRouter()

MANIFEST_TYPE = "application/manifest+json"
# The theme colour is the brand's accent; the background is the page's (app.css).
THEME_COLOUR = "#2f6f8f"
BACKGROUND_COLOUR = "#f6f4ef"


def _static_url(request: Request, path: str) -> str:
    return request.url_for("static", path=path).path


def manifest_for(request: Request) -> dict:
    """The web app manifest, in the language of the request (Japanese by default)."""
    locale = locale_of(request)

    def t(message: str) -> str:
        return i18n.gettext(locale, message)

    home = request.url_for("patient.home").path

    def icon(path: str, size: int, purpose: str | None = None) -> dict:
        found = {"src": _static_url(request, path), "sizes": f"{size}x{size}", "type": "image/png"}
        return {**found, "purpose": purpose} if purpose else found

    return {
        "id": "/",
        "name": t(N_("Tsuranai: night toe-cramp care")),
        "short_name": t(N_("Tsuranai")),
        "description": t(
            N_("Your clinic's plan against night-time toe cramps, and a cramp diary.")
        ),
        "lang": locale,
        "dir": "ltr",
        "start_url": request.url_for("root").path + "?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["health", "medical", "lifestyle"],
        "icons": [
            icon("icons/icon-192.png", 192, "any"),
            icon("icons/icon-512.png", 512, "any"),
            icon("icons/icon-maskable-512.png", 512, "maskable"),
        ],
        "shortcuts": [
            {
                "name": t(N_("Cramp now")),
                "short_name": t(N_("Cramp now")),
                "description": t(N_("Record a cramp with one tap")),
                "url": home + "?from=shortcut#cramp-now-title",
                "icons": [icon("icons/shortcut-cramp-96.png", 96)],
            },
            {
                "name": t(N_("Tonight")),
                "short_name": t(N_("Tonight")),
                "description": t(N_("Tonight's routine")),
                "url": home + "?from=shortcut",
                "icons": [icon("icons/shortcut-tonight-96.png", 96)],
            },
        ],
    }


@router.get("/manifest.webmanifest", name="pwa.manifest")
def show_manifest(request: Request):
    return JSONResponse(
        manifest_for(request),
        media_type=MANIFEST_TYPE,
        headers={"Cache-Control": "public, max-age=3600", "Vary": "Cookie, Accept-Language"},
    )


@router.get("/sw.js", name="pwa.service_worker")
def show_service_worker(request: Request):
    # Served from the root so that its scope is the whole site; revalidated on every
    # visit, so that a new version is found at once.
    return Response(
        worker.script(request),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


@router.get("/offline", name="pwa.offline")
def show_offline(request: Request):
    return render(request, "pwa/offline.html")


@router.get("/calendar/{token}.ics", name="pwa.calendar_feed")
def show_calendar_feed(session: SessionDep, now: NowDep, token: str):
    # Unknown and replaced tokens are NotFound (404) in the service.
    return Response(
        calendar_feed.calendar_for(session, token=token, now=now),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": 'inline; filename="tsuranai.ics"',
            # A secret address must not leak through the Referer of a link in an event.
            "Referrer-Policy": "no-referrer",
        },
    )
