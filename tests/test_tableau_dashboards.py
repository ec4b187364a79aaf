"""The managers' dashboards and French pages for real: the service as its image starts it,
on the client's files and on three generated years of sales in 150 stores; every figure
checked against SQL on the sales themselves, free SQL still refused, every canned query
complete, and in headless Chromium at a desktop and a phone size: charts drawn, no console
error, no English word of Datasette's chrome, a period and a region chosen in the form
change the figures to what SQL says."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.httpserver import FileServer
from tests.support import CLIENT_DATA, make_settings
from tests.tableau_server import DB, Tableau, require_datasette, tableau
from ventes_pme import api, db, fmt, generate
from ventes_pme import tableau as service

require_datasette()

#: the sizes the managers use (CSS px): a laptop and a phone
SCREENS = {"ordinateur": (1366, 900, False), "telephone": (390, 844, True)}
#: Datasette's and the dashboards plugin's own English words, none of which a manager's
#: page may show (whole words, case-sensitive)
ENGLISH = (
    "home",
    "Dashboards",
    "dashboards",
    "Apply",
    "rows",
    "row",
    "Run SQL",
    "This data as",
    "Custom SQL query",
    "Powered by",
    "Queries took",
    "hide",
    "show",
    "Query parameters",
    "results",
    "Fullscreen",
    "View and edit SQL",
    "Edit SQL",
    "Format SQL",
    "Download",
    "Views",
    "Log out",
    "hidden",
    "Table actions",
)
#: a chart is drawn when its box holds a Vega view with a size, a metric or a table's rows
DRAWN_JS = """
[...document.querySelectorAll('.dashboard-card-chart')].map(el => {
  const view = el.querySelector('canvas, svg.marks');
  const box = view ? view.getBoundingClientRect() : null;
  return {
    id: el.id,
    markdown: el.querySelector('a') !== null && !view && !el.querySelector('table, p[style]'),
    vega: box !== null && box.width > 50 && box.height > 50,
    metric: el.querySelector('p[style]') !== null,
    table: el.querySelectorAll('tbody tr').length,
    text: el.innerText,
  };
})
"""


def _one(cursor: sqlite3.Cursor) -> Any:
    """The single value of a query's first row."""
    return cursor.fetchone()[0]


