"""Le profil en français : la sortie de `ventes profil` (texte, JSON) et ses sections Markdown.

The data profile worded in French for people: the terminal output and the JSON document of
``ventes profil``, and the Markdown sections of the deliverables. Means are shown rounded to
two decimals; every other number as stored, exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ventes_pme import fmt
from ventes_pme.profile.counts import MAX_DISTINCT

if TYPE_CHECKING:
    from ventes_pme.profile.stats import ColumnProfile, FileProfile
    from ventes_pme.profile.store import Profile

_WHAT = {"produits": "produit", "magasins": "magasin", "ventes": "vente"}


def to_json(profile: Profile) -> dict[str, Any]:
    """The JSON document of ``ventes profil --json`` (numbers as exact decimal strings)."""

    def column(c: ColumnProfile) -> dict[str, Any]:
        return {
            "position": c.position,
            "nom": c.name,
            "type": c.inferred_type,
            "identifiant": c.identifier,
            "vides": c.empty_values,
            "non_conformes": c.nonconforming,
            "distinctes": c.distinct_values,
            "cle": c.is_key,
            "minimum": c.minimum,
            "maximum": c.maximum,
            "somme": c.total,
            "moyenne": c.mean,
            "mediane": c.median,
            "q1": c.q1,
            "q3": c.q3,
            "borne_basse": c.low_fence,
            "borne_haute": c.high_fence,
            "aberrantes": c.outliers,
            "frequentes": [{"valeur": v, "nombre": n} for v, n in c.top],
        }

    def one(f: FileProfile) -> dict[str, Any]:
        return {
            "octets": f.bytes,
            "encodage": f.encoding,
            "separateur": f.delimiter,
            "fins_de_ligne": f.line_endings,
            "lignes": f.lines,
            "lignes_vides": f.blank_lines,
            "lignes_mal_formees": f.bad_width_lines,
            "colonnes": [column(c) for c in f.columns],
            "cles_candidates": f.candidate_keys,
            "lignes_identiques": f.identical_lines,
            "groupes_identiques": f.identical_groups,
            "copies_max": f.max_copies,
            "premiere_date": f.first_date,
            "derniere_date": f.last_date,
            "jours_sans_vente": f.days_without_sales,
            "produits_inconnus": f.unknown_products,
            "magasins_inconnus": f.unknown_stores,
            "sans_vente": f.without_sales,
        }

    return {
        "import_id": profile.import_id,
        "date_import": profile.finished_at,
        "fichiers": {source: one(f) for source, f in profile.files.items()},
    }


def number(value: int | None) -> str:
    """A count in French, ``—`` for a count that was not made."""
    return "—" if value is None else fmt.integer(value)


def decimal(value: str | None, places: int | None = None) -> str:
    """An exact decimal in French (``41.99`` -> ``41,99``); ``places`` rounds it for display."""
    if value is None:
        return "—"
    if places is not None:
        return fmt.decimal(Decimal(value), places)
    whole, _, fraction = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    text = sign + fmt.integer(abs(int(whole)))
    return f"{text},{fraction}" if fraction else text


def delimiter_name(delimiter: str) -> str:
    return "tabulation" if delimiter == "\t" else f"« {delimiter} »"


def plural(n: int | None, word: str, plural: str | None = None) -> str:
    """:func:`fmt.plural`, with ``—`` for a count that was not made."""
    if n is None:
        return f"— {plural or word + 's'}"
    return fmt.plural(n, word, plural)


def column_rows(f: FileProfile) -> tuple[list[str], list[list[str]]]:
    """The table of a file's columns: headers, then one row per column (French text)."""
    headers = [
        "colonne",
        "type",
        "vides",
        "distinctes",
        "min",
        "max",
        "moyenne",
        "médiane",
        "valeurs les plus fréquentes",
    ]
    rows = []
    for c in f.columns:
        shown = fmt.day if c.inferred_type == "date" else decimal
        kind = c.inferred_type + (" (identifiant)" if c.identifier else "")
        top = ", ".join(f"{v} ({fmt.integer(n)})" for v, n in c.top[:3])
        rows.append(
            [
                c.name,
                kind,
                fmt.integer(c.empty_values),
                number(c.distinct_values) if c.distinct_values is not None else f"> {MAX_DISTINCT}",
                shown(c.minimum),
                shown(c.maximum),
                decimal(c.mean, 2),
                decimal(c.median),
                top or "—",
            ]
        )
    return headers, rows


