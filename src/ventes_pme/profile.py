"""Profil des données : ce que contiennent les trois fichiers, décrit et gardé à chaque import.

The data profile: what the three files hold, described at each import and stored with it.

One job: describe the data set. Two sources, each used for what it knows best:

- a streaming pass over each raw file (:func:`scan`), in constant memory: encoding,
  separator, line endings, lines, and per column the inferred type, the empty values and
  the count of each distinct value (up to :data:`MAX_DISTINCT` per column). From those
  counts come exactly the distinct values, the most frequent ones, the candidate keys,
  min / max / mean / median / quartiles and Tukey's outliers for numbers, the first and
  last date and the days without sales, and the sales naming an unknown product or store;
- SQL on the stored data (``sql/profile/``) for what one pass in constant memory cannot
  give: the identical sales (their occurrence rank) and the products and stores without
  any sale.

Numbers stay exact (``Decimal``: money never goes through a float); means are rounded
to four decimals when stored, to two when shown. The profile of each import is kept in
``profile_files``, ``profile_columns`` and ``profile_values`` (migration 0005), written in
the import's own transaction (:class:`ImportProfile`, given to ``load.load(describe=…)``).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import operator
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from ventes_pme import fmt, processes, validate
from ventes_pme.errors import FileFormatError
from ventes_pme.processes import Send, object_message
from ventes_pme.sqlfiles import sql
from ventes_pme.validate import CsvLayout, RowError

SOURCES = ("produits", "magasins", "ventes")
#: distinct values counted per column; beyond, the column's statistics are not computed
MAX_DISTINCT = 10_000
#: distinct whole lines counted in a reference file, to find identical lines
MAX_LINES = 100_000
#: a value longer than this is never taken for a number (nor a date)
MAX_DIGITS = 24
#: lines counted at a time (a batch of lines is a few MB at most)
BATCH = 4_096
#: most frequent values kept per column
TOP = 5
#: Tukey's rule: outside [Q1 - k x IQR, Q3 + k x IQR] a value is an outlier
TUKEY_K = Decimal("1.5")

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_WHAT = {"produits": "produit", "magasins": "magasin", "ventes": "vente"}


@dataclass(frozen=True)
class ColumnProfile:
    position: int
    name: str
    #: "entier", "décimal", "date", "texte" or "vide"
    inferred_type: str
    #: an identifier (``ID …``): no statistics on its numbers
    identifier: bool
    empty_values: int
    #: values of another type than the column's (e.g. "abc" in a column of numbers)
    nonconforming: int
    #: None: more than MAX_DISTINCT distinct values (then no statistics)
    distinct_values: int | None
    #: every line has a value, no two lines the same one
    is_key: bool
    minimum: str | None = None
    maximum: str | None = None
    total: str | None = None
    mean: str | None = None
    median: str | None = None
    q1: str | None = None
    q3: str | None = None
    low_fence: str | None = None
    high_fence: str | None = None
    outliers: int | None = None
    #: the most frequent values and their counts, most frequent first
    top: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class FileProfile:
    source: str
    bytes: int
    encoding: str
    delimiter: str
    line_endings: str
    lines: int
    blank_lines: int
    bad_width_lines: int
    columns: tuple[ColumnProfile, ...]
    identical_lines: int | None = None
    identical_groups: int | None = None
    max_copies: int | None = None
    first_date: str | None = None
    last_date: str | None = None
    days_without_sales: int | None = None
    unknown_products: int | None = None
    unknown_stores: int | None = None
    without_sales: int | None = None

    @property
    def line_is_key(self) -> bool:
        return self.identical_lines == 0

    @property
    def candidate_keys(self) -> list[list[str]]:
        """The unique columns; else the whole line when no two lines are identical."""
        if not self.line_is_key:
            return []
        keys = [[c.name] for c in self.columns if c.is_key]
        return keys or [[c.name for c in self.columns]]

    def column(self, key: str) -> ColumnProfile | None:
        """The column whose normalized name is ``key`` (e.g. ``"quantite"``)."""
        return next((c for c in self.columns if validate.header_key(c.name) == key), None)


@dataclass(frozen=True)
class Profile:
    import_id: int
    finished_at: str
    files: dict[str, FileProfile] = field(default_factory=dict)


# --- the streaming pass --------------------------------------------------------------------


class _Counts:
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
                self.more_kinds[_kind(value)] += n
            else:
                self.more_empty += n


def _date(value: str) -> str | None:
    """``value`` as an ISO date, or None when it is not a valid date."""
    try:
        return validate.parse_date(value)
    except RowError:
        return None


def _kind(value: str) -> str:
    if len(value) > MAX_DIGITS:
        return "texte"  # not a number anyone means: kept out of the statistics
    if _INTEGER.fullmatch(value):
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
class _Scan:
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
    columns: list[_Counts] = field(default_factory=list)
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


def _new_scan(source: str, path: Path, layout: CsvLayout) -> _Scan:
    """The counts of ``path`` before any record is read (reference files also count their
    whole lines)."""
    header = _header(path, layout)
    return _Scan(
        layout,
        header,
        path.stat().st_size,
        _encoding(path, layout),
        [0, 0, 0],
        columns=[_Counts() for _ in header],
        whole_lines=None if source == "ventes" else Counter(),
    )


def _scan(source: str, path: Path, layout: CsvLayout) -> _Scan:
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


def _saved_sales(path: Path, layout: CsvLayout, state: str) -> _Scan | None:
    """The sales file's counts saved as ``state`` ("" for none); None when they are the
    counts of other columns."""
    found = _new_scan("ventes", path, layout)
    return found if not state or found.resume(state) else None


def sales_counter(path: Path, layout: CsvLayout, start: int | None, state: str) -> _Scan:
    """The counts of the sales file that the import's reading of the file completes as it
    reads from byte ``start`` (None: the whole file): ``state``, the counts a previous
    pass saved up to ``start`` ("" when it reads the whole file), then ``add`` is given
    every record read (``validate.rows(observe=…)``). The same counts as :func:`_scan`,
    without a second pass over the file."""
    found = _saved_sales(path, layout, state)
    if found is None:
        raise ValueError("saved counts of other columns")  # start() checked them
    found.count_line_endings(path, 0 if start is None else start)
    return found


# --- statistics from the counts ------------------------------------------------------------


def _text(value: Decimal) -> str:
    """An exact decimal without exponent nor useless zeros: ``Decimal("4.50")`` -> ``4.5``."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _at(values: list[tuple[Decimal, int]], rank: int) -> Decimal:
    """The value of 0-based ``rank`` in the sorted multiset ``values`` (value, count)."""
    seen = 0
    for value, count in values:
        seen += count
        if rank < seen:
            return value
    raise IndexError(rank)