class Truth:
    """The figures of a selection, computed from the sales table alone (no aggregate, no
    code of the package)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.latest = date.fromisoformat(
            _one(self.conn.execute("SELECT max(sale_date) FROM sales"))
        )

    def bounds(self, periode: str) -> tuple[str, str]:
        first = self.conn.execute("SELECT min(sale_date) FROM sales").fetchone()[0]
        start = {
            "4 dernières semaines": self.latest - timedelta(days=27),
            "ce mois-ci": self.latest.replace(day=1),
            "cette année": self.latest.replace(month=1, day=1),
        }.get(periode)
        return (start.isoformat() if start else first), self.latest.isoformat()

    def revenue(
        self, start: str, end: str, region: str = "", product: str = "", store: str = ""
    ) -> tuple[int, int]:
        """Revenue (cents) and number of sales of a selection."""
        row = self.conn.execute(
            "SELECT coalesce(sum(s.quantity * s.unit_price_cents), 0), count(*) FROM sales s "
            "JOIN stores m ON m.store_id = s.store_id "
            "LEFT JOIN city_regions c ON c.city_key = m.city_key "
            "JOIN products p ON p.product_id = s.product_id "
            "WHERE s.sale_date BETWEEN ? AND ? "
            "AND (? = '' OR coalesce(c.region, 'Région inconnue') = ?) "
            "AND (? = '' OR p.name || ' (' || p.product_id || ')' = ?) "
            "AND (? = '' OR m.city || ' (n° ' || m.store_id || ')' = ?)",
            (start, end, region, region, product, product, store, store),
        ).fetchone()
        return int(row[0]), int(row[1])

    def by_product(self, start: str, end: str, region: str = "", store: str = "") -> dict[str, int]:
        """Revenue (cents) per product, named as the dashboards name it."""
        return dict(
            self.conn.execute(
                "SELECT p.name || ' (' || p.product_id || ')', sum(s.quantity * "
                "s.unit_price_cents) FROM sales s JOIN stores m ON m.store_id = s.store_id "
                "LEFT JOIN city_regions c ON c.city_key = m.city_key "
                "JOIN products p ON p.product_id = s.product_id "
                "WHERE s.sale_date BETWEEN ? AND ? "
                "AND (? = '' OR coalesce(c.region, 'Région inconnue') = ?) "
                "AND (? = '' OR m.city || ' (n° ' || m.store_id || ')' = ?) GROUP BY 1",
                (start, end, region, region, store, store),
            ).fetchall()
        )

    def by_region(self, start: str, end: str) -> dict[str, int]:
        return dict(
            self.conn.execute(
                "SELECT coalesce(c.region, 'Région inconnue'), sum(s.quantity * "
                "s.unit_price_cents) FROM sales s JOIN stores m ON m.store_id = s.store_id "
                "LEFT JOIN city_regions c ON c.city_key = m.city_key "
                "WHERE s.sale_date BETWEEN ? AND ? GROUP BY 1",
                (start, end),
            ).fetchall()
        )


def _serve(folder: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    server = FileServer().start()
    try:
        server.files.update(files)
        settings = make_settings(server, folder / "ventes.db", rapport_dir=folder / "rapport")
        api.run(settings)
    finally:
        server.stop()
    return folder / "ventes.db", folder / "rapport"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tableau, Truth]]:
    folder = tmp_path_factory.mktemp("tableau-client")
    files = {n: (CLIENT_DATA / f"{n}.csv").read_bytes() for n in ("produits", "magasins", "ventes")}
    path, rapport = _serve(folder, files)
    with tableau(path, rapport, folder / "log") as running:
        yield running, Truth(path)


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tableau, Truth]]:
    """Three years of sales (2023-2025) of 40 products in 150 stores of many cities."""
    folder = tmp_path_factory.mktemp("tableau-trois-ans")
    generate.generate(
        folder / "fichiers",
        sales=12000,
        products=40,
        stores=150,
        start=date(2023, 1, 1),
        days=1096,
        seed=7,
    )
    files = {
        n: (folder / "fichiers" / f"{n}.csv").read_bytes()
        for n in ("produits", "magasins", "ventes")
    }
    path, rapport = _serve(folder, files)
    with tableau(path, rapport, folder / "log") as running:
        yield running, Truth(path)


def _chart(served: Tableau, dashboard: str, chart: str, **filters: str) -> list[dict[str, Any]]:
    """The rows a dashboard's chart fetches, as its page fetches them."""
    query = service.dashboards(DB)[dashboard]["charts"][chart]["query"]
    qs = urllib.parse.urlencode({"sql": query, **filters, "_shape": "objects"})
    status, body, _ = served.get(f"/{DB}.json?{qs}")
    assert status == 200, body[:500]
    content = json.loads(body)
    assert content["truncated"] is False
    rows: list[dict[str, Any]] = content["rows"]
    return rows


def _selections(truth: Truth) -> list[dict[str, str]]:
    region = _one(
        truth.conn.execute(
            "SELECT coalesce(c.region, 'Région inconnue') FROM stores m "
            "LEFT JOIN city_regions c ON c.city_key = m.city_key ORDER BY m.store_id LIMIT 1"
        )
    )
    product = _one(
        truth.conn.execute(
            "SELECT p.name || ' (' || p.product_id || ')' FROM products p ORDER BY p.product_id"
        )
    )
    store = _one(
        truth.conn.execute(
            "SELECT m.city || ' (n° ' || m.store_id || ')' FROM stores m "
            "LEFT JOIN city_regions c ON c.city_key = m.city_key "
            "WHERE coalesce(c.region, 'Région inconnue') = ? ORDER BY m.store_id",
            (region,),
        )
    )
    selections = [{"periode": p} for p in service.PERIODS]
    selections += [
        {"periode": "cette année", "region": region},
        {"periode": "tout", "produit": product},
        {"periode": "4 dernières semaines", "region": region, "produit": product},
        {"periode": "tout", "region": region, "magasin": store},
        {"periode": "cette année", "magasin": store, "produit": product},
        {"du": "2023-05-01", "au": "2023-06-10", "periode": "tout"},
        # whole months and partial first and last months, read from different tables
        {"du": "2023-02-15", "au": "2024-03-10", "region": region},
        {"du": "2022-11-20", "au": "2023-01-31"},  # from before the first sale
        {"du": "2025-11-05", "au": "2026-02-01", "produit": product},  # past the last one
        {"du": "2024-02-01", "au": "2024-02-29", "produit": product},  # one whole month
        {"du": "2024-03-10", "au": "2024-03-20", "region": region},  # within one month
        {"du": "2024-03-31", "au": "2024-05-01"},  # one day, a whole month, one day
        # a product: the two periods' months and days (ventes_mois), by month beyond 2 years
        {"du": "2023-01-15", "au": "2025-03-10", "produit": product},
        {"du": "2024-06-10", "au": "2025-08-20", "produit": product, "region": region},
    ]
    return selections


