"""The index of the SQL files shipped with the package: docs/sql.md."""

from __future__ import annotations

from pathlib import Path

from tools.docs.common import ROOT, replace_block
from ventes_pme import catalog, tableau

#: the SQL files shipped with the package
SQL = ROOT / "src" / "ventes_pme" / "sql"

#: what each folder of ``sql/`` holds, in French (docs/sql.md and README.md)
SQL_FOLDERS = {
    "migrations": "le schéma, en migrations numérotées",
    "analyses": "une analyse par fichier SQL, avec sa déclaration `.toml`, exécutées dans l'ordre",
    "load": "l'import : tables de transit, règle anti-doublon, mises à jour, journal",
    "aggregates": "les agrégats de ventes, tenus à jour par chaque import",
    "profile": "le profil des données, calculé à chaque import",
    "runs": "les exécutions d'analyse",
    "tableau": "les requêtes enregistrées du tableau de bord qui ne sont pas une analyse (celle "
    "de chaque analyse est faite d'après sa déclaration)",
    "tableau_bord": "les requêtes des tableaux de bord : la période choisie, les magasins et "
    "produits retenus, puis chaque graphique (assemblés par `tableau.dashboard_query`)",
    "watch": "l'import continu (`ventes watch`)",
}


def folder_description(folder: str) -> str:
    if folder not in SQL_FOLDERS:
        raise ValueError(f"sql/{folder}/ is not described in tools.docs.sql.SQL_FOLDERS")
    return SQL_FOLDERS[folder]


def header(path: Path) -> str:
    """The first paragraph of the comment opening ``path``: what the file does, in French
    (the rest of the comment, for developers, is in English)."""
    found: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        text = line.removeprefix("--").strip()
        if not line.startswith("--") or (not text and found):
            break
        if text:
            found.append(text)
    if not found:
        raise ValueError(
            f"{path}: no header comment (its first paragraph, in French, says what it does)"
        )
    return " ".join(found)


def sql_description(folder: str, stem: str) -> str:
    """The French description of ``sql/<folder>/<stem>.sql``: an analysis's from its
    declaration, a canned query's from its title and description, any other's from its
    header comment."""
    if folder == "analyses":
        spec = next(s for s in catalog.specs() if s.file == stem)
        return (
            f"{spec.title} (déclaration [`{stem}.toml`](../src/ventes_pme/sql/analyses/"
            f"{stem}.toml)) : {spec.description} Table `{spec.table}`, vue `{spec.view}`, "
            f"requête enregistrée `{spec.name}`."
        )
    if folder == "tableau":  # a canned query opens with its French title and description
        query = tableau.canned_queries()[stem.partition("_")[2]]
        return f"Requête enregistrée « {query['title']} » : {query['description']}"
    return header(SQL / folder / f"{stem}.sql")


def sql_index() -> str:
    """A Markdown table of every shipped .sql file and what it does, in French."""
    lines = ["| dossier | fichier | rôle |", "|---|---|---|"]
    for folder in sorted(p.name for p in SQL.iterdir() if p.is_dir()):
        role = folder_description(folder)
        for path in sorted((SQL / folder).glob("*.sql")):
            link = f"[`{path.name}`](../src/ventes_pme/sql/{folder}/{path.name})"
            description = sql_description(folder, path.stem)
            lines.append(f"| `{folder}/` ({role}) | {link} | {description} |")
    return "\n".join(lines) + "\n"


def files(docs: Path) -> dict[Path, str]:
    sql_doc = docs / "sql.md"
    return {sql_doc: replace_block(sql_doc.read_text("utf-8"), "fichiers-sql", sql_index())}
