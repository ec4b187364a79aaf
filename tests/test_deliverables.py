"""The jury's deliverables: diagrams, data model, SQL index, results note and HTML report.

Every committed file under docs/ is regenerated here and compared: a stale one fails.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import MAGASINS, PRODUITS, ROOT, VENTES_HEADER, make_settings, publish
from tools.docs import architecture, deliverables, graphviz, readme
from tools.docs import cli as docs_cli
from tools.docs import results as results_doc
from tools.docs import sql as sql_doc
from ventes_pme import api, catalog, report, schema
from ventes_pme.cli import main
from ventes_pme.config import Settings
from ventes_pme.report import charts

DOCS = ROOT / "docs"
#: one SVG per declared chart
CHARTS = sum(spec.chart is not None for spec in catalog.specs())
CI = os.environ.get("CI") == "true"

VENTES = VENTES_HEADER + (
    "2024-01-01,REF001,2,1\n"  # 99,98 € Paris
    "2024-01-02,REF002,1,2\n"  # 19,99 € Marseille
    "2024-01-02,REF002,1,2\n"  # the same line twice: two sales
    "2024-01-09,REF001,1,2\n"  # 49,99 € Marseille, next ISO week
)


def _require_dot() -> None:
    if shutil.which("dot") is None:
        if CI:
            pytest.fail("Graphviz (dot) is required under CI=true")
        pytest.skip("Graphviz (dot) absent: the SVG files are not checked")


# --- physical schema ---------------------------------------------------------------------


def test_schema_mermaid_describes_every_table_key_and_relation(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert main(["schema", "--mermaid"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("erDiagram\n")
    api.init(Settings.load({"db_path": db_path}, env={}))
    conn = sqlite3.connect(db_path)
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert {"sales", "rejects", "import_runs", "result_sales_by_region"} <= set(tables)
    for table in tables:
        block = re.search(rf"\n    {table} \{{\n(.*?)\n    \}}", text, re.S)
        assert block, table
        columns = conn.execute(f"SELECT name, pk FROM pragma_table_info('{table}')").fetchall()
        assert len(block[1].splitlines()) == len(columns)
        for name, pk in columns:
            line = re.search(rf"^        \w+ {name}\b(.*)$", block[1], re.M)
            assert line, (table, name)
            assert ("PK" in line[1]) == bool(pk), (table, name)
        for fk in conn.execute(f'SELECT "table", "from" FROM pragma_foreign_key_list(\'{table}\')'):
            assert re.search(rf'^    {fk[0]} \S+ {table} : "{fk[1]}"$', text, re.M), fk
    # sales -> products is mandatory, one product for many sales
    assert '    products ||--o{ sales : "product_id"' in text.splitlines()
    # result_total_revenue has run_id as its whole key: at most one row per run
    assert '    analysis_runs ||--o| result_total_revenue : "run_id"' in text.splitlines()


def test_schema_dot_is_valid_graphviz(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--dot"]) == 0
    source = capsys.readouterr().out
    assert source == schema.dot()
    _require_dot()
    svg = graphviz.render_svg(source)
    assert svg is not None and "result_product_by_region" in svg


# --- committed documents -------------------------------------------------------------------


def test_committed_diagrams_and_model_are_up_to_date() -> None:
    _require_dot()
    assert deliverables.stale(DOCS, None) == [], "run: bash scripts/docs.sh"
    model = (DOCS / "modele-donnees.md").read_text("utf-8")
    assert "```mermaid\n" + schema.mermaid() + "```" in model


def test_a_stale_document_is_detected(tmp_path: Path) -> None:
    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    model = copy / "modele-donnees.md"
    model.write_text(model.read_text("utf-8").replace("sales {", "ventes {", 1), "utf-8")
    (copy / "architecture.dot").write_text("digraph {}\n", "utf-8")
    found = deliverables.stale(copy, None)
    assert model in found and copy / "architecture.dot" in found
    assert (
        docs_cli.main(["--docs", str(copy), "--donnees", str(tmp_path / "none"), "--verifier"]) == 1
    )
    assert (
        docs_cli.main(["--docs", str(copy), "--donnees", str(tmp_path / "none"), "--sans-captures"])
        == 0
    )
    if shutil.which("dot"):
        assert deliverables.stale(copy, None) == []


def _modules_block(text: str) -> str:
    block = re.search(r"<!-- généré:modules -->\n(.*?)<!-- /généré:modules -->", text, re.S)
    assert block, "README.md has no generated table of the modules"
    return block[1]


def test_readme_lists_every_module_and_sql_folder() -> None:
    """Each module with the first line of its docstring, each folder of sql/: listed here
    independently of the generator, so a module left out of the table fails."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = _modules_block(text)
    package = ROOT / "src" / "ventes_pme"
    modules = [p for p in package.rglob("*.py") if p != package / "__init__.py"]
    assert len(modules) >= 30
    for path in modules:
        inside = path.relative_to(package)
        name = f"{inside.parent}/" if inside.name == "__init__.py" else inside.as_posix()
        line = readme.summary(path)
        assert 20 <= len(line) <= 97 and line.endswith("."), (name, line)
        assert f"| [`{name}`](src/ventes_pme/{name}) | {line} |\n" in block, name
    folders = [p.name for p in (package / "sql").iterdir() if p.is_dir()]
    assert len(folders) >= 8
    for folder in folders:
        assert f"- [`sql/{folder}/`](src/ventes_pme/sql/{folder}/) : " in block, folder
    assert "rien d'autre" not in block
    assert readme.files(DOCS) == {ROOT / "README.md": text}, "run: bash scripts/docs.sh"


