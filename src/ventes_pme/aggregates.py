"""Les agrégats de ventes par magasin (et jour, et produit, et produit et mois) à jour.

The persistent sales aggregates: per day and store, per product and store (migration 0002),
per product, month and store (migration 0010).

Every analysis and dashboard reads them instead of scanning the sales. They stay exact because sales
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
  import and an analysis count them anyway) and rebuilds all three from the sales when one
  differs: a sale inserted by other means (the sqlite3 shell) cannot leave them wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from ventes_pme.sqlfiles import sql, sql_rows

#: (sales count, quantity, revenue in cents)
Sums = list[int]


#: The three sums of an aggregate row packed into one Python integer, so that importing
#: millions of sales adds one number per row and sale instead of three (NewSales):
#: bits 0-63 the count of sales, 64-127 their quantity, 128 and up their revenue in cents.
#: Python integers have no upper bound, and the two lower fields cannot overflow: a count
#: or a sum of quantities (at most validate.MAX_QUANTITY each) would need 10^15 sales.
SHIFT = 64
_MASK = (1 << SHIFT) - 1


def pack(price: int) -> int:
    """What one unit sold at ``price`` cents adds to the sums (price >= 0): a sale of
    ``quantity`` units adds ``quantity * pack(price) + 1``."""
    return (1 << SHIFT) | (price << 2 * SHIFT)


def unpack(packed: int) -> Sums:
    """[count, quantity, revenue] of sums added as :func:`pack` says."""
    return [packed & _MASK, (packed >> SHIFT) & _MASK, packed >> 2 * SHIFT]


#: The key of a (store, month) pair in :attr:`NewSales.by_product`: ``store * MONTH_KEY +
#: month`` with ``month`` = year × 100 + month number (below MONTH_KEY: years have four
#: digits), so that ``divmod(key, MONTH_KEY)`` gives the store and the month back.
MONTH_KEY = 1_000_000


class NewSales:
    """The sums, per aggregate row, of sales being inserted (load/sales.py, as it inserts them).

    One packed integer per row (:func:`pack`), by date then store (``by_day``) and by
    product then store and month (``by_product``, keyed as :data:`MONTH_KEY` says): a sale
    adds one number to each, with integer keys (no tuple built per sale). The product x
    store rows are the product x month x store rows summed over the months.
    """

    def __init__(self, prices: Mapping[str, int] | None = None) -> None:
        #: product -> what one unit of it adds (its price now)
        self.packs = {product: pack(price) for product, price in (prices or {}).items()}
        self.by_day: dict[str, dict[int, int]] = {}
        self.by_product: dict[str, dict[int, int]] = {}

    def add(self, flat: Sequence[Any], width: int) -> None:
        """Add sales given flat, ``width`` values each, the first four being the date, the
        product (of ``prices``), the store and the quantity (the parameters of the INSERTs
        of sales_reader.py: the import's id after the last sale is ignored)."""
        packs, by_day, by_product = self.packs, self.by_day, self.by_product
        last_day = None
        today: dict[int, int] = {}
        month = 0
        end = len(flat) - len(flat) % width
        columns = (flat[0:end:width], flat[1:end:width], flat[2:end:width], flat[3:end:width])
        for day, product, store, quantity in zip(*columns, strict=True):
            packed = quantity * packs[product] + 1
            if day != last_day:  # the sales come nearly sorted by date
                today = by_day.setdefault(day, {})
                last_day = day
                month = int(day[:4]) * 100 + int(day[5:7])
            today[store] = today.get(store, 0) + packed
            per_month = by_product.get(product)
            if per_month is None:
                per_month = by_product[product] = {}
            key = store * MONTH_KEY + month
            per_month[key] = per_month.get(key, 0) + packed

    def merge(
        self, by_day: dict[str, dict[int, int]], by_product: dict[str, dict[int, int]]
    ) -> None:
        """Add the sums of another :class:`NewSales` (its ``by_day`` and ``by_product``),
        taking their inner dictionaries over where this one has none for the key (the
        reading process's sums, received whole: no second copy of them is made)."""
        for mine, theirs in ((self.by_day, by_day), (self.by_product, by_product)):
            for key, stores in theirs.items():
                into = mine.get(key)
                if into is None:
                    mine[key] = stores
                    continue
                for store, packed in stores.items():
                    into[store] = into.get(store, 0) + packed

    def rows(
        self,
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
        """(date, store, count, quantity, revenue), (product, store, …) and (product, first
        day of the month, store, …) rows."""
        by_product: list[tuple[object, ...]] = []
        by_month = list(self._month_rows(by_product))
        return self._day_rows(), by_product, by_month

    def _day_rows(self) -> list[tuple[object, ...]]:
        return [
            (day, store, *unpack(packed))
            for day, stores in self.by_day.items()
            for store, packed in stores.items()
        ]

    def _month_rows(
        self, by_product: list[tuple[object, ...]], consume: bool = False
    ) -> Iterator[tuple[object, ...]]:
        """The product x month x store rows, in the table's key order, one product at a
        time (a first import has hundreds of thousands: none is held longer than its
        product's, and ``consume`` drops each product's sums once its rows are made); the
        product x store rows are appended to ``by_product`` meanwhile."""
        starts: dict[int, str] = {}  # one string per month, not one per row
        for product in sorted(self.by_product):
            keys = self.by_product.pop(product) if consume else self.by_product[product]
            per_store: dict[int, int] = {}
            rows = []
            for key, packed in keys.items():
                store, month = divmod(key, MONTH_KEY)
                per_store[store] = per_store.get(store, 0) + packed
                start = starts.get(month)
                if start is None:
                    start = starts[month] = f"{month // 100:04d}-{month % 100:02d}-01"
                rows.append((start, store, packed))
            rows.sort()
            yield from ((product, start, store, *unpack(packed)) for start, store, packed in rows)
            by_product.extend(
                (product, store, *unpack(packed)) for store, packed in per_store.items()
            )

    def write(self, conn: sqlite3.Connection) -> None:
        """Add the sums to the persistent aggregates (inside the import's transaction)."""
        by_product: list[tuple[object, ...]] = []
        _upsert(conn, "aggregates/add_to_product_month_store", self._month_rows(by_product, True))
        _upsert(conn, "aggregates/add_to_product_store", by_product)
        _upsert(conn, "aggregates/add_to_day_store", self._day_rows())
        self.by_day.clear()
        self.by_product.clear()


#: Aggregate rows per multi-row upsert (a first import writes tens of thousands).
ROWS_PER_UPSERT = 100


def _upsert(conn: sqlite3.Connection, name: str, rows: Iterable[tuple[object, ...]]) -> None:
    """Run ``sql/<name>.sql`` (one aggregate row's upsert) for each of ``rows``: whole
    ROWS_PER_UPSERT-row statements (``sqlfiles.sql_rows``), then one row at a time. The
    rows are read as they come (an iterator is never held whole)."""
    many = ""
    rows = iter(rows)
    while True:
        chunk = list(islice(rows, ROWS_PER_UPSERT))
        if len(chunk) < ROWS_PER_UPSERT:
            conn.executemany(sql(name), chunk)
            return
        many = many or sql_rows(name, ROWS_PER_UPSERT)
        conn.execute(many, [value for row in chunk for value in row])


def add_import(conn: sqlite3.Connection, import_id: int | None) -> None:
    """Add the sales of one import (every sale when ``import_id`` is None), set-based."""
    conn.execute(sql("aggregates/add_sales_by_day_store"), {"import_id": import_id})
    conn.execute(sql("aggregates/add_sales_by_product_store"), {"import_id": import_id})
    conn.execute(sql("aggregates/add_sales_by_product_month_store"), {"import_id": import_id})


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute the aggregates from every sale (inside the caller's transaction)."""
    conn.execute("DELETE FROM sales_by_day_store")
    conn.execute("DELETE FROM sales_by_product_store")
    conn.execute("DELETE FROM sales_by_product_month_store")
    add_import(conn, None)


def rebuild_if_stale(conn: sqlite3.Connection, sales_count: int) -> bool:
    """Rebuild the aggregates if their totals differ from ``sales_count`` (the number of
    sales, counted in the caller's transaction). Returns True when they were rebuilt."""
    totals = conn.execute(
        "SELECT (SELECT coalesce(sum(sales_count), 0) FROM sales_by_day_store), "
        "(SELECT coalesce(sum(sales_count), 0) FROM sales_by_product_store), "
        "(SELECT coalesce(sum(sales_count), 0) FROM sales_by_product_month_store)"
    ).fetchone()
    if tuple(totals) == (sales_count,) * 3:
        return False
    rebuild(conn)
    return True
