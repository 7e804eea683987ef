"""The "tutorial pattern" that Tsuranai deliberately avoids, kept only for contrast.

A sync handler takes its session from a sync ``yield`` dependency, as the SQLModel
tutorial shows. FastAPI runs that dependency's set-up (and, depending on the
version, its exit) in the same thread pool as the handlers, so under enough
concurrent requests the threads can all be waiting for pooled connections that
only a thread-pool job can give back (FastAPI issue #3205). ``bench.run`` serves
it with uvicorn against the benchmark's database::

    TSURANAI_DATABASE_URL=sqlite:////tmp/x.db uvicorn bench.tutorial_app:create_app --factory
"""

import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Session, create_engine, select

from app.db import make_engine
from app.models import User


def create_app(database_url: str | None = None) -> FastAPI:
    url = database_url or os.environ["TSURANAI_DATABASE_URL"]
    # TUTORIAL_ENGINE=tutorial: the tutorial's own engine (SQLAlchemy's default pool
    # of 5 + 10); otherwise the app's engine, so the dependency is the only difference.
    if os.environ.get("TUTORIAL_ENGINE") == "tutorial":
        engine = create_engine(url, connect_args={"check_same_thread": False})
    else:
        engine = make_engine(url)

    def get_session() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    app = FastAPI(title="tutorial pattern (do not copy)")

    @app.get("/users/first")
    def read_first_user(session: Annotated[Session, Depends(get_session)]) -> dict:
        user = session.exec(select(User).order_by(User.id).limit(1)).first()
        if user is None:
            raise HTTPException(404)
        return {"id": user.id, "email": user.email}

    return app
