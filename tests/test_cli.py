"""The tsuranai command: migrate, create-user, demo."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings
from app.models import CareLink, PatientProfile, Role, User


@pytest.fixture
def cli_env(monkeypatch, database_url):
    monkeypatch.setenv("TSURANAI_DATABASE_URL", database_url)
    monkeypatch.setenv("TSURANAI_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("TSURANAI_PASSWORD_MEMORY_KIB", "8")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def users(url: str) -> list[User]:
    engine = create_engine(url)
    with Session(engine) as session:
        found = list(session.exec(select(User).order_by(User.id)))
    engine.dispose()
    return found


def test_migrate_reports_an_up_to_date_database(cli_env):
    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_create_user_reads_the_password_from_stdin(cli_env):
    result = CliRunner().invoke(
        cli,
        [
            "create-user",
            "--role",
            "practitioner",
            "--email",
            "New@Clinic.test",
            "--name",
            "新しい 先生",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    [user] = users(cli_env)
    assert (user.email, user.role) == ("new@clinic.test", Role.PRACTITIONER)


def test_create_user_refuses_a_short_password_and_creates_nothing(cli_env):
    result = CliRunner().invoke(
        cli,
        [
            "create-user",
            "--role",
            "admin",
            "--email",
            "a@b.test",
            "--name",
            "A",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "password" in result.output
    assert users(cli_env) == []


def test_demo_loads_a_clinic_once_and_prints_the_logins(cli_env):
    first = CliRunner().invoke(cli, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.tsuranai.jp" in first.output
    assert "tsuranai-demo" in first.output
    people = users(cli_env)
    roles = [u.role for u in people]
    assert roles.count(Role.ADMIN) == 1
    assert roles.count(Role.PRACTITIONER) == 2
    assert roles.count(Role.PATIENT) == 12
    engine = create_engine(cli_env)
    with Session(engine) as session:
        assert len(session.exec(select(PatientProfile)).all()) == 12
        assert len(session.exec(select(CareLink)).all()) == 12
        bedtimes = {p.bedtime for p in session.exec(select(PatientProfile))}
    engine.dispose()
    assert len(bedtimes) > 5  # varied evenings, some after midnight

    second = CliRunner().invoke(cli, ["demo", "--if-empty"])
    assert second.exit_code == 0
    assert len(users(cli_env)) == len(people)
    assert "admin@demo.tsuranai.jp" in second.output


def test_demo_adds_a_clinic_at_scale_when_asked(cli_env):
    result = CliRunner().invoke(cli, ["demo", "--patients", "3", "--days", "20"])
    assert result.exit_code == 0, result.output
    assert "Added 3 patients with 20 days of history" in result.output
    assert "demo-caseload3@scale.example" in result.output
    people = users(cli_env)
    assert [u.role for u in people].count(Role.PATIENT) == 12 + 3
    engine = create_engine(cli_env)
    with Session(engine) as session:
        scale_practitioner = session.exec(
            select(User).where(User.email == "demo-caseload3@scale.example")
        ).one()
        cared = session.exec(
            select(CareLink).where(CareLink.practitioner_id == scale_practitioner.id)
        ).all()
    engine.dispose()
    assert len(cared) == 3


def test_demo_without_if_empty_refuses_a_database_with_accounts(cli_env):
    CliRunner().invoke(cli, ["demo"])
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 1
