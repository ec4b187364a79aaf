"""The whole `ventes run` on the client's real files, served over HTTP from 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.httpserver import FileServer
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
