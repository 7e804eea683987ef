"""The wheel is the whole app: a regular install runs without the source tree.

The Docker image installs the wheel, not the checkout, so the templates, static
files, migrations and alembic.ini must travel inside it, and the app must find
them there.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

UV = str(Path(sys.executable).parent / "uv")

INSTALLED_CHECK = """
import sys
from pathlib import Path

from fastapi.testclient import TestClient

import app
from app import resources
from app.main import create_app
from app.migrate import upgrade
from app.config import get_settings

package = Path(app.__file__).parent
assert package.is_relative_to(Path(sys.argv[1])), package
assert resources.RESOURCE_DIR == package, resources.RESOURCE_DIR
upgrade(get_settings().database_url)
with TestClient(create_app()) as client:
    login = client.get("/login")
    script = client.get("/static/js/settings.js")
    print(login.status_code, "<form" in login.text, script.status_code)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [UV, "build", "--wheel", "--quiet", "--out-dir", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    [built] = out.glob("tsuranai-*.whl")
    return built


def tracked(directory: str) -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", directory], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {f"app/{name}" for name in listed.stdout.split()}


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for directory in ("templates", "static", "migrations"):
        expected = tracked(directory)
        assert expected, directory
        assert expected <= names, sorted(expected - names)
    assert "app/alembic.ini" in names
    assert {n for n in names if n.startswith("app/locales/") and n.endswith(".po")}
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "bench/"))]


def test_a_regular_install_finds_its_files_and_serves(wheel, operator_env, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # The extracted wheel comes first on the path, ahead of the editable checkout.
    operator_env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK, str(site)],
        env=operator_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "True", "200"]
