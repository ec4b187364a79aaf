"""Each analysis is declared once (catalog): the SQL file and its declaration drive the
result table, the French view, the terminal, --json, the note and the HTML report."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import MAGASINS, VENTES_HEADER, make_settings, publish, query
from ventes_pme import api, catalog, report
from ventes_pme.cli import main
from ventes_pme.errors import DatabaseError

ANALYSES = Path(catalog.__file__).parent / "sql" / "analyses"


def test_every_sql_file_has_its_declaration_and_the_other_way_round() -> None:
    sql = {p.stem for p in ANALYSES.glob("*.sql")}
    toml = {p.stem for p in ANALYSES.glob("*.toml")}
    assert sql == toml
    assert [s.file for s in catalog.specs()] == sorted(sql)
    assert sum(s.summary for s in catalog.specs()) == 1
    # JSON keys and view names are unique
    assert len({s.name for s in catalog.specs()}) == len(catalog.specs())


def test_the_tables_of_migration_0001_match_their_declarations(db_path: Path) -> None:
    """Declarations and result tables agree column by column: the tables created by the
    migrations and those created from a declaration are the same."""
    api.init(make_settings(FileServer(), db_path))
    conn = sqlite3.connect(db_path)
    fresh = sqlite3.connect(":memory:")
    fresh.execute("CREATE TABLE analysis_runs (run_id INTEGER PRIMARY KEY)")
    for spec in catalog.specs():
        fresh.execute(catalog.create_table_sql(spec))
        info = 'SELECT name, type, "notnull", pk FROM pragma_table_info(?)'
        assert (
            conn.execute(info, (spec.table,)).fetchall()
            == fresh.execute(info, (spec.table,)).fetchall()
        ), spec.table


def test_an_older_database_gains_a_new_analysis_table_and_view(
    server: FileServer, db_path: Path
) -> None:
    """A database made before an analysis existed: its table and view appear on opening."""
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n")
    settings = make_settings(server, db_path)
    api.run(settings)
    newest = catalog.tables()[-1]
    conn = sqlite3.connect(db_path)
    conn.execute(f"DROP VIEW {newest.view}")
    conn.execute(f"DROP TABLE {newest.table}")
    conn.execute("DROP VIEW derniere_ventes_par_region")
    conn.execute("CREATE VIEW derniere_ventes_par_region AS SELECT 1 AS ancienne")
    conn.commit()
    conn.close()
    analysis = api.analyse(settings)
    assert newest.name in analysis.tables
    assert query(db_path, f"SELECT count(*) FROM {newest.view}")[0][0] >= 0
    # a view that differs from its declaration is replaced
    assert query(db_path, "SELECT region, chiffre_affaires FROM derniere_ventes_par_region") == [
        ("Île-de-France", "99.98")
    ]


def test_an_import_reads_no_declaration_once_the_database_is_up_to_date(
    server: FileServer, db_path: Path
) -> None:
    """The result tables and views belong to the analyse stage. A database the migrations
    just made or changed gets them at once (here, the first import creates the database);
    one already up to date is left to ``ventes init`` and to each analysis: an import then
    parses no declaration (the TOML parser, ≈ 15 ms of every re-import)."""
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n")
    settings = make_settings(server, db_path)
    api.import_data(settings)
    objects = {name for (name,) in query(db_path, "SELECT name FROM sqlite_master")}
    assert {s.table for s in catalog.specs()} | {s.view for s in catalog.specs()} <= objects
    catalog.specs.cache_clear()
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-01-02,REF002,1,2\n")
    assert api.import_data(settings).files["ventes"].inserted == 1
    assert catalog.specs.cache_info().misses == 0


def test_init_brings_the_result_objects_of_an_up_to_date_database_back(db_path: Path) -> None:
    """``ventes init`` checks the declared objects even when no migration is pending."""
    settings = make_settings(FileServer(), db_path)
    api.init(settings)
    newest = catalog.tables()[-1]
    conn = sqlite3.connect(db_path)
    conn.execute(f"DROP VIEW {newest.view}")
    conn.commit()
    conn.close()
    assert api.init(settings).applied == []
    assert query(db_path, "SELECT count(*) FROM sqlite_master WHERE name = ?", (newest.view,)) == [
        (1,)
    ]


def test_a_result_table_that_differs_from_its_declaration_is_refused(db_path: Path) -> None:
    settings = make_settings(FileServer(), db_path)
    api.init(settings)
    conn = sqlite3.connect(db_path)
    conn.execute("ALTER TABLE result_sales_by_region ADD COLUMN extra TEXT")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="demande une migration"):
        api.analyse(settings)


def test_declared_titles_and_dates_in_the_terminal(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-01-09,REF002,1,2\n")
    assert main(["run", "--db", str(db_path), "--url-produits", server.url("produits"),
                 "--url-magasins", server.url("magasins"), "--url-ventes",
                 server.url("ventes")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "2 ventes du 01/01/2024 au 09/01/2024" in out
    assert "01/01/2024" in out and "2024-01-01" not in out  # dates JJ/MM/AAAA
    for spec in catalog.tables():
        if spec.terminal:
            assert f"\n{spec.title}\n" in out
            header = next(line for line in out[out.index(f"\n{spec.title}\n") :].splitlines()[2:])
            assert header.split()[0] == next(c.title for c in spec.columns if c.terminal).split()[0]


def test_a_product_name_with_a_newline_or_html_keeps_the_note_tables_whole(
    server: FileServer, db_path: Path
) -> None:
    """Issue 9, defect 10: a name is data; in the note it stays one cell, and inert."""
    produits = (
        "Nom,ID Référence produit,Prix,Stock\n"
        '"Produit\nsur deux lignes",REF001,49.99,100\n'
        '"<b>Gras</b> | *étoile* _x_ [lien](http://x)",REF002,19.99,50\n'
    )
    publish(server, produits, MAGASINS, VENTES_HEADER + "2024-01-01,REF001,2,1\n"
            "2024-01-02,REF002,1,2\n")  # fmt: skip
    analysis = api.run(make_settings(server, db_path)).analysis
    names = {p["nom"] for p in analysis.tables["ventes_par_produit"]}
    assert "Produit\nsur deux lignes" in names  # stored as given
    note = report.markdown(analysis)
    assert "<b>" not in note and "[lien](http" not in note
    assert "Produit sur deux lignes" in note
    assert r"&lt;b&gt;Gras&lt;/b&gt; \| \*étoile\* \_x\_ \[lien\](http://x)" in note
    # every table row has as many cells as its header
    for block in re.findall(r"((?:^\|.*\|\n)+)", note, re.M):
        rows = block.splitlines()
        cells = [len(re.split(r"(?<!\\)\|", row)) for row in rows]
        assert len(set(cells)) == 1, rows
    assert "&lt;b&gt;Gras&lt;/b&gt;" in report.html_report(analysis)
