"""Cities to French administrative regions: tolerant matching, unknown cities never dropped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import Sale, import_files, make_settings, query, ventes_csv
from ventes_pme import api, db, regions, report, wording
from ventes_pme.errors import ConfigError
from ventes_pme.regions import UNKNOWN_REGION, city_key

REGIONS = {
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "La Réunion",
    "Mayotte",
}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Saint-Étienne", "st etienne"),
        ("SAINT ÉTIENNE", "St-Etienne"),
        ("  Aix-en-Provence ", "aix en provence"),
        ("Sainte-Geneviève-des-Bois", "Ste Genevieve des Bois"),
        ("Châlons-en-Champagne", "CHALONS EN CHAMPAGNE"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Saint-Martin-d’Hères", "St Martin d'Heres"),
        ("Bourg-en-Bresse", "Bourg–en–Bresse"),
    ],
)
def test_city_key_ignores_case_accents_hyphens_and_saint(a: str, b: str) -> None:
    assert city_key(a) == city_key(b)


def test_city_key_keeps_different_cities_apart() -> None:
    assert city_key("Saint-Denis") != city_key("Saint-Dizier")
    assert city_key("Stains") == "stains"  # "St" only as a whole word
    assert city_key("Lens") != city_key("Sens")


def test_shipped_table_uses_the_administrative_regions() -> None:
    rows = list(csv.DictReader(io.StringIO(regions.reference_text())))
    assert {r["region"] for r in rows} == REGIONS
    keys = [city_key(r["ville"]) for r in rows]
    assert len(keys) == len(set(keys)), "two rows share a matching key"
    by_city = {r["ville"]: r["region"] for r in rows}
    for city, region in {
        "Paris": "Île-de-France",
        "Marseille": "Provence-Alpes-Côte d'Azur",
        "Lyon": "Auvergne-Rhône-Alpes",
        "Bordeaux": "Nouvelle-Aquitaine",
        "Lille": "Hauts-de-France",
        "Nantes": "Pays de la Loire",
        "Strasbourg": "Grand Est",
    }.items():
        assert by_city[city] == region


MAGASINS = (
    "ID Magasin,Ville,Nombre de salariés\n"
    "1,Paris,10\n"
    "2,PARIS,3\n"  # same city, other spelling: one city in the results
    "3,saint etienne,4\n"
    "4,Trifouilly-les-Oies,2\n"
)
SALES: list[Sale] = [
    ("2023-05-27", "REF001", 1, 1),
    ("2023-05-27", "REF001", 2, 1),
    ("2023-05-27", "REF002", 3, 1),
    ("2023-05-27", "REF002", 4, 2),
]


def test_regions_and_cities_in_the_results(server: FileServer, db_path: Path) -> None:
    report = import_files(server, db_path, ventes=ventes_csv(SALES), magasins=MAGASINS)
    unknown = [w for w in wording.warnings(report) if "Trifouilly-les-Oies" in w]
    assert len(unknown) == 1 and UNKNOWN_REGION in unknown[0]
    assert len([w for w in wording.warnings(report) if "absente de la table des régions" in w]) == 1
    analysis = api.analyse(make_settings(server, db_path))
    by_region = {r["region"]: r for r in analysis.tables["ventes_par_region"]}
    assert {k: v["chiffre_affaires"] for k, v in by_region.items()} == {
        "Île-de-France": 2 * 4999,
        "Auvergne-Rhône-Alpes": 1999,
        UNKNOWN_REGION: 2 * 1999,
    }
    by_city = {
        (r["ville"], r["region"]): r["quantite"] for r in analysis.tables["ventes_par_ville"]
    }
    assert len(by_city) == 3
    assert by_city[("Trifouilly-les-Oies", UNKNOWN_REGION)] == 2
    assert by_city[("saint etienne", "Auvergne-Rhône-Alpes")] == 1
    assert [q for (city, _r), q in by_city.items() if city_key(city) == "paris"] == [2]


def test_custom_region_table_and_rows_added_in_sql(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    table = tmp_path / "regions.csv"
    table.write_text(
        "\ufeffville,region,departement\nTrifouilly les Oies,Normandie,76\n", encoding="utf-8"
    )
    import_files(server, db_path, ventes=ventes_csv(SALES), magasins=MAGASINS, regions_path=table)
    analysis = api.analyse(make_settings(server, db_path))
    cities = {city_key(r["ville"]): r["region"] for r in analysis.tables["ventes_par_ville"]}
    assert cities["trifouilly les oies"] == "Normandie"
    # the table replaces the shipped one: Paris is not in it
    assert cities["paris"] == UNKNOWN_REGION

    # a row added by hand in the database is kept by the next import
    conn = db.connect(db_path)
    conn.execute(
        "INSERT INTO city_regions (city_key, city, region) VALUES (?, ?, ?)",
        (city_key("Atlantis"), "Atlantis", "Bretagne"),
    )
    conn.close()
    magasins = MAGASINS + "5,ATLANTIS,1\n"
    report = import_files(server, db_path, ventes=ventes_csv(SALES), magasins=magasins)
    assert not [w for w in wording.warnings(report) if "ATLANTIS" in w]
    assert query(db_path, "SELECT region FROM city_regions WHERE city = 'Atlantis'") == [
        ("Bretagne",)
    ]


def test_invalid_region_table_is_refused(server: FileServer, db_path: Path, tmp_path: Path) -> None:
    table = tmp_path / "regions.csv"
    table.write_text("city,area\nParis,IDF\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colonnes « ville » et « region »") as info:
        import_files(server, db_path, ventes=ventes_csv(SALES), regions_path=table)
    assert info.value.exit_code == 2  # a setting (VENTES_REGIONS), checked before downloading
    assert server.requests == [] and not db_path.exists()


def test_load_reference_counts_rows(tmp_path: Path) -> None:
    conn = db.open_and_migrate(tmp_path / "v.db")
    try:
        count = regions.load_reference(conn)
        assert count == conn.execute("SELECT count(*) FROM city_regions").fetchone()[0] > 200
    finally:
        conn.close()


#: each region's extent (latitude min, max, longitude min, max), from its outermost
#: communes, rounded outwards: independent of the shipped coordinates
REGION_BOXES = {
    "Île-de-France": (48.10, 49.25, 1.44, 3.56),
    "Auvergne-Rhône-Alpes": (44.11, 46.81, 2.06, 7.19),
    "Bourgogne-Franche-Comté": (46.15, 48.40, 2.84, 7.14),
    "Bretagne": (47.27, 48.90, -5.15, -1.01),
    "Centre-Val de Loire": (46.34, 48.94, 0.05, 3.13),
    "Corse": (41.33, 43.03, 8.53, 9.57),
    "Grand Est": (47.42, 50.17, 3.38, 8.24),
    "Hauts-de-France": (48.83, 51.09, 1.37, 4.26),
    "Normandie": (48.18, 50.07, -1.95, 1.80),
    "Nouvelle-Aquitaine": (42.77, 47.18, -1.79, 2.61),
    "Occitanie": (42.33, 45.05, -0.33, 4.85),
    "Pays de la Loire": (46.27, 48.57, -2.63, 0.92),
    "Provence-Alpes-Côte d'Azur": (42.98, 45.13, 4.23, 7.72),
    "Guadeloupe": (15.83, 16.52, -61.81, -61.00),
    "Martinique": (14.38, 14.88, -61.23, -60.81),
    "Guyane": (2.11, 5.75, -54.60, -51.60),
    "La Réunion": (-21.39, -20.87, 55.21, 55.84),
    "Mayotte": (-13.00, -12.63, 45.01, 45.30),
}


def test_every_city_of_the_regions_table_has_coordinates_in_its_region() -> None:
    assert set(REGION_BOXES) == REGIONS
    coords = report.coordinates()
    rows = list(csv.DictReader(io.StringIO(regions.reference_text())))
    outside = []
    for row in rows:
        where = coords.get(city_key(row["ville"]))
        assert where is not None, f"no coordinates for {row['ville']}"
        lat_min, lat_max, lon_min, lon_max = REGION_BOXES[row["region"]]
        lat, lon = where
        if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            outside.append((row["ville"], row["region"], where))
    assert outside == []
    # no coordinates for a city the regions table does not know
    assert set(coords) == {city_key(r["ville"]) for r in rows}