def quantile(values: list[tuple[Decimal, int]], n: int, p: Decimal) -> Decimal:
    """The ``p``-quantile of a sorted multiset of ``n`` values, exactly.

    Linear interpolation between the two closest ranks, h = (n - 1) x p: the "inclusive"
    method of ``statistics.quantiles`` (and of spreadsheets' QUARTILE.INC). p = 0.5 gives
    the median.
    """
    h = (n - 1) * p
    low = int(h)
    below = _at(values, low)
    if h == low:
        return below
    return below + (_at(values, low + 1) - below) * (h - low)


def _numbers(column: ColumnProfile, values: dict[str, int]) -> ColumnProfile:
    numbers: dict[Decimal, int] = {}
    for text, count in values.items():
        number = Decimal(text.replace(",", "."))
        numbers[number] = numbers.get(number, 0) + count
    with localcontext() as exact:  # room for sums of millions of 24-digit numbers
        exact.prec = 80
        return _number_stats(column, numbers)


def _number_stats(column: ColumnProfile, numbers: dict[Decimal, int]) -> ColumnProfile:
    items = sorted(numbers.items())
    n = sum(numbers.values())
    total = sum((v * c for v, c in items), Decimal(0))
    q1, median, q3 = (quantile(items, n, Decimal(p)) for p in ("0.25", "0.5", "0.75"))
    low, high = q1 - TUKEY_K * (q3 - q1), q3 + TUKEY_K * (q3 - q1)
    return replace(
        column,
        minimum=_text(items[0][0]),
        maximum=_text(items[-1][0]),
        total=_text(total),
        mean=_text((total / n).quantize(Decimal("0.0001"))),
        median=_text(median),
        q1=_text(q1),
        q3=_text(q3),
        low_fence=_text(low),
        high_fence=_text(high),
        outliers=sum(c for v, c in items if v < low or v > high),
    )


