"""Les statistiques du profil : types, clés candidates, quartiles, valeurs aberrantes, période.

The statistics of the data profile, derived from the counts of the streaming pass
(:mod:`.counts`): per column the inferred type, the distinct and most frequent values, the
candidate keys, min / max / mean / median / quartiles and Tukey's outliers for numbers; per
file the identical lines of a reference file, the first and last date and the days without
sales, and the sales naming an unknown product or store.

Numbers stay exact (``Decimal``: money never goes through a float); means are rounded to four
decimals. What only the stored data can tell (identical sales, products and stores without
any sale) is added by :func:`ventes_pme.profile.store.complete`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

from ventes_pme import validate
from ventes_pme.profile.counts import (
    INTEGER,
    MAX_DIGITS,
    Counts,
    Scan,
    scan_file,
    value_kind,
)
from ventes_pme.validate import CsvLayout, RowError

SOURCES = ("produits", "magasins", "ventes")
#: most frequent values kept per column
TOP = 5
#: Tukey's rule: outside [Q1 - k x IQR, Q3 + k x IQR] a value is an outlier
TUKEY_K = Decimal("1.5")


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


def _date(value: str) -> str | None:
    """``value`` as an ISO date, or None when it is not a valid date."""
    try:
        return validate.parse_date(value)
    except RowError:
        return None


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


def _column(position: int, name: str, counts: Counts, lines: int) -> ColumnProfile:
    values: dict[str, int] = {}
    empty = counts.more_empty
    for raw, count in counts.counts.items():
        value = raw.strip()
        if value:
            values[value] = values.get(value, 0) + count
        else:
            empty += count
    kinds_of = {value: value_kind(value) for value in values}
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


def _file(source: str, found: Scan) -> FileProfile:
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


def _ids(found: Scan, key: str, as_int: bool) -> set[object] | None:
    counts = found.columns[found.layout.index[key]]
    if counts.full:
        return None
    return {_id(v, as_int) for v in counts.counts if v.strip()}


def _id(value: str, as_int: bool) -> object:
    value = value.strip()
    if as_int and len(value) <= MAX_DIGITS and INTEGER.fullmatch(value):
        return int(value)
    return value


def _unknown(sales: Scan, key: str, known: set[object] | None, as_int: bool) -> int | None:
    counts = sales.columns[sales.layout.index[key]]
    if known is None or counts.full:
        return None
    return sum(n for v, n in counts.counts.items() if v.strip() and _id(v, as_int) not in known)


def scans(
    paths: Mapping[str, Path],
    layouts: Mapping[str, CsvLayout],
    sales: Scan | None = None,
) -> tuple[dict[str, Scan], dict[str, FileProfile]]:
    """The passes over the three files (``sales``: the sales file's, already made)."""
    found = {
        source: scan_file(source, paths[source], layouts[source])
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
    return scans(paths, layouts)[1]
