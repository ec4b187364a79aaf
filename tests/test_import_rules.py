"""The import's rules, each checked by a plain test: most are shrunk failures of
tests/test_generated.py made plain, with the rule they check (README, « Validation et rejets »)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.httpserver import FileServer, unframed
from tests.procs import environment, run, ventes
from tests.support import (
    MAGASINS,
    PRODUITS,
    VENTES_HEADER,
    dump,
    import_files,
    make_settings,
    query,
    stored_sales,
)
from ventes_pme import aggregates, api, load, validate, wording
from ventes_pme.errors import FileFormatError
from ventes_pme.load import sales as load_sales

GOOD = "2023-05-27,REF001,1,1\n"


def refused(server: FileServer, db: Path, ventes_file: str | bytes, *words: str) -> None:
    """The import is refused (exit 4) with a French message; the database is unchanged."""
    before = dump(db) if db.exists() else None
    with pytest.raises(FileFormatError) as info:
        import_files(server, db, ventes=ventes_file)
    assert info.value.exit_code == 4
    for word in words:
        assert word in info.value.message
    assert (dump(db) if db.exists() else None) == before


# --- quotes ---------------------------------------------------------------------------------------


def test_unclosed_quote_in_an_extra_column_refuses_the_file(
    server: FileServer, db_path: Path
) -> None:
    """An unclosed quote does not swallow every following line into one field."""
    import_files(server, db_path, ventes=VENTES_HEADER + GOOD)
    header = "Date,ID Référence produit,Quantité,ID Magasin,Commentaire\n"
    body = '2023-05-27,REF001,1,1,"pas fermé\n2023-05-28,REF001,2,1,ok\n2023-05-29,REF002,3,2,x\n'
    refused(server, db_path, header + body, "ligne 2", "guillemet n'est pas refermé")


def test_closed_quote_with_a_newline_in_an_invalid_row_is_one_reject(
    server: FileServer, db_path: Path
) -> None:
    """A properly closed quoted newline in an invalid row does not refuse the file."""
    body = '2023-05-27,"REF\n001",1,1\n' + GOOD
    report = import_files(server, db_path, ventes=VENTES_HEADER + body)
    assert report.files["ventes"].inserted == 1
    assert query(db_path, "SELECT raw, code FROM rejects") == [
        ("2023-05-27,REF\n001,1,1", "unknown_product")
    ]


def test_a_closing_quote_followed_by_text_refuses_the_file(
    server: FileServer, db_path: Path
) -> None:
    """Generated: ``"a;b,c"\\x81`` was read leniently as a field ``a;b,c\\ufffd``."""
    header = "Commentaire,Date,ID Référence produit,Quantité,ID Magasin\n"
    import_files(server, db_path, ventes=header)
    refused(
        server,
        db_path,
        header + '"note"x,2023-05-27,REF001,1,1\n',
        "ligne 2",
        "guillemet fermant est suivi",
    )


# --- a cut last line ------------------------------------------------------------------------------


def test_a_cut_last_line_is_pending_until_confirmed(server: FileServer, db_path: Path) -> None:
    """Store ``12`` received as ``1``: never stored as a wrong sale."""
    magasins = MAGASINS + "12,Lyon,3\n"
    whole = (VENTES_HEADER + GOOD + "2023-05-28,REF002,4,12\n").encode()
    server.files.update(produits=PRODUITS.encode(), magasins=magasins.encode())
    server.behaviours["ventes"] = unframed(whole[:-2])  # "...,4,1": valid, but cut
    settings = make_settings(server, db_path, attempts=1)
    report = api.import_data(settings)
    assert report.files["ventes"].pending_line == (3, "2023-05-28,REF002,4,1")
    assert any("n'est pas importée" in w for w in wording.warnings(report))
    assert stored_sales(db_path) == Counter({("2023-05-27", "REF001", 1, 1): 1})
    # the same cut body again: still pending; then the whole file
    api.import_data(settings)
    server.behaviours["ventes"] = unframed(whole)  # ends with a newline: complete lines
    api.import_data(settings)
    assert stored_sales(db_path) == Counter(
        {("2023-05-27", "REF001", 1, 1): 1, ("2023-05-28", "REF002", 12, 4): 1}
    )
    assert query(db_path, "SELECT count(*) FROM rejects") == [(0,)]


def test_an_unterminated_last_line_is_imported_when_the_transfer_is_known_complete(
    server: FileServer, db_path: Path
) -> None:
    body = (VENTES_HEADER + GOOD + "2023-05-28,REF002,4,2").encode()  # no final newline

    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for part in (body[:10], body[10:]):
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    server.behaviours["ventes"] = chunked
    report = import_files(server, db_path, ventes=b"")
    assert report.files["ventes"].inserted == 2  # chunked body, complete
    assert report.files["ventes"].pending_line is None
    server.behaviours.clear()
    other = db_path.with_name("other.db")
    report = import_files(server, other, ventes=body)  # Content-Length matches
    assert report.files["ventes"].inserted == 2


def test_the_client_file_without_final_newline_imports_in_full_at_once(
    server: FileServer, db_path: Path, client_files: dict[str, bytes], tmp_path: Path
) -> None:
    """Google Sheets' CSV has no final newline: all 30 sales on the first run, over HTTP
    (Content-Length) and from a local file; the snapshot (with one) too."""
    files = {name: data.rstrip(b"\r\n") for name, data in client_files.items()}
    report = import_files(server, db_path, **files)
    assert (report.files["ventes"].inserted, report.files["ventes"].rejected) == (30, 0)
    assert [f.inserted for f in report.files.values()] == [5, 7, 30]
    assert not any("n'est pas importée" in w for w in wording.warnings(report))
    for name, data in files.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    local = {f"url_{n}": str(tmp_path / f"{n}.csv") for n in files}
    settings = make_settings(server, tmp_path / "local.db", **local)
    assert api.import_data(settings).files["ventes"].inserted == 30
    snapshot = import_files(server, tmp_path / "snapshot.db", **client_files)
    assert snapshot.files["ventes"].inserted == 30


def test_the_client_file_over_a_connection_close_keeps_its_last_line_pending(
    server: FileServer, db_path: Path, client_files: dict[str, bytes]
) -> None:
    """No Content-Length, not chunked, no final newline: the last line may be cut."""
    server.files.update(produits=client_files["produits"], magasins=client_files["magasins"])
    server.behaviours["ventes"] = unframed(client_files["ventes"].rstrip(b"\r\n"))
    settings = make_settings(server, db_path, attempts=1)
    report = api.import_data(settings)
    assert report.files["ventes"].inserted == 29
    assert report.files["ventes"].pending_line is not None
    server.behaviours["ventes"] = unframed(client_files["ventes"].rstrip(b"\r\n") + b"\n")
    assert api.import_data(settings).files["ventes"].inserted == 1


@pytest.mark.parametrize("source", ["produits", "magasins"])
def test_a_reference_line_confirmed_later_validates_the_sales_of_an_unchanged_file(
    server: FileServer, db_path: Path, client_files: dict[str, bytes], source: str
) -> None:
    """The last line of a reference file, pending over a connection close, is confirmed by
    the same bytes sent with their size: every sale of it is then imported, though the
    reference file has the same SHA-256 as at the previous import and the sales file did
    not change (the append-only fast path does not apply: what the previous import
    accepted differs from what this one accepts)."""
    files = {**client_files, source: client_files[source].rstrip(b"\r\n")}
    server.files.update(files)
    server.framing[source] = "close"
    settings = make_settings(server, db_path, attempts=1)
    first = api.import_data(settings)
    assert first.files[source].pending_line is not None
    assert 0 < first.files["ventes"].inserted < 30
    del server.framing[source]
    second = api.import_data(settings)
    assert second.files[source].pending_line is None
    assert query(db_path, "SELECT count(*) FROM sales") == [(30,)]
    assert query(db_path, "SELECT count(*) FROM rejects WHERE resolved_import_id IS NULL") == [(0,)]
    # the other way: the line pending again makes its sales' lines rejects again
    server.framing[source] = "close"
    third = api.import_data(settings)
    assert third.files["ventes"].rejected == 30 - first.files["ventes"].inserted


# --- fast path and full read ----------------------------------------------------------------------


def test_appended_bytes_starting_with_a_bom_give_the_same_database(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    first = (VENTES_HEADER + GOOD).encode()
    final = first + b"\xef\xbb\xbf2023-05-28,REF002,2,2\n"
    import_files(server, db_path, ventes=first)
    report = import_files(server, db_path, ventes=final)
    assert report.files["ventes"].incremental
    whole = tmp_path / "whole.db"
    import_files(server, whole, ventes=first + b"\n")  # other bytes: the final file read whole
    assert not import_files(server, whole, ventes=final).files["ventes"].incremental
    assert stored_sales(db_path) == stored_sales(whole)
    assert stored_sales(db_path)[("2023-05-28", "REF002", 2, 2)] == 1  # the BOM is trimmed


def test_a_previous_last_line_with_an_unclosed_quote_never_resumes(
    server: FileServer, db_path: Path
) -> None:
    header = "Date,ID Référence produit,Quantité,ID Magasin,Commentaire\n"
    import_files(server, db_path, ventes=header + "2023-05-27,REF001,1,1,x\n")
    refused(server, db_path, header + '2023-05-27,REF001,1,1,x\n2023-05-28,REF001,1,1,"a\n')
    refused(server, db_path, header + '2023-05-27,REF001,1,1,x\n2023-05-28,REF001,1,1,"a\nb,\n')


# --- encodings, line endings, overflow ------------------------------------------------------------


def test_one_windows_1252_line_in_a_utf8_file(server: FileServer, db_path: Path) -> None:
    header = "Date,ID Référence produit,Quantité,ID Magasin,Commentaire\n".encode()
    body = b"2023-05-27,REF001,1,1,ok\n" + "2023-05-28,REF002,2,2,café\n".encode("cp1252")
    report = import_files(server, db_path, ventes=header + body)
    assert report.files["ventes"].inserted == 2
    assert any("lues en Windows-1252 (ligne(s) 3)" in w for w in wording.warnings(report))


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_bytes_undefined_in_windows_1252_reject_their_line(
    server: FileServer, db_path: Path, byte: bytes
) -> None:
    ventes_file = VENTES_HEADER.encode() + GOOD.encode() + b"2023-05-28,REF" + byte + b"2,2,2\n"
    report = import_files(server, db_path, ventes=ventes_file)
    assert (report.files["ventes"].inserted, report.files["ventes"].rejected) == (1, 1)
    assert query(db_path, "SELECT code FROM rejects") == [("bad_bytes",)]


def test_cr_only_line_endings(server: FileServer, db_path: Path) -> None:
    """Old Excel for Mac (CR alone ends a line): read like any other file, never exit 70."""
    report = import_files(
        server,
        db_path,
        ventes=(VENTES_HEADER + GOOD + "2023-05-28,REF002,2,2\n").replace("\n", "\r"),
        produits=PRODUITS.replace("\n", "\r"),
        magasins=MAGASINS.replace("\n", "\r"),
    )
    assert [f.inserted for f in report.files.values()] == [2, 2, 2]


def test_sums_that_would_overflow_refuse_the_import(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=VENTES_HEADER + GOOD)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE sales_by_day_store SET revenue_cents = 9223372036854775000")
    conn.commit()
    conn.close()
    refused(server, db_path, VENTES_HEADER + GOOD + GOOD, "dépassent", "inchangée")


def test_maximum_amounts_are_documented_limits() -> None:
    # one sale at both maximums, times 9 million lines, still fits in 64-bit integers
    assert validate.MAX_PRICE_CENTS * validate.MAX_QUANTITY * 9_000_000 < 2**63
    assert validate.parse_price("1 000 000") == validate.MAX_PRICE_CENTS
    with pytest.raises(validate.RowError):
        validate.parse_count("10001", "quantity", minimum=1, maximum=validate.MAX_QUANTITY)


# --- money formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1 029,99", "1\u00a0029,99", "1\u202f029,99", "1029,99", "1029.99", "1 029,99 €"]
)
def test_french_thousands_separators(text: str) -> None:
    assert validate.parse_price(text) == 102999


@pytest.mark.parametrize("text", ["1.000", "1,000", "1.000,50", "10 00", "4 9.99", "49."])
def test_ambiguous_or_odd_prices_are_refused(text: str) -> None:
    with pytest.raises(validate.RowError):
        validate.parse_price(text)


def test_one_point_zero_zero_zero_is_not_one_euro(server: FileServer, db_path: Path) -> None:
    produits = "Nom;ID Référence produit;Prix;Stock\nProduit A;REF001;1.000;100\n"
    import_files(server, db_path, ventes=VENTES_HEADER, produits=produits)
    assert query(db_path, "SELECT code, reason FROM rejects") == [
        (
            "bad_price",
            "prix ambigu « 1.000 » : au plus deux décimales (séparateur de milliers : espace)",
        )
    ]


# --- the same rule on a new database and an old one -----------------------------------------------


def test_a_removed_product_is_unknown_on_a_new_and_an_old_database(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    import_files(server, db_path, ventes=VENTES_HEADER + GOOD)
    only_b = PRODUITS.replace("Produit A,REF001,49.99,100\n", "")
    final = VENTES_HEADER + GOOD + "2023-05-28,REF001,3,1\n"
    old = import_files(server, db_path, ventes=final, produits=only_b)
    new = import_files(server, tmp_path / "new.db", ventes=final, produits=only_b)
    for report in (old, new):
        assert (report.files["ventes"].inserted, report.files["ventes"].rejected) == (0, 2)
    assert old.files["ventes"].vanished == 1  # kept, and said
    assert query(db_path, "SELECT raw FROM rejects ORDER BY 1") == query(
        tmp_path / "new.db", "SELECT raw FROM rejects ORDER BY 1"
    )


def test_a_store_changing_city_is_reported(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=VENTES_HEADER + GOOD)
    report = import_files(
        server, db_path, ventes=VENTES_HEADER + GOOD, magasins=MAGASINS.replace("Paris", "Lyon")
    )
    assert any(
        "Le magasin 1 change de ville (« Paris » → « Lyon »)" in w for w in wording.warnings(report)
    )


def test_a_reject_that_becomes_valid_is_marked_resolved(server: FileServer, db_path: Path) -> None:
    line = "2023-05-27,REF003,1,1\n"
    first = import_files(server, db_path, ventes=VENTES_HEADER + line)
    assert query(db_path, "SELECT code, resolved_import_id FROM rejects") == [
        ("unknown_product", None)
    ]
    second = import_files(
        server, db_path, ventes=VENTES_HEADER + line, produits=PRODUITS + "Produit C,REF003,5,1\n"
    )
    assert second.files["ventes"].inserted == 1
    assert query(db_path, "SELECT first_import_id, resolved_import_id FROM rejects") == [
        (first.import_id, second.import_id)
    ]


def test_a_blank_stock_keeps_the_product_and_its_sales(server: FileServer, db_path: Path) -> None:
    produits = PRODUITS.replace("REF001,49.99,100", "REF001,49.99,")
    report = import_files(server, db_path, ventes=VENTES_HEADER + GOOD, produits=produits)
    assert report.files["ventes"].inserted == 1
    assert query(db_path, "SELECT stock, stock_problem FROM products WHERE product_id = 'REF001'")
    assert query(db_path, "SELECT stock_problem FROM products WHERE product_id = 'REF001'") == [
        ("stock : valeur absente",)
    ]


def test_a_nul_byte_near_the_top_rejects_only_its_line(server: FileServer, db_path: Path) -> None:
    """The same rule as deep in the file (tests/test_hostile.py): only the header's NUL
    makes the file binary."""
    data = VENTES_HEADER.encode() + b"2023-05-27,REF\x00001,1,1\n" + GOOD.encode()
    report = import_files(server, db_path, ventes=data)
    assert (report.files["ventes"].inserted, report.files["ventes"].rejected) == (1, 1)


# --- the command: a refused input is exit 4 with a French message ---------------------------------


def test_the_command_refuses_bad_input_in_french(server: FileServer, db_path: Path) -> None:
    header = "Date,ID Référence produit,Quantité,ID Magasin,Commentaire\n"
    server.files.update(
        produits=PRODUITS.encode(),
        magasins=MAGASINS.encode(),
        ventes=(header + '2023-05-27,REF001,1,1,"x\n2023-05-28,REF001,1,1,y\n').encode(),
    )
    result = run(ventes("import"), environment(server, db_path))
    assert result.returncode == 4, result.stderr
    assert "guillemet n'est pas refermé" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_resolved_reject_does_not_shift_the_rank_of_an_appended_one(
    server: FileServer, db_path: Path
) -> None:
    """Generated (seed 202): a rejected line edited (so resolved), then appended again: the
    fast path ranked it after the resolved one (occurrence 2), a full read as 1."""
    bad = "2023-05-27,REF001,2,99\n"
    import_files(server, db_path, ventes=VENTES_HEADER + bad)
    edited = VENTES_HEADER.encode() + b"2023-05-27,\x81REF001,2,99\n"
    import_files(server, db_path, ventes=edited)
    report = import_files(server, db_path, ventes=edited + bad.encode())
    assert report.files["ventes"].incremental
    assert query(
        db_path, "SELECT occurrence, resolved_import_id FROM rejects WHERE raw = ?", (bad.strip(),)
    ) == [(1, None)]


# --- ranks counted while reading, not by a count of stored sales per line -------------------------


@pytest.mark.parametrize("memo", [1, 2, load_sales.RANK_MEMO])
def test_identical_lines_over_interleaved_dates_get_exact_ranks(
    server: FileServer, db_path: Path, monkeypatch: pytest.MonkeyPatch, memo: int
) -> None:
    """The import counts identical lines per date as it reads; past ``RANK_MEMO`` groups it
    drops the counts and asks the database. Either way the k-th identical line is
    occurrence k, on a first import, an append, and a full re-read."""
    monkeypatch.setattr(load_sales, "RANK_MEMO", memo)
    a, b, c = "2023-05-27,REF001,1,1\n", "2023-05-28,REF001,1,1\n", "2023-05-27,REF002,2,1\n"
    body = VENTES_HEADER + a * 3 + b * 2 + c + a + b + c + a
    import_files(server, db_path, ventes=body)
    ranks = "SELECT sale_date, product_id, max(occurrence), count(*) FROM sales GROUP BY 1, 2"
    assert query(db_path, ranks + " ORDER BY 1, 2") == [
        ("2023-05-27", "REF001", 5, 5),
        ("2023-05-27", "REF002", 2, 2),
        ("2023-05-28", "REF001", 3, 3),
    ]
    appended = import_files(server, db_path, ventes=body + b + a + b)
    assert appended.files["ventes"].incremental
    assert query(db_path, ranks + " ORDER BY 1, 2") == [
        ("2023-05-27", "REF001", 6, 6),
        ("2023-05-27", "REF002", 2, 2),
        ("2023-05-28", "REF001", 5, 5),
    ]
    edited = import_files(server, db_path, ventes=VENTES_HEADER + c + body[len(VENTES_HEADER) :])
    assert not edited.files["ventes"].incremental
    assert edited.files["ventes"].inserted == 1  # a third REF002 line on 2023-05-27
    assert stored_sales(db_path)[("2023-05-27", "REF002", 1, 2)] == 3
    assert query(db_path, "SELECT sum(sales_count) FROM sales_by_day_store") == [(14,)]


@pytest.mark.parametrize("memo", [1, 2, load_sales.RANK_MEMO])
def test_appended_lines_of_new_days_are_ranked_without_a_count_per_group(
    server: FileServer, db_path: Path, monkeypatch: pytest.MonkeyPatch, memo: int
) -> None:
    """The usual append: lines of days the database holds no sale of. Their groups start at
    0 from one question per day (identical_sales_of_date.sql), until the reading forgets
    the day's counts (a tiny memo here): then the sales of that day already inserted by
    this import count again, and the k-th identical line is still occurrence k."""
    monkeypatch.setattr(load_sales, "RANK_MEMO", memo)
    old = "2023-05-27,REF001,1,1\n"
    import_files(server, db_path, ventes=VENTES_HEADER + old)
    a, b, c = "2023-05-28,REF001,1,1\n", "2023-05-28,REF002,2,1\n", "2023-05-29,REF001,1,1\n"
    report = import_files(server, db_path, ventes=VENTES_HEADER + old + a + b + a + c + a + b)
    assert report.files["ventes"].incremental
    ranks = "SELECT sale_date, product_id, group_concat(occurrence) FROM sales GROUP BY 1, 2"
    assert query(db_path, ranks + " ORDER BY 1, 2") == [
        ("2023-05-27", "REF001", "1"),
        ("2023-05-28", "REF001", "1,2,3"),
        ("2023-05-28", "REF002", "1,2"),
        ("2023-05-29", "REF001", "1"),
    ]


def test_a_restaged_reread_keeps_the_import_page_cache_after_its_sort(
    server: FileServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full re-read whose one date has more groups than the rank memo holds forgets that
    date's counts while it ranks it: it then ranks the whole file in SQL (load/sales.py),
    whose sort gets a larger page cache, then the rest of the import goes on with the
    import's own (load.LOAD_CACHE_KIB), not the analyses'."""
    monkeypatch.setattr(load_sales, "RANK_MEMO", 1)
    a, b, c = "2023-05-27,REF001,1,1\n", "2023-05-28,REF001,1,1\n", "2023-05-27,REF002,2,1\n"
    body = VENTES_HEADER + a * 3 + b * 2 + c + a + b + c + a
    import_files(server, db_path, ventes=body)
    # a third group on 2023-05-27, read after the first: the rest of the file is held, then
    # that date alone fills the memo
    e = "2023-05-27,REF001,3,1\n"
    seen: list[int] = []
    add_import = aggregates.add_import

    def spy(conn: sqlite3.Connection, import_id: int | None) -> None:
        seen.append(conn.execute("PRAGMA cache_size").fetchone()[0])
        add_import(conn, import_id)

    monkeypatch.setattr(aggregates, "add_import", spy)
    edited = import_files(
        server, db_path, ventes=VENTES_HEADER + c + e + body[len(VENTES_HEADER) :]
    )
    assert edited.files["ventes"].inserted == 2
    assert seen == [-load.LOAD_CACHE_KIB]  # called once: the re-read was restaged


