"""Le profil enregistré : calculé pendant chaque import, écrit dans sa transaction, relu.

The data profile stored with each import, in ``profile_files``, ``profile_columns`` and
``profile_values``, written in the import's own transaction (:class:`ImportProfile`, given
to ``load.load(describe=…)``): an import and its profile are committed, or rolled back,
together. SQL on the stored data (``sql/profile/``) adds what one pass over the files in
constant memory cannot give: the identical sales (their occurrence rank) and the products
and stores without any sale. :func:`read` gives a stored profile back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ventes_pme import processes
from ventes_pme.processes import Send, object_message
from ventes_pme.profile.counts import saved_sales
from ventes_pme.profile.stats import SOURCES, ColumnProfile, FileProfile, scans
from ventes_pme.sqlfiles import sql
from ventes_pme.validate import CsvLayout


@dataclass(frozen=True)
class Profile:
    import_id: int
    finished_at: str
    files: dict[str, FileProfile] = field(default_factory=dict)


#: (sales with occurrence > 1, with occurrence 2, largest occurrence) of some sales
Identical = tuple[int, int, int]


def complete(
    conn: sqlite3.Connection,
    files: dict[str, FileProfile],
    import_id: int | None = None,
    added: Identical | None = None,
) -> dict[str, FileProfile]:
    """Add what SQL tells on the stored data: identical sales, products and stores unsold.

    ``added``: the identical-sales counts of the sales import ``import_id`` inserted (known
    when it inserted every line it read): they are added to the counts the previous
    import's profile stored, when those still describe every sale stored before
    (``previous_identical_sales.sql``) — no scan of millions of sales. Else one scan.
    """
    row = None
    if added is not None and import_id is not None:
        row = conn.execute(
            sql("profile/previous_identical_sales"), {"import_id": import_id}
        ).fetchone()
    if row is not None and added is not None:
        identical, groups, copies = row[0] + added[0], row[1] + added[1], max(row[2], added[2])
    else:
        identical, groups, copies = conn.execute(sql("profile/identical_sales")).fetchone()
    products, stores = conn.execute(sql("profile/without_sales")).fetchone()
    return {
        **files,
        "ventes": replace(
            files["ventes"],
            identical_lines=identical,
            identical_groups=groups,
            max_copies=copies,
        ),
        "produits": replace(files["produits"], without_sales=products),
        "magasins": replace(files["magasins"], without_sales=stores),
    }


_FILE_COLUMNS = [
    "bytes",
    "encoding",
    "delimiter",
    "line_endings",
    "lines",
    "columns",
    "blank_lines",
    "bad_width_lines",
    "identical_lines",
    "identical_groups",
    "max_copies",
    "line_is_key",
    "first_date",
    "last_date",
    "days_without_sales",
    "unknown_products",
    "unknown_stores",
    "without_sales",
]
_COLUMN_COLUMNS = [
    "position",
    "name",
    "inferred_type",
    "identifier",
    "empty_values",
    "nonconforming",
    "distinct_values",
    "is_key",
    "minimum",
    "maximum",
    "total",
    "mean",
    "median",
    "q1",
    "q3",
    "low_fence",
    "high_fence",
    "outliers",
]


def _scan_job(job: tuple[Any, ...], send: Send) -> None:
    """The streaming pass of :class:`ImportProfile` when the import's reading of the sales
    file cannot count for it, in a child process (or in this one, for small files:
    ``processes.start``): the files' profile and the sales file's counts, pickled (they
    hold dataclasses)."""
    paths, layouts = job
    found, files = scans(paths, layouts)
    sales = found["ventes"]
    send(object_message((files, sales.bytes, sales.state())))


class ImportProfile:
    """The profile of an import's files, computed while the import runs and stored in its
    transaction (``load.load(describe=…)``).

    The values of the sales file are counted by the import's own reading of the file
    (``sales_reader.py``, given the counts to continue by :meth:`start`): one pass over
    the file instead of two. When it reads only the lines appended since the previous
    import, the counts that import saved are continued (``profile_scan_state``,
    ``sql/profile/saved_scan.sql``); when they are missing, a separate pass over the whole
    file runs meanwhile in a child process (``processes.start``).
    """

    def __init__(self, paths: Mapping[str, Path], layouts: Mapping[str, CsvLayout]) -> None:
        self.paths, self.layouts = dict(paths), dict(layouts)
        self.scan: processes.Child | processes.InProcess | None = None

    def start(self, conn: sqlite3.Connection, sales_from: int | None) -> str | None:
        """The import reads the sales file whole (``sales_from`` None) or from byte
        ``sales_from``: returns the counts its reading should continue ("" for none yet),
        or None when the profile reads the file itself."""
        if sales_from is None:
            return ""
        row = conn.execute(sql("profile/saved_scan"), {"bytes": sales_from}).fetchone()
        if row is not None:
            saved = saved_sales(self.paths["ventes"], self.layouts["ventes"], row[1])
            if saved is not None:  # the counts of these columns
                return str(row[1])
        size = sum(p.stat().st_size for p in self.paths.values())
        job = (self.paths, self.layouts)
        self.scan = processes.start("du profil des données", _scan_job, job, size=size)
        return None

    def finish(
        self,
        conn: sqlite3.Connection,
        import_id: int,
        added: Identical | None = None,
        counted: str | None = None,
    ) -> Profile:
        """Store the profile; ``counted``: the counts of the sales file the import's reading
        made, as :meth:`start` asked (None when it stopped before the end: the profile then
        reads the file itself, here)."""
        if self.scan is not None:
            files, size, state = self.scan.receive_object()
        else:
            sales = None
            if counted is not None:
                sales = saved_sales(self.paths["ventes"], self.layouts["ventes"], counted)
            found, files = scans(self.paths, self.layouts, sales=sales)
            size, state = found["ventes"].bytes, found["ventes"].state()
        conn.execute(
            "INSERT INTO profile_scan_state (source, import_id, bytes, state) "
            "VALUES ('ventes', ?, ?, ?) ON CONFLICT (source) DO UPDATE SET "
            "import_id = excluded.import_id, bytes = excluded.bytes, state = excluded.state",
            (import_id, size, state),
        )
        return store(conn, import_id, files, added)

    def close(self) -> None:
        if self.scan is not None:
            self.scan.close()


def store(
    conn: sqlite3.Connection,
    import_id: int,
    files: dict[str, FileProfile],
    added: Identical | None = None,
) -> Profile:
    """Store the profile of import ``import_id``, completed by SQL (see :func:`complete`),
    in the transaction in progress (the import's: see :class:`ImportProfile`)."""
    files = complete(conn, files, import_id, added)
    for source, f in files.items():
        row: dict[str, Any] = {
            name: getattr(f, name) for name in _FILE_COLUMNS if name != "columns"
        }
        row.update(columns=len(f.columns), line_is_key=int(f.line_is_key))
        conn.execute(
            f"INSERT INTO profile_files (import_id, source, {', '.join(row)}) "
            f"VALUES (:import_id, :source, {', '.join(':' + k for k in row)})",
            {**row, "import_id": import_id, "source": source},
        )
        for c in f.columns:
            values = {name: getattr(c, name) for name in _COLUMN_COLUMNS}
            values.update(identifier=int(c.identifier), is_key=int(c.is_key))
            conn.execute(
                f"INSERT INTO profile_columns (import_id, source, {', '.join(values)}) "
                f"VALUES (:import_id, :source, {', '.join(':' + k for k in values)})",
                {**values, "import_id": import_id, "source": source},
            )
            conn.executemany(
                "INSERT INTO profile_values "
                "(import_id, source, position, rank, value, occurrences) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (import_id, source, c.position, rank, value, n)
                    for rank, (value, n) in enumerate(c.top, 1)
                ],
            )
    finished = conn.execute(
        "SELECT finished_at FROM import_runs WHERE import_id = ?", (import_id,)
    ).fetchone()[0]
    return Profile(import_id, finished, files)


