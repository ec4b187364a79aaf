"""The persistent sales aggregates (migration 0002): per day and store, per product and store.

Every analysis reads them instead of scanning the sales. They stay exact because sales
are only ever added (UPDATE and DELETE on ``sales`` are refused by triggers): each import
adds the contribution of the sales it inserts, inside its own transaction, so a failed
import takes its aggregate updates back with its sales.

- sales inserted directly (first import, lines appended since the previous import): summed
  here as they are inserted, then one upsert per aggregate row touched
  (``sql/aggregates/add_to_*.sql``, a few thousand rows at most): no scan of the sales;
- full re-read of the file (rare): one set-based statement per aggregate, from the sales of
  that import (``sql/aggregates/add_sales_by_*.sql``), a scan that costs little next to
  reading the whole file again;
- :func:`rebuild_if_stale` compares the total count of each aggregate with the number of sales (an
  import and an analysis count them anyway) and rebuilds both from the sales when they
  differ: a sale inserted by other means (the sqlite3 shell) cannot leave them wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ventes_pme.sqlfiles import sql

#: (sales count, quantity, revenue in cents)
Sums = list[int]


class NewSales:
    """The sums, per aggregate row, of sales being inserted one by one."""

    def __init__(self) -> None:
        self.by_day_store: dict[tuple[str, int], Sums] = {}
        self.by_product_store: dict[tuple[str, int], Sums] = {}

    def add(self, rows: Iterable[tuple[str, str, int, int, int, int, int]]) -> None:
        """Add inserted sales given as (date, product, store, quantity, occurrence, unit
        price, import)."""
        by_day, by_product = self.by_day_store, self.by_product_store
        for day, product, store, quantity, _occurrence, price, _import_id in rows:
            revenue = quantity * price
            sums = by_day.get((day, store))
            if sums is None:
                by_day[(day, store)] = [1, quantity, revenue]
            else:
                sums[0] += 1
                sums[1] += quantity
                sums[2] += revenue
            sums = by_product.get((product, store))
            if sums is None:
                by_product[(product, store)] = [1, quantity, revenue]
            else:
                sums[0] += 1
                sums[1] += quantity
                sums[2] += revenue

    def write(self, conn: sqlite3.Connection) -> None:
        """Add the sums to the persistent aggregates (inside the import's transaction)."""
        conn.executemany(
            sql("aggregates/add_to_day_store"),
            [(*key, *sums) for key, sums in self.by_day_store.items()],
        )
        conn.executemany(
            sql("aggregates/add_to_product_store"),
            [(*key, *sums) for key, sums in self.by_product_store.items()],
        )
        self.by_day_store.clear()
        self.by_product_store.clear()


def add_import(conn: sqlite3.Connection, import_id: int | None) -> None:
    """Add the sales of one import (every sale when ``import_id`` is None), set-based."""
    conn.execute(sql("aggregates/add_sales_by_day_store"), {"import_id": import_id})
    conn.execute(sql("aggregates/add_sales_by_product_store"), {"import_id": import_id})


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute both aggregates from every sale (inside the caller's transaction)."""
    conn.execute("DELETE FROM sales_by_day_store")
    conn.execute("DELETE FROM sales_by_product_store")
    add_import(conn, None)


def rebuild_if_stale(conn: sqlite3.Connection, sales_count: int) -> bool:
    """Rebuild the aggregates if their totals differ from ``sales_count`` (the number of
    sales, counted in the caller's transaction). Returns True when they were rebuilt."""
    totals = conn.execute(
        "SELECT (SELECT coalesce(sum(sales_count), 0) FROM sales_by_day_store), "
        "(SELECT coalesce(sum(sales_count), 0) FROM sales_by_product_store)"
    ).fetchone()
    if tuple(totals) == (sales_count, sales_count):
        return False
    rebuild(conn)
    return True
