"""Score of the last `mutmut run`, per domain module, and the mutants that survived.

Run from the project root after `mutmut run` (``make mutation`` does both)::

    python -m tests.mutation_report [--min-score 95]

A module's score is the share of its mutants the unit tests kill (a timeout counts as
killed: the mutant hung the rule). Mutants that cannot change behaviour are marked
where they are born, with ``# pragma: no mutate`` and a reason on the line, so
mutmut never makes them and they neither count nor hide a real survivor.

Exits 1 when any module scores below ``--min-score``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
KILLED = {1, 3, 36, -24, 24, 152, 255}  # mutmut's exit codes for killed and timeout
SURVIVED = {0}
NO_TESTS = {5, 33}


def module_results() -> dict[str, dict[str, int | None]]:
    results = {}
    for meta in sorted(MUTANTS.glob("app/domain/*.py.meta")):
        module = meta.name.removesuffix(".py.meta")
        results[module] = json.loads(meta.read_text())["exit_code_by_key"]
    return results


def verdict(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code is None:
        return "not checked"
    return "suspicious"


def row(name: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    killed, survived, no_tests = counts["killed"], counts["survived"], counts["no tests"]
    score = 100.0 * killed / total if total else 100.0
    other = total - killed - survived - no_tests
    return f"| {name} | {total} | {killed} | {survived} | {no_tests} | {other} | {score:.1f}% |"


def score_table(results: dict[str, dict[str, int | None]]) -> tuple[list[str], list[str], float]:
    """Markdown rows of the score table, names of mutants not killed, lowest score."""
    rows = [
        "| module | mutants | killed | survived | no tests | other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    not_killed: list[str] = []
    lowest = 100.0
    totals: Counter[str] = Counter()
    for module, codes in results.items():
        if not codes:
            continue
        counts = Counter(verdict(code) for code in codes.values())
        not_killed += sorted(name for name, code in codes.items() if verdict(code) != "killed")
        lowest = min(lowest, 100.0 * counts["killed"] / len(codes))
        rows.append(row(module, counts))
        totals.update(counts)
    rows.append(row("**all**", totals))
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
    parser.add_argument("--names", action="store_true", help="only the names of survivors")
    args = parser.parse_args(argv)

    results = module_results()
    if not results:
        print("No mutation results in mutants/: run `mutmut run` first.", file=sys.stderr)
        return 2
    rows, not_killed, lowest = score_table(results)
    if args.names:
        print("\n".join(not_killed))
        return 0
    if not_killed:
        print(f"\n{len(not_killed)} mutants not killed:\n")
        for name in not_killed:
            print(name if args.no_diffs else diff_of(name) + "\n")
    print("\n".join(rows))
    if lowest < args.min_score:
        print(f"\nLowest module score {lowest:.1f}% is below {args.min_score:.0f}%.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
