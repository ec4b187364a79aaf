"""La base SQLite : l'ouvrir sans risque, la reconnaître, la migrer.

The SQLite database: opening it safely, recognising it, migrating it."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from ventes_pme import fmt, french, redact
from ventes_pme.config import folder_problem
from ventes_pme.errors import DatabaseError

#: PRAGMA application_id of a ventes-pme database ("VENT" in ASCII).
APPLICATION_ID = 0x56454E54
SQLITE_MAGIC = b"SQLite format 3\x00"
#: SQLite's default WAL auto-checkpoint threshold, in pages, set explicitly (see connect)
WAL_AUTOCHECKPOINT_PAGES = 1000
#: Tables that Litestream creates in every database it replicates (its bookkeeping): they do
#: not make a new database another application's.
LITESTREAM_TABLES = ("_litestream_seq", "_litestream_lock")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered migration files shipped in ``ventes_pme/sql/migrations``."""
    found = []
    for entry in resources.files("ventes_pme").joinpath("sql/migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    assert [m.version for m in found] == list(range(1, len(found) + 1)), "gap in migrations"
    return found


def latest_version() -> int:
    return len(migrations())


def now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_path(path: Path) -> None:
    """Refuse at once a path that cannot be a database file: a folder, a device such as
    ``/dev/null``, a pipe (SQLite would wait for the whole lock timeout, then say "locked")."""
    if path.is_dir():
        raise DatabaseError(f"« {path} » est un dossier, pas une base de données.")
    if path.exists() and not path.is_file():
        raise DatabaseError(
            f"« {path} » n'est pas un fichier ordinaire (périphérique, tube…), pas une base de "
            "données : choisissez un autre chemin (option --db ou VENTES_DB)."
        )
    # (whether the folder can be written into is SQLite's to say: see _read_only)
    problem = folder_problem(path.parent, writable=False)
    if problem is not None:
        raise DatabaseError(
            f"Base « {path} » impossible : {problem} ; choisissez un autre chemin (option "
            "--db ou VENTES_DB)."
        )


def _check_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite touches it."""
    check_path(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    # A header of zero bytes may be a database that a concurrent run is creating (its
    # first pages written before page 1): SQLite, under its lock, decides (see connect).
    if header != SQLITE_MAGIC and header.strip(b"\x00"):
        raise DatabaseError(_not_sqlite(path))


def is_ours(path: Path) -> bool:
    """Whether ``path`` is a ventes-pme database of a schema this program knows, judged
    from its header alone (SQLite's magic, our application_id, the schema version): a
    file checked this way is not opened by SQLite, hence neither locked nor changed."""
    if not path.is_file():  # (nor a pipe, whose reading would wait)
        return False
    try:
        with path.open("rb") as handle:
            header = handle.read(72)
    except OSError:
        return False
    version = int.from_bytes(header[60:64], "big")  # PRAGMA user_version
    application = int.from_bytes(header[68:72], "big")  # PRAGMA application_id
    return (
        header[: len(SQLITE_MAGIC)] == SQLITE_MAGIC
        and application == APPLICATION_ID
        and 0 < version <= latest_version()
    )


def _not_sqlite(path: Path) -> str:
    return (
        f"« {path} » n'est pas une base SQLite : ce fichier n'est pas modifié. "
        "Choisissez un autre chemin (option --db ou VENTES_DB)."
    )


def _create_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return  # created meanwhile by a concurrent run
            os.close(fd)
    except OSError as exc:
        raise DatabaseError(
            f"Impossible de créer la base « {path} » : {french.explain(exc)} (option --db ou "
            "VENTES_DB)."
        ) from exc


def connect(path: Path, *, lock_timeout: float = 600.0, create: bool = False) -> sqlite3.Connection:
    """Open the database in autocommit mode (transactions are explicit: BEGIN ... COMMIT).

    A file that is not SQLite, or the SQLite file of another application, or a schema newer
    than this program, raises :class:`DatabaseError` and is left untouched.
    """
    _check_file(path)
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"La base « {path} » n'existe pas encore : lancez d'abord « ventes init »."
            )
        _create_private(path)
    try:
        conn = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)
        _check_owner(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        # Litestream (the `sauvegarde` service) is another process on this file: it takes
        # short write locks to checkpoint, so a write waits for it instead of failing at
        # once; its guidance asks for at least 5 s, the lock timeout is minutes by default.
        conn.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
        _use_wal(conn, lock_timeout)
        # WAL, which Litestream requires; NORMAL is safe in WAL mode (Litestream's advice too).
        conn.execute("PRAGMA synchronous = NORMAL")
        # SQLite's own checkpoints stay on: replication is optional (a Compose profile) and
        # with it off nothing else would ever checkpoint, so the WAL would grow without end.
        # Litestream advises turning them off only for tens of thousands of writes a second,
        # where one may land between its own checkpoints; an import is a few transactions a
        # cycle, and Litestream (0.5) notices a checkpoint it missed and takes a new snapshot:
        # the replica stays whole. Its read lock keeps these passive checkpoints from
        # recycling WAL frames it has not copied yet.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        conn.execute("PRAGMA cache_size = -65536")
        fmt.register_sql_functions(conn)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            with path.open("rb") as handle:
                if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                    raise DatabaseError(_not_sqlite(path)) from exc
        if is_read_only(exc):
            raise DatabaseError(_read_only(path)) from exc
        raise DatabaseError(
            f"Impossible d'ouvrir la base « {path} » : {french.explain(exc)}."
        ) from exc
    return conn


def is_read_only(exc: BaseException) -> bool:
    """Whether SQLite refused a write because the file (or its folder) is read-only."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_READONLY


def _read_only(path: Path | str) -> str:
    return (
        f"La base « {path} » est en lecture seule (droits du fichier ou de son dossier, ou "
        "disque monté en lecture seule) : rien n'a été modifié. Donnez le droit d'écriture, "
        "ou choisissez une autre base (option --db ou VENTES_DB)."
    )


def _use_wal(conn: sqlite3.Connection, lock_timeout: float) -> None:
    """Switch the database to WAL (once, when it is new).

    The switch needs an exclusive lock and SQLite answers "locked" at once, without
    waiting, while another process holds one: on a new database opened by two runs at
    the same time, wait here as the busy timeout would.
    """
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _check_owner(conn: sqlite3.Connection, path: Path) -> None:
    # One statement, so one snapshot: read apart, a concurrent `ventes init` could commit
    # its first migration in between (application_id 0, then tables). Litestream's tables
    # do not count: it creates them as soon as the file exists, before the first migration
    # when the `sauvegarde` service watches a database still being created.
    app_id, version, has_tables = conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id), "
        "(SELECT user_version FROM pragma_user_version), "
        "(SELECT count(*) FROM sqlite_master WHERE tbl_name NOT IN (?, ?))",
        LITESTREAM_TABLES,
    ).fetchone()
    if app_id == 0:
        if has_tables:
            conn.close()
            raise DatabaseError(
                f"« {path} » est la base SQLite d'une autre application : elle n'est pas "
                "modifiée. Choisissez un autre chemin (option --db ou VENTES_DB)."
            )
    elif app_id != APPLICATION_ID:
        conn.close()
        raise DatabaseError(
            f"« {path} » est la base SQLite d'une autre application (application_id "
            f"{app_id}) : elle n'est pas modifiée."
        )
    if version > latest_version():
        conn.close()
        raise DatabaseError(
            f"La base « {path} » a un schéma plus récent (version {version}) que ce programme "
            f"(version {latest_version()}) : mettez à jour ventes-pme. La base n'est pas modifiée."
        )


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[Migration]:
    """Apply the pending migrations, each in its own transaction. Returns the migrations
    applied.

    The migrations are the whole schema but the analyses' result tables and views, which
    their declarations ask for: :func:`ventes_pme.catalog.ensure_objects`, called by the
    API once migrations are applied (this module stays below the analyse stage).
    """
    applied: list[Migration] = []
    pending = [m for m in migrations() if m.version > schema_version(conn)]
    if not pending:
        return applied
    # what a migration may call (0009 masks the secrets of the stored addresses); what it
    # replaces is overwritten in the file, not just freed (then back to the default)
    conn.create_function("mask_url", 1, redact.url, deterministic=True)
    secure_delete = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    conn.execute("PRAGMA secure_delete = ON")
    try:
        _apply(conn, pending, applied)
    finally:
        if not secure_delete:
            conn.execute("PRAGMA secure_delete = OFF")
    return applied