def _check_figures(served: Tableau, truth: Truth) -> None:
    for selection in _selections(truth):
        if "du" in selection:
            start, end = selection["du"], selection["au"]
        else:
            start, end = truth.bounds(selection["periode"])
        region, product = selection.get("region", ""), selection.get("produit", "")
        store = selection.get("magasin", "")
        revenue, count = truth.revenue(start, end, region, product, store)
        days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
        before_end = date.fromisoformat(start) - timedelta(days=1)
        before_start = date.fromisoformat(start) - timedelta(days=days)
        previous, _ = truth.revenue(
            before_start.isoformat(), before_end.isoformat(), region, product, store
        )
        [figures] = _chart(served, "apercu", "chiffre-affaires", **selection)
        assert figures["chiffre_affaires_centimes"] == revenue, selection
        assert figures["ventes"] == count, selection
        assert figures["chiffre_affaires_avant_centimes"] == previous, selection
        assert figures["chiffre_affaires"].startswith(fmt.euros(revenue)), selection
        if previous:
            assert fmt.change(revenue, previous) in figures["chiffre_affaires"], selection
        trend = _chart(served, "apercu", "tendance", **selection)
        assert sum(r["chiffre_affaires_centimes"] for r in trend) == revenue, selection
        step = "jour" if days <= 92 else "semaine" if days <= 731 else "mois"
        assert {r["pas"] for r in trend} <= {step}, selection
        regions = _chart(served, "apercu", "regions", **selection)
        assert sum(r["chiffre_affaires_centimes"] for r in regions) == revenue, selection
        if not region and not product and not store:
            expected = truth.by_region(start, end)
            assert {r["region"]: r["chiffre_affaires_centimes"] for r in regions} == expected
            _check_drill_down(served, truth, regions, start, end)
        top = _chart(served, "apercu", "top-produits", **selection)
        assert sum(r["chiffre_affaires_centimes"] for r in top) == revenue, selection
        assert len(top) <= 11
        if len(top) == 11:
            assert top[-1]["produit"].startswith("Autres (") and top[-1]["lien"] is None
        per_product = truth.by_product(start, end, region, store)
        for row in top:
            if row["lien"] is not None:
                assert row["chiffre_affaires_centimes"] == per_product[row["produit"]], selection
        weekdays = _chart(served, "apercu", "jours", **selection)
        assert sum(r["chiffre_affaires_centimes"] for r in weekdays) == revenue, selection
        products = _chart(served, "produits", "produits", **selection)
        sold = _one(
            truth.conn.execute(
                "SELECT count(DISTINCT s.product_id) FROM sales s JOIN stores m ON "
                "m.store_id = s.store_id LEFT JOIN city_regions c ON c.city_key = m.city_key "
                "JOIN products p ON p.product_id = s.product_id WHERE s.sale_date BETWEEN ? AND ? "
                "AND (? = '' OR coalesce(c.region, 'Région inconnue') = ?) "
                "AND (? = '' OR p.name || ' (' || p.product_id || ')' = ?) "
                "AND (? = '' OR m.city || ' (n° ' || m.store_id || ')' = ?)",
                (start, end, region, region, product, product, store, store),
            )
        )
        assert len(products) == sold, selection  # every product, none cut
        stores = _chart(served, "regions-magasins", "magasins", **selection)
        assert len({r["Magasin"] for r in stores}) == len(stores)
        if store:
            assert [html.unescape(_link_text(r["Magasin"])) for r in stores] == [store]


