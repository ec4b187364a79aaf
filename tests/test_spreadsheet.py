"""Spreadsheet exports: no generated cell reaches a spreadsheet as a formula, and the CSV
for French Excel reads back (BOM, ``;``, decimal comma) to the values it was made from."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ventes_pme import spreadsheet

TEXTS = st.text(max_size=20) | st.builds(
    lambda start, rest: start + rest, st.sampled_from(spreadsheet.FORMULA_STARTS), st.text()
)


def _runs_as_formula(text: str) -> bool:
    """What a spreadsheet would run: a cell starting with a formula character, unless it is
    a plain number."""
    return text.startswith(spreadsheet.FORMULA_STARTS) and not spreadsheet._NUMBER.fullmatch(text)


@given(TEXTS)
def test_a_neutralised_cell_never_runs_and_keeps_its_text(text: str) -> None:
    out = spreadsheet.cell(text)
    assert not _runs_as_formula(out)
    assert out in (text, "'" + text)
    assert (out != text) == _runs_as_formula(text)


@given(st.lists(st.lists(TEXTS, min_size=3, max_size=3), max_size=5))
def test_a_datasette_csv_comes_back_neutralised(rows: list[list[str]]) -> None:
    source = io.StringIO()
    csv.writer(source).writerows([["a", "b", "c"], *rows])
    back = list(csv.reader(io.StringIO(spreadsheet.neutralised_csv(source.getvalue()), "")))
    # csv itself turns a lone "\r" into a line end when reading back: compare what survives
    expected = list(csv.reader(io.StringIO(source.getvalue(), "")))
    assert back == [[spreadsheet.cell(v) for v in row] for row in expected]
    assert not any(_runs_as_formula(v) for row in back for v in row)


def test_the_excel_csv_reads_back() -> None:
    data = spreadsheet.excel_csv(
        ["produit", "nom", "prix", "part", "ventes", "vide"],
        [
            ["REF001", '=HYPERLINK("http://x")', 49.99, Decimal("0.125"), 3, None],
            ["REF002", "@SOMME(A1)", 1e-07, "5268.78", -2, b"\x00\x01"],
            ["REF003", "-1+1", 1234567.5, "+33 6 12", 0, 'Produit; "spécial"'],
        ],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        ["produit", "nom", "prix", "part", "ventes", "vide"],
        ["REF001", '\'=HYPERLINK("http://x")', "49,99", "0,125", "3", ""],
        ["REF002", "'@SOMME(A1)", "0,0000001", "5268,78", "-2", "<2 octets>"],
        ["REF003", "'-1+1", "1234567,5", "'+33 6 12", "0", 'Produit; "spécial"'],
    ]
