"""The dashboard for real: Datasette started by the image's command on a database built from
the client's files (exemples/client), the report as the home page, the canned queries, the
exports, no write of any kind, and pages loaded during an import."""

from __future__ import annotations

import csv
import io
import threading
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import CLIENT_DATA, dump, make_settings
from tests.tableau_server import DB, Tableau, require_datasette, tableau
from ventes_pme import api, dictionary, fmt, report
from ventes_pme import tableau as service
from ventes_pme.progress import ProgressLine

require_datasette()

#: the client's extract, by region (docs/resultats.md; the sum is the total)
BY_REGION = {
    "Auvergne-Rhône-Alpes": 105979,
    "Provence-Alpes-Côte d'Azur": 100973,
    "Nouvelle-Aquitaine": 82981,
    "Île-de-France": 79980,
    "Pays de la Loire": 73983,
    "Grand Est": 57989,
    "Hauts-de-France": 24993,
}
TOTAL = 526878


def _client_files() -> dict[str, bytes]:
    return {n: (CLIENT_DATA / f"{n}.csv").read_bytes() for n in ("produits", "magasins", "ventes")}


def _by_product(files: dict[str, bytes]) -> dict[str, tuple[int, int]]:
    """Quantity and revenue (cents) of each product, straight from the client's files."""
    prices = {}
    for line in files["produits"].decode("utf-8-sig").splitlines()[1:]:
        _name, ref, price, _stock = line.split(",")
        prices[ref] = int(Decimal(price) * 100)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in files["ventes"].decode("utf-8-sig").splitlines()[1:]:
        _day, ref, qty, _store = line.split(",")
        out[ref][0] += int(qty)
        out[ref][1] += int(qty) * prices[ref]
    return {ref: (q, c) for ref, (q, c) in out.items()}


@pytest.fixture(scope="module")
def client_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A database and its report, from a real ``ventes run`` on the client's files."""
    folder = tmp_path_factory.mktemp("tableau")
    server = FileServer().start()
    try:
        server.files.update(_client_files())
        settings = make_settings(server, folder / "ventes.db", rapport_dir=folder / "rapport")
        assert api.run(settings).analysis.total_revenue_cents == TOTAL
    finally:
        server.stop()
    yield folder / "ventes.db", folder / "rapport"


@pytest.fixture(scope="module")
def served(client_db: tuple[Path, Path]) -> Iterator[Tableau]:
    db, rapport = client_db
    with tableau(db, rapport, db.parent / "tableau.log") as running:
        yield running


def test_the_dictionary_describes_every_table_view_and_column() -> None:
    assert dictionary.problems() == []
    for name, columns in dictionary.actual().items():
        entry = dictionary.entries()[name]
        assert entry.title and entry.description, name
        assert all(entry.columns[c].strip() for c in columns), name