def read(conn: sqlite3.Connection, import_id: int | None = None) -> Profile | None:
    """The stored profile of ``import_id`` (default: the latest profiled import)."""
    if import_id is None:
        import_id = conn.execute("SELECT max(import_id) FROM profile_files").fetchone()[0]
        if import_id is None:
            return None
    run = conn.execute(
        "SELECT finished_at FROM import_runs WHERE import_id = ?", (import_id,)
    ).fetchone()
    if run is None:
        return None
    conn.row_factory = sqlite3.Row
    try:
        file_rows = conn.execute(
            "SELECT * FROM profile_files WHERE import_id = ? ORDER BY source", (import_id,)
        ).fetchall()
        column_rows = conn.execute(
            "SELECT * FROM profile_columns WHERE import_id = ? ORDER BY source, position",
            (import_id,),
        ).fetchall()
        value_rows = conn.execute(
            "SELECT source, position, value, occurrences FROM profile_values "
            "WHERE import_id = ? ORDER BY source, position, rank",
            (import_id,),
        ).fetchall()
    finally:
        conn.row_factory = None
    if not file_rows:
        return None
    tops: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for v in value_rows:
        tops.setdefault((v["source"], v["position"]), []).append((v["value"], v["occurrences"]))
    files = {}
    for f in file_rows:
        columns = tuple(
            ColumnProfile(
                **_stored_column(c), top=tuple(tops.get((f["source"], c["position"]), []))
            )
            for c in column_rows
            if c["source"] == f["source"]
        )
        values = {name: f[name] for name in _FILE_COLUMNS if name not in ("columns", "line_is_key")}
        files[f["source"]] = FileProfile(source=f["source"], columns=columns, **values)
    return Profile(import_id, run[0], {s: files[s] for s in SOURCES if s in files})


def _stored_column(row: sqlite3.Row) -> dict[str, Any]:
    return {
        name: (bool(row[name]) if name in ("identifier", "is_key") else row[name])
        for name in _COLUMN_COLUMNS
    }
