"""axe-core (vendored by axe-playwright-python) on the page on screen: the serious and
critical violations, described well enough to fix from the test log."""

from __future__ import annotations

from functools import cache

IMPACTS = ("serious", "critical")
SCHEMES = ("light", "dark")


@cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _node(node: dict) -> str:
    """Where, and for contrast the colours axe measured."""
    where = " ".join(map(str, node["target"]))
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and "contrastRatio" in data:
            return (
                f"{where} [{data.get('fgColor')} on {data.get('bgColor')}: "
                f"{data.get('contrastRatio')} < {data.get('expectedContrastRatio')}]"
            )
    return where


def violations(page) -> list[str]:
    """Serious and critical axe-core violations on ``page`` as it is now."""
    results = _axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(map(_node, v["nodes"][:4]))
        for v in results.response["violations"]
        if v["impact"] in IMPACTS
    ]


def violations_in_both_schemes(page) -> list[str]:
    """The page as it is, in the phone's light and dark colour schemes."""
    found = []
    try:
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            found += [f"{scheme}: {v}" for v in violations(page)]
    finally:
        page.emulate_media(color_scheme="no-preference")
    return found
