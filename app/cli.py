"""The ``tsuranai`` command: serve, migrate, backup, create-user, reset-password, demo."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.exc import OperationalError

from app import i18n
from app.clock import SystemClock
from app.config import get_settings
from app.db import make_engine, write_session
from app.messages import N_
from app.models import Role
from app.security import Passwords
from app.services import accounts
from app.services.errors import InvalidInput
from app.startup import StartupError, check_before_start, unreachable

app = typer.Typer(
    help="Tsuranai: night-time toe cramp self-care for a clinic and its patients.",
    no_args_is_help=True,
)

# Every command reads the time here: a test that checks a command's output against
# an app running on its own clock puts that clock here.
CLOCK = SystemClock()


def _locale() -> str:
    # The settings may be what failed, so read the language straight from the environment.
    return i18n.normalise(os.environ.get("TSURANAI_DEFAULT_LOCALE")) or i18n.DEFAULT


def _say(message: str, *, err: bool = False) -> None:
    typer.echo(i18n.translate(_locale(), message), err=err)


@contextmanager
def _refusing_to_start() -> Iterator[None]:
    """Turn a StartupError into one translated line on stderr and exit code 1."""
    try:
        yield
    except StartupError as error:
        _say(error.message, err=True)
        raise typer.Exit(code=1) from None


def _migrate(database_url: str) -> None:
    from app.migrate import upgrade

    def waiting() -> None:
        _say(N_("Another migration is running; waiting for it to finish."))

    try:
        upgrade(database_url, on_wait=waiting)
    except OperationalError as error:
        raise unreachable(database_url, error) from None


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (one migrator at a time)."""
    with _refusing_to_start():
        settings = check_before_start()
        _migrate(settings.database_url)
    typer.echo("Database is up to date.")


# A client may reuse an idle connection at the very moment the server closes it; a
# POST sent then is lost (no answer, and neither a proxy nor an HTTP library resends
# a POST by itself). Only the side that closes first is safe, so the server keeps
# idle connections longer than whoever talks to it: proxies (nginx, cloud load
# balancers: 60 s) and HTTP libraries (5 s), not uvicorn's own 5 s.
KEEP_ALIVE_S = 75


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
    proxy_headers: bool = typer.Option(
        False,
        envvar="TSURANAI_PROXY_HEADERS",
        help="Trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy).",
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", envvar="TSURANAI_FORWARDED_ALLOW_IPS", help="Proxies to trust."
    ),
    run_migrations: bool = typer.Option(
        False, "--migrate", help="Bring the schema up to date first (safe with several replicas)."
    ),
    keep_alive: int = typer.Option(
        KEEP_ALIVE_S,
        envvar="TSURANAI_KEEP_ALIVE_SECONDS",
        help="Seconds an idle connection stays open; longer than any proxy's in front.",
    ),
) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    # Fail here, with one clear line, not inside a worker with a traceback.
    with _refusing_to_start():
        settings = check_before_start()
        if run_migrations:
            _migrate(settings.database_url)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_keep_alive=keep_alive,
    )


@app.command()
def backup(
    destination: Path = typer.Argument(
        Path("data/backups"), help="A directory (a time-stamped file goes in it) or a file."
    ),
) -> None:
    """Copy the SQLite database, consistently, while the app runs."""
    from app.backup import backup as copy_database

    with _refusing_to_start():
        settings = check_before_start(database=False)
        target = copy_database(settings.database_url, destination, now=CLOCK())
    typer.echo(f"Backed up to {target} ({target.stat().st_size} bytes).")


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
                now=CLOCK(),
            )
    except InvalidInput as invalid:
        for field_name, message in invalid.errors.items():
            typer.echo(f"{field_name}: {message}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    typer.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@app.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The account's e-mail address."),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", help="The address patients open the app at."
    ),
) -> None:
    """Print a one-time password reset link for an account (valid 7 days, one use)."""
    from sqlmodel import select

    from app.models import User
    from app.services import invites

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with write_session(engine) as session:
            user = session.exec(
                select(User).where(User.email == accounts.normalise_email(email))
            ).first()
            if user is None:
                typer.echo(f"No account with the e-mail address {email}.", err=True)
                raise typer.Exit(code=1)
            issued = invites.issue_reset(session, actor=None, user_id=user.id, now=CLOCK())
    finally:
        engine.dispose()
    until = f"{issued.link.expires_at:%Y-%m-%d %H:%M} UTC"
    typer.echo(f"Reset link for {user.email} (valid until {until}, one use):")
    typer.echo(f"{base_url.rstrip('/')}/reset/{issued.token}")


@app.command()
def demo(
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the database already has accounts."
    ),
    patients: int = typer.Option(
        0,
        "--patients",
        min=0,
        help="Also add a clinic at scale: this many patients with --days of history each, "
        "cared for by a practitioner who has 50 of them and one who has them all "
        "(the caseload benchmark's clinic).",
    ),
    days: int = typer.Option(365, "--days", min=1, help="Days of history for --patients."),
) -> None:
    """Load the demo clinic: an admin, two practitioners, a dozen patients with history."""
    from app import demo as demo_clinic
    from app.demo import scale
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
                now=CLOCK(),
                time_zone=settings.default_time_zone,
            )
            session.commit()
            typer.echo("Demo clinic loaded.")
            _print_logins(demo_clinic.DEMO_PASSWORD, logins())
        if patients:
            started = CLOCK()
            clinic = scale.build(
                engine,
                password_hash=Passwords(settings).hash(demo_clinic.DEMO_PASSWORD),
                patients=patients,
                days=days,
                now=started,
                caseloads=(50,),
                prefix="demo-",
            )
            spent = (CLOCK() - started).total_seconds()
            typer.echo(f"Added {patients} patients with {days} days of history in {spent:.0f} s.")
            _print_logins(
                demo_clinic.DEMO_PASSWORD,
                [
                    (f"Practitioner of {size}", email)
                    for size, email in clinic.practitioner_emails.items()
                ],
            )
    finally:
        engine.dispose()


def _print_logins(password: str, rows: list[tuple[str, str]]) -> None:
    typer.echo(f"Demo sign-ins (password for all: {password}):")
    for who, email in rows:
        typer.echo(f"  {who:<28} {email}")


if __name__ == "__main__":
    app()


@app.command("send-reminders")
def send_reminders() -> None:
    """Send the Web Push reminders that are due now (run it from cron every few
    minutes; any number of runs at once send each reminder once per device)."""
    from app.main import create_app
    from app.services import reminders

    settings = get_settings()
    application = create_app(settings)
    engine = application.state.engine
    try:
        report = reminders.send_due_reminders(
            engine,
            now=CLOCK(),
            vapid_private_key=settings.vapid_private_key,
            vapid_subject=settings.vapid_subject,
            payload_for=reminders.payload_builder(engine, reminders.urls_of(application)),
        )
    finally:
        engine.dispose()
    typer.echo(
        f"Reminders: {report.sent} sent, {report.failed} to retry, {report.gone} devices gone."
    )
