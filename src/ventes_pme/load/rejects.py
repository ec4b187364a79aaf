"""Les lignes rejetées : notées par lots, chacune une seule fois d'un import à l'autre.

A rejected line is recorded with the reason of its rejection, never lost and never twice.
"""

from __future__ import annotations

import sqlite3

from ventes_pme import validate
from ventes_pme.sqlfiles import sql


class Rejects:
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
