"""What the tests on generated files share: the valid sales of a folder's files read
independently of validate.py, the sales a database holds, and publishing a folder."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

from tests.httpserver import FileServer

Key = tuple[str, str, int, int]


def expected(folder: Path) -> Counter[Key]:
    """The valid sales of ``folder``'s files as a multiset, by an independent reading."""
    products = {
        line.split(",")[1] for line in (folder / "produits.csv").read_text("utf-8").splitlines()[1:]
    }
    stores = {
        int(line.split(",")[0])
        for line in (folder / "magasins.csv").read_text("utf-8").splitlines()[1:]
    }
    sales: Counter[Key] = Counter()
    for line in (folder / "ventes.csv").read_text("utf-8").splitlines()[1:]:
        fields = line.split(",")
        if len(fields) != 4:
            continue
        day, product, quantity, store = fields
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            continue
        if len(day) != 10 or product not in products or not quantity.isdigit():
            continue
        if not store.isdigit() or int(store) not in stores or not 1 <= int(quantity) <= 10**6:
            continue
        sales[(parsed.isoformat(), product, int(store), int(quantity))] += 1
    return sales


def stored(db: Path) -> Counter[Key]:
    """The sales of the database as a multiset; checks occurrences are exactly 1..k."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT sale_date, product_id, store_id, quantity, count(*), "
            "min(occurrence), max(occurrence) FROM sales GROUP BY 1, 2, 3, 4"
        ).fetchall()
    finally:
        conn.close()
    for *key, count, low, high in rows:
        assert (low, high) == (1, count), f"occurrences of {key} are not 1..{count}"
    return Counter({(d, p, s, q): n for d, p, s, q, n, _, _ in rows})


def publish(server: FileServer, folder: Path) -> None:
    for source in ("produits", "magasins", "ventes"):
        server.files[source] = (folder / f"{source}.csv").read_bytes()
