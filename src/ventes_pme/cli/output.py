"""L'affichage dans le terminal : le compte rendu d'un import, les analyses, le JSON.

What the commands print: plain-text tables for a person, JSON for a program."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ventes_pme import fmt, wording
from ventes_pme.load import ImportReport

if TYPE_CHECKING:
    from ventes_pme.analyse import Analysis


def print_import(report: ImportReport) -> None:
    print(f"Import n° {report.import_id} terminé le {fmt.moment(report.finished_at)}.")
    headers = ["fichier", "lues", "insérées", "mises à jour", "déjà présentes", "rejetées"]
    rows = []
    for f in report.files.values():
        name = f.source + (" (ajouts seuls)" if f.incremental else "")
        rows.append(
            [
                name,
                *(
                    fmt.integer(n)
                    for n in (f.rows_read, f.inserted, f.updated, f.already_present, f.rejected)
                ),
            ]
        )
    print(fmt.table(headers, rows, right={1, 2, 3, 4, 5}))
    added = report.sales_after - report.sales_before
    print(f"Ventes en base : {fmt.integer(report.sales_after)} (+{fmt.integer(added)}).")
    rejected = sum(f.rejected for f in report.files.values())
    if rejected:
        lines = fmt.plural(rejected, "ligne rejetée", "lignes rejetées")
        print(f"{lines} : voir la table « rejects ».")
    for warning in wording.warnings(report):
        print(f"Attention : {warning}", file=sys.stderr)


def print_analysis(analysis: Analysis) -> None:
    """The declared analyses (:mod:`ventes_pme.catalog`) as plain-text tables."""
    from ventes_pme import catalog

    period = (
        f" du {fmt.day(analysis.period_start)} au {fmt.day(analysis.period_end)}"
        if analysis.period_start
        else ""
    )
    print(f"Analyse n° {analysis.run_id} : {fmt.plural(analysis.sales_count, 'vente')}{period}")
    print(f"\nChiffre d'affaires total : {fmt.euros(analysis.total_revenue_cents)}")
    hidden = []
    for spec in catalog.tables():
        if not spec.terminal:
            hidden.append(spec.title[:1].lower() + spec.title[1:])
            continue
        columns = [c for c in spec.columns if c.terminal]
        rows = analysis.tables[spec.name]
        print(f"\n{spec.title}")
        cells = [[fmt.value(c.format, row[c.key]) for c in columns] for row in rows]
        right = {i for i, c in enumerate(columns) if c.numeric}
        print(fmt.table([c.title for c in columns], cells, right=right))
    if hidden:
        print(
            f"\nNon affichés ici : {', '.join(hidden)} ; voir ventes analyse --json "
            "ou les vues derniere_* de la base."
        )


def print_analysis_json(analysis: Analysis) -> None:
    """The analysis as JSON (``--json``)."""
    from ventes_pme.analyse import json_text

    print(json_text(analysis.to_json()))
