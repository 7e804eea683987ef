"""Render the app icons (PNG) from their SVG sources with headless Chromium.

Run once after changing an SVG: ``.venv/bin/python tools/make_icons.py``. The PNGs
are committed; nothing renders icons at run time.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
# (source SVG, output PNG, size in pixels)
TARGETS = [
    ("app-icon.svg", "icon-192.png", 192),
    ("app-icon.svg", "icon-512.png", 512),
    ("app-icon-maskable.svg", "icon-maskable-512.png", 512),
    # iOS draws its own rounded corners and ignores transparency: full bleed.
    ("app-icon-maskable.svg", "apple-touch-icon.png", 180),
    ("shortcut-cramp.svg", "shortcut-cramp-96.png", 96),
    ("shortcut-tonight.svg", "shortcut-tonight-96.png", 96),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for source, output, size in TARGETS:
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = (ICONS / source).read_text()
            page.set_content(
                "<html><body style='margin:0;background:transparent'>"
                f"<div style='width:{size}px;height:{size}px'>{svg}</div></body></html>"
            )
            page.locator("svg").evaluate(
                f"s => {{ s.setAttribute('width', {size}); s.setAttribute('height', {size}); }}"
            )
            page.screenshot(path=str(ICONS / output), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