def test_a_reread_of_a_newest_first_sheet_grown_at_its_end_is_not_restaged(
    server: FileServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet sorted newest first, new lines appended at its end, then one line edited:
    the full re-read comes back at its end to the dates it met first. Once the rank memo
    is full it holds the rest of the file, as a first import does, instead of forgetting
    the counts of those dates, which sent the whole file its staged way."""
    monkeypatch.setattr(load_sales, "RANK_MEMO", 2)
    days = ("2023-05-29", "2023-05-28", "2023-05-27")
    body = VENTES_HEADER + "".join(f"{day},REF00{p},1,1\n" for day in days for p in (1, 2))
    import_files(server, db_path, ventes=body)
    grown = body + "2023-05-29,REF001,1,1\n"  # an identical line of the newest date
    assert import_files(server, db_path, ventes=grown).files["ventes"].incremental
    staged: list[int] = []
    stage = load_sales._stage_and_insert

    def spy(*args: object, **kwargs: object) -> object:
        staged.append(1)
        return stage(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_sales, "_stage_and_insert", spy)
    edited = VENTES_HEADER + "2023-05-29,REF001,2,1\n" + grown[len(VENTES_HEADER) + 22 :]
    report = import_files(server, db_path, ventes=edited).files["ventes"]
    assert not report.incremental
    assert (report.inserted, report.vanished) == (1, 1)
    assert staged == []
    assert stored_sales(db_path)[("2023-05-29", "REF001", 1, 1)] == 2
    assert stored_sales(db_path)[("2023-05-29", "REF001", 1, 2)] == 1
    assert query(db_path, "SELECT sum(sales_count) FROM sales_by_day_store") == [(8,)]


def test_many_identical_lines_are_each_stored_once(server: FileServer, db_path: Path) -> None:
    """20 000 identical lines (a count of stored sales per line made this quadratic)."""
    line = "2023-05-27,REF001,1,1\n"
    import_files(server, db_path, ventes=VENTES_HEADER + line * 20_000)
    assert query(db_path, "SELECT count(*), min(occurrence), max(occurrence) FROM sales") == [
        (20_000, 1, 20_000)
    ]