def _apply(conn: sqlite3.Connection, pending: list[Migration], applied: list[Migration]) -> None:
    """Apply ``pending`` one by one, each in its transaction, appending each to ``applied``."""
    for migration in pending:
        if migration.version <= schema_version(conn):
            continue
        with transaction(conn):
            if migration.version <= schema_version(conn):
                continue  # another process applied it while this one waited for the lock
            # executescript would commit first: run the statements one by one instead.
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now()),
            )
        applied.append(migration)


def split_statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (SQLite decides where one ends)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement.strip(" ;\n") and not _only_comments(statement):
                yield statement
    if buffer.strip() and not _only_comments(buffer):
        raise ValueError(f"incomplete SQL statement: {buffer.strip()[:80]}")


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


@contextmanager
def page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[sqlite3.Connection]:
    """SQLite's page cache of ``conn`` set to ``kib`` KiB meanwhile, then set back to what it
    was (:func:`connect` sets 64 MiB, for the analyses; an import and some of its statements
    want less, or more)."""
    (size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield conn
    finally:
        conn.execute(f"PRAGMA cache_size = {int(size)}")


#: SQLite's page cache while a statement reads a whole table once, in KiB (:func:`one_pass`)
ONE_PASS_CACHE_KIB = 512


def one_pass(conn: sqlite3.Connection) -> AbstractContextManager[sqlite3.Connection]:
    """A small page cache while ``conn`` reads a whole table once (``count(*)`` of the sales).

    Each page is read once: a larger cache only holds more of them, and every page it holds
    is memory to allocate and touch, then to free: ``count(*)`` of the sales is several
    times faster with 512 KiB than with the 64 MiB :func:`connect` sets for the analyses
    (docs/performance.md). The cache is set back afterwards.
    """
    return page_cache(conn, ONE_PASS_CACHE_KIB)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception.

    IMMEDIATE takes the write lock at once: a second import waits for the first
    (up to the busy timeout) instead of interleaving with it.
    A database SQLite may not write (read-only file, folder or disk) or can no longer
    grow (full disk) raises :class:`DatabaseError`, the database unchanged.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if is_read_only(exc):
            raise DatabaseError(_read_only(_file_of(conn))) from exc
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError(
                "La base est occupée par un autre import depuis trop longtemps : "
                "réessayez plus tard."
            ) from exc
        raise
    try:
        yield conn
    except BaseException as exc:
        # SQLite has rolled back already when a statement without statement journal met a
        # full disk or an I/O error (sql/load/insert_sale.sql): a second ROLLBACK would
        # fail and hide the cause.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            _raise_clearly(conn, exc)
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            _raise_clearly(conn, exc)
            raise


def _raise_clearly(conn: sqlite3.Connection, exc: sqlite3.OperationalError) -> None:
    """Raise :class:`DatabaseError` for a write SQLite refused for want of room or right."""
    if is_read_only(exc):
        raise DatabaseError(_read_only(_file_of(conn))) from exc
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
        raise DatabaseError(
            f"La base « {_file_of(conn)} » ne peut plus grandir (disque plein, ou taille "
            "maximale atteinte) : la transaction est annulée, la base est inchangée. Libérez "
            "de la place sur le disque puis relancez."
        ) from exc


def _file_of(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA database_list").fetchone()[2])


def open_and_migrate(path: Path, *, lock_timeout: float = 600.0) -> sqlite3.Connection:
    """Open the database, creating it if needed, and apply the pending migrations (what
    ``ventes init`` does), then return the connection."""
    conn = connect(path, lock_timeout=lock_timeout, create=True)
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
