"""Real uvicorn server processes for the load, crash and multi-process tests.

The servers are separate processes (``python -m uvicorn``, optionally with several
workers) serving the app made by ``create_app`` on the test's database, with the
suite's fixed clock so the patients made by tests/factories.py may log at once.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from app.cli import KEEP_ALIVE_S
from app.config import get_settings
from app.main import create_app
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
START_S = 60  # a loaded 2-core machine starts two workers slowly
RUNNING = "Uvicorn running on"  # uvicorn logs it once it holds the port


def create():
    """uvicorn's app factory in the server process: the app on a standing clock."""
    return create_app(get_settings(), clock=factories.FixedClock())


# Below Linux's ephemeral range (32768-60999): a port the kernel hands out for
# outgoing connections (a client, a PostgreSQL connection) could otherwise take a
# killed server's port before it restarts, or be given to two servers at once.
PORTS = range(20_000, 32_000)


def free_port() -> int:
    for port in random.sample(PORTS, 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSURANAI_")}
    env.update(
        TSURANAI_ENVIRONMENT="test",
        TSURANAI_DATABASE_URL=database_url,
        TSURANAI_SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
        TSURANAI_PASSWORD_TIME_COST="1",
        TSURANAI_PASSWORD_MEMORY_KIB="8",
        # Kept after ours: a shifted-clock run mends time.sleep there (tests/shifted_clock.py).
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


@dataclass
class Server:
    """One ``uvicorn`` command: one process, or a supervisor and its workers."""

    database_url: str
    log: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    starts: int = 0  # times it had started before this start

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.starts = self.log.read_text().count(RUNNING) if self.log.exists() else 0
        command = [
            sys.executable, "-m", "uvicorn", "tests.reliability.served:create", "--factory",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--log-level", "info", "--no-access-log",
            "--timeout-keep-alive", str(KEEP_ALIVE_S),  # as `tsuranai serve` does
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env(self.database_url),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends the workers too
            )
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_S
        pause = threading.Event()  # not time.sleep: see tests/e2e/fixtures.py (faketime)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start: {self.log.read_text()[-2000:]}")
            # "Running on" in its own log: the port is ours, not another test's server.
            if self.log.read_text(errors="replace").count(RUNNING) <= self.starts:
                pause.wait(0.1)
                continue
            try:
                if httpx2.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            pause.wait(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """kill -9: no shutdown, no rollback, no flush; the process is simply gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the server's processes: the
        supervisor and its workers, all in the process group it was started in."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            # After the command's name: state, ppid, pgrp, ..., utime (12th), stime (13th).
            if int(fields[2]) == self.process.pid:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def problems(self) -> list[str]:
        """Lines of its log that say something went wrong."""
        words = ("Traceback", "ERROR", "database is locked", "Exception")
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if any(word in line for word in words)]
