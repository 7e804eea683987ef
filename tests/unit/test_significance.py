"""Fisher's exact test, against published values and against brute force."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.significance import SIGNIFICANCE_LEVEL, clears_chance, fisher_exact_p


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param((6, 2, 1, 4), Fraction(4, 39), id="SciPy's fisher_exact example: 0.1026"),
        pytest.param((3, 1, 1, 3), Fraction(17, 35), id="Fisher's tea tasting: 0.4857"),
        pytest.param((1, 9, 11, 3), Fraction(41, 14858), id="Wikipedia's example: 0.002759"),
        pytest.param((0, 5, 5, 0), Fraction(2, comb(10, 5)), id="perfect split of ten"),
        pytest.param((10, 0, 0, 10), Fraction(2, comb(20, 10)), id="perfect split of twenty"),
        pytest.param((2, 3, 2, 3), Fraction(1), id="identical rows"),
        pytest.param((0, 0, 3, 4), Fraction(1), id="an empty row carries no evidence"),
        pytest.param((0, 4, 0, 6), Fraction(1), id="no cramp night at all"),
    ],
)
def test_two_sided_p_values_match_published_ones(table, expected):
    assert fisher_exact_p(*table) == expected


def brute_force_p(a: int, b: int, c: int, d: int) -> float:
    """Enumerate every table with the same margins; add up those no more likely."""
    rows, col = (a + b, c + d), a + c

    def probability(x: int) -> float:
        return comb(rows[0], x) * comb(rows[1], col - x) / comb(sum(rows), col)

    observed = probability(a)
    return sum(
        probability(x)
        for x in range(0, rows[0] + 1)
        if 0 <= col - x <= rows[1] and probability(x) <= observed * (1 + 1e-9)
    )


COUNTS = st.integers(min_value=0, max_value=30)


@given(COUNTS, COUNTS, COUNTS, COUNTS)
def test_agrees_with_brute_force_enumeration(a, b, c, d):
    assert float(fisher_exact_p(a, b, c, d)) == pytest.approx(brute_force_p(a, b, c, d), rel=1e-9)


@given(COUNTS, COUNTS, COUNTS, COUNTS)
def test_p_is_a_probability_and_ignores_which_side_is_named_first(a, b, c, d):
    p = fisher_exact_p(a, b, c, d)
    assert 0 < p <= 1
    assert p == fisher_exact_p(c, d, a, b)  # swap the groups
    assert p == fisher_exact_p(b, a, d, c)  # swap cramp and cramp-free
    assert p == fisher_exact_p(a, c, b, d)  # transpose


def test_under_no_difference_a_result_clears_chance_at_most_one_time_in_twenty():
    # Exact: for 10 and 12 nights with 9 cramp nights between them, add up the
    # probability of every split that would clear chance.
    rows, cramp_nights = (10, 12), 9
    total = comb(sum(rows), cramp_nights)
    false_alarm = sum(
        Fraction(comb(rows[0], x) * comb(rows[1], cramp_nights - x), total)
        for x in range(cramp_nights + 1)
        if clears_chance(
            fisher_exact_p(x, rows[0] - x, cramp_nights - x, rows[1] - cramp_nights + x)
        )
    )
    assert false_alarm <= SIGNIFICANCE_LEVEL


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="counts must not be negative"):
        fisher_exact_p(-1, 2, 3, 4)


def test_a_p_value_of_exactly_the_level_does_not_clear_chance():
    assert not clears_chance(SIGNIFICANCE_LEVEL)
    assert clears_chance(SIGNIFICANCE_LEVEL - Fraction(1, 10**9))


@pytest.mark.parametrize("negative", range(4))
def test_no_count_of_the_table_may_be_negative(negative):
    counts = [3, 4, 5, 6]
    counts[negative] = -1
    with pytest.raises(ValueError, match="counts must not be negative"):
        fisher_exact_p(*counts)
