"""Chargement : une transaction qui n'insère que les ventes absentes, avec rejets et journal.

Load the fetched files into the database, as one transaction.

Products and stores are upserted; sales are inserted only when the database does not hold
them yet (see ``sql/load/insert_new_sales.sql``); invalid rows go to ``rejects``; the run
and each file are recorded in ``import_runs`` / ``import_files``. Any exception rolls the
whole import back: the database is then exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from ventes_pme import aggregates, fmt, processes, redact, sales_reader, validate
from ventes_pme.collect import Fetched, copy_hashing, file_chunks
from ventes_pme.db import now, one_pass, page_cache, transaction
from ventes_pme.errors import DatabaseError, FileFormatError
from ventes_pme.processes import Message
from ventes_pme.regions import UNKNOWN_REGION, city_key, load_reference
from ventes_pme.sales_reader import APPEND, FRESH, REREAD, ROWS_PER_INSERT, Job
from ventes_pme.sqlfiles import sql, sql_rows
from ventes_pme.validate import CsvLayout, RowError

Progress = Callable[[str, int, int], None]
"""Called while loading with (source, bytes read, total bytes)."""


class Describer(Protocol):
    """Work done alongside an import and stored with it (the data profile)."""

    def start(self, conn: sqlite3.Connection, sales_from: int | None) -> str | None:
        """The import is about to read the sales file: whole (``sales_from`` None), or
        only from byte ``sales_from`` on (the lines appended since the previous import).
        Returns the counts the reading should continue for it (``sales_reader.Job.profile``:
        "" for none yet), or None."""

    def finish(
        self,
        conn: sqlite3.Connection,
        import_id: int,
        added: tuple[int, int, int] | None,
        counted: str | None,
    ) -> object:
        """Last step of the import, inside its transaction. ``added``: the sales the import
        inserted with an occurrence above 1, equal to 2, and the largest occurrence; None
        when not counted (a full re-read inserts only some of the lines it reads).
        ``counted``: the counts the reading made as ``start`` asked; None when it did not
        read the whole file its way (then the describer reads it itself)."""

    def close(self) -> None:
        """Called whatever happens, after ``finish`` or instead of it."""


#: Valid sales staged per executemany (progress is shown between two batches).
BATCH = 32_768


@dataclass
class FileReport:
    """What an import did with one file (the counts of the audit trail)."""

    source: str
    url: str
    http_status: int | None
    bytes: int
    sha256: str
    etag: str | None
    last_modified: str | None
    encoding: str
    delimiter: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    already_present: int = 0
    rejected: int = 0
    vanished: int = 0
    end_line: int = 0
    pending_references: int = 0
    incremental: bool = False
    ignored_columns: tuple[str, ...] = ()
    #: the last line left out because the download could not be checked complete
    pending_line: tuple[int, str] | None = None
    #: products and stores: the SHA-256 of the keys of the valid rows (:func:`keys_sha256`)
    accepted_keys_sha256: str | None = None
    #: changes worth a line of the summary (a store's city, a product's stock problem)
    changes: list[str] = field(default_factory=list)
    #: of the sales inserted: how many have an occurrence above 1, equal to 2, the largest
    #: occurrence (None when not counted: see Describer.finish)
    identical_added: tuple[int, int, int] | None = None
    #: the data profile's counts of the file made as it was read (see Describer.finish)
    profile_counts: str | None = None


@dataclass
class ImportReport:
    import_id: int
    started_at: str
    finished_at: str
    sales_before: int
    sales_after: int
    files: dict[str, FileReport]
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import changed any product, store or sale."""
        return any(f.inserted or f.updated for f in self.files.values())


