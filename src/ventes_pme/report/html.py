"""Le rapport HTML en un seul fichier : style `rapport.css` intégré, graphiques SVG, sans script.

The self-contained HTML report: inline CSS (``rapport.css``) and SVG charts, no script."""

from __future__ import annotations

import html
import urllib.parse
from datetime import date
from importlib import resources
from typing import Any

from ventes_pme import catalog, fmt
from ventes_pme.analyse import Analysis
from ventes_pme.report.charts import Point, bar_chart, city_map, column_chart
from ventes_pme.report.markdown import BASIS, sections
from ventes_pme.report.sentences import header, reading
from ventes_pme.report.tables import FOLDED_OVER, TOP, ReportTable, shown

_E = html.escape

#: the time chart is per day up to this many days of data, per week up to the second
#: number, per month beyond
DAILY_UP_TO, WEEKLY_UP_TO = 92, 731
#: the dashboard's name of the database by default (Datasette names it after its file,
#: ``data/ventes.db``): the report is the dashboard's home page, so ``ventes/<analysis>``
#: is the canned query with every row
DASHBOARD_DATABASE = "ventes"


def css() -> str:
    """The report's style sheet, a package data file, inlined in the page."""
    return resources.files("ventes_pme.report").joinpath("rapport.css").read_text("utf-8")