def test_a_new_module_makes_the_readme_stale(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "ventes_pme", tmp_path / "src" / "ventes_pme")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "docs").mkdir()
    assert readme.files(tmp_path / "docs")[tmp_path / "README.md"] == (
        ROOT / "README.md"
    ).read_text("utf-8")
    module = tmp_path / "src" / "ventes_pme" / "nouveau.py"
    module.write_text('"""Un module ajouté.\n\nA module added."""\n', "utf-8")
    generated = readme.files(tmp_path / "docs")[tmp_path / "README.md"]
    assert "| [`nouveau.py`](src/ventes_pme/nouveau.py) | Un module ajouté. |" in generated
    module.write_text("x = 1\n", "utf-8")
    with pytest.raises(ValueError, match="no module docstring"):
        readme.files(tmp_path / "docs")


def test_sql_index_lists_every_sql_file() -> None:
    index = sql_doc.sql_index()
    shipped = sorted((ROOT / "src" / "ventes_pme" / "sql").glob("*/*.sql"))
    assert len(shipped) >= 15
    for path in shipped:
        assert f"](../src/ventes_pme/sql/{path.parent.name}/{path.name})" in index


def test_a_sql_file_is_described_by_its_own_header(tmp_path: Path) -> None:
    """The first paragraph of a SQL file's opening comment is its description in docs/sql.md;
    a file without one stops the generator."""
    query = tmp_path / "query.sql"
    query.write_text("-- Une description\n-- sur deux lignes.\n--\n-- In English.\nSELECT 1;\n")
    assert sql_doc.header(query) == "Une description sur deux lignes."
    query.write_text("SELECT 1; -- nothing before\n")
    with pytest.raises(ValueError, match="no header comment"):
        sql_doc.header(query)
    with pytest.raises(ValueError, match="not described"):
        sql_doc.folder_description("nouveau")
    index = sql_doc.sql_index()
    upsert = sql_doc.SQL / "load" / "upsert_store.sql"
    assert sql_doc.header(upsert).startswith("Un magasin du fichier")
    assert f"| {sql_doc.header(upsert)} |" in index


def test_architecture_matches_the_compose_file() -> None:
    compose = ROOT / "compose.yaml"
    if not compose.exists():
        pytest.skip("no compose.yaml in this tree")
    text = compose.read_text("utf-8")

    def top_level_keys(section: str) -> set[str]:
        match = re.search(rf"^{section}:\n((?:[ \t].*\n|\n)*)", text, re.M)
        assert match, section
        return set(re.findall(r"^  ([\w-]+):", match[1], re.M))

    ids = {node.id for node in architecture.ARCHITECTURE_NODES}
    assert top_level_keys("services") <= ids
    assert top_level_keys("volumes") <= ids
    # every published port is on the host's loopback, and the diagram shows it on an incoming
    # link to its service; no other port is published
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load(text)["services"]
    published = {
        name: [str(p) for p in service.get("ports", [])] for name, service in services.items()
    }
    assert {name for name, ports in published.items() if ports} == {"tableau"}
    assert not re.search(r"^\s+expose:", text, re.M)
    for name, ports in published.items():
        for port in ports:
            host, _, inside = port.rpartition(":")
            assert host.startswith("127.0.0.1:"), port
            incoming = [link for link in architecture.ARCHITECTURE_LINKS if link.target == name]
            assert any(f"127.0.0.1:8001 (hôte) → {inside}" in link.label for link in incoming)
            assert f"127.0.0.1:8001 → {inside}" in architecture.PORTS_NOTE
    mermaid = architecture.architecture_mermaid()
    for service in top_level_keys("services"):
        assert re.search(rf"^\s+{service}\[", mermaid, re.M)


