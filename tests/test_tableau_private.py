"""The dashboard keeps private what is private, for real: Datasette started by the image's
command on a database imported through a real HTTP server on 127.0.0.1 that asks for a
password and a token, with product names a spreadsheet would run as formulas.

Debug and introspection pages refused, no absolute path on any page, no unbounded stream
of a raw table, no SQL of one's own, the CSV exports neutralised (Datasette's ``.csv`` and
the French Excel one, parsed back), the import journal without the secrets, and the
rejected lines told apart: still to correct, or resolved by a later import."""

from __future__ import annotations

import base64
import csv
import io
import re
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import CLIENT_DATA, make_settings
from tests.tableau_server import DB, Tableau, require_datasette, tableau
from ventes_pme import api, spreadsheet
from ventes_pme import tableau as service

require_datasette()

USER, PASSWORD, TOKEN = "gerant", "Zmotdepasse42", "Zjeton99"
#: product names a spreadsheet would run, instead of the client's "Produit A"…"Produit E"
NAMES = {
    "Produit A": '=HYPERLINK("http://exemple.invalid";"clic")',
    "Produit B": "+SOMME(1;2)",
    "Produit C": "-2+3",
    "Produit D": "@SUM(A1)",
}
#: a sales line for a product the first import does not know, known to the second
LATE = b"2023-06-25,REF099,2,1\n"

PRIVATE_PAGES = [
    f"/-/{name}{suffix}"
    for name in (
        "databases",
        "threads",
        "versions",
        "plugins",
        "settings",
        "metadata",
        "actor",
    )
    for suffix in ("", ".json")
] + [
    "/-/config",
    "/-/config.json",
    "/-/permissions",
    "/-/allow-debug",
    "/-/messages",
    "/-/patterns",
    "/-/auth-token",
    "/-/logout",
    "/-/create-token",
    f"/{DB}.db",
]


def _files(late_product: bool) -> dict[str, bytes]:
    files = {n: (CLIENT_DATA / f"{n}.csv").read_bytes() for n in ("produits", "magasins")}
    text = files["produits"].decode("utf-8")
    for plain, formula in NAMES.items():
        quoted = '"' + formula.replace('"', '""') + '"'  # the CSV quoting of the file
        text = text.replace(f"{plain},", f"{quoted},")
    if late_product:
        text += "Produit tardif,REF099,10.00,5\n"
    files["produits"] = text.encode("utf-8")
    files["ventes"] = (CLIENT_DATA / "ventes.csv").read_bytes() + LATE
    return files


def _serve(server: FileServer, files: dict[str, bytes]) -> None:
    """``files``, only to a request with the password (HTTP Basic) and the token."""
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for name, body in files.items():

        def answer(h: BaseHTTPRequestHandler, body: bytes = body) -> None:
            allowed = h.headers.get("Authorization") == expected and f"token={TOKEN}" in h.path
            h.send_response(200 if allowed else 401)
            h.send_header("Content-Type", "text/csv")
            h.send_header("Content-Length", str(len(body) if allowed else 0))
            h.end_headers()
            if allowed:
                h.wfile.write(body)

        server.behaviours[name] = answer


