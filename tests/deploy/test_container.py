"""The Dockerfile passes hadolint, and the build context holds only what it copies."""

from __future__ import annotations

import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

HADOLINT = str(Path(sys.executable).parent / "hadolint")
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_hadolint_has_nothing_to_say():
    result = subprocess.run(
        [HADOLINT, "--failure-threshold", "style", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_the_base_image_is_pinned_by_digest_in_a_documented_arg():
    arg = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert arg
    assert re.fullmatch(r"python:3\.11-[\w.-]+@sha256:[0-9a-f]{64}", arg.group(1))
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == ["${PYTHON_IMAGE}"] * 2
    assert "pip install --upgrade pip" not in DOCKERFILE
    assert "--require-hashes" in DOCKERFILE
    assert " -e " not in DOCKERFILE
    assert "--editable" not in DOCKERFILE


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches the path or a parent of it wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if pattern.startswith("**/"):
            hit = any(fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch(candidate, pattern) for candidate in candidates)
        if hit:
            verdict = not negated
    return verdict


PATTERNS = [
    line.strip()
    for line in (ROOT / ".dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.mark.parametrize(
    "path",
    [
        "tests/conftest.py",
        "bench/run.py",
        "docs/CONVENTIONS.md",
        ".ci/run",
        ".git/HEAD",
        ".venv/bin/python",
        "data/tsuranai.db",
        "data/secret_key",
        "build/lib/app/main.py",
        "dist/tsuranai-0.1.0-py3-none-any.whl",
        "tsuranai.egg-info/PKG-INFO",
        "test-artifacts/home.png",
        ".env",
        "deploy.env",
        "compose.yaml",
        "app/__pycache__/main.cpython-311.pyc",
    ],
)
def test_the_build_context_leaves_out(path):
    assert ignored(path, PATTERNS)


def test_the_build_context_keeps_everything_the_dockerfile_copies():
    sources = [
        source
        for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, re.MULTILINE)
        for source in line.split()[:-1]
    ]
    assert "app/" in sources
    assert "uv.lock" in sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not ignored(source.rstrip("/"), PATTERNS), source
    assert not ignored("app/main.py", PATTERNS)
    assert not ignored("templates/base.html", PATTERNS)
