"""The baseline every scenario is compared with: the least a real page can cost.

One FastAPI route reads one row from the benchmark's SQLite database (through the
app's own engine and connection gate, so the driver and pragmas are the same) and
renders a tiny Jinja template. A scenario's requests per second divided by this
page's, measured in the same run, is the figure that survives a change of machine.

A second route is the least a real write can cost, for comparison with the cramp
log: the same JSON body checked by the API's own model (``CrampIn``), one read to
know whose row it is, one row added through the ORM and committed, the row answered
as JSON. No sign-in, no CSRF check, no repeat check, no middleware.
"""

import os

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlmodel import select

from app.clock import SystemClock
from app.db import ConnectionGate, SessionDep, make_engine
from app.models import CrampEvent, Role, User
from app.routes.api.diary.cramps import CrampIn

CLOCK = SystemClock()
PAGE = Environment(autoescape=True).from_string(
    '<!doctype html><html lang="ja"><title>{{ title }}</title>'
    "<h1>{{ name }}</h1><p>{{ email }}</p></html>"
)


def create_app(database_url: str | None = None) -> FastAPI:
    engine = make_engine(database_url or os.environ["TSURANAI_DATABASE_URL"])
    app = FastAPI(title="bare baseline")
    app.state.engine = engine
    app.state.db_gate = ConnectionGate(engine, capacity=30)

    @app.get("/bare", response_class=HTMLResponse)
    def bare_page(request: Request, session: SessionDep) -> HTMLResponse:
        user = session.exec(select(User).order_by(User.id).limit(1)).one()
        return HTMLResponse(PAGE.render(title="bare", name=user.name, email=user.email))

    @app.post("/bare/cramps", status_code=201)
    def bare_write(session: SessionDep, cramp: CrampIn) -> dict:
        patient = session.exec(select(User.id).where(User.role == Role.PATIENT).limit(1)).one()
        now = CLOCK()
        row = CrampEvent(
            patient_id=patient, zone="Asia/Tokyo", created_fingerprint="", created_at=now,
            updated_at=now, **cramp.model_dump(),
        )  # fmt: skip
        session.add(row)
        session.commit()
        return row.model_dump(mode="json")

    return app
