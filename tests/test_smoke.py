"""The whole `ventes run` on the client's real files, served over HTTP from 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.httpserver import FileServer
from tests.support import make_settings
from ventes_pme import api
from ventes_pme.cli import main


def _expected_revenue(files: dict[str, bytes]) -> Decimal:
    """Recompute the total revenue from the raw files, independently of the pipeline."""
    prices = {}
    for line in files["produits"].decode("utf-8-sig").splitlines()[1:]:
        _name, ref, price, _stock = line.split(",")
        prices[ref] = Decimal(price)
    total = Decimal(0)
    for line in files["ventes"].decode("utf-8-sig").splitlines()[1:]:
        _day, ref, qty, _store = line.split(",")
        total += prices[ref] * int(qty)
    return total


def test_run_on_client_files(
    server: FileServer,
    client_files: dict[str, bytes],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.files.update(client_files)
    settings = make_settings(server, db_path)
    report = api.run(settings)
    assert report.imported.files["ventes"].inserted == len(client_files["ventes"].splitlines()) - 1
    expected = _expected_revenue(client_files)
    assert Decimal(report.analysis.total_revenue_cents) / 100 == expected

    # second run: nothing new
    again = api.run(settings)
    assert again.imported.files["ventes"].inserted == 0
    assert again.imported.sales_after == report.imported.sales_after

    # the CLI prints the JSON document with the required keys
    args = ["analyse", "--json", "--db", str(db_path)]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert Decimal(str(doc["chiffre_affaires_total"])) == expected
    for key in ("run_id", "ventes_par_produit", "ventes_par_region", "ventes_par_ville"):
        assert key in doc
    assert {"produit_id", "nom", "quantite", "chiffre_affaires"} <= set(
        doc["ventes_par_produit"][0]
    )
    regions = {r["region"] for r in doc["ventes_par_region"]}
    assert "Île-de-France" in regions and "Région inconnue" not in regions

    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM analysis_runs").fetchone()[0] == 3


CLIENT_REGIONS = {  # the client's cities, checked by hand against the official regions
    "Paris": "Île-de-France",
    "Marseille": "Provence-Alpes-Côte d'Azur",
    "Lyon": "Auvergne-Rhône-Alpes",
    "Bordeaux": "Nouvelle-Aquitaine",
    "Lille": "Hauts-de-France",
    "Nantes": "Pays de la Loire",
    "Strasbourg": "Grand Est",
}


def _independent_figures(files: dict[str, bytes]) -> dict[str, dict[str, Decimal]]:
    """Revenue by product, region, day and store, from the raw files with the csv module."""

    def table(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))

    prices = {r["ID Référence produit"]: Decimal(r["Prix"]) for r in table("produits")}
    cities = {r["ID Magasin"]: r["Ville"] for r in table("magasins")}
    figures: dict[str, dict[str, Decimal]] = {
        k: defaultdict(Decimal) for k in ("produit", "region", "jour", "magasin")
    }
    for sale in table("ventes"):
        amount = prices[sale["ID Référence produit"]] * int(sale["Quantité"])
        figures["produit"][sale["ID Référence produit"]] += amount
        figures["region"][CLIENT_REGIONS[cities[sale["ID Magasin"]]]] += amount
        figures["jour"][sale["Date"]] += amount
        figures["magasin"][sale["ID Magasin"]] += amount
    return figures


def test_ventes_run_on_client_files_served_over_http(
    server: FileServer,
    client_files: dict[str, bytes],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ventes run` (the CLI) on the client's files: right figures, second run adds nothing."""
    server.files.update(client_files)
    urls = []
    for name in ("produits", "magasins", "ventes"):
        urls += [f"--url-{name}", server.url(name)]
    assert main(["run", "--json", "--db", str(db_path), *urls]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = _independent_figures(client_files)

    def amounts(key: str, label: str) -> dict[str, Decimal]:
        return {str(r[label]): Decimal(str(r["chiffre_affaires"])) for r in doc[key]}

    assert amounts("ventes_par_produit", "produit_id") == expected["produit"]
    assert amounts("ventes_par_region", "region") == expected["region"]
    assert amounts("chiffre_affaires_par_jour", "jour") == expected["jour"]
    # every store is listed, with zero when it sold nothing
    assert amounts("ventes_par_magasin", "magasin_id") == {
        store: expected["magasin"].get(store, Decimal(0)) for store in _store_ids(client_files)
    }
    assert Decimal(str(doc["chiffre_affaires_total"])) == sum(expected["produit"].values())
    lines = len(client_files["ventes"].decode("utf-8-sig").splitlines()) - 1
    assert doc["nombre_ventes"] == lines
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    finally:
        conn.close()

    # second run: 0 inserted, the same figures, a second analysis run kept
    assert main(["run", "--db", str(db_path), *urls]) == 0
    out = capsys.readouterr().out
    assert f"Ventes en base : {lines} (+0)." in out
    ventes_row = next(line for line in out.splitlines() if line.startswith("ventes"))
    assert ventes_row.split()[-4:] == ["0", "0", "0", "0"]  # inserted, updated, present, rejected
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM analysis_runs").fetchone()[0] == 2
        totals = conn.execute("SELECT DISTINCT revenue_cents FROM result_total_revenue").fetchall()
        assert len(totals) == 1
    finally:
        conn.close()


def _store_ids(files: dict[str, bytes]) -> list[str]:
    rows = csv.DictReader(io.StringIO(files["magasins"].decode("utf-8-sig")))
    return [r["ID Magasin"] for r in rows]


def test_run_opens_the_database_once(
    server: FileServer,
    client_files: dict[str, bytes],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ventes run` opens the database once and passes the connection from init to the
    import, the analyses and the report (a first run, then a run on the database it made)."""
    from ventes_pme import db

    server.files.update(client_files)
    opened: list[Path] = []
    connect = db.connect

    def counting(path: Path, **kwargs: object) -> sqlite3.Connection:
        opened.append(path)
        return connect(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "connect", counting)
    settings = make_settings(server, db_path, rapport_dir=db_path.parent / "rapport")
    for _ in range(2):
        opened.clear()
        report = api.run(settings)
        assert opened == [db_path]
    assert report.imported.files["ventes"].inserted == 0
    assert (db_path.parent / "rapport" / "rapport.html").is_file()


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("init", []),
        ("import", []),
        ("run", []),
        ("analyse", []),
        ("analyse", ["--json"]),
        ("rapport", ["--sortie", "SORTIE"]),
        ("profil", []),
        ("profil", ["--json"]),
    ],
)
def test_each_command_opens_the_database_once(
    command: str,
    arguments: list[str],
    server: FileServer,
    client_files: dict[str, bytes],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each command opens the database once (:func:`ventes_pme.db.connect`, and SQLite
    once: no other reading on the side) and passes the connection on, on a database that
    already holds an import and an analysis: ``import`` and ``run`` ask that connection,
    before the download, how much of the sales file the database holds."""
    from ventes_pme import db

    server.files.update(client_files)
    api.run(make_settings(server, db_path))
    opened: list[Path] = []
    sqlite_opened: list[object] = []
    connect, sqlite_connect = db.connect, sqlite3.connect

    def counting(path: Path, **kwargs: object) -> sqlite3.Connection:
        opened.append(path)
        return connect(path, **kwargs)  # type: ignore[arg-type]

    def sqlite_counting(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        sqlite_opened.append(database)
        connection: sqlite3.Connection = sqlite_connect(database, *args, **kwargs)
        return connection

    monkeypatch.setattr(db, "connect", counting)
    monkeypatch.setattr(sqlite3, "connect", sqlite_counting)
    monkeypatch.setenv("VENTES_PAUSE", "0.01")
    urls = ["--url-produits", server.url("produits"), "--url-magasins",
            server.url("magasins"), "--url-ventes", server.url("ventes")]  # fmt: skip
    given = [str(db_path.parent / "sortie") if a == "SORTIE" else a for a in arguments]
    options = urls if command in ("import", "run") else []
    assert main([command, "--db", str(db_path), *options, *given]) == 0, capsys.readouterr()
    assert opened == [db_path]
    assert sqlite_opened == [db_path]