def _column(position: int, name: str, counts: _Counts, lines: int) -> ColumnProfile:
    values: dict[str, int] = {}
    empty = counts.more_empty
    for raw, count in counts.counts.items():
        value = raw.strip()
        if value:
            values[value] = values.get(value, 0) + count
        else:
            empty += count
    kinds_of = {value: _kind(value) for value in values}
    kinds = Counter(counts.more_kinds)
    for value, kind in kinds_of.items():
        kinds[kind] += values[value]
    # the type of most values; the others are counted as not conforming to it
    filled = sum(kinds.values())
    numeric = kinds["entier"] + kinds["décimal"]
    conforming: tuple[str, ...]
    if not filled:
        inferred, conforming = "vide", ()
    elif 2 * numeric > filled:
        inferred = "décimal" if kinds["décimal"] else "entier"
        conforming = ("entier", "décimal")
    elif 2 * kinds["date"] > filled:
        inferred, conforming = "date", ("date",)
    else:
        inferred, conforming = "texte", ("entier", "décimal", "date", "texte")
    nonconforming = filled - sum(kinds[k] for k in conforming)
    identifier = validate.header_key(name).startswith("id ")
    if counts.full:
        return ColumnProfile(
            position, name, inferred, identifier, empty, nonconforming, None, False
        )
    column = ColumnProfile(
        position,
        name,
        inferred,
        identifier,
        empty,
        nonconforming,
        len(values),
        is_key=lines > 0 and empty == 0 and len(values) == lines,
        top=tuple(sorted(values.items(), key=lambda vc: (-vc[1], vc[0]))[:TOP]),
    )
    typed = {v: n for v, n in values.items() if kinds_of[v] in conforming}
    if inferred in ("entier", "décimal") and not identifier and typed:
        column = _numbers(column, typed)
    elif inferred == "date" and typed:
        days = {d for v in typed if (d := _date(v))}
        column = replace(column, minimum=min(days), maximum=max(days))
    return column


def _file(source: str, found: _Scan) -> FileProfile:
    columns = tuple(
        _column(i + 1, name, found.columns[i], found.lines) for i, name in enumerate(found.header)
    )
    profile = FileProfile(
        source=source,
        bytes=found.bytes,
        encoding=found.encoding,
        delimiter=found.layout.delimiter,
        line_endings=found.line_endings,
        lines=found.lines,
        blank_lines=found.blank_lines,
        bad_width_lines=found.bad_width_lines,
        columns=columns,
    )
    if found.whole_lines is not None:
        repeated = [n for n in found.whole_lines.values() if n > 1]
        profile = replace(
            profile,
            identical_lines=sum(n - 1 for n in repeated),
            identical_groups=len(repeated),
            max_copies=max(found.whole_lines.values(), default=0),
        )
    if source == "ventes":
        dates = profile.column("date")
        counts = found.columns[found.layout.index["date"]]
        # a column of dates only: its minimum and maximum are dates (a cut download may
        # leave one partial line, "2", and the column then holds only integers)
        if (
            dates is not None
            and dates.inferred_type == "date"
            and dates.minimum
            and dates.maximum
            and not counts.full
        ):
            days = {d for v in counts.counts if (d := _date(v.strip()))}
            period = (date.fromisoformat(dates.maximum) - date.fromisoformat(dates.minimum)).days
            profile = replace(
                profile,
                first_date=dates.minimum,
                last_date=dates.maximum,
                days_without_sales=period + 1 - len(days),
            )
    return profile


def _ids(found: _Scan, key: str, as_int: bool) -> set[object] | None:
    counts = found.columns[found.layout.index[key]]
    if counts.full:
        return None
    return {_id(v, as_int) for v in counts.counts if v.strip()}


def _id(value: str, as_int: bool) -> object:
    value = value.strip()
    if as_int and len(value) <= MAX_DIGITS and _INTEGER.fullmatch(value):
        return int(value)
    return value


def _unknown(sales: _Scan, key: str, known: set[object] | None, as_int: bool) -> int | None:
    counts = sales.columns[sales.layout.index[key]]
    if known is None or counts.full:
        return None
    return sum(n for v, n in counts.counts.items() if v.strip() and _id(v, as_int) not in known)


