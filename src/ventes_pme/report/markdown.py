"""La note de résultats en français (Markdown), d'après les déclarations des analyses.

The French results note (Markdown), from the declared analyses."""

from __future__ import annotations

import re

from ventes_pme import catalog, fmt
from ventes_pme.analyse import Analysis
from ventes_pme.report.sentences import header, reading
from ventes_pme.report.tables import FOLDED_OVER, ReportTable, shown

NOTE_NAME = "resultats.md"
HTML_NAME = "rapport.html"

#: what every amount is, said at the top of the note and at the bottom of the HTML report
BASIS = "montants au prix unitaire du jour de la vente, régions administratives françaises."

_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def escape(text: str) -> str:
    """Text from the data made inert in Markdown: no line break, no HTML, no formatting
    (a product named ``A|B``, ``<b>x</b>`` or with a newline stays one table cell)."""
    text = " ".join(text.splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def md_table(table: ReportTable) -> str:
    align = ["---:" if i in table.right else ":---" for i in range(len(table.headers))]
    head = "| " + " | ".join(escape(h) for h in table.headers) + " |"
    lines = [head, "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def md_block(analysis: Analysis, spec: catalog.Spec) -> list[str]:
    """The table of ``spec`` as the HTML report shows it: a ranking cut to its first rows
    and "autres", with where to read the full list; a long table in time order folded."""
    part = shown(analysis, spec)
    if part.others:
        first = len(part.rows) - 1
        return [
            md_table(part),
            "",
            f"Les {fmt.integer(first)} premiers sur {fmt.integer(first + part.others)} ; "
            f"la liste complète : « {escape(spec.title)} » dans le tableau de bord, "
            "ou `ventes analyse --json`.",
        ]
    if len(part.rows) > FOLDED_OVER:
        summary = f"Le tableau ({fmt.plural(len(part.rows), 'ligne')})"
        return [f"<details><summary>{summary}</summary>", "", md_table(part), "", "</details>"]
    return [md_table(part)]


def sections() -> list[tuple[str, list[catalog.Spec]]]:
    """The report's sections, in the order of their first analysis."""
    found: dict[str, list[catalog.Spec]] = {}
    for spec in catalog.tables():
        found.setdefault(spec.section, []).append(spec)
    return list(found.items())


def data_section(data: list[tuple[str, str]] | None) -> list[str]:
    """The "Les données" section: the headline figures of the data profile."""
    if not data:
        return []
    return [
        "## Les données",
        "",
        *[f"- {escape(label)} : {escape(value)}." for label, value in data],
        "",
        "Le profil complet : `ventes profil` (ou la table `profile_files`).",
        "",
    ]


def markdown(analysis: Analysis, data: list[tuple[str, str]] | None = None) -> str:
    """The French results note; ``data``: the headline figures of the data profile."""
    lines = [
        "# Note de résultats : les ventes de la PME",
        "",
        header(analysis),
        "",
        "Calculée à partir des résultats enregistrés dans la base (tables `result_*`) ; " + BASIS,
        "",
        "## En bref",
        "",
        *[f"- {escape(s)}" for s in reading(analysis)],
        "",
        *data_section(data),
        "## 1. Chiffre d'affaires total",
        "",
        f"**{fmt.euros(analysis.total_revenue_cents)}** pour "
        f"{fmt.plural(analysis.total_quantity, 'unité vendue', 'unités vendues')} "
        f"({fmt.plural(analysis.sales_count, 'vente')}).",
        "",
    ]
    for number, (title, specs) in enumerate(sections(), start=2):
        lines += [f"## {number}. {title}", ""]
        for spec in specs:
            if spec.intro:
                lines += [spec.intro, ""]
            lines += [*md_block(analysis, spec), ""]
    lines += [
        "---",
        "",
        "Note produite par `ventes rapport` ; le même contenu, avec graphiques, est dans "
        f"[`{HTML_NAME}`]({HTML_NAME}).",
        "",
    ]
    return "\n".join(lines)
