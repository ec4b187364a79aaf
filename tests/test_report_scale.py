"""The HTML report at scale: three years of sales, ~150 stores in as many cities (overseas
too), 200 products, in a real headless Chromium at a desktop and a phone size; and the
report's choices (top 10 + "autres", per day / week / month) on stored results."""

from __future__ import annotations

import dataclasses
import html
import itertools
import math
import re
import shutil
import sqlite3
import urllib.parse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    CHARTS_JS,
    CLIPPED_TEXTS_JS,
    MAP_CIRCLES_JS,
    SCROLLED_TABLES_JS,
)
from tests.report_scale_support import PRODUCTS, STORES, store_cities, three_years
from tests.support import ROOT
from tests.tableau_server import DB as tableau_db
from tests.tableau_server import require_datasette, tableau
from tools.browser import Browser
from ventes_pme import catalog, fmt, report
from ventes_pme.analyse import Analysis
from ventes_pme.report import html as report_html
from ventes_pme.report.charts import Point

#: how many rows Datasette returns at most for a canned query (max_returned_rows)
DATASETTE_ROWS = 1000
#: the sizes the report is read at: a laptop and a phone (CSS px, phone or not)
SCREENS = {"ordinateur": (1366, 900, False), "telephone": (390, 844, True)}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Path]:
    """The generated three-year data set, analysed, and its HTML report."""
    folder = tmp_path_factory.mktemp("trois_ans")
    analysis = three_years(folder, folder / "ventes.db")
    _note, page = report.write(analysis, folder / "rapport")
    return analysis, page


def _read(browser: Browser, page: Path, screen: str) -> dict[str, Any]:
    """Open ``page`` at ``screen`` and check what holds for any data set; returns the
    measures the caller checks further."""
    width, height, mobile = SCREENS[screen]
    browser.events.clear()
    browser.open(page.resolve().as_uri(), width=width, height=height, mobile=mobile)
    assert browser.errors() == [], screen
    charts = browser.evaluate(CHARTS_JS)
    assert {c["id"] for c in charts} == {s.chart.id for s in catalog.specs() if s.chart}
    assert all(c["marks"] > 0 and c["width"] > 150 for c in charts), (screen, charts)
    assert all(c["width"] <= width for c in charts), (screen, charts)
    assert browser.evaluate(CLIPPED_TEXTS_JS) == [], screen
    assert browser.evaluate("document.documentElement.scrollWidth") <= width, screen
    assert browser.evaluate(SCROLLED_TABLES_JS) == [], screen
    # the table of contents leads to every section
    targets = browser.evaluate(
        "[...document.querySelectorAll('nav.sommaire a')].map(a => a.getAttribute('href'))"
    )
    assert len(targets) >= 5
    for target in targets:
        assert browser.evaluate(f"!!document.getElementById({target[1:]!r})"), target
    return {
        "marks": {c["id"]: c["marks"] for c in charts},
        "circles": browser.evaluate(MAP_CIRCLES_JS),
        "text": browser.evaluate("document.body.innerText"),
    }


def _no_bubble_hides_another(circles: list[list[Any]]) -> None:
    """No circle's centre lies under another circle: each stays visible and clickable."""
    for (a, ax, ay, ar), (b, bx, by, br) in itertools.combinations(circles, 2):
        assert math.hypot(ax - bx, ay - by) >= max(ar, br), (a, b)


@pytest.mark.browser
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_three_years_report_in_chromium(
    browser: Browser, big: tuple[Analysis, Path], screen: str
) -> None:
    analysis, page = big
    seen = _read(browser, page, screen)
    marks = seen["marks"]
    # top 10 + "autres": 11 bars for 200 products, 150 stores
    assert marks["graphique-produits"] == 11
    assert marks["graphique-salaries"] == 10
    # three years of data: one column per month, not 1 000 days
    months = len(analysis.tables["chiffre_affaires_par_mois"])
    assert 36 <= months <= 38 and marks["graphique-jours"] == months
    # every store's city on the map, overseas ones in their insets; none "hors carte"
    assert len(analysis.tables["ventes_par_ville"]) == STORES
    assert marks["carte"] == STORES
    assert "hors carte" not in seen["text"]
    names = {title.rpartition(" : ")[0] for title, *_ in seen["circles"]}
    assert names == set(store_cities())
    _no_bubble_hides_another(seen["circles"])
    for territory in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"):
        assert territory in seen["text"]
    # "autres": the exact sum (cents) of the products not shown, in the chart and table
    products = analysis.tables["ventes_par_produit"]
    rest = sum(p["chiffre_affaires"] for p in products[10:])
    assert f"autres ({PRODUCTS - 10})" in seen["text"]
    assert f"autres ({PRODUCTS - 10}) : {fmt.euros(rest)}" in page.read_text("utf-8")
    # the phone reads every amount of the product table without scrolling sideways
    assert fmt.euros(products[0]["chiffre_affaires"]) in seen["text"]
    assert "Les 10 premiers sur 200" in seen["text"]


@pytest.mark.browser
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_client_report_in_chromium(browser: Browser, screen: str) -> None:
    """The committed report of the client's files (docs/, from exemples/client)."""
    page = ROOT / "docs" / report.HTML_NAME
    seen = _read(browser, page, screen)
    assert "hors carte" not in seen["text"]
    _no_bubble_hides_another(seen["circles"])


def _with_days(analysis: Analysis, days: int) -> Analysis:
    """``analysis`` as if its data spanned ``days`` days."""
    assert analysis.period_start is not None
    end = date.fromisoformat(analysis.period_start) + timedelta(days=days - 1)
    return dataclasses.replace(analysis, period_end=end.isoformat())


def _spec(name: str) -> catalog.Spec:
    return next(s for s in catalog.specs() if s.name == name)


