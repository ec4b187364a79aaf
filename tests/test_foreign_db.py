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
from ventes_pme.db import APPLICATION_ID, latest_version

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
