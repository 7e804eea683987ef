"""Score of the last `mutmut run`, per domain module, and the mutants that survived.

Run from the project root after `mutmut run` (``make mutation`` does both)::

    python -m tests.mutation_report [--min-score 95]

A module's score is the share of its mutants the unit tests kill (a timeout counts as
killed: the mutant hung the rule), leaving out the equivalent ones. Mutants that cannot
change behaviour are marked as such, each with its reason:

- a line whose every mutant is equivalent carries ``# pragma: no mutate (reason)``, or
  matches one of ``do_not_mutate_patterns`` in pyproject.toml: mutmut never makes
  those (the table counts such lines as "lines marked");
- a single equivalent mutant on a line with real ones is listed in ``EQUIVALENT``
  below, by module, the line as written and the line as mutated, so it is counted as
  equivalent rather than hiding among the survivors.

Exits 1 when any module scores below ``--min-score``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from pathlib import Path

MUTANTS = Path("mutants")
DOMAIN = Path("app/domain")
KILLED = {1, 3, 36, -24, 24, 152, 255}  # mutmut's exit codes for killed and timeout
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass(frozen=True)
class Equivalent:
    module: str
    written: str  # the line as written, stripped
    mutated: str  # the same line as mutmut changed it, stripped
    reason: str


COMPARED = "only compared with, or offset from, other aware instants: alike in any zone"


def utc_swaps(module: str, line: str, reason: str = COMPARED) -> list[Equivalent]:
    """``astimezone(UTC)`` swapped for the machine's zone, at each place in ``line``."""
    parts = line.split("astimezone(UTC)")
    swaps = []
    for i in range(1, len(parts)):
        for arg in ("None", ""):
            before = "astimezone(UTC)".join(parts[:i])
            after = "astimezone(UTC)".join(parts[i:])
            swaps.append(Equivalent(module, line, f"{before}astimezone({arg}){after}", reason))
    return swaps


