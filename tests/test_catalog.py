"""Each analysis is declared once (catalog): the SQL file and its declaration drive the
result table, the French view, the terminal, --json, the note and the HTML report."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import (
    MAGASINS,
    VENTES_HEADER,
    back_to_version,
    make_settings,
    publish,
    query,
)
from ventes_pme import api, catalog, db, fmt, report
from ventes_pme.analyse import read_analysis
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


#: the result tables and English views that migration 0001 made in earlier versions
BEFORE = Path(__file__).with_name("schema_before_declarations.sql")
INFO = 'SELECT name, type, "notnull", pk FROM pragma_table_info(?)'


def test_the_result_tables_of_earlier_versions_match_their_declarations(db_path: Path) -> None:
    """A database of an earlier version holds the result tables migration 0001 made: they
    are column for column what the declarations create now, so it keeps them (and their
    history) and opens without a migration of its tables."""
    api.init(make_settings(FileServer(), db_path))
    conn = sqlite3.connect(db_path)
    old = sqlite3.connect(":memory:")
    old.execute("CREATE TABLE analysis_runs (run_id INTEGER PRIMARY KEY)")
    old.executescript(BEFORE.read_text("utf-8"))
    tables = [r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert len(tables) == 9  # analysis_runs and the eight result tables it made
    for table in tables[1:]:
        assert conn.execute(INFO, (table,)).fetchall() == old.execute(INFO, (table,)).fetchall()
    # the migrations create no result table: the declarations do
    migrations = "".join(m.sql for m in db.migrations())
    assert "CREATE TABLE result_" not in migrations


def test_a_database_of_an_earlier_version_upgrades_and_keeps_its_history(
    server: FileServer, db_path: Path
) -> None:
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n")
    settings = make_settings(server, db_path)
    first = api.run(settings).analysis
    # back to the state of the previous version: schema 6, the result tables of migration
    # 0001 and its English views, no monthly analysis
    conn = sqlite3.connect(db_path, isolation_level=None)
    month = next(s for s in catalog.specs() if s.name == "chiffre_affaires_par_mois")
    conn.execute(f"DROP VIEW {month.view}")
    conn.execute(f"DROP TABLE {month.table}")
    before = BEFORE.read_text("utf-8")
    conn.executescript(before[before.index("CREATE VIEW latest_analysis_run") :])
    back_to_version(conn, 6)
    conn.close()
    assert query(db_path, "SELECT revenue_euros FROM latest_total_revenue") == [(99.98,)]

    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-02-01,REF002,1,2\n")
    second = api.run(settings).analysis
    assert query(db_path, "SELECT max(version) FROM schema_migrations") == [(db.latest_version(),)]
    assert query(db_path, "SELECT name FROM sqlite_master WHERE name LIKE 'latest%'") == []
    # the new analysis has its table, the history of the others is kept
    assert [r["mois"] for r in second.tables["chiffre_affaires_par_mois"]] == ["2024-01", "2024-02"]
    assert api.latest_analysis(settings) == second
    kept = db.connect(db_path)
    try:
        assert read_analysis(kept, first.run_id) == replace(
            first, tables={**first.tables, "chiffre_affaires_par_mois": []}
        )
    finally:
        kept.close()


def test_the_sql_functions_format_as_the_reports_do(db_path: Path) -> None:
    """format_euros, format_month and format_share, on every connection of db.connect,
    write exactly what fmt writes for the terminal and the reports."""
    conn = db.connect(db_path, create=True)
    for cents in (0, 5, -5, 99, 526878, -123456789, 10**17, None):
        expected = None if cents is None else fmt.euros(cents)
        assert conn.execute("SELECT format_euros(?)", (cents,)).fetchone() == (expected,)
    months = [conn.execute("SELECT format_month(?)", (f"2023-{m:02d}",)).fetchone()[0]
              for m in range(1, 13)]  # fmt: skip
    assert months[4] == "mai 2023" and months[7] == "août 2023" and len(set(months)) == 12
    assert conn.execute("SELECT format_month('2023-05-27'), format_month(NULL)").fetchone() == (
        "mai 2023",
        None,
    )
    assert conn.execute("SELECT format_share(1, 3), format_share(1, 0)").fetchone() == (
        "33,3\u00a0%",
        None,
    )
    # a week from Monday 2023-05-22: each day named once, in SQLite's own calendar
    week = conn.execute(
        "SELECT format_weekday(date('2023-05-22', printf('+%d days', value)))"
        " FROM json_each('[0,1,2,3,4,5,6]')"
    ).fetchall()
    assert [name for (name,) in week] == list(fmt.WEEKDAYS) and week[0] == ("lundi",)
    assert conn.execute("SELECT format_weekday(NULL)").fetchone() == (None,)
    conn.close()


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
    parses no declaration (the TOML parser is a visible share of a re-import)."""
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n")
    settings = make_settings(server, db_path)
    api.import_data(settings)
    objects = {name for (name,) in query(db_path, "SELECT name FROM sqlite_master")}
    assert {s.table for s in catalog.specs()} | {s.view for s in catalog.specs()} <= objects
    catalog.read_folders.cache_clear()
    publish(server, ventes=VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-01-02,REF002,1,2\n")
    assert api.import_data(settings).files["ventes"].inserted == 1
    assert catalog.read_folders.cache_info().misses == 0


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
    """A name is data; in the note it stays one cell, and inert."""
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
