"""Le comptage en flux d'un fichier : les valeurs de chaque colonne, en mémoire bornée.

The streaming pass over one raw file, in constant memory: encoding, separator, line endings,
lines, and per column the count of each distinct value (up to :data:`MAX_DISTINCT`), or past
that bound the count of empty values and of each type. The statistics are derived from these
counts (:mod:`.stats`).

The import's own reading of the sales file (``sales_reader.py``, in a child process) gives
every record it reads to :func:`sales_counter`'s counts: this module is on the import's hot
path, so it imports only what counting needs.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ventes_pme import validate
from ventes_pme.errors import FileFormatError
from ventes_pme.validate import CsvLayout, RowError

#: distinct values counted per column; beyond, the column's statistics are not computed
MAX_DISTINCT = 10_000
#: distinct whole lines counted in a reference file, to find identical lines
MAX_LINES = 100_000
#: a value longer than this is never taken for a number (nor a date)
MAX_DIGITS = 24
#: lines counted at a time (a batch of lines is a few MB at most)
BATCH = 4_096

#: a whole number as written in the files (also what makes an identifier a number)
INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


class Counts:
    """The count of each raw value of one column, bounded to MAX_DISTINCT values.

    Past the bound the counts are dropped (the column gets no statistics) and only the
    empty values and the type of each value are counted.
    """

    __slots__ = ("counts", "full", "more_empty", "more_kinds")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.full = False
        self.more_empty = 0
        #: the types of the values counted once the counts were dropped
        self.more_kinds: Counter[str] = Counter()

    def add(self, values: Iterable[str]) -> None:
        if not self.full:
            self.counts.update(values)  # C speed: a batch at a time
            if len(self.counts) > MAX_DISTINCT:
                self.full = True
                self._count_kinds(self.counts.items())
                self.counts = Counter()
            return
        self._count_kinds((value, 1) for value in values)

    def _count_kinds(self, values: Iterable[tuple[str, int]]) -> None:
        for raw, n in values:
            value = raw.strip()
            if value:
                self.more_kinds[value_kind(value)] += n
            else:
                self.more_empty += n


def value_kind(value: str) -> str:
    """The type of a non-empty value: "entier", "décimal", "date" or "texte"."""
    if len(value) > MAX_DIGITS:
        return "texte"  # not a number anyone means: kept out of the statistics
    if INTEGER.fullmatch(value):
        return "entier"
    if _DECIMAL.fullmatch(value):
        return "décimal"
    try:
        validate.parse_date(value)
    except RowError:
        return "texte"
    return "date"


def _line_ending_counts(path: Path, start: int = 0) -> list[int]:
    """[LF, CR, CRLF] counts of the file from byte ``start`` (a line boundary)."""
    lf = cr = crlf = 0
    previous_cr = False
    with path.open("rb") as handle:
        handle.seek(start)
        while chunk := handle.read(1 << 20):
            lf += chunk.count(b"\n")
            cr += chunk.count(b"\r")
            crlf += chunk.count(b"\r\n") + (previous_cr and chunk[:1] == b"\n")
            previous_cr = chunk[-1:] == b"\r"
    return [lf, cr, crlf]


def _line_endings(counts: list[int]) -> str:
    lf, cr, crlf = counts
    found = [name for name, n in (("CRLF", crlf), ("LF", lf - crlf), ("CR", cr - crlf)) if n > 0]
    return found[0] if len(found) == 1 else ("mixtes" if found else "aucune")


def _encoding(path: Path, layout: CsvLayout) -> str:
    if layout.encoding == "cp1252":
        return "Windows-1252"
    with path.open("rb") as handle:
        return "UTF-8 avec BOM" if handle.read(3) == b"\xef\xbb\xbf" else "UTF-8"


def _header(path: Path, layout: CsvLayout) -> list[str]:
    encoding = "cp1252" if layout.encoding == "cp1252" else "utf-8-sig"
    with path.open("rb") as raw:
        first = raw.read(layout.data_offset)
    text = io.StringIO(first.decode(encoding, errors="replace"), newline="")
    header = next(csv.reader(text, delimiter=layout.delimiter), [])
    return [name.strip() for name in header]


@dataclass
class Scan:
    """What one pass over a file found, before the statistics are derived."""

    layout: CsvLayout
    header: list[str]
    bytes: int
    encoding: str
    #: [LF, CR, CRLF] counts
    endings: list[int]
    lines: int = 0
    blank_lines: int = 0
    bad_width_lines: int = 0
    columns: list[Counts] = field(default_factory=list)
    #: whole lines and their counts (reference files only), None when too many
    whole_lines: Counter[str] | None = None

    @property
    def line_endings(self) -> str:
        return _line_endings(self.endings)

    def count_line_endings(self, path: Path, start: int) -> None:
        """Add the line endings of ``path`` from byte ``start`` (a line boundary) on."""
        ended = _line_ending_counts(path, start)
        self.endings = [a + b for a, b in zip(self.endings, ended, strict=True)]

    def add(self, batch: list[list[str]]) -> None:
        """Count a batch of records, as the csv module reads them (blank ones included)."""
        width = len(self.header)
        # blank lines, as the import skips them: no field, or only empty ones
        blank = [""] * width
        skipped = batch.count([]) + batch.count(blank)
        if skipped:
            self.blank_lines += skipped
            batch = [fields for fields in batch if fields and fields != blank]
        if not batch:
            return
        self.lines += len(batch)
        widths = list(map(len, batch))
        bad_width = len(batch) - widths.count(width)
        self.bad_width_lines += bad_width
        if bad_width:  # (C-speed filters: a batch is thousands of lines)
            right = list(itertools.compress(batch, map(width.__eq__, widths)))
            wrong = itertools.compress(batch, map(width.__ne__, widths))
            # a missing field counts as empty, an extra one is ignored
            batch = right + [(fields + [""] * width)[:width] for fields in wrong]
        for i, column in enumerate(self.columns):
            column.add(map(operator.itemgetter(i), batch))
        if self.whole_lines is not None:
            delimiter = self.layout.delimiter
            self.whole_lines.update(delimiter.join(v.strip() for v in fields) for fields in batch)
            if len(self.whole_lines) > MAX_LINES:
                self.whole_lines = None

    def state(self) -> str:
        """The counts as JSON, to resume the pass after lines are appended to the file."""
        return json.dumps(
            {
                "header": self.header,
                "endings": self.endings,
                "lines": [self.lines, self.blank_lines, self.bad_width_lines],
                "columns": [
                    [dict(c.counts), c.full, c.more_empty, dict(c.more_kinds)] for c in self.columns
                ],
            },
            ensure_ascii=False,
        )

    def resume(self, state: str) -> bool:
        """Start from the counts of ``state`` (False: not the same columns)."""
        saved = json.loads(state)
        if saved["header"] != self.header:
            return False
        self.endings = saved["endings"]
        self.lines, self.blank_lines, self.bad_width_lines = saved["lines"]
        for column, (counts, full, more_empty, more_kinds) in zip(
            self.columns, saved["columns"], strict=True
        ):
            column.counts, column.full = Counter(counts), full
            column.more_empty, column.more_kinds = more_empty, Counter(more_kinds)
        return True


@contextmanager
def _records(path: Path, layout: CsvLayout, start: int) -> Iterator[Iterator[list[str]]]:
    """The records of the file from byte ``start``, as the import reads them (csv module):
    the reader itself, so that batches are taken from it at C speed (no generator frame
    per line); a CSV error inside the block becomes a FileFormatError."""
    with path.open("rb") as raw:
        raw.seek(start)
        # the import's decoding rule (validate.decode): UTF-8, each sequence that is not
        # UTF-8 read as Windows-1252, line by line
        text = io.TextIOWrapper(raw, encoding="utf-8", errors=validate.DECODE_ERRORS, newline="")
        try:
            yield csv.reader(text, delimiter=layout.delimiter, strict=False)
        except csv.Error as exc:
            raise FileFormatError(f"Le fichier « {layout.source} » est mal formé : {exc}.") from exc


def _new_scan(source: str, path: Path, layout: CsvLayout) -> Scan:
    """The counts of ``path`` before any record is read (reference files also count their
    whole lines)."""
    header = _header(path, layout)
    return Scan(
        layout,
        header,
        path.stat().st_size,
        _encoding(path, layout),
        [0, 0, 0],
        columns=[Counts() for _ in header],
        whole_lines=None if source == "ventes" else Counter(),
    )


def scan_file(source: str, path: Path, layout: CsvLayout) -> Scan:
    """One streaming pass over ``path``: the count of each value of each column.

    Memory is bounded by MAX_DISTINCT values per column (and MAX_LINES whole lines for a
    reference file), whatever the number of lines.
    """
    found = _new_scan(source, path, layout)
    found.count_line_endings(path, 0)  # the header's line ending too
    with _records(path, layout, layout.data_offset) as records:
        while batch := list(itertools.islice(records, BATCH)):
            found.add(batch)
    return found


def saved_sales(path: Path, layout: CsvLayout, state: str) -> Scan | None:
    """The sales file's counts saved as ``state`` ("" for none); None when they are the
    counts of other columns."""
    found = _new_scan("ventes", path, layout)
    return found if not state or found.resume(state) else None


def sales_counter(path: Path, layout: CsvLayout, start: int | None, state: str) -> Scan:
    """The counts of the sales file that the import's reading of the file completes as it
    reads from byte ``start`` (None: the whole file): ``state``, the counts a previous
    pass saved up to ``start`` ("" when it reads the whole file), then ``add`` is given
    every record read (``validate.rows(observe=…)``). The same counts as :func:`scan_file`,
    without a second pass over the file."""
    found = saved_sales(path, layout, state)
    if found is None:
        raise ValueError("saved counts of other columns")  # ImportProfile.start checked them
    found.count_line_endings(path, 0 if start is None else start)
    return found
