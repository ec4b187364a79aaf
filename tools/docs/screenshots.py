"""The screenshots of the HTML report, at a desktop and a phone width (docs/captures/)."""

from __future__ import annotations

from pathlib import Path

from ventes_pme import report


def screenshots(docs: Path) -> list[Path]:
    """The report at a desktop (1280 px) and a phone (390 px) width, as PNG files."""
    from tools.browser import Browser

    page = (docs / report.HTML_NAME).resolve().as_uri()
    shots = []
    with Browser() as browser:
        for name, width, mobile in (("ordinateur", 1280, False), ("telephone", 390, True)):
            browser.open(page, width=width, height=800, mobile=mobile)
            path = docs / "captures" / f"rapport-{name}.png"
            browser.screenshot(path)
            shots.append(path)
        if browser.errors():
            raise RuntimeError(f"console errors in the report: {browser.errors()}")
    return shots
