"""A new analysis is its SQL file and its declaration, nothing else: one added from a folder
named by VENTES_ANALYSES_SUPPLEMENTAIRES reaches the terminal, ``analyse --json``, the note,
the HTML report, the dashboard (the real Datasette) and the data dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import VENTES_HEADER, make_settings, publish, query
from tests.tableau_server import DB, require_datasette, tableau
from ventes_pme import api, catalog, dictionary, report, schema
from ventes_pme import tableau as service
from ventes_pme.cli import main
from ventes_pme.errors import ConfigError

require_datasette()

SQL = """\
-- Throwaway analysis of the tests: quantity and revenue per product and month.
INSERT INTO result_test_product_by_month (
    run_id, product_id, month, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    sales.product_id,
    substr(sales.sale_date, 1, 7) AS month,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
GROUP BY sales.product_id, substr(sales.sale_date, 1, 7);
"""

DECLARATION = """\
title = "Essai produits par mois"
description = "Analyse d'essai venue d'un dossier supplémentaire."
table = "result_test_product_by_month"
order = "month, product_id"

[[columns]]
name = "product_id"
key = "produit_id"
title = "produit"
description = "référence du produit (essai)"
format = "text"
primary_key = true

[[columns]]
name = "month"
key = "mois"
title = "mois"
description = "mois de la vente (essai)"
format = "month"
primary_key = true

[[columns]]
name = "quantity"
key = "quantite"
title = "quantité"
description = "unités vendues (essai)"
format = "integer"

[[columns]]
name = "revenue_cents"
key = "chiffre_affaires"
title = "chiffre d'affaires"
description = "chiffre d'affaires de l'essai, en centimes d'euro"
format = "euros"
"""

NAME = "produits_par_mois_essai"
TITLE = "Essai produits par mois"


@pytest.fixture
def extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding one more analysis, named by the setting."""
    folder = tmp_path / "analyses"
    folder.mkdir()
    (folder / f"90_{NAME}.sql").write_text(SQL, "utf-8")
    (folder / f"90_{NAME}.toml").write_text(DECLARATION, "utf-8")
    monkeypatch.setenv(catalog.EXTRA_FOLDERS, str(folder))
    return folder


def test_an_analysis_added_by_its_two_files_reaches_every_output(
    extra: Path, server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-02-03,REF002,1,2\n")
    db, rapport = tmp_path / "ventes.db", tmp_path / "rapport"
    urls = ["--url-produits", server.url("produits"), "--url-magasins",
            server.url("magasins"), "--url-ventes", server.url("ventes")]  # fmt: skip
    assert main(["run", "--db", str(db), "--rapport", str(rapport), *urls]) == 0
    # the terminal: its title, its rows in French (month, euros)
    out = capsys.readouterr().out
    assert f"\n{TITLE}\n" in out
    block = out[out.index(f"\n{TITLE}\n") :]
    assert "janvier 2024" in block and "99,98\u00a0€" in block and "février 2024" in block

    # --json: its key, the column keys of its declaration, months as AAAA-MM
    assert main(["analyse", "--json", "--db", str(db)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document[NAME] == [
        {"produit_id": "REF001", "mois": "2024-01", "quantite": 2, "chiffre_affaires": 99.98},
        {"produit_id": "REF002", "mois": "2024-02", "quantite": 1, "chiffre_affaires": 19.99},
    ]

    # the note and the HTML report
    note = (rapport / report.NOTE_NAME).read_text("utf-8")
    page = (rapport / report.HTML_NAME).read_text("utf-8")
    for text in (note, page):
        assert TITLE in text and "janvier 2024" in text and "19,99\u00a0€" in text

    # the data dictionary: its result table and its French view, described from the
    # declaration; the dictionary still matches a database migrated from scratch
    entries = dictionary.entries()
    table = entries["result_test_product_by_month"]
    assert table.description.startswith("Analyse d'essai venue d'un dossier supplémentaire.")
    assert table.columns["month"] == "mois de la vente (essai)"
    view = entries[f"derniere_{NAME}"]
    assert view.columns["chiffre_affaires"].startswith("chiffre d'affaires de l'essai, en euros")
    assert dictionary.problems() == []
    assert "result_test_product_by_month" in dictionary.markdown()
    assert "result_test_product_by_month" in schema.mermaid()

    # the dashboard: its canned query (formatted as the reports are) and its metadata
    settings = {catalog.EXTRA_FOLDERS: str(extra)}
    with tableau(db, rapport, tmp_path / "tableau.log", settings=settings) as served:
        rows = served.rows(NAME)
        status, html, _ = served.get(f"/{DB}/{NAME}")
    assert rows == [
        {"produit_id": "REF001", "mois": "janvier 2024", "quantite": 2,
         "chiffre_affaires": "99,98\u00a0€", "chiffre_affaires_centimes": 9998},
        {"produit_id": "REF002", "mois": "février 2024", "quantite": 1,
         "chiffre_affaires": "19,99\u00a0€", "chiffre_affaires_centimes": 1999},
    ]  # fmt: skip
    stored = query(
        db,
        "SELECT sum(revenue_cents) FROM result_test_product_by_month "
        "WHERE run_id = (SELECT max(run_id) FROM analysis_runs)",
    )
    assert sum(r["chiffre_affaires_centimes"] for r in rows) == stored[0][0]
    # what Datasette is told (its /-/metadata page is closed: tests/test_tableau_private.py)
    meta = service.metadata(DB, None)["databases"][DB]
    assert meta["queries"][NAME]["title"] == TITLE
    assert meta["queries"][NAME]["description"] == (
        "Analyse d'essai venue d'un dossier supplémentaire."
    )
    assert meta["tables"][f"derniere_{NAME}"]["columns"]["mois"] == "mois de la vente (essai)"
    assert status == 200 and TITLE in html
    assert "Analyse d&#39;essai venue d&#39;un dossier supplémentaire." in html.replace(
        "'", "&#39;"
    )
    assert set(service.canned_queries()) >= {NAME, "chiffre_affaires_par_mois"}


def test_without_the_setting_the_analysis_is_nowhere(
    extra: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert NAME in {s.name for s in catalog.specs()}
    monkeypatch.delenv(catalog.EXTRA_FOLDERS)
    assert NAME not in {s.name for s in catalog.specs()}
    assert f"derniere_{NAME}" not in dictionary.entries()


def test_a_folder_that_does_not_exist_is_refused_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(catalog.EXTRA_FOLDERS, str(tmp_path / "absent"))
    assert main(["init", "--db", str(tmp_path / "ventes.db")]) == 2
    err = capsys.readouterr().err
    assert catalog.EXTRA_FOLDERS in err and "n'existe pas" in err


def test_the_dashboard_refuses_a_folder_that_does_not_exist_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ventes.db"
    api.init(make_settings(FileServer(), db))
    monkeypatch.setenv("VENTES_DB", str(db))
    monkeypatch.setenv(catalog.EXTRA_FOLDERS, str(tmp_path / "absent"))
    assert service.main(["--attente", "0"]) == 2
    err = capsys.readouterr().err
    assert catalog.EXTRA_FOLDERS in err and "n'existe pas" in err


def test_an_analysis_named_as_a_canned_query_of_sql_tableau_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "analyses"
    folder.mkdir()
    (folder / "90_derniers_imports.sql").write_text(SQL, "utf-8")
    (folder / "90_derniers_imports.toml").write_text(DECLARATION, "utf-8")
    monkeypatch.setenv(catalog.EXTRA_FOLDERS, str(folder))
    with pytest.raises(ConfigError, match="porte le nom d'une analyse"):
        service.canned_queries()


def test_a_second_declaration_of_the_same_analysis_is_refused(
    extra: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (extra / "91_chiffre_affaires_par_mois.sql").write_text(SQL, "utf-8")
    (extra / "91_chiffre_affaires_par_mois.toml").write_text(
        DECLARATION.replace("result_test_product_by_month", "result_other"), "utf-8"
    )
    with pytest.raises(ConfigError, match="déjà déclaré"):
        catalog.specs()


def test_a_second_declaration_of_the_totals_is_refused(
    extra: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run's totals come from the one analysis declared ``summary = true``: a second
    one would reach no output (neither a table of the reports nor the totals); it is
    refused, in French, before anything runs."""
    (extra / f"90_{NAME}.toml").write_text("summary = true\n" + DECLARATION, "utf-8")
    with pytest.raises(ConfigError, match="Une seule analyse déclare les totaux"):
        catalog.specs()
    assert main(["init", "--db", str(tmp_path / "ventes.db")]) == 2
    assert "01_chiffre_affaires_total, 90_produits_par_mois_essai" in capsys.readouterr().err