def test_committed_note_and_report_match_the_client_files(
    server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    generated = results_doc.results({name: server.url(name) for name in client_files})
    for name, content in generated.items():
        committed = (DOCS / name).read_text("utf-8")
        assert report.normalize_run_date(committed) == report.normalize_run_date(content), (
            f"docs/{name} is stale: run bash scripts/docs.sh"
        )
    assert "5\u202f268,78\u00a0€" in generated[report.NOTE_NAME]


# --- the report ------------------------------------------------------------------------------


def _analysed(server: FileServer, db_path: Path) -> Path:
    publish(server, PRODUITS, MAGASINS, VENTES)
    api.run(make_settings(server, db_path))
    return db_path


def test_rapport_writes_the_note_and_a_self_contained_report(
    server: FileServer, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _analysed(server, db_path)
    out = tmp_path / "sortie"
    assert main(["rapport", "--db", str(db_path), "--sortie", str(out)]) == 0
    assert "resultats.md" in capsys.readouterr().out
    note = (out / "resultats.md").read_text("utf-8")
    page = (out / "rapport.html").read_text("utf-8")
    total = "189,95\u00a0€"  # 2 × 49,99 + 2 × 19,99 + 49,99
    for text in (note, page):
        assert total in text
        assert "du 01/01/2024 au 09/01/2024" in text
        # leader product: Produit A, 149,97 € = 79,0 % of 189,95 €
        assert "« Produit A » (REF001) : 149,97\u00a0€, soit 79,0\u00a0%" in text
        # leading region (Paris 99,98 € vs Marseille 89,97 €) but best revenue per employee
        # in Marseille (89,97 € / 5 employees against 99,98 € / 10)
        assert "La région Île-de-France est en tête avec 99,98\u00a0€ (52,6\u00a0%)" in text
        assert "magasin n° 2 (Marseille) : 17,99\u00a0€ par salarié" in text
    assert note.index("## 1. Chiffre d'affaires total") < note.index("## 2. Ventes par produit")
    assert note.index("## 2. Ventes par produit") < note.index("## 3. Ventes par région")
    assert "| 2024-S01 | 01/01/2024 | 3 | 4 | 139,96\u00a0€ |" in note
    # self-contained and responsive
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert not re.search(r"(src|href)=\"(https?:)?//|@import|url\(", page)
    assert "<script" not in page
    assert page.count("<svg") == CHARTS


def test_report_is_reproducible_from_the_stored_results(server: FileServer, db_path: Path) -> None:
    _analysed(server, db_path)
    settings = make_settings(server, db_path)
    first = api.latest_analysis(settings)
    assert first is not None
    again = api.analyse(settings)  # a new run on the same sales
    assert report.markdown(first) == report.markdown(first)
    assert report.normalize_run_date(report.html_report(again)).replace(
        f"Analyse n° {again.run_id}", "Analyse n° 1"
    ) == report.normalize_run_date(report.html_report(first))


def test_rapport_without_analysis_fails_in_french(
    server: FileServer, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.init(make_settings(server, db_path))
    assert main(["rapport", "--db", str(db_path), "--sortie", str(tmp_path / "r")]) == 5
    assert "aucune analyse" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_french_amounts_in_the_charts() -> None:
    svg = report.bar_chart("t", [("A", 526878, "5 268,78 €")], "c")
    assert "5 268,78 €" in svg and 'class="bar"' in svg
    assert charts._nice_max(526878) == 1_000_000
    assert charts._nice_max(199) == 200
    assert Decimal(charts._nice_max(1)) == 1


def test_report_of_a_database_without_sales(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    publish(server)  # products and stores, no sale
    analysis = api.run(make_settings(server, db_path)).analysis
    note, page = report.write(analysis, tmp_path)
    text = note.read_text("utf-8")
    assert "aucune vente" in text and "**0,00\u00a0€**" in text
    assert page.read_text("utf-8").count("<svg") == CHARTS


def test_every_test_named_by_the_reliability_document_exists() -> None:
    """docs/fiabilite.md proves each guarantee by naming its test: a renamed or removed
    test must not leave a rule without proof."""
    text = (DOCS / "fiabilite.md").read_text("utf-8")
    sources = "\n".join(p.read_text("utf-8") for p in (ROOT / "tests").glob("*.py"))
    defined = set(re.findall(r"^\s*def (test_\w+)", sources, re.M))
    modules = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    named = set(re.findall(r"`(?:[\w/.]+::)?(test_\w+)", text))
    assert len(named) >= 100
    # `test_redirect_to_a_*` names a family of tests
    missing = [
        n
        for n in sorted(named - defined - modules)
        if not (n.endswith("_") and any(d.startswith(n) for d in defined))
    ]
    assert missing == []
