"""``ventes watch``: periodic import with conditional requests, clean stop on signals."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.httpserver import HOLD_LIMIT, FileServer, flaky, gated, released, serve
from tests.procs import (
    Output,
    environment,
    integrity,
    run,
    start,
    stored_sales,
    ventes,
    wait_for,
)
from tests.support import MAGASINS, PRODUITS, VENTES_HEADER, dump, make_settings, publish
from ventes_pme import api
from ventes_pme.errors import FileFormatError
from ventes_pme.watch import StopRequest, run_cycle, watch

SALES = VENTES_HEADER + "2023-05-01,REF001,2,1\n2023-05-02,REF002,1,2\n"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2} \S")


def _requests(server: FileServer, since: int) -> list[tuple[str, str | None]]:
    """(path, If-None-Match) of the requests received since index ``since``."""
    return [(path, headers.get("If-None-Match")) for _m, path, headers in server.requests[since:]]


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_cycles_skip_unchanged_files_and_reanalyse_on_change(
    server: FileServer, db_path: Path
) -> None:
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []

    first = run_cycle(settings, 1, logs.append)
    assert first.imported is not None and first.imported.files["ventes"].inserted == 2
    assert first.analysis_run == 1
    assert "Cycle 1 : import n° 1 : +2 ventes" in logs[-1]

    # nothing changed: three conditional requests answered 304, no import, no analysis
    before, mark = dump(db_path), len(server.requests)
    second = run_cycle(settings, 2, logs.append)
    assert second.skipped and second.imported is None
    assert all(etag for _path, etag in _requests(server, mark))
    assert len(_requests(server, mark)) == 3
    assert dump(db_path) == before
    assert "Cycle 2 : aucun changement à la source" in logs[-1] and "304" in logs[-1]

    # one file changed: the two unchanged ones are fetched again in full, then imported
    publish(server, ventes=SALES + "2023-05-03,REF001,5,2\n")
    mark = len(server.requests)
    third = run_cycle(settings, 3, logs.append)
    assert third.imported is not None and third.imported.files["ventes"].inserted == 1
    assert third.analysis_run == 2
    requests = _requests(server, mark)
    assert len(requests) == 5  # 3 conditional, then produits and magasins in full
    assert sorted(p for p, etag in requests if etag is None) == ["/magasins", "/produits"]

    # a change of price only: the products are updated, the analyses run again
    publish(
        server,
        produits=PRODUITS.replace("19.99", "21.00"),
        ventes=SALES + "2023-05-03,REF001,5,2\n",
    )
    fourth = run_cycle(settings, 4, logs.append)
    assert fourth.imported is not None and fourth.imported.files["produits"].updated == 1
    assert fourth.analysis_run == 3
    assert _count(db_path, "sales") == 3


def test_a_cycle_opens_the_database_once(
    server: FileServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cycle opens the database once and passes the connection from stage to stage
    (previous files, import, freshness of the analysis, analysis, report), whether it
    imports or skips; a failed cycle closes it, and the next one opens its own."""
    from ventes_pme import db

    publish(server, ventes=SALES)
    settings = make_settings(server, db_path, rapport_dir=db_path.parent / "rapport")
    api.init(settings)
    opened: list[sqlite3.Connection] = []
    connect = db.connect

    def counting(path: Path, **kwargs: object) -> sqlite3.Connection:
        assert path == db_path
        opened.append(connect(path, **kwargs))  # type: ignore[arg-type]
        return opened[-1]

    def closed(conn: sqlite3.Connection) -> bool:
        try:
            conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return True
        return False

    monkeypatch.setattr(db, "connect", counting)
    logs: list[str] = []
    first = run_cycle(settings, 1, logs.append)  # import, analysis, report
    assert first.analysis_run is not None and (db_path.parent / "rapport").is_dir()
    assert len(opened) == 1 and closed(opened[0])
    assert run_cycle(settings, 2, logs.append).skipped
    assert len(opened) == 2 and closed(opened[1])

    # a file refused once the cycle has opened the database: the cycle fails, the
    # database unchanged and its connection closed; the next one opens its own
    before = dump(db_path)
    publish(server, ventes=SALES + "2023-05-03,REF001,5,2\n", magasins="pas,un,magasin\n")
    with pytest.raises(FileFormatError):
        run_cycle(settings, 3, logs.append)
    assert dump(db_path) == before
    assert all(closed(conn) for conn in opened)
    publish(server, ventes=SALES + "2023-05-03,REF001,5,2\n")
    count = len(opened)
    fourth = run_cycle(settings, 4, logs.append)
    assert fourth.imported is not None and fourth.imported.files["ventes"].inserted == 1
    assert len(opened) == count + 1 and closed(opened[-1])


