"""Settings a run cannot use are refused at once, in French, before any download (exit 2),
and a database path or file SQLite cannot write is refused at once (exit 5)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.procs import environment, run, ventes
from tests.support import make_settings, publish, ventes_csv
from ventes_pme import api
from ventes_pme.config import Settings
from ventes_pme.errors import ConfigError, DatabaseError

VENTES = ventes_csv([("2023-05-27", "REF001", 1, 5)])


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1"])
@pytest.mark.parametrize(
    "var", ["VENTES_INTERVALLE", "VENTES_ATTENTE_VERROU", "VENTES_TIMEOUT", "VENTES_DUREE_MAX"]
)
def test_non_finite_durations_are_refused(var: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.load({}, env={var: value})
    assert info.value.exit_code == 2
    assert var in info.value.message


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_watch_interval_nan_or_inf_on_the_command_line_exits_2(tmp_path: Path, value: str) -> None:
    """`--interval nan` passed the "> 0" check, and the watcher looped without a pause."""
    result = run(ventes("watch", "--interval", value, "--cycles", "1"), environment(None, tmp_path))
    assert result.returncode == 2, result.stderr
    assert "--interval ou VENTES_INTERVALLE" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("var", ["VENTES_INTERVALLE", "VENTES_ATTENTE_VERROU", "VENTES_TIMEOUT"])
def test_infinite_settings_exit_2_not_70(server: FileServer, tmp_path: Path, var: str) -> None:
    publish(server, ventes=VENTES)
    db = tmp_path / "v.db"
    result = run(ventes("run"), environment(server, db, **{var: "inf"}))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ventes : erreur : Valeur invalide pour")
    assert server.requests == [] and not db.exists()


def _bad_tables(tmp_path: Path) -> dict[str, Path]:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("ville,region\nSète,Occitanie\n".encode("cp1252"))
    folder = tmp_path / "dossier"
    folder.mkdir()
    columns = tmp_path / "colonnes.csv"
    columns.write_text("city,area\nParis,IDF\n", encoding="utf-8")
    return {
        "missing": tmp_path / "absente.csv",
        "directory": folder,
        "badly encoded": latin1,
        "wrong columns": columns,
    }


@pytest.mark.parametrize("case", ["missing", "directory", "badly encoded", "wrong columns"])
def test_a_bad_region_table_is_refused_before_any_download(
    server: FileServer, tmp_path: Path, case: str
) -> None:
    publish(server, ventes=VENTES)
    table = _bad_tables(tmp_path)[case]
    db = tmp_path / "v.db"
    for command in ("run", "import", "watch"):
        result = run(ventes(command), environment(server, db, VENTES_REGIONS=str(table)))
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.startswith("ventes : erreur : La table des régions"), result.stderr
        assert "VENTES_REGIONS" in result.stderr
        assert server.requests == []  # checked before any network access
        assert not db.exists()


@pytest.mark.parametrize("command", ["run", "import", "init", "analyse", "watch"])
def test_a_device_as_database_is_refused_at_once(server: FileServer, command: str) -> None:
    """`--db /dev/null` waited for the whole lock timeout, then said "database is locked"."""
    publish(server, ventes=VENTES)
    env = environment(server, Path(os.devnull), VENTES_ATTENTE_VERROU="30")
    result = run(ventes(command), env, timeout=20)
    assert result.returncode == 5, result.stderr
    assert "n'est pas un fichier ordinaire" in result.stderr
    assert server.requests == []


def test_settings_load_converts_text_like_the_environment(tmp_path: Path) -> None:
    """The README's example: ``Settings.load({"db_path": "data/ventes.db"})`` kept a str."""
    settings = Settings.load(
        {
            "db_path": str(tmp_path / "v.db"),
            "timeout": "7.5",
            "attempts": "4",
            "allowed_schemes": "HTTPS, file",
            "progress": "non",
            "watch_interval": 60,
            "regions_path": str(tmp_path / "r.csv"),
        },
        env={},
    )
    assert settings.db_path == tmp_path / "v.db" and isinstance(settings.db_path, Path)
    assert (settings.timeout, settings.attempts, settings.progress) == (7.5, 4, False)
    assert settings.allowed_schemes == ("https", "file")
    assert settings.watch_interval == 60.0 and isinstance(settings.watch_interval, float)
    assert settings.regions_path == tmp_path / "r.csv"
    assert api.init(settings).db_path == tmp_path / "v.db"  # AttributeError before
    for bad in ({"timeout": "vite"}, {"attempts": 2.5}, {"dbpath": "x.db"}, {"timeout": "nan"}):
        with pytest.raises(ConfigError):
            Settings.load(bad, env={})


def _unable_to_override_modes(
    args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` bound by file modes, as every user but root is.

    Root writes a file whatever its mode through one capability, CAP_DAC_OVERRIDE: when the
    tests run as root, the command runs without it (``setpriv``, util-linux), still as
    root. It keeps CAP_DAC_READ_SEARCH, so it reads the interpreter, the virtual
    environment and the project wherever they are, even in a folder other users cannot
    enter (a clone under ``/root`` or in a ``mktemp -d`` folder).
    """
    if os.geteuid() != 0:
        return run(args, env)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("tests run as root, setpriv (util-linux) missing: cannot drop CAP_DAC_OVERRIDE")
    drop = [setpriv, "--inh-caps=-dac_override", "--bounding-set=-dac_override"]
    return run([*drop, *args], env)


@pytest.mark.parametrize("command", ["import", "run", "analyse"])
def test_a_read_only_database_is_refused_clearly(
    server: FileServer, tmp_path: Path, command: str
) -> None:
    publish(server, ventes=VENTES)
    db = tmp_path / "v.db"
    api.run(make_settings(server, db))
    db.chmod(0o444)
    before = db.read_bytes()
    env = environment(server, db)
    # the premise: the command's user may read the file, and not write it
    probe = _unable_to_override_modes(
        [
            sys.executable,
            "-c",
            "import sys; open(sys.argv[1], 'rb').close(); open(sys.argv[1], 'r+b')",
            str(db),
        ],
        env,
    )
    assert probe.returncode == 1 and "PermissionError" in probe.stderr, probe.stderr
    result = _unable_to_override_modes(ventes(command), env)
    assert result.returncode == 5, result.stderr
    assert "est en lecture seule" in result.stderr
    assert "Traceback" not in result.stderr and "erreur inattendue" not in result.stderr
    assert db.read_bytes() == before


def test_a_path_that_cannot_be_a_database_is_refused_by_the_api(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="n'est pas un fichier ordinaire"):
        api.init(Settings.load({"db_path": os.devnull, "lock_timeout": 30}, env={}))
