"""``validate.Rows`` takes records from the CSV reader a batch at a time and counts their
line numbers only for a batch whose records do not each take one line. Generated files
(quoted fields holding CR, LF and CRLF, blank lines, lines without an ending, quotes never
closed) read in batches of every small size give what a reading record by record gives:
the same rows and line numbers, the same last line, pending line and error."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ventes_pme import validate
from ventes_pme.errors import FileFormatError

LAYOUT = validate.CsvLayout(
    source="ventes",
    encoding="utf-8",
    delimiter=",",
    data_offset=0,
    index={"a": 0, "b": 1},
    width=2,
    ignored=(),
)

fields = st.one_of(
    st.text(alphabet="ab ", max_size=3),
    st.text(alphabet="ab\r\n,", max_size=5).map(lambda text: '"' + text + '"'),
)
records = st.lists(fields, min_size=0, max_size=3).map(",".join)
endings = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def contents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(records, endings), max_size=12))
    text = "".join(record + ending for record, ending in lines)
    if draw(st.booleans()):
        text += draw(records)  # a last line without an ending
    if draw(st.integers(0, 9)) == 0:
        text += '"ab\nb'  # a quote never closed
    return text


def reference(text: str, complete: bool) -> tuple[list[tuple[int, list[str]]], int, object]:
    """Rows read record by record: the line of a row is where its record ends."""
    reader = csv.reader(
        itertools.chain(io.StringIO(text, newline=""), ["\x00\ufdd0fin"]), strict=True
    )
    rows = []
    try:
        for record in reader:
            rows.append((reader.line_num, record))
    except csv.Error:
        return [], 0, "error"
    rows.pop()  # the end mark
    end_line = reader.line_num - 1
    pending = None
    if not complete and text and text[-1] not in "\r\n":
        line, record = rows.pop()
        if any(record):
            pending = (line, ",".join(record))
    return [(line, record) for line, record in rows if any(record)], end_line, pending


@settings(max_examples=300, deadline=None)
@given(text=contents(), batch=st.integers(1, 4), complete=st.booleans())
def test_batches_give_the_rows_of_a_reading_record_by_record(
    tmp_path_factory: pytest.TempPathFactory, text: str, batch: int, complete: bool
) -> None:
    path = tmp_path_factory.mktemp("rows") / "ventes.csv"
    path.write_bytes(text.encode())
    expected, end_line, pending = reference(text, complete)
    rows = validate.rows(LAYOUT, path, first_line=1, complete=complete)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "BATCH", batch)
        if pending == "error":
            with pytest.raises(FileFormatError):
                list(rows)
            return
        got = list(rows)
    assert got == expected
    assert rows.end_line == end_line
    assert rows.pending == pending


def test_a_quote_never_closed_is_named_at_the_line_after_the_last_whole_record(
    tmp_path: Path,
) -> None:
    """The records of the batch read before the error count: the line named is the one
    where the unclosed field starts, whatever the batch size."""
    path = tmp_path / "ventes.csv"
    path.write_bytes(b'a,b\n"a\nb",b\n\na,b\n"never closed\na,b\n')
    for batch in (1, 2, 3, 256):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(validate, "BATCH", batch)
            with pytest.raises(FileFormatError, match="vers la ligne 6 : un guillemet"):
                list(validate.rows(LAYOUT, path, first_line=1))
