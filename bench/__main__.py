"""Benchmark: ``ventes import`` and ``ventes analyse`` at scale, against the usual tools.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m bench [-n 1000000] [--10m] [-r 3]

Generates the client-format files (``ventes generer``) under ``bench/out/``, serves them
from 127.0.0.1 (``python -m http.server`` in a subprocess), then runs each measured
command in its own process: wall time (median of the repetitions), CPU time (user +
system) and peak RSS from ``os.wait4``. Prints one table, with the ratios and the targets
of issues 5 and 13, and writes the figures to ``bench/out/results.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


@dataclass
class Measure:
    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
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


def run(
    cmd: Sequence[str], *, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Run ``cmd``; return (wall s, CPU s, peak RSS MB) of that process. Fails loudly.

    The peak RSS comes from /usr/bin/time when installed: Linux's ru_maxrss of a child
    never reads less than the RSS of the process that forked it, here this bench.
    """
    rss_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-rss-{os.getpid()}"
    if TIME:
        cmd = [TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stderr is not None
    # read stderr before waiting (a full pipe would block the child); keep only the end
    tail = proc.stderr.read()[-2000:]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"échec ({proc.returncode}) de : {' '.join(cmd)}\n{tail}")
    rss_kb = usage.ru_maxrss
    if TIME:
        rss_kb = int(rss_file.read_text().split()[-1])
        rss_file.unlink()
    return wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024


def measure(m: Measure, cmd: Sequence[str], **kwargs: object) -> None:
    wall, cpu, rss = run(cmd, **kwargs)  # type: ignore[arg-type]
    m.walls.append(wall)
    m.cpus.append(cpu)
    m.rss_mb.append(rss)
    print(f"  {m.label} : {wall:.2f} s (CPU {cpu:.2f} s, RSS {rss:.0f} Mo)", flush=True)


def clean_env() -> dict[str, str]:
    """The environment without VENTES_* (the bench passes every setting explicitly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}


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
        "mesure du RSS": "/usr/bin/time" if TIME else "os.wait4 (majoré par ce processus)",
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
    # find_spec, not import: this process stays small (see run)
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
        full = m(
            "import", f"ventes import, {n:_} ventes (HTTP 127.0.0.1, base neuve)".replace("_", " ")
        )
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

        shell = m("sqlite", "shell sqlite3 .import (fichier local, table nue)")
        for _ in range(reps):
            db = dbs / "shell.db"
            remove_db(db)
            cmd, script = sqlite_shell(data / label / "ventes.csv", db)
            measure(shell, cmd, stdin=script)

        floor = m("python", "Python : csv.reader + executemany (table nue)")
        for _ in range(reps):
            db = dbs / "python.db"
            remove_db(db)
            measure(
                floor,
                [PY, "-m", "bench.baselines", "python", str(data / label / "ventes.csv"), str(db)],
            )

        if not args.sans_pandas:
            pd_m = m("pandas", "pandas read_csv (HTTP) + to_sql (table nue)")
            for _ in range(reps):
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

        again = m("same", "ré-import du même fichier (rien de nouveau)")
        plus = m("append", f"ré-import après ajout de {appended:_} lignes (1 %)".replace("_", " "))
        edit = m("edit", "ré-import après modification d'une ligne (relecture complète)")
        for _ in range(reps):
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
    print(f"\nRésultats (médiane de {reps} répétitions ; CPU = utilisateur + système) :\n")
    head = f"{'mesure':<66} {'durée s':>8} {'CPU s':>7} {'RSS Mo':>7}  ratio"
    print(head)
    print("-" * len(head))
    for key, r in results.items():
        ratio = f"{ratios[key][1]:.2f} {ratios[key][0]}" if key in ratios else ""
        print(f"{r.label:<66} {r.wall:>8.2f} {r.cpu:>7.2f} {r.rss:>7.0f}  {ratio}")
    rss_max = max(results[k].rss for k in ("import", "import10m") if k in results)
    # issue 13: ≤ 3 × the shell up to 1 M sales, ≤ 3.5 × beyond (2.5 M)
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
            k: asdict(v) | {"median_s": v.wall, "cpu_s": v.cpu, "rss_mo": v.rss}
            for k, v in results.items()
        },
        "objectifs": [{"objectif": t, "valeur": v, "limite": lim} for t, v, lim in targets],
    }
    (out / "results.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    print(f"\nChiffres enregistrés dans {out / 'results.json'}")


if __name__ == "__main__":
    sys.exit(main())