def _scans(
    paths: Mapping[str, Path],
    layouts: Mapping[str, CsvLayout],
    sales: _Scan | None = None,
) -> tuple[dict[str, _Scan], dict[str, FileProfile]]:
    """The passes over the three files (``sales``: the sales file's, already made)."""
    found = {
        source: _scan(source, paths[source], layouts[source])
        for source in SOURCES
        if source != "ventes" or sales is None
    }
    if sales is not None:
        found["ventes"] = sales
    files = {source: _file(source, found[source]) for source in SOURCES}
    files["ventes"] = replace(
        files["ventes"],
        unknown_products=_unknown(
            found["ventes"],
            "id reference produit",
            _ids(found["produits"], "id reference produit", False),
            False,
        ),
        unknown_stores=_unknown(
            found["ventes"], "id magasin", _ids(found["magasins"], "id magasin", True), True
        ),
    )
    return found, files


def scan(paths: Mapping[str, Path], layouts: Mapping[str, CsvLayout]) -> dict[str, FileProfile]:
    """The profile of the three files as far as the files alone tell (no database).

    A file that cannot be read as CSV raises :class:`~ventes_pme.errors.FileFormatError`,
    as the import would.
    """
    return _scans(paths, layouts)[1]


# --- stored with the import ----------------------------------------------------------------


#: (sales with occurrence > 1, with occurrence 2, largest occurrence) of some sales
Identical = tuple[int, int, int]


def complete(
    conn: sqlite3.Connection,
    files: dict[str, FileProfile],
    import_id: int | None = None,
    added: Identical | None = None,
) -> dict[str, FileProfile]:
    """Add what SQL tells on the stored data: identical sales, products and stores unsold.

    ``added``: the identical-sales counts of the sales import ``import_id`` inserted (known
    when it inserted every line it read): they are added to the counts the previous
    import's profile stored, when those still describe every sale stored before
    (``previous_identical_sales.sql``) — no scan of millions of sales. Else one scan.
    """
    row = None
    if added is not None and import_id is not None:
        row = conn.execute(
            sql("profile/previous_identical_sales"), {"import_id": import_id}
        ).fetchone()
    if row is not None and added is not None:
        identical, groups, copies = row[0] + added[0], row[1] + added[1], max(row[2], added[2])
    else:
        identical, groups, copies = conn.execute(sql("profile/identical_sales")).fetchone()
    products, stores = conn.execute(sql("profile/without_sales")).fetchone()
    return {
        **files,
        "ventes": replace(
            files["ventes"],
            identical_lines=identical,
            identical_groups=groups,
            max_copies=copies,
        ),
        "produits": replace(files["produits"], without_sales=products),
        "magasins": replace(files["magasins"], without_sales=stores),
    }


_FILE_COLUMNS = [
    "bytes",
    "encoding",
    "delimiter",
    "line_endings",
    "lines",
    "columns",
    "blank_lines",
    "bad_width_lines",
    "identical_lines",
    "identical_groups",
    "max_copies",
    "line_is_key",
    "first_date",
    "last_date",
    "days_without_sales",
    "unknown_products",
    "unknown_stores",
    "without_sales",
]
_COLUMN_COLUMNS = [
    "position",
    "name",
    "inferred_type",
    "identifier",
    "empty_values",
    "nonconforming",
    "distinct_values",
    "is_key",
    "minimum",
    "maximum",
    "total",
    "mean",
    "median",
    "q1",
    "q3",
    "low_fence",
    "high_fence",
    "outliers",
]


def _scan_job(job: tuple[Any, ...], send: Send) -> None:
    """The streaming pass of :class:`ImportProfile` when the import's reading of the sales
    file cannot count for it, in a child process (or in this one, for small files:
    ``processes.start``): the files' profile and the sales file's counts, pickled (they
    hold dataclasses)."""
    paths, layouts = job
    found, files = _scans(paths, layouts)
    sales = found["ventes"]
    send(object_message((files, sales.bytes, sales.state())))


