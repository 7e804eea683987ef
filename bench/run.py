"""Load benchmark: the real app under uvicorn, hammered by wrk at 128 connections.

Run from the repository root with ``make bench`` or ``.venv/bin/python -m bench.run``.
It builds a throw-away SQLite database with one patient, serves each scenario in its
own uvicorn process (so peak memory belongs to one scenario), runs wrk against it,
prints a table and writes ``bench/results.json``. The "tutorial" scenarios serve
``bench.tutorial_app`` (a sync ``yield`` session dependency) for contrast.

Figures are for comparing runs on one machine. The one target checked is the
foundation's: every app scenario must keep answering at 128 connections (only its
expected status, no socket errors, and a prompt answer right after the load);
otherwise the command exits 1. The tutorial scenarios are expected to stall.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx2

from app.clock import SystemClock
from app.config import Environment, Settings
from app.db import make_engine, write_session
from app.migrate import upgrade
from app.models import Role
from app.security import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Passwords
from app.services import accounts

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
LUA_SCRIPT = BENCH_DIR / "status_counts.lua"
RESULTS = BENCH_DIR / "results.json"

EMAIL = "bench.patient@example.test"
PASSWORD = "bench password 0123"  # noqa: S105 - a throw-away benchmark account
# Cheapest argon2id: the benchmark signs in once; hashing cost is not what it measures.
SERVER_SETTINGS = {
    "TSURANAI_ENVIRONMENT": Environment.TEST.value,
    "TSURANAI_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
    "TSURANAI_PASSWORD_TIME_COST": "1",
    "TSURANAI_PASSWORD_MEMORY_KIB": "8",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    app: str  # uvicorn factory, "module:function"
    path: str
    signed_in: bool = False
    form: dict[str, str] | None = None  # POSTed with the CSRF token when given
    expected_status: int = 200
    checked: bool = True  # must keep answering for the run to pass
    env: dict[str, str] = field(default_factory=dict)


SCENARIOS = (
    Scenario("healthz", "app: GET /healthz (SELECT 1)", "app.main:create_app", "/healthz"),
    Scenario(
        "patient_home",
        "app: GET /patient/ signed in (session lookup, profile, template)",
        "app.main:create_app",
        "/patient/",
        signed_in=True,
    ),
    Scenario(
        "language_post",
        "app: POST /language signed in (a write: BEGIN IMMEDIATE, UPDATE user)",
        "app.main:create_app",
        "/language",
        signed_in=True,
        form={"locale": "ja", "next": "/healthz"},
        expected_status=303,
    ),
    Scenario(
        "tutorial",
        "tutorial pattern: sync handler + sync yield Session, app's engine (pool 10+20)",
        "bench.tutorial_app:create_app",
        "/users/first",
        checked=False,
    ),
    Scenario(
        "tutorial_default_pool",
        "tutorial pattern with the tutorial's engine (SQLAlchemy default pool 5+10)",
        "bench.tutorial_app:create_app",
        "/users/first",
        checked=False,
        env={"TUTORIAL_ENGINE": "tutorial"},
    ),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(database_url: str) -> None:
    """Migrate a fresh database and add the patient the signed-in scenarios use."""
    upgrade(database_url)
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        secret_key=SERVER_SETTINGS["TSURANAI_SECRET_KEY"],
        password_time_cost=1,
        password_memory_kib=8,
    )
    engine = make_engine(database_url)
    try:
        with write_session(engine) as session:
            accounts.create_user(
                session,
                passwords=Passwords(settings),
                email=EMAIL,
                name="Bench Patient",
                role=Role.PATIENT,
                password=PASSWORD,
                now=SystemClock()(),
            )
    finally:
        engine.dispose()


class Server:
    """One uvicorn process serving one scenario's app, like ``tsuranai serve``."""

    def __init__(self, scenario: Scenario, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{scenario.name}.log"
        # The working directory is the temp dir, so no .env of the developer's leaks in.
        env = {**os.environ, **SERVER_SETTINGS, **scenario.env}
        env["TSURANAI_DATABASE_URL"] = database_url
        command = [
            sys.executable, "-m", "uvicorn", scenario.app, "--factory",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--app-dir", str(PROJECT_DIR), "--log-level", "warning", "--no-access-log",
            "--timeout-graceful-shutdown", "2",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
                command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout} s:\n{self.log_path.read_text()}")

    def memory_kib(self) -> dict[str, int | None]:
        """Resident memory now and its peak so far (Linux /proc; else psutil, no peak)."""
        status = Path(f"/proc/{self.process.pid}/status")
        if status.exists():
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            return {
                "rss": int(fields["VmRSS"].split()[0]),
                "peak": int(fields["VmHWM"].split()[0]),
            }
        try:
            import psutil
        except ImportError:
            return {"rss": None, "peak": None}
        return {"rss": psutil.Process(self.process.pid).memory_info().rss // 1024, "peak": None}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sign_in(base_url: str) -> dict[str, str]:
    """Sign in as a browser does; returns the session and CSRF cookies it then holds."""
    with httpx2.Client(base_url=base_url, timeout=10) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={CSRF_FIELD: client.cookies[CSRF_COOKIE], "email": EMAIL, "password": PASSWORD},
            follow_redirects=False,
        )
        if response.status_code != 303 or SESSION_COOKIE not in response.cookies:
            raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:200]}")
        return {
            SESSION_COOKIE: response.cookies[SESSION_COOKIE],
            CSRF_COOKIE: client.cookies[CSRF_COOKIE],
        }


def send(url: str, headers: dict[str, str], body: str | None, timeout: float) -> int:
    if body is None:
        return httpx2.get(url, headers=headers, timeout=timeout).status_code
    form_headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    return httpx2.post(url, headers=form_headers, content=body, timeout=timeout).status_code


