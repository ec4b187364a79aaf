"""Nombres, montants et dates à la française, pour le terminal et les rapports.

French formatting of numbers and amounts, for the terminal and the reports."""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

#: narrow no-break space: the French thousands separator
THOUSANDS = "\u202f"
#: no-break space, between a number and its unit
NBSP = "\u00a0"


def integer(value: int) -> str:
    """``1234567`` -> ``"1 234 567"`` (narrow no-break spaces)."""
    return f"{value:,}".replace(",", THOUSANDS)


def euros(cents: int | None, *, symbol: bool = True) -> str:
    """Integer cents -> ``"5 268,78 €"``; None -> ``"—"``."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    text = f"{sign}{integer(whole)},{rest:02d}"
    return f"{text}{NBSP}€" if symbol else text


def day(iso: str | None) -> str:
    """``"2023-05-27"`` -> ``"27/05/2023"``; None -> ``"—"``."""
    return "—" if not iso else date.fromisoformat(iso).strftime("%d/%m/%Y")


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def month(iso: str | None) -> str:
    """``"2023-05"`` (or a day of that month) -> ``"mai 2023"``; None -> ``"—"``."""
    if not iso:
        return "—"
    year, number = int(iso[:4]), int(iso[5:7])
    return f"{MONTHS[number - 1]} {year}"


#: the days of the week, Monday first (``date.weekday()`` order)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def weekday(iso: str) -> str:
    """``"2023-05-27"`` -> ``"samedi"``."""
    return WEEKDAYS[date.fromisoformat(iso[:10]).weekday()]


def moment(iso: str) -> str:
    """``"2026-11-29T01:57:49+00:00"`` -> ``"29/11/2026 à 01:57 UTC"`` (times are UTC)."""
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y à %H:%M UTC")


def seconds(value: float) -> str:
    """``0.15`` -> ``"0,15 s"``: a duration as the settings give it, French decimal comma."""
    return f"{value:g}".replace(".", ",") + f"{NBSP}s"


def value(format: str, value: Any) -> str:
    """A stored value in French, by its declared format (see :mod:`ventes_pme.catalog`):
    the terminal, the note and the HTML report all write it through here."""
    if value is None:
        return "—"
    if format == "euros":
        return euros(value)
    if format == "integer":
        return integer(value)
    if format == "date":
        return day(value)
    if format == "month":
        return month(value)
    return str(value)


def plural(n: int, singular: str, plural: str | None = None) -> str:
    """``(1, "vente")`` -> ``"1 vente"``, ``(2, "vente")`` -> ``"2 ventes"`` (French: 0 and 1
    are singular)."""
    word = singular if abs(n) < 2 else (plural or singular + "s")
    return f"{integer(n)} {word}"


def decimal(value: Decimal | float, places: int = 1) -> str:
    """``12.345`` -> ``"12,3"`` (rounded half up)."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    sign = "-" if rounded < 0 else ""
    text = sign + integer(int(whole))
    return f"{text},{fraction}" if fraction else text


def percent(part: int, whole: int, places: int = 1) -> str:
    """``(1, 3)`` -> ``"33,3 %"``."""
    if whole == 0:
        return "—"
    return f"{decimal(Decimal(part) * 100 / Decimal(whole), places)}{NBSP}%"


def size(n: int) -> str:
    """Bytes -> ``"12,3 Mo"``."""
    for unit, factor in (("Go", 1 << 30), ("Mo", 1 << 20), ("ko", 1 << 10)):
        if n >= factor:
            return f"{decimal(Decimal(n) / factor)}{NBSP}{unit}"
    return f"{n}{NBSP}o"


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A plain-text table; columns in ``right`` (indexes) are right-aligned."""
    right = right or set()
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def change(current: int, previous: int) -> str:
    """``(110, 100)`` -> ``"+10,0 %"``: the change from ``previous`` to ``current``;
    ``"—"`` when there is nothing to compare with (``previous`` is 0)."""
    if previous == 0:
        return "—"
    ratio = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    text = decimal(ratio)
    return f"{'+' if ratio >= 0 and text != '0,0' else ''}{text}{NBSP}%".replace("-", "−")


def _sql_euros(cents: int | None) -> str | None:
    return None if cents is None else euros(int(cents))


def _sql_month(iso: str | None) -> str | None:
    return None if iso is None else month(str(iso))


def _sql_share(part: int | None, whole: int | None) -> str | None:
    return None if part is None or not whole else percent(int(part), int(whole))


def _sql_change(current: int | None, previous: int | None) -> str | None:
    return None if current is None or previous is None else change(int(current), int(previous))


def _sql_weekday(iso: str | None) -> str | None:
    return None if iso is None else weekday(str(iso))


def _sql_day(iso: str | None) -> str | None:
    return None if iso is None else day(str(iso))


def _sql_integer(value: int | None) -> str | None:
    return None if value is None else integer(int(value))


def _sql_url(text: Any) -> str:
    return "" if text is None else quote(str(text), safe="")


def _sql_html(text: Any) -> str | None:
    return None if text is None else html.escape(str(text))


#: the formats above as SQL functions: name -> (number of arguments, function)
SQL_FUNCTIONS: dict[str, tuple[int, Callable[..., str | None]]] = {
    "format_euros": (1, _sql_euros),  # format_euros(526878) -> '5 268,78 €'
    "format_month": (1, _sql_month),  # format_month('2023-05') -> 'mai 2023'
    "format_share": (2, _sql_share),  # format_share(part, total) -> '31,9 %'
    "format_change": (2, _sql_change),  # format_change(110, 100) -> '+10,0 %'
    "format_day": (1, _sql_day),  # format_day('2023-05-27') -> '27/05/2023'
    "format_weekday": (1, _sql_weekday),  # format_weekday('2023-05-27') -> 'samedi'
    "format_integer": (1, _sql_integer),  # format_integer(1234) -> '1 234'
    # the dashboard's links carry the chosen filters: url_param('a b') -> 'a%20b'
    "url_param": (1, _sql_url),
    # the dashboard's tables write their cells as HTML: names from the files are escaped
    "html_text": (1, _sql_html),  # html_text('<b>') -> '&lt;b&gt;'
}


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL functions of :data:`SQL_FUNCTIONS`: the dashboard's queries
    format amounts, months and shares exactly as the terminal and the reports do.
    Registered by :func:`ventes_pme.db.connect` and by the dashboard's plugin on each of
    Datasette's connections."""
    for name, (arity, function) in SQL_FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)
