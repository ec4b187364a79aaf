"""Hostile input: each case is one test with its expected outcome.

Either the import is refused with a clear French message, a non-zero exit code and the
database byte-for-byte unchanged in content (``dump`` before == after), or the bad row is
rejected (kept in ``rejects`` with its reason) and the rest is imported. Every case talks
to a real HTTP server on 127.0.0.1 through the real ``ventes import`` command (in-process).
The number of cases tried is printed at the end of the test run (tests/conftest.py).
"""

from __future__ import annotations

import socket
import sqlite3
import struct
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.httpserver import (
    HOLD_LIMIT,
    FileServer,
    flaky,
    hold,
    redirect,
    released,
    serve,
    status,
    trickle,
    truncated,
)
from tests.support import MAGASINS, PRODUITS, VENTES_HEADER, dump, publish
from ventes_pme.cli import main

pytestmark = pytest.mark.hostile

SALES = VENTES_HEADER + "2023-05-01,REF001,2,1\n2023-05-02,REF002,1,2\n2023-05-02,REF002,1,2\n"
GOOD_SALES = 3


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class Pipeline:
    """Runs ``ventes import`` against the test server and inspects the database."""

    def __init__(self, server: FileServer, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.server, self.db, self.capsys = server, db, capsys

    def run(self, *args: str) -> Outcome:
        self.capsys.readouterr()
        code = main(
            [
                "import",
                "--db",
                str(self.db),
                "--no-progression",
                *(f"--url-{s}={self.server.url(s)}" for s in ("produits", "magasins", "ventes")),
                *args,
            ]
        )
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def sales_count(self) -> int:
        return int(self.query("SELECT count(*) FROM sales")[0][0])

    def rejects(self, source: str = "ventes") -> list[tuple[int, str]]:
        return [
            (int(line), str(code))
            for line, code in self.query(
                "SELECT line_number, code FROM rejects WHERE source = ? ORDER BY line_number",
                source,
            )
        ]

    def refused(self, code: int, *fragments: str) -> Outcome:
        """Run an import that must fail: exit ``code``, French message, database unchanged."""
        before = dump(self.db) if self.db.exists() else None
        outcome = self.run()
        assert outcome.code == code, outcome.err
        assert outcome.err.startswith("ventes : erreur : "), outcome.err
        for fragment in fragments:
            assert fragment in outcome.err, outcome.err
        if before is not None:
            assert dump(self.db) == before
        return outcome

    def accepted(self) -> Outcome:
        outcome = self.run()
        assert outcome.code == 0, outcome.err
        return outcome


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("VENTES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("VENTES_TIMEOUT", "2")
    monkeypatch.setenv("VENTES_TENTATIVES", "2")
    monkeypatch.setenv("VENTES_PAUSE", "0.01")


@pytest.fixture
def pipe(server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]) -> Pipeline:
    """A pipeline on a new database (nothing imported yet)."""
    return Pipeline(server, db_path, capsys)


@pytest.fixture
def base(pipe: Pipeline) -> Pipeline:
    """A pipeline whose database already holds a good import (3 sales)."""
    publish(pipe.server, ventes=SALES)
    pipe.accepted()
    assert pipe.sales_count() == GOOD_SALES
    return pipe


# --- HTTP misbehaviours: refused, database unchanged ---------------------------------------


def _never_answers(h: BaseHTTPRequestHandler) -> None:
    hold(h)


def _stalls_mid_body(h: BaseHTTPRequestHandler) -> None:
    body = SALES.encode()
    h.send_response(200)
    h.send_header("Content-Length", str(len(body) * 2))
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()
    hold(h)


def _reset(h: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP RST before answering."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def _reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    body = SALES.encode()
    h.send_response(200)
    h.send_header("Content-Length", str(len(body) * 2))
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()
    _reset(h)


def _unbounded(h: BaseHTTPRequestHandler) -> None:
    """A body without Content-Length that never ends before the size cap."""
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    try:
        h.wfile.write(VENTES_HEADER.encode())
        for _ in range(1000):
            h.wfile.write(b"2023-05-01,REF001,1,1\n" * 100)
    except OSError:
        pass


def test_http_404(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = status(404, b"not found")
    base.refused(3, "erreur HTTP 404", base.server.url("ventes"))
    # a client error is not retried
    assert sum(1 for r in base.server.requests if r[1] == "/ventes") == 2  # baseline + this one


def test_http_500_retried_then_refused(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = status(500, b"oops")
    base.refused(3, "après 2 tentatives", "erreur HTTP 500")
    assert sum(1 for r in base.server.requests if r[1] == "/ventes") == 1 + 2


def test_http_503_once_then_success(base: Pipeline) -> None:
    publish(base.server, ventes=SALES + "2023-05-03,REF001,4,2\n")
    base.server.behaviours["ventes"] = flaky(1, serve((SALES + "2023-05-03,REF001,4,2\n").encode()))
    base.accepted()
    assert base.sales_count() == GOOD_SALES + 1


def test_server_never_answers(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENTES_TIMEOUT", "0.3")
    base.server.behaviours["ventes"] = _never_answers
    base.refused(3, "pas de réponse en 0,3\u00a0s")


def test_server_stalls_mid_body(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENTES_TIMEOUT", "0.3")
    base.server.behaviours["ventes"] = _stalls_mid_body
    base.refused(3, "ne répond plus")


def test_connection_reset(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = _reset
    base.refused(3, "Téléchargement de « ventes » impossible après 2 tentatives")


def test_connection_reset_mid_body(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = _reset_mid_body
    base.refused(3, "Téléchargement de « ventes » impossible", "interrompu")


def test_truncated_body(base: Pipeline) -> None:
    body = (SALES + "2023-05-03,REF001,4,2\n").encode()
    base.server.behaviours["ventes"] = truncated(body[:-10], len(body))
    base.refused(3, "Téléchargement de « ventes » impossible")


def test_redirect_loop(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = redirect(base.server.url("ventes"))
    base.refused(3, "Trop de redirections", "boucle de redirection")


def test_redirect_to_a_local_file_is_refused(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = redirect("file:///etc/passwd")
    base.refused(3, "Redirection refusée", "« file »")


def test_redirect_to_a_scheme_not_allowed_is_refused(base: Pipeline) -> None:
    base.server.behaviours["ventes"] = redirect("ftp://127.0.0.1:1/ventes.csv")
    base.refused(3, "Redirection refusée", "« ftp »")


def test_redirect_then_success(base: Pipeline) -> None:
    base.server.files["ailleurs"] = (SALES + "2023-05-03,REF001,4,2\n").encode()
    base.server.behaviours["ventes"] = redirect(base.server.url("ailleurs"), 307)
    base.accepted()
    assert base.sales_count() == GOOD_SALES + 1


def test_body_over_the_size_cap(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENTES_TAILLE_MAX", "100")
    publish(base.server, ventes=SALES * 10)
    base.refused(3, "dépasse la taille maximale", "VENTES_TAILLE_MAX")


def test_body_over_the_size_cap_without_length(
    base: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENTES_TAILLE_MAX", "100000")
    base.server.behaviours["ventes"] = _unbounded
    base.refused(3, "dépasse la taille maximale")


def test_very_slow_server(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server trickling bytes never times out a read: VENTES_DUREE_MAX stops it."""
    monkeypatch.setenv("VENTES_DUREE_MAX", "0.5")
    base.server.behaviours["ventes"] = trickle(SALES.encode(), delay=0.02, chunk=2)
    base.refused(3, "trop lent", "VENTES_DUREE_MAX")


def _headers_byte_by_byte(h: BaseHTTPRequestHandler) -> None:
    """A status line, then headers that never end: a byte every 20 ms (each read well
    within the timeout) for as long as the client reads and the test runs, so only a limit
    on the whole exchange (VENTES_DUREE_MAX) can end the download."""
    h.close_connection = True
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nX-Padding: "
    try:
        h.wfile.write(head)
        h.wfile.flush()
        deadline = time.monotonic() + HOLD_LIMIT
        while time.monotonic() < deadline and not released(h, 0.02):
            h.wfile.write(b"a")
            h.wfile.flush()
    except OSError:
        pass  # the client gave up: what is expected


def test_headers_sent_byte_by_byte(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """VENTES_DUREE_MAX covers the whole exchange, status line and headers included: a
    server trickling its headers forever never holds an import (nor a watch cycle)."""
    monkeypatch.setenv("VENTES_DUREE_MAX", "1")
    base.server.behaviours["ventes"] = _headers_byte_by_byte
    outcome = base.refused(3, "trop lent", "VENTES_DUREE_MAX", "« ventes »")
    assert "en-têtes" in outcome.err


def test_nothing_listening(base: Pipeline) -> None:
    with socket.socket() as probe:  # a free port on 127.0.0.1, closed again: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = dump(base.db)
    outcome = base.run("--url-ventes", f"http://127.0.0.1:{port}/ventes")
    assert outcome.code == 3
    assert "connexion impossible" in outcome.err
    assert dump(base.db) == before


# --- files that are not the expected CSV: refused, database unchanged ----------------------


def test_html_page_instead_of_csv(base: Pipeline) -> None:
    page = b"<!DOCTYPE html><html><head><title>Connexion</title></head><body>...</body></html>"
    base.server.behaviours["ventes"] = serve(page, "text/html")
    base.refused(4, "page HTML")


def test_html_page_with_leading_blank_lines(base: Pipeline) -> None:
    base.server.behaviours["produits"] = serve(b"\r\n\n  <html><body>moved</body></html>")
    base.refused(4, "« produits » est une page HTML")


def test_empty_file(base: Pipeline) -> None:
    publish(base.server, ventes="")
    base.refused(4, "« ventes » est vide")


def test_blank_file(base: Pipeline) -> None:
    publish(base.server, magasins="\ufeff \r\n\n")
    base.refused(4, "« magasins » est vide")


def test_binary_file(base: Pipeline) -> None:
    base.server.files["ventes"] = b"PK\x03\x04\x00\x00binary zip content"
    base.refused(4, "binaire")


def test_utf16_file(base: Pipeline) -> None:
    """Excel's "Unicode text" export: UTF-16, full of NUL bytes."""
    base.server.files["ventes"] = SALES.encode("utf-16")
    base.refused(4, "« ventes » est binaire, pas un CSV")


def test_gzip_body_not_asked_for(base: Pipeline) -> None:
    import gzip

    body = gzip.compress(SALES.encode())

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    base.server.behaviours["ventes"] = answer
    base.refused(4, "binaire")


def test_missing_column(base: Pipeline) -> None:
    publish(base.server, ventes="Date,ID Référence produit,ID Magasin\n2023-05-01,REF001,1\n")
    base.refused(4, "Manquantes : Quantité")


def test_renamed_column(base: Pipeline) -> None:
    publish(base.server, ventes="Date,ID Référence produit,Qté,ID Magasin\n2023-05-01,REF001,1,1\n")
    base.refused(4, "Manquantes : Quantité", "Trouvées : Date, ID Référence produit, Qté")


def test_duplicated_column(base: Pipeline) -> None:
    publish(
        base.server,
        ventes="Date,ID Référence produit,Quantité,ID Magasin,Quantité\n2023-05-01,REF001,1,1,2\n",
    )
    base.refused(4, "colonnes en double : Quantité")


def test_no_header_at_all(base: Pipeline) -> None:
    publish(base.server, ventes="2023-05-01,REF001,2,1\n2023-05-02,REF002,1,2\n")
    base.refused(4, "n'a pas les colonnes attendues")


def test_field_larger_than_the_csv_limit(base: Pipeline) -> None:
    publish(base.server, ventes=SALES + "2023-05-03," + "X" * 200_000 + ",1,1\n")
    base.refused(4, "mal formé vers la ligne 5")


def test_nul_byte_deep_in_the_file(pipe: Pipeline) -> None:
    """Past the 64 KiB the format check reads, a NUL byte only spoils its own row."""
    filler = "2023-05-01,REF001,2,1\n" * 4000
    pipe.server.files.update(
        produits=PRODUITS.encode(),
        magasins=MAGASINS.encode(),
        ventes=(SALES + filler).encode() + b"2023-05-03,REF\x00001,1,1\n",
    )
    pipe.accepted()
    assert pipe.rejects() == [(4005, "bad_bytes")]
    assert pipe.sales_count() == GOOD_SALES + 4000


# --- accepted variants of the format ------------------------------------------------------


def test_header_only_keeps_the_stored_sales(base: Pipeline) -> None:
    publish(base.server, ventes=VENTES_HEADER)
    outcome = base.accepted()
    assert base.sales_count() == GOOD_SALES  # never deleted silently
    assert "3 ventes de la base ne figurent plus dans le fichier" in outcome.err


def test_header_only_products_file(base: Pipeline) -> None:
    publish(base.server, produits="Nom,ID Référence produit,Prix,Stock\n", ventes=SALES)
    base.accepted()
    assert base.query("SELECT count(*) FROM products")[0][0] == 2  # kept
    assert base.sales_count() == GOOD_SALES


def test_extra_column(pipe: Pipeline) -> None:
    publish(
        pipe.server,
        ventes="Date,ID Référence produit,Quantité,ID Magasin,Commentaire\n"
        "2023-05-01,REF001,2,1,ok\n",
    )
    outcome = pipe.accepted()
    assert "Colonnes ignorées dans « ventes » : Commentaire" in outcome.err
    assert pipe.query("SELECT sale_date, product_id, quantity, store_id FROM sales") == [
        ("2023-05-01", "REF001", 2, 1)
    ]


def test_reordered_columns(pipe: Pipeline) -> None:
    publish(
        pipe.server,
        produits="Stock,Prix,Nom,ID Référence produit\n7,12.50,Lampe,REF001\n1,2,Pile,REF002\n",
        magasins="Nombre de salariés,Ville,ID Magasin\n4,Lyon,1\n3,Nice,2\n",
        ventes="ID Magasin,Quantité,Date,ID Référence produit\n2,3,2023-06-01,REF001\n",
    )
    pipe.accepted()
    assert pipe.query(
        "SELECT name, price_cents, stock FROM products WHERE product_id='REF001'"
    ) == [("Lampe", 1250, 7)]
    assert pipe.query("SELECT city, employees FROM stores WHERE store_id = 1") == [("Lyon", 4)]
    assert pipe.query("SELECT sale_date, product_id, quantity, store_id FROM sales") == [
        ("2023-06-01", "REF001", 3, 2)
    ]


def test_utf8_bom(pipe: Pipeline) -> None:
    publish(pipe.server, produits="\ufeff" + PRODUITS, ventes="\ufeff" + SALES)
    pipe.accepted()
    assert pipe.sales_count() == GOOD_SALES
    assert pipe.query("SELECT encoding FROM import_files WHERE source = 'ventes'") == [
        ("utf-8-sig",)
    ]


def test_latin1_bytes(pipe: Pipeline) -> None:
    text = "Nom,ID Référence produit,Prix,Stock\nCafé crème,REF001,2.50,3\nThé,REF002,1,1\n"
    pipe.server.files.update(
        produits=text.encode("latin-1"), magasins=MAGASINS.encode(), ventes=SALES.encode()
    )
    pipe.accepted()
    assert pipe.query("SELECT name FROM products ORDER BY product_id") == [
        ("Café crème",),
        ("Thé",),
    ]
    assert pipe.sales_count() == GOOD_SALES


def test_semicolon_separator_and_decimal_comma(pipe: Pipeline) -> None:
    publish(
        pipe.server,
        produits="Nom;ID Référence produit;Prix;Stock\nProduit A;REF001;49,99;100\n"
        "Produit B;REF002;19,99;50\n",
        ventes=SALES.replace(",", ";"),
    )
    pipe.accepted()
    assert pipe.query("SELECT price_cents FROM products ORDER BY product_id") == [(4999,), (1999,)]
    assert pipe.sales_count() == GOOD_SALES


def test_crlf_line_endings(pipe: Pipeline) -> None:
    publish(
        pipe.server, produits=PRODUITS.replace("\n", "\r\n"), ventes=SALES.replace("\n", "\r\n")
    )
    pipe.accepted()
    assert pipe.sales_count() == GOOD_SALES
    assert not pipe.rejects()


def test_quoted_fields_with_commas_and_newlines(pipe: Pipeline) -> None:
    produits = (
        "Nom,ID Référence produit,Prix,Stock\n"
        '"Chaise, pliante\n(lot de 2)",REF001,"12,50",3\n'
        '"Il dit ""bonjour""",REF002,1,1\n'
    )
    publish(pipe.server, produits=produits, ventes=SALES)
    pipe.accepted()
    assert pipe.query("SELECT name, price_cents FROM products ORDER BY product_id") == [
        ("Chaise, pliante\n(lot de 2)", 1250),
        ('Il dit "bonjour"', 100),
    ]
    # the sale lines are numbered by physical line even after a multi-line field
    assert pipe.sales_count() == GOOD_SALES


def test_spaces_around_values(pipe: Pipeline) -> None:
    publish(pipe.server, ventes=VENTES_HEADER + " 2023-05-01 , REF001 ,\t2 , 1 \n")
    pipe.accepted()
    assert pipe.query("SELECT sale_date, product_id, quantity, store_id FROM sales") == [
        ("2023-05-01", "REF001", 2, 1)
    ]


def test_blank_lines_are_skipped(pipe: Pipeline) -> None:
    publish(pipe.server, ventes=SALES.replace("\n", "\n\n", 2))
    pipe.accepted()
    assert pipe.sales_count() == GOOD_SALES
    assert not pipe.rejects()


# --- bad rows: rejected with their reason, the rest imported -------------------------------


def _one_bad_sale(pipe: Pipeline, line: str, code: str) -> None:
    publish(pipe.server, ventes=SALES + line + "\n" + "2023-05-09,REF001,1,1\n")
    outcome = pipe.accepted()
    assert pipe.rejects() == [(5, code)]
    assert pipe.sales_count() == GOOD_SALES + 1
    assert "1 ligne rejetée" in outcome.out
    # the raw line is kept as it was
    assert pipe.query("SELECT raw FROM rejects") == [(line,)]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        pytest.param("2023-05-03,REF001,-2,1", "bad_quantity", id="negative"),
        pytest.param("2023-05-03,REF001,0,1", "bad_quantity", id="zero"),
        pytest.param("2023-05-03,REF001,2.5,1", "bad_quantity", id="decimal"),
        pytest.param("2023-05-03,REF001,99999999999999999999999,1", "bad_quantity", id="huge"),
        pytest.param("2023-05-03,REF001,1e3,1", "bad_quantity", id="exponent"),
        pytest.param("2023-05-03,REF001,１２,1", "bad_quantity", id="fullwidth-digits"),
        pytest.param("2023-05-03,REF001,,1", "missing_quantity", id="empty"),
    ],
)
def test_bad_quantity(pipe: Pipeline, line: str, code: str) -> None:
    _one_bad_sale(pipe, line, code)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        pytest.param("2023-02-30,REF001,1,1", "impossible_date", id="feb-30"),
        pytest.param("2023-02-29,REF001,1,1", "impossible_date", id="feb-29-not-leap"),
        pytest.param("2023-13-01,REF001,1,1", "impossible_date", id="month-13"),
        pytest.param("5/27/2023,REF001,1,1", "impossible_date", id="month-first"),
        pytest.param("0001-01-01,REF001,1,1", "impossible_date", id="year-1"),
        pytest.param("hier,REF001,1,1", "bad_date", id="words"),
        pytest.param(",REF001,1,1", "missing_date", id="empty"),
        pytest.param("2023-5-1,REF001,1,1", "bad_date", id="no-leading-zeros"),
        pytest.param("2023-05-01T10:00,REF001,1,1", "bad_date", id="with-time"),
        pytest.param("2023-05-2-,REF001,1,1", "bad_date", id="dash-for-last-digit"),
        pytest.param("2023-05--7,REF001,1,1", "bad_date", id="dash-before-day"),
        pytest.param("2023--5-27,REF001,1,1", "bad_date", id="dash-before-month"),
        pytest.param("-023-05-27,REF001,1,1", "bad_date", id="dash-for-first-digit"),
    ],
)
def test_bad_date(pipe: Pipeline, line: str, code: str) -> None:
    _one_bad_sale(pipe, line, code)


def test_valid_dates_in_both_formats(pipe: Pipeline) -> None:
    publish(pipe.server, ventes=VENTES_HEADER + "2024-02-29,REF001,1,1\n27/05/2023,REF001,1,1\n")
    pipe.accepted()
    assert pipe.query("SELECT sale_date FROM sales ORDER BY 1") == [
        ("2023-05-27",),
        ("2024-02-29",),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        pytest.param("2023-05-03,REF999,1,1", "unknown_product", id="unknown-product"),
        pytest.param("2023-05-03,REF001,1,42", "unknown_store", id="unknown-store"),
        pytest.param("2023-05-03,REF001,1,abc", "bad_store", id="store-not-a-number"),
        pytest.param("2023-05-03,REF001,1,1.0", "bad_store", id="store-decimal"),
        pytest.param("2023-05-03,ref001,1,1", "unknown_product", id="product-other-case"),
        pytest.param("2023-05-03,,1,1", "missing_product", id="no-product"),
        pytest.param("2023-05-03,REF001,1", "bad_width", id="too-few-fields"),
        pytest.param("2023-05-03,REF001,1,1,1", "bad_width", id="too-many-fields"),
    ],
)
def test_bad_reference_or_width(pipe: Pipeline, line: str, code: str) -> None:
    _one_bad_sale(pipe, line, code)


def test_product_id_twice(pipe: Pipeline) -> None:
    produits = PRODUITS + "Doublon,REF001,1.00,1\n"
    publish(pipe.server, produits=produits, ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("produits") == [(4, "duplicate_product")]
    assert pipe.query("SELECT name, price_cents FROM products WHERE product_id = 'REF001'") == [
        ("Produit A", 4999)
    ]
    assert pipe.sales_count() == GOOD_SALES


def test_store_id_twice(pipe: Pipeline) -> None:
    publish(pipe.server, magasins=MAGASINS + "1,Lille,99\n", ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("magasins") == [(4, "duplicate_store")]
    assert pipe.query("SELECT city FROM stores WHERE store_id = 1") == [("Paris",)]


@pytest.mark.parametrize(
    ("price", "code"),
    [
        pytest.param("-1", "bad_price", id="negative"),
        pytest.param("1.999", "bad_price", id="three-decimals"),
        pytest.param("NaN", "bad_price", id="nan"),
        pytest.param("Infinity", "bad_price", id="infinity"),
        pytest.param("1e400", "bad_price", id="exponent"),
        pytest.param("1e999999999", "bad_price", id="exponent-overflow"),
        pytest.param("1e-999999999", "bad_price", id="exponent-underflow"),
        pytest.param("9" * 5000, "bad_price", id="huge"),
        pytest.param("١٢", "bad_price", id="arabic-indic-digits"),
        pytest.param("douze", "bad_price", id="words"),
    ],
)
def test_bad_price(pipe: Pipeline, price: str, code: str) -> None:
    publish(pipe.server, produits=PRODUITS + f"Produit C,REF003,{price},1\n", ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("produits") == [(4, code)]
    assert pipe.query("SELECT count(*) FROM products") == [(2,)]
    assert pipe.sales_count() == GOOD_SALES


def test_negative_employees(pipe: Pipeline) -> None:
    publish(pipe.server, magasins=MAGASINS + "3,Lille,-4\n", ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("magasins") == [(4, "bad_employees")]
    assert pipe.query("SELECT count(*) FROM stores") == [(2,)]


INJECTIONS = [
    "Robert'); DROP TABLE sales;--",
    "x' OR '1'='1",
    '"; DELETE FROM products; --',
    "1; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_injection_strings_are_stored_literally(pipe: Pipeline, text: str) -> None:
    quoted = '"' + text.replace('"', '""') + '"'
    produits = PRODUITS + f"{quoted},{quoted},3.00,1\n"
    magasins = MAGASINS + f"3,{quoted},2\n"
    ventes = SALES + f"2023-05-04,{quoted},1,3\n"
    publish(pipe.server, produits=produits, magasins=magasins, ventes=ventes)
    pipe.accepted()
    assert pipe.query("SELECT name FROM products WHERE product_id = ?", text) == [(text,)]
    assert pipe.query("SELECT city FROM stores WHERE store_id = 3") == [(text,)]
    assert pipe.sales_count() == GOOD_SALES + 1
    assert pipe.query("SELECT count(*) FROM sales WHERE product_id = ?", text) == [(1,)]
    tables = {r[0] for r in pipe.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sales", "products", "stores", "rejects"} <= tables
    assert not Path("/tmp/pwn.db").exists()


def test_control_characters_are_stored_literally(pipe: Pipeline) -> None:
    name = "Bip\x07 \x1b[31mrouge\x1b[0m\x08\x7f\tfin"
    publish(pipe.server, produits=PRODUITS + f"{name},REF003,1.00,1\n", ventes=SALES)
    pipe.accepted()
    assert pipe.query("SELECT name FROM products WHERE product_id = 'REF003'") == [(name,)]


def test_very_long_name_is_rejected(pipe: Pipeline) -> None:
    publish(pipe.server, produits=PRODUITS + "N" * 10_000 + ",REF003,1.00,1\n", ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("produits") == [(4, "long_name")]
    reason = pipe.query("SELECT reason FROM rejects")[0][0]
    assert reason == "nom : 10000 caractères, au-delà du maximum de 200"


def test_very_long_product_id_is_rejected(pipe: Pipeline) -> None:
    publish(pipe.server, produits=PRODUITS + "Long,R" + "9" * 100 + ",1.00,1\n", ventes=SALES)
    pipe.accepted()
    assert pipe.rejects("produits") == [(4, "long_product")]


def test_very_long_line_in_the_sales_file_is_rejected(pipe: Pipeline) -> None:
    line = "2023-05-03,REF001,1," + "1" * 50_000
    publish(pipe.server, ventes=SALES + line + "\n2023-05-09,REF001,1,1\n")
    pipe.accepted()
    assert pipe.rejects() == [(5, "bad_store")]
    assert pipe.sales_count() == GOOD_SALES + 1
    reason = str(pipe.query("SELECT reason FROM rejects")[0][0])
    assert len(reason) < 200  # the reason quotes a shortened value


def test_rejected_rows_are_not_duplicated_by_a_second_import(pipe: Pipeline) -> None:
    publish(pipe.server, ventes=SALES + "2023-02-30,REF001,1,1\n")
    pipe.accepted()
    pipe.accepted()
    assert pipe.rejects() == [(5, "impossible_date")]
    assert pipe.sales_count() == GOOD_SALES


# --- settings that point somewhere they must not -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://127.0.0.1/ventes.csv", id="ftp"),
        pytest.param("gopher://127.0.0.1/ventes", id="gopher"),
        pytest.param("data:text/csv,Date", id="data"),
    ],
)
def test_unknown_url_scheme(base: Pipeline, url: str) -> None:
    before = dump(base.db)
    outcome = base.run("--url-ventes", url)
    assert outcome.code == 2
    assert "n'est pas autorisé" in outcome.err
    assert dump(base.db) == before


def test_file_scheme_refused_when_not_allowed(
    base: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "ventes.csv"
    local.write_text(SALES)
    monkeypatch.setenv("VENTES_SCHEMAS", "https,http")
    before = dump(base.db)
    for url in (str(local), local.as_uri()):
        outcome = base.run("--url-ventes", url)
        assert outcome.code == 2
        assert "le schéma « file » n'est pas autorisé" in outcome.err
        assert "VENTES_SCHEMAS" in outcome.err
    assert dump(base.db) == before


def test_http_refused_when_only_https_is_allowed(
    base: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENTES_SCHEMAS", "https")
    before = dump(base.db)
    outcome = base.run()
    assert outcome.code == 2
    assert "le schéma « http » n'est pas autorisé (autorisés : https" in outcome.err
    assert dump(base.db) == before
    assert sum(1 for r in base.server.requests if r[1] == "/produits") == 1  # nothing fetched


def test_invalid_schemes_setting(base: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VENTES_SCHEMAS", "https,gopher")
    outcome = base.run()
    assert outcome.code == 2
    assert "Valeur invalide pour VENTES_SCHEMAS" in outcome.err
