"""Load benchmark: the real app under uvicorn, measured by wrk against a bare page.

Run from the repository root with ``make bench`` or ``.venv/bin/python -m bench.run``.
It builds a throw-away SQLite database with benchmark patients who have 30, 90 and
365 days of history, serves each scenario in its own uvicorn server (so peak memory
belongs to one scenario), runs wrk against it, prints two tables and writes
``bench/results.json``.

Speed is reported as a ratio to ``bench.bare_app`` (one SQLite read and a tiny Jinja
template), measured in the same run at the same load, so the figures compare across
machines and across a busy or idle one. The targets (issue 8): the home screen and
the cramp POST at half the bare page's requests per second or better, p99 of the
home screen under 100 ms, at 1 worker and 32 connections; the command prints each
verdict. The one target that fails the command is the foundation's: every app
scenario must keep answering at 128 connections with 2 workers (only its expected
status, no socket errors, a prompt answer right after the load). The "tutorial"
scenarios serve ``bench.tutorial_app`` (a sync ``yield`` session dependency) for
contrast and are expected to stall.
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
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx2

from app.backup import backup
from app.clock import SystemClock
from app.config import Environment, Settings
from app.db import make_engine, write_session
from app.migrate import upgrade
from app.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Passwords
from bench import empty_pages
from bench.history import bench_email, seed_patient

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
LUA_SCRIPT = BENCH_DIR / "status_counts.lua"
RESULTS = BENCH_DIR / "results.json"

HISTORIES = (30, 90, 365)  # days of history of the benchmark patients
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
    patient_days: int | None = None  # signed in as the patient with this much history
    form: dict[str, str] | None = None  # POSTed with the CSRF token when given
    # A JSON body POSTed with the CSRF header; "{uuid}" becomes a fresh UUID per request.
    json_body: str | None = None
    expected_status: int = 200
    workers: int = 1
    connections: int = 32
    baseline: str | None = "bare"  # the scenario this one is reported as a ratio of
    checked: bool = True  # must keep answering for the run to pass
    # Shown for comparison with its ratio, with no target of its own.
    reference: bool = False
    env: dict[str, str] = field(default_factory=dict)


APP = "app.main:create_app"
EMPTY_PAGES = "bench.empty_pages:create_app"
CRAMP_JSON = (
    '{"client_id": "{uuid}", "occurred_at": "{occurred_at}", "foot": "left", '
    '"sites": ["toes"], "severity": 4}'
)

# Speed at 1 worker and 32 connections, each against the bare page of the same run.
SPEED = (
    Scenario("bare", "baseline: one SQLite read + a tiny Jinja page", "bench.bare_app:create_app",
             "/bare", baseline=None),
    *(
        Scenario(f"home_{days}d", f"GET /patient/ signed in, {days} days of history", APP,
                 "/patient/", patient_days=days)
        for days in HISTORIES
    ),
    Scenario("cramp_post", "POST /api/v1/cramps signed in, a fresh UUID each", APP,
             "/api/v1/cramps", patient_days=90, json_body=CRAMP_JSON, expected_status=201),
    # What any signed-in request costs before doing its own work: the session cookie
    # looked up, FastAPI's dependencies and thread hops, a tiny JSON answer.
    Scenario("signed_in_floor", "reference: GET /api/v1/me signed in (the session only)",
             APP, "/api/v1/me", patient_days=90, reference=True),
    # The least a write can cost, next to the cramp log: the same JSON body, one row
    # added through the ORM and committed (bench.bare_app). No sign-in, CSRF check,
    # repeat check or middleware: cramp_post cannot reach more than this ratio.
    Scenario("bare_write", "reference: POST one row, no sign-in (the write only)",
             "bench.bare_app:create_app", "/bare/cramps", json_body=CRAMP_JSON,
             expected_status=201, reference=True),
    # What bounds the home screen: two patient pages that show nothing, behind the
    # same gates (bench.empty_pages). No patient page can reach more than these ratios.
    Scenario("empty_patient_page", "reference: a patient page that shows nothing (gates only)",
             EMPTY_PAGES, empty_pages.GATES, patient_days=90, reference=True),
    Scenario("empty_layout_page", "reference: the app's layout around no content, same gates",
             EMPTY_PAGES, empty_pages.LAYOUT, patient_days=90, reference=True),
)  # fmt: skip

# Still answering at 128 connections with 2 workers (FastAPI issue #3205).
LOAD = (
    Scenario("healthz", "app: GET /healthz (SELECT 1)", APP, "/healthz", workers=2,
             connections=128, baseline=None),
    Scenario("patient_home", "app: GET /patient/ signed in (90 days of history)", APP,
             "/patient/", patient_days=90, workers=2, connections=128, baseline=None),
    Scenario("language_post", "app: POST /language signed in (a write: BEGIN IMMEDIATE)",
             APP, "/language", patient_days=90, form={"locale": "ja", "next": "/healthz"},
             expected_status=303, workers=2, connections=128, baseline=None),
    Scenario("tutorial", "tutorial pattern: sync handler + sync yield Session, app's engine",
             "bench.tutorial_app:create_app", "/users/first", checked=False, workers=2,
             connections=128, baseline=None),
    Scenario("tutorial_default_pool", "tutorial pattern with SQLAlchemy's default pool 5+10",
             "bench.tutorial_app:create_app", "/users/first", checked=False, workers=2,
             connections=128, baseline=None, env={"TUTORIAL_ENGINE": "tutorial"}),
)  # fmt: skip

SCENARIOS = SPEED + LOAD


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(database_url: str) -> None:
    """Migrate a fresh database and add the patients the signed-in scenarios use."""
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
    now = SystemClock()()
    try:
        for days in HISTORIES:
            with write_session(engine) as session:
                seed_patient(
                    session, passwords=Passwords(settings), password=PASSWORD, days=days, now=now
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
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(scenario.workers),
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

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the server itself, or its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids = [int(pid) for pid in children.read_text().split()]
            # uvicorn --workers N: a supervisor plus N workers (and a resource tracker).
            if len(pids) > 1:
                return pids
        return [self.process.pid]

    def peak_rss_kib(self) -> int | None:
        """The largest peak resident memory of one serving process (Linux /proc)."""
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status")
            try:
                lines = status.read_text().splitlines()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in lines if ":" in line)
            if "VmHWM" in fields:
                peaks.append(int(fields["VmHWM"].split()[0]))
        return max(peaks) if peaks else None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sign_in(base_url: str, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in as a browser does; returns the session and CSRF cookies it then holds."""
    with httpx2.Client(base_url=base_url, timeout=30) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={CSRF_FIELD: client.cookies[CSRF_COOKIE], "email": email, "password": password},
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
    body = body.replace("{uuid}", str(uuid.uuid4()))
    return httpx2.post(url, headers=headers, content=body, timeout=timeout).status_code


