"""Hardening, checked statically on the code and the container files, and on real files.

- no shell, no eval in src/; the ``ventes`` package starts no process (the developer
  tools that run ``dot`` and Chromium live in tools/, outside the package);
- SQL is parameterized: every SQL string built at run time is listed below with why it is
  safe (it interpolates only identifiers or numbers from fixed internal lists);
- the database and its WAL files are created readable by their owner only (0600);
- the Compose services run non-root, read-only, without capabilities nor privilege
  escalation, and the images carry no secret (skipped when compose.yaml is absent).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.httpserver import FileServer
from tests.support import ROOT, make_settings, publish
from ventes_pme import api

SRC = ROOT / "src" / "ventes_pme"

FORBIDDEN_MODULES = {"subprocess", "pty", "pickle", "marshal", "shelve", "telnetlib"}
FORBIDDEN_OS = re.compile(r"^(system|popen|exec\w*|spawn\w*|posix_spawn\w*|fork\w*)$")
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}

#: The only modules that start a program: developer tools, outside the package (tools/).
DEV_TOOLS: dict[str, str] = {}
#: The one module of the package that starts a process, and why it is safe (an
#: import reads its files in child processes while the main process writes).
CHILD_PROCESSES = {
    "processes.py": "starts only [sys.executable, '-P', '-c', <its own package's "
    "processes.main>] (a fixed argument list, no shell, nothing from the working "
    "directory), and exchanges pickle / marshal data with that child through "
    "pipes only the two processes hold"
}

#: (module, function) -> why the SQL text it builds at run time is safe.
DYNAMIC_SQL = {
    ("db.py", "connect"): "PRAGMA busy_timeout = <int(lock_timeout * 1000)>",
    ("db.py", "_apply"): "PRAGMA application_id / user_version = <int constants>",
    ("db.py", "page_cache"): "PRAGMA cache_size = <int: the caller's KiB, or the value read "
    "before>",
    ("load/__init__.py", "_count"): "table name: the literal 'sales' passed by the import itself",
    ("analyse.py", "read_analysis"): "table, columns, ORDER BY: identifiers checked by catalog",
    ("profile/store.py", "store"): "column names from the _FILE_COLUMNS / _COLUMN_COLUMNS "
    "constants",
}
#: (module, function, variable) -> where the SQL held by that variable comes from.
SQL_VARIABLES = {
    ("db.py", "_apply", "statement"): "a statement of a shipped migration file",
    ("analyse.py", "run_analyses", "statement"): "a statement of a declared analysis' SQL "
    "file (the package's, or one of a folder named by VENTES_ANALYSES_SUPPLEMENTAIRES)",
    ("load/sales.py", "_insert_parameters", "statement"): "sql/load/insert_sale.sql with its "
    "VALUES row repeated ROWS_PER_INSERT times (sqlfiles.sql_rows): only placeholders added",
    ("aggregates.py", "_upsert", "many"): "sql/aggregates/add_to_*.sql with its VALUES row "
    "repeated ROWS_PER_UPSERT times (sqlfiles.sql_rows): only placeholders are added",
    ("catalog.py", "ensure_objects", "statement"): "DDL from the declarations (identifiers "
    "checked by catalog._spec)",
    ("tableau_plugins/tableau_bord.py", "dashboards_data", "sql"): "a dashboard chart's query, "
    "run only when equal to one of the metadata's (tableau.dashboard_query: shipped SQL "
    "files), the filters bound as parameters",
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield str(path.relative_to(SRC)), ast.parse(path.read_text(encoding="utf-8"))


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Each node with the name of the innermost function around it."""

    def visit(node: ast.AST, name: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            )
            yield inner, child
            yield from visit(child, inner)

    yield from visit(tree, "<module>")


def test_src_makes_no_shell_call_and_the_pipeline_starts_no_process() -> None:
    found = []
    for module, tree in _modules():
        for _function, node in _functions(tree):
            if isinstance(node, ast.Import):
                found += [(module, a.name) for a in node.names if a.name in FORBIDDEN_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module in FORBIDDEN_MODULES:
                found.append((module, node.module))
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                found += [(module, a.name) for a in node.names if FORBIDDEN_OS.match(a.name)]
            elif isinstance(node, ast.Call):
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                    and FORBIDDEN_OS.match(func.attr)
                ):
                    found.append((module, f"os.{func.attr}"))
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
                    found.append((module, func.id))
                found += [(module, "shell=") for k in node.keywords if k.arg == "shell"]
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "subprocess"
                    and func.attr in ("run", "Popen", "call", "check_call", "check_output")
                    and not (node.args and isinstance(node.args[0], ast.List))
                ):
                    found.append((module, f"subprocess.{func.attr} without an argument list"))
    # only processes.py starts a program (our own module), with a fixed argument list
    assert sorted(found) == sorted(
        (m, name) for m in CHILD_PROCESSES for name in ("marshal", "pickle", "subprocess")
    )
    # the scan does see calls: it would catch one
    bad = ast.parse("import os\nos.system('ls')\n")
    assert any(
        isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system" for n in ast.walk(bad)
    )