@pytest.fixture(scope="module")
def private_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Two imports from addresses with a password and a token: the first rejects the sale
    of an unknown product, the second (the product now known) resolves that reject."""
    folder = tmp_path_factory.mktemp("tableau-prive")
    server = FileServer().start()
    try:
        urls = {
            f"url_{n}": server.url(n).replace("http://", f"http://{USER}:{PASSWORD}@")
            + f"?gid=0&token={TOKEN}"
            for n in ("produits", "magasins", "ventes")
        }
        settings = make_settings(
            server, folder / "ventes.db", rapport_dir=folder / "rapport", **urls
        )
        _serve(server, _files(late_product=False))
        api.run(settings)
        # the product now known resolves the reject; a sale of another unknown one comes
        files = _files(late_product=True)
        files["ventes"] += b"2023-06-25,REF404,1,1\n"
        _serve(server, files)
        api.run(settings)
    finally:
        server.stop()
    yield folder / "ventes.db", folder / "rapport"


@pytest.fixture(scope="module")
def served(private_db: tuple[Path, Path]) -> Iterator[Tableau]:
    db, rapport = private_db
    with tableau(db, rapport, db.parent / "tableau.log") as running:
        yield running


def test_debug_and_introspection_pages_are_refused(served: Tableau) -> None:
    for path in PRIVATE_PAGES:
        status, body, _ = served.get(path)
        assert status in (403, 404), (path, status, body[:200])
    # the style sheets the pages need are still served
    assert served.get("/-/static/app.css")[0] == 200


def _pages(served: Tableau) -> list[str]:
    """The managers' pages: home, database, every table, view and canned query, in HTML,
    JSON and CSV, and a page that does not exist."""
    listing = served.json(f"/{DB}.json")
    names = [t["name"] for t in listing["tables"]] + [v["name"] for v in listing["views"]]
    names += [q["name"] for q in listing["queries"]]
    paths = ["/", "/.json", f"/{DB}", f"/{DB}.json", "/absente", f"/{DB}/absente"]
    for name in names:
        paths += [f"/{DB}/{name}", f"/{DB}/{name}.json", f"/{DB}/{name}.csv"]
    return paths


def test_no_page_shows_an_absolute_path(served: Tableau, private_db: tuple[Path, Path]) -> None:
    folder = str(private_db[0].parent)
    interpreter = str(Path(sys.executable).parent.parent)
    seen = 0
    for path in _pages(served):
        status, body, _ = served.get(path)
        assert status in (200, 404), (path, status)
        for secret in (folder, interpreter, "ventes.db", "site-packages"):
            assert secret not in body, (path, secret)
        seen += 1
    assert seen > 40


def test_the_import_journal_shows_no_secret(served: Tableau) -> None:
    for path in _pages(served):
        body = served.get(path)[1]
        assert PASSWORD not in body and TOKEN not in body, path
    rows = served.rows("import_files")
    assert len(rows) == 6
    assert all(re.fullmatch(r"http://\*\*\*@127\.0\.0\.1:\d+/\w+\?gid=0&token=\*\*\*", r["url"])
               for r in rows)  # fmt: skip


def test_no_unbounded_stream_nor_sql_of_ones_own(served: Tableau) -> None:
    assert service.SETTINGS["allow_csv_stream"] == "off"
    assert int(service.SETTINGS["max_returned_rows"]) <= 5000
    assert int(service.SETTINGS["sql_time_limit_ms"]) <= 5000
    for path in (f"/{DB}/sales.csv?_stream=on", f"/{DB}/sales.csv?_stream=1&_size=max"):
        status, body, _ = served.get(path)
        assert status in (400, 403), (path, status)
        assert "2023-05-27" not in body
    for path in (f"/{DB}.json?sql=select+1", f"/{DB}?sql=select+*+from+sales"):
        assert served.get(path)[0] == 403, path


def _check_names(cells: list[str]) -> None:
    """Every formula-like name is there, behind its ``'``, never bare."""
    for formula in NAMES.values():
        assert "'" + formula in cells and formula not in cells, (formula, cells)


def test_datasette_csv_exports_are_neutralised(served: Tableau) -> None:
    for path in (
        f"/{DB}/products.csv",
        f"/{DB}/ventes_par_produit.csv",
        f"/{DB}/products.csv?_dl=1",
    ):
        status, text, _ = served.get(path)
        assert status == 200, path
        rows = list(csv.reader(io.StringIO(text, newline="")))
        cells = [c for row in rows for c in row]
        _check_names(cells)
        # nothing else a spreadsheet would run: only plain numbers may start with "-"
        starts = spreadsheet.FORMULA_STARTS
        assert not [c for c in cells if c.startswith(starts) and not re.fullmatch(r"-\d+", c)]


def test_the_french_excel_export(served: Tableau) -> None:
    status, page, _ = served.get(f"/{DB}/ventes_par_produit")
    assert status == 200
    assert f'href="/{DB}/ventes_par_produit.tableur"' in page  # linked on the page
    (total,) = served.rows("derniere_chiffre_affaires_total")
    for path in (
        f"/{DB}/ventes_par_produit.tableur",
        f"/{DB}/derniere_chiffre_affaires_total.tableur",
    ):
        status, raw, headers = served.get_bytes(path)
        assert status == 200, path
        assert headers["content-type"].startswith("text/csv"), headers
        assert re.fullmatch(r'attachment; filename="\w+\.csv"', headers["content-disposition"])
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert len(rows) > 1 and len(rows[0]) > 1
        if "ventes_par_produit" in path:
            _check_names([c for row in rows for c in row])
            assert len(rows) == 1 + len(served.rows("ventes_par_produit"))
        else:
            header, values = rows
            euros = dict(zip(header, values, strict=True))["chiffre_affaires"]
            assert euros == str(total["chiffre_affaires"]).replace(".", ",") == "5288,78"


def test_rejected_lines_tell_current_from_resolved(served: Tableau) -> None:
    rows = served.rows("lignes_rejetees")
    by_content = {r["contenu"]: r for r in rows}
    assert set(by_content) == {LATE.decode().strip(), "2023-06-25,REF404,1,1"}
    resolved, current = by_content[LATE.decode().strip()], by_content["2023-06-25,REF404,1,1"]
    assert (current["etat"], current["resolue_a_l_import"]) == ("à corriger", None)
    assert (resolved["etat"], resolved["resolue_a_l_import"]) == ("résolue", 2)
    assert rows[0] is current or rows[0] == current  # what is still to correct comes first


def test_the_report_tells_current_rejects_from_resolved_ones(
    served: Tableau, private_db: tuple[Path, Path]
) -> None:
    from ventes_pme import report

    expected = "1 ligne à corriger, 1 ligne résolue par un import suivant"
    note = (private_db[1] / report.NOTE_NAME).read_text("utf-8")
    assert f"- Lignes rejetées : {expected}" in note
    status, page, _ = served.get("/")
    assert status == 200 and expected in page