def test_the_home_page_is_the_current_report(served: Tableau, client_db: tuple[Path, Path]) -> None:
    status, page, headers = served.get("/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-store"
    written = (client_db[1] / report.HTML_NAME).read_text("utf-8")
    # the report as written, with the bar of links to the data at the top of its body
    head, _, body = written.partition("<body>")
    assert page.startswith(head + '<body><nav id="tableau"')
    assert page.endswith(body)
    assert "<title>Rapport des ventes</title>" in page
    assert fmt.euros(TOTAL) in page  # 5 268,78 €
    for link in ("/ventes", "/ventes/chiffre_affaires_total", "/ventes/ventes_par_region"):
        assert f'href="{link}"' in page
        assert served.get(link)[0] == 200, link
    status, note, headers = served.get("/resultats.md")
    assert status == 200 and headers["content-type"].startswith("text/markdown")
    assert note == (client_db[1] / report.NOTE_NAME).read_text("utf-8")


def test_the_home_page_before_the_first_report(
    tmp_path: Path, client_db: tuple[Path, Path]
) -> None:
    with tableau(client_db[0], tmp_path / "absent", tmp_path / "log") as running:
        status, page, _ = running.get("/")
    assert status == 503
    assert "Le rapport n'est pas encore écrit" in page


def test_canned_queries_answer_the_brief(served: Tableau) -> None:
    names = set(service.canned_queries())
    assert {"chiffre_affaires_total", "ventes_par_produit", "ventes_par_region"} <= names
    (total,) = served.rows("chiffre_affaires_total")
    assert total["chiffre_affaires"] == fmt.euros(TOTAL) == "5\u202f268,78\u00a0€"
    assert total["chiffre_affaires_centimes"] == TOTAL
    assert (total["nombre_ventes"], total["du"], total["au"]) == (30, "2023-05-27", "2023-06-25")

    products = served.rows("ventes_par_produit")
    expected = _by_product(_client_files())
    assert {p["produit_id"]: (p["quantite"], p["chiffre_affaires_centimes"]) for p in products} == (
        expected
    )
    assert [p["chiffre_affaires"] for p in products] == [
        fmt.euros(c) for c in sorted((c for _, c in expected.values()), reverse=True)
    ]
    assert products[0]["nom"] == "Produit D" and products[0]["part"] == "31,9\u00a0%"

    regions = served.rows("ventes_par_region")
    assert {r["region"]: r["chiffre_affaires_centimes"] for r in regions} == BY_REGION
    assert sum(BY_REGION.values()) == TOTAL
    assert [r["region"] for r in regions][:2] == [
        "Auvergne-Rhône-Alpes",
        "Provence-Alpes-Côte d'Azur",
    ]
    # the average basket per store agrees with the analysis' own French view, same order
    baskets = served.rows("panier_moyen_par_magasin")
    view = served.rows("derniere_panier_moyen_par_magasin")
    assert [(b["magasin_id"], b["nombre_ventes"], b["panier_moyen_centimes"]) for b in baskets] == [
        (v["magasin_id"], v["nombre_ventes"], _cents(v["panier_moyen"])) for v in view
    ]
    assert sum(b["nombre_ventes"] for b in baskets) == 30
    assert all(b["panier_moyen"] == fmt.euros(b["panier_moyen_centimes"]) for b in baskets)
    # months as a manager says them, in the order of time; the amounts add up to the total
    months = served.rows("chiffre_affaires_par_mois")
    assert [m["mois"] for m in months] == ["mai 2023", "juin 2023"]
    assert sum(m["chiffre_affaires_centimes"] for m in months) == TOTAL
    assert all(m["chiffre_affaires"] == fmt.euros(m["chiffre_affaires_centimes"]) for m in months)
    # the others run too, with rows
    for name in names - {"chiffre_affaires_total", "ventes_par_produit", "ventes_par_region"}:
        if name != "lignes_rejetees":  # the client's files have no bad line
            assert served.rows(name), name


def _cents(euros: str) -> int:
    """'5268.78' (an amount of a derniere_* view) -> 526878."""
    whole, _, cents = euros.partition(".")
    return int(whole) * 100 + int(cents)


def test_tables_and_views_carry_their_french_titles(served: Tableau) -> None:
    status, page, _ = served.get(f"/{DB}")
    assert status == 200
    for name in dictionary.actual():
        entry = dictionary.entries()[name]
        status, page, _ = served.get(f"/{DB}/{name}")
        assert status == 200, name
        assert "<h1" in page and entry.title.replace("'", "&#39;") in page, name
    # what Datasette is told (its /-/metadata page is closed: tests/test_tableau_private.py)
    tables = service.metadata(DB, None)["databases"][DB]["tables"]
    assert tables["sales"]["columns"]["unit_price_cents"].startswith("prix unitaire")


def test_exports_csv_and_json(served: Tableau) -> None:
    status, text, headers = served.get(f"/{DB}/ventes_par_region.csv")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["region"]: int(r["chiffre_affaires_centimes"]) for r in rows} == BY_REGION
    # every sale, as a CSV file (one page: no stream, tests/test_tableau_private.py) and JSON
    status, text, _ = served.get(f"/{DB}/sales.csv?_size=max")
    assert status == 200
    sales = list(csv.DictReader(io.StringIO(text)))
    assert len(sales) == 30
    assert sum(int(s["quantity"]) * int(s["unit_price_cents"]) for s in sales) == TOTAL
    assert len(served.rows("sales")) == 30
    assert served.rows("derniere_chiffre_affaires_total") == [
        {"nombre_ventes": 30, "quantite": 122, "chiffre_affaires": "5268.78"}
    ]


