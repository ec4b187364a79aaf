"""SQL analyses: revenue at the price of the sale, exact money, results stored per run."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import ROOT, Sale, import_files, make_settings, query, ventes_csv
from ventes_pme import api, catalog, report
from ventes_pme.cli import main

PRODUITS = (
    "Nom,ID Référence produit,Prix,Stock\n"
    "Produit A,REF001,49.99,100\n"
    "Produit B,REF002,19.99,50\n"
    "Produit C,REF003,0.10,5\n"
)
MAGASINS = (
    "ID Magasin,Ville,Nombre de salariés\n"
    "1,Paris,10\n"
    "2,MARSEILLE,5\n"
    "3,St-Étienne,0\n"
    "4,Atlantis,2\n"
    "5,Lille,3\n"
)
SALES: list[Sale] = [
    ("2024-12-29", "REF001", 1, 2),  # Sunday: ISO week 2024-W52
    ("2024-12-30", "REF002", 2, 1),  # Monday: ISO week 2025-W01
    ("2025-01-01", "REF001", 3, 1),
    ("2025-01-05", "REF002", 4, 3),  # Sunday, still 2025-W01
    ("2021-01-03", "REF001", 1, 1),  # ISO week 2020-W53
    ("2021-01-03", "REF001", 1, 1),  # an identical sale: counted twice
    ("2025-01-05", "REF003", 1, 3),
]
PRICES = {"REF001": 4999, "REF002": 1999, "REF003": 10}


def _setup(server: FileServer, db: Path) -> None:
    import_files(server, db, ventes=ventes_csv(SALES), produits=PRODUITS, magasins=MAGASINS)


def _revenue(sales: list[Sale], prices: dict[str, int]) -> int:
    return sum(quantity * prices[product] for _d, product, _s, quantity in sales)


def test_analyses_are_named_sql_files_run_in_order() -> None:
    shipped = sorted(path.stem for path in (ROOT / "src/ventes_pme/sql/analyses").glob("*.sql"))
    assert [spec.file for spec in catalog.specs()] == shipped
    assert shipped[0] == "01_chiffre_affaires_total"
    assert len(shipped) >= 8


def test_total_by_product_and_by_day(server: FileServer, db_path: Path) -> None:
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    assert (
        analysis.total_revenue_cents
        == _revenue(SALES, PRICES)
        == 9998 + 1999 + 4999 + 5997 + 4999 * 2 + 30
    )
    assert analysis.sales_count == 7
    assert analysis.total_quantity == sum(s[3] for s in SALES)
    assert (analysis.period_start, analysis.period_end) == ("2021-01-03", "2025-01-05")
    by_product = {r["produit_id"]: r for r in analysis.tables["ventes_par_produit"]}
    assert by_product["REF001"] == {
        "produit_id": "REF001",
        "nom": "Produit A",
        "quantite": 5,
        "chiffre_affaires": 5 * 4999,
    }
    assert by_product["REF003"]["chiffre_affaires"] == 30
    days = {r["jour"]: r for r in analysis.tables["chiffre_affaires_par_jour"]}
    assert list(days) == sorted(days)
    assert days["2021-01-03"]["nombre_ventes"] == 2
    assert days["2025-01-05"]["chiffre_affaires"] == 5997 + 30
    assert sum(r["chiffre_affaires"] for r in days.values()) == analysis.total_revenue_cents


def test_iso_weeks_across_year_boundaries(server: FileServer, db_path: Path) -> None:
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    weeks = {r["semaine"]: r for r in analysis.tables["chiffre_affaires_par_semaine"]}
    # independently: Python's ISO calendar
    expected: dict[str, int] = {}
    for day, product, _store, quantity in SALES:
        year, week, _ = date.fromisoformat(day).isocalendar()
        key = f"{year}-S{week:02d}"
        expected[key] = expected.get(key, 0) + quantity * PRICES[product]
    assert {k: v["chiffre_affaires"] for k, v in weeks.items()} == expected
    assert set(weeks) == {"2020-S53", "2024-S52", "2025-S01"}
    assert weeks["2025-S01"]["debut_semaine"] == "2024-12-30"
    assert weeks["2024-S52"]["debut_semaine"] == "2024-12-23"
    assert weeks["2020-S53"]["debut_semaine"] == "2020-12-28"


def test_revenue_by_month_in_every_output(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Calendar months, across a year boundary; ``AAAA-MM`` in --json, « mai 2023 » when
    read by a person (terminal, note, HTML report)."""
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    months = {r["mois"]: r for r in analysis.tables["chiffre_affaires_par_mois"]}
    expected: dict[str, list[int]] = {}
    for day, product, _store, quantity in SALES:  # independently, from the sales themselves
        row = expected.setdefault(day[:7], [0, 0, 0])
        row[0] += 1
        row[1] += quantity
        row[2] += quantity * PRICES[product]
    assert list(months) == sorted(expected)
    assert {
        k: [v["nombre_ventes"], v["quantite"], v["chiffre_affaires"]] for k, v in months.items()
    } == expected
    assert main(["analyse", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    block = out[out.index("\nChiffre d'affaires par mois\n") :]
    assert "janvier 2021" in block and "décembre 2024" in block and "janvier 2025" in block
    assert "2021-01" not in block
    note, page = report.markdown(analysis), report.html_report(analysis)
    for text in (note, page):
        section = text[text.index("Par mois") :]
        assert "janvier 2021" in section and "janvier 2025" in section


def test_revenue_by_weekday_from_monday_to_sunday(server: FileServer, db_path: Path) -> None:
    """Each day of the week, Monday first, with its share; computed from the sales."""
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    rows = analysis.tables["chiffre_affaires_par_jour_semaine"]
    names = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    expected: dict[str, list[int]] = {}
    for day, product, _store, quantity in SALES:  # independently, with Python's calendar
        row = expected.setdefault(names[date.fromisoformat(day).weekday()], [0, 0, 0])
        row[0] += 1
        row[1] += quantity
        row[2] += quantity * PRICES[product]
    assert [r["jour"] for r in rows] == [n for n in names if n in expected]
    assert [r["numero_jour"] for r in rows] == [names.index(r["jour"]) + 1 for r in rows]
    assert {
        r["jour"]: [r["nombre_ventes"], r["quantite"], r["chiffre_affaires"]] for r in rows
    } == (expected)


def test_sales_by_store_with_revenue_per_employee(server: FileServer, db_path: Path) -> None:
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    stores = {r["magasin_id"]: r for r in analysis.tables["ventes_par_magasin"]}
    assert stores[1]["chiffre_affaires"] == 9998 + 4999 * 2 + 30
    assert stores[1]["chiffre_affaires_par_salarie"] == 2003  # 20026 / 10 = 2002.6
    assert stores[2]["chiffre_affaires_par_salarie"] == 400  # 1999 / 5 = 399.8
    assert stores[3]["salaries"] == 0
    assert stores[3]["chiffre_affaires_par_salarie"] is None  # no employee: no ratio
    assert stores[4]["chiffre_affaires_par_salarie"] == 2999  # 5997 / 2 = 2998.5, half up
    # a store without sales is listed with zero
    assert (stores[5]["quantite"], stores[5]["chiffre_affaires"]) == (0, 0)
    assert stores[5]["chiffre_affaires_par_salarie"] == 0
    stored = query(
        db_path,
        "SELECT revenue_per_employee_cents FROM result_sales_by_store "
        "WHERE run_id = ? AND store_id = 3",
        (analysis.run_id,),
    )
    assert stored == [(None,)]


def test_regions_cities_and_product_by_region(server: FileServer, db_path: Path) -> None:
    _setup(server, db_path)
    analysis = api.analyse(make_settings(server, db_path))
    regions = {r["region"]: r["chiffre_affaires"] for r in analysis.tables["ventes_par_region"]}
    assert regions == {
        "Île-de-France": 9998 + 4999 * 2 + 30,
        "Provence-Alpes-Côte d'Azur": 1999,
        "Auvergne-Rhône-Alpes": 4999,
        "Région inconnue": 5997,  # Atlantis is unknown: shown, never dropped
    }
    assert sum(regions.values()) == analysis.total_revenue_cents
    cities = {r["ville"]: r["region"] for r in analysis.tables["ventes_par_ville"]}
    assert cities == {
        "Paris": "Île-de-France",
        "MARSEILLE": "Provence-Alpes-Côte d'Azur",
        "St-Étienne": "Auvergne-Rhône-Alpes",
        "Atlantis": "Région inconnue",
    }
    cross = {
        (r["produit_id"], r["region"]): r["chiffre_affaires"]
        for r in analysis.tables["produits_par_region"]
    }
    assert cross == {
        ("REF001", "Île-de-France"): 9998 + 4999 * 2,
        ("REF001", "Auvergne-Rhône-Alpes"): 4999,
        ("REF002", "Provence-Alpes-Côte d'Azur"): 1999,
        ("REF002", "Région inconnue"): 5997,
        ("REF003", "Île-de-France"): 30,
    }


def test_results_are_stored_per_run_and_history_is_kept(server: FileServer, db_path: Path) -> None:
    _setup(server, db_path)
    settings = make_settings(server, db_path)
    first = api.analyse(settings)

    def stored(run_id: int) -> dict[str, list[tuple[object, ...]]]:
        return {
            table: query(db_path, f"SELECT * FROM {table} WHERE run_id = ? ORDER BY 2", (run_id,))
            for table in [spec.table for spec in catalog.specs()]
        }

    first_rows = stored(first.run_id)
    assert all(first_rows.values()), first_rows
    # new sales, then a second run: a new run_id, the first results unchanged
    more = [*SALES, ("2025-02-01", "REF002", 5, 1)]
    import_files(server, db_path, ventes=ventes_csv(more), produits=PRODUITS, magasins=MAGASINS)
    second = api.analyse(settings)
    assert second.run_id != first.run_id
    assert second.total_revenue_cents == first.total_revenue_cents + 1999
    assert stored(first.run_id) == first_rows
    runs = query(db_path, "SELECT run_id, sales_count, last_import_id FROM analysis_runs")
    assert runs == [(first.run_id, 7, 1), (second.run_id, 8, 2)]
    total = first.total_revenue_cents + 1999
    assert query(db_path, "SELECT analyse_id FROM derniere_analyse") == [(second.run_id,)]
    assert query(db_path, "SELECT chiffre_affaires FROM derniere_chiffre_affaires_total") == [
        (f"{total // 100}.{total % 100:02d}",)
    ]
    # the English latest_* views are gone (migration 0007)
    assert query(db_path, "SELECT name FROM sqlite_master WHERE name LIKE 'latest%'") == []
    # latest_analysis reads the stored results back, identical
    latest = api.latest_analysis(settings)
    assert latest == second


def test_analysis_of_an_empty_database(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes="Date,ID Référence produit,Quantité,ID Magasin\n")
    analysis = api.analyse(make_settings(server, db_path))
    assert (analysis.sales_count, analysis.total_revenue_cents) == (0, 0)
    assert analysis.period_start is None
    assert analysis.tables["ventes_par_produit"] == []


# --- revenue at the price of the sale -------------------------------------------------------


def test_price_change_does_not_rewrite_past_revenue(server: FileServer, db_path: Path) -> None:
    old_sales: list[Sale] = [("2023-05-27", "REF001", 1, 2), ("2023-05-28", "REF002", 2, 1)]
    import_files(
        server, db_path, ventes=ventes_csv(old_sales), produits=PRODUITS, magasins=MAGASINS
    )
    settings = make_settings(server, db_path)
    before = api.analyse(settings)
    assert before.total_revenue_cents == 2 * 4999 + 1999

    # REF001 now costs 59.90; one more identical sale and one new sale arrive
    new_prices = PRODUITS.replace("49.99", "59.90")
    new_sales = [*old_sales, ("2023-05-27", "REF001", 1, 2), ("2023-06-01", "REF001", 2, 1)]
    report = import_files(
        server, db_path, ventes=ventes_csv(new_sales), produits=new_prices, magasins=MAGASINS
    )
    assert report.files["produits"].updated == 1
    after = api.analyse(settings)
    assert after.total_revenue_cents == 2 * 4999 + 1999 + 2 * 5990 + 5990
    prices = query(
        db_path,
        "SELECT sale_date, occurrence, unit_price_cents FROM sales "
        "WHERE product_id = 'REF001' ORDER BY sale_date, occurrence",
    )
    assert prices == [("2023-05-27", 1, 4999), ("2023-05-27", 2, 5990), ("2023-06-01", 1, 5990)]
    # the past run is untouched
    assert query(
        db_path, "SELECT revenue_cents FROM result_total_revenue WHERE run_id = ?", (before.run_id,)
    ) == [(2 * 4999 + 1999,)]
    # re-importing the same files does not reprice anything
    import_files(
        server, db_path, ventes=ventes_csv(new_sales), produits=new_prices, magasins=MAGASINS
    )
    assert api.analyse(settings).total_revenue_cents == after.total_revenue_cents


def test_money_is_exact_on_many_small_amounts(server: FileServer, db_path: Path) -> None:
    # 0.10 euro a thousand times: floats would drift, integer cents do not
    sales: list[Sale] = [(f"2023-01-{d:02d}", "REF003", s, 1) for d in range(1, 29) for s in (1, 2)]
    sales = sales * 18  # 1008 sales (identical lines included)
    import_files(server, db_path, ventes=ventes_csv(sales), produits=PRODUITS, magasins=MAGASINS)
    analysis = api.analyse(make_settings(server, db_path))
    assert analysis.total_revenue_cents == 10080
    doc = analysis.to_json()
    assert Decimal(str(doc["chiffre_affaires_total"])) == Decimal("100.80")


# --- JSON -----------------------------------------------------------------------------------


def test_json_document_keys_and_amounts(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(server, db_path)
    assert main(["analyse", "--json", "--db", str(db_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in (
        "run_id",
        "chiffre_affaires_total",
        "ventes_par_produit",
        "ventes_par_region",
        "ventes_par_ville",
        "chiffre_affaires_par_jour",
        "chiffre_affaires_par_semaine",
        "ventes_par_magasin",
        "produits_par_region",
    ):
        assert key in doc, key
    assert set(doc["ventes_par_produit"][0]) == {
        "produit_id",
        "nom",
        "quantite",
        "chiffre_affaires",
    }
    assert set(doc["ventes_par_region"][0]) == {"region", "quantite", "chiffre_affaires"}
    assert set(doc["ventes_par_ville"][0]) == {"ville", "region", "quantite", "chiffre_affaires"}
    assert "chiffre_affaires_par_salarie" in doc["ventes_par_magasin"][0]
    total = _revenue(SALES, PRICES)
    assert Decimal(str(doc["chiffre_affaires_total"])) == Decimal(total) / 100

    # every amount is euros with at most two decimals, equal to the stored cents
    def amounts(node: object) -> list[tuple[str, object]]:
        found: list[tuple[str, object]] = []
        if isinstance(node, dict):
            for k, v in node.items():
                if k.startswith("chiffre_affaires") and not isinstance(v, list):
                    found.append((k, v))
                found += amounts(v)
        elif isinstance(node, list):
            for v in node:
                found += amounts(v)
        return found

    values = amounts(doc)
    assert len(values) > 20
    for key, value in values:
        if value is None:
            assert key == "chiffre_affaires_par_salarie"
            continue
        assert isinstance(value, int | float)
        assert Decimal(str(value)) * 100 == int(Decimal(str(value)) * 100), (key, value)
    by_product = {r["produit_id"]: r for r in doc["ventes_par_produit"]}
    assert Decimal(str(by_product["REF001"]["chiffre_affaires"])) == Decimal("249.95")
    stores = {r["magasin_id"]: r for r in doc["ventes_par_magasin"]}
    assert stores[3]["chiffre_affaires_par_salarie"] is None
    assert Decimal(str(stores[4]["chiffre_affaires_par_salarie"])) == Decimal("29.99")