def _link_text(cell: str) -> str:
    """The text of the one link of a table's cell (``<a href="…">text</a>``)."""
    found = re.fullmatch(r'<a href="[^"]*">(.*)</a>', cell)
    assert found, cell
    return found.group(1)


def _link_filters(link: str) -> dict[str, str]:
    """The filters a link of a dashboard carries (its query string)."""
    query = urllib.parse.urlsplit(link).query
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))


def _check_drill_down(
    served: Tableau, truth: Truth, regions: list[dict[str, Any]], start: str, end: str
) -> None:
    """From a region (its bar's link) to its cities and stores, then from a store (its
    row's link) to its products: each page shows that selection's figures, as SQL gives
    them on the sales."""
    for row in regions[:3]:
        filters = _link_filters(row["lien"])
        assert filters["region"] == row["region"]
        expected, _ = truth.revenue(start, end, region=row["region"])
        cities = _chart(served, "regions-magasins", "villes", **filters)
        assert {city["region"] for city in cities} == {row["region"]}
        assert sum(city["chiffre_affaires_centimes"] for city in cities) == expected
        stores = _chart(served, "regions-magasins", "magasins", **filters)
        assert {html.unescape(store["Région"]) for store in stores} == {row["region"]}
        first = re.search(r'href="([^"]*)"', stores[0]["Magasin"])
        assert first, stores[0]
        chosen = _link_filters(html.unescape(first.group(1)))
        assert chosen["region"] == row["region"]
        assert chosen["magasin"] == html.unescape(_link_text(stores[0]["Magasin"]))
        revenue, _ = truth.revenue(start, end, region=row["region"], store=chosen["magasin"])
        top = _chart(served, "regions-magasins", "top-produits", **chosen)
        assert sum(product["chiffre_affaires_centimes"] for product in top) == revenue


def test_the_figures_are_the_sales_on_the_clients_files(client: tuple[Tableau, Truth]) -> None:
    _check_figures(*client)


def test_the_figures_are_the_sales_over_three_years(three_years: tuple[Tableau, Truth]) -> None:
    _check_figures(*three_years)


def test_the_dashboards_open_no_free_sql(client: tuple[Tableau, Truth]) -> None:
    served, _ = client
    # the default period is chosen for the visitor
    status, body, _ = served.get("/-/dashboards/apercu")  # urllib follows the redirection
    assert status == 200 and 'value="4 dernières semaines" selected' in body
    query = service.dashboards(DB)["apercu"]["charts"]["tendance"]["query"]
    for sql in ("SELECT 1", query + " ", "SELECT * FROM sales"):
        qs = urllib.parse.urlencode({"sql": sql})
        assert served.get(f"/{DB}.json?{qs}")[0] == 403, sql
        assert served.get(f"/{DB}?{qs}")[0] == 403, sql
    # a chart's query is answered on its own database only
    qs = urllib.parse.urlencode({"sql": query})
    assert served.get(f"/_internal.json?{qs}")[0] in (403, 404)


def test_every_canned_query_is_complete_over_three_years(
    three_years: tuple[Tableau, Truth],
) -> None:
    """Each canned query's page holds all its rows (as many as SQL counts), so do its
    exports; the per-day one holds the latest 92 days and says so."""
    served, truth = three_years
    path = Path(truth.conn.execute("PRAGMA database_list").fetchone()[2])
    conn = db.connect(path)
    try:
        for name, query in service.canned_queries().items():
            expected = _one(conn.execute(f"SELECT count(*) FROM ({query['sql'].rstrip(';')})"))
            content = served.json(f"/{DB}/{name}.json?_shape=objects")
            assert content["truncated"] is False, name
            assert len(content["rows"]) == expected, name
            status, body, _ = served.get(f"/{DB}/{name}.csv")
            assert status == 200 and len(body.strip().splitlines()) == expected + 1, name
    finally:
        conn.close()
    days = served.rows("chiffre_affaires_par_jour")
    assert len(days) == 92 and days[-1]["jour"] == truth.latest.isoformat()
    assert "92 derniers jours" in served.get(f"/{DB}/chiffre_affaires_par_jour")[1]


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def _wait_drawn(browser: Any, charts: int) -> list[dict[str, Any]]:
    """Wait until every chart of the page is drawn; return what each holds."""
    browser.page.wait_for_function(
        f"""(() => {{ const c = {DRAWN_JS};
          return c.length === {charts} && c.every(x => x.markdown || x.vega || x.metric ||
          x.table > 0); }})()"""
    )
    drawn: list[dict[str, Any]] = browser.evaluate(DRAWN_JS)
    return drawn


