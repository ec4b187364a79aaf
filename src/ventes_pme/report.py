"""The report stage: a French results note (Markdown) and a self-contained HTML report.

Both are built from the results stored in the database (one analysis run), never from
the raw files. The HTML file has no external resource: inline CSS, inline SVG charts
drawn here. Nothing depends on "now": the report shows the analysis run's date and the
period of the data, so the same run always gives the same files.
"""

from __future__ import annotations

import csv
import html
import io
import math
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from ventes_pme import fmt
from ventes_pme.analyse import Analysis, latest_run_id, read_analysis
from ventes_pme.regions import city_key

NOTE_NAME = "resultats.md"
HTML_NAME = "rapport.html"

#: how the run date is written: the one part of a report that changes from run to run
_RUN_DATE = re.compile(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2} UTC")


def normalize_run_date(text: str) -> str:
    """``text`` with the analysis run's date replaced by a placeholder (to compare reports)."""
    return _RUN_DATE.sub("JJ/MM/AAAA à HH:MM UTC", text)


# --- figures -----------------------------------------------------------------------------


def _day(iso: str | None) -> str:
    """``2023-05-27`` -> ``27/05/2023``."""
    return "—" if not iso else date.fromisoformat(iso).strftime("%d/%m/%Y")


def _run_date(created_at: str) -> str:
    moment = datetime.fromisoformat(created_at)
    return moment.strftime("%d/%m/%Y à %H:%M UTC")


@dataclass(frozen=True)
class Week:
    label: str
    start: date
    days: int  # days of the week inside the data period
    revenue_cents: int


def _weeks(analysis: Analysis) -> list[Week]:
    if not analysis.period_start or not analysis.period_end:
        return []
    first = date.fromisoformat(analysis.period_start)
    last = date.fromisoformat(analysis.period_end)
    weeks = []
    for row in analysis.tables["chiffre_affaires_par_semaine"]:
        start = date.fromisoformat(row["debut_semaine"])
        covered = (min(start + timedelta(days=6), last) - max(start, first)).days + 1
        weeks.append(Week(row["semaine"], start, covered, row["chiffre_affaires"]))
    return weeks


def _article_region(region: str) -> str:
    return f"la région {region}" if region != "Région inconnue" else "la « Région inconnue »"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def reading(analysis: Analysis) -> list[str]:
    """A few French sentences reading the figures, generated from the numbers."""
    total = analysis.total_revenue_cents
    sentences = []
    products = analysis.tables["ventes_par_produit"]
    if products and total:
        top = products[0]
        sentence = (
            f"Le produit qui rapporte le plus est « {top['nom']} » ({top['produit_id']}) : "
            f"{fmt.euros(top['chiffre_affaires'])}, soit "
            f"{fmt.percent(top['chiffre_affaires'], total)} du chiffre d'affaires"
        )
        if len(products) > 1:
            least = products[-1]
            sentence += (
                f" ; le moins vendu en valeur est « {least['nom']} » "
                f"({fmt.euros(least['chiffre_affaires'])})"
            )
        by_quantity = max(products, key=lambda p: (p["quantite"], p["chiffre_affaires"]))
        if by_quantity is not top:
            sentence += (
                f". En quantité, c'est « {by_quantity['nom']} » qui mène "
                f"({fmt.integer(by_quantity['quantite'])} unités)"
            )
        sentences.append(sentence + ".")
    regions = analysis.tables["ventes_par_region"]
    if regions and total:
        top = regions[0]
        sentence = (
            f"{_capitalized(_article_region(top['region']))} est en tête avec "
            f"{fmt.euros(top['chiffre_affaires'])} ({fmt.percent(top['chiffre_affaires'], total)})"
        )
        if len(regions) > 1:
            second = regions[1]
            sentence += (
                f", devant {_article_region(second['region'])} "
                f"({fmt.percent(second['chiffre_affaires'], total)})"
            )
        sentences.append(sentence + f" ; {len(regions)} région(s) ont des ventes.")
    stores = [s for s in analysis.tables["ventes_par_magasin"] if s["salaries"]]
    if stores:
        best = max(stores, key=lambda s: (s["chiffre_affaires_par_salarie"], -s["magasin_id"]))
        employees = sum(s["salaries"] for s in stores)
        revenue = sum(s["chiffre_affaires"] for s in stores)
        average = (2 * revenue + employees) // (2 * employees)
        sentences.append(
            f"Le meilleur chiffre d'affaires par salarié est celui du magasin n° "
            f"{best['magasin_id']} ({best['ville']}) : "
            f"{fmt.euros(best['chiffre_affaires_par_salarie'])} par salarié, pour "
            f"{fmt.euros(average)} en moyenne sur l'ensemble des magasins."
        )
    weeks = _weeks(analysis)
    if len(weeks) >= 2:
        first, last = weeks[0], weeks[-1]
        first_rate = first.revenue_cents / first.days
        last_rate = last.revenue_cents / last.days
        change = (last_rate - first_rate) / first_rate * 100 if first_rate else 0.0
        trend = "en hausse" if change > 0 else "en baisse" if change < 0 else "stable"
        sentences.append(
            f"Dans le temps : la première semaine ({first.label}, {first.days} jour(s) de "
            f"données) totalise {fmt.euros(first.revenue_cents)}, soit "
            f"{fmt.euros(round(first_rate))} par jour ; la dernière ({last.label}, "
            f"{last.days} jour(s)) {fmt.euros(last.revenue_cents)}, soit "
            f"{fmt.euros(round(last_rate))} par jour : un rythme {trend}"
            + (f" de {fmt.decimal(abs(change))}{fmt.NBSP}%." if change else ".")
        )
    days = analysis.tables["chiffre_affaires_par_jour"]
    if days:
        best_day = max(days, key=lambda d: (d["chiffre_affaires"], d["jour"]))
        sentences.append(
            f"Le meilleur jour est le {_day(best_day['jour'])} "
            f"({fmt.euros(best_day['chiffre_affaires'])}) ; {fmt.integer(len(days))} jour(s) "
            "ont au moins une vente."
        )
    return sentences