class ImportProfile:
    """The profile of an import's files, computed while the import runs and stored in its
    transaction (``load.load(describe=…)``).

    The values of the sales file are counted by the import's own reading of the file
    (``sales_reader.py``, given the counts to continue by :meth:`start`): one pass over
    the file instead of two. When it reads only the lines appended since the previous
    import, the counts that import saved are continued (``profile_scan_state``,
    ``sql/profile/saved_scan.sql``); when they are missing, a separate pass over the whole
    file runs meanwhile in a child process (``processes.start``).
    """

    def __init__(self, paths: Mapping[str, Path], layouts: Mapping[str, CsvLayout]) -> None:
        self.paths, self.layouts = dict(paths), dict(layouts)
        self.scan: processes.Child | processes.InProcess | None = None

    def start(self, conn: sqlite3.Connection, sales_from: int | None) -> str | None:
        """The import reads the sales file whole (``sales_from`` None) or from byte
        ``sales_from``: returns the counts its reading should continue ("" for none yet),
        or None when the profile reads the file itself."""
        if sales_from is None:
            return ""
        row = conn.execute(sql("profile/saved_scan"), {"bytes": sales_from}).fetchone()
        if row is not None:
            saved = _saved_sales(self.paths["ventes"], self.layouts["ventes"], row[1])
            if saved is not None:  # the counts of these columns
                return str(row[1])
        size = sum(p.stat().st_size for p in self.paths.values())
        job = (self.paths, self.layouts)
        self.scan = processes.start("du profil des données", _scan_job, job, size=size)
        return None

    def finish(
        self,
        conn: sqlite3.Connection,
        import_id: int,
        added: Identical | None = None,
        counted: str | None = None,
    ) -> Profile:
        """Store the profile; ``counted``: the counts of the sales file the import's reading
        made, as :meth:`start` asked (None when it stopped before the end: the profile then
        reads the file itself, here)."""
        if self.scan is not None:
            files, size, state = self.scan.receive_object()
        else:
            sales = None
            if counted is not None:
                sales = _saved_sales(self.paths["ventes"], self.layouts["ventes"], counted)
            found, files = _scans(self.paths, self.layouts, sales=sales)
            size, state = found["ventes"].bytes, found["ventes"].state()
        conn.execute(
            "INSERT INTO profile_scan_state (source, import_id, bytes, state) "
            "VALUES ('ventes', ?, ?, ?) ON CONFLICT (source) DO UPDATE SET "
            "import_id = excluded.import_id, bytes = excluded.bytes, state = excluded.state",
            (import_id, size, state),
        )
        return store(conn, import_id, files, added)

    def close(self) -> None:
        if self.scan is not None:
            self.scan.close()


def store(
    conn: sqlite3.Connection,
    import_id: int,
    files: dict[str, FileProfile],
    added: Identical | None = None,
) -> Profile:
    """Store the profile of import ``import_id``, completed by SQL (see :func:`complete`),
    in the transaction in progress (the import's: see :class:`ImportProfile`)."""
    files = complete(conn, files, import_id, added)
    for source, f in files.items():
        row: dict[str, Any] = {
            name: getattr(f, name) for name in _FILE_COLUMNS if name != "columns"
        }
        row.update(columns=len(f.columns), line_is_key=int(f.line_is_key))
        conn.execute(
            f"INSERT INTO profile_files (import_id, source, {', '.join(row)}) "
            f"VALUES (:import_id, :source, {', '.join(':' + k for k in row)})",
            {**row, "import_id": import_id, "source": source},
        )
        for c in f.columns:
            values = {name: getattr(c, name) for name in _COLUMN_COLUMNS}
            values.update(identifier=int(c.identifier), is_key=int(c.is_key))
            conn.execute(
                f"INSERT INTO profile_columns (import_id, source, {', '.join(values)}) "
                f"VALUES (:import_id, :source, {', '.join(':' + k for k in values)})",
                {**values, "import_id": import_id, "source": source},
            )
            conn.executemany(
                "INSERT INTO profile_values "
                "(import_id, source, position, rank, value, occurrences) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (import_id, source, c.position, rank, value, n)
                    for rank, (value, n) in enumerate(c.top, 1)
                ],
            )
    finished = conn.execute(
        "SELECT finished_at FROM import_runs WHERE import_id = ?", (import_id,)
    ).fetchone()[0]
    return Profile(import_id, finished, files)