@pytest.mark.browser
def test_dashboards_in_chromium(browser: Any, three_years: tuple[Tableau, Truth]) -> None:
    served, truth = three_years
    config = service.dashboards(DB)
    for screen, (width, height, mobile) in SCREENS.items():
        for slug, dashboard in config.items():
            browser.events.clear()
            browser.open(
                served.url(f"/-/dashboards/{slug}"), width=width, height=height, mobile=mobile
            )
            drawn = _wait_drawn(browser, len(dashboard["charts"]))
            assert browser.errors() == [], (screen, slug)
            assert browser.evaluate("document.documentElement.lang") == "fr"
            assert browser.evaluate("document.title") == dashboard["title"]
            text = browser.evaluate("document.body.innerText")
            assert _english(text) == [], (screen, slug)
            # the default period is the last four weeks
            assert "periode=4+derni" in browser.evaluate("location.search")
            assert len(drawn) == len(dashboard["charts"]), (screen, slug)
            # nothing wider than the screen but the tables' own scrolling boxes
            assert browser.evaluate("document.documentElement.scrollWidth") <= width + 1, (
                screen,
                slug,
            )
    # choosing a period and a region in the form changes the figures to SQL's
    browser.open(served.url("/-/dashboards/apercu"), width=1366, height=900)
    _wait_drawn(browser, len(config["apercu"]["charts"]))
    start, end = truth.bounds("4 dernières semaines")
    before = fmt.euros(truth.revenue(start, end)[0])
    assert before in browser.evaluate("document.querySelector('#chart-chiffre-affaires').innerText")
    region = _one(
        truth.conn.execute(
            "SELECT coalesce(c.region, 'Région inconnue') FROM stores m "
            "LEFT JOIN city_regions c ON c.city_key = m.city_key GROUP BY 1 ORDER BY count(*) DESC"
        )
    )
    browser.page.select_option("#periode", "cette année")
    browser.page.select_option("#region", region)
    with browser.page.expect_navigation():
        browser.page.click("input[type=submit]")
    _wait_drawn(browser, len(config["apercu"]["charts"]))
    assert browser.errors() == []
    start, end = truth.bounds("cette année")
    after = fmt.euros(truth.revenue(start, end, region)[0])
    assert after != before
    figure = browser.evaluate("document.querySelector('#chart-chiffre-affaires').innerText")
    assert figure.startswith(after), figure
    table = browser.evaluate("document.querySelector('#chart-comparaison').innerText")
    assert f"du {fmt.day(start)} au {fmt.day(end)}" in table


@pytest.mark.browser
def test_datasette_pages_are_french_in_chromium(
    browser: Any, client: tuple[Tableau, Truth], tmp_path: Path
) -> None:
    served, _ = client
    queries = [f"/{DB}/{name}" for name in service.canned_queries()]
    tables = [f"/{DB}/{name}" for name in ("sales", "import_runs", "derniere_ventes_par_region")]
    pages = ["/-/dashboards", f"/{DB}", *queries, *tables]
    for screen, (width, height, mobile) in SCREENS.items():
        for page in pages:
            browser.events.clear()
            browser.open(served.url(page), width=width, height=height, mobile=mobile)
            assert browser.errors() == [], (screen, page)
            assert browser.evaluate("document.documentElement.lang") == "fr"
            text = browser.evaluate("document.body.innerText")
            assert _english(text) == [], (screen, page, _english(text))
            if page in queries:  # the "Run SQL" button of a query without parameters is gone
                submits = "document.querySelectorAll('input[type=submit]').length"
                assert browser.evaluate(submits) == 0, page
    browser.open(served.url(f"/{DB}/ventes_par_region"), width=1366, height=900)
    # the title is the query's, amounts to the right, cents kept for the exports only
    assert browser.evaluate("document.title") == "Ventes par région"
    cell = "document.querySelector('td.col-chiffre_affaires')"
    assert browser.evaluate(f"getComputedStyle({cell}).textAlign") == "right"
    cents = "document.querySelector('td.col-chiffre_affaires_centimes')"
    assert browser.evaluate(f"getComputedStyle({cents}).display") == "none"
    assert "chiffre_affaires_centimes" in served.get(f"/{DB}/ventes_par_region.csv")[1]
    text = browser.evaluate("document.body.innerText")
    assert "Requête enregistrée renvoyant 7 lignes" in text
    # dates as JJ/MM/AAAA, times in Paris time
    browser.open(served.url(f"/{DB}/chiffre_affaires_total"), width=1366, height=900)
    assert "27/05/2023" in browser.evaluate("document.body.innerText")
    browser.open(served.url(f"/{DB}/derniers_imports"), width=1366, height=900)
    text = browser.evaluate("document.body.innerText")
    assert re.search(r"\d\d/\d\d/20\d\d \d\d:\d\d", text) and "+00:00" not in text
    # a table: its French title and count, its stored values exported as they are
    browser.open(served.url(f"/{DB}/sales"), width=1366, height=900)
    assert browser.evaluate("document.title") == "Ventes : 30 lignes"
    assert "27/05/2023" in browser.evaluate("document.body.innerText")
    assert "2023-05-27" in served.get(f"/{DB}/sales.csv")[1]


