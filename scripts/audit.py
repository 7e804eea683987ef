"""`make audit`: Lighthouse on the pages a patient opens most, and what they weigh.

Starts the app the way `make run` does (migrate, demo clinic, `tsuranai serve`) on a
throw-away SQLite database, signs in as a demo patient, and runs the pinned
Lighthouse (package.json; `npm ci` first) in Debian's Chromium, headless, with its
default mobile settings (a mid-range phone, simulated slow 4G and a 4x slower CPU).
Each page is run ``--runs`` times and the median score of each category kept, as
Lighthouse's own documentation advises for a score that moves with the machine's load.

Then it measures the home screen's first visit and a repeat visit with the service
worker in control (scripts/audit_weight.py), prints a table, writes an "audit"
section into bench/results.json (keeping what `make bench` wrote there) and lists
every missed target (with ``--strict``, exits 1 on one).

    .venv/bin/python scripts/audit.py [--runs 5] [--strict] [--keep-reports DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from app.demo import DEMO_PASSWORD  # noqa: E402
from app.demo.accounts import DOMAIN  # noqa: E402
from bench.run import sign_in  # noqa: E402
from scripts.audit_weight import FIRST_VISIT_LIMIT, html_only, measure  # noqa: E402

BIN = Path(sys.executable).parent
LIGHTHOUSE = PROJECT / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = PROJECT / "bench" / "results.json"
PATIENT = f"sato@{DOMAIN}"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
# (name, path, signed in)
PAGES = (
    ("sign-in", "/login", False),
    ("home", "/patient/", True),
    ("cramp log", "/patient/diary", True),
    ("log a cramp", "/patient/diary/cramps/new", True),
)
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def chrome_path() -> str:
    for candidate in (os.environ.get("CHROME_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium not found: apt-get install chromium, or set CHROME_PATH")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(workdir: Path) -> tuple[subprocess.Popen, str]:
    """migrate, demo and serve, as `make run` does, on a database of our own."""
    env = {**os.environ, "TSURANAI_DATABASE_URL": f"sqlite:///{workdir / 'audit.db'}"}
    tsuranai = str(BIN / "tsuranai")
    # Our own venv's commands with fixed arguments (hence the S603 noqa).
    subprocess.run([tsuranai, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    subprocess.run([tsuranai, "demo", "--if-empty"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    port = free_port()
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [tsuranai, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx2.TransportError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the app did not start; see {workdir / 'serve.log'}")


def lighthouse(url: str, cookies: dict[str, str] | None, out: Path) -> dict:
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookies:
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        command.append(f"--extra-headers={json.dumps({'Cookie': header})}")
    env = {**os.environ, "CHROME_PATH": chrome_path()}
    subprocess.run(command, env=env, check=True, timeout=300)  # noqa: S603 - the pinned Lighthouse
    return json.loads(out.read_text())


def failing_audits(report: dict, category: str) -> dict[str, tuple[float, str]]:
    """What took points off a category: audit id -> (score, its title and figure)."""
    found = {}
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = audit.get("displayValue") or ""
            found[f"{category}: {audit['id']}"] = (
                audit["score"],
                f"{audit['title']} {shown}".strip(),
            )
    return found


def run_pages(base: str, cookies: dict[str, str], runs: int, keep: Path | None) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, path, signed_in in PAGES:
            scores: dict[str, list[float]] = {c: [] for c in CATEGORIES}
            # Per audit that lost points in any run: the worst run's score and figure.
            misses: dict[str, tuple[float, str]] = {}
            for run in range(runs):
                out = Path(scratch) / f"{name.replace(' ', '-')}-{run}.json"
                report = lighthouse(base + path, cookies if signed_in else None, out)
                final = report.get("finalDisplayedUrl") or report.get("finalUrl")
                if not final.endswith(path):
                    raise SystemExit(f"{name}: Lighthouse ended on {final}, not {path}")
                for category in CATEGORIES:
                    scores[category].append(report["categories"][category]["score"] * 100)
                    for key, found in failing_audits(report, category).items():
                        if key not in misses or found[0] < misses[key][0]:
                            misses[key] = found
                if keep:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(out, keep / out.name)
            results[name] = {
                "path": path,
                "runs": runs,
                **{c: round(statistics.median(v)) for c, v in scores.items()},
                "all_runs": {c: [round(s) for s in v] for c, v in scores.items()},
                "points_lost_on": [
                    f"{key} ({score:.2f}, worst run) {what}"
                    for key, (score, what) in sorted(misses.items())
                ],
            }
            print(
                f"  {name}: " + ", ".join(f"{c} {results[name][c]}" for c in CATEGORIES), flush=True
            )
    return results


def weigh(base: str, cookies: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chrome_path(), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            weight = measure(browser, base, cookies)
        finally:
            browser.close()
    return {
        "first_visit_bytes": weight.first.total,
        "first_visit_html_bytes": sum(
            f.bytes for f in weight.first.fetches if f.url == base + "/patient/"
        ),
        "worker_install_bytes": weight.install.total,
        "repeat_visit_bytes": weight.repeat.total,
        "repeat_visit_fetches": [f.url.removeprefix(base) for f in weight.repeat.fetches],
        "repeat_visit_html_only": html_only(weight.repeat, base),
        "first_visit_limit_bytes": FIRST_VISIT_LIMIT,
    }


def verdicts(pages: dict, weight: dict) -> list[str]:
    missed = []
    for name, scores in pages.items():
        for category, target in TARGETS.items():
            if scores[category] < target:
                missed.append(f"{name}: {category} {scores[category]} < {target}")
    if weight["first_visit_bytes"] >= FIRST_VISIT_LIMIT:
        missed.append(
            f"home first visit {weight['first_visit_bytes'] / 1024:.1f} KB >= "
            f"{FIRST_VISIT_LIMIT / 1024:.0f} KB"
        )
    if not weight["repeat_visit_html_only"]:
        missed.append(f"repeat visit fetched {weight['repeat_visit_fetches']}, not only the page")
    return missed


def print_table(pages: dict, weight: dict) -> None:
    print()
    print(f"{'page':<14}{'performance':>13}{'accessibility':>15}{'best practices':>16}")
    for name, s in pages.items():
        print(f"{name:<14}{s['performance']:>13}{s['accessibility']:>15}{s['best-practices']:>16}")
    print(f"{'target':<14}{'>= 95':>13}{'100':>15}{'100':>16}")
    print()
    kb = 1024
    print(
        f"home, first visit:        {weight['first_visit_bytes'] / kb:6.1f} KB on the wire "
        f"(page HTML {weight['first_visit_html_bytes'] / kb:.1f} KB; target < 60 KB)"
    )
    print(
        "  (pages gzipped, their CSRF token masked per response against BREACH: "
        "app/compression.py, app/csrf_masking.py)"
    )
    print(
        f"service worker install:   {weight['worker_install_bytes'] / kb:6.1f} KB "
        "(the app shell, fetched after load)"
    )
    print(
        f"home, repeat visit:       {weight['repeat_visit_bytes'] / kb:6.1f} KB: "
        f"{', '.join(weight['repeat_visit_fetches']) or 'nothing'}"
    )


def save(pages: dict, weight: dict, missed: list[str]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["audit"] = {
        "lighthouse": "12.2.3",
        "chromium": chrome_path(),
        "settings": "mobile (Lighthouse defaults: Moto G Power, simulated slow 4G, 4x CPU)",
        "targets": TARGETS,
        "pages": pages,
        "weight": weight,
        "missed": missed,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (median)")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed (else only say so)"
    )
    parser.add_argument("--keep-reports", type=Path, help="copy each Lighthouse JSON report here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` (make audit does)")
    with tempfile.TemporaryDirectory(prefix="tsuranai-audit-") as workdir:
        server, base = start_app(Path(workdir))
        try:
            cookies = sign_in(base, PATIENT, DEMO_PASSWORD)
            print(
                f"Lighthouse 12.2.3, mobile, {args.runs} run(s) a page, against {base}", flush=True
            )
            pages = run_pages(base, cookies, args.runs, args.keep_reports)
            weight = weigh(base, cookies)
        finally:
            server.terminate()
            server.wait(timeout=30)
    missed = verdicts(pages, weight)
    print_table(pages, weight)
    save(pages, weight, missed)
    print(f'\nwritten to {RESULTS.relative_to(PROJECT)} ("audit")')
    for name, s in pages.items():
        for line in s["points_lost_on"]:
            print(f"  {name}: {line}")
    if missed:
        print("\nMISSED:\n  " + "\n  ".join(missed))
        return 1 if args.strict else 0
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