def html_table(table: ReportTable) -> str:
    top = max((v or 0 for row in table.amounts or [] for v in row), default=0) or 1

    def cell(tag: str, i: int, text: str, amount: int | None = None) -> str:
        cls = ' class="n"' if i in table.right else ""
        if tag == "td" and i > 0:  # the column's title, shown beside the cell on a phone
            cls += f' data-titre="{_E(table.headers[i])}"'
        if amount is not None:
            cls += f' style="background:rgba(31,95,153,{0.08 + 0.5 * amount / top:.2f})"'
        return f"<{tag}{cls}>{_E(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    # more than three columns do not fit a phone: each row becomes a card there
    kind = ' class="cartes"' if len(table.headers) > 3 else ""
    amounts = table.amounts or [[None] * len(row) for row in table.rows]
    body = "".join(
        "<tr>"
        + "".join(cell("td", i, c, a) for i, (c, a) in enumerate(zip(row, amount, strict=True)))
        + "</tr>"
        for row, amount in zip(table.rows, amounts, strict=True)
    )
    return (
        f'<div class="scroll"><table{kind}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _days_of_data(analysis: Analysis) -> int:
    if not analysis.period_start or not analysis.period_end:
        return 0
    start, end = date.fromisoformat(analysis.period_start), date.fromisoformat(analysis.period_end)
    return (end - start).days + 1


def time_series(analysis: Analysis) -> tuple[str, str, list[Point]]:
    """The time chart's heading, title and columns: per day for a short period, per
    (ISO) week up to two years, per month beyond; amounts exact (cents)."""
    days = _days_of_data(analysis)
    tables = analysis.tables
    if days > WEEKLY_UP_TO and "chiffre_affaires_par_mois" in tables:
        points = [
            Point(f"{r['mois'][5:7]}/{r['mois'][:4]}", r["chiffre_affaires"], fmt.month(r["mois"]))
            for r in tables["chiffre_affaires_par_mois"]
        ]
        return "Par mois", "Chiffre d'affaires par mois", points
    if days > DAILY_UP_TO and "chiffre_affaires_par_semaine" in tables:
        points = []
        for r in tables["chiffre_affaires_par_semaine"]:
            monday = fmt.day(r["debut_semaine"])
            label = f"semaine {r['semaine']} (du lundi {monday})"
            points.append(Point(monday[:6] + monday[8:], r["chiffre_affaires"], label))
        return "Par semaine", "Chiffre d'affaires par semaine", points
    points = [
        Point(fmt.day(r["jour"])[:5], r["chiffre_affaires"], fmt.day(r["jour"]))
        for r in tables["chiffre_affaires_par_jour"]
    ]
    return "Par jour", "Chiffre d'affaires par jour", points


def _dashboard_link(spec: catalog.Spec, shown: int, total: int, database: str) -> str:
    href = f"{urllib.parse.quote(database)}/{spec.name}"
    return (
        f'<p class="meta">Les {fmt.integer(shown)} premiers sur {fmt.integer(total)} ; '
        f'la liste complète : <a href="{_E(href)}">{_E(spec.title)}</a> '
        "dans le tableau de bord.</p>"
    )


def chart(
    analysis: Analysis, spec: catalog.Spec, c: catalog.Chart, database: str = DASHBOARD_DATABASE
) -> str:
    """The declared chart of ``spec`` (bars, days or map) as inline SVG; a bar chart of
    more than :data:`TOP` rows shows the first ones, then "autres" (the sum of the rest)
    when its value is a share of the total."""
    rows = analysis.tables[spec.name]
    if c.sort:
        rows = sorted((r for r in rows if r[c.value] is not None), key=lambda r: -r[c.value])
    column = spec.column(c.value)
    value_format = column.format

    def label(row: dict[str, Any]) -> str:
        return c.label.format(**row)

    if c.kind == "days":
        _heading, title, points = time_series(analysis)
        return column_chart(title, points, c.id)
    if c.kind == "map":
        svg, missing = city_map(c.title, [(label(r), r[c.value]) for r in rows], c.id)
        if missing:
            svg += (
                f'<p class="meta">Villes hors carte (pas de coordonnées) : '
                f"{_E(', '.join(missing))}.</p>"
            )
        return svg
    bars = [(label(r), r[c.value], fmt.value(value_format, r[c.value])) for r in rows]
    note = ""
    if len(bars) > TOP + 1:
        rest = bars[TOP:]
        bars = bars[:TOP]
        if column.share:  # parts of the total: the rest adds up
            others = sum(v for _, v, _ in rest)
            bars.append(
                (f"autres ({fmt.integer(len(rest))})", others, fmt.value(value_format, others))
            )
        else:
            note = _dashboard_link(spec, TOP, TOP + len(rest), database)
    return bar_chart(c.title, bars, c.id) + note


def _block(analysis: Analysis, spec: catalog.Spec, titled: bool, database: str) -> str:
    heading = spec.intro.rstrip(" :")
    if spec.chart is not None and spec.chart.kind == "days":
        heading = "Graphique " + time_series(analysis)[0].lower()
    parts = [f"<h3>{_E(heading)}</h3>"] if titled and heading else []
    if spec.chart is not None:
        parts.append(chart(analysis, spec, spec.chart, database))
    if spec.html_table:
        part = shown(analysis, spec)
        if part.others:
            parts.append(html_table(part))
            total = len(part.rows) - 1 + part.others
            parts.append(_dashboard_link(spec, len(part.rows) - 1, total, database))
        elif len(part.rows) > FOLDED_OVER:
            parts.append(
                f"<details><summary>Le tableau ({fmt.plural(len(part.rows), 'ligne')})"
                f"</summary>{html_table(part)}</details>"
            )
        else:
            parts.append(html_table(part))
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


def html_report(
    analysis: Analysis,
    data: list[tuple[str, str]] | None = None,
    database: str = DASHBOARD_DATABASE,
) -> str:
    """The self-contained HTML report (inline CSS and SVG, no external resource);
    ``data``: the headline figures of the data profile; ``database``: the dashboard's name
    of the database, for the links to the full lists."""
    kpis = [
        (fmt.euros(analysis.total_revenue_cents), "chiffre d'affaires total"),
        (fmt.integer(analysis.sales_count), "ventes"),
        (fmt.integer(analysis.total_quantity), "unités vendues"),
        (fmt.integer(len(analysis.tables.get("ventes_par_magasin", []))), "magasins"),
    ]
    contents = [("en-bref", "En bref")] + ([("donnees", "Les données")] if data else [])
    parts = [
        '<section id="en-bref"><h2>En bref</h2><div class="kpis">'
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
                + "".join(f"<div>{_block(analysis, s, False, database)}</div>" for s in specs)
                + "</div>"
            )
        else:
            body = "".join(_block(analysis, s, several, database) for s in specs)
        contents.append((anchor, title))
        parts.append(f'<section id="{anchor}"><h2>{_E(title)}</h2>{body}</section>')
    toc = (
        '<nav class="sommaire" aria-label="Sommaire"><h2>Sommaire</h2><ol>'
        + "".join(f'<li><a href="#{a}">{_E(t)}</a></li>' for a, t in contents)
        + "</ol></nav>"
    )
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
            toc,
            *parts,
            "<footer>Rapport produit par <code>ventes rapport</code> à partir des résultats "
            f"enregistrés dans la base ; {BASIS}</footer>",
            "</main></body>",
            "</html>",
            "",
        ]
    )
