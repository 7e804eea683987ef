"""tsuranai reset-password EMAIL prints a one-time link that sets a new password."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app import cli as cli_module
from app.cli import app as cli
from app.config import get_settings
from tests.conftest import form


@pytest.fixture
def cli_env(monkeypatch, database_url, clock):
    # The link must be valid on the app's clock, not on whatever date the run is.
    monkeypatch.setattr(cli_module, "CLOCK", clock)
    monkeypatch.setenv("TSURANAI_DATABASE_URL", database_url)
    monkeypatch.setenv("TSURANAI_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("TSURANAI_PASSWORD_MEMORY_KIB", "8")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_reset_password_prints_a_working_link(cli_env, client, patient, session):
    session.commit()
    result = CliRunner().invoke(
        cli, ["reset-password", patient.email.upper(), "--base-url", "https://clinic.example/"]
    )
    assert result.exit_code == 0, result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("https://clinic.example/reset/")
    path = url.removeprefix("https://clinic.example")
    new = "another long password"
    response = client.post(
        path, data=form(client, password=new, confirm_password=new), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/patient/"


def test_reset_password_for_an_unknown_address_fails(cli_env):
    result = CliRunner().invoke(cli, ["reset-password", "nobody@example.test"])
    assert result.exit_code == 1
    assert "No account" in result.output
