"""An operator's mistake gets one translated line and a non-zero exit, no traceback.

Most cases run the command in-process (a fresh process costs seconds on a busy
machine); the first test runs the real ``tsuranai`` executable to prove the exit
code and the single line end to end.
"""

from __future__ import annotations

import os

import pytest

from tests.deploy.conftest import refused, run_cli

COMMANDS = [["migrate"], ["serve", "--port", "8999"]]


def test_the_real_command_refuses_in_one_line_in_the_clinics_language(operator_env, tmp_path):
    operator_env["TSURANAI_SECRET_KEY"] = ""
    operator_env["TSURANAI_DEFAULT_LOCALE"] = "ja"
    line = refused(run_cli("serve", env=operator_env, cwd=tmp_path))
    assert "TSURANAI_SECRET_KEY に32文字以上のランダムな値を設定してください" in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("key", ["", "change-me", "too-short-0123"])
def test_a_missing_or_weak_secret_key_is_refused_in_one_line(
    tsuranai, command, key, operator_env, tmp_path
):
    operator_env["TSURANAI_SECRET_KEY"] = key
    line = refused(tsuranai(*command, env=operator_env, cwd=tmp_path))
    assert line.startswith("TSURANAI_SECRET_KEY must be set")
    assert not (tmp_path / "data").exists()


@pytest.fixture
def unwritable_dir(tmp_path):
    """A data directory this user cannot write: read-only for a normal user; root can
    write anywhere, so for root a path below a regular file, which nobody can create."""
    if os.geteuid() == 0:
        blocker = tmp_path / "volume"
        blocker.write_text("not a directory")
        return blocker / "data"
    directory = tmp_path / "volume"
    directory.mkdir(mode=0o555)
    return directory


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unwritable_data_directory_is_named_with_the_fix(
    tsuranai, command, unwritable_dir, operator_env, tmp_path
):
    operator_env["TSURANAI_DATABASE_URL"] = f"sqlite:///{unwritable_dir / 'tsuranai.db'}"
    line = refused(tsuranai(*command, env=operator_env, cwd=tmp_path))
    assert line == (
        f"The data directory {unwritable_dir} is not writable by this user "
        f"(uid {os.getuid()}); give it to that user, e.g. chown -R {os.getuid()} {unwritable_dir}"
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unreachable_database_is_named_without_its_password(
    tsuranai, command, operator_env, tmp_path
):
    # Port 1 on this machine: nothing listens, the connection is refused at once.
    operator_env["TSURANAI_DATABASE_URL"] = (
        "postgresql+psycopg://tsuranai:hunter2-secret@127.0.0.1:1/tsuranai"
    )
    line = refused(tsuranai(*command, env=operator_env, cwd=tmp_path))
    assert line.startswith(
        "Cannot reach the database at postgresql+psycopg://tsuranai:***@127.0.0.1:1/tsuranai: "
    )
    assert "hunter2" not in line


def test_a_setting_with_a_bad_value_is_named(tsuranai, operator_env, tmp_path):
    operator_env["TSURANAI_DB_POOL_SIZE"] = "many"
    line = refused(tsuranai("migrate", env=operator_env, cwd=tmp_path))
    assert line.startswith("TSURANAI_DB_POOL_SIZE is not valid: ")


def test_a_good_setup_migrates(tsuranai, operator_env, tmp_path):
    result = tsuranai("migrate", env=operator_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "tsuranai.db").is_file()
