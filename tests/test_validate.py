"""Validation: every row checked, invalid rows rejected once with their reason, file-level
problems stop the import with the database exactly as it was."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.httpserver import FileServer
from tests.support import (
    MAGASINS,
    PRODUITS,
    VENTES_HEADER,
    dump,
    import_files,
    make_settings,
    query,
    stored_sales,
    ventes_csv,
)
from ventes_pme import api, db, validate, wording
from ventes_pme.cli import main
from ventes_pme.errors import FileFormatError
from ventes_pme.validate import RowError

# --- row parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-27", "2023-05-27"),
        ("27/05/2023", "2023-05-27"),
        ("5/6/2023", "2023-06-05"),  # day first, always
        ("  2023-05-27 ", "2023-05-27"),
        ("29/02/2024", "2024-02-29"),
    ],
)
def test_valid_dates(text: str, expected: str) -> None:
    assert validate.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_date"),
        ("   ", "missing_date"),
        ("5/27/2023", "impossible_date"),  # month 27: never guessed as May 27th
        ("2023-02-29", "impossible_date"),
        ("31/04/2023", "impossible_date"),
        ("2023-13-01", "impossible_date"),
        ("2023/05/27", "bad_date"),
        ("27-05-2023", "bad_date"),
        ("27/05/23", "bad_date"),
        ("2023-5-27", "bad_date"),
        ("hier", "bad_date"),
        ("0999-01-01", "impossible_date"),
    ],
)
def test_invalid_dates(text: str, code: str) -> None:
    with pytest.raises(RowError) as info:
        validate.parse_date(text)
    assert info.value.code == code
    assert "date" in info.value.reason


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASHES = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _expected_date(text: str) -> str | None:
    """The reference rule, written independently: the ISO date ``text`` means, else None."""
    text = text.strip().strip("\ufeff").strip()
    if match := _ISO.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _SLASHES.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _mangled(text: str, at: int, by: str) -> str:
    """``text`` with the character at ``at`` replaced by ``by`` (or ``by`` appended)."""
    return text[:at] + by + text[at + 1 :]


_DATE_CHARS = "0123456789-/ +_.\t\ufeff٣"
#: Date-ish strings: a real date in either format with one character replaced, or short
#: strings of the characters dates are made of (the shape checks' corner cases).
_DATE_ISH = st.one_of(
    st.builds(
        _mangled,
        st.one_of(st.dates(date(1890, 1, 1), date(2110, 12, 31)), st.dates()).flatmap(
            lambda d: st.sampled_from(
                [d.isoformat(), f"{d.day}/{d.month}/{d.year}", f"{d.day:02}/{d.month:02}/{d.year}"]
            )
        ),
        st.integers(0, 10),
        st.sampled_from(_DATE_CHARS),
    ),
    st.text(_DATE_CHARS, max_size=12),
    st.text(max_size=12),
)


@pytest.mark.hostile
@given(_DATE_ISH)
@example("2023-05-2-")
@example("2023-05--7")
@example("2023--5-27")
@example("-023-05-27")
@example("2023-+5-27")
@example("2023-_5-27")
def test_any_date_is_either_read_right_or_rejected(text: str) -> None:
    """Never an exception other than a rejected row: a date is read as the reference rule
    reads it, or the row is rejected with a date code."""
    expected = _expected_date(text)
    try:
        got = validate.parse_date(text)
    except RowError as err:
        assert expected is None, (text, err.reason)
        assert err.code in ("missing_date", "bad_date", "impossible_date")
        assert "date" in err.reason
    else:
        assert got == expected, text


_NUMBER_CHARS = "0123456789+-_., \u00a0\u202f€e٣²"


@pytest.mark.hostile
@given(st.one_of(st.text(_NUMBER_CHARS, max_size=12), st.text(max_size=12)))
@example("+")
@example("-")
@example("1_000")
def test_any_number_is_either_read_or_rejected(text: str) -> None:
    """The other parsers of a row: a value or a rejected row, never another exception."""
    for parse in (
        validate.parse_price,
        lambda t: validate.parse_count(t, "quantity", minimum=1, maximum=validate.MAX_QUANTITY),
        lambda t: validate.parse_count(t, "store", minimum=1, maximum=2**53),
    ):
        try:
            value = parse(text)
        except RowError as err:
            assert err.reason
        else:
            assert isinstance(value, int)
            assert value >= 0


@pytest.mark.parametrize(
    ("text", "cents"),
    [("49.99", 4999), ("0", 0), ("19,9", 1990), (" 5 ", 500), ("1 234,50 €", 123450)],
)
def test_valid_prices(text: str, cents: int) -> None:
    assert validate.parse_price(text) == cents


@pytest.mark.parametrize("text", ["-1", "-0.01", "abc", "", "1.234", "NaN", "Infinity", "1,234.5"])
def test_invalid_prices(text: str) -> None:
    with pytest.raises(RowError):
        validate.parse_price(text)


def test_price_is_exact_in_cents() -> None:
    # 0.1 + 0.2 style float errors must not exist: 1.15 euros is 115 cents exactly
    assert [validate.parse_price(p) for p in ("1.15", "0.29", "4.35", "1.005".rstrip("5"))] == [
        115,
        29,
        435,
        100,
    ]


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "2,0", "abc", "", "1e3", "²", "١"])
def test_invalid_quantities(text: str) -> None:
    with pytest.raises(RowError) as info:
        validate.parse_count(text, "quantity", minimum=1, maximum=validate.MAX_QUANTITY)
    assert info.value.code in ("bad_quantity", "missing_quantity")
    assert "quantité" in info.value.reason


@pytest.mark.parametrize("text", ["-1", "1.5", "x", ""])
def test_invalid_stock_and_employees(text: str) -> None:
    for what in ("stock", "employees"):
        with pytest.raises(RowError):
            validate.parse_count(text, what, minimum=0, maximum=10**7)


def test_zero_stock_and_zero_employees_are_valid() -> None:
    assert validate.parse_count(" 0 ", "stock", minimum=0, maximum=10) == 0
    assert validate.parse_count("0", "employees", minimum=0, maximum=10) == 0


# --- rows rejected through a real import ----------------------------------------------------

BAD_SALES = [
    ("2023-05-27,REF001,0,1", "bad_quantity"),
    ("2023-05-27,REF001,-2,1", "bad_quantity"),
    ("2023-05-27,REF001,1.5,1", "bad_quantity"),
    ("2023-05-27,REF001,,1", "missing_quantity"),
    ("5/27/2023,REF001,1,1", "impossible_date"),
    ("2023-05-32,REF001,1,1", "impossible_date"),
    (",REF001,1,1", "missing_date"),
    ("2023-05-27,,1,1", "missing_product"),
    ("2023-05-27,REF999,1,1", "unknown_product"),
    ("2023-05-27,REF001,1,", "missing_store"),
    ("2023-05-27,REF001,1,99", "unknown_store"),
    ("2023-05-27,REF001,1,x", "bad_store"),
    ("2023-05-27,REF001,1", "bad_width"),
]


def test_invalid_sales_are_rejected_with_line_raw_and_reason(
    server: FileServer, db_path: Path
) -> None:
    good = "2023-05-27,REF001,1,1"
    lines = [good] + [raw for raw, _ in BAD_SALES] + [good]
    report = import_files(server, db_path, ventes=VENTES_HEADER + "\n".join(lines) + "\n")
    ventes = report.files["ventes"]
    assert (ventes.rows_read, ventes.inserted, ventes.rejected) == (len(lines), 2, len(BAD_SALES))
    rows = query(
        db_path,
        "SELECT source, line_number, raw, code, reason, first_import_id, last_import_id "
        "FROM rejects ORDER BY line_number",
    )
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (i + 3, raw, code) for i, (raw, code) in enumerate(BAD_SALES)
    ]
    assert {r[0] for r in rows} == {"ventes"}
    assert all(r[4] and r[5] == r[6] == report.import_id for r in rows)
    reasons = {r[2]: r[4] for r in rows}
    assert reasons["5/27/2023,REF001,1,1"] == "date impossible « 5/27/2023 »"
    assert reasons["2023-05-27,REF001,1.5,1"] == "quantité : « 1.5 » n'est pas un nombre entier"
    reasons = {r[3]: r[4] for r in rows}
    assert reasons["unknown_product"] == "produit inconnu « REF999 »"
    assert reasons["unknown_store"] == "magasin inconnu « 99 »"
    assert "quantité" in reasons["bad_quantity"]


def test_rejects_are_kept_once_across_runs(server: FileServer, db_path: Path) -> None:
    source = VENTES_HEADER + "2023-05-27,REF001,1,1\n2023-05-27,REF001,0,1\n"
    first = import_files(server, db_path, ventes=source)
    # the same file again (read whole: CRLF changes the bytes), then appended (fast path)
    second = import_files(server, db_path, ventes=source.replace("\n", "\r\n"))
    assert not second.files["ventes"].incremental
    assert second.files["ventes"].rejected == 1
    third = import_files(
        server, db_path, ventes=source.replace("\n", "\r\n") + "2023-05-28,REF002,1,2\r\n"
    )
    assert third.files["ventes"].incremental
    rows = query(db_path, "SELECT line_number, raw, first_import_id, last_import_id FROM rejects")
    # the fast path saw the same line above the appended ones: seen by the third import too,
    # as a full read of the same file would record
    assert rows == [(3, "2023-05-27,REF001,0,1", first.import_id, third.import_id)]


def test_a_reject_is_not_recorded_again_when_lines_move(server: FileServer, db_path: Path) -> None:
    """A rejected line is its content and its rank among identical rejected lines."""
    bad = "2023-05-27,REF001,0,1"
    good = "2023-05-28,REF002,1,2"
    first = import_files(server, db_path, ventes=VENTES_HEADER + f"{bad}\n{bad}\n")
    # two lines inserted above them: same two rejects, seen further down
    moved = import_files(server, db_path, ventes=VENTES_HEADER + f"{good}\n{good}\n{bad}\n{bad}\n")
    assert not moved.files["ventes"].incremental
    rows = query(
        db_path,
        "SELECT raw, occurrence, line_number, first_import_id, last_import_id FROM rejects "
        "ORDER BY occurrence",
    )
    assert rows == [
        (bad, 1, 4, first.import_id, moved.import_id),
        (bad, 2, 5, first.import_id, moved.import_id),
    ]
    # one more identical bad line appended (append-only fast path): a third reject
    appended = import_files(
        server, db_path, ventes=VENTES_HEADER + f"{good}\n{good}\n{bad}\n{bad}\n{bad}\n"
    )
    assert appended.files["ventes"].incremental
    assert appended.files["ventes"].rejected == 1
    rows = query(db_path, "SELECT occurrence, line_number, first_import_id FROM rejects")
    assert sorted(rows) == [
        (1, 4, first.import_id),
        (2, 5, first.import_id),
        (3, 6, appended.import_id),
    ]


def test_migration_keys_existing_rejects_by_content(tmp_path: Path) -> None:
    """A version-2 database whose rejects piled up under moving line numbers (migration 0003)."""
    path = tmp_path / "v2.db"
    conn = db.connect(path, create=True)
    try:
        for migration in db.migrations()[:2]:
            for statement in db.split_statements(migration.sql):
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 2")
        conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
        conn.execute("INSERT INTO import_runs VALUES (1, 't', 't', 0, 0), (2, 't', 't', 0, 0)")
        conn.executemany(
            "INSERT INTO rejects (source, line_number, raw, code, reason, first_import_id, "
            "last_import_id) VALUES ('ventes', ?, ?, 'bad_quantity', 'r', ?, ?)",
            [(2, "x,0", 1, 1), (5, "x,0", 2, 2), (3, "y,0", 1, 2)],
        )
    finally:
        conn.close()
    db.open_and_migrate(path).close()
    rows = query(
        path, "SELECT raw, occurrence, line_number, first_import_id FROM rejects ORDER BY 1, 2"
    )
    assert rows == [("x,0", 1, 2, 1), ("x,0", 2, 5, 2), ("y,0", 1, 3, 1)]
    assert query(path, "PRAGMA user_version") == [(db.latest_version(),)]


def test_invalid_products_and_stores_are_rejected(server: FileServer, db_path: Path) -> None:
    produits = (
        "Nom,ID Référence produit,Prix,Stock\n"
        "Produit A,REF001,49.99,100\n"
        "Produit B,REF002,-1,50\n"  # negative price
        "Produit C,REF003,12.345,5\n"  # three decimals
        "Produit D,REF004,10,-3\n"  # negative stock
        "Produit E,REF005,10,2.5\n"  # stock not whole
        ",REF006,10,1\n"  # no name
        "Produit A bis,REF001,1,1\n"  # duplicate reference
    )
    magasins = (
        "ID Magasin,Ville,Nombre de salariés\n"
        "1,Paris,10\n"
        "2,Marseille,-5\n"
        "3,,4\n"
        "4,Lyon,beaucoup\n"
        "1,Lille,3\n"
    )
    report = import_files(
        server, db_path, ventes=VENTES_HEADER, produits=produits, magasins=magasins
    )
    # a blank or invalid stock keeps the product (the analyses never use the stock)
    assert (report.files["produits"].inserted, report.files["produits"].rejected) == (3, 4)
    assert (report.files["magasins"].inserted, report.files["magasins"].rejected) == (1, 4)
    codes = query(
        db_path, "SELECT source, line_number, code FROM rejects ORDER BY source, line_number"
    )
    assert codes == [
        ("magasins", 3, "bad_employees"),
        ("magasins", 4, "missing_city"),
        ("magasins", 5, "bad_employees"),
        ("magasins", 6, "duplicate_store"),
        ("produits", 3, "bad_price"),
        ("produits", 4, "bad_price"),
        ("produits", 7, "missing_name"),
        ("produits", 8, "duplicate_product"),
    ]
    assert query(
        db_path, "SELECT product_id, price_cents, stock, stock_problem FROM products ORDER BY 1"
    ) == [
        ("REF001", 4999, 100, None),
        ("REF004", 1000, 0, "stock : -3 hors limites (attendu de 0 à 9007199254740992)"),
        ("REF005", 1000, 0, "stock : « 2.5 » n'est pas un nombre entier"),
    ]
    assert any("Produit « REF004 »" in w for w in wording.warnings(report))


def test_rejected_rows_are_counted_in_the_cli_summary(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.files.update(
        produits=PRODUITS.encode(),
        magasins=MAGASINS.encode(),
        ventes=(VENTES_HEADER + "2023-05-27,REF001,1,1\n5/27/2023,REF001,1,1\n").encode(),
    )
    args = ["import", "--db", str(db_path)]
    for source in ("produits", "magasins", "ventes"):
        args += [f"--url-{source}", server.url(source)]
    assert main(args) == 0
    out = capsys.readouterr().out
    ventes_row = next(line for line in out.splitlines() if line.startswith("ventes"))
    assert ventes_row.split() == ["ventes", "2", "1", "0", "0", "1"]
    assert "1 ligne rejetée : voir la table « rejects »." in out


# --- tolerated layouts ----------------------------------------------------------------------

EXPECTED = Counter({("2023-05-27", "REF001", 1, 5): 1, ("2023-05-28", "REF002", 2, 3): 1})


@pytest.mark.parametrize(
    "ventes",
    [
        pytest.param(
            "\ufeffDate,ID Référence produit,Quantité,ID Magasin\r\n"
            "2023-05-27,REF001,5,1\r\n2023-05-28,REF002,3,2\r\n",
            id="bom-crlf",
        ),
        pytest.param(
            "Date ; ID Référence produit ; Quantité ; ID Magasin\n"
            " 27/05/2023 ; REF001 ; 5 ; 1 \n28/05/2023;REF002;3;2",
            id="semicolon-spaces-slash-dates-no-final-newline",
        ),
        pytest.param(
            "ID Magasin,Quantité,Date,ID Référence produit,Commentaire\n"
            "1,5,2023-05-27,REF001,ok\n\n2,3,2023-05-28,REF002,\n",
            id="reordered-extra-column-blank-line",
        ),
        pytest.param(
            '"Date","ID Référence produit","Quantité","ID Magasin"\n'
            '"2023-05-27","REF001","5","1"\n"2023-05-28","REF002","3","2"\n',
            id="quoted",
        ),
    ],
)
def test_tolerated_layouts(server: FileServer, db_path: Path, ventes: str) -> None:
    report = import_files(server, db_path, ventes=ventes)
    assert report.files["ventes"].rejected == 0
    assert stored_sales(db_path) == EXPECTED


def test_extra_column_is_reported(server: FileServer, db_path: Path) -> None:
    ventes = "Date,ID Référence produit,Quantité,ID Magasin,Vendeur\n2023-05-27,REF001,5,1,Léa\n"
    report = import_files(server, db_path, ventes=ventes)
    assert report.files["ventes"].ignored_columns == ("Vendeur",)
    assert any("Vendeur" in w for w in wording.warnings(report))


def test_windows_1252_file_is_read(server: FileServer, db_path: Path) -> None:
    produits = "Nom,ID Référence produit,Prix,Stock\nCafé crème,REF001,2.50,10\n"
    import_files(
        server,
        db_path,
        ventes=ventes_csv([("2023-05-27", "REF001", 1, 2)]).encode("cp1252"),
        produits=produits.encode("cp1252"),
    )
    assert query(db_path, "SELECT name FROM products") == [("Café crème",)]
    assert query(db_path, "SELECT encoding FROM import_files WHERE source = 'produits'") == [
        ("cp1252",)
    ]
    assert stored_sales(db_path) == Counter([("2023-05-27", "REF001", 1, 2)])


def test_crlf_and_bom_in_reference_files(server: FileServer, db_path: Path) -> None:
    produits = "\ufeff" + PRODUITS.replace("\n", "\r\n")
    magasins = "\ufeff" + MAGASINS.replace("\n", "\r\n").replace(",Paris,", ", Paris ,")
    import_files(server, db_path, ventes=VENTES_HEADER, produits=produits, magasins=magasins)
    assert query(db_path, "SELECT product_id, name FROM products") == [
        ("REF001", "Produit A"),
        ("REF002", "Produit B"),
    ]
    assert query(db_path, "SELECT store_id, city FROM stores") == [(1, "Paris"), (2, "Marseille")]


# --- file-level problems: French message, non-zero exit, database untouched -----------------

HTML = b"<!DOCTYPE html><html><head><title>Connexion</title></head><body>Se connecter</body></html>"


@pytest.mark.parametrize(
    ("source", "body", "message"),
    [
        ("ventes", HTML, "est une page HTML, pas un CSV"),
        ("produits", b"\n  <html><body>oops</body></html>", "est une page HTML"),
        ("ventes", b"", "est vide"),
        ("magasins", b"\xef\xbb\xbf\r\n", "est vide"),
        (
            "ventes",
            b"Date,ID R\xc3\xa9f\xc3\xa9rence produit,ID Magasin\n2023-05-27,REF001,1\n",
            "Manquantes : Quantité",
        ),
        (
            "produits",
            b"Nom,Prix,Prix,Stock,ID R\xc3\xa9f\xc3\xa9rence produit\n",
            "en double : Prix",
        ),
        ("ventes", b"\x00\x01\x02binary", "binaire"),
        (
            # a quote never closed would swallow the following lines into one field
            "ventes",
            b"Date,ID R\xc3\xa9f\xc3\xa9rence produit,Quantit\xc3\xa9,ID Magasin\r\n"
            b'2023-05-27,REF001,1,1\r\n2023-05-28,"REF002,1,1\r\n2023-05-29,REF001,2,2\r\n'
            b"2023-05-30,REF001,2,2\r\n",
            "mal formé vers la ligne 3",
        ),
    ],
)
def test_file_level_problem_leaves_database_untouched(
    server: FileServer,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    body: bytes,
    message: str,
) -> None:
    import_files(server, db_path, ventes=ventes_csv([("2023-05-27", "REF001", 1, 5)]))
    api.analyse(make_settings(server, db_path))
    before = dump(db_path)
    server.files[source] = body
    args = ["run", "--db", str(db_path)]
    for name in ("produits", "magasins", "ventes"):
        args += [f"--url-{name}", server.url(name)]
    code = main(args)
    err = capsys.readouterr().err
    assert code == FileFormatError.exit_code == 4
    assert err.startswith("ventes : erreur : ")
    assert message in err
    assert f"« {source} »" in err
    assert dump(db_path) == before


def test_file_level_problem_on_first_import_creates_no_data(
    server: FileServer, db_path: Path
) -> None:
    server.files.update(produits=PRODUITS.encode(), magasins=MAGASINS.encode(), ventes=HTML)
    with pytest.raises(FileFormatError):
        api.import_data(make_settings(server, db_path))
    assert not db_path.exists()  # files are checked before the database is opened


def test_semicolon_reference_files_with_decimal_comma(server: FileServer, db_path: Path) -> None:
    produits = "Nom;ID Référence produit;Prix;Stock\r\nProduit A;REF001;49,99;100\r\n"
    magasins = "ID Magasin;Ville;Nombre de salariés\r\n1;Saint-Étienne;4\r\n"
    ventes = "Date;ID Référence produit;Quantité;ID Magasin\r\n27/05/2023;REF001;2;1\r\n"
    report = import_files(server, db_path, ventes=ventes, produits=produits, magasins=magasins)
    assert all(f.delimiter == ";" and f.rejected == 0 for f in report.files.values())
    assert query(db_path, "SELECT price_cents FROM products") == [(4999,)]
    assert stored_sales(db_path) == Counter([("2023-05-27", "REF001", 1, 2)])


@pytest.mark.parametrize(
    ("cut", "after", "encoding"),
    [
        (b"\xc3", b"\xa9", "cp1252"),  # a sequence's start, a whole chunk of ASCII, its end
        (b"\xc3", b"", "cp1252"),  # the start of a sequence, then ASCII: not UTF-8
        (b"\xe9", b"", "cp1252"),  # a Windows-1252 byte, then ASCII
        (b"", "é".encode(), "utf-8-sig"),
        (b"", b"", "utf-8-sig"),
    ],
)
def test_the_encoding_is_found_across_chunks_of_ascii(
    tmp_path: Path, cut: bytes, after: bytes, encoding: str
) -> None:
    """An ASCII chunk of the file is not decoded (validate._encoding), unless it follows
    the start of a sequence the previous chunk cut: it is then not UTF-8."""
    path = tmp_path / "ventes.csv"
    head = b"date,ref\n" + b"a" * ((1 << 20) - 10)  # ``cut`` ends the first 1 MiB chunk
    path.write_bytes(head + cut + b"b" * (1 << 20) + after + b"\n")
    assert validate._encoding(path)[0] == encoding
