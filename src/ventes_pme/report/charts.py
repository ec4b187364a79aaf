"""Les graphiques SVG du rapport HTML : barres, jours et carte de France (sans script).

The SVG charts of the HTML report: bars, days and the map of France (no script)."""

from __future__ import annotations

import csv
import html
import io
import math
from importlib import resources

from ventes_pme import fmt
from ventes_pme.regions import city_key

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
            f"<title>{_E(fmt.day(day))} : {_E(fmt.euros(value))}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'class="axis">{_E(fmt.day(day)[:5])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _outline() -> dict[str, list[tuple[float, float]]]:
    """The simplified outline of metropolitan France and Corsica (longitude, latitude),
    from the package data file ``france.csv``."""
    text = resources.files("ventes_pme.report").joinpath("france.csv").read_text("utf-8")
    polygons: dict[str, list[tuple[float, float]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        polygons.setdefault(row["polygone"], []).append(
            (float(row["longitude"]), float(row["latitude"]))
        )
    return polygons


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


def city_map(title: str, cities: list[tuple[str, int]], chart_id: str) -> tuple[str, list[str]]:
    """Cities as circles (area ∝ value, in cents) on France's outline; also the cities that
    could not be placed (no coordinates)."""
    coords = coordinates()
    width, height = 560, 540
    parts = _svg_start(chart_id, "chart map", width, height, title)
    for points in _outline().values():
        drawn = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(*p) for p in points))
        parts.append(f'<polygon points="{drawn}" class="land"/>')
    top = max((value for _, value in cities), default=0) or 1
    missing = []
    for city, value in sorted(cities, key=lambda c: -c[1]):
        where = coords.get(city_key(city))
        if where is None:
            missing.append(city)
            continue
        x, y = _project(where[1], where[0])
        r = 6 + 22 * math.sqrt(value / top)
        text = f"{city} : {fmt.euros(value)}"
        parts.append(
            f'<circle class="city" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{_BLUE}" '
            f'fill-opacity="0.55" stroke="{_BLUE}"><title>{_E(text)}</title></circle>'
            f'<text x="{x:.1f}" y="{y - r - 4:.1f}" text-anchor="middle" class="lbl">'
            f"{_E(city)}</text>"
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="onbar">'
            f"{_E(_euros_short(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts), missing
