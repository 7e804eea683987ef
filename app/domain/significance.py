"""Could a difference between two sets of nights be chance? Fisher's exact test.

Two groups of recorded nights, each night either with cramps or cramp-free: if
cramps did not depend on the group, every way of dealing the cramp nights out
between the groups is equally likely (the hypergeometric distribution). The
two-sided p-value is the chance of a split at most as likely as the one observed,
as R's ``fisher.test`` and SciPy's ``fisher_exact`` compute it.

Exact integers throughout: every split's probability shares the denominator
C(n, k), so splits are compared by their numerators and no floating-point
tolerance is needed. Nights are small numbers (at most a few hundred), so this is
cheap.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

# A direction is named only when chance alone would give a split at least this
# uneven less than one time in twenty.
SIGNIFICANCE_LEVEL = Fraction(1, 20)


def fisher_exact_p(a: int, b: int, c: int, d: int) -> Fraction:
    """Two-sided p-value of the 2×2 table [[a, b], [c, d]] (counts, not shares).

    Rows are the two groups (say, this month and the month before), columns cramp
    nights and cramp-free nights. A table with an empty row or column carries no
    evidence either way: its p-value is 1.
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts must not be negative")
    first_row, second_row = a + b, c + d
    cramp_nights = a + c
    total = first_row + second_row
    low = max(0, cramp_nights - second_row)
    high = min(first_row, cramp_nights)

    def weight(x: int) -> int:
        # C(n, k) times the hypergeometric probability of x cramp nights in row one.
        return comb(first_row, x) * comb(second_row, cramp_nights - x)

    observed = weight(a)
    as_extreme = sum(w for w in (weight(x) for x in range(low, high + 1)) if w <= observed)
    return Fraction(as_extreme, comb(total, cramp_nights))


def clears_chance(p_value: Fraction, level: Fraction = SIGNIFICANCE_LEVEL) -> bool:
    return p_value < level
