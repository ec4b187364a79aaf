"""Le compte rendu d'un import : ce qu'il a fait de chaque fichier, et ses avertissements.

What an import did, as data: the counts of each file (the audit trail of ``import_files``),
the run's, and the warnings (worded in French by ``wording.py``, not here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ventes_pme import redact
from ventes_pme.collect import Fetched
from ventes_pme.load.warnings import LoadWarning
from ventes_pme.validate import CsvLayout

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
    changes: list[LoadWarning] = field(default_factory=list)
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
    warnings: list[LoadWarning] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import changed any product, store or sale."""
        return any(f.inserted or f.updated for f in self.files.values())


#: FileReport fields that are not columns of import_files (record_file.sql)
NOT_RECORDED = (
    "ignored_columns",
    "pending_line",  # recorded as its line number alone
    "changes",
    "identical_added",
    "profile_counts",
)


def file_report(fetched: Fetched, layout: CsvLayout) -> FileReport:
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
