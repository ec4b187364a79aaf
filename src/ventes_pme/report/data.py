"""Les données en tête des rapports : les chiffres clés du profil de l'import analysé.

The "Les données" section of the results note and of the HTML report: the headline figures
of the data set, read from the data profile stored with the import the analysis ran on.
"""

from __future__ import annotations

import sqlite3

from ventes_pme import fmt
from ventes_pme.profile.french import delimiter_name, number, plural
from ventes_pme.profile.stats import FileProfile
from ventes_pme.profile.store import read
from ventes_pme.sqlfiles import sql


def _short_keys(f: FileProfile) -> str:
    """The candidate keys in a few words: the declared identifiers, else what is unique."""
    keys = f.candidate_keys
    ids = [c.name for c in f.columns if c.is_key and c.identifier]
    if ids:
        return ", ".join(ids)
    if not keys:
        return "aucune"
    if len(keys[0]) > 1:
        return "la ligne entière"
    names = ", ".join(k[0] for k in keys)
    return f"aucun identifiant ({names} unique sur ces {plural(f.lines, 'ligne')})"


def headline(conn: sqlite3.Connection, import_id: int | None = None) -> list[tuple[str, str]]:
    """The headline figures of the data set, as (French label, formatted value) pairs:
    the "Les données" section of the note and of the HTML report. Empty without profile."""
    profile = read(conn, import_id)
    if profile is None:
        return []
    f = profile.files
    sales = f["ventes"]
    formats = {(x.encoding, x.delimiter, x.line_endings) for x in f.values()}
    fmt_text = "; ".join(
        f"{e}, séparateur {delimiter_name(d)}, fins de ligne {le}" for e, d, le in sorted(formats)
    )
    outliers = [
        f"{c.name.lower()} {fmt.integer(c.outliers)}"
        for x in f.values()
        for c in x.columns
        if c.outliers is not None and not c.identifier and x.source != "magasins"
    ]
    keys = [f"{s} : {_short_keys(x)}" for s, x in f.items()]
    rows = [
        (
            "Fichiers reçus",
            " · ".join(f"{s} : {plural(x.lines, 'ligne')}" for s, x in f.items()),
        ),
        ("Format", fmt_text),
    ]
    if sales.first_date:
        rows.append(
            (
                "Période des ventes",
                f"du {fmt.day(sales.first_date)} au {fmt.day(sales.last_date)}, "
                f"{plural(sales.days_without_sales, 'jour')} sans vente",
            )
        )
    rows += [
        (
            "Lignes de ventes identiques",
            "aucune" if sales.identical_lines == 0 else number(sales.identical_lines),
        ),
        (
            "Couverture des références",
            f"{plural(sales.unknown_products, 'vente')} à produit inconnu, "
            f"{plural(sales.unknown_stores, 'vente')} à magasin inconnu ; "
            f"{plural(f['produits'].without_sales, 'produit')} et "
            f"{plural(f['magasins'].without_sales, 'magasin')} sans vente",
        ),
        ("Clés candidates", " · ".join(keys)),
        ("Valeurs aberrantes (règle de Tukey)", ", ".join(outliers) or "—"),
        ("Lignes rejetées", _rejects(conn, profile.import_id)),
    ]
    return rows


def _rejects(conn: sqlite3.Connection, import_id: int) -> str:
    """The rejected lines as of ``import_id``: still to correct, and resolved since."""
    current, resolved = conn.execute(sql("profile/rejects"), {"import_id": import_id}).fetchone()
    if not current and not resolved:
        return "aucune"
    return (
        f"{plural(current, 'ligne')} à corriger, "
        f"{plural(resolved, 'ligne')} {'résolues' if resolved > 1 else 'résolue'} "
        "par un import suivant"
    )
