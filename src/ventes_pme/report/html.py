"""The self-contained HTML report: inline CSS (``rapport.css``) and SVG charts, no script."""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

from ventes_pme import catalog, fmt
from ventes_pme.analyse import Analysis
from ventes_pme.report.charts import bar_chart, city_map, column_chart
from ventes_pme.report.markdown import BASIS, sections
from ventes_pme.report.sentences import header, reading
from ventes_pme.report.tables import ReportTable, table

_E = html.escape


def css() -> str:
    """The report's style sheet, a package data file, inlined in the page."""
    return resources.files("ventes_pme.report").joinpath("rapport.css").read_text("utf-8")


def html_table(table: ReportTable) -> str:
    top = max((v or 0 for row in table.amounts or [] for v in row), default=0) or 1

    def cell(tag: str, i: int, text: str, amount: int | None = None) -> str:
        cls = ' class="n"' if i in table.right else ""
        if amount is not None:
            cls += f' style="background:rgba(31,95,153,{0.08 + 0.5 * amount / top:.2f})"'
        return f"<{tag}{cls}>{_E(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    amounts = table.amounts or [[None] * len(row) for row in table.rows]
    body = "".join(
        "<tr>"
        + "".join(cell("td", i, c, a) for i, (c, a) in enumerate(zip(row, amount, strict=True)))
        + "</tr>"
        for row, amount in zip(table.rows, amounts, strict=True)
    )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def chart(analysis: Analysis, spec: catalog.Spec, c: catalog.Chart) -> str:
    """The declared chart of ``spec`` (bars, days or map) as inline SVG."""
    rows = analysis.tables[spec.name]
    if c.sort:
        rows = sorted((r for r in rows if r[c.value] is not None), key=lambda r: -r[c.value])
    value_format = spec.column(c.value).format

    def label(row: dict[str, Any]) -> str:
        return c.label.format(**row)

    if c.kind == "days":
        return column_chart(c.title, [(label(r), r[c.value]) for r in rows], c.id)
    if c.kind == "map":
        svg, missing = city_map(c.title, [(label(r), r[c.value]) for r in rows], c.id)
        if missing:
            svg += (
                f'<p class="meta">Villes hors carte (pas de coordonnées) : '
                f"{_E(', '.join(missing))}.</p>"
            )
        return svg
    return bar_chart(
        c.title,
        [(label(r), r[c.value], fmt.value(value_format, r[c.value])) for r in rows],
        c.id,
    )


def _block(analysis: Analysis, spec: catalog.Spec, titled: bool) -> str:
    parts = [f"<h3>{_E(spec.intro.rstrip(' :'))}</h3>"] if titled and spec.intro else []
    if spec.chart is not None:
        parts.append(chart(analysis, spec, spec.chart))
    if spec.html_table:
        parts.append(html_table(table(analysis, spec)))
    return "".join(parts)


def data_section(data: list[tuple[str, str]] | None) -> list[str]:
    """The "Les données" section: the headline figures of the data profile."""
    if not data:
        return []
    return [
        '<section id="donnees"><h2>Les données</h2><dl class="donnees">'
        + "".join(f"<dt>{_E(k)}</dt><dd>{_E(v)}</dd>" for k, v in data)
        + '</dl><p class="meta">Le profil complet : <code>ventes profil</code>.</p>'
        "</section>"
    ]


def html_report(analysis: Analysis, data: list[tuple[str, str]] | None = None) -> str:
    """The self-contained HTML report (inline CSS and SVG, no external resource);
    ``data``: the headline figures of the data profile."""
    kpis = [
        (fmt.euros(analysis.total_revenue_cents), "chiffre d'affaires total"),
        (fmt.integer(analysis.sales_count), "ventes"),
        (fmt.integer(analysis.total_quantity), "unités vendues"),
        (fmt.integer(len(analysis.tables.get("ventes_par_magasin", []))), "magasins"),
    ]
    parts = [
        '<section><h2>En bref</h2><div class="kpis">'
        + "".join(f'<div class="kpi"><b>{_E(v)}</b><span>{_E(k)}</span></div>' for v, k in kpis)
        + '</div><ul class="reading">'
        + "".join(f"<li>{_E(s)}</li>" for s in reading(analysis))
        + "</ul></section>",
        *data_section(data),
    ]
    for title, specs in sections():
        anchor = specs[0].name.replace("_", "-")
        several = len(specs) > 1
        if several and all(s.chart is not None for s in specs):  # side by side on a screen
            body = (
                '<div class="grid2">'
                + "".join(f"<div>{_block(analysis, s, False)}</div>" for s in specs)
                + "</div>"
            )
        else:
            body = "".join(_block(analysis, s, several) for s in specs)
        parts.append(f'<section id="{anchor}"><h2>{_E(title)}</h2>{body}</section>')
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="fr">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Rapport des ventes</title>",
            f"<style>{css()}</style>",
            "</head>",
            "<body><main>",
            "<header><h1>Rapport des ventes de la PME</h1>",
            f'<p class="meta">{_E(header(analysis))}</p></header>',
            *parts,
            "<footer>Rapport produit par <code>ventes rapport</code> à partir des résultats "
            f"enregistrés dans la base ; {BASIS}</footer>",
            "</main></body>",
            "</html>",
            "",
        ]
    )