def test_every_write_is_refused(served: Tableau, client_db: tuple[Path, Path]) -> None:
    before = dump(client_db[0])
    attempts = [
        ("GET", f"/{DB}?sql=DELETE+FROM+rejects"),
        ("GET", f"/{DB}?sql=INSERT+INTO+city_regions+VALUES+('x','x','x',NULL)"),
        ("GET", f"/{DB}.json?sql=SELECT+1"),  # not even a harmless query: no free SQL
        ("POST", f"/{DB}/chiffre_affaires_total"),
        ("POST", f"/{DB}/products/-/insert"),
        ("POST", f"/{DB}/-/create"),
        ("POST", f"/{DB}/products/REF001/-/delete"),
        ("POST", f"/{DB}/products/-/drop"),
    ]
    for method, path in attempts:
        data = b'{"row": {"product_id": "X"}}' if method == "POST" else None
        status, body, _ = served.get(path, data=data)
        if method == "POST":  # refused before Datasette, whatever the address
            assert status == 405 and body.startswith("Tableau de bord en lecture seule"), path
        else:  # not a SELECT (400), or no SQL of one's own (403)
            assert status in (400, 403), (path, status)
    assert dump(client_db[0]) == before
    # and Datasette serves that one database only
    assert [d["name"] for d in served.json("/.json").values()] == [DB]


class _Paused(ProgressLine):
    """Pauses the import inside its transaction, once sales of it are already written."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = threading.Event()
        self.release = threading.Event()

    def download(self, source: str, done: int, total: int | None) -> None:
        pass

    def load(self, source: str, done: int, total: int) -> None:
        if source == "ventes" and not self.inside.is_set():
            self.inside.set()
            assert self.release.wait(60)

    def done(self) -> None:
        pass


def test_a_page_loaded_during_an_import_sees_the_old_or_the_new_state(
    tmp_path: Path, server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    db, rapport = tmp_path / "ventes.db", tmp_path / "rapport"
    settings = make_settings(server, db, rapport_dir=rapport)
    api.run(settings)
    server.files["ventes"] = client_files["ventes"] + b"2023-06-26,REF001,1,1\n"
    new_total = TOTAL + 4999

    def state(running: Tableau) -> tuple[int, int, int]:
        """Total of the canned query, number of sales, total shown by the home page."""
        total = running.rows("chiffre_affaires_total")[0]["chiffre_affaires_centimes"]
        sales = running.json(f"/{DB}/sales.json?_size=0")["filtered_table_rows_count"]
        status, page, _ = running.get("/")
        assert status == 200
        kpi = "<b>{}</b><span>chiffre d&#x27;affaires total"
        shown = [t for t in (TOTAL, new_total) if kpi.format(fmt.euros(t)) in page]
        assert len(shown) == 1, shown
        return total, sales, shown[0]

    with tableau(db, rapport, tmp_path / "log") as running:
        assert state(running) == (TOTAL, 30, TOTAL)
        paused = _Paused()
        errors: list[BaseException] = []

        def import_then_analyse() -> None:
            try:
                api.import_data(settings, paused)
                api.analyse(settings)
                api.write_report(settings)
            except BaseException as exc:  # reported by the test thread
                errors.append(exc)

        # meanwhile, another reader loads pages without a pause: all through the import,
        # its commit, the analysis and the report's rewrite
        seen: list[tuple[int, int, int] | str] = []
        stop = threading.Event()

        def reader() -> None:
            while not stop.is_set():
                try:
                    seen.append(state(running))
                except BaseException as exc:
                    seen.append(repr(exc))

        worker = threading.Thread(target=import_then_analyse)
        poller = threading.Thread(target=reader)
        poller.start()
        worker.start()
        try:
            assert paused.inside.wait(30), errors
            # the new sale is written in the import's open transaction: pages see before it
            for _ in range(5):
                assert state(running) == (TOTAL, 30, TOTAL)
        finally:
            paused.release.set()
            worker.join(60)
            stop.set()
            poller.join(60)
        assert not errors and not worker.is_alive()
        assert state(running) == (new_total, 31, new_total)
    # each part old or new, never an error nor a half-written page. The three parts are
    # read one after the other (canned query, then sales, then home page) while the import
    # commits the sales, then the analysis commits, then the report is renamed: any mix is
    # possible but a new total read before the sales count still at 30 (the sales are
    # committed before the analysis). Seen in a loop of runs: (old total, 31, new page),
    # the analysis and the report both landing between the first and the third read.
    allowed = {
        (total, sales, page)
        for total in (TOTAL, new_total)
        for sales in (30, 31)
        for page in (TOTAL, new_total)
        if not (total == new_total and sales == 30)
    }
    assert seen and set(seen) <= allowed, [s for s in seen if s not in allowed][:5]


def test_litestreams_tables_are_hidden_from_the_manager() -> None:
    """A database the `sauvegarde` service replicates holds two bookkeeping tables of
    Litestream's: Datasette hides them (metadata ``hidden``)."""
    tables = service.metadata(DB, None)["databases"][DB]["tables"]
    for name in ("_litestream_seq", "_litestream_lock"):
        assert tables[name] == {"hidden": True}
