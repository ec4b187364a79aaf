"""Les fichiers SQL livrés avec le paquet, lus une seule fois.

The SQL files shipped with the package, read once."""

from __future__ import annotations

import re
from functools import cache


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``, e.g. ``sql("load/insert_new_sales")``."""
    # imported on first use: the child reading a sales file (processes.py) imports the
    # modules that name SQL files but never reads one: importlib.resources is not free
    from importlib import resources

    return resources.files("ventes_pme").joinpath(f"sql/{name}.sql").read_text("utf-8")


#: the single row of values of an INSERT file: ``VALUES (?1, ?2, …, ?n)``
_ROW = re.compile(r"VALUES \((\?1(?:, \?\d+)*)\)")


@cache
def sql_rows(name: str, rows: int, shared: int = 0) -> str:
    """``sql/<name>.sql``, an INSERT of one row ``VALUES (?1, …, ?n)``, made an INSERT of
    ``rows`` rows: one statement binds and runs at once what ``rows`` executions of the
    file would (ON CONFLICT clauses apply to each row in turn).

    Row k (from 0) takes parameters ``k·m+1 … k·m+m`` for its ``m = n − shared`` own
    values; the last ``shared`` values of the file's row are the same for every row and
    bound once, after all the rows' own values. Only placeholders are added to the file's
    text: every value is still a bound parameter.

    Numbered placeholders cost SQLite's parser a search among the numbers already seen,
    once per statement prepared (a few milliseconds, once per import). Plain
    ``?`` would need the shared values first in the row, hence first in the column list:
    SQLite then copies each row into the table's order, a cost per sale that soon passes
    the parse's (callgrind; docs/performance.md).

    >>> sql_rows("load/insert_sale", 2, shared=1).split("VALUES ")[1].splitlines()[0]
    '(?1, ?2, ?3, ?4, ?5, ?6, ?13), (?7, ?8, ?9, ?10, ?11, ?12, ?13)'
    """
    text = sql(name)
    found = _ROW.findall(text)
    width = len(found[0].split(", ")) if len(found) == 1 else 0
    expected = ", ".join(f"?{i}" for i in range(1, width + 1))
    if not width or found[0] != expected or not 0 <= shared < width:
        raise ValueError(f"sql/{name}.sql : une seule ligne VALUES (?1, …, ?n) attendue")
    own = width - shared
    common = [f"?{rows * own + i}" for i in range(1, shared + 1)]
    values = ", ".join(
        "(" + ", ".join([f"?{k * own + i}" for i in range(1, own + 1)] + common) + ")"
        for k in range(rows)
    )
    return text.replace(f"VALUES ({expected})", f"VALUES {values}")