def test_a_cycle_keeps_its_lock_on_the_database_while_it_downloads(
    server: FileServer, db_path: Path
) -> None:
    """The cycle's connection stays open while the files download: nothing the cycle does
    meanwhile may open and close the database file itself (closing any descriptor of a file
    drops every POSIX lock the process holds on it). Without its lock, another process
    closing its own connection believes it is the last one and removes the WAL and its
    index under the watcher's connection (https://sqlite.org/howtocorrupt.html, 2.2)."""
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    run_cycle(settings, 1, logs.append)  # an import: the next asks its sales file's size
    body = (SALES + "2023-05-03,REF001,5,2\n").encode()
    kept: list[bool] = []

    def answer(h: BaseHTTPRequestHandler) -> None:
        # another process reads the database while the cycle downloads the sales
        reader = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM sales'); c.close()"  # noqa: E501
        subprocess.run([sys.executable, "-c", reader, str(db_path)], check=True, timeout=60)
        kept.append(Path(f"{db_path}-wal").exists() and Path(f"{db_path}-shm").exists())
        serve(body)(h)

    server.behaviours["ventes"] = answer
    second = run_cycle(settings, 2, logs.append)
    assert kept == [True]
    assert second.imported is not None and second.imported.files["ventes"].inserted == 1
    assert _count(db_path, "sales") == 3 and integrity(db_path) == "ok"


def test_a_server_without_validators_is_compared_by_content(
    server: FileServer, db_path: Path
) -> None:
    server.conditional = False  # no ETag, no Last-Modified, never 304
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    assert run_cycle(settings, 1, logs.append).imported is not None
    before = dump(db_path)
    assert run_cycle(settings, 2, logs.append).skipped
    assert "même empreinte" in logs[-1]
    assert dump(db_path) == before


@pytest.mark.parametrize("conditional", [True, False])
def test_a_line_left_pending_is_taken_by_the_next_cycle(
    server: FileServer, db_path: Path, client_files: dict[str, bytes], conditional: bool
) -> None:
    """A last line left pending (no final newline, a body ended by the connection closing)
    is taken by the next cycle that receives the file whole (with its size), though the
    bytes are the same (same SHA-256, or a 304 to a conditional request); the cycles that
    receive it cut again, and those after it was taken, import nothing."""
    server.conditional = conditional
    files = {**client_files, "ventes": client_files["ventes"].rstrip(b"\r\n")}
    server.files.update(files)
    server.framing["ventes"] = "close"
    settings = make_settings(server, db_path, attempts=1)
    api.init(settings)
    logs: list[str] = []
    first = run_cycle(settings, 1, logs.append)
    assert first.imported is not None and first.imported.files["ventes"].inserted == 29
    assert first.imported.files["ventes"].pending_line is not None
    # the same body, cut again: nothing more to take
    assert run_cycle(settings, 2, logs.append).skipped
    del server.framing["ventes"]
    third = run_cycle(settings, 3, logs.append)
    assert third.imported is not None and third.imported.files["ventes"].inserted == 1
    assert third.imported.files["ventes"].pending_line is None
    assert _count(db_path, "sales") == 30
    assert run_cycle(settings, 4, logs.append).skipped


def test_an_import_that_changes_nothing_does_not_rerun_the_analyses(
    server: FileServer, db_path: Path
) -> None:
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    run_cycle(settings, 1, logs.append)
    publish(server, ventes=SALES.replace("\n", "\r\n"))  # other bytes, same sales
    result = run_cycle(settings, 2, logs.append)
    assert result.imported is not None and not result.imported.changed
    assert result.analysis_run is None
    assert "analyses non relancées" in logs[-1]
    assert _count(db_path, "analysis_runs") == 1
    assert _count(db_path, "import_runs") == 2


def test_a_failed_cycle_is_logged_and_the_next_one_retries(
    server: FileServer, db_path: Path
) -> None:
    publish(server, ventes=SALES)
    server.behaviours["ventes"] = flaky(1, serve(SALES.encode()), code=500)
    settings = make_settings(server, db_path, attempts=1)
    logs: list[str] = []
    results = watch(settings, 0.01, cycles=2, log=logs.append, stop=StopRequest(logs.append))
    assert results[0].error is not None and "erreur HTTP 500" in results[0].error
    assert any("Cycle 1 : échec, base inchangée" in line for line in logs)
    assert results[1].imported is not None and results[1].imported.files["ventes"].inserted == 2
    assert logs[-1] == "Surveillance terminée : fin des cycles, 2 cycles."


@pytest.mark.hostile
def test_a_server_trickling_its_headers_fails_one_cycle_only(
    server: FileServer, db_path: Path
) -> None:
    """VENTES_DUREE_MAX covers the headers too: a server sending them a byte at a time
    (each byte well within the timeout) fails that cycle at the deadline; the next cycle
    imports."""
    publish(server, ventes=SALES)
    body = SALES.encode()
    answered = {"n": 0}

    def trickle_once(h: BaseHTTPRequestHandler) -> None:
        answered["n"] += 1
        if answered["n"] > 1:
            serve(body)(h)
            return
        h.close_connection = True
        try:  # headers that never end, a byte every 20 ms, until the test is over
            h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
            h.wfile.flush()
            deadline = time.monotonic() + HOLD_LIMIT
            while time.monotonic() < deadline and not released(h, 0.02):
                h.wfile.write(b"a")
                h.wfile.flush()
        except OSError:
            pass  # the watcher gave up: what is expected

    server.behaviours["ventes"] = trickle_once
    settings = make_settings(server, db_path, attempts=1, max_duration=1.0)
    logs: list[str] = []
    results = watch(settings, 0.01, cycles=2, log=logs.append, stop=StopRequest(logs.append))
    assert results[0].error is not None and "VENTES_DUREE_MAX" in results[0].error
    assert "en-têtes" in results[0].error
    assert results[1].imported is not None and results[1].imported.files["ventes"].inserted == 2
    assert logs[-1] == "Surveillance terminée : fin des cycles, 2 cycles."


