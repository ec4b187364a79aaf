"""What the report's tests at scale share: a generated three-year data set of ~150 stores
in as many cities (every overseas city of the regions table among them), imported and
analysed once per test session."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

from tests.httpserver import FileServer
from tests.support import make_settings
from ventes_pme import api, generate, regions
from ventes_pme.analyse import Analysis
from ventes_pme.validate import COLUMNS

OVERSEAS = {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}
STORES = 150
PRODUCTS = 200
SALES = 30_000
START = date(2023, 1, 2)
DAYS = 3 * 365 + 1


def store_cities() -> list[str]:
    """Every overseas city of the regions table, then every other metropolitan one, up to
    :data:`STORES` cities."""
    rows = list(csv.DictReader(io.StringIO(regions.reference_text())))
    overseas = [r["ville"] for r in rows if r["region"] in OVERSEAS]
    others = [r["ville"] for r in rows if r["region"] not in OVERSEAS][::2]
    return (overseas + others)[:STORES]


def write_files(folder: Path) -> None:
    """The three files: generated sales over three years, stores in :func:`store_cities`."""
    generate.generate(folder, sales=SALES, products=PRODUCTS, stores=STORES, start=START, days=DAYS)
    rng = random.Random(7)
    lines = [",".join(COLUMNS["magasins"].values())]
    lines += [f"{n},{city},{rng.randint(2, 60)}" for n, city in enumerate(store_cities(), 1)]
    (folder / "magasins.csv").write_text("\n".join(lines) + "\n", "utf-8")


def three_years(folder: Path, db: Path) -> Analysis:
    """Import and analyse the generated data set (files in ``folder``) into ``db``."""
    write_files(folder / "fichiers")
    server = FileServer().start()
    try:
        for source in ("produits", "magasins", "ventes"):
            server.files[source] = (folder / "fichiers" / f"{source}.csv").read_bytes()
        return api.run(make_settings(server, db)).analysis
    finally:
        server.stop()