def findings(f: FileProfile) -> list[str]:
    """The file's other findings, one French sentence each."""
    out = []
    out.append(f"Clés candidates : {keys_text(f)}.")
    where = " (parmi les ventes en base)" if f.source == "ventes" else ""
    if f.identical_lines is None:
        out.append("Lignes identiques : non comptées (trop de lignes distinctes).")
    elif f.identical_lines == 0:
        out.append(f"Lignes identiques{where} : aucune.")
    else:
        out.append(
            f"Lignes identiques{where} : {plural(f.identical_lines, 'ligne')} répètent une "
            f"ligne précédente ({plural(f.identical_groups, 'contenu')} en plusieurs "
            f"exemplaires, jusqu'à {fmt.integer(f.max_copies or 0)} copies)."
        )
    if f.source == "ventes":
        if f.first_date:
            out.append(
                f"Période : du {fmt.day(f.first_date)} au {fmt.day(f.last_date)} ; "
                f"{plural(f.days_without_sales, 'jour')} sans vente."
            )
        out.append(
            f"Couverture : {plural(f.unknown_products, 'vente')} à produit inconnu, "
            f"{plural(f.unknown_stores, 'vente')} à magasin inconnu."
        )
    else:
        out.append(
            f"Couverture : {plural(f.without_sales, _WHAT[f.source])} sans aucune vente en base."
        )
    for c in f.columns:
        if c.outliers is not None:
            out.append(
                f"Valeurs aberrantes de « {c.name} » (règle de Tukey : hors de "
                f"[{decimal(c.low_fence)} ; {decimal(c.high_fence)}]) : {fmt.integer(c.outliers)}."
            )
    for c in f.columns:
        if c.nonconforming:
            out.append(
                f"Valeurs de « {c.name} » qui ne sont pas du type {c.inferred_type} : "
                f"{fmt.integer(c.nonconforming)}."
            )
    if f.bad_width_lines:
        out.append(f"Lignes au mauvais nombre de champs : {fmt.integer(f.bad_width_lines)}.")
    return out


def keys_text(f: FileProfile) -> str:
    """The candidate keys in French: declared identifiers first, then the columns unique
    on these lines only."""
    keys = f.candidate_keys
    if not keys:
        return "aucune (des lignes identiques existent)"
    if len(keys[0]) > 1:
        return "aucune colonne seule ; la ligne entière est unique"
    ids = [c.name for c in f.columns if c.is_key and c.identifier]
    others = [c.name for c in f.columns if c.is_key and not c.identifier]
    lines = plural(f.lines, "ligne")
    if ids and others:
        return f"{', '.join(ids)} (identifiant) ; aussi uniques sur ces {lines} : " + ", ".join(
            others
        )
    if ids:
        return f"{', '.join(ids)} (identifiant)"
    return f"{', '.join(others)} (aucun identifiant déclaré ; unique sur ces {lines})"


def file_title(f: FileProfile) -> str:
    return (
        f"{plural(f.lines, 'ligne')}, {plural(len(f.columns), 'colonne')}, "
        f"{fmt.size(f.bytes)} ; encodage {f.encoding}, séparateur {delimiter_name(f.delimiter)}, "
        f"fins de ligne {f.line_endings}"
    )


def text(profile: Profile) -> str:
    """The terminal output of ``ventes profil``."""
    out = [
        f"Profil des données de l'import n° {profile.import_id} "
        f"({fmt.moment(profile.finished_at)})."
    ]
    for source, f in profile.files.items():
        out += ["", f"Fichier « {source} » : {file_title(f)}."]
        headers, rows = column_rows(f)
        out.append(fmt.table(headers, rows, right={2, 3, 4, 5, 6, 7}))
        out += findings(f)
    return "\n".join(out) + "\n"


def markdown(profile: Profile, level: int = 2) -> str:
    """The profile as Markdown sections (one per file), for the deliverables."""
    h = "#" * level
    out = []
    for source, f in profile.files.items():
        headers, rows = column_rows(f)
        title = file_title(f)
        out += [f"{h} Le fichier « {source} »", "", title[:1].upper() + title[1:] + ".", ""]
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join(":---" if i < 2 or i == 8 else "---:" for i in range(9)) + "|")
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
        out += ["", *[f"- {s}" for s in findings(f)], ""]
    return "\n".join(out)
