"""Helpers shared by the import, validation and analysis tests (real server, real SQLite)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import MAGASINS, PRODUITS, VENTES_HEADER, make_settings
from tests.httpserver import FileServer
from ventes_pme import api
from ventes_pme.load import ImportReport

Sale = tuple[str, str, int, int]
"""(date, product, store, quantity): the content of a sales line."""


def ventes_csv(
    lines: list[Sale] | list[Sale | str], header: str = VENTES_HEADER, eol: str = "\n"
) -> str:
    """A sales file with ``lines`` (as the client writes them: date, product, quantity, store);
    a line given as a string is written as is."""
    body = "".join(
        (line if isinstance(line, str) else f"{line[0]},{line[1]},{line[3]},{line[2]}") + eol
        for line in lines
    )
    return header.replace("\n", eol) + body


def import_files(
    server: FileServer,
    db: Path,
    *,
    ventes: str | bytes,
    produits: str | bytes = PRODUITS,
    magasins: str | bytes = MAGASINS,
    **overrides: Any,
) -> ImportReport:
    """Publish the three files on ``server`` and run one import into ``db``."""
    for name, content in (("produits", produits), ("magasins", magasins), ("ventes", ventes)):
        server.files[name] = content.encode() if isinstance(content, str) else content
    return api.import_data(make_settings(server, db, **overrides))


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def stored_sales(db: Path) -> Counter[Sale]:
    """The multiset of sales held by the database."""
    return Counter(
        (day, product, store, quantity)
        for day, product, store, quantity in query(
            db, "SELECT sale_date, product_id, store_id, quantity FROM sales"
        )
    )


def occurrences(db: Path, sale: Sale) -> list[int]:
    return [
        r[0]
        for r in query(
            db,
            "SELECT occurrence FROM sales WHERE sale_date = ? AND product_id = ? "
            "AND store_id = ? AND quantity = ? ORDER BY occurrence",
            sale,
        )
    ]


Aggregates = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
"""(per day and store, per product and store) rows, each with count, quantity, revenue."""


def aggregates(db: Path) -> Aggregates:
    """The persistent aggregates kept by the import (migration 0002)."""
    return (
        query(db, "SELECT * FROM sales_by_day_store ORDER BY sale_date, store_id"),
        query(db, "SELECT * FROM sales_by_product_store ORDER BY product_id, store_id"),
    )


def aggregates_from_sales(db: Path) -> Aggregates:
    """The same aggregates computed by a full scan of the sales."""
    sums = "count(*), sum(quantity), sum(quantity * unit_price_cents)"
    return (
        query(db, f"SELECT sale_date, store_id, {sums} FROM sales GROUP BY 1, 2 ORDER BY 1, 2"),
        query(db, f"SELECT product_id, store_id, {sums} FROM sales GROUP BY 1, 2 ORDER BY 1, 2"),
    )
