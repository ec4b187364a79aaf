"""Benchmark: ``ventes import`` and ``ventes analyse`` at scale, against the usual tools.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m bench [-n 1000000] [--10m] [-r 3]

Generates the client-format files (``ventes generer``) under ``bench/out/``, serves them
from 127.0.0.1 (``python -m http.server`` in a subprocess), then runs each measured
command in its own process: wall time (median of the repetitions), CPU time (user +
system, from ``os.wait4``: the command and the descendants it waited for) and the peak
memory of the command's whole process tree. Prints one table, with the ratios and the
project's targets, and writes the figures to ``bench/out/results.json``.

Memory (the import runs in two or three processes, and ``/usr/bin/time`` sees
only one). While the command runs, a thread of this bench walks its process tree every
10 ms (``/proc/<pid>/task/<tid>/children``, or the parent pids of ``/proc/*/stat``) and
keeps, for every process seen, the last ``VmHWM`` of ``/proc/<pid>/status`` (that
process's own peak RSS so far). The figure is the sum of those peaks: a sum of peaks,
which is an upper bound of the peak of the sum (conservative: the processes need not
peak at the same moment). Only processes seen as descendants count; a process that lives
less than a sampling interval may be missed, and growth in the last 10 ms of a process
is caught only through ``ru_maxrss`` (see ``TreeSampler.total_kb``).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


@dataclass
class Measure:
    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    processes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def rss(self) -> float:
        return max(self.rss_mb)

    @property
    def procs(self) -> int:
        return max(self.processes)


# /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN; without it, scan /proc/*/stat
PROC_CHILDREN = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def vm_hwm_kb(pid: int) -> int | None:
    """``VmHWM`` of ``pid`` in kB (its own peak RSS so far), None once it has exited."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None  # gone, or a zombie (its memory is already released: no Vm* lines)


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (of all its threads), [] once it has exited."""
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                    kids.extend(int(k) for k in handle.read().split())
            except (FileNotFoundError, ProcessLookupError):
                pass  # that thread has ended
    except (FileNotFoundError, ProcessLookupError):
        pass
    return kids


def parents() -> dict[int, list[int]]:
    """Every process's children, from the parent pid of each ``/proc/<pid>/stat``."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


class TreeSampler:
    """Peak memory of a process and all its descendants, polled from a thread.

    ``peaks_kb`` maps every pid seen in the tree of ``pid`` (itself included) to the
    last ``VmHWM`` read for it. A pid is only ever counted while it is a descendant of
    ``pid``: its reuse by an unrelated process after it exited is ignored (and a pid
    reused inside the tree would keep a single entry: the edge is ignored too).
    """

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.interval = interval
        self.peaks_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-rss", daemon=True)

    def start(self) -> TreeSampler:
        self.sample()  # at once: the first sample must not wait for the thread
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def tree(self) -> list[int]:
        """``pid`` and its descendants now (those that vanish meanwhile are left out)."""
        found, todo = [], [self.pid]
        by_parent = None if PROC_CHILDREN else parents()
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children(pid) if by_parent is None else by_parent.get(pid, []))
        return found

    def sample(self) -> None:
        for pid in self.tree():
            kb = vm_hwm_kb(pid)
            if kb is not None:  # VmHWM never decreases: the last read is the largest
                self.peaks_kb[pid] = kb

    def wait(self) -> tuple[int, resource.struct_rusage]:
        """Wait for ``pid`` to exit, stop polling, reap it: ``os.wait4``'s status and usage."""
        # wait for the exit without reaping: the pid stays taken while the sampler stops
        os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.sample()  # the descendants still alive once the top has exited
        _, status, usage = os.wait4(self.pid, 0)
        return status, usage

    def total_kb(self, ru_maxrss_kb: int, own_hwm_kb: int) -> int:
        """The sum of the peaks seen, corrected with ``ru_maxrss`` of ``os.wait4``.

        ``ru_maxrss`` is no figure of the top process alone (checked on Linux 6.18): it is
        the largest peak among the top process, the descendants it waited for, and the
        process that started it (here this bench, ``own_hwm_kb``: the RSS of the parent
        is inherited at exec — a ``sqlite3 --version`` started by a 200 MB Python reads
        213 MB). Taking max(VmHWM, ru_maxrss) for the top would count the largest child
        twice. But when ``ru_maxrss`` exceeds every peak read, some process grew after
        its last read (in its last 10 ms): the excess is added, once. (The two kernel
        counters may differ by a few pages: ``ru_maxrss`` was seen ~100 kB below the last
        ``VmHWM`` of the same process.)
        """
        if self.pid not in self.peaks_kb:  # exited before its first read
            return sum(self.peaks_kb.values()) + ru_maxrss_kb
        known = max(own_hwm_kb, *self.peaks_kb.values())
        return sum(self.peaks_kb.values()) + max(0, ru_maxrss_kb - known)