def read(conn: sqlite3.Connection, import_id: int | None = None) -> Profile | None:
    """The stored profile of ``import_id`` (default: the latest profiled import)."""
    if import_id is None:
        import_id = conn.execute("SELECT max(import_id) FROM profile_files").fetchone()[0]
        if import_id is None:
            return None
    run = conn.execute(
        "SELECT finished_at FROM import_runs WHERE import_id = ?", (import_id,)
    ).fetchone()
    if run is None:
        return None
    conn.row_factory = sqlite3.Row
    try:
        file_rows = conn.execute(
            "SELECT * FROM profile_files WHERE import_id = ? ORDER BY source", (import_id,)
        ).fetchall()
        column_rows = conn.execute(
            "SELECT * FROM profile_columns WHERE import_id = ? ORDER BY source, position",
            (import_id,),
        ).fetchall()
        value_rows = conn.execute(
            "SELECT source, position, value, occurrences FROM profile_values "
            "WHERE import_id = ? ORDER BY source, position, rank",
            (import_id,),
        ).fetchall()
    finally:
        conn.row_factory = None
    if not file_rows:
        return None
    tops: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for v in value_rows:
        tops.setdefault((v["source"], v["position"]), []).append((v["value"], v["occurrences"]))
    files = {}
    for f in file_rows:
        columns = tuple(
            ColumnProfile(
                **_stored_column(c), top=tuple(tops.get((f["source"], c["position"]), []))
            )
            for c in column_rows
            if c["source"] == f["source"]
        )
        values = {name: f[name] for name in _FILE_COLUMNS if name not in ("columns", "line_is_key")}
        files[f["source"]] = FileProfile(source=f["source"], columns=columns, **values)
    return Profile(import_id, run[0], {s: files[s] for s in SOURCES if s in files})


def _stored_column(row: sqlite3.Row) -> dict[str, Any]:
    return {
        name: (bool(row[name]) if name in ("identifier", "is_key") else row[name])
        for name in _COLUMN_COLUMNS
    }


# --- shown to people -----------------------------------------------------------------------


def to_json(profile: Profile) -> dict[str, Any]:
    """The JSON document of ``ventes profil --json`` (numbers as exact decimal strings)."""

    def column(c: ColumnProfile) -> dict[str, Any]:
        return {
            "position": c.position,
            "nom": c.name,
            "type": c.inferred_type,
            "identifiant": c.identifier,
            "vides": c.empty_values,
            "non_conformes": c.nonconforming,
            "distinctes": c.distinct_values,
            "cle": c.is_key,
            "minimum": c.minimum,
            "maximum": c.maximum,
            "somme": c.total,
            "moyenne": c.mean,
            "mediane": c.median,
            "q1": c.q1,
            "q3": c.q3,
            "borne_basse": c.low_fence,
            "borne_haute": c.high_fence,
            "aberrantes": c.outliers,
            "frequentes": [{"valeur": v, "nombre": n} for v, n in c.top],
        }

    def one(f: FileProfile) -> dict[str, Any]:
        return {
            "octets": f.bytes,
            "encodage": f.encoding,
            "separateur": f.delimiter,
            "fins_de_ligne": f.line_endings,
            "lignes": f.lines,
            "lignes_vides": f.blank_lines,
            "lignes_mal_formees": f.bad_width_lines,
            "colonnes": [column(c) for c in f.columns],
            "cles_candidates": f.candidate_keys,
            "lignes_identiques": f.identical_lines,
            "groupes_identiques": f.identical_groups,
            "copies_max": f.max_copies,
            "premiere_date": f.first_date,
            "derniere_date": f.last_date,
            "jours_sans_vente": f.days_without_sales,
            "produits_inconnus": f.unknown_products,
            "magasins_inconnus": f.unknown_stores,
            "sans_vente": f.without_sales,
        }

    return {
        "import_id": profile.import_id,
        "date_import": profile.finished_at,
        "fichiers": {source: one(f) for source, f in profile.files.items()},
    }


def _n(value: int | None) -> str:
    return "—" if value is None else fmt.integer(value)


def _dec(value: str | None, places: int | None = None) -> str:
    """An exact decimal in French (``41.99`` -> ``41,99``); ``places`` rounds it for display."""
    if value is None:
        return "—"
    if places is not None:
        return fmt.decimal(Decimal(value), places)
    whole, _, fraction = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    text = sign + fmt.integer(abs(int(whole)))
    return f"{text},{fraction}" if fraction else text


def _day(iso: str | None) -> str:
    return fmt.day(iso)


def delimiter_name(delimiter: str) -> str:
    return "tabulation" if delimiter == "\t" else f"« {delimiter} »"


