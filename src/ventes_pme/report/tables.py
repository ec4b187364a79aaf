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


def table(analysis: Analysis, spec: catalog.Spec) -> ReportTable:
    """The rows of ``spec`` as stored, a "part" column after each ``share`` column."""
    if spec.pivot is not None:
        return pivot_table(analysis, spec, spec.pivot)
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
    rows = []
    for row in analysis.tables[spec.name]:
        cells = []
        for column in spec.columns:
            cells.append(fmt.value(column.format, row[column.key]))
            if column.share:
                cells.append(fmt.percent(row[column.key], total))
        rows.append(cells)
    return ReportTable(headers, rows, right)


def pivot_table(analysis: Analysis, spec: catalog.Spec, pivot: catalog.Pivot) -> ReportTable:
    """A grid: one row per ``pivot.rows`` value, one column per ``pivot.columns`` value,
    both by decreasing total; "—" where there is no value."""
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
    value_format = spec.column(pivot.value).format
    return ReportTable(
        [pivot.corner, *columns],
        [[name, *(fmt.value(value_format, cells[name].get(c)) for c in columns)] for name in names],
        set(range(1, len(columns) + 1)),
        amounts=[[None, *(cells[name].get(c) for c in columns)] for name in names],
    )
