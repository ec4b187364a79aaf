"""The wheel holds the product only: the package, its SQL, declarations and data files,
never the development tools (tools/, tests/, bench/) nor a browser or docs generator."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools writes build/ beside the sources
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "-w", str(out), "--no-deps", "-q"],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("ventes_pme-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_holds_no_development_tooling(wheel_files: list[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_files}
    assert {t for t in top if not t.endswith(".dist-info")} == {"ventes_pme"}
    names = {Path(name).name for name in wheel_files}
    for tool in ("deliverables.py", "chromium.py", "browser.py", "conftest.py", "baselines.py"):
        assert tool not in names, tool
    # everything the package reads at run time is in it
    shipped = set(wheel_files)
    for spec in Path(ROOT / "src" / "ventes_pme" / "sql" / "analyses").iterdir():
        assert f"ventes_pme/sql/analyses/{spec.name}" in shipped
    for data in ("report/rapport.css", "report/france.csv", "data/villes_regions.csv"):
        assert f"ventes_pme/{data}" in shipped
    # the dashboard's canned queries and its Datasette plugin (loaded by Datasette only)
    for query in Path(ROOT / "src" / "ventes_pme" / "sql" / "tableau").glob("*.sql"):
        assert f"ventes_pme/sql/tableau/{query.name}" in shipped
    assert "ventes_pme/tableau_plugins/rapport.py" in shipped


def test_the_command_imports_the_analyse_stage_only_where_it_runs() -> None:
    """Every ``ventes import`` (and each cycle of ``ventes watch``) starts a Python: the
    analyses, their declarations and the TOML parser are imported by the commands that
    analyse, not by the others."""
    stage = ("ventes_pme.analyse", "ventes_pme.catalog", "tomllib")
    code = f"import sys, ventes_pme.cli; print([m for m in {stage!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_package_imports_no_development_tool() -> None:
    """Every module of the package in a fresh interpreter: no tool, no browser library, no
    Datasette (imported by ``tableau.main`` only, in the ``tableau`` image). The plugin of
    ``tableau_plugins/`` is not a module of the package: Datasette loads it from its folder."""
    package = ROOT / "src" / "ventes_pme"
    modules = sorted(
        ".".join(p.relative_to(ROOT / "src").with_suffix("").parts)
        for p in package.rglob("*.py")
        if p.name != "__main__.py" and package / "tableau_plugins" not in p.parents
    )
    assert "ventes_pme.tableau" in modules
    code = (
        f"import sys\nfor m in {modules!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tools', 'playwright', 'tests', 'bench', 'datasette')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


#: what importing a module must not do: read a data file, open a database, reach the network
#: or start a process (audit events, https://docs.python.org/3/library/audit_events.html)
_WORK_AT_IMPORT = """\
import sys
from pathlib import Path

package = Path(sys.argv[1])
done = []


def hook(event, args):
    if event == "open":
        path = Path(str(args[0]))
        if path.suffix not in (".py", ".pyc") and package in path.parents:
            done.append(f"{event} {path.relative_to(package)}")
    elif event in ("sqlite3.connect", "socket.connect", "subprocess.Popen", "os.system"):
        done.append(f"{event} {args[0]!r}")


sys.addaudithook(hook)
module = sys.argv[2]
__import__(module)
for line in done:
    print(line)
"""


def package_modules() -> list[str]:
    """Every module of the package, its subpackages included (``__main__`` modules aside:
    running is their job)."""
    package = ROOT / "src" / "ventes_pme"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT / "src").with_suffix("").parts
        if parts[-1] == "__main__" or "tableau_plugins" in parts:
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("module", package_modules())
def test_importing_a_module_does_no_work(module: str) -> None:
    """A module does its work when called, not when imported: importing it alone, in a
    fresh interpreter, reads none of the package's files (SQL, declarations, data), opens
    no database, reaches no network and starts no process. A declaration that cannot be
    read then breaks the commands that read it, not every import of the package."""
    package = ROOT / "src" / "ventes_pme"
    done = subprocess.run(
        [sys.executable, "-c", _WORK_AT_IMPORT, str(package), module],
        capture_output=True,
        text=True,
        check=True,
    )
    work = done.stdout.splitlines()
    assert work == [], module