def run(
    cmd: Sequence[str], *, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    """Run ``cmd``; return (wall s, CPU s, peak memory MB, processes seen). Fails loudly.

    The memory is the sum of the peak RSS of the command and of all its descendants
    (``TreeSampler``): an upper bound of the peak of their sum. The CPU time is
    ``ru_utime + ru_stime`` of ``os.wait4``, which on Linux includes the descendants the
    command waited for, not those it left running: a command's CPU time includes its
    worker processes only if it waits for them.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    sampler = TreeSampler(proc.pid).start()
    own_hwm_kb = vm_hwm_kb(os.getpid()) or 0  # after the spawn: what the command inherited
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stderr is not None
    # read stderr before waiting (a full pipe would block the child); keep only the end
    tail = proc.stderr.read()[-2000:]
    status, usage = sampler.wait()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"échec ({proc.returncode}) de : {' '.join(cmd)}\n{tail}")
    rss_kb = sampler.total_kb(usage.ru_maxrss, own_hwm_kb)
    return wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, len(sampler.peaks_kb)


def measure(m: Measure, cmd: Sequence[str], **kwargs: object) -> None:
    wall, cpu, rss, procs = run(cmd, **kwargs)  # type: ignore[arg-type]
    m.walls.append(wall)
    m.cpus.append(cpu)
    m.rss_mb.append(rss)
    m.processes.append(procs)
    print(
        f"  {m.label} : {wall:.2f} s (CPU {cpu:.2f} s, RSS {rss:.0f} Mo en {procs} processus)",
        flush=True,
    )


def clean_env() -> dict[str, str]:
    """The environment without VENTES_* (the bench passes every setting explicitly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}


def compile_package() -> None:
    """Compile the package's modules into bytecode first, as pip does when it installs
    it: a copy installed in development mode keeps a modified module's bytecode stale
    (never written under PYTHONDONTWRITEBYTECODE), and every measured command would
    compile it again (a visible share of a small import)."""
    spec = importlib.util.find_spec("ventes_pme")  # (not imported: see main)
    assert spec is not None and spec.submodule_search_locations is not None
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> None:
    remove_db(target)
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(source, target)


def generate(folder: Path, args: Sequence[str], *, append_to: Path | None = None) -> None:
    """The client-format files of ``folder`` by ``ventes generer DOSSIER ARGS`` (cached:
    regenerated only when missing or made otherwise); with ``append_to``, a copy of that
    folder with ``--ajouter ARGS``."""
    marker = folder / "fait.json"
    wanted = {
        "arguments": list(args),
        "ajout_a": None if append_to is None else (append_to / "fait.json").read_text(),
    }
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return
    shutil.rmtree(folder, ignore_errors=True)
    cmd = [PY, "-m", "ventes_pme", "generer", str(folder), *args]
    if append_to is not None:
        shutil.copytree(append_to, folder)
        (folder / "fait.json").unlink()
        cmd.append("--ajouter")
    print(f"Génération : {' '.join(cmd[2:])}", flush=True)
    subprocess.run(cmd, check=True, env=clean_env())
    marker.write_text(json.dumps(wanted))


def edited_copy(source: Path, folder: Path) -> None:
    """``source`` with its first sale changed: not an append, so the next import re-reads all."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    path = folder / "ventes.csv"
    with path.open("r+b") as handle:
        handle.readline()
        where = handle.tell()
        line = handle.readline()
        fields = line.split(b",")
        fields[2] = b"9" if fields[2] != b"9" else b"8"  # same length: the rest is unchanged
        handle.seek(where)
        handle.write(b",".join(fields))


class Server:
    """``python -m http.server`` on 127.0.0.1 serving ``folder``, in a subprocess."""

    def __init__(self, folder: Path) -> None:
        self.proc = subprocess.Popen(
            [PY, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"port (\d+)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"serveur HTTP non démarré : {line!r}")
        self.base = f"http://127.0.0.1:{match[1]}"

    def urls(self, name: str) -> list[str]:
        return [
            arg
            for source in ("produits", "magasins", "ventes")
            for arg in (f"--url-{source}", f"{self.base}/{name}/{source}.csv")
        ]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def ventes(*args: str) -> list[str]:
    return [PY, "-m", "ventes_pme", *args]


def sqlite_shell(csv_path: Path, db: Path) -> tuple[list[str], str]:
    script = (
        "CREATE TABLE ventes (date TEXT, produit TEXT, quantite TEXT, magasin TEXT);\n"
        ".mode csv\n"
        f".import --skip 1 '{csv_path}' ventes\n"
    )
    return ["sqlite3", str(db)], script


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} Gio"
    except (OSError, ValueError, IndexError):
        pass
    shell = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout
    return {
        "processeurs (nproc)": str(os.cpu_count()),
        "processeur": cpu,
        "mémoire": ram,
        "système": platform.platform(),
        "Python": platform.python_version(),
        "SQLite (module Python)": sqlite3.sqlite_version,
        "SQLite (shell)": shell.split()[0] if shell else "absent",
        "mesure du RSS": (
            "somme des pics (VmHWM) de tous les processus de la commande, lus toutes les"
            " 10 ms dans /proc : majore le pic de leur somme"
        ),
        "charge moyenne au début": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


#: the row orders of the sales file (``ventes generer --ordre``), as people sort the sheet
ORDERS = ("chronologique", "recent", "produit", "magasin", "aleatoire")


def _choices(text: str, allowed: Sequence[str]) -> list[str]:
    wanted = [w.strip() for w in text.split(",") if w.strip()]
    unknown = [w for w in wanted if w not in allowed]
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(
            f"« {text} » : choisir parmi {', '.join(allowed)} (séparés par des virgules)"
        )
    return wanted


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(w.replace("_", "")) for w in text.split(",") if w.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"« {text} » : des nombres de ventes, ex. 1000000,2500000")
    return sizes


def size_label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)


def limit_for(n: int) -> float:
    """The import's target against the sqlite3 shell: ≤ 3 × up to 1 M sales, ≤ 3.5 × beyond
    (the 2.5 M of a full Google sheet)."""
    return 3.0 if n <= 1_000_000 else 3.5


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Mesure l'import de ventes pour chaque ordre des lignes et chaque taille, "
        "puis l'analyse et « ventes run » dans le pire ordre (voir docs/performance.md).",
    )
    parser.add_argument("-r", "--repetitions", type=int, default=3, help="répétitions (3)")
    parser.add_argument(
        "-n",
        "--ventes",
        type=_sizes,
        default=[2_500_000],
        metavar="N[,N…]",
        help="tailles, en ventes, séparées par des virgules (2500000 : le plus grand fichier "
        "qu'une feuille Google peut publier ; ex. 1000000,2500000)",
    )
    parser.add_argument(
        "--ordres",
        type=lambda text: _choices(text, ORDERS),
        default=list(ORDERS),
        metavar="ORDRE[,ORDRE…]",
        help=f"ordres des lignes du fichier des ventes (défaut : tous : {', '.join(ORDERS)})",
    )
    parser.add_argument(
        "--imports-seuls",
        action="store_true",
        help="ne mesurer que les imports et ré-imports par ordre (ni pandas, ni Python seul, "
        "ni ventes run, ni analyses, ni profil)",
    )
    parser.add_argument(
        "--10m", dest="ten_m", action="store_true", help="mesurer aussi 10 millions de ventes"
    )
    parser.add_argument("--sortie", type=Path, default=ROOT / "bench" / "out", help="dossier")
    parser.add_argument("--sans-pandas", action="store_true", help="ne pas mesurer pandas")
    args = parser.parse_args(argv)
    if shutil.which("sqlite3") is None:
        raise SystemExit("le shell sqlite3 est absent (paquet Debian sqlite3)")
    extras = not args.imports_seuls
    # find_spec, not import: this process stays small (see TreeSampler.total_kb)
    if extras and not args.sans_pandas and importlib.util.find_spec("pandas") is None:
        raise SystemExit(
            "pandas est absent : .venv/bin/pip install -e '.[bench]' (ou --sans-pandas)"
        )

    out: Path = args.sortie.resolve()
    data, dbs = out / "data", out / "db"
    dbs.mkdir(parents=True, exist_ok=True)
    reps = args.repetitions
    env = clean_env()
    compile_package()
    info = machine()
    print("Machine :", "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)

    for n in args.ventes:
        label = size_label(n)
        appended = max(1, n // 100)
        for order in args.ordres:
            name = f"{label}-{order}"
            generate(data / name, ["-n", str(n), "--germe", "1", "--ordre", order])
            # a sheet grows at the end: 1 % of new lines, dated after the others, then the
            # same share with old dates in random order
            generate(
                data / f"{name}-plus", ["-n", str(appended), "--germe", "1"], append_to=data / name
            )
            generate(
                data / f"{name}-vieux",
                [
                    "-n",
                    str(appended),
                    "--germe",
                    "1",
                    "--debut",
                    "2024-01-01",
                    "--jours",
                    "365",
                    "--ordre",
                    "aleatoire",
                ],
                append_to=data / name,
            )
            edited_copy(data / f"{name}-plus", data / f"{name}-modifie")
    if args.ten_m:
        generate(data / "10m", ["-n", "10000000", "--germe", "1"])

    results: dict[str, Measure] = {}
    #: (size, order) of each per-order measure key, for the summary
    orders: dict[tuple[int, str], dict[str, str]] = {}

    def m(key: str, text: str) -> Measure:
        if key not in results:
            results[key] = Measure(text)
        return results[key]

    server = Server(data)
    try:
        for n in args.ventes:
            label = size_label(n)
            count = f"{n:_}".replace("_", " ")
            # One repetition measures, one after the other, every figure a ratio compares:
            # each order's import, the shell on the same file, and the re-imports. The
            # machine's speed drifts over minutes (a shared virtual machine): measured in
            # separate blocks, a ratio compared two different machines.
            for _ in range(reps):
                for order in args.ordres:
                    name = f"{label}-{order}"
                    keys = {
                        kind: f"{kind}:{name}"
                        for kind in ("import", "sqlite", "append", "vieux", "edit")
                    }
                    orders[(n, order)] = keys
                    full = m(keys["import"], f"ventes import, {count} ventes, ordre {order}")
                    shell = m(keys["sqlite"], f"shell sqlite3 .import, même fichier ({order})")
                    plus = m(keys["append"], f"ré-import après 1 % d'ajouts ({order})")
                    old = m(
                        keys["vieux"],
                        f"ré-import après 1 % d'ajouts de dates anciennes, mélangés ({order})",
                    )
                    edit = m(keys["edit"], f"relecture complète après une ligne modifiée ({order})")
                    db = dbs / "import.db"
                    base = dbs / f"base-{name}.db"
                    remove_db(db)
                    measure(
                        full,
                        ventes("import", "--db", str(db), "--no-progression", *server.urls(name)),
                        env=env,
                    )
                    copy_db(db, base)

                    db = dbs / "shell.db"
                    remove_db(db)
                    cmd, script = sqlite_shell(data / name / "ventes.csv", db)
                    measure(shell, cmd, stdin=script)

                    db = dbs / "reimport.db"
                    for measured, folder in ((plus, "plus"), (old, "vieux"), (edit, "modifie")):
                        copy_db(base, db)
                        urls = server.urls(f"{name}-{folder}")
                        measure(
                            measured,
                            ventes("import", "--db", str(db), "--no-progression", *urls),
                            env=env,
                        )
            if extras:
                _extras(n, args, server, data, dbs, env, results, orders, reps)
            for order in args.ordres:
                remove_db(dbs / f"base-{label}-{order}.db")

        if args.ten_m:
            big = m("import10m", "ventes import, 10 000 000 ventes (base neuve, 1 fois)")
            db10 = dbs / "10m.db"
            remove_db(db10)
            measure(
                big,
                ventes("import", "--db", str(db10), "--no-progression", *server.urls("10m")),
                env=env,
            )
            shell10 = m("sqlite10m", "shell sqlite3 .import, 10 000 000 ventes (1 fois)")
            db = dbs / "shell10m.db"
            remove_db(db)
            cmd, script = sqlite_shell(data / "10m" / "ventes.csv", db)
            measure(shell10, cmd, stdin=script)
            remove_db(db)
            analyse10 = m("analyse10m", "ventes analyse, 10 000 000 ventes")
            for _ in range(reps):
                measure(analyse10, ventes("analyse", "--db", str(db10)), env=env)
    finally:
        server.stop()
    info["charge moyenne à la fin"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report(results, orders, info, reps, out, argv if argv is not None else sys.argv[1:])
    return 0


def worst_order(
    results: dict[str, Measure], orders: dict[tuple[int, str], dict[str, str]], n: int
) -> str:
    """The order of the ``n``-sale file whose import is the slowest against the shell."""
    return max(
        (order for size, order in orders if size == n),
        key=lambda order: ratio(results, orders[(n, order)]),
    )


def ratio(results: dict[str, Measure], keys: dict[str, str], kind: str = "import") -> float:
    """``kind``'s median against the shell's (import) or against the import's (re-imports)."""
    if kind == "import":
        return results[keys["import"]].wall / results[keys["sqlite"]].wall
    return results[keys[kind]].wall / results[keys["import"]].wall


def _extras(
    n: int,
    args: argparse.Namespace,
    server: Server,
    data: Path,
    dbs: Path,
    env: dict[str, str],
    results: dict[str, Measure],
    orders: dict[tuple[int, str], dict[str, str]],
    reps: int,
) -> None:
    """The measures other than the imports, on the worst order of the ``n``-sale file: the
    other ways to load it, a no-op re-import, ``ventes run``, the analyses and the profile."""
    label = size_label(n)

    def m(key: str, text: str) -> Measure:
        results[key] = Measure(text)
        return results[key]

    worst = worst_order(results, orders, n)
    name = f"{label}-{worst}"
    count = f"{n:_}".replace("_", " ")
    base = dbs / f"base-{name}.db"
    csv_path = data / name / "ventes.csv"
    floor = m(f"python:{label}", f"Python : csv.reader + executemany, {count} ventes ({worst})")
    pd_m = (
        None
        if args.sans_pandas
        else m(f"pandas:{label}", f"pandas read_csv (HTTP) + to_sql, {count} ventes ({worst})")
    )
    again = m(f"same:{label}", f"ré-import du même fichier, rien de nouveau ({worst})")
    whole = m(f"run:{label}", f"ventes run de bout en bout, {count} ventes ({worst})")
    analyse = m(f"analyse:{label}", f"ventes analyse, {count} ventes")
    prof = m(f"profil:{label}", f"profil des données seul (flux + SQL), {count} ventes")
    for _ in range(reps):
        db = dbs / "python.db"
        remove_db(db)
        measure(floor, [PY, "-m", "bench.baselines", "python", str(csv_path), str(db)])
        if pd_m is not None:
            db = dbs / "pandas.db"
            remove_db(db)
            url = f"{server.base}/{name}/ventes.csv"
            measure(pd_m, [PY, "-m", "bench.baselines", "pandas", url, str(db)])
        db = dbs / "reimport.db"
        copy_db(base, db)
        measure(
            again,
            ventes("import", "--db", str(db), "--no-progression", *server.urls(name)),
            env=env,
        )
        db = dbs / "run.db"
        remove_db(db)
        shutil.rmtree(dbs / "rapport", ignore_errors=True)
        measure(
            whole,
            ventes(
                "run",
                "--db",
                str(db),
                "--no-progression",
                "--rapport",
                str(dbs / "rapport"),
                *server.urls(name),
            ),
            env=env,
        )
        measure(analyse, ventes("analyse", "--db", str(base)), env=env)
        measure(prof, [PY, "-m", "bench.baselines", "profil", str(data / name), str(base)])


def report(
    results: dict[str, Measure],
    orders: dict[tuple[int, str], dict[str, str]],
    info: dict[str, str],
    reps: int,
    out: Path,
    argv: Sequence[str],
) -> None:
    print(
        f"\nRésultats (médiane de {reps} répétitions ; CPU = utilisateur + système ;"
        " RSS = somme des pics de tous les processus de la mesure, proc. = leur nombre) :\n"
    )
    head = f"{'mesure':<72} {'durée s':>8} {'CPU s':>7} {'RSS Mo':>7} {'proc.':>5}"
    print(head)
    print("-" * len(head))
    for r in results.values():
        print(f"{r.label:<72} {r.wall:>8.2f} {r.cpu:>7.2f} {r.rss:>7.0f} {r.procs:>5}")

    sizes = sorted({n for n, _ in orders})
    rows: list[dict[str, Any]] = []
    targets: list[tuple[str, float, float]] = []
    print("\nPar ordre des lignes (le pire ordre d'abord) :\n")
    head = (
        f"{'ventes':>10} {'ordre':<14} {'import s':>9} {'shell s':>8} {'× shell':>8} "
        f"{'ajout 1 %':>10} {'ajout ancien':>13} {'ligne modifiée':>15} {'RSS Mo':>7}"
    )
    print(head)
    print("-" * len(head))
    for n in sizes:
        ranked = sorted(
            (order for size, order in orders if size == n),
            key=lambda order: -ratio(results, orders[(n, order)]),
        )
        for order in ranked:
            keys = orders[(n, order)]
            row = {
                "ventes": n,
                "ordre": order,
                "import_s": results[keys["import"]].wall,
                "shell_s": results[keys["sqlite"]].wall,
                "x_shell": ratio(results, keys),
                "ajout": ratio(results, keys, "append"),
                "ajout_ancien": ratio(results, keys, "vieux"),
                "modifie": ratio(results, keys, "edit"),
                "rss_mo": max(results[keys[k]].rss for k in ("import", "append", "vieux", "edit")),
            }
            rows.append(row)
            print(
                f"{n:>10} {order:<14} {row['import_s']:>9.2f} {row['shell_s']:>8.2f} "
                f"{row['x_shell']:>7.2f}× {row['ajout']:>9.3f}× {row['ajout_ancien']:>12.3f}× "
                f"{row['modifie']:>14.2f}× {row['rss_mo']:>7.0f}"
            )
        worst = ranked[0]
        keys = orders[(n, worst)]
        limit = limit_for(n)
        targets.append(
            (
                f"{n} ventes, pire ordre ({worst}) : import ≤ {limit:.1f} × shell".replace(
                    ".", ","
                ),
                ratio(results, keys),
                limit,
            )
        )
        for kind, text, limit in (
            ("edit", "relecture après une ligne modifiée ≤ 1,0 × import", 1.0),
            ("append", "ré-import après 1 % d'ajouts ≤ 0,1 × import", 0.1),
            ("vieux", "ré-import après 1 % d'ajouts anciens mélangés ≤ 0,1 × import", 0.1),
        ):
            by_order = {o: ratio(results, orders[(n, o)], kind) for size, o in orders if size == n}
            order = max(by_order, key=by_order.__getitem__)
            targets.append(
                (
                    f"{n} ventes, pire ordre ({order}) : {text}",
                    ratio(results, orders[(n, order)], kind),
                    limit,
                )
            )
        rss = max(row["rss_mo"] for row in rows if row["ventes"] == n)
        targets.append(
            (f"{n} ventes : RSS max d'un import (tous ses processus) ≤ 120 Mo", rss, 120.0)
        )
        if f"run:{size_label(n)}" in results:
            run_ = results[f"run:{size_label(n)}"]
            print(f"\nventes run, {n} ventes dans le pire ordre : {run_.wall:.2f} s")
    if "analyse10m" in results:
        targets.append(
            ("toutes les analyses sur 10M ventes < 10 s", results["analyse10m"].wall, 10.0)
        )
    print("\nObjectifs :")
    for text, value, limit in targets:
        print(f"  {'atteint' if value <= limit else 'MANQUÉ '}  {text} : {value:.3f}")
    print("\nMachine :")
    for k, v in info.items():
        print(f"  {k} : {v}")
    doc = {
        "commande": "python -m bench " + " ".join(argv),
        "repetitions": reps,
        "machine": info,
        "par_ordre": rows,
        "mesures": {
            k: asdict(v)
            | {"median_s": v.wall, "cpu_s": v.cpu, "rss_mo": v.rss, "processus": v.procs}
            for k, v in results.items()
        },
        "objectifs": [{"objectif": t, "valeur": v, "limite": lim} for t, v, lim in targets],
    }
    (out / "results.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    print(f"\nChiffres enregistrés dans {out / 'results.json'}")


if __name__ == "__main__":
    sys.exit(main())