def test_time_chart_per_day_week_or_month(big: tuple[Analysis, Path]) -> None:
    analysis, _page = big
    tables = analysis.tables
    heading, title, points = report_html.time_series(_with_days(analysis, 92))
    assert (heading, len(points)) == ("Par jour", len(tables["chiffre_affaires_par_jour"]))
    heading, _title, points = report_html.time_series(_with_days(analysis, 93))
    assert (heading, len(points)) == ("Par semaine", len(tables["chiffre_affaires_par_semaine"]))
    heading, title, points = report_html.time_series(analysis)
    assert (heading, title) == ("Par mois", "Chiffre d'affaires par mois")
    assert [p.value for p in points] == [
        r["chiffre_affaires"] for r in tables["chiffre_affaires_par_mois"]
    ]
    assert sum(p.value for p in points) == analysis.total_revenue_cents


def test_long_tables_keep_ten_rows_and_sum_the_others(big: tuple[Analysis, Path]) -> None:
    analysis, page = big
    spec = _spec("ventes_par_produit")
    shown = report.table(analysis, spec, 10)
    products = analysis.tables["ventes_par_produit"]
    assert len(shown.rows) == 11 and shown.others == PRODUCTS - 10
    quantity = sum(p["quantite"] for p in products[10:])
    revenue = sum(p["chiffre_affaires"] for p in products[10:])
    assert shown.rows[-1][:5] == [
        f"autres ({PRODUCTS - 10})",
        "—",
        fmt.integer(quantity),
        fmt.euros(revenue),
        fmt.percent(revenue, analysis.total_revenue_cents),
    ]
    # the full list: the dashboard's canned query of the analysis
    text = page.read_text("utf-8")
    assert f'<a href="{report_html.DASHBOARD_DATABASE}/ventes_par_produit">' in text
    # the pivot: ten products and an "autres" row, columns summed exactly
    grid = report.table(analysis, _spec("produits_par_region"), 10)
    assert grid.others == PRODUCTS - 10 and len(grid.rows) == 11
    assert grid.headers[-1] == "autres"
    cents = [sum(v or 0 for v in row[1:]) for row in grid.amounts or []]
    assert sum(cents) == analysis.total_revenue_cents
    # without a limit, every row
    assert len(report.table(analysis, spec).rows) == PRODUCTS
    # nothing of the data is written unescaped
    assert html.escape("Produit 1 (REF00001)") in text
    assert not re.search(r"<script", text)


def test_dashboard_links_give_the_full_lists(big: tuple[Analysis, Path], tmp_path: Path) -> None:
    """The report served as the dashboard's home page: each "liste complète" link opens
    the canned query holding every row of the analysis."""
    require_datasette()
    analysis, page = big
    db = page.parent.parent / "ventes.db"
    with tableau(db, page.parent, tmp_path / "tableau.log") as served:
        status, home, _headers = served.get("/")
        assert status == 200
        links = re.findall(r'<a href="([^"#]+)">', home)
        assert links, "no link to the dashboard"
        for link in links:
            name = link.rpartition("/")[2]
            assert urllib.parse.urljoin("/", link) == f"/{tableau_db}/{name}"
            assert served.get(link if link.startswith("/") else "/" + link)[0] == 200
            stored = len(analysis.tables[name])
            # Datasette's canned queries stop at its max_returned_rows (1 000): lists
            # longer than that are the dashboard's paging to check, not the report's
            if stored <= DATASETTE_ROWS:
                assert len(served.rows(name)) == stored, name
        assert "ventes_par_produit" in {link.rpartition("/")[2] for link in links}


@pytest.mark.browser
def test_extreme_labels_stay_inside_their_charts(browser: Browser, tmp_path: Path) -> None:
    """Names of 80 characters, amounts of billions of euros, wide capitals: every text of
    the charts inside its drawing, measured in Chromium."""
    huge = 987_654_321_098_76  # 987 654 321 098,76 €
    long_name = "ÉÉÉÉ MMMM WWWW " * 6
    bars = [(long_name, huge, fmt.euros(huge)), ("autres (12 345)", huge // 3, "x")]
    days = [Point("31/12/24", huge * (k % 5 + 1) // 5, f"jour {k}") for k in range(400)]
    cities = [(name, huge // (k + 1)) for k, name in enumerate(store_cities())]
    svg_map, missing = report.city_map("carte", cities, "carte")
    assert missing == []
    page = tmp_path / "extremes.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fr"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>x</title><style>{report_html.css()}</style><main>"
        + report.bar_chart("barres", bars, "barres")
        + report.column_chart("jours", days, "jours")
        + svg_map
        + "</main></html>",
        "utf-8",
    )
    for width, height, mobile in SCREENS.values():
        browser.events.clear()
        browser.open(page.resolve().as_uri(), width=width, height=height, mobile=mobile)
        assert browser.errors() == []
        assert browser.evaluate(CLIPPED_TEXTS_JS) == [], width
        _no_bubble_hides_another(browser.evaluate(MAP_CIRCLES_JS))


def test_links_follow_the_database_name(big: tuple[Analysis, Path], tmp_path: Path) -> None:
    """Datasette names a database after its file: the report written from a database
    ``boutique.db`` links to ``boutique/<analysis>``."""
    _analysis, page = big
    copy = tmp_path / "boutique.db"
    shutil.copyfile(page.parent.parent / "ventes.db", copy)
    conn = sqlite3.connect(copy)
    try:
        written = report.write_atomically(conn, tmp_path / "rapport")
    finally:
        conn.close()
    text = next(p for p in written if p.name == report.HTML_NAME).read_text("utf-8")
    assert '<a href="boutique/ventes_par_produit">' in text
    assert f'href="{report_html.DASHBOARD_DATABASE}/' not in text