EQUIVALENT = [
    # caseload: per-day sums and cached windows, checked against the rules they stand for.
    Equivalent(
        "caseload",
        "return int(value + 0.5 + 1e-9)",
        "return int(value + 0.5 - 1e-9)",
        "what is owed is whole sevenths, never within 1e-9 of a half",
    ),
    *(
        Equivalent(
            "caseload",
            f"{cond} version.effective_from {op} current.effective_from)",
            f"{cond} version.effective_from {op}= current.effective_from)",
            "a routine has at most one version per day (plan_in_force refuses two)",
        )
        for cond, op in [
            ("or (version.effective_from <= day and", ">"),
            ("or (current.effective_from > day and", "<"),
        ]
    ),
    *(
        Equivalent("caseload", f"{name} = [0] * 7", f"{name} = [0] * 8", "no eighth weekday")
        for name in ("due", "water")
    ),
    *(
        Equivalent(
            "caseload",
            line,
            line.replace("bits.get(item.routine, 0)", f"bits.get(item.routine, {default})"),
            "bits names every routine but water, which is counted in glasses",
        )
        for line in (
            "weekly.append((item.routine, bits.get(item.routine, 0), item.per_week_min))",
            "due[weekday] |= bits.get(item.routine, 0)",
        )
        for default in ("None", "", "1")
    ),
    Equivalent(
        "caseload",
        "changes = sorted({v.effective_from for v in versions if first < v.effective_from <= end})",
        "changes = sorted({v.effective_from for v in versions if first <= v.effective_from "
        "<= end})",
        "a change on the first day only cuts off an empty stretch, which is skipped",
    ),
    Equivalent(
        "caseload",
        "for boundary in [*changes, end + timedelta(days=1)]:",
        "for boundary in [*changes, end + timedelta(days=2)]:",
        "every window is cut at its own end, never past the last day",
    ),
    Equivalent(
        "caseload",
        "_window(segs, days, max(start, joined), end) if max(start, joined) <= end else None",
        "_window(segs, days, max(start, joined), end) if (max(start, joined) <= end) or True "
        "else None",
        "an empty window has nothing scheduled, and _window says None for that too",
    ),
    *(
        Equivalent(
            "caseload",
            "instant = moment.astimezone(UTC)",
            f"instant = moment.astimezone({zone})",
            "it is only compared with aware instants, which compare alike in any zone",
        )
        for zone in ("None", "")
    ),
    Equivalent(
        "caseload",
        "hits = [evening for evening, start, end in windows if start <= instant < end]",
        "hits = [evening for evening, start, end in windows if start < instant < end]",
        "on a window's first instant the rule, asked instead, finds the same night",
    ),
    *(
        Equivalent(
            "caseload",
            "windows = self.windows.get(rhythm)",
            f"windows = {mutated}",
            "the cache only saves time: windows worked out again are the same",
        )
        for mutated in ("None", "self.windows.get(None)")
    ),
    # Swapping UTC for the machine's zone where instants are only compared or offset.
    *utc_swaps("night", "moment = instant.astimezone(UTC)"),
    *utc_swaps("night", "start = rhythm.bedtime_on(evening).astimezone(UTC) - DIM_BEFORE_BED"),
    *utc_swaps("night", "end = rhythm.wake_after(evening).astimezone(UTC)"),
    *utc_swaps("rhythm", "start = self.bedtime_on(evening).astimezone(UTC) - SLEEP_WINDOW_MARGIN"),
    *utc_swaps("rhythm", "end = self.wake_after(evening).astimezone(UTC) + SLEEP_WINDOW_MARGIN"),
    *utc_swaps("nights", "bed = rhythm.bedtime_on(evening).astimezone(UTC)"),
    *utc_swaps("nights", "wake = rhythm.wake_after(evening).astimezone(UTC)"),
    *utc_swaps("nights", "instant = moment.astimezone(UTC)"),
    *utc_swaps(
        "nights", "for cramp in sorted(cramps, key=lambda c: c.occurred_at.astimezone(UTC)):"
    ),
    *utc_swaps("schedule", "wake = rhythm.wake_after(evening).astimezone(UTC)"),
    *utc_swaps(
        "tonight", "return bedtime.astimezone(UTC) - BEDTIME_GLASS_CALL <= now.astimezone(UTC)"
    ),
    *utc_swaps("tonight", "horizon = now.astimezone(UTC) - NEXT_GRACE"),
    *utc_swaps(
        "tonight",
        "if not routine.done and routine.at is not None and routine.at.astimezone(UTC) >= horizon:",
    ),
    *utc_swaps("reminders", "asleep_until = rhythm.wake_on(day).astimezone(UTC)"),
    *utc_swaps("reminders", "asleep_from = rhythm.bedtime_on(day).astimezone(UTC)"),
    *utc_swaps("reminders", "moment = now.astimezone(UTC)"),
    # Edges where both branches give the same answer.
    Equivalent(
        "nights",
        "if instant < bed:",
        "if instant <= bed:",
        "at bedtime the distance is bed - instant = 0, as inside",
    ),
    Equivalent(
        "nights",
        "if instant > wake:",
        "if instant >= wake:",
        "at waking the distance is instant - wake = 0, as inside",
    ),
    Equivalent(
        "reminders",
        "if start < end:",
        "if start <= end:",
        "equal start and end returned just before",
    ),
    Equivalent(
        "significance",
        "as_extreme = sum(w for w in (weight(x) for x in range(low, high + 1)) if w <= observed)",
        "as_extreme = sum(w for w in (weight(x) for x in range(high + 1)) if w <= observed)",
        "tables below low weigh 0 (a binomial coefficient of too many)",
    ),
    Equivalent(
        "insights",
        "fewer = group.share < reference.share",
        "fewer = group.share <= reference.share",
        "equal shares give p = 1, which never clears chance, so never get here",
    ),
    # intake
    Equivalent(
        "intake",
        'text = unicodedata.normalize("NFKC", str(value or "")).strip()',
        'text = unicodedata.normalize("NFKC", str(value or "XXXX")).strip()',
        "any text that is not a time gets the same answer as no text",
    ),
    *(
        Equivalent(
            "intake",
            f'{name} = _many({kind}, "{name}", raw, errors, required=False)',
            f'{name} = _many({kind}, "{name}", raw, errors, required=None)',
            "None is as false as False",
        )
        for name, kind in [
            ("accompanying", "Symptom"),
            ("history", "Condition"),
            ("medicines", "Medicine"),
        ]
    ),
]


def module_results() -> dict[str, dict[str, int | None]]:
    results = {}
    for meta in sorted(MUTANTS.glob("app/domain/*.py.meta")):
        module = meta.name.removesuffix(".py.meta")
        results[module] = json.loads(meta.read_text())["exit_code_by_key"]
    return results


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    lines = diff.splitlines()[3:]  # past the ---/+++/@@ header
    removed = [line[1:].strip() for line in lines if line.startswith("-")]
    added = [line[1:].strip() for line in lines if line.startswith("+")]
    return removed, added