class _Rejects:
    """Records rejected rows, in batches (a bad file may have millions).

    A rejected line is identified by its content and its rank among the identical rejected
    lines of its file, so a re-run never records it twice, even after lines were inserted
    above it (``sql/load/record_reject.sql``).
    """

    def __init__(self, conn: sqlite3.Connection, import_id: int) -> None:
        self.conn = conn
        self.import_id = import_id
        self.buffer: list[dict[str, object]] = []
        self.source = ""
        self.count = 0
        self.references = 0
        self.ranks: dict[str, int] = {}
        self.first_line: int | None = None

    def start(self, source: str) -> None:
        self.flush()
        self.source, self.count, self.references = source, 0, 0
        self.ranks, self.first_line = {}, None

    def restart(self) -> None:
        """Forget the rows of the current file not written yet (read again from its start:
        the caller rolled back what was written)."""
        self.buffer.clear()
        self.count, self.references, self.ranks = 0, 0, {}

    def resume_at(self, first_line: int) -> None:
        """Only the lines from ``first_line`` on are read: ranks continue the stored ones."""
        self.first_line = first_line

    def __call__(self, line: int, raw: str, code: str, reason: str) -> None:
        self.count += 1
        if code in validate.REFERENCE_CODES:
            self.references += 1
        rank = self.ranks.get(raw)
        if rank is None:
            rank = 0
            if self.first_line is not None:
                rank = self.conn.execute(
                    sql("load/rejects_before_line"),
                    {"source": self.source, "raw": raw, "first_line": self.first_line},
                ).fetchone()[0]
        self.ranks[raw] = rank + 1
        self.buffer.append(
            {
                "source": self.source,
                "raw": raw,
                "occurrence": rank + 1,
                "line_number": line,
                "code": code,
                "reason": reason,
                "import_id": self.import_id,
            }
        )
        if len(self.buffer) >= 10_000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.conn.executemany(sql("load/record_reject"), self.buffer)
            self.buffer.clear()


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
    # check_references.sql): the per-row checks would cost a third of the insert.
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
#: SQLite's page cache while the staged sales are sorted and ranked (_stage_and_insert)
STAGE_SORT_CACHE_KIB = 32 * 1024


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
            source: _file_report(fetched[source], layouts[source])
            for source in ("produits", "magasins", "ventes")
        }
        rejects = _Rejects(conn, import_id)
        load_reference(conn, regions_path)
        warnings: list[str] = []

        rejects.start("produits")
        products = _load_reference(
            conn, "produits", reports["produits"], layouts["produits"], fetched, import_id, rejects
        )
        rejects.start("magasins")
        stores = _load_reference(
            conn, "magasins", reports["magasins"], layouts["magasins"], fetched, import_id, rejects
        )
        warnings += _unknown_cities(conn)
        reports["produits"].accepted_keys_sha256 = keys_sha256(products)
        reports["magasins"].accepted_keys_sha256 = keys_sha256(stores)
        rejects.start("ventes")
        resume = _resume_point(conn, fetched, layouts["ventes"], reports)
        counting = None
        if describe is not None:
            stack.callback(describe.close)
            counting = describe.start(conn, None if resume is None else resume.start)
        _guard_overflow(
            _load_sales,
            conn,
            reports,
            layouts["ventes"],
            fetched,
            import_id,
            rejects,
            progress,
            sales_before,
            products,
            stores,
            resume,
            counting,
        )
        rejects.flush()
        for source, report in reports.items():
            if not report.incremental:
                conn.execute(
                    sql("load/resolve_rejects"), {"source": source, "import_id": import_id}
                )
        warnings += _reference_changes(reports)
        for source, report in reports.items():
            warnings += _file_warnings(layouts[source], report)

        for report in reports.values():
            values = asdict(report)
            for extra in _NOT_RECORDED:
                del values[extra]
            pending_line = None if report.pending_line is None else report.pending_line[0]
            conn.execute(
                sql("load/record_file"),
                {**values, "pending_line": pending_line, "import_id": import_id},
            )
            if report.ignored_columns:
                warnings.append(
                    f"Colonnes ignorées dans « {report.source} » : "
                    f"{', '.join(report.ignored_columns)}."
                )
        if reports["ventes"].vanished:
            warnings.append(
                f"{fmt.plural(reports['ventes'].vanished, 'vente')} de la base "
                + (
                    "ne figurent plus dans le fichier des ventes : elles sont conservées"
                    if reports["ventes"].vanished > 1
                    else "ne figure plus dans le fichier des ventes : elle est conservée"
                )
                + " (aucune suppression silencieuse)."
            )
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


#: FileReport fields that are not columns of import_files (record_file.sql)
_NOT_RECORDED = (
    "ignored_columns",
    "pending_line",  # recorded as its line number alone
    "changes",
    "identical_added",
    "profile_counts",
)


def _guard_overflow(load_sales: Callable[..., None], *args: object) -> None:
    """Run ``load_sales``, then check the sums the analyses make still fit SQLite's 64-bit
    integers: amounts that would overflow refuse the import (the database is unchanged)."""
    try:
        load_sales(*args)
        conn = args[0]
        assert isinstance(conn, sqlite3.Connection)
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


