"""Concurrent imports, with real processes running the real ``ventes`` command.

Two imports at once never duplicate nor lose a sale: the second waits for the first
(``BEGIN IMMEDIATE`` + busy timeout), or stops with a clear message when it waited too long.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.procs import (
    environment,
    expected_sales,
    generate_sales,
    run,
    start,
    stored_sales,
    ventes,
    wait_for,
    waiting_for_the_lock,
)
from tests.support import dump, publish
from ventes_pme.db import latest_version


def _ventes_inserted(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT inserted FROM import_files WHERE source = 'ventes' ORDER BY import_id"
            )
        ]
    except sqlite3.OperationalError:  # not migrated yet
        return []
    finally:
        conn.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_imports_at_once_on_a_new_database(
    server: FileServer, tmp_path: Path, round_: int
) -> None:
    """Both processes create, migrate and import the same new database at the same time."""
    sales = generate_sales(10_000, seed=round_)
    publish(server, ventes=sales.decode())
    db = tmp_path / "new.db"
    env = environment(server, db)
    procs = [start(ventes("import"), env) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    assert stored_sales(db) == expected_sales(sales)
    inserted = _ventes_inserted(db)
    assert sorted(inserted) == [0, 10_000]  # one import inserted all, the other none


def test_two_imports_at_once_while_the_source_grows(server: FileServer, tmp_path: Path) -> None:
    full = generate_sales(16_000, seed=7)
    half = b"".join(full.splitlines(keepends=True)[:8_001])
    db = tmp_path / "grow.db"
    env = environment(server, db)
    publish(server, ventes=half.decode())
    assert run(ventes("import"), env).returncode == 0
    publish(server, ventes=full.decode())
    procs = [start(ventes("import"), env) for _ in range(2)]
    for p in procs:
        _out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    assert stored_sales(db) == expected_sales(full)
    assert sum(_ventes_inserted(db)) == 16_000


def test_watcher_and_manual_imports_at_once(server: FileServer, tmp_path: Path) -> None:
    """A watcher importing every 0.05 s and manual imports while the source grows."""
    full = generate_sales(12_000, seed=3)
    lines = full.splitlines(keepends=True)
    db = tmp_path / "watch.db"
    env = environment(server, db)
    publish(server, ventes=b"".join(lines[:3001]).decode())
    watcher = start(ventes("watch", "--interval", "0.05"), env)
    try:
        assert wait_for(lambda: db.exists() and _ventes_inserted(db), timeout=30)
        for end in (6001, 9001, 12_001):
            publish(server, ventes=b"".join(lines[:end]).decode())
            manual = [start(ventes("import"), env) for _ in range(2)]
            for p in manual:
                _out, err = p.communicate(timeout=60)
                assert p.returncode == 0, err
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "Surveillance terminée : arrêt demandé (SIGTERM)" in out
    assert stored_sales(db) == expected_sales(full)
    assert sum(_ventes_inserted(db)) == 12_000


def test_an_import_waiting_too_long_stops_with_a_clear_message(
    server: FileServer, tmp_path: Path
) -> None:
    db = tmp_path / "busy.db"
    env = environment(server, db, VENTES_ATTENTE_VERROU="0.5")
    publish(server, ventes=generate_sales(100).decode())
    assert run(ventes("import"), env).returncode == 0
    before = dump(db)
    publish(server, ventes=generate_sales(200).decode())
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
        result = run(ventes("import"), env)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert result.returncode == 5
    assert "La base est occupée par un autre import depuis trop longtemps" in result.stderr
    assert dump(db) == before


def test_two_first_runs_blocked_on_a_new_database_migrate_it_once(tmp_path: Path) -> None:
    """Both see schema version 0, then wait for the write lock: the second must not apply
    the migration again once the first has (deterministic version of the race above)."""
    db = tmp_path / "empty.db"
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode = WAL")  # an empty database, as ours starts
        holder.execute("BEGIN IMMEDIATE")
        env = environment(None, db)
        procs = [start(ventes("init"), env) for _ in range(2)]
        # both processes have read version 0 and wait for the lock to migrate: observed
        # (each sleeps in SQLite's busy handler with the database open) rather than assumed
        # after a delay that a loaded machine may need just to start Python
        if waiting_for_the_lock(procs[0].pid, db) is None:  # kernel hides wchan: a delay
            assert not wait_for(lambda: any(p.poll() is not None for p in procs), timeout=1.5)
        else:
            assert wait_for(lambda: all(waiting_for_the_lock(p.pid, db) for p in procs), timeout=60)
        assert all(p.poll() is None for p in procs)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    results = [p.communicate(timeout=60) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == (
            latest_version()
        )
    finally:
        conn.close()
