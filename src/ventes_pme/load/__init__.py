"""Chargement : une transaction qui n'insère que les ventes absentes, avec rejets et journal.

Load the fetched files into the database, as one transaction.

Products and stores are upserted (``references.py``); sales are inserted only when the
database does not hold them yet (``sales.py``), read from where the previous import stopped
when the file only grew (``incremental.py``); invalid rows go to ``rejects``
(``rejects.py``); the run and each file are recorded in ``import_runs`` / ``import_files``
(``report.py``), with warnings returned as data (``warnings.py``). Any exception rolls the
whole import back: the database is then exactly as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ventes_pme import aggregates
from ventes_pme.collect import Fetched
from ventes_pme.db import now, one_pass, page_cache, transaction
from ventes_pme.errors import DatabaseError, FileFormatError
from ventes_pme.load import incremental, references
from ventes_pme.load.incremental import keys_sha256
from ventes_pme.load.rejects import Rejects
from ventes_pme.load.report import (
    NOT_RECORDED,
    Describer,
    FileReport,
    ImportReport,
    Progress,
    file_report,
)
from ventes_pme.load.sales import SalesFile, load_sales
from ventes_pme.load.warnings import (
    IgnoredColumns,
    LoadWarning,
    NotUtf8,
    PendingLine,
    VanishedSales,
)
from ventes_pme.regions import load_reference
from ventes_pme.sqlfiles import sql
from ventes_pme.validate import CsvLayout

__all__ = [
    "LOAD_CACHE_KIB",
    "Describer",
    "FileReport",
    "ImportReport",
    "Progress",
    "keys_sha256",
    "load",
]


def load(
    conn: sqlite3.Connection,
    fetched: dict[str, Fetched],
    layouts: dict[str, CsvLayout],
    *,
    regions_path: Path | None = None,
    progress: Progress | None = None,
    describe: Describer | None = None,
) -> ImportReport:
    """Import the three fetched files in one transaction and return what was done.

    ``describe`` (api.py passes the data profile, ``profile.store.ImportProfile``) is started
    once the import knows how it reads the sales file, so that it can work meanwhile (in
    another process), and finished last, inside the transaction: what it writes is
    committed, or rolled back, with the import.
    """
    # The import checks the references it writes itself, once, at its end (see
    # check_references.sql): checking each row as it is inserted would slow every insert
    # (docs/performance.md).
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        # The sales are inserted nearly in key order (by date): a small page cache holds
        # the pages they touch, and leaves the memory to the processes that read the files.
        with page_cache(conn, LOAD_CACHE_KIB):
            return _load(conn, fetched, layouts, regions_path, progress, describe)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


#: SQLite's page cache during an import, in KiB (db.connect sets 64 MiB for the analyses).
LOAD_CACHE_KIB = 8 * 1024


def _load(
    conn: sqlite3.Connection,
    fetched: dict[str, Fetched],
    layouts: dict[str, CsvLayout],
    regions_path: Path | None,
    progress: Progress | None,
    describe: Describer | None,
) -> ImportReport:
    with transaction(conn), contextlib.ExitStack() as stack:
        started = now()
        sales_before = _count(conn, "sales")
        aggregates.rebuild_if_stale(conn, sales_before)
        import_id = conn.execute(
            "INSERT INTO import_runs (started_at, finished_at, sales_before, sales_after) "
            "VALUES (?, ?, ?, ?)",
            (started, started, sales_before, sales_before),
        ).lastrowid
        assert import_id is not None
        reports = {
            source: file_report(fetched[source], layouts[source])
            for source in ("produits", "magasins", "ventes")
        }
        rejects = Rejects(conn, import_id)
        load_reference(conn, regions_path)
        warnings: list[LoadWarning] = []

        rejects.start("produits")
        products = references.upsert(
            conn, "produits", reports["produits"], layouts["produits"], fetched, import_id, rejects
        )
        rejects.start("magasins")
        stores = references.upsert(
            conn, "magasins", reports["magasins"], layouts["magasins"], fetched, import_id, rejects
        )
        warnings += references.unknown_cities(conn)
        reports["produits"].accepted_keys_sha256 = keys_sha256(products)
        reports["magasins"].accepted_keys_sha256 = keys_sha256(stores)
        rejects.start("ventes")
        resume = incremental.resume_point(conn, fetched, layouts["ventes"], reports)
        counting = None
        if describe is not None:
            stack.callback(describe.close)
            counting = describe.start(conn, None if resume is None else resume.start)
        sales = SalesFile(
            fetched=fetched["ventes"],
            layout=layouts["ventes"],
            report=reports["ventes"],
            import_id=import_id,
            rejects=rejects,
            progress=progress,
            sales_before=sales_before,
            products=products,
            stores=stores,
            resume=resume,
            counting=counting,
        )
        _guard_overflow(conn, lambda: load_sales(conn, sales))
        rejects.flush()
        for source, report in reports.items():
            if not report.incremental:
                conn.execute(
                    sql("load/resolve_rejects"), {"source": source, "import_id": import_id}
                )
        warnings += [change for report in reports.values() for change in report.changes]
        for source, report in reports.items():
            warnings += _file_warnings(layouts[source], report)

        for report in reports.values():
            values = asdict(report)
            for extra in NOT_RECORDED:
                del values[extra]
            pending_line = None if report.pending_line is None else report.pending_line[0]
            conn.execute(
                sql("load/record_file"),
                {**values, "pending_line": pending_line, "import_id": import_id},
            )
            if report.ignored_columns:
                warnings.append(IgnoredColumns(report.source, report.ignored_columns))
        if reports["ventes"].vanished:
            warnings.append(VanishedSales(reports["ventes"].vanished))
        # only the sales file inserts sales (count(*) would scan the whole table again)
        sales_after = sales_before + reports["ventes"].inserted
        finished = now()
        conn.execute(
            "UPDATE import_runs SET finished_at = ?, sales_after = ? WHERE import_id = ?",
            (finished, sales_after, import_id),
        )
        if describe is not None:
            ventes = reports["ventes"]
            describe.finish(conn, import_id, ventes.identical_added, ventes.profile_counts)
        problems = conn.execute(sql("load/check_references")).fetchall()
        if problems:
            raise DatabaseError(
                "La base contient des références introuvables ("
                + ", ".join(f"{table} → {ref}" for table, ref in problems[:5])
                + ") : import annulé, la base est inchangée. Une ligne a été écrite hors de "
                "ventes-pme ; PRAGMA foreign_key_check la montre."
            )
    return ImportReport(import_id, started, finished, sales_before, sales_after, reports, warnings)


def _guard_overflow(conn: sqlite3.Connection, load_sales: Callable[[], None]) -> None:
    """Run ``load_sales``, then check the sums the analyses make still fit SQLite's 64-bit
    integers: amounts that would overflow refuse the import (the database is unchanged)."""
    try:
        load_sales()
        conn.execute(
            "SELECT sum(revenue_cents), sum(quantity), sum(sales_count) FROM sales_by_day_store"
        ).fetchone()
    except (OverflowError, sqlite3.IntegrityError, sqlite3.OperationalError) as exc:
        text = str(exc)
        if not any(m in text for m in ("overflow", "too large", "REAL value in INTEGER")):
            raise
        raise FileFormatError(
            "Les montants cumulés du fichier des ventes dépassent ce que la base peut "
            "additionner exactement (plus de 92 millions de milliards de centimes) : import "
            "refusé, la base est inchangée. Vérifiez les prix et les quantités."
        ) from exc


def _file_warnings(layout: CsvLayout, report: FileReport) -> list[LoadWarning]:
    """What the summary says of how a file was read: lines in Windows-1252, a pending line."""
    warnings: list[LoadWarning] = []
    if layout.cp1252_count:
        warnings.append(NotUtf8(report.source, layout.cp1252_count, layout.cp1252_lines))
    if report.pending_line is not None:
        line, raw = report.pending_line
        warnings.append(PendingLine(report.source, line, raw))
    return warnings


def _count(conn: sqlite3.Connection, table: str) -> int:
    with one_pass(conn):
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