def _plural(n: int | None, word: str, plural: str | None = None) -> str:
    """:func:`fmt.plural`, with ``—`` for a count that was not made."""
    if n is None:
        return f"— {plural or word + 's'}"
    return fmt.plural(n, word, plural)


def column_rows(f: FileProfile) -> tuple[list[str], list[list[str]]]:
    """The table of a file's columns: headers, then one row per column (French text)."""
    headers = [
        "colonne",
        "type",
        "vides",
        "distinctes",
        "min",
        "max",
        "moyenne",
        "médiane",
        "valeurs les plus fréquentes",
    ]
    rows = []
    for c in f.columns:
        shown = _day if c.inferred_type == "date" else _dec
        kind = c.inferred_type + (" (identifiant)" if c.identifier else "")
        top = ", ".join(f"{v} ({fmt.integer(n)})" for v, n in c.top[:3])
        rows.append(
            [
                c.name,
                kind,
                fmt.integer(c.empty_values),
                _n(c.distinct_values) if c.distinct_values is not None else f"> {MAX_DISTINCT}",
                shown(c.minimum),
                shown(c.maximum),
                _dec(c.mean, 2),
                _dec(c.median),
                top or "—",
            ]
        )
    return headers, rows


def findings(f: FileProfile) -> list[str]:
    """The file's other findings, one French sentence each."""
    out = []
    out.append(f"Clés candidates : {keys_text(f)}.")
    where = " (parmi les ventes en base)" if f.source == "ventes" else ""
    if f.identical_lines is None:
        out.append("Lignes identiques : non comptées (trop de lignes distinctes).")
    elif f.identical_lines == 0:
        out.append(f"Lignes identiques{where} : aucune.")
    else:
        out.append(
            f"Lignes identiques{where} : {_plural(f.identical_lines, 'ligne')} répètent une "
            f"ligne précédente ({_plural(f.identical_groups, 'contenu')} en plusieurs "
            f"exemplaires, jusqu'à {fmt.integer(f.max_copies or 0)} copies)."
        )
    if f.source == "ventes":
        if f.first_date:
            out.append(
                f"Période : du {_day(f.first_date)} au {_day(f.last_date)} ; "
                f"{_plural(f.days_without_sales, 'jour')} sans vente."
            )
        out.append(
            f"Couverture : {_plural(f.unknown_products, 'vente')} à produit inconnu, "
            f"{_plural(f.unknown_stores, 'vente')} à magasin inconnu."
        )
    else:
        out.append(
            f"Couverture : {_plural(f.without_sales, _WHAT[f.source])} sans aucune vente en base."
        )
    for c in f.columns:
        if c.outliers is not None:
            out.append(
                f"Valeurs aberrantes de « {c.name} » (règle de Tukey : hors de "
                f"[{_dec(c.low_fence)} ; {_dec(c.high_fence)}]) : {fmt.integer(c.outliers)}."
            )
    for c in f.columns:
        if c.nonconforming:
            out.append(
                f"Valeurs de « {c.name} » qui ne sont pas du type {c.inferred_type} : "
                f"{fmt.integer(c.nonconforming)}."
            )
    if f.bad_width_lines:
        out.append(f"Lignes au mauvais nombre de champs : {fmt.integer(f.bad_width_lines)}.")
    return out


def keys_text(f: FileProfile) -> str:
    """The candidate keys in French: declared identifiers first, then the columns unique
    on these lines only."""
    keys = f.candidate_keys
    if not keys:
        return "aucune (des lignes identiques existent)"
    if len(keys[0]) > 1:
        return "aucune colonne seule ; la ligne entière est unique"
    ids = [c.name for c in f.columns if c.is_key and c.identifier]
    others = [c.name for c in f.columns if c.is_key and not c.identifier]
    lines = _plural(f.lines, "ligne")
    if ids and others:
        return f"{', '.join(ids)} (identifiant) ; aussi uniques sur ces {lines} : " + ", ".join(
            others
        )
    if ids:
        return f"{', '.join(ids)} (identifiant)"
    return f"{', '.join(others)} (aucun identifiant déclaré ; unique sur ces {lines})"


def _short_keys(f: FileProfile) -> str:
    keys = f.candidate_keys
    ids = [c.name for c in f.columns if c.is_key and c.identifier]
    if ids:
        return ", ".join(ids)
    if not keys:
        return "aucune"
    if len(keys[0]) > 1:
        return "la ligne entière"
    names = ", ".join(k[0] for k in keys)
    return f"aucun identifiant ({names} unique sur ces {_plural(f.lines, 'ligne')})"


