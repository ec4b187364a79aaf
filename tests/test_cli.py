"""The ``ventes`` command: configuration precedence, French messages, exit codes."""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.httpserver import FileServer, gated
from tests.procs import sigint_default
from tests.support import dump, publish, query, stored_sales, ventes_csv
from ventes_pme import db
from ventes_pme.cli import main
from ventes_pme.config import DEFAULT_URLS, Settings
from ventes_pme.errors import ConfigError

VENTES = ventes_csv([("2023-05-27", "REF001", 1, 5), ("2023-05-28", "REF002", 2, 3)])
VENTES_BIN = Path(sys.executable).with_name("ventes")


def _urls(server: FileServer) -> list[str]:
    args = []
    for name in ("produits", "magasins", "ventes"):
        args += [f"--url-{name}", server.url(name)]
    return args


# --- configuration: option > environment variable > default ---------------------------------


def test_settings_defaults() -> None:
    settings = Settings.load({}, env={})
    assert settings.db_path == Path("data/ventes.db")
    assert settings.url_ventes == DEFAULT_URLS["ventes"]
    assert (settings.timeout, settings.attempts, settings.max_bytes) == (30.0, 3, 2 * 1024**3)
    assert settings.allowed_schemes == ("https", "http", "file")


def test_settings_environment_beats_default_and_option_beats_environment() -> None:
    env = {
        "VENTES_DB": "/env/v.db",
        "VENTES_URL_VENTES": "http://env/ventes",
        "VENTES_TIMEOUT": "7.5",
        "VENTES_TENTATIVES": "5",
        "VENTES_TAILLE_MAX": "1000",
        "VENTES_SCHEMAS": "HTTPS, file",
        "VENTES_PROGRESSION": "non",
        "VENTES_REGIONS": "/env/regions.csv",
    }
    from_env = Settings.load({}, env=env)
    assert from_env.db_path == Path("/env/v.db")
    assert from_env.url_ventes == "http://env/ventes"
    assert from_env.url_produits == DEFAULT_URLS["produits"]
    assert (from_env.timeout, from_env.attempts, from_env.max_bytes) == (7.5, 5, 1000)
    assert from_env.allowed_schemes == ("https", "file")
    assert from_env.progress is False
    assert from_env.regions_path == Path("/env/regions.csv")
    overridden = Settings.load(
        {"db_path": Path("/cli/v.db"), "url_ventes": "http://cli/ventes", "progress": None}, env=env
    )
    assert overridden.db_path == Path("/cli/v.db")
    assert overridden.url_ventes == "http://cli/ventes"
    assert overridden.progress is False  # None means "option not given"
    # an empty variable counts as unset
    assert Settings.load({}, env={"VENTES_DB": "  "}).db_path == Path("data/ventes.db")


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("VENTES_TIMEOUT", "vite"),
        ("VENTES_TIMEOUT", "0"),
        ("VENTES_TENTATIVES", "0"),
        ("VENTES_TENTATIVES", "2.5"),
        ("VENTES_SCHEMAS", "gopher"),
        ("VENTES_PROGRESSION", "peut-être"),
        ("VENTES_TAILLE_MAX", "-1"),
    ],
)
def test_invalid_setting_is_a_config_error(var: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.load({}, env={var: value})
    assert info.value.exit_code == 2
    assert info.value.message.endswith(".")


def test_cli_option_beats_environment(
    server: FileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    publish(server, ventes=VENTES)
    env_db, cli_db = tmp_path / "env.db", tmp_path / "cli.db"
    monkeypatch.setenv("VENTES_DB", str(env_db))
    for name in ("produits", "magasins", "ventes"):
        monkeypatch.setenv(f"VENTES_URL_{name.upper()}", server.url(name))
    monkeypatch.setenv("VENTES_PAUSE", "0.01")
    # the environment alone
    assert main(["import"]) == 0
    assert stored_sales(env_db).total() == 2
    # the option wins over VENTES_DB
    assert main(["import", "--db", str(cli_db)]) == 0
    assert stored_sales(cli_db).total() == 2
    # the option wins over VENTES_URL_VENTES
    server.files["autres"] = ventes_csv([("2023-06-01", "REF001", 1, 1)]).encode()
    assert main(["import", "--db", str(cli_db), "--url-ventes", server.url("autres")]) == 0
    assert query(cli_db, "SELECT url FROM import_files WHERE source = 'ventes' ORDER BY import_id")[
        -1
    ] == (server.url("autres"),)
    assert stored_sales(env_db).total() == 2  # untouched by the runs with --db
    capsys.readouterr()
    monkeypatch.setenv("VENTES_TIMEOUT", "abc")
    assert main(["import"]) == 2
    assert "Valeur invalide pour VENTES_TIMEOUT" in capsys.readouterr().err


# --- commands -------------------------------------------------------------------------------


def test_init_is_idempotent_and_records_the_schema_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.db"
    assert main(["init", "--db", str(path)]) == 0
    assert "appliquées : 0001_schema" in capsys.readouterr().out
    migrations = query(path, "SELECT version, name FROM schema_migrations")
    assert migrations[0] == (1, "schema")
    assert query(path, "PRAGMA user_version") == [(db.latest_version(),)]
    assert query(path, "PRAGMA application_id") == [(db.APPLICATION_ID,)]
    tables = query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    assert main(["init", "--db", str(path)]) == 0
    assert "déjà à jour (schéma version" in capsys.readouterr().out
    assert query(path, "SELECT version, name FROM schema_migrations") == migrations
    assert (
        query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") == tables
    )
    assert {"sales", "products", "stores", "rejects", "import_runs", "analysis_runs"} <= {
        t[0] for t in tables
    }


def test_database_is_private_and_a_newer_schema_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.db"
    assert main(["init", "--db", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    capsys.readouterr()
    before = dump(path)
    assert main(["init", "--db", str(path)]) == 5
    assert "a un schéma plus récent (version 99)" in capsys.readouterr().err
    assert dump(path) == before


def test_analyse_before_init_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "absent.db"
    assert main(["analyse", "--db", str(path)]) == 5
    assert "lancez d'abord « ventes init »" in capsys.readouterr().err
    assert not path.exists()


def test_not_a_database_is_refused_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("mes notes\n", encoding="utf-8")
    assert main(["init", "--db", str(path)]) == 5
    assert "n'est pas une base SQLite" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "mes notes\n"
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert main(["init", "--db", str(other)]) == 5
    assert "d'une autre application" in capsys.readouterr().err
    assert query(other, "SELECT name FROM sqlite_master") == [("t",)]


def test_run_prints_the_summary_and_the_results(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES)
    assert main(["run", "--db", str(db_path), *_urls(server)]) == 0
    out = capsys.readouterr().out
    assert "Import n° 1 terminé" in out
    assert "Ventes en base : 2 (+2)." in out
    assert "Chiffre d'affaires total : 309,92\u00a0€" in out  # 5 × 49.99 + 3 × 19.99
    assert "Ventes par région" in out and "Île-de-France" in out
    assert main(["run", "--db", str(db_path), *_urls(server)]) == 0
    out = capsys.readouterr().out
    assert "Ventes en base : 2 (+0)." in out
    assert "ventes (ajouts seuls)" in out  # the fast path, shown in the summary


def test_run_json_prints_only_json(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES)
    assert main(["run", "--json", "--db", str(db_path), *_urls(server)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["chiffre_affaires_total"] == 309.92
    assert doc["nombre_ventes"] == 2


def test_run_json_still_reports_warnings_on_stderr(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES)
    assert main(["run", "--json", "--db", str(db_path), *_urls(server)]) == 0
    capsys.readouterr()
    # one sale vanishes from the source: it is kept, and the user must be told
    server.files["ventes"] = ventes_csv([("2023-05-27", "REF001", 1, 5)]).encode()
    assert main(["run", "--json", "--db", str(db_path), *_urls(server)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["nombre_ventes"] == 2
    assert "1 vente de la base ne figure plus dans le fichier des ventes" in captured.err


def test_usage_errors_are_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "commandes" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["exporter"])
    assert info.value.code == 2
    assert "choix invalide" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["import", "--inconnue"])
    assert info.value.code == 2
    assert "arguments inconnus" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "Utilisation : ventes" in out and "afficher cette aide et quitter" in out


# --- the real command, as a subprocess ------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}
    env.update(extra)
    return env


def test_ventes_command_as_a_subprocess(server: FileServer, tmp_path: Path) -> None:
    assert VENTES_BIN.is_file(), f"{VENTES_BIN} missing: install the project in its venv"
    publish(server, ventes=VENTES)
    path = tmp_path / "v.db"
    env = _env(VENTES_DB=str(path), VENTES_PAUSE="0.01")
    done = subprocess.run(
        [str(VENTES_BIN), "run", *_urls(server)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Chiffre d'affaires total : 309,92\u00a0€" in done.stdout
    assert stored_sales(path).total() == 2
    # a 404: exit code 3, one French sentence on stderr, nothing on stdout
    del server.files["magasins"]
    failed = subprocess.run(
        [str(VENTES_BIN), "import", *_urls(server)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 3
    assert failed.stdout == ""
    assert failed.stderr.startswith("ventes : erreur : Le serveur a refusé « magasins » : ")
    assert "erreur HTTP 404" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert query(path, "SELECT count(*) FROM import_runs") == [(1,)]


@pytest.mark.parametrize("command", ["analyse", "init"])  # long output, then short output
def test_output_closed_early_is_not_an_unexpected_error(
    server: FileServer, tmp_path: Path, command: str
) -> None:
    """`ventes analyse | head -1`: the reader leaves early; no traceback, no 'erreur inattendue'."""
    publish(server, ventes=VENTES)
    path = tmp_path / "v.db"
    assert main(["import", "--db", str(path), *_urls(server)]) == 0
    proc = subprocess.Popen(
        [str(VENTES_BIN), command, "--db", str(path)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes anything
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, like other commands
    assert err == ""
    # the work itself was done and stored
    runs = 1 if command == "analyse" else 0
    assert query(path, "SELECT count(*) FROM analysis_runs") == [(runs,)]


def test_interrupted_import_exits_130_and_changes_nothing(
    server: FileServer, tmp_path: Path
) -> None:
    publish(server, ventes=VENTES)
    path = tmp_path / "v.db"
    assert main(["import", "--db", str(path), *_urls(server)]) == 0
    before = dump(path)
    gate = threading.Event()  # the body stops after its first byte until the gate opens
    server.behaviours["ventes"] = gated(VENTES.encode() * 50, gate)
    server.requests.clear()
    # SIGINT at its default in the child even when pytest runs with it ignored (cmd &)
    with sigint_default():
        proc = subprocess.Popen(
            [str(VENTES_BIN), "import", "--db", str(path), *_urls(server)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while not any(p == "/ventes" for _m, p, _h in server.requests):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)  # the download is in flight, held by the gate
        out, err = proc.communicate(timeout=60)
    finally:
        gate.set()
    assert "Import n°" not in out
    assert proc.returncode == 130, err
    assert "interrompu" in err and "Traceback" not in err
    assert dump(path) == before


def test_a_full_disk_during_the_import_is_a_clear_error_and_changes_nothing(
    server: FileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SQLite can no longer grow the base in the middle of the sales' INSERTs (a full disk;
    here SQLite's own size limit, PRAGMA max_page_count, gives the same SQLITE_FULL): the
    import says so in French, exits non-zero and leaves the base as it was. SQLite may roll
    the transaction back itself then (a statement without statement journal): a second
    ROLLBACK must not hide the cause behind "no transaction is active"."""
    publish(server, ventes=VENTES)
    path = tmp_path / "v.db"
    assert main(["import", "--db", str(path), *_urls(server)]) == 0
    before = dump(path)
    sales = [
        (f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "REF001", 1 + i % 2, 1 + i) for i in range(3000)
    ]
    publish(server, ventes=ventes_csv(sales))
    conn = sqlite3.connect(path)
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.close()
    connect = db.connect

    def connect_to_a_full_disk(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute(f"PRAGMA max_page_count = {pages + 4}")
        return conn

    monkeypatch.setattr(db, "connect", connect_to_a_full_disk)
    capsys.readouterr()
    assert main(["import", "--db", str(path), *_urls(server)]) == 5
    err = capsys.readouterr().err
    assert "disque plein" in err and "inchangée" in err, err
    assert dump(path) == before
    monkeypatch.undo()  # room again: the same import goes through
    assert main(["import", "--db", str(path), *_urls(server)]) == 0
    assert sum(stored_sales(path).values()) == 2 + 3000


def test_progress_display_on_request(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(server, ventes=VENTES)
    assert main(["import", "--progression", "--db", str(db_path), *_urls(server)]) == 0
    err = capsys.readouterr().err
    assert "Téléchargement de produits" in err
    assert err.endswith("\r\033[K")  # the progress line is erased at the end
    assert main(["import", "--no-progression", "--db", str(db_path), *_urls(server)]) == 0
    assert capsys.readouterr().err == ""


def test_python_m_ventes_pme(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ventes_pme", "--version"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("ventes-pme ")


def test_the_command_runs_with_the_collector_on_and_ends_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``ventes`` (``__main__.run``) turns the cycle collector off only while it imports
    its modules, and freezes what is left once the command is done: a command that ran
    without it (``ventes watch``, for days) would keep every cycle it made."""
    from ventes_pme import __main__ as entry
    from ventes_pme import cli

    seen: list[bool] = []

    def command() -> int:
        seen.append(gc.isenabled())
        return 7

    monkeypatch.setattr(cli, "main", command)
    assert gc.get_freeze_count() == 0
    try:
        assert entry.run() == 7
        assert seen == [True] and gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


# --- user mistakes on the command line: a French refusal, never "erreur inattendue" --------


def _refused(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 2) -> str:
    """Run ``ventes *args``: exit ``code``, a French message, no English errno text."""
    capsys.readouterr()
    assert main(args) == code, capsys.readouterr().err
    err = capsys.readouterr().err
    assert err.startswith("ventes : erreur : "), err
    assert "inattendue" not in err and "Errno" not in err and "Traceback" not in err, err
    assert not any(word in err for word in ("File exists", "Not a directory", "too large")), err
    return err


@pytest.fixture
def analysed(server: FileServer, tmp_path: Path) -> Path:
    """A database with one import and one analysis."""
    path = tmp_path / "v.db"
    publish(server, ventes=VENTES)
    assert main(["run", "--db", str(path), *_urls(server)]) == 0
    return path


@pytest.mark.hostile
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_a_report_folder_that_is_a_file_is_refused(
    analysed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    folder = taken if where == "a file" else taken / "rapport"
    err = _refused(capsys, ["rapport", "--db", str(analysed), "--sortie", str(folder)])
    assert "--sortie" in err and f"« {taken} »" in err and "pas un dossier" in err, err
    assert taken.read_text() == "not a folder"


@pytest.mark.hostile
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_a_generated_data_folder_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    folder = taken if where == "a file" else taken / "donnees"
    err = _refused(capsys, ["generer", str(folder), "-n", "10"])
    assert f"« {taken} »" in err and "pas un dossier" in err, err
    assert taken.read_text() == "not a folder"


@pytest.mark.hostile
@pytest.mark.parametrize(
    "args",
    [
        ["-n", "99999999999999999999"],
        ["-n", "-5"],
        ["--produits", "99999999999999999999"],
        ["--magasins", "0"],
        ["--jours", "-1"],
        ["--jours", "0"],
        ["--jours", "99999999999"],
        ["--debut", "9999-12-31"],
        ["--debut", "0001-01-01"],
        ["--debut", "2100-12-30", "--jours", "5"],
        ["--identiques", "nan"],
    ],
    ids=" ".join,
)
def test_generate_numbers_out_of_bounds_are_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Refused at once (a typing error must not fill the disk for hours), nothing written."""
    folder = tmp_path / "donnees"
    err = _refused(capsys, ["generer", str(folder), *args])
    assert args[0] in err, err
    assert not folder.exists()


@pytest.mark.hostile
@pytest.mark.parametrize("number", ["99999999999999999999", "0", "-5"])
def test_an_import_number_out_of_bounds_is_refused(
    analysed: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    err = _refused(capsys, ["profil", "--db", str(analysed), "--import", number])
    assert "--import" in err, err


@pytest.mark.hostile
@pytest.mark.parametrize("command", ["init", "import", "run"])
def test_a_database_under_a_file_is_refused(
    server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    urls = [] if command == "init" else _urls(server)
    publish(server, ventes=VENTES)
    err = _refused(capsys, [command, "--db", str(taken / "v.db"), *urls], code=5)
    assert f"« {taken} »" in err and "pas un dossier" in err, err
    assert server.requests == []


def test_the_orders_of_generer_are_the_generators() -> None:
    """``ventes generer --ordre`` names its choices without importing the generator (the
    command line starts lean): they must be the generator's own."""
    from ventes_pme import generate
    from ventes_pme.cli.commands import generate as command

    assert command.ORDRES == generate.ORDERS


def test_every_command_has_its_module() -> None:
    """Each command's parser comes from its own module, and each module's handler runs it:
    ``ventes --help`` lists exactly the commands of :data:`COMMANDS`, in their order."""
    from ventes_pme.cli import build_parser
    from ventes_pme.cli.commands import COMMANDS

    parser = build_parser()
    (subcommands,) = (a for a in parser._actions if a.dest == "command")
    assert list(subcommands.choices or ()) == list(COMMANDS)
    assert list(COMMANDS) == [
        "init", "import", "analyse", "run", "watch", "schema", "rapport", "generer", "profil"
    ]  # fmt: skip
