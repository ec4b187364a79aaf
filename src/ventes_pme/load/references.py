"""Produits et magasins : chaque fichier de référence mis à jour ligne à ligne (upsert).

Products and stores are upserted the same way: new rows inserted, changed ones updated, the
first of two rows with the same key kept and the second rejected.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass

from ventes_pme import validate
from ventes_pme.collect import Fetched
from ventes_pme.load.rejects import Rejects
from ventes_pme.load.report import FileReport
from ventes_pme.load.warnings import StockProblem, StoreMoved, UnknownCity
from ventes_pme.regions import city_key
from ventes_pme.sqlfiles import sql
from ventes_pme.validate import CsvLayout, RowError

#: a parsed reference row: (key, attributes a new file may change, upsert parameters)
_Parsed = tuple[object, tuple[object, ...], dict[str, object]]


@dataclass(frozen=True)
class _ReferenceFile:
    """How a reference file (products, stores) is upserted: the same steps for both."""

    #: name of the statement listing the stored rows: key, then the attributes
    stored: str
    #: name of the upsert statement in sql/load
    upsert: str
    #: a row -> (key, attributes, upsert parameters); raises RowError
    parse: Callable[[CsvLayout, list[str]], _Parsed]
    duplicate_code: str
    duplicate_reason: str


#: in the attributes of a parsed row: keep the stored value (a product's unusable stock)
_KEEP = object()


def _product(layout: CsvLayout, fields: list[str]) -> _Parsed:
    p = validate.parse_product(layout, fields)
    stock = _KEEP if p.stock is None else p.stock
    return p.product_id, (p.name, p.price_cents, stock, p.stock_problem), asdict(p)


def _store(layout: CsvLayout, fields: list[str]) -> _Parsed:
    s = validate.parse_store(layout, fields)
    return s.store_id, (s.city, s.employees), {**asdict(s), "city_key": city_key(s.city)}


_REFERENCES = {
    "produits": _ReferenceFile(
        stored="load/stored_products",
        upsert="load/upsert_product",
        parse=_product,
        duplicate_code="duplicate_product",
        duplicate_reason="référence « {key} » déjà présente plus haut dans le fichier",
    ),
    "magasins": _ReferenceFile(
        stored="load/stored_stores",
        upsert="load/upsert_store",
        parse=_store,
        duplicate_code="duplicate_store",
        duplicate_reason="magasin « {key} » déjà présent plus haut dans le fichier",
    ),
}


def upsert(
    conn: sqlite3.Connection,
    source: str,
    report: FileReport,
    layout: CsvLayout,
    fetched: dict[str, Fetched],
    import_id: int,
    rejects: Rejects,
) -> set[object]:
    """Upsert one reference file: new rows inserted, changed ones updated, the first of
    two rows with the same key kept and the second rejected. Returns the keys of the valid
    rows: the sales are checked against the products and stores of the files imported with
    them (a product removed from the file is unknown, on a new database as on an old one)."""
    spec = _REFERENCES[source]
    existing = {row[0]: tuple(row[1:]) for row in conn.execute(sql(spec.stored))}
    seen: set[object] = set()
    rows = validate.rows(layout, fetched[source].path, complete=fetched[source].complete)
    for line, fields in rows:
        report.rows_read += 1
        try:
            key, attributes, params = spec.parse(layout, fields)
            if key in seen:
                raise RowError(spec.duplicate_code, spec.duplicate_reason.format(key=key))
        except RowError as err:
            rejects(line, layout.delimiter.join(fields), err.code, err.reason)
            continue
        seen.add(key)
        old = existing.get(key)
        if old is not None and all(
            a is _KEEP or a == o for a, o in zip(attributes, old, strict=False)
        ):
            report.already_present += 1
            continue
        if old is None:
            report.inserted += 1
        else:
            report.updated += 1
            if source == "magasins" and old[0] != attributes[0]:
                report.changes.append(StoreMoved(key, old[0], attributes[0]))
        if source == "produits" and params.get("stock_problem"):
            report.changes.append(StockProblem(key, params["stock_problem"]))
        conn.execute(sql(spec.upsert), {**params, "import_id": import_id})
    report.rejected = rejects.count
    report.end_line = rows.end_line
    report.pending_line = rows.pending
    return seen


def unknown_cities(conn: sqlite3.Connection) -> list[UnknownCity]:
    """The stores whose city the table of regions does not know."""
    rows = conn.execute(
        "SELECT s.store_id, s.city FROM stores AS s "
        "LEFT JOIN city_regions AS r ON r.city_key = s.city_key "
        "WHERE r.city_key IS NULL ORDER BY s.store_id"
    ).fetchall()
    return [UnknownCity(store_id, city) for store_id, city in rows]