def _pivot(analysis: Analysis) -> tuple[list[str], list[tuple[str, list[int | None]]]]:
    """Product × region: region columns (by revenue), one row of cents per product."""
    regions = [r["region"] for r in analysis.tables["ventes_par_region"]]
    cells: dict[str, dict[str, int]] = {}
    for row in analysis.tables["produits_par_region"]:
        cells.setdefault(row["nom"], {})[row["region"]] = row["chiffre_affaires"]
    names = [p["nom"] for p in analysis.tables["ventes_par_produit"]]
    return regions, [(n, [cells.get(n, {}).get(r) for r in regions]) for n in names]


# --- tables: each defined once, rendered by the note and by the HTML report ---------------


@dataclass(frozen=True)
class Table:
    """One table of the report: the note (Markdown) and the HTML report both render it."""

    headers: list[str]
    rows: list[list[str]]  # cells already formatted in French
    right: set[int]  # the numeric columns, aligned right
    #: the amount (cents) behind each cell, when the HTML report shades cells by value
    amounts: list[list[int | None]] | None = None


def products_table(analysis: Analysis) -> Table:
    total = analysis.total_revenue_cents
    return Table(
        ["produit", "nom", "quantité", "chiffre d'affaires", "part"],
        [
            [
                p["produit_id"],
                p["nom"],
                fmt.integer(p["quantite"]),
                fmt.euros(p["chiffre_affaires"]),
                fmt.percent(p["chiffre_affaires"], total),
            ]
            for p in analysis.tables["ventes_par_produit"]
        ],
        {2, 3, 4},
    )


def regions_table(analysis: Analysis) -> Table:
    total = analysis.total_revenue_cents
    return Table(
        ["région", "quantité", "chiffre d'affaires", "part"],
        [
            [
                r["region"],
                fmt.integer(r["quantite"]),
                fmt.euros(r["chiffre_affaires"]),
                fmt.percent(r["chiffre_affaires"], total),
            ]
            for r in analysis.tables["ventes_par_region"]
        ],
        {1, 2, 3},
    )


def cities_table(analysis: Analysis) -> Table:
    return Table(
        ["ville", "région", "quantité", "chiffre d'affaires"],
        [
            [c["ville"], c["region"], fmt.integer(c["quantite"]), fmt.euros(c["chiffre_affaires"])]
            for c in analysis.tables["ventes_par_ville"]
        ],
        {2, 3},
    )


def weeks_table(analysis: Analysis) -> Table:
    return Table(
        ["semaine", "lundi", "ventes", "quantité", "chiffre d'affaires"],
        [
            [
                w["semaine"],
                _day(w["debut_semaine"]),
                fmt.integer(w["nombre_ventes"]),
                fmt.integer(w["quantite"]),
                fmt.euros(w["chiffre_affaires"]),
            ]
            for w in analysis.tables["chiffre_affaires_par_semaine"]
        ],
        {2, 3, 4},
    )


