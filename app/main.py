"""The application factory: everything is built per app, nothing at import time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from app import errors
from app.clock import SystemClock
from app.compression import CompressResponses
from app.config import Environment, Settings, get_settings
from app.db import ConnectionGate, make_engine
from app.middleware import (
    CsrfMiddleware,
    GuessLocale,
    LimitBody,
    RejectNul,
    RequestDay,
    SecurityHeaders,
)
from app.routes import admin, auth, disclosure, docs, health, info, invites, practitioner, pwa
from app.routes import api as api_routes
from app.routes import patient as patient_routes
from app.security import Passwords
from app.static_files import StaticAssets
from app.templating import STATIC_DIR, RoutePaths, make_templates


def create_app(
    settings: Settings | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(
        settings.database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Web Push needs the app's VAPID key; make it on the first run (issue 11).
        from app.db import write_session
        from app.services import push, reminders

        with write_session(engine) as session:
            push.vapid_key(session, configured=settings.vapid_private_key, now=app.state.clock())
        loop = None
        if settings.reminder_loop_seconds:
            loop = asyncio.create_task(reminders.reminder_loop(app, settings.reminder_loop_seconds))
        yield
        if loop is not None:
            loop.cancel()
        engine.dispose()

    app = FastAPI(
        title="Tsuranai",
        summary="Night-time toe cramp self-care: plans, reminders and a cramp diary.",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # app.routes.docs serves it from static/, under the CSP
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.db_gate = ConnectionGate(
        engine,
        capacity=settings.db_pool_size + settings.db_max_overflow,
        active=settings.max_active_requests,
    )
    app.state.clock = clock or SystemClock()
    app.state.passwords = Passwords(settings)
    app.state.templates = make_templates(
        auto_reload=settings.environment is Environment.DEVELOPMENT
    )
    app.state.route_paths = RoutePaths(app.router)

    errors.install(app)
    app.mount("/static", StaticAssets(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    # Routes are matched in order, one by one: the JSON API comes first because the
    # devices' entries are the busiest requests, and its /api/ paths meet no page's.
    app.include_router(api_routes.router)
    # The OpenAPI document describes what programs call: the JSON API and /healthz.
    # Pages, forms, downloads and the installed app's files are for browsers; their
    # answers (HTML, 303 redirects) are not an API contract (tests/security/test_fuzz_api.py).
    for browser_router in (
        pwa.router,
        docs.router,
        auth.router,
        invites.router,
        patient_routes.router,
        patient_routes.onboarding_router,
        info.router,
        practitioner.router,
        admin.router,
        disclosure.router,
    ):
        app.include_router(browser_router, include_in_schema=False)

    # Added last = runs first: headers wrap everything, even a refused CSRF check;
    # the body limit holds before anything reads a body.
    app.add_middleware(RejectNul)
    app.add_middleware(CsrfMiddleware, settings=settings)
    app.add_middleware(LimitBody)
    app.add_middleware(RequestDay)
    app.add_middleware(GuessLocale, default=settings.default_locale)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    # Pages that show the calendar address (a lasting secret) stay uncompressed: BREACH.
    app.add_middleware(
        CompressResponses,
        uncompressed_paths=frozenset(
            app.url_path_for(name)
            for name in ("pwa.settings", "pwa.save_night_mode", "pwa.save_reminders")
        ),
    )
    logging.getLogger("tsuranai").setLevel(logging.INFO)
    return app