def test_the_only_process_the_package_starts_is_its_own_module() -> None:
    """The one Popen of the package: this Python, running ventes_pme.processes."""
    tree = ast.parse((SRC / "processes.py").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("Popen", "run", "call", "check_call", "check_output")
    ]
    assert len(calls) == 1
    # this Python, without the working directory on its path, running this package's main
    command = calls[0].args[0]
    assert isinstance(command, ast.List)
    assert [ast.unparse(arg) for arg in command.elts[:3]] == ["sys.executable", "'-P'", "'-c'"]
    boot = ast.literal_eval(command.elts[3])
    assert "from ventes_pme.processes import main" in boot
    from ventes_pme import processes

    assert Path(processes.PACKAGE_ROOT) / "ventes_pme" == Path(processes.__file__).parent


_TRAP = """\
import os, pathlib
pathlib.Path(os.environ["VENTES_TEST_TRAP"]).write_text("run from the working directory")
raise SystemExit(9)
"""


@pytest.mark.hostile
def test_no_code_is_run_from_the_working_directory(
    server: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``ventes_pme`` folder where ``ventes`` is run (a download folder, another checkout's
    ``src/``) is never imported: the child process that reads the files runs the package
    its parent runs, not whatever the working directory holds (CWE-427)."""
    from ventes_pme import processes

    here = tmp_path / "here"
    for module in ("__init__.py", "processes.py", "sales_reader.py", "profile.py"):
        (here / "ventes_pme").mkdir(parents=True, exist_ok=True)
        (here / "ventes_pme" / module).write_text(_TRAP, encoding="utf-8")
    trap = tmp_path / "trapped"
    monkeypatch.setenv("VENTES_TEST_TRAP", str(trap))
    monkeypatch.chdir(here)
    monkeypatch.setattr(processes, "IN_PROCESS_BELOW", 0)  # every file read by a child
    publish(server, ventes="Date,ID Référence produit,Quantité,ID Magasin\n2023-05-01,REF001,2,1\n")
    report = api.import_data(make_settings(server, tmp_path / "ventes.db"))
    assert report.files["ventes"].inserted == 1
    assert not trap.exists()


def test_the_child_runs_the_package_its_parent_runs(tmp_path: Path) -> None:
    """A ``ventes`` run from a checkout that is not installed (here, a copy of the package
    imported from the working directory, site-packages off) starts its child on that same
    copy, never on the installed package: one version of the code per import."""
    import shutil

    checkout = tmp_path / "checkout"
    shutil.copytree(SRC, checkout / "ventes_pme", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "from ventes_pme import processes\n"
        "with processes.Child('du test', divmod, 1) as child:\n"
        "    try:\n"
        "        child.receive()\n"
        "    except processes.ChildError as err:\n"
        "        print(err.message)\n"
    )
    env = {**os.environ, "VENTES_DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # the child ran the function (a TypeError in divmod), from the copy's processes.py
    assert "(TypeError : " in done.stdout, done.stdout + done.stderr
    assert f'File "{checkout / "ventes_pme" / "processes.py"}"' in done.stdout, done.stdout
    assert str(SRC) not in done.stdout


def test_no_subprocess_in_src_text() -> None:
    """The plain-text version of the check above, as the brief states it (grep)."""
    pattern = re.compile(r"\b(subprocess|os\.system|os\.popen|shell\s*=\s*True)\b")
    hits = sorted(
        {
            str(path.relative_to(SRC))
            for path in SRC.rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()
            if pattern.search(line)
        }
    )
    assert hits == sorted([*DEV_TOOLS, *CHILD_PROCESSES])
    shell = re.compile(r"os\.system|os\.popen|shell\s*=\s*True")
    assert not [p for p in SRC.rglob("*.py") if shell.search(p.read_text(encoding="utf-8"))]


def test_sql_is_parameterized() -> None:
    """Every execute() gets a literal, a shipped .sql file, or a listed dynamic text."""
    dynamic, variables, others = set(), set(), []
    for module, tree in _modules():
        for function, node in _functions(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")
            ):
                continue
            assert node.func.attr != "executescript", f"{module}:{function} commits implicitly"
            text = node.args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                continue
            if isinstance(text, ast.Call) and getattr(text.func, "id", None) == "sql":
                continue  # sql("load/...") reads a file shipped in the package
            if isinstance(text, ast.Name):
                variables.add((module, function, text.id))
            elif isinstance(text, ast.JoinedStr | ast.BinOp) or (
                isinstance(text, ast.Call) and getattr(text.func, "attr", None) == "format"
            ):
                dynamic.add((module, function))
            else:
                others.append((module, function, ast.dump(text)))
    assert others == []
    assert dynamic == set(DYNAMIC_SQL), "document each SQL text built at run time"
    assert variables == set(SQL_VARIABLES)


def test_sql_files_use_named_parameters_only() -> None:
    """The shipped .sql files take values as :name parameters, never as text to fill in."""
    for path in (SRC / "sql").rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        assert "{" not in text and "%s" not in text, path


def test_database_files_are_private(
    server: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with a permissive umask, the database and its WAL files are 0600."""
    publish(server, ventes="Date,ID Référence produit,Quantité,ID Magasin\n2023-01-02,REF001,1,1\n")
    db = tmp_path / "sous-dossier" / "ventes.db"
    old = os.umask(0)
    try:
        api.import_data(make_settings(server, db))
        modes = {p.name: p.stat().st_mode & 0o777 for p in db.parent.iterdir() if p.is_file()}
    finally:
        os.umask(old)
    assert modes["ventes.db"] == 0o600
    assert set(modes.values()) == {0o600}, modes  # -wal and -shm too, while they exist


# --- containers: compose.yaml and the Dockerfiles (read, never run, here) -------------------

COMPOSE = ROOT / "compose.yaml"
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE)", re.IGNORECASE)