def days_table(analysis: Analysis) -> Table:
    return Table(
        ["jour", "ventes", "quantité", "chiffre d'affaires"],
        [
            [
                _day(d["jour"]),
                fmt.integer(d["nombre_ventes"]),
                fmt.integer(d["quantite"]),
                fmt.euros(d["chiffre_affaires"]),
            ]
            for d in analysis.tables["chiffre_affaires_par_jour"]
        ],
        {1, 2, 3},
    )


def stores_table(analysis: Analysis) -> Table:
    return Table(
        ["magasin", "ville", "région", "salariés", "quantité", "chiffre d'affaires", "par salarié"],
        [
            [
                str(s["magasin_id"]),
                s["ville"],
                s["region"],
                fmt.integer(s["salaries"]),
                fmt.integer(s["quantite"]),
                fmt.euros(s["chiffre_affaires"]),
                fmt.euros(s["chiffre_affaires_par_salarie"]),
            ]
            for s in analysis.tables["ventes_par_magasin"]
        ],
        {0, 3, 4, 5, 6},
    )


def products_regions_table(analysis: Analysis) -> Table:
    """Product × region revenue, "—" where a product has no sale in a region."""
    regions, rows = _pivot(analysis)
    return Table(
        ["produit", *regions],
        [[name, *("—" if v is None else fmt.euros(v) for v in values)] for name, values in rows],
        set(range(1, len(regions) + 1)),
        amounts=[[None, *values] for _, values in rows],
    )


# --- Markdown ------------------------------------------------------------------------------

#: what every amount is, said at the top of the note and at the bottom of the HTML report
_BASIS = "montants au prix unitaire du jour de la vente, régions administratives françaises."


def _md_table(table: Table) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    align = ["---:" if i in table.right else ":---" for i in range(len(table.headers))]
    lines = [table.headers, align, *table.rows]
    return "\n".join("| " + " | ".join(esc(c) for c in line) + " |" for line in lines)


def _header(analysis: Analysis) -> str:
    period = (
        f"du {_day(analysis.period_start)} au {_day(analysis.period_end)}"
        if analysis.period_start
        else "aucune vente"
    )
    return (
        f"Période des données : {period} ({fmt.integer(analysis.sales_count)} ventes). "
        f"Analyse n° {analysis.run_id} du {_run_date(analysis.created_at)}."
    )


def markdown(analysis: Analysis) -> str:
    """The French results note."""
    return "\n".join(
        [
            "# Note de résultats : les ventes de la PME",
            "",
            _header(analysis),
            "",
            "Calculée à partir des résultats enregistrés dans la base (tables `result_*`) ; "
            + _BASIS,
            "",
            "## En bref",
            "",
            *[f"- {s}" for s in reading(analysis)],
            "",
            "## 1. Chiffre d'affaires total",
            "",
            f"**{fmt.euros(analysis.total_revenue_cents)}** pour "
            f"{fmt.integer(analysis.total_quantity)} unités vendues "
            f"({fmt.integer(analysis.sales_count)} ventes).",
            "",
            "## 2. Ventes par produit",
            "",
            _md_table(products_table(analysis)),
            "",
            "## 3. Ventes par région",
            "",
            _md_table(regions_table(analysis)),
            "",
            "Par ville :",
            "",
            _md_table(cities_table(analysis)),
            "",
            "## 4. Évolution dans le temps",
            "",
            "Par semaine (semaines ISO, du lundi au dimanche) :",
            "",
            _md_table(weeks_table(analysis)),
            "",
            "Par jour :",
            "",
            _md_table(days_table(analysis)),
            "",
            "## 5. Par magasin et par salarié",
            "",
            _md_table(stores_table(analysis)),
            "",
            "## 6. Produits × régions (chiffre d'affaires)",
            "",
            _md_table(products_regions_table(analysis)),
            "",
            "---",
            "",
            "Note produite par `ventes rapport` ; le même contenu, avec graphiques, est dans "
            f"[`{HTML_NAME}`]({HTML_NAME}).",
            "",
        ]
    )


# --- SVG charts ----------------------------------------------------------------------------