def _file_warnings(layout: CsvLayout, report: FileReport) -> list[str]:
    """What the summary says of how a file was read: lines in Windows-1252, a pending line."""
    warnings = []
    if layout.cp1252_count:
        lines = ", ".join(str(n) for n in layout.cp1252_lines)
        more = "…" if layout.cp1252_count > len(layout.cp1252_lines) else ""
        warnings.append(
            f"« {report.source} » : {layout.cp1252_count} ligne(s) ne sont pas en UTF-8 et "
            f"ont été lues en Windows-1252 (ligne(s) {lines}{more})."
        )
    if report.pending_line is not None:
        line, raw = report.pending_line
        warnings.append(
            f"« {report.source} » : la dernière ligne (ligne {line} : « {raw[:60]} ») n'a pas "
            "de fin de ligne et le téléchargement n'a pas pu être vérifié complet (ni "
            "Content-Length ni envoi par blocs) : elle peut être coupée. Elle n'est pas "
            "importée ; l'import suivant la prendra si elle est confirmée."
        )
    return warnings


def _reference_changes(reports: dict[str, FileReport]) -> list[str]:
    return [change for report in reports.values() for change in report.changes]


def _count(conn: sqlite3.Connection, table: str) -> int:
    with one_pass(conn):
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _file_report(fetched: Fetched, layout: CsvLayout) -> FileReport:
    return FileReport(
        source=fetched.source,
        # the journal is shown (dashboard): credentials and tokens never reach it
        url=redact.url(fetched.url),
        http_status=fetched.http_status,
        bytes=fetched.size,
        sha256=fetched.sha256,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        ignored_columns=layout.ignored,
    )


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