def _compose() -> dict[str, dict[str, Any]]:
    if not COMPOSE.exists():
        pytest.skip("compose.yaml absent (livré par la partie Docker)")
    yaml = pytest.importorskip("yaml")
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services: dict[str, dict[str, Any]] = document["services"]
    return services


def test_compose_services_are_hardened() -> None:
    services = _compose()
    assert {"db", "etl"} <= set(services)
    for name, service in services.items():
        user = str(service.get("user", ""))
        assert user and user.split(":")[0] not in ("0", "root"), name
        assert service.get("read_only") is True, name
        assert "ALL" in [str(c).upper() for c in service.get("cap_drop", [])], name
        options = [str(o).replace("=", ":") for o in service.get("security_opt", [])]
        assert "no-new-privileges:true" in options, name
        assert not service.get("privileged"), name
        environment = service.get("environment") or {}
        names = (
            environment
            if isinstance(environment, dict)
            else [str(e).split("=")[0] for e in environment]
        )
        assert not [n for n in names if SECRET_NAME.search(str(n))], name


def test_compose_watch_service_runs_the_watcher() -> None:
    services = _compose()
    if "watch" not in services:
        pytest.skip("pas de service watch dans compose.yaml")
    watch = services["watch"]
    assert "watch" in watch.get("profiles", [])
    command = watch.get("command")
    assert command and "watch" in (command if isinstance(command, str) else command[0])


def test_compose_backup_service_takes_its_credentials_from_a_file() -> None:
    """The `sauvegarde` service (Litestream): optional, no published port, the database and
    the replica volumes only, and a remote replica's credentials as a Compose secret (a
    file, read by the service's uid), never as an environment variable."""
    services = _compose()
    if "sauvegarde" not in services:
        pytest.skip("pas de service sauvegarde dans compose.yaml")
    service = services["sauvegarde"]
    assert service.get("profiles") == ["sauvegarde"]
    assert not service.get("ports") and not service.get("expose")
    assert sorted(service.get("volumes", [])) == ["donnees:/data", "sauvegardes:/sauvegardes"]
    assert service.get("secrets") == ["sauvegarde_identifiants"]
    yaml = pytest.importorskip("yaml")
    secrets = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["secrets"]
    placeholder = ROOT / "docker" / "sans-identifiants"
    assert secrets["sauvegarde_identifiants"]["file"].endswith(":-./docker/sans-identifiants}")
    assert placeholder.is_file() and placeholder.stat().st_size == 0


def test_images_run_non_root_and_carry_no_secret() -> None:
    dockerfiles = [p for p in (ROOT / "Dockerfile", *ROOT.glob("docker/*Dockerfile")) if p.exists()]
    if not dockerfiles:
        pytest.skip("pas de Dockerfile (livré par la partie Docker)")
    for path in dockerfiles:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        users = [line.split(None, 1)[1] for line in lines if line.upper().startswith("USER ")]
        assert users, f"{path.name}: no USER"
        assert users[-1].split(":")[0] not in ("0", "root"), path.name
        for line in lines:
            if line.upper().startswith(("ENV ", "ARG ")):
                assert not SECRET_NAME.search(line), f"{path.name}: {line}"
    ignore = ROOT / ".dockerignore"
    if ignore.exists():
        text = ignore.read_text(encoding="utf-8")
        # either everything is excluded by default, or .env files are
        assert text.splitlines()[0:1] == ["*"] or ".env" in text or "\n*\n" in f"\n{text}\n"
