"""Exports pour tableur : cellules neutralisées (règle OWASP) et CSV pour Excel en français.

Spreadsheet exports: every CSV the dashboard serves goes through here.

- :func:`cell`: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is what a spreadsheet runs as a formula (CSV injection); it gets a leading ``'``,
  the OWASP rule, and is then shown as written. A number written as text (``-12``,
  ``+33``) is left alone: a spreadsheet reads it as a number, never as a formula.
- :func:`neutralised_csv`: a whole CSV text (Datasette's own ``.csv`` exports) with each
  cell passed through :func:`cell`.
- :func:`excel_csv`: rows as the CSV French Excel opens right: UTF-8 with a byte order
  mark, ``;`` between cells, a decimal comma, every text cell neutralised.

Standard library only: the plugins of the ``tableau`` service import it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

#: what a spreadsheet takes for the start of a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?")
_DECIMAL = re.compile(r"-?\d+\.\d+")
BOM = "\ufeff"


def cell(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it (a leading ``'`` if needed)."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralised_csv(text: str) -> str:
    """The CSV ``text`` (``,`` separated, as Datasette writes it) with every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def excel_value(value: object) -> str:
    """One value of a result as French Excel reads it: a decimal comma for a number, a
    neutralised text, nothing for NULL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # its shortest exact writing, never 1e-07
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    text = str(value)
    if _DECIMAL.fullmatch(text):  # an amount stored as text ("5268.78")
        return text.replace(".", ",")
    return cell(text)


def excel_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The header ``columns`` and the ``rows``: UTF-8 with BOM, ``;``, decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(str(c)) for c in columns])
    for row in rows:
        writer.writerow([excel_value(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")
