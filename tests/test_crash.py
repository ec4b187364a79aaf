"""Crash safety: ``ventes`` killed with SIGKILL at several points of an import.

After each kill the database passes ``PRAGMA integrity_check`` and holds either exactly
what it held before the killed import, or exactly the result of that import (if the kill
came after its COMMIT); never a part of it. The next run then reaches exactly the
expected multiset of sales. Kill points: during the download (a slow server), then during
the load transaction (detected by its write lock) after several delays, for a first
import and for an append-only one, and at several times of a whole ``ventes run``.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from tests.httpserver import FileServer, slow
from tests.procs import (
    Identity,
    Sale,
    children,
    environment,
    expected_sales,
    generate_sales,
    identity,
    integrity,
    kill_children,
    lock_held,
    run,
    running,
    start,
    stop_inside_the_load,
    stop_when,
    stop_while_a_child_reads,
    stored_sales,
    ventes,
    wait_for,
    wal_ahead_of_its_index,
)
from tests.support import aggregates, aggregates_from_sales, dump, publish
from ventes_pme import processes
from ventes_pme.analyse import read_analysis
from ventes_pme.db import latest_version

#: large enough for the load transaction to last about a second
N_SALES = 30_000
FULL = generate_sales(N_SALES, seed=11)
HALF = b"".join(FULL.splitlines(keepends=True)[: N_SALES // 2 + 1])
#: after the first kill (inside the transaction, observed), later kills after these delays
KILL_DELAYS = (None, 0.15, 0.4)


def _kill(proc: subprocess.Popen[str]) -> bool:
    """SIGKILL ``proc``; False if it had finished on its own just before."""
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGKILL)
    return proc.returncode == -signal.SIGKILL


def _consistent(db: Path) -> None:
    """Integrity, and every recorded import / analysis complete."""
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # an import run always has its three files; an analysis run always its total
        assert conn.execute(
            "SELECT count(*) FROM import_runs AS r WHERE "
            "(SELECT count(*) FROM import_files AS f WHERE f.import_id = r.import_id) != 3"
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM analysis_runs AS a WHERE NOT EXISTS "
            "(SELECT 1 FROM result_total_revenue AS t WHERE t.run_id = a.run_id)"
        ).fetchone() == (0,)
        # the audit trail agrees with the table
        last = conn.execute(
            "SELECT sales_after FROM import_runs ORDER BY import_id DESC LIMIT 1"
        ).fetchone()
        count = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
        assert last is None or last[0] == count
    finally:
        conn.close()
    # the persistent aggregates agree with the sales (migration 0002)
    assert aggregates(db) == aggregates_from_sales(db)


def _consistent_at_any_step(db: Path) -> None:
    """After ``ventes run`` was killed anywhere: no database yet, or the migrations applied
    so far, each whole (its objects, its version, its line in schema_migrations); once all
    are, :func:`_consistent` with no sales or all of them."""
    if not db.exists() or db.stat().st_size == 0:
        return  # killed before SQLite wrote its first page
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        applied = (
            [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
            if "schema_migrations" in tables
            else []
        )
    finally:
        conn.close()
    assert applied == list(range(1, version + 1))
    if version < latest_version():
        assert "sales" not in tables or sum(stored_sales(db).values()) == 0
        return
    _consistent(db)
    assert sum(stored_sales(db).values()) in (0, N_SALES)


def _prepare(server: FileServer, db: Path, mode: str) -> tuple[dict[str, str], Counter[Sale]]:
    """A database before the import to kill: initialised, or holding the first half."""
    env = environment(server, db)
    if mode == "append":
        publish(server, ventes=HALF.decode())
        assert run(ventes("import"), env).returncode == 0
    else:
        assert run(ventes("init"), env).returncode == 0
    publish(server, ventes=FULL.decode())
    return env, stored_sales(db)


@pytest.mark.parametrize("mode", ["first", "append"])
def test_kill_during_the_load_transaction(server: FileServer, tmp_path: Path, mode: str) -> None:
    """Kill the same import again and again, later each time; then let it run."""
    db = tmp_path / "kill.db"
    env, before_sales = _prepare(server, db, mode)
    before = dump(db)
    in_flight = 0
    for delay in KILL_DELAYS:
        proc = start(ventes("import"), env)
        if delay is None:  # the first kill: stopped where it is surely inside the transaction
            assert stop_inside_the_load(proc, db)
        else:
            assert wait_for(lambda p=proc: lock_held(db) or p.poll() is not None, timeout=60)
            time.sleep(delay)
        _kill(proc)
        _consistent(db)
        if stored_sales(db) == expected_sales(FULL):
            break  # this kill came after the COMMIT: the import is complete
        assert dump(db) == before  # killed inside the transaction: nothing of it remains
        in_flight += 1
    assert in_flight >= 1  # at least the first kill, observed inside the transaction
    print(f"{mode}: {in_flight} kill(s) inside the load transaction")

    result = run(ventes("import"), env)
    assert result.returncode == 0, result.stderr
    assert stored_sales(db) == expected_sales(FULL)
    assert before_sales != expected_sales(FULL)
    _consistent(db)


def test_kill_during_the_download(server: FileServer, tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    env, _ = _prepare(server, db, "append")
    before = dump(db)
    server.behaviours["ventes"] = slow(FULL, delay=0.05, chunk=4096)
    proc = start(ventes("import"), env)
    assert wait_for(lambda: sum(p == "/ventes" for _m, p, _h in server.requests) == 2)
    _kill(proc)  # the body takes about 9 s to come: the download is in flight
    _consistent(db)
    assert dump(db) == before
    del server.behaviours["ventes"]
    assert run(ventes("import"), env).returncode == 0
    assert stored_sales(db) == expected_sales(FULL)


@pytest.mark.parametrize("delay", [0.5, 1.2])
def test_kill_a_whole_run_at_several_times(
    server: FileServer, tmp_path: Path, delay: float
) -> None:
    """``ventes run`` (init, import, analyse) killed some time after it started, wherever
    it then is (on a loaded machine, possibly still starting or migrating): all or nothing
    of each step (:func:`_consistent_at_any_step`)."""
    db = tmp_path / "run.db"
    publish(server, ventes=FULL.decode())
    env = environment(server, db)
    proc = start(ventes("run"), env)
    time.sleep(delay)  # a kill point, not a synchronisation: every state is checked below
    _kill(proc) if proc.poll() is None else proc.communicate()
    _consistent_at_any_step(db)
    result = run(ventes("run"), env)
    assert result.returncode == 0, result.stderr
    assert stored_sales(db) == expected_sales(FULL)
    _consistent(db)


def test_a_watcher_interrupted_twice_during_the_load_rolls_back(
    server: FileServer, tmp_path: Path
) -> None:
    """The graceful path: two stop signals while the transaction is open -> ROLLBACK, 130.

    Deterministic whatever the machine's speed: the watcher is stopped (SIGSTOP) at an
    observed point inside its load transaction (:func:`stop_inside_the_load`), both signals
    are sent while it is stopped, then it resumes. They are SIGINT and SIGTERM (Ctrl+C,
    then ``docker stop``): two different signals both stay pending, where a second SIGTERM
    would merge with the first. On resuming, Python runs both handlers, in signal number
    order, before the next line of the load: the first asks to stop after the cycle, the
    second cancels it.
    """
    db = tmp_path / "watch.db"
    env, _ = _prepare(server, db, "first")
    before = dump(db)
    proc = start(ventes("watch", "--interval", "3600"), env)
    assert stop_inside_the_load(proc, db)
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrompu : la transaction en cours est annulée" in err
    assert "Arrêt demandé (SIGINT)" in out
    assert dump(db) == before
    _consistent(db)


@pytest.mark.parametrize("phase", ["download", "load"])
def test_sigterm_rolls_back_and_removes_the_temporary_files(
    server: FileServer, tmp_path: Path, phase: str
) -> None:
    """``docker stop`` / ``kill``: SIGTERM interrupts like Ctrl+C (exit 130), nothing left."""
    db = tmp_path / "term.db"
    env, _ = _prepare(server, db, "first")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env["TMPDIR"] = str(temp)
    before = dump(db)
    if phase == "download":
        server.behaviours["ventes"] = slow(FULL, delay=0.05, chunk=4096)
    mark = len(server.requests)
    proc = start(ventes("import"), env)
    if phase == "download":
        assert wait_for(lambda: any(p == "/ventes" for _m, p, _h in server.requests[mark:]))
    else:
        assert stop_inside_the_load(proc, db)
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrompu : la transaction en cours est annulée" in err
    assert dump(db) == before
    _consistent(db)
    assert list(temp.iterdir()) == []  # the downloaded files are gone


#: runs of ``ventes analyse`` to try before one is stopped at the point sought: each run
#: stopped again and again until it is there (or has ended); one is enough on a calm machine
ANALYSIS_TRIES = 20


def _run_ids(db: Path) -> set[int]:
    conn = sqlite3.connect(db)
    try:
        return {run_id for (run_id,) in conn.execute("SELECT run_id FROM analysis_runs")}
    finally:
        conn.close()


def _visible_runs(db: Path) -> set[int] | None:
    """The analysis runs another connection sees now, without waiting; None when it cannot
    read them (a writer stopped while it holds a lock readers wait for: opening the
    database, checkpointing it as its last connection closes; SQLite's readers give up
    such a wait with "locking protocol")."""
    conn = sqlite3.connect(db, timeout=0)
    try:
        return {run_id for (run_id,) in conn.execute("SELECT run_id FROM analysis_runs")}
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_PROTOCOL):
            return None
        raise
    finally:
        conn.close()


def _analysis_outcome(db: Path, before: list[tuple[object, ...]], reference: int) -> str:
    """What a killed ``ventes analyse`` left: "none" if the database is exactly ``before``;
    "all" if it holds exactly one analysis run more, complete (every result as those of the
    analysis run ``reference`` of the same sales) and nothing else changed. Never a part:
    anything else fails."""
    _consistent(db)
    after = dump(db)
    if after == before:
        return "none"
    old = {row[1] for row in before if row[0] == "analysis_runs"}
    new = _run_ids(db) - old
    assert len(new) == 1, f"not one analysis run more: {sorted(new)}"
    (run_id,) = new
    conn = sqlite3.connect(db)
    try:
        stored = read_analysis(conn, run_id)
        assert stored == replace(
            read_analysis(conn, reference), run_id=run_id, created_at=stored.created_at
        )
        # where each table has a column run_id: the rows of the new run, left aside below
        column = {
            table: [c for (c,) in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]
            for table in {row[0] for row in after}
        }
    finally:
        conn.close()
    position = {t: names.index("run_id") + 1 for t, names in column.items() if "run_id" in names}
    rest = [row for row in after if row[0] not in position or row[position[row[0]]] != run_id]
    assert rest == before, "the analysis changed more than its own run"
    return "all"


@pytest.mark.parametrize("point", ["inside", "committed"])
def test_kill_during_the_analyses(server: FileServer, tmp_path: Path, point: str) -> None:
    """``ventes analyse`` killed (SIGKILL) at an observed point of its transaction.

    Inside: stopped while it holds the write lock, no new analysis run is visible to
    another connection, and the WAL holds no frame past what its index lists
    (:func:`wal_ahead_of_its_index`): the transaction exists in its memory only, so the
    database must be exactly as before. Committed: stopped once its new run is visible:
    the run must be there, complete. Whatever the point, :func:`_analysis_outcome`
    accepts all of the run or none of it, nothing in between. A run that ends before it
    is seen at the point sought must have stored one complete run; another is started.
    """
    db = tmp_path / "analyse.db"
    publish(server, ventes=FULL.decode())
    env = environment(server, db)
    assert run(ventes("run"), env).returncode == 0
    (reference,) = _run_ids(db)
    for _attempt in range(ANALYSIS_TRIES):
        before, runs = dump(db), _run_ids(db)

        def inside(runs: set[int] = runs) -> bool:
            return not wal_ahead_of_its_index(db) and lock_held(db) and _visible_runs(db) == runs

        def committed(runs: set[int] = runs) -> bool:
            visible = _visible_runs(db)
            return visible is not None and visible != runs

        proc = start(ventes("analyse"), env)
        caught = stop_when(proc, inside if point == "inside" else committed)
        if caught:
            _kill(proc)
        else:
            _out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        outcome = _analysis_outcome(db, before, reference)
        if caught:
            break
        assert outcome == "all"  # ended on its own: its run is complete
    else:
        pytest.fail(f"no run of ventes analyse seen {point} in {ANALYSIS_TRIES} tries")
    assert outcome == ("none" if point == "inside" else "all")
    before = dump(db)
    result = run(ventes("analyse", "--json"), env)
    assert result.returncode == 0, result.stderr
    assert _analysis_outcome(db, before, reference) == "all"
    print(f"analyses: killed {point} after {_attempt + 1} run(s)")


#: the exit message of an import whose child process was killed (processes.ChildError)
CHILD_KILLED = re.compile(
    r"ventes : erreur : Le processus chargé d.+ s'est arrêté avant la fin "
    r"\(signal SIGKILL\) : import annulé, la base est inchangée\."
)


def _all_gone(processes: list[Identity], timeout: float = 5.0) -> None:
    """Every one of ``processes`` ends within ``timeout`` (gone or a zombie)."""
    wait_for(lambda: not any(running(p) for p in processes), timeout=timeout)
    left = [p for p in processes if running(p)]
    for pid, _ in left:  # ended here, not left to run (or stay stopped) after the test
        os.kill(pid, signal.SIGKILL)
    assert left == [], "left running"


def _assert_stopped(proc: subprocess.Popen[str], reading: list[int]) -> None:
    """:func:`stop_while_a_child_reads` found its point (else: how the import ended)."""
    if not reading:
        _out, err = proc.communicate(timeout=60)
        pytest.fail(f"no child seen reading inside the transaction: exit {proc.returncode}\n{err}")


def _recorded(pid: int) -> list[Identity]:
    """The children of ``pid`` (stopped: the list cannot change meanwhile)."""
    return [p for p in map(identity, children(pid)) if p is not None]


@pytest.mark.parametrize("which", ["first", "every"])
@pytest.mark.parametrize("point", ["observed", "0.05", "0.2"])
def test_kill_a_child_of_the_import(
    server: FileServer, tmp_path: Path, point: str, which: str
) -> None:
    """SIGKILL a child process of the import (the first found, or every one), at an
    observed point of the load transaction or some time after it took the write lock.

    Observed: the import and its children are stopped (:func:`stop_while_a_child_reads`)
    while at least one child has not read the whole sales file: "first" is then the first
    child found still reading, and the import surely fails (exit 70). After a delay, the
    main process runs on; the children found then are killed, "first" the first found;
    the import may have needed them no more (or already ended): it then succeeds.
    Either way: all or nothing, no process of the import left behind.
    """
    db = tmp_path / "child.db"
    env, _ = _prepare(server, db, "first")
    before = dump(db)
    proc = start(ventes("import"), env)
    if point == "observed":
        reading = stop_while_a_child_reads(proc, db)
        _assert_stopped(proc, reading)
        found = children(proc.pid)
        recorded = _recorded(proc.pid)
        for child in reading[:1] if which == "first" else found:
            os.kill(child, signal.SIGKILL)
        for child in found:
            os.kill(child, signal.SIGCONT)
        proc.send_signal(signal.SIGCONT)
        killed = len(reading[:1] if which == "first" else found)
    else:
        assert wait_for(lambda: lock_held(db) or proc.poll() is not None, timeout=60)
        time.sleep(float(point))
        recorded = _recorded(proc.pid)
        killed = len(kill_children(proc.pid, first_only=which == "first"))
    _out, err = proc.communicate(timeout=60)
    _all_gone(recorded)
    _consistent(db)
    print(f"{point}/{which}: {killed} child(ren) killed, exit {proc.returncode}: {err.strip()}")
    if proc.returncode == 0:  # the import no longer needed the killed children
        assert point != "observed", err
        assert stored_sales(db) == expected_sales(FULL)
    else:
        assert proc.returncode == 70, err
        assert CHILD_KILLED.search(err), err
        assert dump(db) == before

    result = run(ventes("import"), env)
    assert result.returncode == 0, result.stderr
    assert stored_sales(db) == expected_sales(FULL)
    _consistent(db)


@pytest.mark.parametrize("point", ["observed", "0.05", "0.2"])
def test_the_children_die_with_the_main_process(
    server: FileServer, tmp_path: Path, point: str
) -> None:
    """SIGKILL the main process of the import inside its load transaction: every child
    ends with it, none keeps reading the file for nobody.

    Observed: the import is stopped while a child has not read the whole sales file, and
    its children are stopped too, each past its start: they cannot run into the closed
    pipe, so only the signal Linux sends them when their parent dies (PR_SET_PDEATHSIG,
    processes.py) can end them. (A child frozen before it asked for that signal could
    not end; left to run, it would find its parent gone and stop: after a delay, below.)
    After a delay: the children run on; the main process is stopped a moment to record
    them (the list cannot change), then killed.
    """
    db = tmp_path / "main.db"
    env, _ = _prepare(server, db, "first")
    before = dump(db)
    proc = start(ventes("import"), env)
    if point == "observed":
        _assert_stopped(proc, stop_while_a_child_reads(proc, db))
    else:
        assert wait_for(lambda: lock_held(db) or proc.poll() is not None, timeout=60)
        time.sleep(float(point))
        proc.send_signal(signal.SIGSTOP)
        assert wait_for(lambda: proc.poll() is not None or _stopped(proc.pid), timeout=10)
    recorded = _recorded(proc.pid)
    if point == "observed":
        assert recorded
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)  # not communicate: the children hold its stderr too
    _all_gone(recorded)
    proc.communicate(timeout=30)
    ended_first = proc.returncode == 0
    assert proc.returncode in (0, -signal.SIGKILL)
    _consistent(db)
    print(f"{point}: {len(recorded)} child(ren) recorded, ended first: {ended_first}")
    if stored_sales(db) != expected_sales(FULL):
        assert dump(db) == before  # killed inside the transaction: nothing of it remains
    else:
        assert point != "observed"

    result = run(ventes("import"), env)
    assert result.returncode == 0, result.stderr
    assert stored_sales(db) == expected_sales(FULL)
    _consistent(db)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_import_ends_its_children(
    server: FileServer, tmp_path: Path, name: str
) -> None:
    """Ctrl+C (SIGINT to the process group, as a terminal sends it) or SIGTERM (``kill``,
    ``docker stop``) during the load, while a child still reads: rollback, exit 130, and
    no child left. The import runs as the leader of its own process group, like a job of
    an interactive shell; its children run in sessions of their own (processes.py), so
    the SIGINT reaches the main process only, which rolls back and ends them.
    """
    db = tmp_path / "interrupted.db"
    env, _ = _prepare(server, db, "first")
    before = dump(db)
    signum = signal.Signals[name]
    proc = start(ventes("import"), env, group=True)
    _assert_stopped(proc, stop_while_a_child_reads(proc, db))
    found = children(proc.pid)
    recorded = _recorded(proc.pid)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    for child in found:
        os.kill(child, signal.SIGCONT)
    proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrompu : la transaction en cours est annulée" in err
    _all_gone(recorded)
    assert dump(db) == before
    _consistent(db)


def _stopped(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] in "TtZX"


def test_a_bug_in_a_child_is_reported_with_its_traceback_under_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child whose function raises says so (processes.main imports traceback only
    then): ChildError with the exception, and its traceback under VENTES_DEBUG."""
    monkeypatch.setenv("VENTES_DEBUG", "1")
    # divmod(job, send): a TypeError raised in the child (a picklable built-in function)
    child = processes.Child("de la lecture des ventes", divmod, 1)
    with child, pytest.raises(processes.ChildError) as raised:
        child.receive()
    message = raised.value.message
    assert message.startswith(
        "Erreur inattendue dans le processus chargé de la lecture des ventes (TypeError : "
    ), message
    assert "import annulé, la base est inchangée" in message
    assert "Traceback (most recent call last)" in message, message