def file_title(f: FileProfile) -> str:
    return (
        f"{_plural(f.lines, 'ligne')}, {_plural(len(f.columns), 'colonne')}, "
        f"{fmt.size(f.bytes)} ; encodage {f.encoding}, séparateur {delimiter_name(f.delimiter)}, "
        f"fins de ligne {f.line_endings}"
    )


def text(profile: Profile) -> str:
    """The terminal output of ``ventes profil``."""
    out = [
        f"Profil des données de l'import n° {profile.import_id} "
        f"({fmt.moment(profile.finished_at)})."
    ]
    for source, f in profile.files.items():
        out += ["", f"Fichier « {source} » : {file_title(f)}."]
        headers, rows = column_rows(f)
        out.append(fmt.table(headers, rows, right={2, 3, 4, 5, 6, 7}))
        out += findings(f)
    return "\n".join(out) + "\n"


def markdown(profile: Profile, level: int = 2) -> str:
    """The profile as Markdown sections (one per file), for the deliverables."""
    h = "#" * level
    out = []
    for source, f in profile.files.items():
        headers, rows = column_rows(f)
        title = file_title(f)
        out += [f"{h} Le fichier « {source} »", "", title[:1].upper() + title[1:] + ".", ""]
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join(":---" if i < 2 or i == 8 else "---:" for i in range(9)) + "|")
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
        out += ["", *[f"- {s}" for s in findings(f)], ""]
    return "\n".join(out)


def headline(conn: sqlite3.Connection, import_id: int | None = None) -> list[tuple[str, str]]:
    """The headline figures of the data set, as (French label, formatted value) pairs:
    the "Les données" section of the note and of the HTML report. Empty without profile."""
    profile = read(conn, import_id)
    if profile is None:
        return []
    f = profile.files
    sales = f["ventes"]
    formats = {(x.encoding, x.delimiter, x.line_endings) for x in f.values()}
    fmt_text = "; ".join(
        f"{e}, séparateur {delimiter_name(d)}, fins de ligne {le}" for e, d, le in sorted(formats)
    )
    outliers = [
        f"{c.name.lower()} {fmt.integer(c.outliers)}"
        for x in f.values()
        for c in x.columns
        if c.outliers is not None and not c.identifier and x.source != "magasins"
    ]
    keys = [f"{s} : {_short_keys(x)}" for s, x in f.items()]
    rows = [
        (
            "Fichiers reçus",
            " · ".join(f"{s} : {_plural(x.lines, 'ligne')}" for s, x in f.items()),
        ),
        ("Format", fmt_text),
    ]
    if sales.first_date:
        rows.append(
            (
                "Période des ventes",
                f"du {_day(sales.first_date)} au {_day(sales.last_date)}, "
                f"{_plural(sales.days_without_sales, 'jour')} sans vente",
            )
        )
    rows += [
        (
            "Lignes de ventes identiques",
            "aucune" if sales.identical_lines == 0 else _n(sales.identical_lines),
        ),
        (
            "Couverture des références",
            f"{_plural(sales.unknown_products, 'vente')} à produit inconnu, "
            f"{_plural(sales.unknown_stores, 'vente')} à magasin inconnu ; "
            f"{_plural(f['produits'].without_sales, 'produit')} et "
            f"{_plural(f['magasins'].without_sales, 'magasin')} sans vente",
        ),
        ("Clés candidates", " · ".join(keys)),
        ("Valeurs aberrantes (règle de Tukey)", ", ".join(outliers) or "—"),
        ("Lignes rejetées", _rejects(conn, profile.import_id)),
    ]
    return rows


def _rejects(conn: sqlite3.Connection, import_id: int) -> str:
    """The rejected lines as of ``import_id``: still to correct, and resolved since."""
    current, resolved = conn.execute(sql("profile/rejects"), {"import_id": import_id}).fetchone()
    if not current and not resolved:
        return "aucune"
    return (
        f"{_plural(current, 'ligne')} à corriger, "
        f"{_plural(resolved, 'ligne')} {'résolues' if resolved > 1 else 'résolue'} "
        "par un import suivant"
    )
