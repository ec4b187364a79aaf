"""Helpers for the tests that run the real ``ventes`` command in other processes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.httpserver import FileServer

Sale = tuple[str, str, int, int]

PRODUCTS = ("REF001", "REF002")
STORES = (1, 2)


def ventes(*args: str) -> list[str]:
    """The command line of the real ``ventes`` command (the installed package)."""
    return [sys.executable, "-m", "ventes_pme", *args]


def environment(server: FileServer | None, db: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no inherited VENTES_*, fast retries, the test server's URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}
    env.update(
        PYTHONUNBUFFERED="1",
        VENTES_DB=str(db),
        VENTES_PROGRESSION="non",
        VENTES_TIMEOUT="5",
        VENTES_PAUSE="0.01",
    )
    if server is not None:
        for source in ("produits", "magasins", "ventes"):
            env[f"VENTES_URL_{source.upper()}"] = server.url(source)
    env.update(extra)
    return env


@contextmanager
def sigint_default() -> Iterator[None]:
    """Children started inside get SIGINT at its default disposition (Ctrl+C interrupts),
    even when pytest itself runs with SIGINT ignored: a shell without job control starts
    a background job (``cmd &``, ``nohup cmd &``) with SIGINT ignored, and an ignored
    signal stays ignored across exec, whereas a handled one is reset to the default. So
    SIGINT is handled here (as Ctrl+C) while the child is started, then set back."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def start(args: list[str], env: Mapping[str, str], group: bool = False) -> subprocess.Popen[str]:
    """Start ``args``; with ``group``, as the leader of a process group of its own, like a
    job a shell with job control starts (Ctrl+C in the terminal sends SIGINT to the whole
    foreground group: ``os.killpg(proc.pid, SIGINT)``)."""
    with sigint_default():
        return subprocess.Popen(
            args,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            process_group=0 if group else None,
        )


def run(
    args: list[str], env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    with sigint_default():
        return subprocess.run(args, env=dict(env), capture_output=True, text=True, timeout=timeout)


class Output:
    """The standard output of a started process, read line by line as it comes (for a test
    to wait for a line the process writes at a known point), kept whole for the end."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._stdout = proc.stdout
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 30.0) -> bool:
        """Wait until a line containing ``text`` was written; False after ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: any(text in x for x in self.lines), timeout)

    def text(self) -> str:
        """Everything written, once the process has ended."""
        self._thread.join(timeout=30)
        return "".join(self.lines)


def generate_sales(n: int, seed: int = 0, header: bool = True) -> bytes:
    """``n`` valid sales lines over PRODUCTS x STORES, with many identical lines."""
    rng = random.Random(seed)
    lines = ["Date,ID Référence produit,Quantité,ID Magasin"] if header else []
    for _ in range(n):
        lines.append(
            f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
            f"{rng.choice(PRODUCTS)},{rng.randint(1, 5)},{rng.choice(STORES)}"
        )
    return ("\n".join(lines) + "\n").encode()


def expected_sales(ventes_file: bytes) -> Counter[Sale]:
    """The multiset of sales of a generated file, computed without the pipeline."""
    counter: Counter[Sale] = Counter()
    for line in ventes_file.decode().splitlines()[1:]:
        day, product, quantity, store = line.split(",")
        counter[(day, product, int(store), int(quantity))] += 1
    return counter