def test_a_foreign_database_stops_the_watcher(server: FileServer, tmp_path: Path) -> None:
    db = tmp_path / "autre.db"
    db.write_bytes(b"not a database at all\n")
    result = run(ventes("watch", "--interval", "1"), environment(server, db))
    assert result.returncode == 5
    assert "n'est pas une base SQLite" in result.stderr
    assert db.read_bytes() == b"not a database at all\n"


def _finish(proc: subprocess.Popen[str], output: Output) -> tuple[str, str]:
    """Wait for ``proc``; its standard output (read by ``output``) and error."""
    proc.wait(timeout=30)
    assert proc.stderr is not None
    return output.text(), proc.stderr.read()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_waiting_stops_at_once(
    server: FileServer, tmp_path: Path, sig: signal.Signals
) -> None:
    publish(server, ventes=SALES)
    db = tmp_path / "w.db"
    proc = start(ventes("watch", "--interval", "3600"), environment(server, db))
    output = Output(proc)
    # the line of cycle 1 is the last thing the cycle does: then the watcher waits 3600 s
    assert output.wait_for("Cycle 1 : import n° 1", timeout=30)
    proc.send_signal(sig)
    out, err = _finish(proc, output)  # ended within its 30 s, not after the 3600 s wait
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert all(STAMP.match(line) for line in lines), lines
    assert "Surveillance démarrée : un cycle toutes les 3600\u00a0s" in lines[0]
    assert any("Cycle 1 : import n° 1 : +2 ventes" in line for line in lines)
    assert lines[-1].endswith(f"Surveillance terminée : arrêt demandé ({sig.name}), 1 cycle.")
    assert integrity(db) == "ok"


def test_a_signal_during_a_cycle_lets_it_finish(server: FileServer, tmp_path: Path) -> None:
    body = (SALES + "".join(f"2023-06-{d:02d},REF001,1,1\n" for d in range(1, 29))).encode()
    server.files.update(produits=PRODUITS.encode(), magasins=MAGASINS.encode())
    gate = threading.Event()  # the download is held in flight until the gate opens
    server.behaviours["ventes"] = gated(body, gate)
    db = tmp_path / "w.db"
    proc = start(ventes("watch", "--interval", "3600"), environment(server, db))
    output = Output(proc)
    try:
        assert wait_for(lambda: any(p == "/ventes" for _m, p, _h in server.requests), timeout=30)
        proc.send_signal(signal.SIGTERM)
        assert output.wait_for("Arrêt demandé (SIGTERM) : l'import en cours se termine")
    finally:
        gate.set()
    out, err = _finish(proc, output)
    assert proc.returncode == 0, err
    assert "Cycle 1 : import n° 1 : +30 ventes" in out
    assert _count(db, "sales") == 30
    assert integrity(db) == "ok"


def test_a_second_signal_cancels_the_cycle_and_rolls_back(
    server: FileServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    publish(server, ventes=SALES)
    env = environment(server, db)
    assert run(ventes("import"), env).returncode == 0
    before = dump(db)
    body = (SALES + "".join(f"2023-06-{d:02d},REF001,1,1\n" for d in range(1, 29))).encode()
    gate = threading.Event()  # the download is held in flight until the gate opens
    server.behaviours["ventes"] = gated(body, gate)
    proc = start(ventes("watch", "--interval", "3600"), env)
    output = Output(proc)
    try:
        assert wait_for(
            lambda: any(p == "/ventes" for _m, p, _h in server.requests[3:]), timeout=30
        )
        proc.send_signal(signal.SIGTERM)
        # the first signal was handled (not merged with the second one) ...
        assert output.wait_for("Arrêt demandé (SIGTERM)")
        proc.send_signal(signal.SIGTERM)  # ... and the download is still held: cancel it
        _out, err = _finish(proc, output)
    finally:
        gate.set()
    assert proc.returncode == 130
    assert "interrompu : la transaction en cours est annulée" in err
    assert dump(db) == before
    assert stored_sales(db) == {
        ("2023-05-01", "REF001", 1, 2): 1,
        ("2023-05-02", "REF002", 2, 1): 1,
    }


def test_watch_restores_the_signal_handlers(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path, watch_interval=0.01)
    handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    results = watch(settings, settings.watch_interval, cycles=2)
    assert [r.skipped for r in results] == [False, True]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(STAMP.match(line) for line in lines)
