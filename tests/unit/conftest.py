"""Every unit test starts with the domain's caches empty.

The domain remembers a few pure answers (``night_bounds``, ``night_of``) for speed.
Under ``make mutation`` each mutant runs in a process forked from one that already
ran the suite on the original code: a remembered answer would then be the original's,
and the mutant would survive unseen. Emptying the caches before each test makes every
test work its answers out again with the code under test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import pytest

import app.domain


def domain_caches() -> list[Callable[[], None]]:
    clears = []
    for info in pkgutil.iter_modules(app.domain.__path__, "app.domain."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == info.name:
                clears.append(clear)
    return clears


@pytest.fixture(scope="session")
def _domain_cache_clears() -> list[Callable[[], None]]:
    return domain_caches()


@pytest.fixture(autouse=True)
def _empty_domain_caches(_domain_cache_clears: list[Callable[[], None]]) -> None:
    for clear in _domain_cache_clears:
        clear()