def stored_sales(db: Path) -> Counter[Sale]:
    """The multiset of sales in ``db``; checks each group's occurrences are exactly 1..k."""
    conn = sqlite3.connect(db)
    try:
        groups: dict[Sale, list[int]] = {}
        for day, product, store, quantity, occurrence in conn.execute(
            "SELECT sale_date, product_id, store_id, quantity, occurrence FROM sales"
        ):
            groups.setdefault((day, product, store, quantity), []).append(occurrence)
    finally:
        conn.close()
    for key, occurrences in groups.items():
        assert sorted(occurrences) == list(range(1, len(occurrences) + 1)), key
    return Counter({key: len(occ) for key, occ in groups.items()})


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def lock_held(db: Path) -> bool:
    """Whether another connection holds the write lock of ``db`` (an import in flight)."""
    if not db.exists():
        return False
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def _state(pid: int) -> str:
    """The process state letter of ``/proc/PID/stat`` (R, S, D, T for stopped...)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (``/proc/PID/task/*/children``)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass  # ended meanwhile
    return found


def _reading_unfinished(pid: int, name: str) -> bool:
    """Whether ``pid`` or one of its children has a file ``name`` open for reading and has
    not read it all: its read offset (``/proc/PID/fdinfo``) is short of the file's size.
    (A large sales file is read by a child process of the import, see processes.py.)"""
    return any(_reads_unfinished(p, name) for p in (pid, *children(pid)))


def _reads_unfinished(pid: int, name: str) -> bool:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False  # ended meanwhile
    for fd in fds:
        try:
            target = os.readlink(fd)
            info = dict(
                line.split(":", 1)
                for line in Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().splitlines()
                if ":" in line
            )
            if Path(target).name != name or int(info["flags"], 8) & os.O_ACCMODE != os.O_RDONLY:
                continue
            if int(info["pos"]) < os.stat(target).st_size:
                return True
        except (OSError, KeyError, ValueError):
            continue  # closed meanwhile
    return False


def waiting_for_the_lock(pid: int, db: Path) -> bool | None:
    """Whether ``pid`` has ``db`` open and sleeps in the kernel (``/proc/PID/wchan``): SQLite's
    busy handler sleeping between two tries of a lock another connection holds. None when
    the kernel does not tell (``wchan`` hidden)."""
    try:
        wchan = Path(f"/proc/{pid}/wchan").read_text().strip()
        if wchan in ("", "0"):
            return None
        opened = any(os.readlink(fd) == str(db) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    return opened and "sleep" in wchan


def stop_inside_the_load(
    proc: subprocess.Popen[str], db: Path, sales_file: str = "ventes.csv", timeout: float = 60
) -> bool:
    """Stop ``proc`` (SIGSTOP) at a point inside its import transaction, before COMMIT.

    Observed, not guessed from a delay: the process is stopped, holds the write lock of
    ``db`` (:func:`lock_held`), and is still reading the downloaded sales file (its read
    offset is short of the file's end), which the import reads inside its transaction and
    entirely before COMMIT. Returns True with the process stopped (SIGCONT resumes it),
    False if it ended first (:func:`stop_when`).
    """
    return stop_when(
        proc, lambda: lock_held(db) and _reading_unfinished(proc.pid, sales_file), timeout
    )


def stop_when(
    proc: subprocess.Popen[str], condition: Callable[[], bool], timeout: float = 60
) -> bool:
    """Stop ``proc`` (SIGSTOP) at a moment when ``condition()`` holds, checked while it is
    stopped, so that it stays true until the test acts; otherwise let it run a moment and
    stop it again. Returns True with the process stopped (SIGCONT resumes it), False if it
    ended first (or after ``timeout``). ``condition`` sees the process stopped or ended
    (a zombie), never running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        os.kill(proc.pid, signal.SIGSTOP)
        try:
            while _state(proc.pid) not in "TtZX":
                time.sleep(0.0005)
            if condition():
                return True
        except FileNotFoundError:
            return False  # ended
        os.kill(proc.pid, signal.SIGCONT)
        time.sleep(0.001)
    return False


def wal_ahead_of_its_index(db: Path) -> bool:
    """Whether the WAL file of ``db`` may hold frames that its index (the ``-shm`` file)
    does not list yet, or the index is being written: pages a writer has put in the WAL
    during its open transaction (spilled from its page cache, or its COMMIT being
    written). No reader sees them, but SQLite's recovery reads them after a crash.

    False means that a write transaction in flight has written nothing to the database's
    files yet (in WAL mode the database file only receives committed pages, from the WAL):
    a writer killed then leaves the database exactly as readers see it. Read from the file
    formats (https://sqlite.org/fileformat2.html, "WAL File Format" and "WAL-Index
    Format"): the salts of the WAL header, and the count of valid frames (``mxFrame``) in
    the index header; the frame after those bears the current salts only if a writer
    wrote it since the last commit the index lists.
    """
    wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
    try:
        with wal.open("rb") as handle:
            header = handle.read(32)
            if len(header) < 32:
                return False  # not even a header: no frame
            page_size = int.from_bytes(header[8:12], "big")
            with shm.open("rb") as index_file:
                index = index_file.read(96)
            # the index header twice (equal unless being written), then isInit
            if len(index) < 96 or index[:48] != index[48:96] or not index[12]:
                return True
            valid = int.from_bytes(index[16:20], sys.byteorder)  # mxFrame, native order
            handle.seek(32 + valid * (24 + page_size))
            frame = handle.read(24)
    except FileNotFoundError:
        return wal.exists()  # no WAL: no frame; a WAL without its index: unknown
    return len(frame) == 24 and frame[8:16] == header[16:24]


def wait_for(condition: object, timeout: float = 20.0, step: float = 0.005) -> bool:
    """Poll ``condition()`` until true or ``timeout``; returns its last value."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


Identity = tuple[int, str]
"""A process: its pid and its start time (``/proc/PID/stat``), which tell it from a later
process given the same pid."""


def identity(pid: int) -> Identity | None:
    """The identity of the running process ``pid``; None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return pid, stat[stat.rindex(")") + 2 :].split()[19]  # field 22: starttime


def running(process: Identity) -> bool:
    """Whether ``process`` still runs: False once it ended (gone, or a zombie nobody waited
    for yet: a zombie holds no file and does nothing), or if its pid is another's now."""
    pid, started = process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[19] == started and fields[0] not in "ZX"


def _wait_stopped(pid: int) -> None:
    try:
        while _state(pid) not in "TtZX":
            time.sleep(0.0005)
    except FileNotFoundError:
        pass  # ended


def _started(pid: int) -> bool:
    """Whether the child process ``pid`` of an import is past its start: it ignores SIGINT,
    which ``processes.main`` does first thing, once it asked Linux to kill it with its
    parent (before, Python is still loading). An ended process counts as started.
    (Its parent must handle SIGINT, as :func:`start` makes sure: an ignored SIGINT would
    be inherited.)"""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields["State"].split()[0] in "ZX":
        return True
    return bool(int(fields["SigIgn"], 16) & 1 << (signal.SIGINT - 1))


def stop_while_a_child_reads(
    proc: subprocess.Popen[str], db: Path, sales_file: str = "ventes.csv", timeout: float = 60
) -> list[int]:
    """Stop ``proc`` inside its import transaction (:func:`stop_inside_the_load`) at a
    moment when at least one of its child processes has not read the whole sales file yet,
    and each is past its start (:func:`_started`); its children are stopped too (SIGSTOP),
    so that this stays true until the test acts.

    Returns the children still reading, in the order found (``proc`` and every child of
    it stopped: SIGCONT resumes them), or [] if ``proc`` ended first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not stop_inside_the_load(proc, db, sales_file, deadline - time.monotonic()):
            return []
        found = children(proc.pid)  # stable: a stopped process neither starts nor waits
        for child in found:
            os.kill(child, signal.SIGSTOP)
        for child in found:
            _wait_stopped(child)
        reading = [c for c in found if _reads_unfinished(c, sales_file)]
        if reading and all(_started(c) for c in found):
            return reading
        for child in found:
            os.kill(child, signal.SIGCONT)
        os.kill(proc.pid, signal.SIGCONT)
        time.sleep(0.002)
    return []


def kill_children(pid: int, first_only: bool = False) -> list[Identity]:
    """SIGKILL the children of the running process ``pid`` (only the first found with
    ``first_only``); returns those reached. Safe while ``pid`` runs and may wait for a child
    meanwhile, its pid then free for another process: each is reached through a pidfd,
    opened before checking that its parent is ``pid``."""
    killed: list[Identity] = []
    for child in children(pid):
        try:
            handle = os.pidfd_open(child)
        except OSError:
            continue  # ended meanwhile
        try:
            process = identity(child)
            stat = Path(f"/proc/{child}/stat").read_text()
            if process is None or int(stat[stat.rindex(")") + 2 :].split()[1]) != pid:
                continue
            signal.pidfd_send_signal(handle, signal.SIGKILL)
            killed.append(process)
        except OSError:
            continue  # ended meanwhile
        finally:
            os.close(handle)
        if first_only:
            break
    return killed
