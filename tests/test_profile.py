"""The data profile (``ventes profil``): computed at each import, stored with it, shown.

The expected figures are computed here independently (csv, collections, statistics) from
the same bytes, never copied from the program's output.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tracemalloc
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.httpserver import FileServer, unframed
from tests.procs import environment, ventes
from tests.support import CLIENT_DATA, ROOT, make_settings, publish
from tools.docs import characteristics
from ventes_pme import api, db, processes, validate
from ventes_pme.cli import main
from ventes_pme.generate import generate
from ventes_pme.profile import counts, french, stats


def _columns(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return [h.strip() for h in rows[0]], [r for r in rows[1:] if any(r)]


def _exact(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_profile_of_the_client_files(
    server: FileServer, client_files: dict[str, bytes], db_path: Path
) -> None:
    server.files.update(client_files)
    settings = make_settings(server, db_path)
    report = api.import_data(settings)
    found = api.profile(settings)
    assert found is not None and found.import_id == report.import_id
    assert list(found.files) == ["produits", "magasins", "ventes"]
    ids: dict[str, set[str]] = {}
    for source, content in client_files.items():
        f = found.files[source]
        header, rows = _columns(content)
        assert f.bytes == len(content)
        assert f.encoding == "UTF-8" and f.delimiter == ","
        assert f.line_endings == ("CRLF" if b"\r\n" in content else "LF")
        assert f.lines == len(rows) and f.bad_width_lines == 0
        assert [c.name for c in f.columns] == header
        for i, c in enumerate(f.columns):
            values = [r[i].strip() for r in rows]
            counts = Counter(v for v in values if v)
            assert c.position == i + 1
            assert c.empty_values == values.count("")
            assert c.distinct_values == len(counts)
            assert c.is_key == (len(counts) == len(rows) and "" not in values)
            assert list(c.top) == sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))[:5]
            if c.inferred_type in ("entier", "décimal") and not c.identifier:
                numbers = sorted(Decimal(v) for v in values)
                assert c.minimum == _exact(numbers[0]) and c.maximum == _exact(numbers[-1])
                assert Decimal(c.total or "") == sum(numbers)
                mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.0001"))
                assert Decimal(c.mean or "") == mean
                assert Decimal(c.median or "") == statistics.median(numbers)
                q1, _, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
                assert (Decimal(c.q1 or ""), Decimal(c.q3 or "")) == (q1, q3)
                low, high = q1 - Decimal("1.5") * (q3 - q1), q3 + Decimal("1.5") * (q3 - q1)
                assert c.outliers == sum(1 for x in numbers if x < low or x > high)
            if validate.header_key(c.name).startswith("id "):
                ids.setdefault(validate.header_key(c.name), set()).update(counts)
        assert f.identical_lines == sum(n - 1 for n in Counter(map(tuple, rows)).values())
    products = found.files["produits"]
    stores = found.files["magasins"]
    sales = found.files["ventes"]
    # the declared identifiers are the reference files' keys
    assert ["ID Référence produit"] in products.candidate_keys
    assert ["ID Magasin"] in stores.candidate_keys
    assert products.column("id reference produit").is_key  # type: ignore[union-attr]
    # sales: period and days without sales, coverage, from the raw lines
    _, sale_rows = _columns(client_files["ventes"])
    days = {date.fromisoformat(r[0].strip()) for r in sale_rows}
    assert sales.first_date == min(days).isoformat() and sales.last_date == max(days).isoformat()
    assert sales.days_without_sales == (max(days) - min(days)).days + 1 - len(days)
    _, product_rows = _columns(client_files["produits"])
    _, store_rows = _columns(client_files["magasins"])
    known_products = {r[1].strip() for r in product_rows}
    known_stores = {int(r[0]) for r in store_rows}
    assert sales.unknown_products == sum(r[1].strip() not in known_products for r in sale_rows)
    assert sales.unknown_stores == sum(int(r[3]) not in known_stores for r in sale_rows)
    assert products.without_sales == len(known_products - {r[1].strip() for r in sale_rows})
    assert stores.without_sales == len(known_stores - {int(r[3]) for r in sale_rows})


PRODUITS_BOM = (
    "\ufeffNom;ID Référence produit;Prix;Stock\r\n"
    "Produit A;REF001;49,99;100\r\n"
    "Produit B;REF002;19.99;50\r\n"
    "Produit C;REF003;1000;\r\n"  # a price far above the others; an empty stock
)
MAGASINS = "ID Magasin,Ville,Nombre de salariés\n1,Paris,10\n2,Marseille,5\n3,Lyon,8\n"
VENTES = (
    "Date,ID Référence produit,Quantité,ID Magasin\n"
    "2024-01-01,REF001,2,1\n"
    "2024-01-01,REF001,2,1\n"  # identical lines: three copies
    "2024-01-01,REF001,2,1\n"
    "2024-01-02,REF002,1,2\n"
    "2024-01-02,REF002,1,2\n"  # two copies
    "2024-01-05,REF002,3,1\n"
    "2024-01-05,REF009,1,1\n"  # unknown product
    "2024-01-06,REF001,1,9\n"  # unknown store
    "2024-01-06,REF001,40,2\n"  # an outlier quantity
    "\n"
)


def test_profile_finds_identical_lines_unknown_references_outliers_and_format(
    server: FileServer, db_path: Path
) -> None:
    server.files.update(
        produits=PRODUITS_BOM.encode("utf-8"),
        magasins=MAGASINS.encode(),
        ventes=VENTES.encode(),
    )
    settings = make_settings(server, db_path)
    api.import_data(settings)
    found = api.profile(settings)
    assert found is not None
    products, stores, sales = (found.files[s] for s in ("produits", "magasins", "ventes"))
    assert (products.encoding, products.delimiter, products.line_endings) == (
        "UTF-8 avec BOM",
        ";",
        "CRLF",
    )
    assert (sales.encoding, sales.delimiter, sales.line_endings) == ("UTF-8", ",", "LF")
    assert sales.lines == 9 and sales.blank_lines == 1
    # identical lines, among the stored sales: 3 copies + 2 copies
    assert (sales.identical_lines, sales.identical_groups, sales.max_copies) == (3, 2, 3)
    assert sales.candidate_keys == [] and not sales.line_is_key
    assert (sales.unknown_products, sales.unknown_stores) == (1, 1)
    # stored data: REF003 was rejected (no stock), so not counted; Lyon has no sale
    # REF003 (empty stock) is kept, with its stock problem recorded: it has no sale
    assert (products.without_sales, stores.without_sales) == (1, 1)
    assert (sales.first_date, sales.last_date, sales.days_without_sales) == (
        "2024-01-01",
        "2024-01-06",
        2,  # 3 and 4 January
    )
    quantity = sales.column("quantite")
    assert quantity is not None and quantity.inferred_type == "entier"
    numbers = [Decimal(q) for q in (2, 2, 2, 1, 1, 3, 1, 1, 40)]
    q1, _, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
    assert Decimal(quantity.q1 or "") == q1 and Decimal(quantity.q3 or "") == q3
    assert quantity.median == "2" and quantity.outliers == 1  # 40 only
    assert quantity.top[0] == ("1", 4)
    price = products.column("prix")
    assert price is not None and price.inferred_type == "décimal"
    # exact money: 49,99 and 19.99 read alike, the mean is an exact decimal
    assert (price.minimum, price.maximum, price.total) == ("19.99", "1000", "1069.98")
    assert price.mean == "356.66" and price.median == "49.99"
    stock = products.column("stock")
    assert stock is not None and (stock.empty_values, stock.distinct_values) == (1, 2)
    assert not stock.is_key
    assert products.candidate_keys[0] == ["Nom"]
    assert ["ID Référence produit"] in products.candidate_keys
    shown = french.text(found)
    assert "Lignes identiques (parmi les ventes en base) : 3 lignes répètent" in shown
    assert "1 vente à produit inconnu, 1 vente à magasin inconnu" in shown
    assert "Valeurs aberrantes de « Quantité » (règle de Tukey : hors de [" in shown


@pytest.mark.parametrize("in_child", [False, True], ids=["in-process", "child-process"])
def test_profile_is_stored_with_each_import_and_its_evolution_is_queryable(
    server: FileServer,
    db_path: Path,
    client_files: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_child: bool,
) -> None:
    """The same profile whether its pass runs in the importing process (small files) or in
    a child process during the import (large ones: processes.IN_PROCESS_BELOW)."""
    if in_child:
        monkeypatch.setattr(processes, "IN_PROCESS_BELOW", 0)
    server.files.update(client_files)
    settings = make_settings(server, db_path)
    first = api.import_data(settings).import_id
    appended = b"2023-06-26,REF001,2,1\n2023-06-26,REF001,2,1\n2023-06-28,REF002,99,2\n"
    server.files["ventes"] = client_files["ventes"] + appended
    second = api.import_data(settings)
    assert second.files["ventes"].incremental  # the import read the appended lines only...
    before, after = api.profile(settings, first), api.profile(settings)
    assert before is not None and after is not None and after.import_id == second.import_id
    old, new = before.files["ventes"], after.files["ventes"]
    assert new.lines == old.lines + 3  # ...the profile describes the whole file
    assert (old.last_date, new.last_date) == ("2023-06-25", "2023-06-28")
    assert old.days_without_sales == 0 and new.days_without_sales == 1  # 27 June
    assert (old.identical_lines, new.identical_lines) == (0, 1)
    assert new.candidate_keys == [] and old.candidate_keys == [["Date"]]
    # the profile too read only the appended lines, added to the saved counts: the same
    # figures as a pass over the whole file
    whole = tmp_path / "whole"
    whole.mkdir()
    for name, content in {**client_files, "ventes": server.files["ventes"]}.items():
        (whole / f"{name}.csv").write_bytes(content)
    paths = {s: whole / f"{s}.csv" for s in stats.SOURCES}
    full = stats.scan(paths, {s: validate.sniff(s, paths[s]) for s in stats.SOURCES})
    assert new.columns == full["ventes"].columns
    assert (new.lines, new.blank_lines, new.line_endings, new.bytes) == (
        full["ventes"].lines,
        full["ventes"].blank_lines,
        full["ventes"].line_endings,
        full["ventes"].bytes,
    )
    conn = sqlite3.connect(db_path)
    # the identical sales were counted from the first profile plus the appended sales
    # (previous_identical_sales.sql): the same figures as a scan of every sale
    scanned = conn.execute(
        "SELECT sum(occurrence > 1), sum(occurrence = 2), max(occurrence) FROM sales"
    ).fetchone()
    assert (new.identical_lines, new.identical_groups, new.max_copies) == scanned
    saved = conn.execute("SELECT import_id, bytes FROM profile_scan_state").fetchall()
    assert saved == [(second.import_id, len(server.files["ventes"]))]
    history = conn.execute(
        "SELECT import_id, lines, last_date, identical_lines FROM profile_history "
        "WHERE source = 'ventes' ORDER BY import_id"
    ).fetchall()
    assert history == [
        (first, old.lines, "2023-06-25", 0),
        (second.import_id, old.lines + 3, "2023-06-28", 1),
    ]
    outliers = conn.execute(
        "SELECT import_id, outliers FROM profile_columns "
        "WHERE source = 'ventes' AND name = 'Quantité' ORDER BY import_id"
    ).fetchall()
    assert outliers == [(first, 0), (second.import_id, 1)]  # the 99
    conn.close()


def test_a_refused_import_stores_no_profile(server: FileServer, db_path: Path) -> None:
    publish(server, ventes="Date,ID Référence produit,Quantité,ID Magasin\n2024-01-01,REF001,1,1\n")
    settings = make_settings(server, db_path)
    api.import_data(settings)
    server.files["ventes"] = b"<!DOCTYPE html><html>login</html>"
    with pytest.raises(Exception, match="page HTML"):
        api.import_data(settings)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT DISTINCT import_id FROM profile_files").fetchall() == [(1,)]
    assert conn.execute("SELECT count(*) FROM import_runs").fetchone() == (1,)
    conn.close()


def test_ventes_profil_as_a_real_command(
    server: FileServer, tmp_path: Path, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    db_path = tmp_path / "ventes.db"
    env = environment(server, db_path)
    none = subprocess.run(ventes("profil"), env=env, capture_output=True, text=True, timeout=60)
    assert none.returncode == 5 and "lancez d'abord « ventes init »" in none.stderr
    subprocess.run(ventes("init"), env=env, check=True, capture_output=True, timeout=60)
    empty = subprocess.run(ventes("profil"), env=env, capture_output=True, text=True, timeout=60)
    assert empty.returncode == 5
    assert "n'a encore aucun profil des données : lancez « ventes import »" in empty.stderr
    subprocess.run(ventes("import"), env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run(ventes("profil"), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Profil des données de l'import n° 1 (")
    for text in (
        "Fichier « produits » : 5 lignes, 4 colonnes",
        "encodage UTF-8, séparateur « , », fins de ligne LF",
        "Clés candidates : ID Référence produit (identifiant)",
        "Clés candidates : ID Magasin (identifiant)",
        "Période : du 27/05/2023 au 25/06/2023 ; 0 jour sans vente.",
        "Couverture : 0 vente à produit inconnu, 0 vente à magasin inconnu.",
        "Valeurs aberrantes de « Quantité » (règle de Tukey",
    ):
        assert text in out, text
    as_json = subprocess.run(
        ventes("profil", "--json"), env=env, capture_output=True, text=True, timeout=60
    )
    assert as_json.returncode == 0
    doc = json.loads(as_json.stdout)
    assert set(doc) == {"import_id", "date_import", "fichiers"}
    assert list(doc["fichiers"]) == ["produits", "magasins", "ventes"]
    sales = doc["fichiers"]["ventes"]
    assert sales["lignes"] == 30 and sales["cles_candidates"] == [["Date"]]
    assert sales["premiere_date"] == "2023-05-27" and sales["jours_sans_vente"] == 0
    quantity = sales["colonnes"][2]
    assert quantity["nom"] == "Quantité" and quantity["mediane"] == "4"
    assert quantity["moyenne"] == "4.0667"  # 122 / 30, exact decimal rounded to 4 places
    assert {"valeur": "2", "nombre": 6} in quantity["frequentes"]
    missing = subprocess.run(
        ventes("profil", "--import", "7"), env=env, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 5 and "pas de profil pour l'import n° 7" in missing.stderr


def test_profile_streams_in_constant_memory(tmp_path: Path) -> None:
    """200 000 sales: the pass keeps counts of distinct values, never the rows."""
    generate(tmp_path, sales=200_000, products=200, stores=50, seed=3)
    paths = {s: tmp_path / f"{s}.csv" for s in stats.SOURCES}
    layouts = {s: validate.sniff(s, paths[s]) for s in stats.SOURCES}
    size = paths["ventes"].stat().st_size
    tracemalloc.start()
    try:
        found = stats.scan(paths, layouts)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sales = found["ventes"]
    with paths["ventes"].open("rb") as handle:
        assert sales.lines == sum(1 for line in handle if line.strip()) - 1
    assert sales.lines >= 200_000
    # holding the rows as lists of str would take about 60 MB here (12 times the file);
    # the pass keeps a 1 MB read buffer, a batch of 4 096 lines and the counts of a few
    # thousand distinct values, whatever the number of lines
    assert size > 4_000_000
    assert peak < 6_000_000, f"peak {peak} bytes for a file of {size} bytes"


def test_profile_median_past_the_distinct_cap_is_not_guessed(tmp_path: Path) -> None:
    """More distinct values than counted: no statistic rather than a wrong one."""
    (tmp_path / "produits.csv").write_text("Nom,ID Référence produit,Prix,Stock\nA,R1,1,1\n")
    (tmp_path / "magasins.csv").write_text("ID Magasin,Ville,Nombre de salariés\n1,Paris,1\n")
    lines = "".join(f"2024-01-01,R1,{q},1\n" for q in range(1, counts.MAX_DISTINCT + 2))
    (tmp_path / "ventes.csv").write_text("Date,ID Référence produit,Quantité,ID Magasin\n" + lines)
    paths = {s: tmp_path / f"{s}.csv" for s in stats.SOURCES}
    layouts = {s: validate.sniff(s, paths[s]) for s in stats.SOURCES}
    quantity = stats.scan(paths, layouts)["ventes"].column("quantite")
    assert quantity is not None and quantity.inferred_type == "entier"
    assert quantity.distinct_values is None and quantity.median is None
    assert not quantity.is_key


def test_quantile_is_exact_on_a_multiset() -> None:
    for values in ([1], [1, 2], [3, 1, 2], [5, 1, 1, 1, 9, 2], list(range(1, 101)) + [7] * 13):
        numbers = sorted(Decimal(v) for v in values)
        multiset = sorted(Counter(numbers).items())
        for p in ("0.25", "0.5", "0.75"):
            got = stats.quantile(multiset, len(numbers), Decimal(p))
            if len(numbers) > 1:
                quartiles = statistics.quantiles(numbers, n=4, method="inclusive")
                assert got == {"0.25": quartiles[0], "0.5": quartiles[1], "0.75": quartiles[2]}[p]
            assert stats.quantile(multiset, len(numbers), Decimal("0.5")) == statistics.median(
                numbers
            )


def test_the_profile_migration_is_the_latest_and_keyed_on_the_import(db_path: Path) -> None:
    conn = db.open_and_migrate(db_path)
    assert db.schema_version(conn) == db.latest_version()
    keys = conn.execute("SELECT name FROM pragma_table_info('profile_files') WHERE pk > 0")
    assert {k[0] for k in keys} == {"import_id", "source"}
    fks = conn.execute("SELECT \"table\" FROM pragma_foreign_key_list('profile_files')")
    assert [f[0] for f in fks] == ["import_runs"]
    conn.close()


# --- the deliverable and the verifier ------------------------------------------------------


def test_committed_characteristics_match_the_client_files(
    server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    generated = characteristics.characteristics({name: server.url(name) for name in client_files})
    committed = (ROOT / "docs" / characteristics.CHARACTERISTICS_NAME).read_text("utf-8")
    assert committed == generated, "docs/caracteristiques.md is stale: run bash scripts/docs.sh"
    assert "## Ce que les données ont décidé" in generated
    assert "occurrence" in generated and "régions administratives" in generated


def _verifier(
    tmp_path: Path, *args: str, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path if path is not None else "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "tools.docs", "--verifier", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_verifier_fails_when_the_client_files_are_missing(tmp_path: Path) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()
    done = _verifier(tmp_path, "--donnees", str(empty))
    assert done.returncode == 1
    assert "Non vérifié : note, rapport et caractéristiques des données" in done.stderr
    assert str(empty) in done.stderr


def test_the_verifier_fails_without_graphviz(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz absent: the verifier's failure is the normal case here")
    no_dot = tmp_path / "bin"
    no_dot.mkdir()
    done = _verifier(tmp_path, "--donnees", str(CLIENT_DATA), path=str(no_dot))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Non vérifié : SVG des diagrammes (Graphviz « dot » absent)." in done.stderr
    assert "Pas à jour" not in done.stdout  # the rest was checked, and is up to date


def test_the_reports_have_a_section_on_the_data(
    server: FileServer, db_path: Path, tmp_path: Path, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    api.run(make_settings(server, db_path))
    out = tmp_path / "rapport"
    assert main(["rapport", "--db", str(db_path), "--sortie", str(out)]) == 0
    note = (out / "resultats.md").read_text("utf-8")
    page = (out / "rapport.html").read_text("utf-8")
    section = note[note.index("## Les données") : note.index("## 1. Chiffre d'affaires total")]
    for line in (
        "- Fichiers reçus : produits : 5 lignes · magasins : 7 lignes · ventes : 30 lignes.",
        "- Format : UTF-8, séparateur « , », fins de ligne LF.",
        "- Période des ventes : du 27/05/2023 au 25/06/2023, 0 jour sans vente.",
        "- Lignes de ventes identiques : aucune.",
        "- Clés candidates : produits : ID Référence produit · magasins : ID Magasin · ventes : "
        "aucun identifiant (Date unique sur ces 30 lignes).",
    ):
        assert line in section, line
    assert '<section id="donnees"><h2>Les données</h2>' in page
    assert "<dt>Couverture des références</dt>" in page


def test_a_cut_download_leaving_one_partial_date_is_profiled(
    server: FileServer, db_path: Path
) -> None:
    """A download cut one byte into the first sale (no Content-Length) leaves "2" as the
    only date, a line the import holds back: the profile gives no period for a date column
    holding no date, and the next, whole download imports and profiles normally."""
    whole = "Date,ID Référence produit,Quantité,ID Magasin\n2023-05-27,REF001,1,1\n"
    cut = whole.encode()[: whole.encode().index(b"\n") + 2]  # the header, then "2"
    publish(server, ventes=whole)
    server.behaviours["ventes"] = unframed(cut)
    report = api.import_data(make_settings(server, db_path))
    assert report.files["ventes"].pending_line == (2, "2")
    described = api.profile(make_settings(server, db_path))
    assert described is not None
    sales = described.files["ventes"]
    assert sales.lines == 1 and sales.first_date is None and sales.days_without_sales is None
    server.behaviours.clear()
    api.import_data(make_settings(server, db_path))
    described = api.profile(make_settings(server, db_path))
    assert described is not None
    assert described.files["ventes"].first_date == "2023-05-27"
