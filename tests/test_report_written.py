"""The report is a product of every run: ``ventes run --rapport`` / VENTES_RAPPORT, and each
``watch`` cycle that changes the data, rewrite the note and the HTML report atomically."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import MAGASINS, PRODUITS, VENTES_HEADER, make_settings, publish
from ventes_pme import api, fmt, report, watch
from ventes_pme.cli import main
from ventes_pme.config import Settings

VENTES = VENTES_HEADER + "2024-01-01,REF001,2,1\n2024-01-02,REF002,1,2\n"  # 99,98 + 19,99


def _cli_args(server: FileServer, db: Path) -> list[str]:
    return [
        "--db",
        str(db),
        *(a for s in ("produits", "magasins", "ventes") for a in (f"--url-{s}", server.url(s))),
    ]


def test_run_writes_the_report_where_told(
    server: FileServer, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, PRODUITS, MAGASINS, VENTES)
    folder = tmp_path / "rapport"
    assert main(["run", *_cli_args(server, db_path), "--rapport", str(folder)]) == 0
    assert f"Rapport réécrit dans « {folder} »." in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [report.HTML_NAME, report.NOTE_NAME]
    analysis = api.latest_analysis(make_settings(server, db_path))
    assert analysis is not None
    # the written report has the "Les données" section of the data profile too
    data = api.data_headline(make_settings(server, db_path), analysis.last_import_id)
    assert data
    assert (folder / report.HTML_NAME).read_text("utf-8") == report.html_report(analysis, data)
    assert (folder / report.NOTE_NAME).read_text("utf-8") == report.markdown(analysis, data)
    assert fmt.euros(11997) in (folder / report.NOTE_NAME).read_text("utf-8")
    assert oct((folder / report.HTML_NAME).stat().st_mode & 0o777) == "0o644"


def test_the_setting_comes_from_the_environment_and_is_off_by_default(tmp_path: Path) -> None:
    assert Settings.load(env={}).rapport_dir is None
    chosen = Settings.load(env={"VENTES_RAPPORT": str(tmp_path)})
    assert chosen.rapport_dir == tmp_path
    option = Settings.load({"rapport_dir": tmp_path / "x"}, env={"VENTES_RAPPORT": "y"})
    assert option.rapport_dir == tmp_path / "x"


def test_run_without_the_setting_writes_no_report(
    server: FileServer, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(server, PRODUITS, MAGASINS, VENTES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VENTES_RAPPORT", raising=False)
    assert main(["run", *_cli_args(server, db_path)]) == 0
    written = [p.name for p in tmp_path.rglob("*") if p.suffix in (".html", ".md")]
    assert written == []
    assert db_path.exists()


def test_each_watch_cycle_that_changes_the_data_rewrites_the_report(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    publish(server, PRODUITS, MAGASINS, VENTES)
    folder = tmp_path / "rapport"
    settings = make_settings(server, db_path, rapport_dir=folder)
    lines: list[str] = []
    watch.watch(settings, 0.01, cycles=1, log=lines.append)
    page = folder / report.HTML_NAME
    assert fmt.euros(11997) in page.read_text("utf-8")
    first = page.stat().st_ino
    assert any(f"rapport réécrit dans « {folder} »" in line for line in lines), lines

    # nothing changed at the source: the report is left alone
    watch.watch(settings, 0.01, cycles=1, log=lines.append)
    assert page.stat().st_ino == first

    # one more sale: a new file replaces the old one (renamed over it, never rewritten)
    publish(server, PRODUITS, MAGASINS, VENTES + "2024-01-03,REF001,1,1\n")
    watch.watch(settings, 0.01, cycles=1, log=lines.append)
    assert fmt.euros(11997 + 4999) in page.read_text("utf-8")
    assert page.stat().st_ino != first
    assert sorted(p.name for p in folder.iterdir()) == [report.HTML_NAME, report.NOTE_NAME]


def test_a_reader_never_sees_half_a_report(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    """While the report is rewritten again and again, every read gets a whole file."""
    publish(server, PRODUITS, MAGASINS, VENTES)
    folder = tmp_path / "rapport"
    settings = make_settings(server, db_path, rapport_dir=folder)
    api.run(settings)
    page = folder / report.HTML_NAME
    whole = page.read_text("utf-8")
    assert whole.rstrip().endswith("</html>")
    stop = threading.Event()
    reads: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            reads.append(page.read_text("utf-8"))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(30):
            api.write_report(settings)
    finally:
        stop.set()
        thread.join()
    assert reads and all(r == whole for r in reads)
    assert not [n for n in os.listdir(folder) if n.endswith(".tmp")]


@pytest.mark.hostile
@pytest.mark.parametrize("command", ["run", "watch"])
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_a_report_folder_that_cannot_be_written_is_refused_before_anything(
    server: FileServer,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    where: str,
) -> None:
    """Checked at start, like every setting: nothing downloaded, no database created (not
    found only after the import and the analysis are committed)."""
    publish(server, PRODUITS, MAGASINS, VENTES)
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    folder = blocker if where == "a file" else blocker / "rapport"
    extra = ["--cycles", "1", "--interval", "0.01"] if command == "watch" else []
    args = [command, *_cli_args(server, db_path), "--rapport", str(folder), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ventes : erreur : --rapport ou VENTES_RAPPORT : "), err
    assert f"« {blocker} » n'est pas un dossier" in err, err
    assert "Errno" not in err and "inattendue" not in err, err
    assert server.requests == [] and not db_path.exists()
    assert blocker.read_text() == "pas un dossier"


@pytest.mark.hostile
def test_a_report_that_cannot_be_written_is_a_failed_cycle_the_next_one_retries(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    """The report folder turns into a file while the watcher runs: that cycle's import and
    analysis are kept, its failure is logged, the watcher goes on, and the next cycle
    writes the report although nothing changed at the source."""
    publish(server, PRODUITS, MAGASINS, VENTES)
    folder = tmp_path / "rapport"
    settings = make_settings(server, db_path, rapport_dir=folder)
    lines: list[str] = []

    def log(line: str) -> None:  # each step of the watcher, as it happens
        lines.append(line)
        if line.startswith("Surveillance démarrée"):  # checked; then a file takes its place
            folder.write_text("pas un dossier")
        elif line.startswith("Cycle 1 : échec du rapport"):
            folder.unlink()

    results = watch.watch(settings, 0.01, cycles=2, log=log)
    first, second = results
    assert first.imported is not None and first.analysis_run is not None
    assert first.error is not None and f"« {folder} »" in first.error, first.error
    assert "Errno" not in first.error
    assert lines[1].startswith("Cycle 1 : import n° 1 : +2 ventes"), lines
    assert "analyse n° 1 enregistrée" in lines[1] and "rapport réécrit" not in lines[1], lines
    assert lines[2].startswith("Cycle 1 : échec du rapport : Impossible d'écrire"), lines
    assert lines[2].endswith("Nouvel essai au cycle suivant."), lines
    assert second.skipped and second.error is None and not second.report_due
    assert lines[3].startswith("Cycle 2 : aucun changement à la source"), lines
    assert lines[3].endswith(f"rapport réécrit dans « {folder} »."), lines
    assert fmt.euros(11997) in (folder / report.HTML_NAME).read_text("utf-8")
    assert lines[-1] == "Surveillance terminée : fin des cycles, 2 cycles."


def test_the_note_keeps_ten_products_then_sums_the_others(
    server: FileServer, db_path: Path
) -> None:
    """A ranking longer than ten rows: the note shows the first ten, one "autres" row with
    the exact sums of the rest, and says where the full list is."""
    produits = "Nom,ID Référence produit,Prix,Stock\n" + "".join(
        f"Produit {i},REF{i:03},{i}.00,10\n" for i in range(1, 31)
    )
    ventes = VENTES_HEADER + "".join(f"2024-01-01,REF{i:03},{i},1\n" for i in range(1, 31))
    publish(server, produits, MAGASINS, ventes)
    analysis = api.run(make_settings(server, db_path)).analysis
    note = report.markdown(analysis)
    section = note.split("## 2. Ventes par produit\n")[1].split("\n## ")[0]
    products = [line for line in section.splitlines() if line.startswith("| REF")]
    assert [line.split(" | ")[0] for line in products] == [
        f"| REF{i:03}" for i in range(30, 20, -1)
    ]
    # REF001 to REF020: quantities 1..20, revenue i × i €
    rest = sum(i * i for i in range(1, 21)) * 100
    others = (
        f"| autres (20) | — | {fmt.integer(210)} | {fmt.euros(rest)} | "
        f"{fmt.percent(rest, analysis.total_revenue_cents)} |"
    )
    assert others in section.splitlines()
    assert "Les 10 premiers sur 30" in section and "ventes analyse --json" in section
