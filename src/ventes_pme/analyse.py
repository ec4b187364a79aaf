"""Analyse : exécute chaque analyse déclarée et stocke ses résultats, liés à une exécution.

Run the declared SQL analyses and store their results, tied to an analysis run.

Each analysis is a file of ``sql/analyses`` and its declaration (:mod:`ventes_pme.catalog`);
they run in name order inside one transaction; results are inserted with the new
``run_id``, so earlier runs stay (history).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ventes_pme import aggregates, catalog
from ventes_pme.db import now, one_pass, split_statements, transaction
from ventes_pme.sqlfiles import sql


def euros(cents: int | None) -> Decimal | None:
    """Integer cents -> exact Decimal euros (``526878`` -> ``Decimal('5268.78')``)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class Analysis:
    """The stored results of one analysis run; amounts in integer cents."""

    run_id: int
    created_at: str
    sales_count: int
    last_import_id: int | None
    period_start: str | None
    period_end: str | None
    total_quantity: int
    total_revenue_cents: int
    #: JSON key -> rows (column JSON key -> value), amounts in cents
    tables: dict[str, list[dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        """The document of ``ventes analyse --json``: amounts in euros as exact
        :class:`~decimal.Decimal` with 2 places (never a float); :func:`json_text` writes
        them as JSON numbers digit for digit."""

        def convert(spec: catalog.Spec, row: dict[str, Any]) -> dict[str, Any]:
            return {column.key: json_value(column, row[column.key]) for column in spec.columns}

        return {
            "run_id": self.run_id,
            "date_analyse": self.created_at,
            "nombre_ventes": self.sales_count,
            "periode": {"debut": self.period_start, "fin": self.period_end},
            "quantite_totale": self.total_quantity,
            "chiffre_affaires_total": json_amount(self.total_revenue_cents),
            **{
                spec.name: [convert(spec, row) for row in self.tables[spec.name]]
                for spec in catalog.tables()
            },
        }


def json_value(column: catalog.Column, value: Any) -> Any:
    """A stored value as ``--json`` gives it (dates stay ISO 8601)."""
    return json_amount(value) if column.format == "euros" else value


def json_amount(cents: int | None) -> Decimal | None:
    """The one place where ``--json`` gives an amount: exact euros with 2 places, a
    :class:`~decimal.Decimal` that :func:`json_text` writes digit for digit."""
    return euros(cents)


def json_text(value: Any, indent: int = 2, level: int = 0) -> str:
    """``value`` as JSON text, laid out as ``json.dumps(value, indent=indent,
    ensure_ascii=False)`` would, but a :class:`~decimal.Decimal` is written as the exact
    JSON number it is (``5268.78``): going through a float would change the last digit
    of totals beyond 15 significant digits (10 000 billion euros)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {json_text(v, indent, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{json_text(v, indent, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def run_analyses(conn: sqlite3.Connection) -> Analysis:
    """Run every analysis in one transaction, store the results, return them."""
    # a database made before an analysis was declared gets its table and view now
    catalog.ensure_objects(conn)
    with transaction(conn):
        with one_pass(conn):  # it counts the sales
            run_id = conn.execute(sql("runs/new_analysis_run"), {"created_at": now()}).lastrowid
        assert run_id is not None
        # the analyses read the persistent aggregates: check them against the sales count
        (sales_count,) = conn.execute(
            "SELECT sales_count FROM analysis_runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        aggregates.rebuild_if_stale(conn, sales_count)
        for spec in catalog.specs():
            for statement in split_statements(spec.sql):
                conn.execute(statement, {"run_id": run_id} if ":run_id" in statement else {})
    return read_analysis(conn, run_id)


def latest_run_id(conn: sqlite3.Connection) -> int | None:
    value = conn.execute("SELECT max(run_id) FROM analysis_runs").fetchone()[0]
    return None if value is None else int(value)


def read_analysis(conn: sqlite3.Connection, run_id: int) -> Analysis:
    """The stored results of analysis run ``run_id``."""
    run = conn.execute(
        "SELECT created_at, sales_count, last_import_id, period_start, period_end "
        "FROM analysis_runs WHERE run_id = ?",
        (run_id,),
    ).fetchone()
    if run is None:
        raise KeyError(run_id)
    summary = catalog.totals()
    quantity, revenue = conn.execute(
        f"SELECT {summary.column('quantite').name}, {summary.column('chiffre_affaires').name} "
        f"FROM {summary.table} WHERE run_id = ?",
        (run_id,),
    ).fetchone()
    tables: dict[str, list[dict[str, Any]]] = {}
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    for spec in catalog.tables():
        if spec.table not in present:  # declared after this database's latest analysis
            tables[spec.name] = []
            continue
        # identifiers only, from the declarations (checked by catalog._spec)
        names = ", ".join(column.name for column in spec.columns)
        cursor = conn.execute(
            f"SELECT {names} FROM {spec.table} WHERE run_id = ? ORDER BY {spec.order}", (run_id,)
        )
        tables[spec.name] = [
            {column.key: value for column, value in zip(spec.columns, row, strict=True)}
            for row in cursor
        ]
    created_at, sales_count, last_import_id, period_start, period_end = run
    return Analysis(
        run_id=run_id,
        created_at=created_at,
        sales_count=sales_count,
        last_import_id=last_import_id,
        period_start=period_start,
        period_end=period_end,
        total_quantity=quantity,
        total_revenue_cents=revenue,
        tables=tables,
    )