def test_a_page_that_holds_part_of_a_result_says_so_in_french(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """More rejected lines than a page may hold (``max_returned_rows``): the canned
    query's page says in French that it shows only its first rows and that its exports are
    limited alike; a table's page of more rows than it shows points to the next page."""
    folder = tmp_path_factory.mktemp("tableau-tronque")
    limit = int(service.SETTINGS["max_returned_rows"])
    files = {n: (CLIENT_DATA / f"{n}.csv").read_bytes() for n in ("produits", "magasins", "ventes")}
    files["ventes"] += "".join(f"2023-06-01,REF001,x{n},1\n" for n in range(limit + 1)).encode()
    path, rapport = _serve(folder, files)
    with tableau(path, rapport, folder / "log") as served:
        content = served.json(f"/{DB}/lignes_rejetees.json?_shape=objects")
        assert content["truncated"] is True and len(content["rows"]) == limit
        status, page, _ = served.get(f"/{DB}/lignes_rejetees")
        shown = f"{limit:,}".replace(",", " ")
        assert status == 200
        text = re.sub(r"\s", " ", html.unescape(page))
        assert f"Cette page ne montre qu'une partie du résultat : ses {shown} premières" in text
        assert "Les exports ci-dessous sont limités de même" in text
        # a table: its page and its exports (the « tableur » one holds the most rows)
        status, page, _ = served.get(f"/{DB}/rejects")
        assert status == 200
        text = re.sub(r"\s", " ", html.unescape(re.sub(r"<[^>]*>", "", page)))
        assert "Cette page ne montre qu'une partie des lignes : page suivante" in text
        assert f"Ses exports n'en contiennent aussi qu'une partie (au plus {shown} lignes)" in text
        status, raw, _ = served.get_bytes(f"/{DB}/rejects.tableur")
        assert status == 200 and raw.count(b"\n") == 1 + limit


def test_times_are_shown_in_paris_time(client: tuple[Tableau, Truth]) -> None:
    """The journal's times are stored in UTC and shown in Paris time (summer and winter
    alike), the exports keeping the stored value."""
    from ventes_pme.tableau_plugins.tableau_bord import french_cell

    assert french_cell("2024-01-15T12:05:00+00:00", "debut") == "15/01/2024 13:05"
    assert french_cell("2024-07-15T12:05:00Z", "debut") == "15/07/2024 14:05"
    assert french_cell("2024-03-31 00:59:59", "debut") == "31/03/2024 01:59"
    assert french_cell("2024-03-31 01:00:00", "debut") == "31/03/2024 03:00"
    served, truth = client
    stored = truth.conn.execute("SELECT started_at FROM import_runs").fetchall()
    paris = ZoneInfo("Europe/Paris")
    page = served.get(f"/{DB}/derniers_imports")[1]
    csv_text = served.get(f"/{DB}/derniers_imports.csv")[1]
    for (started,) in stored:
        moment = datetime.fromisoformat(started)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        assert moment.astimezone(paris).strftime("%d/%m/%Y %H:%M") in page, started
        assert started in csv_text
