"""tsuranai backup: a consistent, checked copy of the SQLite database."""

from __future__ import annotations

import sqlite3

from tests.deploy.conftest import refused


def accounts(path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT email FROM user ORDER BY email")]
    finally:
        connection.close()


def test_a_backup_holds_the_data_and_never_overwrites(tsuranai, operator_env, tmp_path):
    operator_env["TSURANAI_PASSWORD_TIME_COST"] = "3"
    assert tsuranai("migrate", env=operator_env, cwd=tmp_path).returncode == 0
    made = tsuranai(
        "create-user", "--role", "patient", "--email", "hanako@example.jp", "--name", "佐藤 花子",
        "--password-stdin", env=operator_env, cwd=tmp_path, input="a long enough password\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    result = tsuranai("backup", str(tmp_path / "backups"), env=operator_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [copy] = (tmp_path / "backups").glob("tsuranai-*.db")
    assert f"Backed up to {copy}" in result.stdout
    assert accounts(copy) == ["hanako@example.jp"]

    again = tsuranai("backup", str(copy), env=operator_env, cwd=tmp_path)
    assert refused(again) == f"{copy} already exists; choose another name."


def test_postgres_is_pointed_at_pg_dump(tsuranai, operator_env, tmp_path):
    operator_env["TSURANAI_DATABASE_URL"] = "postgresql+psycopg://tsuranai:pw@db:5432/tsuranai"
    line = refused(tsuranai("backup", env=operator_env, cwd=tmp_path))
    assert line == "tsuranai backup copies SQLite; back up PostgreSQL with pg_dump -Fc."
