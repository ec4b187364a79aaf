"""Mesure des tableaux de bord : chaque requête de graphique, pour chaque sélection.

Benchmark of the dashboards: every chart query of every dashboard, for each period preset
and with a region, a store and a product chosen, on a database of three years of sales
(2.5 million by default: a Google sheet's maximum)::

    .venv/bin/python -m bench.tableau_bord [-n 2500000] [-r 3]

Generates the files (``ventes generer``, cached under ``bench/out/tableau_bord/``), imports
them once over HTTP from 127.0.0.1, then runs each query as the dashboard's plugin does
(a connection of :func:`ventes_pme.db.connect`, the filters bound as parameters) and
prints the median wall time of each, slowest first; exits 1 when one takes a second or
more (the goal: each page answers in under a second at 2.5 M sales).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from bench.__main__ import PY, ROOT, Server, clean_env
from ventes_pme import db, tableau

GOAL_S = 1.0


def _files(folder: Path, sales: int, stores: int, products: int) -> None:
    marker = folder / "fait.json"
    wanted = {"ventes": sales, "magasins": stores, "produits": products, "jours": 1096}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return
    cmd = [PY, "-m", "ventes_pme", "generer", str(folder), "-n", str(sales)]
    cmd += ["--magasins", str(stores), "--produits", str(products)]
    cmd += ["--debut", "2023-01-01", "--jours", "1096"]
    print(f"Génération : {' '.join(cmd[2:])}", flush=True)
    subprocess.run(cmd, check=True, env=clean_env())
    marker.write_text(json.dumps(wanted))


def _database(out: Path, label: str) -> Path:
    path = out / f"{label}.db"
    if path.is_file():
        return path
    server = Server(out)
    try:
        cmd = [PY, "-m", "ventes_pme", "import", "--db", str(path), "--no-progression"]
        print(f"Import : {path.name}", flush=True)
        subprocess.run([*cmd, *server.urls(label)], check=True, env=clean_env())
    finally:
        server.stop()
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tableau_bord", description=__doc__)
    parser.add_argument("-n", "--ventes", type=int, default=2_500_000, help="ventes (2 500 000)")
    parser.add_argument("--magasins", type=int, default=150, help="magasins (150)")
    parser.add_argument("--produits", type=int, default=200, help="produits (200)")
    parser.add_argument("-r", "--repetitions", type=int, default=3, help="répétitions (3)")
    parser.add_argument(
        "--sortie", type=Path, default=ROOT / "bench" / "out" / "tableau_bord", help="dossier"
    )
    args = parser.parse_args(argv)
    out: Path = args.sortie.resolve()
    label = f"{args.ventes}"
    _files(out / label, args.ventes, args.magasins, args.produits)
    conn = db.connect(_database(out, label))
    region, store = conn.execute(
        "SELECT store_regions.region, store_regions.city || ' (n° ' || "
        "store_regions.store_id || ')' FROM store_regions ORDER BY store_regions.store_id"
    ).fetchone()
    product = conn.execute(
        "SELECT products.name || ' (' || products.product_id || ')' FROM products "
        "ORDER BY products.product_id"
    ).fetchone()[0]
    selections = {f"période « {p} »": {"periode": p} for p in tableau.PERIODS}
    selections["cette année, une région"] = {"periode": "cette année", "region": region}
    selections["tout, un magasin"] = {"periode": "tout", "magasin": store}
    selections["cette année, un produit"] = {"periode": "cette année", "produit": product}
    selections["tout, un produit"] = {"periode": "tout", "produit": product}
    charts = {
        name: chart["query"]
        for dashboard in tableau.dashboards("ventes").values()
        for name, chart in dashboard["charts"].items()
        if "query" in chart
    }
    timings: list[tuple[float, str, str, int]] = []
    for chart, query in charts.items():
        names = set(re.findall(r"(?<![\w:]):([A-Za-z_]\w*)", query))
        for selection, filters in selections.items():
            params = {name: filters.get(name, "") for name in names}
            walls = []
            rows = 0
            for _ in range(args.repetitions):
                start = time.perf_counter()
                rows = len(conn.execute(query, params).fetchall())
                walls.append(time.perf_counter() - start)
            timings.append((statistics.median(walls), chart, selection, rows))
    conn.close()
    timings.sort(reverse=True)
    print(f"{'s':>7}  {'graphique':<18} {'sélection':<34} lignes")
    for wall, chart, selection, rows in timings:
        print(f"{wall:7.3f}  {chart:<18} {selection:<34} {rows}")
    slow = [t for t in timings if t[0] >= GOAL_S]
    print(
        f"{len(timings)} mesures, la plus lente : {timings[0][0]:.3f} s "
        f"({'objectif < 1 s tenu' if not slow else f'{len(slow)} au-delà de 1 s'})."
    )
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
