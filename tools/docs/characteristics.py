"""The characteristics of the data set: docs/caracteristiques.md."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tools.docs.results import client_settings
from ventes_pme import api

CHARACTERISTICS_NAME = "caracteristiques.md"


def characteristics(data: Path | dict[str, str]) -> str:
    """docs/caracteristiques.md: the profile of the client's files, computed by a fresh
    import (never written by hand), then what each finding decided in the design."""
    from ventes_pme import fmt
    from ventes_pme.profile import counts, french, stats
    from ventes_pme.validate import MAX_QUANTITY

    with tempfile.TemporaryDirectory(prefix="ventes-docs-") as tmp:
        settings = client_settings(data, Path(tmp) / "ventes.db")
        api.import_data(settings)
        found = api.profile(settings)
    assert found is not None
    f = found.files
    sales, products, stores = f["ventes"], f["produits"], f["magasins"]

    def col(file: stats.FileProfile, key: str) -> stats.ColumnProfile:
        column = file.column(key)
        assert column is not None, key
        return column

    def n(value: int | None, word: str) -> str:
        return french.plural(value, word)

    date, quantity = col(sales, "date"), col(sales, "quantite")
    price, city = col(products, "prix"), col(stores, "ville")
    product_id, store_id = col(products, "id reference produit"), col(stores, "id magasin")
    sale_names = ", ".join(f"`{c.name}`" for c in sales.columns)
    if sales.identical_lines:
        identical = (
            f"{n(sales.identical_lines, 'ligne')} répètent exactement une ligne précédente "
            f"(jusqu'à {sales.max_copies} exemplaires d'une même ligne)"
        )
    else:
        identical = "aucune ligne n'en répète une autre"
    date_key = (
        f" Sur cet extrait, la date est unique ({n(sales.lines, 'vente')}, une par jour) : "
        "c'est un hasard de l'extrait, rien dans le format ne l'assure — un magasin peut "
        "vendre deux fois le même produit le même jour, et une clé sur la date refuserait "
        "la seconde vente."
        if date.is_key
        else ""
    )
    cities = ", ".join(v for v, _ in city.top[:4])
    decisions = [
        (
            f"Le fichier des ventes n'a **aucun identifiant** (colonnes {sale_names}) ; "
            f"{identical}.{date_key}",
            "Une vente est identifiée par son contenu **et son rang** parmi les lignes "
            "identiques (`occurrence`) : clé primaire (date, produit, magasin, quantité, "
            "occurrence). *k* lignes identiques donnent *k* ventes, un ré-import n'ajoute que "
            "les lignes absentes de la base, et une ligne disparue de la source est signalée, "
            "jamais supprimée en silence.",
        ),
        (
            f"`{product_id.name}` et `{store_id.name}` sont **uniques et jamais vides** "
            f"({n(product_id.distinct_values, 'référence')} pour "
            f"{n(products.lines, 'ligne')}, {n(store_id.distinct_values, 'magasin')} pour "
            f"{n(stores.lines, 'ligne')}).",
            "Ce sont les clés primaires de `products` et `stores`, et les clés étrangères des "
            "ventes. Une seconde ligne avec la même clé est rejetée avec son motif (la "
            "première est gardée) plutôt que d'écraser la première en silence.",
        ),
        (
            f"Couverture des références : {n(sales.unknown_products, 'vente')} à produit "
            f"inconnu, {n(sales.unknown_stores, 'vente')} à magasin inconnu ; "
            f"{n(products.without_sales, 'produit')} et {n(stores.without_sales, 'magasin')} "
            "sans vente.",
            "Les trois fichiers sont importés ensemble, dans une transaction, références "
            "d'abord. Une vente qui nomme un produit ou un magasin absent est rejetée avec son "
            "motif (table `rejects`), puis relue quand les références changent ; un produit "
            "sans vente reste dans la base.",
        ),
        (
            f"La colonne `{city.name}` donne des **villes** ({n(city.distinct_values, 'ville')} "
            f"distinctes : {cities}…), aucune région.",
            "« Ventes par région » s'entend au sens des régions administratives : une table "
            "éditable ville → région (`villes_regions.csv`, comparaison sans casse ni accents) "
            "les relie ; une ville inconnue est comptée sous « Région inconnue » et signalée, "
            "jamais écartée.",
        ),
        (
            f"`{price.name}` est un **décimal à deux décimales** (de "
            f"{french.decimal(price.minimum)} à {french.decimal(price.maximum)} €, médiane "
            f"{french.decimal(price.median)} €) : un prix courant par produit, sans date — il peut "
            "changer d'une publication à l'autre.",
            "Les montants sont des entiers en centimes (jamais de virgule flottante). Chaque "
            "vente garde le prix de son produit **lors de son premier import** "
            "(`sales.unit_price_cents`) : un nouveau prix ne réécrit pas le chiffre d'affaires "
            "passé.",
        ),
        (
            f"`{date.name}` : des dates `AAAA-MM-JJ`, du {fmt.day(date.minimum)} au "
            f"{fmt.day(date.maximum)}, {n(sales.days_without_sales, 'jour')} sans vente.",
            "Les dates sont vérifiées (date impossible : rejet) et stockées en ISO 8601 ; "
            "`JJ/MM/AAAA` est aussi accepté, toujours jour d'abord (jamais deviné). Les "
            "analyses par jour et par semaine couvrent la période des données.",
        ),
        (
            f"`{quantity.name}` : des entiers de {quantity.minimum} à {quantity.maximum} "
            f"(médiane {french.decimal(quantity.median)}, "
            f"moyenne {french.decimal(quantity.mean, 2)}), "
            f"{french.plural(quantity.outliers, 'valeur aberrante', 'valeurs aberrantes')} "
            "selon la règle de Tukey.",
            "Une quantité doit être un entier strictement positif ; au-delà de "
            f"{fmt.integer(MAX_QUANTITY)}, c'est une faute de frappe : la ligne est rejetée "
            "avec son motif plutôt que de fausser le chiffre d'affaires.",
        ),
        (
            f"Format : {sales.encoding}, séparateur {french.delimiter_name(sales.delimiter)}, "
            f"fins de ligne {sales.line_endings}, une ligne d'en-tête ; des colonnes nommées.",
            "Le format est **reconnu, pas supposé** : encodage (UTF-8 avec ou sans BOM, sinon "
            "Windows-1252), séparateur, fins de ligne, colonnes lues par leur nom (dans "
            "n'importe quel ordre). Une page HTML ou un fichier sans les colonnes attendues "
            "arrête l'import, base inchangée.",
        ),
    ]
    lines = [
        "# Caractéristiques du jeu de données",
        "",
        "Ce que contiennent les trois fichiers publiés par le client "
        "([`exemples/client/`](../exemples/client/)), et ce que chaque constat a décidé dans "
        "la conception. Tout est calculé : `bash scripts/docs.sh` importe les fichiers dans "
        "une base neuve et écrit ce document à partir du profil enregistré avec l'import "
        "(`ventes profil` l'affiche sur n'importe quelle base) ; rien n'est écrit à la main, "
        "et les tests échouent si ce document n'est plus à jour.",
        "",
        "**Méthode.** Une lecture en flux de chaque fichier (mémoire constante) donne "
        "l'encodage, le séparateur, les fins de ligne, et pour chaque colonne le type déduit, "
        "les valeurs vides et le nombre d'occurrences de chaque valeur (jusqu'à "
        f"{fmt.integer(counts.MAX_DISTINCT)} valeurs distinctes par colonne) : de là viennent "
        "exactement les valeurs distinctes et fréquentes, les clés candidates, le minimum, le "
        "maximum, la moyenne (exacte, arrondie à l'affichage) et la médiane des nombres, et "
        "les valeurs aberrantes selon la règle de Tukey (hors de [Q1 − 1,5 × IQR ; "
        "Q3 + 1,5 × IQR], quartiles par interpolation linéaire) ; au-delà de ces "
        f"{fmt.integer(counts.MAX_DISTINCT)} valeurs, une colonne n'a ni statistiques ni clé "
        "(rien n'est deviné). Les clés candidates cherchées sont les colonnes seules, puis la "
        "ligne entière (unique quand aucune ligne n'en répète une autre). Les lignes de ventes "
        "identiques et les produits ou magasins sans vente sont comptés en SQL sur les "
        "données enregistrées (`sql/profile/`). Une colonne d'identifiant (`ID …`) n'a pas "
        "de statistiques numériques : sa moyenne n'aurait pas de sens. Le profil est écrit "
        "dans la transaction de l'import ; quand l'import ne lit que les lignes ajoutées au "
        "fichier des ventes, le profil aussi, qu'il ajoute aux comptes de l'import précédent.",
        "",
        french.markdown(found),
        "## Ce que les données ont décidé",
        "",
        "| constat (tiré du profil ci-dessus) | décision de conception |",
        "|---|---|",
        *[f"| {finding} | {decision} |" for finding, decision in decisions],
        "",
        "Le profil est recalculé et enregistré à chaque import (tables `profile_files`, "
        "`profile_columns`, `profile_values`, vue `profile_history`) : son évolution d'un "
        "import à l'autre se lit en SQL.",
        "",
    ]
    return "\n".join(lines)


def files(docs: Path, data: Path | dict[str, str]) -> dict[Path, str]:
    return {docs / CHARACTERISTICS_NAME: characteristics(data)}