def _load_reference(
    conn: sqlite3.Connection,
    source: str,
    report: FileReport,
    layout: CsvLayout,
    fetched: dict[str, Fetched],
    import_id: int,
    rejects: _Rejects,
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
                report.changes.append(
                    f"Le magasin {key} change de ville (« {old[0]} » → « {attributes[0]} ») : "
                    "toutes ses ventes, passées comprises, comptent désormais pour la région "
                    "de sa nouvelle ville."
                )
        if source == "produits" and params.get("stock_problem"):
            report.changes.append(
                f"Produit « {key} » : {params['stock_problem']} ; le produit et ses ventes "
                "sont importés (le stock n'entre dans aucune analyse)."
            )
        conn.execute(sql(spec.upsert), {**params, "import_id": import_id})
    report.rejected = rejects.count
    report.end_line = rows.end_line
    report.pending_line = rows.pending
    return seen


def _unknown_cities(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT s.store_id, s.city FROM stores AS s "
        "LEFT JOIN city_regions AS r ON r.city_key = s.city_key "
        "WHERE r.city_key IS NULL ORDER BY s.store_id"
    ).fetchall()
    return [
        f"Ville « {city} » (magasin {store_id}) absente de la table des régions : ses ventes "
        f"sont comptées sous « {UNKNOWN_REGION} »."
        for store_id, city in rows
    ]


@dataclass(frozen=True)
class _Resume:
    start: int
    first_line: int
    vanished: int
    pending_references: int


def keys_sha256(keys: set[object]) -> str:
    """The SHA-256 of a set of keys (product ids, store numbers), whatever their order."""
    text = json.dumps(sorted(keys), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _resume_point(
    conn: sqlite3.Connection,
    fetched: dict[str, Fetched],
    layout: CsvLayout,
    reports: dict[str, FileReport],
) -> _Resume | None:
    """Where an append-only sales file can be read from, or None to read it whole.

    Safe only when the file starts with exactly the bytes of the previous import, when
    that import mirrored its file (nothing vanished), and when every line read then would
    be read the same way now: each sale is checked against the keys of the valid products
    and stores, so these keys must be those accepted then (``reports``' are this
    import's). Not the reference files' bytes: the same bytes accept another set of keys
    when a last line left pending (a transfer not checked complete) is confirmed later,
    and other bytes may accept the same keys (a price, a city changed).
    """
    prev = conn.execute(sql("load/previous_sales_file")).fetchone()
    if prev is None:
        return None
    (_, size, sha, encoding, delimiter, end_line, vanished, pending, prod_keys, mag_keys) = prev
    current = fetched["ventes"]
    if vanished or encoding != layout.encoding or delimiter != layout.delimiter:
        return None
    if current.size < size or size <= layout.data_offset:
        return None
    # The sales are checked against the products and stores accepted with them: once
    # either set changes, every line is checked again (a full read). None (an import made
    # before the keys were recorded) never matches.
    if (
        prod_keys != reports["produits"].accepted_keys_sha256
        or mag_keys != reports["magasins"].accepted_keys_sha256
    ):
        return None
    if current.sha256 != sha and _prefix_sha256(current, size) != sha:
        return None
    with current.path.open("rb") as handle:
        handle.seek(size - 1)
        if handle.read(1) != b"\n":
            return None
    return _Resume(size, end_line + 1, vanished, pending)


def _prefix_sha256(fetched: Fetched, size: int) -> str:
    """The SHA-256 of the first ``size`` bytes of the fetched file: computed while it was
    fetched when that size was known beforehand (api.fetch_sources asks the database),
    else read again from the file (a size that changed since, no database then…)."""
    if fetched.prefix is not None and fetched.prefix[0] == size:
        return fetched.prefix[1]
    return copy_hashing(file_chunks(fetched.path, size), None)[1]


def _load_sales(
    conn: sqlite3.Connection,
    reports: dict[str, FileReport],
    layout: CsvLayout,
    fetched: dict[str, Fetched],
    import_id: int,
    rejects: _Rejects,
    progress: Progress | None,
    sales_before: int,
    products: set[object],
    stores: set[object],
    resume: _Resume | None,
    counting: str | None,
) -> None:
    report = reports["ventes"]
    complete = fetched["ventes"].complete
    path = fetched["ventes"].path
    total = fetched["ventes"].size
    if resume is not None:
        rejects.resume_at(resume.first_line)
        report.incremental = True
        conn.execute(sql("load/touch_rejects"), {"source": "ventes", "import_id": import_id})
    prices = {
        product_id: price
        for product_id, price in conn.execute("SELECT product_id, price_cents FROM products")
        if product_id in products
    }
    # Every valid line is new by construction when the table is empty (FRESH) or when only
    # the lines appended since the previous import are read (APPEND); otherwise the whole
    # file is read again (REREAD) and only the lines the database does not hold yet are
    # inserted: each line's rank among identical lines of the file makes it its own key.
    mode = APPEND if resume is not None else FRESH if sales_before == 0 else REREAD
    job = Job(
        layout=layout,
        path=path,
        start=None if resume is None else resume.start,
        first_line=2 if resume is None else resume.first_line,
        complete=complete,
        prices=prices,
        stores=frozenset(s for s in stores if isinstance(s, int)),
        import_id=import_id,
        mode=mode,
        memo=RANK_MEMO,
        scattered=sales_reader.SCATTERED,
        profile=counting,
        stored_until=(
            conn.execute(sql("load/latest_sale_date")).fetchone()[0] if mode == APPEND else None
        ),
    )
    if mode == REREAD:
        conn.execute("SAVEPOINT sales_file")
    end = _read_sales(conn, job, rejects, report, progress, total)
    restaged = end is None
    if end is None:
        # A full re-read met again a date whose counts the child had forgotten (a file
        # far from sorted by date): its ranks are computed by SQL instead, from the whole
        # file staged (insert_new_sales.sql), in this process.
        conn.execute("ROLLBACK TO sales_file")
        rejects.restart()
        report.inserted = 0
        end = _stage_and_insert(conn, job, rejects, progress, total)
        report.inserted = end.inserted
    if mode == REREAD:
        conn.execute("RELEASE sales_file")
    if progress is not None:
        progress("ventes", total, total)
    if mode == REREAD and restaged:
        aggregates.add_import(conn, import_id)
    elif mode == REREAD:
        end.sums.write(conn)  # the lines the database lacked (_Writer._sum_inserted)
    elif report.inserted == end.valid:
        end.sums.write(conn)
        report.identical_added = end.identical
    else:  # never expected: every line is new here
        aggregates.rebuild(conn)
    report.profile_counts = end.counted

    report.rows_read = end.valid + rejects.count
    report.already_present = end.valid - report.inserted
    report.rejected = rejects.count
    report.end_line = end.end_line
    report.pending_line = end.pending
    if resume is None:
        report.vanished = sales_before - report.already_present
        report.pending_references = rejects.references
    else:
        report.vanished = resume.vanished
        report.pending_references = resume.pending_references + rejects.references


#: ``sql/load/insert_sale.sql`` with ROWS_PER_INSERT rows of parameters, the import's id
#: bound once (``sqlfiles.sql_rows``). Binding one statement per 200 rows costs less than
#: 200 executions of the one-row statement.
_INSERT_ROWS = sql_rows("load/insert_sale", ROWS_PER_INSERT, shared=1)

#: Groups of identical lines whose count the reading process holds; past it, it forgets
#: the counts of the dates least recently met (memory stays flat) and such a date met
#: again asks the database, which then holds every line before.
RANK_MEMO = 50_000
#: Groups of a date whose stored count is asked alone before all the date's groups are
#: read at once (``_StoredGroups.of_date``).
ASKED_ALONE = 256


@dataclass
class _End:
    """What reading the sales file gave, besides the rows inserted on the way."""

    valid: int
    end_line: int
    pending: tuple[int, str] | None
    sums: aggregates.NewSales
    inserted: int = 0
    #: of the valid sales: occurrences above 1, equal to 2, the largest
    identical: tuple[int, int, int] | None = None
    #: the data profile's counts of the file, when the reading was asked to make them
    counted: str | None = None


def _insert(conn: sqlite3.Connection, sales: list[tuple[object, ...]], import_id: int) -> int:
    """Insert ``sales`` of import ``import_id`` (ON CONFLICT DO NOTHING); returns how many
    were new."""
    flat = [value for sale in sales for value in sale]
    chunks, rest = sales_reader.insert_parameters(flat, import_id)
    return _insert_parameters(conn, chunks, rest, import_id)


def _insert_parameters(
    conn: sqlite3.Connection,
    chunks: list[list[object]],
    rest: list[tuple[object, ...]],
    import_id: int,
) -> int:
    """Insert sales given as ``sales_reader.insert_parameters`` returns them (ON CONFLICT
    DO NOTHING): whole multi-row INSERTs, then one-row ones; returns how many were new."""
    inserted = 0
    if chunks:
        inserted += conn.executemany(_INSERT_ROWS, chunks).rowcount
    if rest:
        one_row = [(*sale, import_id) for sale in rest]
        inserted += conn.executemany(sql("load/insert_sale"), one_row).rowcount
    return inserted


def _with_ranks(
    conn: sqlite3.Connection,
    sales: list[tuple[object, ...]],
    bases: dict[tuple[object, ...], int],
    occurrences: list[int],
    stored: _StoredGroups,
    import_id: int,
) -> int:
    """Insert ``sales`` whose occurrences may be relative (negative): the first of a group
    takes the number of identical sales the database holds as its base. Returns how many
    were new; each sale's occurrence is appended to ``occurrences``.

    The database already holds every identical sale read before: the reading counts
    those of its group since it last knew nothing of it (first meeting, or its date's
    counts forgotten), and it sends what it read before forgetting in an earlier message,
    inserted before this one. So the base is taken at once, the sales of this message
    inserted together at the end.

    The base comes from ``stored``, the counts of the date's groups read at its first
    relative sale (``identical_sales_of_date.sql``: one question per date instead of one
    per group, a few hundred at the end of a usual append), kept until the reading
    forgets that date: no sale of the date is inserted meanwhile before the first of its
    group. A date of too many groups asks per group (``count_identical_sales.sql``).
    """
    ready: list[tuple[object, ...]] = []
    for sale in sales:
        occurrence = sale[4]
        assert isinstance(occurrence, int)
        if occurrence < 0:
            key = sale[:4]
            if occurrence == -1:
                groups = stored.of_date(conn, key[0])
                if groups is None:
                    count = conn.execute(sql("load/count_identical_sales"), key)
                    bases[key] = count.fetchone()[0]
                else:
                    bases[key] = groups.get(key[1:], 0)
            occurrence = bases[key] - occurrence
            sale = (*key, occurrence, sale[5])
        occurrences.append(occurrence)
        ready.append(sale)
    return _insert(conn, ready, import_id)


class _StoredGroups:
    """The groups of identical sales stored for the dates the reading sends relative
    occurrences of (see :func:`_with_ranks`): (product, store, quantity) -> count, or None
    for a date asked group by group. At most RANK_MEMO groups are held in all."""

    def __init__(self) -> None:
        self.dates: dict[object, dict[tuple[object, ...], int] | None] = {}
        self.held = 0
        #: groups of each date asked alone so far
        self.asked: dict[object, int] = {}

    def of_date(
        self, conn: sqlite3.Connection, day: object
    ) -> dict[tuple[object, ...], int] | None:
        """The stored groups of ``day``, or None: ask the group's count alone. The first
        :data:`ASKED_ALONE` groups of a date are asked alone: appended lines spread over
        many old dates have a few lines per date, and reading every group of each of
        those dates would read most of the table."""
        if day in self.dates:
            return self.dates[day]
        asked = self.asked.get(day, 0)
        if asked < ASKED_ALONE:
            self.asked[day] = asked + 1
            return None
        room = RANK_MEMO - self.held
        rows = conn.execute(
            sql("load/identical_sales_of_date"), {"sale_date": day, "max_groups": room}
        ).fetchall()
        groups = None if len(rows) > room else {tuple(row[:3]): row[3] for row in rows}
        if groups is not None:
            self.held += len(groups)
        self.dates[day] = groups
        return groups

    def forget(self, days: set[object]) -> None:
        """The reading forgot the counts of ``days``: their next relative sales count
        the sales this import inserted meanwhile too."""
        for day in days & self.dates.keys():
            groups = self.dates.pop(day)
            self.held -= 0 if groups is None else len(groups)
        for day in days & self.asked.keys():
            del self.asked[day]


class _Writer:
    """Writes what the reading of the sales file sends (``sales_reader.py``'s messages),
    in the order sent: the valid sales, the rejected lines, the progress."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        rejects: _Rejects,
        report: FileReport,
        progress: Progress | None,
        total: int,
        sums: aggregates.NewSales,
        summing: bool,
        import_id: int,
    ) -> None:
        self.conn, self.rejects, self.report = conn, rejects, report
        self.import_id = import_id
        self.progress, self.total = progress, total
        #: the aggregates' sums of the sales sent, when ``summing`` (each is then inserted)
        self.sums, self.summing = sums, summing
        #: the reading makes the sums of the sales it sends now ("summed")
        self.summed = False
        #: identical sales stored, for the groups whose count the reading does not hold
        self.bases: dict[tuple[object, ...], int] = {}
        #: the groups stored for the dates of relative sales (see _with_ranks)
        self.stored = _StoredGroups()
        self.end: _End | None = None
        self.restage = False
        #: of the sales sent: occurrences above 1, equal to 2, the largest (for the profile)
        self.identical = [0, 0, 0]

    def _count(self, occurrences: list[int]) -> None:
        if occurrences:
            more, two, largest = self.identical
            self.identical = [
                more + len(occurrences) - occurrences.count(1),
                two + occurrences.count(2),
                max(largest, *occurrences),
            ]

    def _sum_inserted(self, chunks: list[list[object]], sales: list[tuple[object, ...]]) -> None:
        """A full re-read inserts only the lines the database lacked (rarely any): those of
        this message that did insert some are the sales now stored with this import's id
        (``sale_import.sql``); they alone go to the aggregates' sums."""
        width = sales_reader.WIDTH
        flat = [value for chunk in chunks for value in chunk[:-1]]  # without the import id
        flat += [value for sale in sales for value in sale]
        new: list[object] = []
        for i in range(0, len(flat), width):
            sale = flat[i : i + width]
            stored = self.conn.execute(sql("load/sale_import"), sale[:5]).fetchone()
            if stored is not None and stored[0] == self.import_id:
                new += sale
        self.sums.add(new, width)

    def __call__(self, message: Message) -> None:
        kind = message[0]
        if kind == "rows":
            _, position, chunks, sales, rejected = message
            for line, raw, code, reason in rejected:
                self.rejects(line, raw, code, reason)
            width = sales_reader.WIDTH
            inserted_before = self.report.inserted
            if chunks:
                self.report.inserted += _insert_parameters(self.conn, chunks, [], self.import_id)
                for chunk in chunks:  # each ends with the import id: not a sale's value
                    self._count(chunk[4:-1:width])
                    if self.summing and not self.summed:
                        self.sums.add(chunk, width)
            if sales:
                occurrences: list[int] = []
                self.report.inserted += _with_ranks(
                    self.conn, sales, self.bases, occurrences, self.stored, self.import_id
                )
                self._count(occurrences)
                if self.summing and not self.summed:
                    self.sums.add([value for sale in sales for value in sale], width)
            if not self.summing and self.report.inserted > inserted_before:
                self._sum_inserted(chunks, sales)
            if self.progress is not None:
                self.progress("ventes", position, self.total)
        elif kind == "drop":
            forgotten = set(message[1])
            self.bases = {k: n for k, n in self.bases.items() if k[0] not in forgotten}
            self.stored.forget(forgotten)
        elif kind == "restage":
            self.restage = True
        elif kind == "summed":
            self.summed = True
        elif kind == "sums":
            self.sums.merge(message[1], message[2])
        else:
            assert kind == "end", message
            _, _, end_line, pending, valid, counted = message
            more, two, largest = self.identical
            self.end = _End(
                valid, end_line, pending, self.sums, identical=(more, two, largest), counted=counted
            )


def _read_sales(
    conn: sqlite3.Connection,
    job: Job,
    rejects: _Rejects,
    report: FileReport,
    progress: Progress | None,
    total: int,
) -> _End | None:
    """Read the sales file and insert its valid sales, in file order, as they come; None
    when the reading asks for the staged way (see ``sales_reader.py``).

    A large file is read in a child process while this one writes (``processes.start``): a
    child that stops before the end raises :class:`~ventes_pme.processes.ChildError`, and
    the caller's transaction is then rolled back.
    """
    # every line read is inserted, but in a full re-read: it then sums its sales in SQL
    sums = aggregates.NewSales(job.prices)
    write = _Writer(conn, rejects, report, progress, total, sums, job.mode != REREAD, job.import_id)
    what = "de la lecture du fichier des ventes"
    size = total - (job.start or 0)
    with (
        _checks_done_by_the_import(conn),
        processes.start(what, sales_reader.read, job, size=size) as reading,
    ):
        while write.end is None and not write.restage:
            write(reading.receive())
    return write.end


@contextlib.contextmanager
def _checks_done_by_the_import(conn: sqlite3.Connection) -> Iterator[None]:
    """SQLite's CHECK constraints off while the sales read are inserted (with the lines
    rejected meanwhile).

    Every value of these rows comes from the import's own checks, never straight from the
    file: the date is written by ``validate.parse_date`` (``date.isoformat()`` of a year
    1900-2100), the quantity is parsed as an integer of at least 1, the occurrence is
    counted from 1, the price is that of the products table (whose CHECKs held when the
    product was written); a rejected line has the source "ventes" and an occurrence
    counted from 1 too. Evaluating the schema's CHECKs again on each row (the date's GLOB
    above all) cost 15 % of the insert. They still guard every other writer (the sqlite3
    shell), and ``PRAGMA integrity_check`` verifies them: the generated tests run it after
    every import.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def _stage_and_insert(
    conn: sqlite3.Connection,
    job: Job,
    rejects: _Rejects,
    progress: Progress | None,
    total: int,
) -> _End:
    """The whole file staged in this process, then only the lines the database does not
    hold yet inserted, ranked by SQL (``insert_new_sales.sql``)."""
    rows = validate.rows(job.layout, job.path, complete=job.complete)
    valid = itertools.chain.from_iterable(
        validate.sales(rows, job.layout, job.prices.keys(), job.stores, rejects)
    )
    conn.execute(sql("load/stage_sales"))
    conn.execute("DELETE FROM stage_sales")
    staged = 0
    # in batches, to show progress between them (a batch is a few MB at most)
    while batch := list(itertools.islice(valid, BATCH)):
        staged += len(batch)
        conn.executemany("INSERT INTO stage_sales VALUES (?, ?, ?, ?, ?)", batch)
        if progress is not None:
            progress("ventes", rows.position, total)
    # The sort of the whole file may use as much memory as the page cache: 32 MiB
    # meanwhile, then the import's own cache again (load, LOAD_CACHE_KIB).
    with page_cache(conn, STAGE_SORT_CACHE_KIB):
        inserted = conn.execute(sql("load/insert_new_sales"), {"import_id": job.import_id}).rowcount
    conn.execute("DELETE FROM stage_sales")
    return _End(staged, rows.end_line, rows.pending, aggregates.NewSales(), inserted)
