"""Les graphiques SVG du rapport HTML : barres, évolution dans le temps et carte (sans script).

The SVG charts of the HTML report: bars, a time series and the map of France (no script).

Every text stays inside its drawing: margins come from the lengths of the labels
(:func:`text_width`, a generous estimate of a sans-serif font), long labels are cut with
"…" (the whole text in the tooltip), and the map keeps its labels within its edges. The
browser tests measure every text's box in Chromium.
"""

from __future__ import annotations

import csv
import html
import io
import math
from dataclasses import dataclass
from importlib import resources

from ventes_pme import fmt
from ventes_pme.regions import city_key

_E = html.escape
_BLUE = "#1f5f99"
_GREY = "#6b7280"
#: the label of the row that sums the rows not shown: "autres (190)"
OTHERS = "autres ("

#: the advance of characters, in em: a little more than DejaVu Sans (the widest usual
#: sans-serif), so that a text is never wider than computed; bold is 10 % wider
_NARROW = frozenset("iljtfrI.,;:!'|()[]-\u00a0\u202f ")
_WIDE = frozenset("mwMWŒœÆæ")


def _em(char: str) -> float:
    if char in _NARROW:
        return 0.42
    if char in _WIDE:
        return 1.05
    if char.isdigit() or char.islower():
        return 0.66
    return 0.8  # capitals, symbols (€, …)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width (SVG units) a text at ``size`` takes at most, estimated from its characters."""
    return sum(_em(c) for c in text) * size * (1.1 if bold else 1.0)


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` cut with "…" so that it fits ``width`` at ``size``."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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

    A narrow drawing (420 units) so that its text stays readable on a phone; the bars
    leave room for the longest value text, labels too long are cut (tooltip: whole). A
    row labelled "autres (…)" (the sum of the rows not shown) is drawn in grey.
    """
    width, row_h, label_size, value_size = 420, 42, 14, 13
    height = 6 + row_h * max(len(rows), 1)
    top = max((v for _, v, _ in rows), default=0) or 1
    value_w = max((text_width(t, value_size, True) for _, _, t in rows), default=0) + 8
    bar_w = max(width - value_w - 2, 40)
    parts = _svg_start(chart_id, "chart bars", width, height, title)
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * row_h
        w = max(bar_w * max(value, 0) / top, 1.0)
        colour = _GREY if label.startswith(OTHERS) else _BLUE
        parts.append(
            f'<text x="2" y="{y + 14}" class="lbl">{_E(fit(label, width - 4, label_size))}</text>'
            f'<rect class="bar" x="0" y="{y + 19}" width="{w:.1f}" height="16" '
            f'rx="3" fill="{colour}"><title>{_E(label)} : {_E(text)}</title></rect>'
            f'<text x="{w + 5:.1f}" y="{y + 32}" class="val">{_E(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    """One column of a time series: its axis label, value (cents) and tooltip label."""

    axis: str
    value: int
    label: str


def column_chart(title: str, points: list[Point], chart_id: str) -> str:
    """Vertical bars in time order, a y axis in euros (its margin as wide as its longest
    label) and as many x labels as fit without touching."""
    width, height, right, top_pad, bottom, size = 420, 230, 6, 10, 30, 11
    top = _nice_max(max((p.value for p in points), default=0))
    ticks = [(top * k // 4, _euros_short(top * k // 4)) for k in range(5)]
    left = math.ceil(max(text_width(t, size) for _, t in ticks)) + 10
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    parts = _svg_start(chart_id, "chart", width, height, title)
    for k, (_value, text) in enumerate(ticks):
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{_E(text)}</text>"
        )
    n = max(len(points), 1)
    step = plot_w / n
    label_w = max((text_width(p.axis, size) for p in points), default=0) + 8
    every = max(1, math.ceil(label_w / step))
    for i, point in enumerate(points):
        h = plot_h * max(point.value, 0) / top
        x = left + i * step
        parts.append(
            f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{top_pad + plot_h - h:.1f}" '
            f'width="{max(step * 0.7, 1):.1f}" height="{max(h, 0.5):.1f}" fill="{_BLUE}">'
            f"<title>{_E(point.label)} : {_E(fmt.euros(point.value))}</title></rect>"
        )
        center = x + step / 2
        half = text_width(point.axis, size) / 2
        if i % every == 0 and center - half >= 0 and center + half <= width:
            parts.append(
                f'<text x="{center:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'class="axis">{_E(point.axis)}</text>'
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
#: metropolitan France and Corsica, as drawn (latitude min, max, longitude min, max)
_MAINLAND = (41.3, 51.2, -5.2, 9.7)
#: the overseas regions, each in its own inset under the map: name -> extent
#: (latitude min, max, longitude min, max), a little wider than the territory
OVERSEAS = {
    "Guadeloupe": (15.80, 16.55, -61.85, -60.95),
    "Martinique": (14.35, 14.90, -61.25, -60.78),
    "Guyane": (2.05, 5.80, -54.65, -51.55),
    "La Réunion": (-21.42, -20.84, 55.18, 55.87),
    "Mayotte": (-13.03, -12.60, 44.98, 45.33),
}
_MAP_W, _MAP_H, _INSET_TOP, _INSET_H = 560, 540, 548, 112


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _LON0) * _COS * _SCALE + 10, (_LAT0 - lat) * _SCALE + 10


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


@dataclass(frozen=True)
class _Inset:
    name: str
    x: float
    y: float
    w: float
    h: float
    box: tuple[float, float, float, float]

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """The point in the inset's frame (below its name), keeping the proportions."""
        lat_min, lat_max, lon_min, lon_max = self.box
        cos = math.cos(math.radians((lat_min + lat_max) / 2))
        inner_w, inner_h = self.w - 12, self.h - 28
        scale = min(inner_w / ((lon_max - lon_min) * cos), inner_h / (lat_max - lat_min))
        used_w, used_h = (lon_max - lon_min) * cos * scale, (lat_max - lat_min) * scale
        x0 = self.x + 6 + (inner_w - used_w) / 2
        y0 = self.y + 22 + (inner_h - used_h) / 2
        return x0 + (lon - lon_min) * cos * scale, y0 + (lat_max - lat) * scale


def _insets(names: list[str]) -> list[_Inset]:
    """The insets of the overseas regions ``names``, side by side under the map (room
    for all five, each the same size)."""
    gap = 8
    w = (_MAP_W - 2 * gap - (len(OVERSEAS) - 1) * gap) / len(OVERSEAS)
    return [
        _Inset(name, gap + i * (w + gap), _INSET_TOP, w, _INSET_H - gap, OVERSEAS[name])
        for i, name in enumerate(names)
    ]


def coordinates() -> dict[str, tuple[float, float]]:
    """City key -> (latitude, longitude), from the shipped ``villes_coordonnees.csv``."""
    text = resources.files("ventes_pme").joinpath("data/villes_coordonnees.csv").read_text("utf-8")
    return {
        city_key(row["ville"]): (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(io.StringIO(text))
    }


@dataclass
class _Bubble:
    city: str
    value: int
    x: float
    y: float
    r: float
    area: tuple[float, float, float, float]  # x min, y min, x max, y max it stays in


def _spread(bubbles: list[_Bubble], rounds: int = 120) -> None:
    """Move overlapping bubbles apart (a few pixels each round) until none hides another,
    each kept inside its area; deterministic (same input, same drawing)."""
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(bubbles):
            for j in range(i + 1, len(bubbles)):
                b = bubbles[j]
                dx, dy = b.x - a.x, b.y - a.y
                need = a.r + b.r + 0.5
                if abs(dx) >= need or abs(dy) >= need:
                    continue
                d = math.hypot(dx, dy)
                if d >= need:
                    continue
                if d < 1e-6:  # same place: apart along an angle given by the pair
                    angle = (i * 7 + j * 13) % 360
                    dx, dy, d = math.cos(math.radians(angle)), math.sin(math.radians(angle)), 1.0
                push = (need - d) / 2 + 0.05
                ux, uy = dx / d, dy / d
                a.x, a.y = a.x - ux * push, a.y - uy * push
                b.x, b.y = b.x + ux * push, b.y + uy * push
                moved = True
        for c in bubbles:
            x0, y0, x1, y1 = c.area
            c.x = min(max(c.x, x0 + c.r), x1 - c.r)
            c.y = min(max(c.y, y0 + c.r), y1 - c.r)
        if not moved:
            return


def city_map(title: str, cities: list[tuple[str, int]], chart_id: str) -> tuple[str, list[str]]:
    """Cities as circles (area ∝ value, in cents) on France's outline, the overseas regions
    in insets below it; circles moved apart where they would hide each other, the largest
    cities named; an inset only for an overseas region with a city. Also returns the
    cities that could not be placed (no coordinates)."""
    coords = coordinates()
    placed = [(c, v) for c, v in cities if v is not None]
    # an inset for each overseas region that has a city here
    wheres = [w for w in (coords.get(city_key(c)) for c, _ in placed) if w is not None]
    insets = _insets([n for n, box in OVERSEAS.items() if any(_inside(box, *w) for w in wheres)])
    width, height = _MAP_W, (_INSET_TOP + _INSET_H) if insets else _INSET_TOP - 4
    parts = _svg_start(chart_id, "chart map", width, height, title)
    for points in _outline().values():
        drawn = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(*p) for p in points))
        parts.append(f'<polygon points="{drawn}" class="land"/>')
    for inset in insets:
        parts.append(
            f'<rect x="{inset.x:.1f}" y="{inset.y:.1f}" width="{inset.w:.1f}" '
            f'height="{inset.h:.1f}" rx="4" class="inset"/>'
            f'<text x="{inset.x + inset.w / 2:.1f}" y="{inset.y + 15:.1f}" '
            f'text-anchor="middle" class="axis">{_E(inset.name)}</text>'
        )
    top = max((v for _, v in placed), default=0) or 1
    # fewer, smaller circles when there are many cities
    r_max = 16.0 if len(placed) <= 20 else max(7.0, 16.0 * math.sqrt(20 / len(placed)))
    groups: dict[str, list[_Bubble]] = {}
    missing = []
    for city, value in sorted(placed, key=lambda c: (-c[1], c[0])):
        where = coords.get(city_key(city))
        r = 2.5 + (r_max - 2.5) * math.sqrt(max(value, 0) / top)
        if where is not None and _inside(_MAINLAND, *where):
            x, y = _project(where[1], where[0])
            bubble = _Bubble(city, value, x, y, r, (0, 0, width, _INSET_TOP - 4))
            groups.setdefault("", []).append(bubble)
            continue
        home = next((i for i in insets if where and _inside(i.box, *where)), None)
        if where is None or home is None:
            missing.append(city)
            continue
        x, y = home.project(where[1], where[0])
        r = min(r, home.h / 4)
        area = (home.x, home.y + 18, home.x + home.w, home.y + home.h)
        groups.setdefault(home.name, []).append(_Bubble(city, value, x, y, r, area))
    for group in groups.values():
        _spread(group)
    bubbles = sorted((b for g in groups.values() for b in g), key=lambda b: (-b.r, b.city))
    for b in bubbles:  # largest first: the small ones stay on top
        text = f"{b.city} : {fmt.euros(b.value)}"
        parts.append(
            f'<circle class="city" cx="{b.x:.1f}" cy="{b.y:.1f}" r="{b.r:.1f}" fill="{_BLUE}" '
            f'fill-opacity="0.5" stroke="{_BLUE}"><title>{_E(text)}</title></circle>'
        )
    # the names of the largest mainland cities, where they do not cover another name
    taken: list[tuple[float, float, float, float]] = []
    size = 15
    for b in groups.get("", [])[:8]:
        w = text_width(b.city, size)
        x = min(max(b.x, w / 2 + 2), width - w / 2 - 2)
        y = max(b.y - b.r - 4, size + 2)
        box = (x - w / 2, y - size, x + w / 2, y + 3)
        if any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
            continue
        taken.append(box)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" class="lbl">{_E(b.city)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts), missing
