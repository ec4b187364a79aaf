"""Benchmark: ``ventes import`` and ``ventes analyse`` at scale, against the usual tools.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m bench [-n 1000000] [--10m] [-r 3]

Generates the client-format files (``ventes generer``) under ``bench/out/``, serves them
from 127.0.0.1 (``python -m http.server`` in a subprocess), then runs each measured
command in its own process: wall time (median of the repetitions), CPU time (user +
system, from ``os.wait4``: the command and the descendants it waited for) and the peak
memory of the command's whole process tree. Prints one table, with the ratios and the
targets of issues 5 and 13, and writes the figures to ``bench/out/results.json``.

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
    command waited for, not those it left running: measured with a Python child that
    starts a grandchild busy for 1 s of CPU, wait4 on the child reads 1.11 s when the
    child waits for the grandchild, 0.05 s when it exits without waiting (Linux 6.18).
    So a command's CPU time includes its worker processes only if it waits for them.
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
    compile it again (up to 0.13 s per command here, half of a 1 % append)."""
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


def generate(folder: Path, sales: int, seed: int, *, append_to: Path | None = None) -> None:
    """The client-format files of ``folder`` (cached: regenerated only when missing)."""
    marker = folder / "fait.json"
    wanted = {
        "ventes": sales,
        "germe": seed,
        "ajout_a": None if append_to is None else (append_to / "fait.json").read_text(),
    }
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if append_to is None:
        cmd = [PY, "-m", "ventes_pme", "generer", str(folder), "-n", str(sales)]
    else:
        shutil.copytree(append_to, folder)
        (folder / "fait.json").unlink()
        cmd = [PY, "-m", "ventes_pme", "generer", str(folder), "-n", str(sales), "--ajouter"]
    print(f"Génération : {' '.join(cmd[2:])}", flush=True)
    subprocess.run([*cmd, "--germe", str(seed)], check=True, env=clean_env())
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Mesure import et analyse à grande échelle (voir docs/performance.md).",
    )
    parser.add_argument("-r", "--repetitions", type=int, default=3, help="répétitions (3)")
    parser.add_argument(
        "-n",
        "--ventes",
        type=int,
        default=2_500_000,
        help="ventes (2500000 : le plus grand fichier qu'une feuille Google peut publier)",
    )
    parser.add_argument(
        "--10m", dest="ten_m", action="store_true", help="mesurer aussi 10 millions de ventes"
    )
    parser.add_argument("--sortie", type=Path, default=ROOT / "bench" / "out", help="dossier")
    parser.add_argument("--sans-pandas", action="store_true", help="ne pas mesurer pandas")
    args = parser.parse_args(argv)
    if shutil.which("sqlite3") is None:
        raise SystemExit("le shell sqlite3 est absent (paquet Debian sqlite3)")
    # find_spec, not import: this process stays small (see TreeSampler.total_kb)
    if not args.sans_pandas and importlib.util.find_spec("pandas") is None:
        raise SystemExit(
            "pandas est absent : .venv/bin/pip install -e '.[bench]' (ou --sans-pandas)"
        )

    out: Path = args.sortie.resolve()
    data, dbs = out / "data", out / "db"
    dbs.mkdir(parents=True, exist_ok=True)
    n, reps = args.ventes, args.repetitions
    label = f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)
    appended = max(1, n // 100)
    env = clean_env()
    compile_package()
    info = machine()
    print("Machine :", "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)

    generate(data / label, n, 1)
    generate(data / f"{label}-plus", appended, 1, append_to=data / label)
    edited_copy(data / f"{label}-plus", data / f"{label}-modifie")
    if args.ten_m:
        generate(data / "10m", 10_000_000, 1)

    results: dict[str, Measure] = {}

    def m(key: str, text: str) -> Measure:
        results[key] = Measure(text)
        return results[key]

    server = Server(data)
    try:
        # One repetition measures, one after the other, every figure a ratio compares: the
        # import, its baselines and its re-imports. The machine's speed drifts over minutes
        # (a shared virtual machine): measured in separate blocks, a ratio compared two
        # different machines.
        full = m(
            "import", f"ventes import, {n:_} ventes (HTTP 127.0.0.1, base neuve)".replace("_", " ")
        )
        shell = m("sqlite", "shell sqlite3 .import (fichier local, table nue)")
        floor = m("python", "Python : csv.reader + executemany (table nue)")
        pd_m = (
            None if args.sans_pandas else m("pandas", "pandas read_csv (HTTP) + to_sql (table nue)")
        )
        again = m("same", "ré-import du même fichier (rien de nouveau)")
        plus = m("append", f"ré-import après ajout de {appended:_} lignes (1 %)".replace("_", " "))
        edit = m("edit", "ré-import après modification d'une ligne (relecture complète)")
        base = dbs / "base.db"
        for _ in range(reps):
            db = dbs / "import.db"
            remove_db(db)
            measure(
                full,
                ventes("import", "--db", str(db), "--no-progression", *server.urls(label)),
                env=env,
            )
            copy_db(db, base)

            db = dbs / "shell.db"
            remove_db(db)
            cmd, script = sqlite_shell(data / label / "ventes.csv", db)
            measure(shell, cmd, stdin=script)

            db = dbs / "python.db"
            remove_db(db)
            measure(
                floor,
                [PY, "-m", "bench.baselines", "python", str(data / label / "ventes.csv"), str(db)],
            )

            if pd_m is not None:
                db = dbs / "pandas.db"
                remove_db(db)
                measure(
                    pd_m,
                    [
                        PY,
                        "-m",
                        "bench.baselines",
                        "pandas",
                        f"{server.base}/{label}/ventes.csv",
                        str(db),
                    ],
                )

            db = dbs / "reimport.db"
            copy_db(base, db)
            measure(
                again,
                ventes("import", "--db", str(db), "--no-progression", *server.urls(label)),
                env=env,
            )
            measure(
                plus,
                ventes(
                    "import", "--db", str(db), "--no-progression", *server.urls(f"{label}-plus")
                ),
                env=env,
            )
            copy_db(base, db)
            measure(
                edit,
                ventes(
                    "import", "--db", str(db), "--no-progression", *server.urls(f"{label}-modifie")
                ),
                env=env,
            )

        whole = m("run", "ventes run : téléchargement, import, analyses, rapport (base neuve)")
        for _ in range(reps):
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
                    *server.urls(label),
                ),
                env=env,
            )

        analyse = m("analyse", f"ventes analyse, {n:_} ventes".replace("_", " "))
        for _ in range(reps):
            measure(analyse, ventes("analyse", "--db", str(base)), env=env)

        # the data profile each import computes (included in the import times above)
        prof = m("profil", f"profil des données seul (flux + SQL), {n:_} ventes".replace("_", " "))
        for _ in range(reps):
            measure(prof, [PY, "-m", "bench.baselines", "profil", str(data / label), str(base)])

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
    report(results, info, n, reps, out, argv if argv is not None else sys.argv[1:])
    return 0