def still_answers(url, headers, body, expected: int, timeout: float = 5) -> float | None:
    """Seconds one request takes right after the load; None if not answered in time."""
    started = time.monotonic()
    try:
        status = send(url, headers, body, timeout)
    except httpx2.TransportError:
        return None
    return round(time.monotonic() - started, 3) if status == expected else None


def run_wrk(url: str, headers: dict[str, str], body: str | None, scenario: Scenario, args) -> dict:
    command = [
        "wrk", f"-t{args.threads}", f"-c{scenario.connections}", f"-d{args.duration}s",
        f"--timeout={args.timeout}s", "-s", str(LUA_SCRIPT),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "WRK_BODY": body} if body else None
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
        if scenario.patient_days is not None:
            cookies = sign_in(server.url, bench_email(scenario.patient_days))
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
            if scenario.form is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                body = urlencode({CSRF_FIELD: cookies[CSRF_COOKIE], **scenario.form})
            if scenario.json_body is not None:
                headers[CSRF_HEADER] = cookies[CSRF_COOKIE]
        if scenario.json_body is not None:
            headers["Content-Type"] = "application/json"
            an_hour_ago = SystemClock()() - timedelta(hours=1)
            body = scenario.json_body.replace("{occurred_at}", an_hour_ago.isoformat())
        url = server.url + scenario.path
        # Warm up (imports, template compilation, caches) before anything is measured.
        for _ in range(20):
            status = send(url, headers, body, timeout=10)
            if status != scenario.expected_status:
                raise RuntimeError(
                    f"{scenario.name}: {url} answered {status} before the load:\n"
                    + server.log_path.read_text()[-3000:]
                )
        wrk = run_wrk(url, headers, body, scenario, args)
        peak = server.peak_rss_kib()
        answers_after_s = still_answers(url, headers, body, scenario.expected_status)
    finally:
        server.stop()
    expected = wrk["statuses"].get(str(scenario.expected_status), 0)
    socket_errors = {k: wrk["errors"][k] for k in ("connect", "read", "write", "timeout")}
    return {
        "name": scenario.name,
        "description": scenario.description,
        "path": scenario.path,
        "workers": scenario.workers,
        "connections": scenario.connections,
        "baseline": scenario.baseline,
        "checked": scenario.checked,
        "reference": scenario.reference,
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
        "peak_rss_per_worker_mib": _mib(peak),
        "answers_after_s": answers_after_s,
    }


def _mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def _verdict(result: dict) -> str:
    if result["kept_answering"]:
        return "ok"
    return "FAIL" if result["checked"] else "stalled (expected)"