@cache
def equivalence(name: str) -> str | None:
    """The reason a surviving mutant is equivalent, if it is listed in EQUIVALENT."""
    module = name.split(".")[2]
    candidates = [e for e in EQUIVALENT if e.module == module]
    if not candidates:
        return None
    removed, added = changed_lines(diff_of(name))
    for entry in candidates:
        if removed == [entry.written] and added == [entry.mutated]:
            return entry.reason
    return None


def lines_marked(module: str) -> int:
    """Lines of a module mutmut leaves alone as equivalent: the pragma, the patterns."""
    path = DOMAIN / f"{module}.py"
    if not path.exists():
        return 0
    config = tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]
    patterns = [re.compile(p) for p in config.get("do_not_mutate_patterns", [])]
    return sum(
        1
        for line in path.read_text().splitlines()
        if "# pragma: no mutate" in line or any(p.search(line) for p in patterns)
    )


def verdict(code: int | None, name: str = "") -> str:
    if code in SURVIVED and name and equivalence(name):
        return "equivalent"
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code is None:
        return "not checked"
    return "suspicious"


def score_of(counts: Counter[str]) -> float:
    judged = sum(counts.values()) - counts["equivalent"]
    return 100.0 * counts["killed"] / judged if judged else 100.0


def row(name: str, counts: Counter[str], marked: int) -> str:
    total = sum(counts.values())
    killed, survived, no_tests = counts["killed"], counts["survived"], counts["no tests"]
    equivalent = counts["equivalent"]
    other = total - killed - survived - no_tests - equivalent
    return (
        f"| {name} | {total} | {killed} | {equivalent} | {marked} | {survived} | {no_tests} "
        f"| {other} | {score_of(counts):.1f}% |"
    )


def score_table(results: dict[str, dict[str, int | None]]) -> tuple[list[str], list[str], float]:
    """Markdown rows of the score table, names of mutants not killed, lowest score."""
    rows = [
        "| module | mutants | killed | equivalent | lines marked | survived | no tests "
        "| other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    not_killed: list[str] = []
    lowest = 100.0
    totals: Counter[str] = Counter()
    all_marked = 0
    for module, codes in results.items():
        if not codes:
            continue
        verdicts = {name: verdict(code, name) for name, code in codes.items()}
        counts = Counter(verdicts.values())
        not_killed += sorted(n for n, v in verdicts.items() if v not in ("killed", "equivalent"))
        lowest = min(lowest, score_of(counts))
        marked = lines_marked(module)
        rows.append(row(module, counts, marked))
        totals.update(counts)
        all_marked += marked
    rows.append(row("**all**", totals, all_marked))
    return rows, not_killed, lowest


def diff_of(name: str) -> str:
    # mutmut's own diff, so the report shows exactly the mutant that was judged.
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        return get_diff_for_mutant(name)
    except Exception as error:  # a stale or unreadable mutant must not hide the table
        return f"(no diff: {error})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=95.0)
    parser.add_argument("--no-diffs", action="store_true", help="list survivors by name only")
    parser.add_argument(
        "--names", action="store_true", help="only the names of the mutants not killed"
    )
    parser.add_argument(
        "patterns", nargs="*", help="with --names: only mutants matching these (fnmatch)"
    )
    args = parser.parse_args(argv)

    results = module_results()
    if not results:
        print("No mutation results in mutants/: run `mutmut run` first.", file=sys.stderr)
        return 2
    rows, not_killed, lowest = score_table(results)
    if args.names:
        patterns = args.patterns or ["*"]
        print("\n".join(n for n in not_killed if any(fnmatch(n, p) for p in patterns)))
        return 0
    if not_killed:
        print(f"\n{len(not_killed)} mutants not killed:\n")
        for name in not_killed:
            print(name if args.no_diffs else f"{name}\n{diff_of(name)}\n")
    equivalent = sorted(
        (name, reason)
        for codes in results.values()
        for name, code in codes.items()
        if code in SURVIVED and (reason := equivalence(name))
    )
    if equivalent:
        print(f"\n{len(equivalent)} mutants equivalent (tests/mutation_report.py EQUIVALENT):\n")
        for name, reason in equivalent:
            print(f"{name}: {reason}")
    print()
    print("\n".join(rows))
    if lowest < args.min_score:
        print(f"\nLowest module score {lowest:.1f}% is below {args.min_score:.0f}%.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
