"""What a piece of work asks the database: for the tests that hold a page or an entry
to the same few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block, in order."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_statements(app, client, url: str) -> list[str]:
    """The statements one page view sends (the page must answer 200)."""
    with statements_sent(app.state.engine) as statements:
        assert client.get(url).status_code == 200
    return statements


def reads(statements: list[str]) -> list[str]:
    """The SELECTs among ``statements``."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]
