"""The dashboard's pages in a real headless Chromium, at a desktop and a phone width.

The service runs as in its image (tests/tableau_server.py) on the client's data; every page
loads without a console error, the report's charts are drawn, the texts are French.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import CHARTS_JS, WIDTHS
from tests.httpserver import FileServer
from tests.support import CLIENT_DATA, make_settings
from tests.tableau_server import DB, Tableau, require_datasette, tableau
from tools.browser import Browser
from ventes_pme import api, dictionary, fmt

pytestmark = pytest.mark.browser
require_datasette()

#: the report's charts on the client's data, and how many marks each draws
CLIENT_CHARTS = {
    "graphique-produits": 5,
    "graphique-regions": 7,
    "carte": 7,
    "graphique-jours": 30,
    "graphique-salaries": 7,
    "graphique-panier": 7,
}
#: Datasette pages: path -> a French text each must show
PAGES = {
    f"/{DB}": "Base des ventes",
    f"/{DB}/chiffre_affaires_total": "Chiffre d'affaires total",
    f"/{DB}/ventes_par_produit": "Ventes par produit",
    f"/{DB}/ventes_par_region": "Ventes par région",
    f"/{DB}/derniere_ventes_par_region": dictionary.entries()["derniere_ventes_par_region"].title,
    f"/{DB}/panier_moyen_par_magasin": "Panier moyen par magasin",
    f"/{DB}/sales": dictionary.entries()["sales"].description,
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tableau]:
    folder = tmp_path_factory.mktemp("tableau-browser")
    server = FileServer().start()
    try:
        for name in ("produits", "magasins", "ventes"):
            server.files[name] = (CLIENT_DATA / f"{name}.csv").read_bytes()
        settings = make_settings(server, folder / "ventes.db", rapport_dir=folder / "rapport")
        api.run(settings)
    finally:
        server.stop()
    with tableau(folder / "ventes.db", folder / "rapport", folder / "log") as running:
        yield running


def test_home_page_in_chromium(browser: Browser, served: Tableau) -> None:
    for name, (width, mobile) in WIDTHS.items():
        browser.events.clear()
        browser.open(served.url("/"), width=width, height=800, mobile=mobile)
        assert browser.errors() == [], name
        assert browser.evaluate("document.title") == "Rapport des ventes"
        assert browser.evaluate("document.documentElement.lang") == "fr"
        charts = browser.evaluate(CHARTS_JS)
        assert {c["id"]: c["marks"] for c in charts} == CLIENT_CHARTS, name
        for chart in charts:
            assert chart["width"] > 150 and chart["height"] > 50, (name, chart)
        text = browser.evaluate("document.body.innerText")
        assert "Explorer les données" in text and fmt.euros(526878) in text, name
        # the dashboards are one click away
        links = browser.evaluate("[...document.querySelectorAll('#tableau a')].map(a => a.href)")
        assert served.url("/-/dashboards/apercu") in links, name
        # the bar of links does not make the page wider than the screen
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, name


def test_datasette_pages_in_chromium(browser: Browser, served: Tableau, tmp_path: Path) -> None:
    for name, (width, mobile) in WIDTHS.items():
        for path, french in PAGES.items():
            browser.events.clear()
            browser.open(served.url(path), width=width, height=800, mobile=mobile)
            assert browser.errors() == [], (name, path)
            text = browser.evaluate("document.body.innerText")
            assert french in text, (name, path)
    # the canned query shows the total as the French reader writes it
    browser.open(served.url(f"/{DB}/chiffre_affaires_total"), width=1280)
    assert "5\u202f268,78\u00a0€" in browser.evaluate("document.body.innerText")
    browser.screenshot(tmp_path / "requete.png")
