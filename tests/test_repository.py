"""The repository is self-contained and small: a user's clone has no sibling folder of shared data,
no downloaded package and no large file other than declared data."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from tests.support import CLIENT_DATA, ROOT

#: the sibling folder of this workplace (spelled in two parts so this file does not name it)
SIBLING = ".." + "/shared"
#: the only use of it allowed: CI's preparation of a Docker engine
ALLOWED = re.compile(re.escape(SIBLING + "/tools/docker-offline.sh"))
FORBIDDEN = re.compile(re.escape(SIBLING) + r"\b|shared/" + "client-data")


#: largest size of a tracked file, in bytes (.ci/run checks the same limit before anything else)
MAX_FILE_SIZE = 1_000_000
#: the declaration of the tracked files allowed over ``MAX_FILE_SIZE``
LARGE_DATA_LIST = ROOT / ".ci" / "large-data"


def large_data() -> set[str]:
    """The paths declared in ``LARGE_DATA_LIST`` (comments and blank lines aside)."""
    lines = LARGE_DATA_LIST.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def tracked_files() -> list[str]:
    """Every file of git's index (a file deleted from the work tree but still tracked included)."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name.decode() for name in out.stdout.split(b"\0") if name]


def test_no_tracked_file_over_one_megabyte_outside_declared_data() -> None:
    too_large = [
        f"{name}: {size} octets"
        for name in tracked_files()
        if (path := ROOT / name).is_file()
        and (size := path.stat().st_size) > MAX_FILE_SIZE
        and name not in large_data()
    ]
    assert too_large == [], f"tracked files over 1 MB not declared in {LARGE_DATA_LIST}"


def test_no_tracked_package_or_archive() -> None:
    packaged = [
        name
        for name in tracked_files()
        if name.endswith((".whl", ".tar.gz", ".zip", ".egg", ".deb", ".tgz"))
    ]
    assert packaged == []


def test_declared_large_data_is_tracked() -> None:
    assert sorted(large_data() - set(tracked_files())) == []


def test_ci_refuses_a_large_file_before_installing_anything() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    check = ci.index("git ls-files")
    assert check < ci.index("apt-get"), "the size check runs first"
    assert f"max={MAX_FILE_SIZE}" in ci and ".ci/large-data" in ci


def test_no_tracked_file_reads_outside_the_repository() -> None:
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(ALLOWED.sub("", line)):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_client_snapshot_is_in_the_repository() -> None:
    for name in ("produits", "magasins", "ventes"):
        content = (CLIENT_DATA / f"{name}.csv").read_bytes()
        assert content.count(b"\n") >= 5, name
    assert (CLIENT_DATA / "README.md").is_file()


def imported_modules(path: Path) -> set[str]:
    """The modules a Python file imports (``from tests import x`` gives ``tests.x``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            prefix = base if base.endswith(".") else base + "."
            names.update(prefix + alias.name for alias in node.names)
    return names


def test_tests_import_helpers_from_support_modules_only() -> None:
    """A test module imports nothing from another test module: shared helpers live in
    support modules (tests/support.py, tests/httpserver.py, tests/*_support.py…)."""
    offenders = {
        path.name: sorted(name for name in imported_modules(path) if TEST_MODULE.search(name))
        for path in sorted((ROOT / "tests").glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


#: the name of a test module, imported absolutely (``tests.test_x``) or relatively (``.test_x``)
TEST_MODULE = re.compile(r"(^|\.)test_\w+$|(^|\.)test_\w+\.")


def test_an_import_from_a_test_module_is_found(tmp_path: Path) -> None:
    source = tmp_path / "test_example.py"
    source.write_text(
        "from tests.test_scale import expected\nfrom . import test_generated\n"
        "import tests.test_cli\nfrom tests.support import ROOT\n"
    )
    found = {name for name in imported_modules(source) if TEST_MODULE.search(name)}
    assert found == {
        "tests.test_scale",
        "tests.test_scale.expected",
        ".test_generated",
        "tests.test_cli",
    }


# --- the package's modules form layers: no import cycle ---------------------------------------


def package_imports(root: Path) -> dict[str, set[str]]:
    """Each module of the package under ``root`` (``src``-like) and the package modules it
    imports, at its top or inside a function alike (a deferred import is still a
    dependency: it only moves the cycle to run time)."""
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` depends on that module, not on the package
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.append(sub if sub in modules else node.module)
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or not (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    """Stages and layers import downwards only (the API never imports the watcher built on
    it, the database layer never the analyses' catalogue above it)."""
    assert cycles(package_imports(ROOT / "src")) == []


def test_an_import_cycle_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    import pkg.a\n")
    assert cycles(package_imports(tmp_path)) == [["pkg.a", "pkg.b"]]