_E = html.escape
_BLUE = "#1f5f99"
_GREY = "#6b7280"


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at least ``value`` (axis top)."""
    if value <= 0:
        return 1
    power: int = 10 ** math.floor(math.log10(value))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= value)


def _euros_short(cents: int) -> str:
    """Axis label: whole euros, French thousands (``1 500 €``)."""
    return f"{fmt.integer(round(cents / 100))}{fmt.NBSP}€"


def _svg_start(chart_id: str, classes: str, width: int, height: int, title: str) -> list[str]:
    """The opening of an accessible chart: its ``<svg>`` tag and its title."""
    return [
        f'<svg id="{chart_id}" class="{classes}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{_E(title)}</title>',
    ]


def bar_chart(title: str, rows: list[tuple[str, int, str]], chart_id: str) -> str:
    """Horizontal bars, each under its label: (label, value in cents, value text).

    A narrow drawing (420 units) so that its text stays readable on a phone.
    """
    width, value_w, row_h = 420, 100, 42
    height = 6 + row_h * max(len(rows), 1)
    top = max((v for _, v, _ in rows), default=0) or 1
    bar_w = width - value_w
    parts = _svg_start(chart_id, "chart bars", width, height, title)
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * row_h
        w = max(bar_w * value / top, 1.0)
        parts.append(
            f'<text x="0" y="{y + 14}" class="lbl">{_E(label)}</text>'
            f'<rect class="bar" x="0" y="{y + 19}" width="{w:.1f}" height="16" '
            f'rx="3" fill="{_BLUE}"><title>{_E(label)} : {_E(text)}</title></rect>'
            f'<text x="{w + 5:.1f}" y="{y + 32}" class="val">{_E(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(title: str, days: list[tuple[str, int]], chart_id: str) -> str:
    """Vertical bars per day, with a y axis in euros and a few date labels."""
    width, height, left, right, top_pad, bottom = 420, 230, 50, 6, 10, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice_max(max((v for _, v in days), default=0))
    parts = _svg_start(chart_id, "chart", width, height, title)
    for k in range(5):
        value = top * k // 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{_E(_euros_short(value))}</text>"
        )
    n = max(len(days), 1)
    step = plot_w / n
    every = max(1, math.ceil(n / 8))
    for i, (day, value) in enumerate(days):
        h = plot_h * value / top
        x = left + i * step
        parts.append(
            f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{top_pad + plot_h - h:.1f}" '
            f'width="{max(step * 0.7, 1):.1f}" height="{max(h, 0.5):.1f}" fill="{_BLUE}">'
            f"<title>{_E(_day(day))} : {_E(fmt.euros(value))}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'class="axis">{_E(_day(day)[:5])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


#: a simplified outline of metropolitan France (longitude, latitude), for the map
_FRANCE = [
    (2.54, 51.09),
    (3.15, 50.78),
    (4.16, 50.28),
    (4.83, 50.15),
    (4.87, 49.79),
    (5.81, 49.55),
    (6.37, 49.46),
    (7.45, 49.17),
    (8.23, 48.97),
    (7.80, 48.59),
    (7.57, 48.05),
    (7.59, 47.58),
    (6.96, 47.45),
    (6.46, 46.95),
    (6.11, 46.58),
    (6.15, 46.20),
    (6.80, 46.40),
    (6.86, 45.83),
    (7.14, 45.48),
    (6.63, 45.11),
    (7.01, 44.24),
    (7.53, 43.78),
    (7.26, 43.69),
    (6.94, 43.54),
    (6.64, 43.27),
    (5.93, 43.10),
    (5.37, 43.30),
    (4.58, 43.36),
    (3.90, 43.52),
    (3.10, 43.10),
    (3.05, 42.70),
    (3.17, 42.44),
    (2.50, 42.35),
    (1.72, 42.50),
    (0.70, 42.85),
    (-0.31, 42.84),
    (-1.02, 43.04),
    (-1.78, 43.37),
    (-1.53, 43.50),
    (-1.25, 44.20),
    (-1.25, 44.65),
    (-1.05, 45.60),
    (-1.15, 46.15),
    (-1.78, 46.49),
    (-2.15, 47.00),
    (-2.20, 47.27),
    (-2.90, 47.50),
    (-3.37, 47.72),
    (-4.35, 47.80),
    (-4.73, 48.04),
    (-4.50, 48.38),
    (-4.77, 48.52),
    (-3.98, 48.72),
    (-3.00, 48.83),
    (-2.02, 48.65),
    (-1.50, 48.63),
    (-1.60, 49.20),
    (-1.94, 49.72),
    (-1.26, 49.67),
    (-1.10, 49.37),
    (-0.30, 49.30),
    (0.10, 49.49),
    (0.37, 49.76),
    (1.08, 49.93),
    (1.60, 50.20),
    (1.60, 50.73),
    (1.85, 50.95),
]
_CORSICA = [
    (9.40, 43.01),
    (9.56, 42.60),
    (9.40, 41.90),
    (9.22, 41.37),
    (8.80, 41.58),
    (8.60, 42.05),
    (8.70, 42.60),
    (9.30, 42.70),
]
_LON0, _LAT0, _SCALE = -5.3, 51.3, 52.0
_COS = math.cos(math.radians(46.5))


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _LON0) * _COS * _SCALE + 10, (_LAT0 - lat) * _SCALE + 10


def coordinates() -> dict[str, tuple[float, float]]:
    """City key -> (latitude, longitude), from the shipped ``villes_coordonnees.csv``."""
    text = resources.files("ventes_pme").joinpath("data/villes_coordonnees.csv").read_text("utf-8")
    return {
        city_key(row["ville"]): (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(io.StringIO(text))
    }


def city_map(title: str, cities: list[dict[str, Any]], chart_id: str) -> tuple[str, list[str]]:
    """Cities as circles (area ∝ revenue) on France's outline; also the cities not placed."""
    coords = coordinates()
    width, height = 560, 540
    outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(*p) for p in _FRANCE))
    corsica = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(*p) for p in _CORSICA))
    parts = _svg_start(chart_id, "chart map", width, height, title)
    parts.append(
        f'<polygon points="{outline}" class="land"/><polygon points="{corsica}" class="land"/>'
    )
    top = max((c["chiffre_affaires"] for c in cities), default=0) or 1
    missing = []
    for c in sorted(cities, key=lambda c: -c["chiffre_affaires"]):
        where = coords.get(city_key(c["ville"]))
        if where is None:
            missing.append(c["ville"])
            continue
        x, y = _project(where[1], where[0])
        r = 6 + 22 * math.sqrt(c["chiffre_affaires"] / top)
        text = f"{c['ville']} : {fmt.euros(c['chiffre_affaires'])}"
        parts.append(
            f'<circle class="city" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{_BLUE}" '
            f'fill-opacity="0.55" stroke="{_BLUE}"><title>{_E(text)}</title></circle>'
            f'<text x="{x:.1f}" y="{y - r - 4:.1f}" text-anchor="middle" class="lbl">'
            f"{_E(c['ville'])}</text>"
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="onbar">'
            f"{_E(_euros_short(c['chiffre_affaires']))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts), missing


# --- HTML ----------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: var(--ink); background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 16px; }
header h1 { font-size: 1.6rem; margin: 0.4em 0 0.2em; }
.meta { color: var(--muted); margin: 0 0 1em; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 16px; margin: 0 0 16px; }
h2 { font-size: 1.2rem; margin: 0.3em 0 0.6em; color: var(--accent); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.kpi b { display: block; font-size: 1.5rem; white-space: nowrap; }
.kpi span { color: var(--muted); font-size: 0.9rem; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
.grid2 > div { min-width: 0; }
@media (max-width: 760px) { .grid2 { grid-template-columns: 1fr; } main { padding: 8px; }
  section { padding: 10px; } }
svg.chart { width: 100%; max-width: 560px; height: auto; display: block; margin: 0 auto 8px; }
svg.map { max-width: 560px; }
svg .lbl { font-size: 14px; fill: var(--ink); }
svg .val { font-size: 13px; fill: var(--ink); font-weight: 600; }
svg .axis { font-size: 11px; fill: var(--muted); }
svg.map .lbl { font-size: 17px; }
svg .onbar { font-size: 13px; fill: #fff; font-weight: 600; }
svg .grid { stroke: var(--line); }
svg .land { fill: #eef2f7; stroke: #9aa5b1; stroke-width: 1; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
  white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
ul.reading li { margin: 0.3em 0; }
footer { color: var(--muted); font-size: 0.85rem; padding: 8px 0 24px; }
@media (max-width: 760px) { table { font-size: 0.8rem; } th, td { padding: 3px 4px; } }
"""


def _html_table(table: Table) -> str:
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


def html_report(analysis: Analysis) -> str:
    """The self-contained HTML report (inline CSS and SVG, no external resource)."""
    t = analysis.tables
    e = fmt.euros
    products = t["ventes_par_produit"]
    regions = t["ventes_par_region"]
    stores = t["ventes_par_magasin"]
    product_chart = bar_chart(
        "Chiffre d'affaires par produit",
        [
            (f"{p['nom']} ({p['produit_id']})", p["chiffre_affaires"], e(p["chiffre_affaires"]))
            for p in products
        ],
        "graphique-produits",
    )
    region_chart = bar_chart(
        "Chiffre d'affaires par région",
        [(r["region"], r["chiffre_affaires"], e(r["chiffre_affaires"])) for r in regions],
        "graphique-regions",
    )
    city_svg, missing = city_map("Chiffre d'affaires par ville", t["ventes_par_ville"], "carte")
    day_chart = column_chart(
        "Chiffre d'affaires par jour",
        [(d["jour"], d["chiffre_affaires"]) for d in t["chiffre_affaires_par_jour"]],
        "graphique-jours",
    )
    per_employee = [s for s in stores if s["chiffre_affaires_par_salarie"] is not None]
    per_employee.sort(key=lambda s: (-s["chiffre_affaires_par_salarie"], s["magasin_id"]))
    employee_chart = bar_chart(
        "Chiffre d'affaires par salarié, par magasin",
        [
            (
                f"n° {s['magasin_id']} {s['ville']} ({s['salaries']} sal.)",
                s["chiffre_affaires_par_salarie"],
                e(s["chiffre_affaires_par_salarie"]),
            )
            for s in per_employee
        ],
        "graphique-salaries",
    )
    missing_note = (
        f'<p class="meta">Villes hors carte (pas de coordonnées) : {_E(", ".join(missing))}.</p>'
        if missing
        else ""
    )
    kpis = [
        (e(analysis.total_revenue_cents), "chiffre d'affaires total"),
        (fmt.integer(analysis.sales_count), "ventes"),
        (fmt.integer(analysis.total_quantity), "unités vendues"),
        (fmt.integer(len(stores)), "magasins"),
    ]
    sections = [
        '<section><h2>En bref</h2><div class="kpis">'
        + "".join(f'<div class="kpi"><b>{_E(v)}</b><span>{_E(k)}</span></div>' for v, k in kpis)
        + '</div><ul class="reading">'
        + "".join(f"<li>{_E(s)}</li>" for s in reading(analysis))
        + "</ul></section>",
        '<section id="produits"><h2>Ventes par produit</h2>'
        + product_chart
        + _html_table(products_table(analysis))
        + "</section>",
        '<section id="regions"><h2>Ventes par région et par ville</h2><div class="grid2"><div>'
        + region_chart
        + _html_table(regions_table(analysis))
        + "</div><div>"
        + city_svg
        + missing_note
        + "</div></div></section>",
        '<section id="temps"><h2>Évolution dans le temps</h2>'
        + day_chart
        + _html_table(weeks_table(analysis))
        + "</section>",
        '<section id="magasins"><h2>Par magasin et par salarié</h2>'
        + employee_chart
        + _html_table(stores_table(analysis))
        + "</section>",
        '<section id="produits-regions"><h2>Produits × régions (chiffre d\'affaires)</h2>'
        + _html_table(products_regions_table(analysis))
        + "</section>",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="fr">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Rapport des ventes</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body><main>",
            "<header><h1>Rapport des ventes de la PME</h1>",
            f'<p class="meta">{_E(_header(analysis))}</p></header>',
            *sections,
            "<footer>Rapport produit par <code>ventes rapport</code> à partir des résultats "
            f"enregistrés dans la base ; {_BASIS}</footer>",
            "</main></body>",
            "</html>",
            "",
        ]
    )


def render(analysis: Analysis) -> dict[str, str]:
    """File name -> content: the note and the HTML report."""
    return {NOTE_NAME: markdown(analysis), HTML_NAME: html_report(analysis)}


def write(analysis: Analysis, folder: Path) -> list[Path]:
    """Write the note and the HTML report into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(analysis).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_atomically(conn: sqlite3.Connection, folder: Path) -> list[Path]:
    """(Re)write the note and the HTML report of the latest analysis of ``conn`` into
    ``folder``, each written to a temporary file then renamed: a reader (the ``tableau``
    service) sees the old file or the new one, never half of one. Nothing is written
    when there is no analysis yet."""
    run_id = latest_run_id(conn)
    if run_id is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(read_analysis(conn, run_id)).items():
        path = folder / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
