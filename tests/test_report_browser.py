"""The HTML report in a real headless Chromium, at a desktop and a phone width."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.browser_support import CHARTS_JS, WIDTHS
from tests.httpserver import FileServer
from tests.support import MAGASINS, PRODUITS, ROOT, VENTES_HEADER, make_settings, publish
from tools.browser import Browser
from ventes_pme import api, catalog, report

pytestmark = pytest.mark.browser


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _check(browser: Browser, page: Path, shots: Path, expected_marks: dict[str, int]) -> None:
    for name, (width, mobile) in WIDTHS.items():
        browser.events.clear()
        browser.open(page.resolve().as_uri(), width=width, height=800, mobile=mobile)
        assert browser.errors() == [], name
        charts = browser.evaluate(CHARTS_JS)
        marks = {c["id"]: c["marks"] for c in charts}
        # one chart per declared chart; those counted here exactly, any other one drawn
        assert set(marks) == {s.chart.id for s in catalog.specs() if s.chart}, name
        assert {k: v for k, v in marks.items() if k in expected_marks} == expected_marks, name
        assert all(v > 0 for v in marks.values()), (name, marks)
        for chart in charts:
            assert chart["width"] > 150 and chart["height"] > 50, (name, chart)
            assert chart["width"] <= width, (name, chart)
        # nothing wider than the screen: no horizontal scrolling of the page
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, name
        assert browser.evaluate("document.title") == "Rapport des ventes"
        shot = shots / f"rapport-{name}.png"
        css_width, css_height = browser.screenshot(shot)
        png_width, png_height = _png_size(shot)
        assert png_width == css_width and png_height == css_height
        assert width - 20 <= png_width <= width and png_height > 1000


def test_report_in_chromium(
    browser: Browser, server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    publish(
        server,
        PRODUITS,
        MAGASINS,
        VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-01-02,REF002,1,2\n2024-01-09,REF001,1,2\n",
    )
    analysis = api.run(make_settings(server, db_path)).analysis
    _note, page = report.write(analysis, tmp_path / "rapport")
    expected = {
        "graphique-produits": 2,
        "graphique-regions": 2,
        "carte": 2,
        "graphique-jours": 3,
        "graphique-salaries": 2,
    }
    _check(browser, page, tmp_path, expected)


def test_committed_report_in_chromium(browser: Browser, tmp_path: Path) -> None:
    page = ROOT / "docs" / report.HTML_NAME
    expected = {
        "graphique-produits": 5,
        "graphique-regions": 7,
        "carte": 7,
        "graphique-jours": 30,
        "graphique-salaries": 7,
    }
    _check(browser, page, tmp_path, expected)


def test_the_browser_check_sees_errors(browser: Browser, tmp_path: Path) -> None:
    """The harness itself: a console error and a missing image are reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><title>x</title><img src='missing.png'>"
        "<script>console.error('boom'); undefinedFunction();</script>",
        "utf-8",
    )
    browser.events.clear()
    browser.open(page.as_uri())
    errors = browser.errors()
    assert any("boom" in e for e in errors)
    assert any("undefinedFunction" in e or "Uncaught" in e for e in errors)
    assert any("missing.png" in e and "ERR_FILE_NOT_FOUND" in e for e in errors), errors
