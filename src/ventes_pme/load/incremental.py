"""L'import incrémental : d'où reprendre la lecture d'un fichier de ventes qui n'a fait que grandir.

The one owner of the "where do we resume" decision. A sales file that only grew since the
previous import (the same first bytes, lines appended) is read from where that import
stopped; any other file is read whole. The decision needs the previous import's sales file
(``sql/load/previous_sales_file.sql``), asked twice: before the download, so that the new
file's first bytes are hashed on the way (:func:`bytes_to_hash`), and in the import's
transaction, where it is decided (:func:`resume_point`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ventes_pme import db
from ventes_pme.collect import Fetched, copy_hashing, file_chunks
from ventes_pme.load.report import FileReport
from ventes_pme.sqlfiles import sql
from ventes_pme.validate import CsvLayout


@dataclass(frozen=True)
class Previous:
    """The sales file of the latest import, as ``import_files`` recorded it."""

    import_id: int
    size: int
    sha256: str
    encoding: str
    delimiter: str
    end_line: int
    vanished: int
    pending_references: int
    #: the keys of the valid products and stores the file was checked against
    #: (:func:`keys_sha256`; None for an import made before they were recorded)
    products_keys_sha256: str | None
    stores_keys_sha256: str | None


@dataclass(frozen=True)
class Resume:
    """Where the sales file is read from, and what the previous import left to carry on."""

    start: int
    first_line: int
    vanished: int
    pending_references: int


def previous(conn: sqlite3.Connection) -> Previous | None:
    """The sales file of the latest import, or None before the first one."""
    row = conn.execute(sql("load/previous_sales_file")).fetchone()
    return None if row is None else Previous(*row)


def bytes_to_hash(db_path: Path, conn: sqlite3.Connection | None = None) -> int | None:
    """The size of the sales file of the latest import, asked before the download so that
    the new file's first bytes are hashed on the way: the import then checks that the file
    only grew (:func:`resume_point`) without reading it again. None when not known: no
    database yet, not one of ours or of a schema we do not know (:func:`db.is_ours`), or
    one that cannot be read at once (busy, damaged…): the import says why, later; this
    is only a shortcut, and touches nothing.

    With ``conn``, a connection the caller holds open (``ventes watch``'s cycle, and
    ``import`` or ``run`` on a database of ours), the question is asked on it, and the
    database file is not opened otherwise: closing any
    descriptor of that file would drop every lock this process holds on it, that
    connection's too (POSIX locks belong to the process), and another process could then
    remove the WAL under it (https://sqlite.org/howtocorrupt.html, 2.2).
    """
    if conn is not None:
        try:
            found = previous(conn)
        except sqlite3.Error:
            return None
        return None if found is None else found.size
    if not db.is_ours(db_path):
        return None
    # read only, never waiting for a lock; an ordinary read-write connection only so that
    # SQLite removes on closing the WAL files it may create (a read-only one leaves them
    # beside the database)
    uri = f"{db_path.absolute().as_uri()}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
        try:
            found = previous(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if found is None else found.size


def keys_sha256(keys: set[object]) -> str:
    """The SHA-256 of a set of keys (product ids, store numbers), whatever their order."""
    text = json.dumps(sorted(keys), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def resume_point(
    conn: sqlite3.Connection,
    fetched: dict[str, Fetched],
    layout: CsvLayout,
    reports: dict[str, FileReport],
) -> Resume | None:
    """Where an append-only sales file can be read from, or None to read it whole.

    Safe only when the file starts with exactly the bytes of the previous import, when
    that import mirrored its file (nothing vanished), and when every line read then would
    be read the same way now: each sale is checked against the keys of the valid products
    and stores, so these keys must be those accepted then (``reports``' are this
    import's). Not the reference files' bytes: the same bytes accept another set of keys
    when a last line left pending (a transfer not checked complete) is confirmed later,
    and other bytes may accept the same keys (a price, a city changed).
    """
    prev = previous(conn)
    if prev is None:
        return None
    current = fetched["ventes"]
    if prev.vanished or prev.encoding != layout.encoding or prev.delimiter != layout.delimiter:
        return None
    if current.size < prev.size or prev.size <= layout.data_offset:
        return None
    # The sales are checked against the products and stores accepted with them: once
    # either set changes, every line is checked again (a full read). None (an import made
    # before the keys were recorded) never matches.
    if (
        prev.products_keys_sha256 != reports["produits"].accepted_keys_sha256
        or prev.stores_keys_sha256 != reports["magasins"].accepted_keys_sha256
    ):
        return None
    if current.sha256 != prev.sha256 and _prefix_sha256(current, prev.size) != prev.sha256:
        return None
    with current.path.open("rb") as handle:
        handle.seek(prev.size - 1)
        if handle.read(1) != b"\n":
            return None
    return Resume(prev.size, prev.end_line + 1, prev.vanished, prev.pending_references)


def _prefix_sha256(fetched: Fetched, size: int) -> str:
    """The SHA-256 of the first ``size`` bytes of the fetched file: computed while it was
    fetched when that size was known beforehand (:func:`bytes_to_hash`), else read again
    from the file (a size that changed since, no database then…)."""
    if fetched.prefix is not None and fetched.prefix[0] == size:
        return fetched.prefix[1]
    return copy_hashing(file_chunks(fetched.path, size), None)[1]