def still_answers(url, headers, body, expected: int, timeout: float = 5) -> float | None:
    """Seconds one request takes right after the load; None if not answered in time."""
    started = time.monotonic()
    try:
        status = send(url, headers, body, timeout)
    except httpx2.TransportError:
        return None
    return round(time.monotonic() - started, 3) if status == expected else None


def run_wrk(url: str, headers: dict[str, str], body: str | None, args) -> dict:
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        f"--timeout={args.timeout}s", "-s", str(LUA_SCRIPT),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "WRK_FORM_BODY": body} if body else None
    completed = subprocess.run(  # noqa: S603 - wrk, found on PATH by main()
        [*command, url],
        capture_output=True,
        text=True,
        timeout=args.duration + 120,
        check=False,
        env=env,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"wrk gave no results:\n{completed.stdout}\n{completed.stderr}")


def run_scenario(scenario: Scenario, database_url: str, workdir: Path, args) -> dict:
    server = Server(scenario, database_url, workdir)
    try:
        server.wait_ready()
        headers, body = {}, None
        if scenario.signed_in:
            cookies = sign_in(server.url)
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
            if scenario.form is not None:
                body = urlencode({CSRF_FIELD: cookies[CSRF_COOKIE], **scenario.form})
        url = server.url + scenario.path
        status = send(url, headers, body, timeout=10)
        if status != scenario.expected_status:
            raise RuntimeError(
                f"{scenario.name}: {url} answered {status} before the load:\n"
                + server.log_path.read_text()[-3000:]
            )
        before = server.memory_kib()
        wrk = run_wrk(url, headers, body, args)
        after = server.memory_kib()
        answers_after_s = still_answers(url, headers, body, scenario.expected_status)
    finally:
        server.stop()
    expected = wrk["statuses"].get(str(scenario.expected_status), 0)
    socket_errors = {k: wrk["errors"][k] for k in ("connect", "read", "write", "timeout")}
    return {
        "name": scenario.name,
        "description": scenario.description,
        "path": scenario.path,
        "checked": scenario.checked,
        "kept_answering": (
            wrk["requests"] > 0
            and expected == wrk["requests"]
            and not any(socket_errors.values())
            and answers_after_s is not None
        ),
        "requests": wrk["requests"],
        "requests_per_s": round(wrk["requests"] / (wrk["duration_us"] / 1e6), 1),
        "expected_status": scenario.expected_status,
        "unexpected_status": wrk["requests"] - expected,
        "statuses": wrk["statuses"],
        "latency_ms": {k: round(v / 1000, 2) for k, v in wrk["latency_us"].items()},
        "socket_errors": socket_errors,
        "rss_before_mib": _mib(before["rss"]),
        "peak_rss_mib": _mib(after["peak"]),
        "answers_after_s": answers_after_s,
    }


def _mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def _verdict(result: dict) -> str:
    if result["kept_answering"]:
        return "ok"
    return "FAIL" if result["checked"] else "stalled (expected)"


def print_table(results: list[dict], args) -> None:
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        f"--timeout={args.timeout}s, one uvicorn process per scenario\n"
    )
    header = (
        f"{'scenario':<22}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'requests':>9}"
        f"{'other':>7}{'sock err c/r/w/t':>18}{'peak RSS':>10}{'after':>8}  verdict"
    )
    print(header)
    print("-" * (len(header) + 12))
    for r in results:
        e = r["socket_errors"]
        errors = f"{e['connect']}/{e['read']}/{e['write']}/{e['timeout']}"
        peak = "?" if r["peak_rss_mib"] is None else f"{r['peak_rss_mib']:.0f} MiB"
        after = "STALL" if r["answers_after_s"] is None else f"{r['answers_after_s']:.2f}s"
        print(
            f"{r['name']:<22}{r['requests_per_s']:>8.0f}{r['latency_ms']['p50']:>9.1f}"
            f"{r['latency_ms']['p99']:>9.1f}{r['requests']:>9}{r['unexpected_status']:>7}"
            f"{errors:>18}{peak:>10}{after:>8}  {_verdict(r)}"
        )
    print(
        "\nother: responses without the expected status (200; 303 for the POST)."
        "\nafter: one request right after the load (STALL: not answered within 5 s)."
        "\nLatency is of answered requests only; wrk does not count requests still"
        " waiting when the run ends."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=5, help="wrk's per-request timeout, s")
    parser.add_argument(
        "--only", nargs="+", choices=[s.name for s in SCENARIOS], help="run just these"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_path = shutil.which("wrk")
    if wrk_path is None:
        print(
            "wrk is not installed, so nothing was measured.\n"
            "Install it with: sudo apt-get install -y wrk   (or run `make bench`)",
            file=sys.stderr,
        )
        return 2
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
    results = []
    with tempfile.TemporaryDirectory(prefix="tsuranai-bench-") as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'bench.db'}"
        prepare_database(database_url)
        for scenario in scenarios:
            print(f"{scenario.name}: {scenario.description} ...", flush=True)
            results.append(run_scenario(scenario, database_url, workdir, args))
    print_table(results, args)
    version = subprocess.run(  # noqa: S603 - wrk, found on PATH above
        [wrk_path, "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    report = {
        "measured_at": SystemClock()().isoformat(timespec="seconds"),
        "command": "make bench  (or: .venv/bin/python -m bench.run)",
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": version[0] if version else None,
        },
        "load": {
            "connections": args.connections,
            "duration_s": args.duration,
            "wrk_threads": args.threads,
            "timeout_s": args.timeout,
        },
        "scenarios": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {args.output}")
    failed = [r["name"] for r in results if r["checked"] and not r["kept_answering"]]
    if failed:
        print(f"FAIL: the app did not keep answering at {args.connections} connections: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
