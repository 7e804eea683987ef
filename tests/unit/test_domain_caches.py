"""The domain's caches stay within reach of mutation testing.

mutmut never mutates a decorated function, so a rule under ``@lru_cache`` would go
untested by ``make mutation`` however wrong it became. The domain therefore wraps
its cached rules (``night_of = lru_cache(...)(_night_of)``), and tests/unit/conftest.py
empties every such cache before each test.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.domain import nights, rhythm
from tests.unit.conftest import domain_caches

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
CACHING = {"lru_cache", "cache", "cached_property"}


def decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def test_no_domain_rule_is_hidden_from_mutation_behind_a_cache_decorator():
    decorated = [
        f"{path.name}:{node.lineno} {node.name}"
        for path in sorted(DOMAIN.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(decorator_name(d) in CACHING for d in node.decorator_list)
    ]
    assert decorated == []


def test_every_domain_cache_is_emptied_before_each_unit_test():
    clears = domain_caches()
    assert nights.night_of.cache_clear in clears
    assert rhythm.night_bounds.cache_clear in clears
    source_caches = sum(path.read_text().count("lru_cache(") for path in DOMAIN.glob("*.py"))
    assert len(clears) == source_caches


def test_a_cached_night_is_worked_out_afresh_in_each_test():
    # The autouse fixture ran just before this test: nothing is remembered yet.
    assert nights.night_of.cache_info().currsize == 0
    assert rhythm.night_bounds.cache_info().currsize == 0
