"""How many examples a property test runs."""

from __future__ import annotations

from hypothesis import settings


def examples(wanted: int) -> int:
    """``wanted``, except under ``make mutation`` (the "mutation" Hypothesis profile),
    where every surviving mutant runs the property tests again: there the profile's
    own small, fixed number applies and the table tests do the pinning."""
    if settings.get_current_profile_name() == "mutation":
        return settings.default.max_examples
    return wanted
