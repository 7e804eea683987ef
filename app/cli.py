"""The ``tsuranai`` command: serve, migrate, create-user, demo."""

from __future__ import annotations

import sys

import typer

from app.clock import SystemClock
from app.config import get_settings
from app.db import make_engine, write_session
from app.models import Role
from app.security import Passwords
from app.services import accounts
from app.services.errors import InvalidInput

app = typer.Typer(
    help="Tsuranai: night-time toe cramp self-care for a clinic and its patients.",
    no_args_is_help=True,
)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("Database is up to date.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
    proxy_headers: bool = typer.Option(
        False, help="Trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy)."
    ),
    forwarded_allow_ips: str = typer.Option("127.0.0.1", help="Proxies to trust."),
) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    get_settings()  # fail now, with the settings' own message, not inside a worker
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@app.command("create-user")
def create_user(
    role: Role = typer.Option(..., help="patient, practitioner or admin."),
    email: str = typer.Option(...),
    name: str = typer.Option(...),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create an account. The password is prompted for, or read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with write_session(engine) as session:
            user = accounts.create_user(
                session,
                passwords=Passwords(settings),
                email=email,
                name=name,
                role=role,
                password=password,
                now=SystemClock()(),
            )
    except InvalidInput as invalid:
        for field_name, message in invalid.errors.items():
            typer.echo(f"{field_name}: {message}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    typer.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@app.command()
def demo(
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the database already has accounts."
    ),
) -> None:
    """Load the demo clinic: an admin, two practitioners, a dozen patients with history."""
    from app import demo as demo_clinic
    from app.demo.accounts import logins

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with write_session(engine) as session:
            if not demo_clinic.is_empty(session):
                if if_empty:
                    typer.echo("Database already has accounts; demo not loaded.")
                    if demo_clinic.is_loaded(session):
                        _print_logins(demo_clinic.DEMO_PASSWORD, logins())
                    return
                typer.echo("Database is not empty; refusing to load the demo.", err=True)
                raise typer.Exit(code=1)
            demo_clinic.load(
                session,
                passwords=Passwords(settings),
                now=SystemClock()(),
                time_zone=settings.default_time_zone,
            )
            typer.echo("Demo clinic loaded.")
            _print_logins(demo_clinic.DEMO_PASSWORD, logins())
    finally:
        engine.dispose()


def _print_logins(password: str, rows: list[tuple[str, str]]) -> None:
    typer.echo(f"Demo sign-ins (password for all: {password}):")
    for who, email in rows:
        typer.echo(f"  {who:<28} {email}")


if __name__ == "__main__":
    app()
