"""Les tableaux des rapports, d'après les déclarations des analyses (titres, formats).

The tables of the reports, built from the analyses' declarations (titles, formats)."""

from __future__ import annotations

from dataclasses import dataclass

from ventes_pme import catalog, fmt
from ventes_pme.analyse import Analysis


@dataclass(frozen=True)
class ReportTable:
    """One table of the reports: the note (Markdown) and the HTML report both render it."""

    headers: list[str]
    rows: list[list[str]]  # cells already formatted in French
    right: set[int]  # the numeric columns, aligned right
    #: the amount (cents) behind each cell, when the HTML report shades cells by value
    amounts: list[list[int | None]] | None = None
    #: how many stored rows the last row ("autres") stands for; 0: every row is shown
    others: int = 0


#: how many rows a ranking shows (products, cities, stores…) before its "autres" row
TOP = 10
#: a table in time order longer than this is folded (``<details>``)
FOLDED_OVER = 12

#: the columns whose values add up (counts and amounts): an "autres" row sums them
ADDITIVE = frozenset({"nombre_ventes", "quantite", "chiffre_affaires", "salaries"})


def ranked(spec: catalog.Spec) -> bool:
    """Whether the stored rows of ``spec`` are a ranking (highest first), not a time order."""
    return spec.order.split(",")[0].strip().upper().endswith("DESC")


def shown(analysis: Analysis, spec: catalog.Spec) -> ReportTable:
    """What both reports show of ``spec``: a ranking or a grid cut to its first :data:`TOP`
    rows and an "autres" row (the full list is in the dashboard), any other table whole."""
    if ranked(spec) or spec.pivot is not None:
        return table(analysis, spec, TOP)
    return table(analysis, spec)


def table(analysis: Analysis, spec: catalog.Spec, limit: int | None = None) -> ReportTable:
    """The rows of ``spec`` as stored, a "part" column after each ``share`` column.

    With ``limit``, a ranking longer than ``limit`` rows keeps its first ``limit`` rows
    and adds one "autres" row: the sums (exact, in cents) of the rest's additive columns
    (:data:`ADDITIVE`), "—" in the others.
    """
    if spec.pivot is not None:
        return pivot_table(analysis, spec, spec.pivot, limit)
    total = analysis.total_revenue_cents
    headers: list[str] = []
    right: set[int] = set()
    for column in spec.columns:
        if column.numeric:
            right.add(len(headers))
        headers.append(column.title)
        if column.share:
            right.add(len(headers))
            headers.append("part")
    stored = analysis.tables[spec.name]
    shown = stored if limit is None or len(stored) <= limit + 1 else stored[:limit]
    rest = stored[len(shown) :]
    rows = []
    for row in shown:
        cells = []
        for column in spec.columns:
            cells.append(fmt.value(column.format, row[column.key]))
            if column.share:
                cells.append(fmt.percent(row[column.key], total))
        rows.append(cells)
    if rest:
        cells = []
        for i, column in enumerate(spec.columns):
            if i == 0:
                cells.append(f"autres ({fmt.integer(len(rest))})")
            elif column.key in ADDITIVE:
                cells.append(fmt.value(column.format, sum(r[column.key] or 0 for r in rest)))
            else:
                cells.append("—")
            if column.share:
                part = sum(r[column.key] or 0 for r in rest)
                cells.append(fmt.percent(part, total) if column.key in ADDITIVE else "—")
        rows.append(cells)
    return ReportTable(headers, rows, right, others=len(rest))


def pivot_table(
    analysis: Analysis, spec: catalog.Spec, pivot: catalog.Pivot, limit: int | None = None
) -> ReportTable:
    """A grid: one row per ``pivot.rows`` value, one column per ``pivot.columns`` value,
    both by decreasing total; "—" where there is no value. With ``limit``, the first
    ``limit`` rows and ``limit // 2`` columns, the others summed in an "autres" row and
    column (exact cents)."""
    rows = analysis.tables[spec.name]
    cells: dict[str, dict[str, int]] = {}
    row_totals: dict[str, int] = {}
    column_totals: dict[str, int] = {}
    for row in rows:
        r, c, v = row[pivot.rows], row[pivot.columns], row[pivot.value]
        cells.setdefault(r, {})[c] = v
        row_totals[r] = row_totals.get(r, 0) + v
        column_totals[c] = column_totals.get(c, 0) + v
    # ties keep the order of the stored rows (the declared ORDER BY) for rows, names for columns
    names = sorted(row_totals, key=lambda r: -row_totals[r])
    columns = sorted(column_totals, key=lambda c: (-column_totals[c], c))
    others = 0
    if limit is not None and len(columns) > limit // 2 + 1:
        kept, folded = columns[: limit // 2], columns[limit // 2 :]
        for line in cells.values():
            values = [line.pop(c) for c in folded if c in line]
            if values:
                line["autres"] = sum(values)
        columns = [*kept, "autres"]
    if limit is not None and len(names) > limit + 1:
        rest = names[limit:]
        others = len(rest)
        names = names[:limit]
        label = f"autres ({fmt.integer(others)})"
        total_rest: dict[str, int] = {}
        for name in rest:
            for c, v in cells[name].items():
                total_rest[c] = total_rest.get(c, 0) + v
        cells[label] = total_rest
        names.append(label)
    value_format = spec.column(pivot.value).format
    return ReportTable(
        [pivot.corner, *columns],
        [[name, *(fmt.value(value_format, cells[name].get(c)) for c in columns)] for name in names],
        set(range(1, len(columns) + 1)),
        amounts=[[None, *(cells[name].get(c) for c in columns)] for name in names],
        others=others,
    )
