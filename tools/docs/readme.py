"""The generated parts of README.md: the package's modules and the folders of its SQL.

Each module is described by the first line of its docstring, written in French for this
table (the rest of a docstring, for developers, is in English); each folder of
``sql/`` by :data:`tools.docs.sql.SQL_FOLDERS`, as in docs/sql.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tools.docs.common import replace_block
from tools.docs.sql import folder_description

#: the package, relative to the repository (the README's links start there)
PACKAGE = Path("src") / "ventes_pme"


def summary(path: Path) -> str:
    """The first line of the module docstring of ``path`` (ValueError when it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text("utf-8"), str(path)))
    if not doc:
        raise ValueError(f"{path}: no module docstring (its first line goes to the README)")
    return doc.splitlines()[0].strip()


def module_names(root: Path) -> list[str]:
    """Every module of the package, as a path inside it (``report/`` for a subpackage),
    the package's own ``__init__.py`` aside."""
    package = root / PACKAGE
    names = []
    for path in sorted(package.rglob("*.py")):
        inside = path.relative_to(package)
        if inside == Path("__init__.py"):
            continue
        names.append(f"{inside.parent}/" if inside.name == "__init__.py" else inside.as_posix())
    return names


def sql_folders(root: Path) -> list[str]:
    return sorted(p.name for p in (root / PACKAGE / "sql").iterdir() if p.is_dir())


def modules_table(root: Path) -> str:
    """The Markdown table of the modules, then the list of the SQL folders."""
    lines = ["| module | rôle |", "|---|---|"]
    for name in module_names(root):
        path = root / PACKAGE / (name + "__init__.py" if name.endswith("/") else name)
        lines.append(f"| [`{name}`]({PACKAGE.as_posix()}/{name}) | {summary(path)} |")
    lines += [
        "",
        "Le SQL reste du SQL, livré avec le paquet (chaque fichier : [`docs/sql.md`](docs/sql.md))"
        " :",
        "",
    ]
    for folder in sql_folders(root):
        link = (PACKAGE / "sql" / folder).as_posix() + "/"
        lines.append(f"- [`sql/{folder}/`]({link}) : {folder_description(folder)} ;")
    lines[-1] = lines[-1].removesuffix(" ;") + "."
    return "\n".join(lines) + "\n"


def files(docs: Path) -> dict[Path, str]:
    """README.md's generated block, when ``docs`` is the repository's (not a copy of it)."""
    root = docs.parent
    readme = root / "README.md"
    if not (root / PACKAGE).is_dir() or not readme.is_file():
        return {}
    return {readme: replace_block(readme.read_text("utf-8"), "modules", modules_table(root))}
