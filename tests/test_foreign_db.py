"""A database that is not ours is refused with a clear message and never modified.

Not SQLite at all, a damaged SQLite file, another application's SQLite database (with or
without an application_id), a newer schema of ours, a directory: every command exits 5 and
the file is byte-for-byte unchanged, with no journal or WAL file left beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import publish
from ventes_pme.cli import main
from ventes_pme.db import APPLICATION_ID, connect, latest_version

pytestmark = pytest.mark.hostile


def _text(path: Path) -> None:
    path.write_text("date;montant\n2023-01-01;12\n", encoding="utf-8")


def _damaged(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)


def _other_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, nom TEXT)")
    conn.execute("INSERT INTO clients (nom) VALUES ('Dupont')")
    conn.commit()
    conn.close()


def _other_app_id(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.execute("CREATE TABLE sales (x)")
    conn.commit()
    conn.close()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not-sqlite": (_text, "n'est pas une base SQLite : ce fichier n'est pas modifié"),
    "damaged-sqlite": (_damaged, "Impossible d'ouvrir la base"),
    "other-application": (_other_app, "est la base SQLite d'une autre application"),
    "other-application-id": (_other_app_id, "d'une autre application (application_id 1234)"),
    "newer-schema": (_newer_schema, "a un schéma plus récent"),
}
COMMANDS = ["init", "import", "analyse", "run"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", list(CASES))
def test_a_database_that_is_not_ours_is_never_modified(
    server: FileServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    command: str,
) -> None:
    make, message = CASES[case]
    db = tmp_path / "autre.db"
    make(db)
    original = db.read_bytes()
    publish(server)
    args = [command, "--db", str(db)]
    if command in ("import", "run"):
        args += [f"--url-{s}={server.url(s)}" for s in ("produits", "magasins", "ventes")]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 5, err
    assert err.startswith("ventes : erreur : ") and message in err
    assert db.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.db"]


def test_a_directory_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dossier.db"
    folder.mkdir()
    assert main(["init", "--db", str(folder)]) == 5
    assert "est un dossier, pas une base de données" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def _litestream_initialised(path: Path) -> None:
    """What Litestream's replicate does to a database it starts watching while the file is
    still empty (the `sauvegarde` service, started before the first import): WAL mode and its
    two bookkeeping tables, with no application_id yet."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
    conn.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)")
    conn.close()


@pytest.mark.parametrize("command", ["init", "import", "run"])
def test_litestreams_own_tables_do_not_make_a_new_database_foreign(
    server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    db = tmp_path / "ventes.db"
    _litestream_initialised(db)
    publish(server)
    args = [command, "--db", str(db)]
    if command in ("import", "run"):
        args += [f"--url-{s}={server.url(s)}" for s in ("produits", "magasins", "ventes")]
    assert main(args) == 0, capsys.readouterr().err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    finally:
        conn.close()


def test_a_foreign_database_with_litestreams_tables_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "autre.db"
    _other_app(db)
    _litestream_initialised(db)
    assert main(["init", "--db", str(db)]) == 5
    assert "est la base SQLite d'une autre application" in capsys.readouterr().err


def test_connections_follow_litestreams_guidance(tmp_path: Path) -> None:
    """WAL, a busy timeout of at least 5 s (Litestream's checkpoints take short write
    locks) and SQLite's own checkpoints kept on (replication is optional: see db.connect)."""
    conn = connect(tmp_path / "ventes.db", create=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] > 0
    finally:
        conn.close()
