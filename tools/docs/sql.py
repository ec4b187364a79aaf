"""The index of the SQL files shipped with the package: docs/sql.md."""

from __future__ import annotations

from pathlib import Path

from tools.docs.common import ROOT, replace_block
from ventes_pme import catalog, tableau

SQL_FOLDERS = {
    "migrations": "le schéma, en migrations numérotées",
    "analyses": "une analyse par fichier SQL, avec sa déclaration `.toml`, exécutées dans l'ordre",
    "load": "l'import : tables de transit, règle anti-doublon, mises à jour, journal",
    "aggregates": "les agrégats de ventes, tenus à jour par chaque import",
    "profile": "le profil des données, calculé à chaque import",
    "runs": "les exécutions d'analyse",
    "tableau": "les requêtes enregistrées du tableau de bord (service `tableau`, Datasette)",
    "watch": "l'import continu (`ventes watch`)",
}

#: what each SQL file does, in French (the comments of the files are in English); an
#: analysis is described by its declaration instead, a canned query of the dashboard by its
#: own French header
SQL_DESCRIPTIONS = {
    "aggregates/add_sales_by_day_store": "Les ventes d'un import, ajoutées à l'agrégat par "
    "jour et magasin.",
    "aggregates/add_sales_by_product_store": "Les ventes d'un import, ajoutées à l'agrégat "
    "par produit et magasin.",
    "aggregates/add_to_day_store": "De nouvelles ventes ajoutées à une ligne de l'agrégat "
    "par jour et magasin.",
    "aggregates/add_to_product_store": "De nouvelles ventes ajoutées à une ligne de l'agrégat "
    "par produit et magasin.",
    "load/count_identical_sales": "Le nombre de ventes en base identiques à une ligne (son "
    "rang, la règle anti-doublon, en découle).",
    "load/identical_sales_of_date": "Les groupes de ventes identiques qu'une date compte en "
    "base, avec leur nombre : le rang des lignes ajoutées de cette date en découle, sans "
    "une question par groupe.",
    "load/latest_sale_date": "La date la plus récente des ventes en base : les lignes "
    "ajoutées d'une date postérieure n'ont aucune vente identique en base.",
    "load/sale_import": "L'import qui a enregistré une vente, retrouvée par sa clé (après "
    "une relecture complète, pour n'ajouter aux agrégats que les ventes insérées).",
    "load/insert_new_sales": "Insère les ventes en transit que la base n'a pas encore (règle "
    "anti-doublon : contenu et rang).",
    "load/insert_sale": "Insère une vente que l'on sait nouvelle, dans l'ordre du fichier "
    "(chemin direct de l'import).",
    "load/previous_sales_file": "Le fichier des ventes du dernier import, et les fichiers de "
    "référence vus avec lui.",
    "load/record_file": "Journal : un fichier téléchargé par un import, avec ses compteurs.",
    "load/record_reject": "Une ligne rejetée, gardée une seule fois : son contenu et son rang "
    "parmi les lignes rejetées identiques.",
    "load/rejects_before_line": "Les lignes rejetées identiques déjà enregistrées au-dessus "
    "d'une ligne : d'où reprend leur rang.",
    "load/resolve_rejects": "Après une lecture complète d'un fichier : ses lignes rejetées que "
    "l'import n'a plus rencontrées ne sont plus des rejets (devenues valides, ou sorties du "
    "fichier) : elles sont marquées résolues.",
    "load/stage_sales": "Les lignes valides du fichier des ventes en cours d'import, dans "
    "l'ordre du fichier.",
    "load/stored_products": "Les produits en base, clé d'abord, puis ce qu'un fichier de "
    "produits peut changer.",
    "load/stored_stores": "Les magasins en base, clé d'abord, puis ce qu'un fichier de "
    "magasins peut changer.",
    "load/touch_rejects": "Ré-import des seules lignes ajoutées : les lignes rejetées au-dessus "
    "sont toujours là, vues aussi par cet import.",
    "load/upsert_product": "Un produit du fichier : inséré s'il est nouveau, mis à jour sinon.",
    "load/upsert_store": "Un magasin du fichier : inséré s'il est nouveau, mis à jour sinon.",
    "migrations/0001_schema": "Le schéma complet : produits, magasins, ventes, rejets, "
    "journal des imports, analyses et leurs résultats, vues latest_*.",
    "migrations/0002_sales_aggregates": "Les agrégats de ventes persistants (jour × magasin, "
    "produit × magasin).",
    "migrations/0003_rejects_by_content": "Une ligne rejetée est identifiée par son contenu "
    "et son rang, comme une vente.",
    "migrations/0004_store_regions_view": "La région de chaque magasin en vue (plus de table "
    "temporaire cachée) et la vue derniere_analyse, en français.",
    "migrations/0005_data_profile": "Le profil des données de chaque import (`ventes "
    "profil`) : fichiers, colonnes, valeurs fréquentes, vue profile_history, et les comptes "
    "d'où reprend le profil après un ajout.",
    "migrations/0006_rejects_resolved_and_stock_problem": "Un rejet devenu valide (ou sorti "
    "du fichier) est marqué résolu ; un produit au stock inutilisable est gardé, avec le "
    "motif du problème.",
    "profile/identical_sales": "Les ventes identiques parmi les ventes en base : une vente "
    "de rang k > 1 répète une ligne précédente.",
    "load/check_references": "Les références écrites par l'import (produit et magasin de "
    "chaque vente, via les agrégats ; les autres tables via PRAGMA foreign_key_check), "
    "vérifiées une fois avant le COMMIT.",
    "profile/previous_identical_sales": "Les ventes identiques comptées par le profil de "
    "l'import précédent, quand elles décrivent encore toutes les ventes en base : l'import "
    "y ajoute celles qu'il a insérées, sans relire des millions de ventes.",
    "profile/saved_scan": "Les comptes du profil enregistrés par l'import précédent, d'où "
    "reprend le profil quand l'import ne lit que les lignes ajoutées au fichier des ventes.",
    "profile/without_sales": "Couverture des références : les produits et les magasins en "
    "base sans aucune vente.",
    "runs/new_analysis_run": "Une nouvelle exécution d'analyse : sa date, le nombre de ventes "
    "couvertes, leur période.",
    "watch/analysis_is_stale": "Si la dernière analyse manque une vente en base ou un "
    "changement de produit ou de magasin : `ventes watch` relance alors les analyses.",
    "watch/previous_files": "Les fichiers du dernier import : ce à quoi `ventes watch` "
    "compare la source.",
}


