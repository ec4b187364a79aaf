"""The generated parts of README.md: the package's modules and the folders of its SQL, the
dashboard's canned queries and the keys of ``ventes analyse --json`` (from the declarations).

Each module is described by the first line of its docstring, written in French for this
table (the rest of a docstring, for developers, is in English); each folder of
``sql/`` by :data:`tools.docs.sql.SQL_FOLDERS`, as in docs/sql.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tools.docs.common import replace_block
from tools.docs.sql import folder_description
from ventes_pme import catalog, tableau

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
    text = replace_block(readme.read_text("utf-8"), "modules", modules_table(root))
    text = replace_block(text, "requetes-tableau", queries())
    return {readme: replace_block(text, "cles-json", json_keys())}


def queries() -> str:
    """The dashboard's canned queries, by their French titles."""
    titles = [query["title"] for query in tableau.canned_queries().values()]
    return ", ".join(t[:1].lower() + t[1:] for t in titles) + "\n"


def json_keys() -> str:
    """The keys of ``ventes analyse --json`` for the analyses, with their columns."""
    lines = []
    for spec in catalog.tables():
        keys = ", ".join(f"`{c.key}`" for c in spec.columns)
        lines.append(f"- `{spec.name}` ({spec.title[:1].lower() + spec.title[1:]}) : {keys}")
    return "\n".join(lines) + "\n"
