"""Caseload benchmark: the practitioner's dashboard at clinic scale.

Builds a throw-away SQLite clinic of 500 patients with 365 days of history each
(app.demo.scale), with practitioners caring for the first 50, 100, 250 and 500,
then requests each one's dashboard (`GET /practitioner`, rendered in full) through
the app in this process and reports the median wall-clock and CPU time per size.

Targets (issue 9): at 500 patients the median is under 150 ms, and the curve from
50 to 500 patients is no worse than linear (500's time at most 10 × 50's). On a
machine shared with other work the wall-clock figures wander; the CPU figures are
what this process itself spent. Exits 1 when a target is missed.

    .venv/bin/python -m bench.caseload [--patients 500] [--days 365] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.clock import SystemClock
from app.config import Environment, Settings
from app.demo import scale
from app.main import create_app
from app.migrate import upgrade
from app.security import CSRF_COOKIE, CSRF_FIELD, Passwords

RESULTS = Path(__file__).resolve().parent / "caseload-results.json"
PASSWORD = "bench password 0123"  # noqa: S105 - a throw-away benchmark account
TARGET_MS = 150.0


def _settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        secret_key="bench-secret-key-that-is-long-enough-0123456789",  # noqa: S106
        password_time_cost=1,
        password_memory_kib=8,
    )


def _sign_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    client.get("/login")
    response = client.post(
        "/login",
        data={CSRF_FIELD: client.cookies[CSRF_COOKIE], "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code}")


def measure(client: TestClient, runs: int) -> dict:
    wall, cpu = [], []
    client.get("/practitioner")  # warm caches and compiled templates
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/practitioner")
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")
    return {
        "median_ms": round(statistics.median(wall), 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "min_ms": round(min(wall), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.caseload")
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = (*(n for n in (50, 100, 250, 500) if n < args.patients), args.patients)
    with tempfile.TemporaryDirectory(prefix="tsuranai-caseload-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'clinic.db'}"
        upgrade(url)
        settings = _settings(url)
        app = create_app(settings)
        started = time.perf_counter()
        clinic = scale.build(
            app.state.engine,
            password_hash=Passwords(settings).hash(PASSWORD),
            patients=args.patients,
            days=args.days,
            now=SystemClock()(),
            caseloads=sizes,
        )
        built_s = round(time.perf_counter() - started, 1)
        print(f"Built {args.patients} patients × {args.days} days in {built_s} s", flush=True)
        results = {}
        with TestClient(app) as client:
            for size in sizes:
                _sign_in(client, clinic.practitioner_emails[size])
                results[size] = measure(client, args.runs)
                print(
                    f"{size:>5} patients: median {results[size]['median_ms']:7.1f} ms "
                    f"(CPU {results[size]['median_cpu_ms']:.1f} ms)",
                    flush=True,
                )
        app.state.engine.dispose()
    largest, smallest = results[sizes[-1]], results[sizes[0]]
    ratio = largest["median_cpu_ms"] / max(smallest["median_cpu_ms"], 0.1)
    linear = sizes[-1] / sizes[0]
    checks = {
        "median_under_150ms": largest["median_ms"] < TARGET_MS,
        "cpu_under_150ms": largest["median_cpu_ms"] < TARGET_MS,
        "no_worse_than_linear": ratio <= linear,
    }
    report = {
        "measured_at": SystemClock()().isoformat(timespec="seconds"),
        "command": "make bench  (or: .venv/bin/python -m bench.caseload)",
        "patients": args.patients,
        "days": args.days,
        "build_seconds": built_s,
        "sizes": {str(k): v for k, v in results.items()},
        "growth_cpu": round(ratio, 2),
        "growth_if_linear": linear,
        "checks": checks,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"CPU growth {sizes[0]}→{sizes[-1]}: ×{ratio:.1f} (linear would be ×{linear:.0f})")
    print(f"Results written to {args.output}")
    if not all(checks.values()):
        print(f"FAIL: {[k for k, ok in checks.items() if not ok]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