def report(
    results: dict[str, Measure],
    info: dict[str, str],
    n: int,
    reps: int,
    out: Path,
    argv: Sequence[str],
) -> None:
    ref = results["sqlite"].wall
    imp = results["import"].wall
    ratios = {
        "import": ("× shell sqlite3", imp / ref),
        "sqlite": ("× shell sqlite3", 1.0),
        "python": ("× shell sqlite3", results["python"].wall / ref),
        "same": ("× import complet", results["same"].wall / imp),
        "append": ("× import complet", results["append"].wall / imp),
        "edit": ("× import complet", results["edit"].wall / imp),
        "profil": ("× import complet", results["profil"].wall / imp),
        "run": ("× import complet", results["run"].wall / imp),
    }
    if "pandas" in results:
        ratios["pandas"] = ("× shell sqlite3", results["pandas"].wall / ref)
    if "sqlite10m" in results:
        ratios["import10m"] = (
            "× shell sqlite3 10M",
            results["import10m"].wall / results["sqlite10m"].wall,
        )
    print(
        f"\nRésultats (médiane de {reps} répétitions ; CPU = utilisateur + système ;"
        " RSS = somme des pics de tous les processus de la mesure, proc. = leur nombre) :\n"
    )
    head = f"{'mesure':<66} {'durée s':>8} {'CPU s':>7} {'RSS Mo':>7} {'proc.':>5}  ratio"
    print(head)
    print("-" * len(head))
    for key, r in results.items():
        ratio = f"{ratios[key][1]:.2f} {ratios[key][0]}" if key in ratios else ""
        print(f"{r.label:<66} {r.wall:>8.2f} {r.cpu:>7.2f} {r.rss:>7.0f} {r.procs:>5}  {ratio}")
    rss_max = max(results[k].rss for k in ("import", "import10m") if k in results)
    # the targets: ≤ 3 × the shell up to 1 M sales, ≤ 3.5 × beyond (2.5 M)
    limit = 3.0 if n <= 1_000_000 else 3.5
    targets = [
        (f"import complet ≤ {limit:.1f} × shell sqlite3".replace(".", ","), imp / ref, limit),
        (
            "relecture complète après une ligne modifiée ≤ 1,0 × import complet",
            results["edit"].wall / imp,
            1.0,
        ),
        (
            "ré-import après 1 % d'ajouts ≤ 0,1 × import complet",
            results["append"].wall / imp,
            0.1,
        ),
        ("RSS max d'un import (tous ses processus) ≤ 120 Mo", rss_max, 120.0),
    ]
    if "analyse10m" in results:
        targets.append(
            ("toutes les analyses sur 10M ventes < 10 s", results["analyse10m"].wall, 10.0)
        )
    print("\nObjectifs :")
    for text, value, limit in targets:
        print(
            f"  {'atteint' if value < limit or value == limit else 'MANQUÉ '}  {text} : {value:.2f}"
        )
    print("\nMachine :")
    for k, v in info.items():
        print(f"  {k} : {v}")
    doc = {
        "commande": "python -m bench " + " ".join(argv),
        "ventes": n,
        "repetitions": reps,
        "machine": info,
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
