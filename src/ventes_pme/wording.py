"""Les avertissements de l'import, dits en français.

The import returns its warnings as data (``load/warnings.py``); the command line and
``watch`` say them to the user with these sentences.
"""

from __future__ import annotations

from ventes_pme import fmt
from ventes_pme.load.report import ImportReport
from ventes_pme.load.warnings import (
    IgnoredColumns,
    LoadWarning,
    NotUtf8,
    PendingLine,
    StockProblem,
    StoreMoved,
    UnknownCity,
    VanishedSales,
)
from ventes_pme.regions import UNKNOWN_REGION


def warnings(report: ImportReport) -> list[str]:
    """The warnings of an import, in French, in the order the import met them."""
    return [warning(w) for w in report.warnings]


def warning(w: LoadWarning) -> str:
    """One warning of an import, as a French sentence."""
    match w:
        case UnknownCity(store_id, city):
            return (
                f"Ville « {city} » (magasin {store_id}) absente de la table des régions : ses "
                f"ventes sont comptées sous « {UNKNOWN_REGION} »."
            )
        case StoreMoved(store_id, old_city, new_city):
            return (
                f"Le magasin {store_id} change de ville (« {old_city} » → « {new_city} ») : "
                "toutes ses ventes, passées comprises, comptent désormais pour la région "
                "de sa nouvelle ville."
            )
        case StockProblem(product_id, problem):
            return (
                f"Produit « {product_id} » : {problem} ; le produit et ses ventes "
                "sont importés (le stock n'entre dans aucune analyse)."
            )
        case NotUtf8(source, count, lines):
            more = "…" if count > len(lines) else ""
            return (
                f"« {source} » : {count} ligne(s) ne sont pas en UTF-8 et ont été lues en "
                f"Windows-1252 (ligne(s) {', '.join(str(n) for n in lines)}{more})."
            )
        case PendingLine(source, line, raw):
            return (
                f"« {source} » : la dernière ligne (ligne {line} : « {raw[:60]} ») n'a pas "
                "de fin de ligne et le téléchargement n'a pas pu être vérifié complet (ni "
                "Content-Length ni envoi par blocs) : elle peut être coupée. Elle n'est pas "
                "importée ; l'import suivant la prendra si elle est confirmée."
            )
        case IgnoredColumns(source, columns):
            return f"Colonnes ignorées dans « {source} » : {', '.join(columns)}."
        case VanishedSales(count):
            return (
                f"{fmt.plural(count, 'vente')} de la base "
                + (
                    "ne figurent plus dans le fichier des ventes : elles sont conservées"
                    if count > 1
                    else "ne figure plus dans le fichier des ventes : elle est conservée"
                )
                + " (aucune suppression silencieuse)."
            )
    raise AssertionError(w)