def sql_description(folder: str, stem: str) -> str:
    """The French description of ``sql/<folder>/<stem>.sql`` (KeyError when missing)."""
    if folder == "analyses":
        spec = next(s for s in catalog.specs() if s.file == stem)
        return (
            f"{spec.title} (déclaration [`{stem}.toml`](../src/ventes_pme/sql/analyses/"
            f"{stem}.toml)) : table `{spec.table}`, vue `{spec.view}`."
        )
    if folder == "tableau":  # a canned query opens with its French title and description
        query = tableau.canned_queries()[stem.partition("_")[2]]
        return f"Requête enregistrée « {query['title']} » : {query['description']}"
    return SQL_DESCRIPTIONS[f"{folder}/{stem}"]


def sql_index() -> str:
    """A Markdown table of every shipped .sql file and what it does, in French."""
    base = ROOT / "src" / "ventes_pme" / "sql"
    lines = ["| dossier | fichier | rôle |", "|---|---|---|"]
    for folder in sorted(p.name for p in base.iterdir() if p.is_dir()):
        for path in sorted((base / folder).glob("*.sql")):
            link = f"[`{path.name}`](../src/ventes_pme/sql/{folder}/{path.name})"
            role = f" ({SQL_FOLDERS[folder]})" if folder in SQL_FOLDERS else ""
            lines.append(f"| `{folder}/`{role} | {link} | {sql_description(folder, path.stem)} |")
    return "\n".join(lines) + "\n"


def files(docs: Path) -> dict[Path, str]:
    sql_doc = docs / "sql.md"
    return {sql_doc: replace_block(sql_doc.read_text("utf-8"), "fichiers-sql", sql_index())}