def add_ratios(results: list[dict]) -> None:
    """Each scenario's requests per second as a fraction of its baseline's, same run."""
    by_name = {r["name"]: r for r in results}
    for r in results:
        base = by_name.get(r["baseline"] or "")
        r["ratio_to_baseline"] = (
            round(r["requests_per_s"] / base["requests_per_s"], 3)
            if base and base["requests_per_s"]
            else None
        )


def speed_targets(results: list[dict]) -> list[dict]:
    """Issue 8's targets, each with the figure measured and whether it was met."""
    targets = []
    for r in results:
        if r["ratio_to_baseline"] is not None and not r["reference"]:
            targets.append(
                {
                    "target": f"{r['name']}: >= 0.5x the bare page's requests/s",
                    "measured": r["ratio_to_baseline"],
                    "met": r["ratio_to_baseline"] >= 0.5,
                }
            )
        if r["name"].startswith("home_"):
            targets.append(
                {
                    "target": f"{r['name']}: p99 under 100 ms",
                    "measured": r["latency_ms"]["p99"],
                    "met": r["latency_ms"]["p99"] < 100,
                }
            )
    return targets


def print_table(title: str, results: list[dict], args) -> None:
    if not results:
        return
    print(f"\n{title} (wrk -t{args.threads} -d{args.duration}s --timeout={args.timeout}s)\n")
    header = (
        f"{'scenario':<22}{'wk':>3}{'conn':>5}{'req/s':>8}{'ratio':>7}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'requests':>9}{'other':>6}{'sock c/r/w/t':>14}{'RSS/wk':>9}"
        f"{'after':>7}  verdict"
    )
    print(header)
    print("-" * (len(header) + 12))
    for r in results:
        e = r["socket_errors"]
        errors = f"{e['connect']}/{e['read']}/{e['write']}/{e['timeout']}"
        peak = r["peak_rss_per_worker_mib"]
        peak = "?" if peak is None else f"{peak:.0f} MiB"
        ratio = "" if r["ratio_to_baseline"] is None else f"{r['ratio_to_baseline']:.2f}"
        after = "STALL" if r["answers_after_s"] is None else f"{r['answers_after_s']:.2f}s"
        print(
            f"{r['name']:<22}{r['workers']:>3}{r['connections']:>5}{r['requests_per_s']:>8.0f}"
            f"{ratio:>7}{r['latency_ms']['p50']:>8.1f}{r['latency_ms']['p99']:>8.1f}"
            f"{r['requests']:>9}{r['unexpected_status']:>6}{errors:>14}{peak:>9}"
            f"{after:>7}  {_verdict(r)}"
        )


def print_notes(targets: list[dict]) -> None:
    print(
        "\nratio: requests/s over the bare page's in this run. RSS/wk: peak resident"
        " memory of one serving process.\nother: responses without the expected status."
        " after: one request right after the load (STALL: none within 5 s)."
    )
    if targets:
        print("\nTargets (issue 8):")
        for t in targets:
            print(f"  {'met ' if t['met'] else 'MISS'}  {t['target']}: {t['measured']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
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
    if any(s.baseline for s in scenarios) and SPEED[0] not in scenarios:
        scenarios.insert(0, SPEED[0])  # a ratio needs its baseline from the same run
    results = []
    with tempfile.TemporaryDirectory(prefix="tsuranai-bench-") as tmp:
        workdir = Path(tmp)
        seeded = workdir / "seeded.db"
        print("Seeding patients with", ", ".join(f"{d}" for d in HISTORIES), "days of history")
        prepare_database(f"sqlite:///{seeded}")
        now = SystemClock()()
        for scenario in scenarios:
            print(f"{scenario.name}: {scenario.description} ...", flush=True)
            # Each scenario starts from the seeded clinic: the cramp POST adds thousands of
            # cramps to its patient's last night, which the home screen after it would read.
            database = backup(f"sqlite:///{seeded}", workdir / f"{scenario.name}.db", now=now)
            results.append(run_scenario(scenario, f"sqlite:///{database}", workdir, args))
    add_ratios(results)
    targets = speed_targets(results)
    speed = [r for r in results if r["name"] in {s.name for s in SPEED}]
    load = [r for r in results if r["name"] not in {s.name for s in SPEED}]
    print_table("Speed: 1 worker, 32 connections, against the bare page", speed, args)
    print_table("Load: 2 workers, 128 connections", load, args)
    print_notes(targets)
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
            "duration_s": args.duration,
            "wrk_threads": args.threads,
            "timeout_s": args.timeout,
        },
        "scenarios": results,
        "targets": targets,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {args.output}")
    failed = [r["name"] for r in results if r["checked"] and not r["kept_answering"]]
    if failed:
        print(f"FAIL: the app did not keep answering under load: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
