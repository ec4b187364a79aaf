"""The import's check of references (``sql/load/check_references.sql``).

The import writes with ``PRAGMA foreign_keys = OFF`` (load/: the per-row checks would
cost a third of the insert) and proves at its end, inside its transaction, that every
reference of the database resolves. A row written outside ventes-pme (plain ``sqlite3``,
whose foreign keys are off by default) that points nowhere must make the next import
fail with a clear message and leave the database exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import (
    MAGASINS,
    PRODUITS,
    VENTES_HEADER,
    dump,
    import_files,
    make_settings,
    stored_sales,
)
from ventes_pme import api, db, load
from ventes_pme.errors import DatabaseError, FileFormatError

VENTES = VENTES_HEADER + "2023-05-27,REF001,1,1\n2023-05-28,REF002,2,2\n"

#: rows a user might write by hand, each pointing at something that does not exist
GHOSTS = {
    "product": (
        "INSERT INTO sales VALUES ('2023-06-01', 'GHOST', 1, 1, 1, 100, 1)",
        "GHOST / 1",
    ),
    "store": (
        "INSERT INTO sales VALUES ('2023-06-01', 'REF001', 99, 1, 1, 100, 1)",
        "REF001 / 99",
    ),
    "import": (
        "CREATE TEMP TABLE ghost AS SELECT * FROM import_files WHERE source = 'ventes';"
        "UPDATE ghost SET import_id = 999;"
        "INSERT INTO import_files SELECT * FROM ghost;",
        "import_files",
    ),
}


@pytest.mark.parametrize("ghost", sorted(GHOSTS))
def test_a_reference_written_outside_is_refused_and_changes_nothing(
    server: FileServer, db_path: Path, ghost: str
) -> None:
    import_files(server, db_path, ventes=VENTES)
    statement, shown = GHOSTS[ghost]
    conn = sqlite3.connect(db_path)  # foreign keys off: SQLite's default
    try:
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
        with conn:
            conn.executescript(statement)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() != []
    finally:
        conn.close()
    before = dump(db_path)
    with pytest.raises(DatabaseError) as info:
        import_files(server, db_path, ventes=VENTES)
    assert info.value.exit_code == 5
    assert "références introuvables" in info.value.message
    assert shown in info.value.message
    assert "la base est inchangée" in info.value.message
    assert dump(db_path) == before


def test_the_same_files_import_again_without_a_ghost(server: FileServer, db_path: Path) -> None:
    """The control of the test above: without the hand-written row, the second import
    of the same files succeeds (so the refusal above comes from the ghost alone)."""
    import_files(server, db_path, ventes=VENTES)
    report = import_files(server, db_path, ventes=VENTES)
    assert report.sales_after == 2
    assert sum(stored_sales(db_path).values()) == 2


def test_the_checks_the_import_does_itself_hold_and_come_back_on(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    """The sales are inserted with SQLite's CHECK constraints off (the import checked each
    value itself: ``load.sales._checks_done_by_the_import``). What it wrote passes ``PRAGMA
    integrity_check``, which verifies every CHECK, and the connection has its checks back
    after the import, whether it succeeded or failed on a bad file."""
    settings = make_settings(server, db_path)
    conn = db.open_and_migrate(db_path)
    try:
        for number, ventes in enumerate((VENTES, VENTES + '2023-05-29,"REF001,1,1\n')):
            server.files.update(
                produits=PRODUITS.encode(), magasins=MAGASINS.encode(), ventes=ventes.encode()
            )
            folder = tmp_path / str(number)
            folder.mkdir()
            fetched = api.fetch_sources(settings, folder)
            layouts = api.check_files(fetched)
            if number == 0:
                load.load(conn, fetched, layouts)
            else:
                with pytest.raises(FileFormatError):
                    load.load(conn, fetched, layouts)
            assert conn.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                conn.execute("INSERT INTO sales VALUES ('27/05/2023', 'REF001', 1, 1, 1, 1, 1)")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert sum(stored_sales(db_path).values()) == 2
