"""Install the uv that uv.lock pins, hash-checked, with the running Python's pip.

uv installs everything else from the lock, but something has to install uv first
on a machine that only has ``python3`` and pip. Taking its version and hashes from
uv.lock keeps that first step as reproducible as the rest: pip refuses a download
whose hash the lock does not name.

    python scripts/install_uv.py [path/to/uv.lock]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path


def requirement(lock: dict) -> str:
    """``uv==X --hash=sha256:...`` for every file the lock lists for uv."""
    for package in lock["package"]:
        if package["name"] == "uv":
            files = [*package.get("wheels", []), package["sdist"]]
            hashes = " ".join(f"--hash={entry['hash']}" for entry in files)
            return f"uv=={package['version']} {hashes}"
    raise SystemExit("uv.lock does not pin uv: add it to the dev extra and run `uv lock`")


def main() -> None:
    lock_path = Path(sys.argv[1] if len(sys.argv) > 1 else "uv.lock")
    with lock_path.open("rb") as lock_file:
        line = requirement(tomllib.load(lock_file))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write(line + "\n")
    try:
        # Our own interpreter and a file we just wrote: no untrusted input.
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps",
             "-r", requirements.name],
            check=True,
        )  # fmt: skip
    finally:
        Path(requirements.name).unlink()


if __name__ == "__main__":
    main()
