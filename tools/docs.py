"""Regenerate every deliverable under ``docs/``: ``python -m tools.docs`` (scripts/docs.sh).

- the architecture diagram (Mermaid in docs/architecture.md, Graphviz source and SVG),
- the conceptual data model, MCD (Mermaid in docs/modele-donnees.md, Graphviz and SVG),
- the physical schema, read from a migrated database (``ventes schema``),
- the results note and the HTML report, from the client's files (``ventes run`` then
  ``ventes rapport`` on a temporary database),
- the characteristics of the data set, docs/caracteristiques.md (the data profile of the
  client's files, then the design decision each finding drove),
- the report's screenshots at a desktop and a phone width (headless Chromium, Playwright).

``--verifier`` writes nothing and fails when a committed file is stale (what the tests run),
or when it could not check one (client's files or Graphviz missing).
A generated block inside a hand-written Markdown file sits between
``<!-- généré:NOM -->`` and ``<!-- /généré:NOM -->``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ventes_pme import api, catalog, dictionary, report, schema, tableau
from ventes_pme.cli import _Parser as FrenchParser
from ventes_pme.config import Settings
from ventes_pme.text import fold

#: the repository: this tool works on a clone, never from an installed package
ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLIENT_DATA = ROOT / "exemples" / "client"

# --- architecture --------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    detail: str
    kind: str  # service | optional | volume | external | person


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    label: str
    dashed: bool = False


#: the Compose stack (compose.yaml): services, the shared volume, and every communication
ARCHITECTURE_NODES = [
    Node("operateur", "Exploitant", "docker compose up / run etl …", "person"),
    Node(
        "direction",
        "Direction (navigateur)",
        "ouvre http://127.0.0.1:8001 sur la machine de la pile",
        "person",
    ),
    Node(
        "sheets",
        "Google Sheets du client",
        "3 fichiers CSV publiés : produits, magasins, ventes (HTTPS, redirections)",
        "external",
    ),
    Node(
        "etl",
        "etl",
        "image Python 3.11 : commande ventes (run = collecte, validation, import, analyse ; "
        "rapport) ; démarre quand db est en bonne santé, puis s'arrête",
        "service",
    ),
    Node(
        "watch",
        "watch (profil watch, optionnel)",
        "même image : ventes watch, import et analyse toutes les VENTES_INTERVALLE s",
        "optional",
    ),
    Node(
        "db",
        "db",
        "image SQLite 3 : garde le volume et le shell sqlite3 ; aucun serveur, "
        "network_mode none ; contrôle de santé sqlite3",
        "service",
    ),
    Node(
        "tableau",
        "tableau (profil tableau, optionnel)",
        "image Python 3.11 + Datasette : le rapport HTML en page d'accueil, la base en "
        "lecture seule (tables, vues derniere_*, requêtes enregistrées, CSV / JSON) ; "
        "port 8001 publié sur 127.0.0.1 de l'hôte seulement",
        "optional",
    ),
    Node(
        "donnees",
        "volume nommé donnees",
        "monté sur /data dans etl, watch, tableau et db : /data/ventes.db (+ -wal, -shm), "
        "/data/rapport/ (note et rapport HTML)",
        "volume",
    ),
]

ARCHITECTURE_LINKS = [
    Link("operateur", "etl", "docker compose run etl (CLI)"),
    Link("etl", "sheets", "HTTPS GET sortant (port 443)"),
    Link("watch", "sheets", "HTTPS GET sortant (port 443)", dashed=True),
    Link("etl", "donnees", "lecture / écriture du fichier SQLite"),
    Link("watch", "donnees", "lecture / écriture du fichier SQLite", dashed=True),
    Link("db", "donnees", "sqlite3 lit le fichier (santé, consultation)"),
    Link("etl", "db", "depends_on : service_healthy (ordre de démarrage, pas de réseau)", True),
    Link("watch", "db", "depends_on : service_healthy", dashed=True),
    Link(
        "direction",
        "tableau",
        "HTTP GET entrant : 127.0.0.1:8001 (hôte) → 8001 (conteneur), lecture seule",
        dashed=True,
    ),
    Link("tableau", "donnees", "lecture seule de la base (mode=ro) et du rapport", dashed=True),
    Link("tableau", "db", "depends_on : service_healthy", dashed=True),
]

PORTS_NOTE = (
    "Un seul port exposé : tableau, 127.0.0.1:8001 → 8001, entrant, lecture seule (GET) ; "
    "SQLite est un fichier, pas un serveur : db n'écoute sur aucun port, etl et watch ne "
    "font que des requêtes sortantes."
)


def architecture_mermaid() -> str:
    shapes = {
        "person": ("([", "])"),
        "external": ("[/", "/]"),
        "service": ("[", "]"),
        "optional": ("[", "]"),
        "volume": ("[(", ")]"),
    }

    def node(n: Node) -> str:
        left, right = shapes[n.kind]
        return f'{n.id}{left}"<b>{n.title}</b><br/>{n.detail}"{right}'

    by_id = {n.id: n for n in ARCHITECTURE_NODES}
    lines = [
        "flowchart LR",
        "    %% generated by python -m tools.docs (ARCHITECTURE_NODES, ARCHITECTURE_LINKS)",
        f"    {node(by_id['operateur'])}",
        f"    {node(by_id['direction'])}",
        '    subgraph internet["Internet"]',
        f"        {node(by_id['sheets'])}",
        "    end",
        '    subgraph compose["Docker Compose : projet ventes-pme"]',
        *(f"        {node(by_id[i])}" for i in ("etl", "watch", "tableau", "db", "donnees")),
        f'        ports["{PORTS_NOTE}"]',
        "    end",
    ]
    for link in ARCHITECTURE_LINKS:
        arrow = f'-. "{link.label}" .->' if link.dashed else f'-- "{link.label}" -->'
        lines.append(f"    {link.source} {arrow} {link.target}")
    lines += [
        "    classDef optional stroke-dasharray: 5 5",
        "    class watch,tableau optional",
        "    classDef note fill:#fff8dc,stroke:#c9b458",
        "    class ports note",
    ]
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, width: int = 38) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def architecture_dot() -> str:
    styles = {
        "person": 'shape=box, style="rounded", color="#555555"',
        "external": 'shape=box, style="rounded,filled", fillcolor="#e8f0fe", color="#1a73e8"',
        "service": 'shape=box, style="rounded,filled", fillcolor="#e6f2e6", color="#2e7d32"',
        "optional": 'shape=box, style="rounded,dashed,filled", fillcolor="#f4f4f4", '
        'color="#2e7d32"',
        "volume": 'shape=cylinder, style="filled", fillcolor="#fff3e0", color="#ef6c00"',
    }

    def node(n: Node) -> str:
        detail = "<br/>".join(_dot_text(line) for line in _wrap(n.detail))
        label = f'<<b>{_dot_text(n.title)}</b><br/><font point-size="9">{detail}</font>>'
        return f"{n.id} [label={label}, {styles[n.kind]}];"

    by_id = {n.id: n for n in ARCHITECTURE_NODES}
    ports = "<br/>".join(_dot_text(line) for line in _wrap(PORTS_NOTE, 44))
    out = [
        "// generated by python -m tools.docs: the same description as the Mermaid diagram",
        "digraph architecture {",
        '  graph [rankdir=LR, fontname="DejaVu Sans", fontsize=11, nodesep=0.5, ranksep=0.8];',
        '  node [fontname="DejaVu Sans", fontsize=11, margin="0.15,0.08"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#444444"];',
        f"  {node(by_id['operateur'])}",
        f"  {node(by_id['direction'])}",
        '  subgraph cluster_internet { label="Internet"; style="rounded"; color="#1a73e8";',
        f"    {node(by_id['sheets'])}",
        "  }",
        '  subgraph cluster_compose { label="Docker Compose : projet ventes-pme"; '
        'style="rounded"; color="#2e7d32";',
        *(f"    {node(by_id[i])}" for i in ("etl", "watch", "tableau", "db", "donnees")),
        f'    ports [label=<<font point-size="9">{ports}</font>>, shape=note, style=filled, '
        'fillcolor="#fff8dc", color="#c9b458"];',
        "  }",
    ]
    for link in ARCHITECTURE_LINKS:
        style = ", style=dashed" if link.dashed else ""
        out.append(f'  {link.source} -> {link.target} [label="{_dot_text(link.label)}"{style}];')
    out.append("}")
    return "\n".join(out) + "\n"


# --- conceptual data model (Merise MCD) ----------------------------------------------------


@dataclass(frozen=True)
class Entity:
    id: str  # ASCII, for Mermaid
    name: str  # as displayed (accents)
    identifier: list[str]
    attributes: list[str]


@dataclass(frozen=True)
class Association:
    name: str  # as displayed; its node id is derived from it and both sides
    #: (entity id, Merise cardinality "0,1" | "1,1" | "0,n" | "1,n") for its two sides
    left: tuple[str, str]
    right: tuple[str, str]


MCD_ENTITIES = [
    Entity("PRODUIT", "PRODUIT", ["référence"], ["nom", "prix", "stock"]),
    Entity("MAGASIN", "MAGASIN", ["n° magasin"], ["nombre de salariés"]),
    Entity("VILLE", "VILLE", ["nom normalisé"], ["nom", "département"]),
    Entity("REGION", "RÉGION", ["nom de région"], []),
    Entity(
        "VENTE",
        "VENTE",
        ["date", "quantité", "rang d'occurrence", "(+ produit, magasin)"],
        ["prix unitaire appliqué"],
    ),
    Entity("IMPORT", "IMPORT", ["n° import"], ["début", "fin", "ventes avant", "ventes après"]),
    Entity(
        "FICHIER_IMPORTE",
        "FICHIER IMPORTÉ",
        ["source", "(+ import)"],
        ["adresse", "statut HTTP", "octets", "empreinte SHA-256", "compteurs de lignes"],
    ),
    Entity(
        "REJET",
        "REJET",
        ["n° rejet"],
        ["fichier source", "n° de ligne", "contenu brut", "motif"],
    ),
    Entity("ANALYSE", "ANALYSE", ["n° analyse"], ["date", "nombre de ventes", "période"]),
    Entity(
        "RESULTAT",
        "RÉSULTAT",
        ["indicateur", "clé", "(+ analyse)"],
        ["jour ou semaine", "quantité", "chiffre d'affaires"],
    ),
]

MCD_ASSOCIATIONS = [
    Association("CONCERNE", ("VENTE", "1,1"), ("PRODUIT", "0,n")),
    Association("A LIEU DANS", ("VENTE", "1,1"), ("MAGASIN", "0,n")),
    Association("EST SITUÉ À", ("MAGASIN", "1,1"), ("VILLE", "0,n")),
    Association("APPARTIENT À", ("VILLE", "0,1"), ("REGION", "1,n")),
    Association("APPORTE", ("VENTE", "1,1"), ("IMPORT", "0,n")),
    Association("COMPREND", ("FICHIER_IMPORTE", "1,1"), ("IMPORT", "1,n")),
    Association("SIGNALE", ("REJET", "1,1"), ("IMPORT", "0,n")),
    Association("COUVRE", ("ANALYSE", "0,1"), ("IMPORT", "0,n")),
    Association("CALCULE", ("RESULTAT", "1,1"), ("ANALYSE", "1,n")),
    Association("PORTE SUR", ("RESULTAT", "0,1"), ("PRODUIT", "0,n")),
    Association("PORTE SUR", ("RESULTAT", "0,1"), ("MAGASIN", "0,n")),
    Association("PORTE SUR", ("RESULTAT", "0,1"), ("REGION", "0,n")),
]

# Mermaid crow's foot: the marker next to an entity says how many of it go with one of the
# other; that is the Merise cardinality written on the *other* side.
_LEFT = {"0,1": "|o", "1,1": "||", "0,n": "}o", "1,n": "}|"}
_RIGHT = {"0,1": "o|", "1,1": "||", "0,n": "o{", "1,n": "|{"}


def mcd_mermaid() -> str:
    lines = [
        "erDiagram",
        "    %% generated by python -m tools.docs (MCD_ENTITIES, MCD_ASSOCIATIONS)",
    ]
    for e in MCD_ENTITIES:
        lines.append(f"    {e.id} {{")
        for a in e.identifier:
            if not a.startswith("("):
                lines.append(f'        id {_slug(a)} PK "{a}"')
        for a in e.attributes:
            lines.append(f'        attr {_slug(a)} "{a}"')
        lines.append("    }")
    for assoc in MCD_ASSOCIATIONS:
        (left, lcard), (right, rcard) = assoc.left, assoc.right
        marker = f"{_LEFT[rcard]}--{_RIGHT[lcard]}"
        label = f"{assoc.name} ({lcard}) - ({rcard})"
        lines.append(f'    {left} {marker} {right} : "{label}"')
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_") or "x"


def mcd_dot() -> str:
    out = [
        "// generated by python -m tools.docs: Merise MCD (entities, associations, cardinalities)",
        "graph mcd {",
        '  graph [layout=neato, overlap=false, splines=true, sep="+12", fontname="DejaVu Sans"];',
        '  node [fontname="DejaVu Sans", fontsize=10];',
        '  edge [fontname="DejaVu Sans", fontsize=9, len=1.6];',
    ]
    for e in MCD_ENTITIES:
        rows = [
            f'<tr><td bgcolor="#1f4e79"><font color="white"><b>{_dot_text(e.name)}</b>'
            "</font></td></tr>"
        ]
        ident = "<br/>".join(
            _dot_text(a) if a.startswith("(") else f"<u>{_dot_text(a)}</u>" for a in e.identifier
        )
        rows.append(f'<tr><td align="left" balign="left">{ident}</td></tr>')
        if e.attributes:
            attrs = "<br/>".join(_dot_text(a) for a in e.attributes)
            rows.append(f'<tr><td align="left" balign="left">{attrs}</td></tr>')
        body = "".join(rows)
        out.append(
            f'  {e.id} [shape=plain, label=<<table border="1" cellborder="0" cellspacing="0" '
            f'cellpadding="4">{body}</table>>];'
        )
    for a in MCD_ASSOCIATIONS:
        node = f"{_slug(a.name).upper()}_{a.left[0]}_{a.right[0]}"
        out.append(
            f'  {node} [shape=ellipse, style=filled, fillcolor="#fff3e0", '
            f'label="{_dot_text(a.name.strip())}"];'
        )
        for entity, card in (a.left, a.right):
            out.append(f'  {entity} -- {node} [label="{card}"];')
    out.append("}")
    return "\n".join(out) + "\n"


# --- rendering and blocks ------------------------------------------------------------------


def render_svg(dot_source: str) -> str | None:
    """Graphviz's SVG of ``dot_source``, or None when ``dot`` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    done = subprocess.run(  # noqa: S603 (a fixed command on our own generated source)
        [exe, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=True
    )
    return done.stdout


def _svg_key(svg: str) -> str:
    """An SVG without its generator comment (which names the Graphviz version)."""
    return re.sub(r"<!-- Generated by graphviz[^>]*-->\n?", "", svg)


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(
        rf"(<!-- généré:{re.escape(name)} -->\n).*?(<!-- /généré:{re.escape(name)} -->)", re.S
    )
    if not pattern.search(text):
        raise ValueError(f"no block « {name} » in the document")
    return pattern.sub(lambda m: m[1] + content + m[2], text)


def _fenced(code: str) -> str:
    return f"```mermaid\n{code}```\n"


# --- the SQL files -------------------------------------------------------------------------

_SQL_FOLDERS = {
    "migrations": "le schéma, en migrations numérotées",
    "analyses": "les analyses : un fichier SQL et sa déclaration, exécutées dans l'ordre",
    "load": "l'import : tables de transit, règle anti-doublon, mises à jour, journal",
    "aggregates": "les agrégats de ventes tenus par chaque import, migration 0002",
    "profile": "le profil des données, calculé à chaque import",
    "runs": "les exécutions d'analyse",
    "tableau": "les requêtes enregistrées du tableau de bord (service tableau, Datasette)",
    "watch": "la surveillance périodique (ventes watch)",
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
    "load/previous_sales_file": "Le fichier des ventes du dernier import, et l'empreinte des "
    "produits et magasins valides avec lesquels il a été vérifié.",
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
    "migrations/0007_accepted_keys_and_pending_line": "Ce qu'un import a retenu de ses "
    "fichiers : l'empreinte des identifiants valides des produits et magasins, la ligne "
    "laissée en attente.",
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
    "compare la source, et s'il en a laissé une ligne en attente.",
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
            role = f" ({_SQL_FOLDERS[folder]})" if folder in _SQL_FOLDERS else ""
            lines.append(f"| `{folder}/`{role} | {link} | {sql_description(folder, path.stem)} |")
    return "\n".join(lines) + "\n"


# --- the note and the report from the client's files ---------------------------------------


def client_settings(data: Path | dict[str, str], db_path: Path) -> Settings:
    """Settings reading the client's three files from a folder, or from given URLs."""
    urls = (
        data
        if isinstance(data, dict)
        else {name: str(data / f"{name}.csv") for name in ("produits", "magasins", "ventes")}
    )
    return Settings.load(
        {
            "db_path": db_path,
            "url_produits": urls["produits"],
            "url_magasins": urls["magasins"],
            "url_ventes": urls["ventes"],
            "progress": False,
        },
        env={},
    )


def results(data: Path | dict[str, str]) -> dict[str, str]:
    """The note and the HTML report of a fresh ``ventes run`` on the client's files."""
    with tempfile.TemporaryDirectory(prefix="ventes-docs-") as tmp:
        settings = client_settings(data, Path(tmp) / "ventes.db")
        analysis = api.run(settings).analysis
        return report.render(analysis, api.data_headline(settings, analysis.last_import_id))


# --- the data set's characteristics (docs/caracteristiques.md) ------------------------------

CHARACTERISTICS_NAME = "caracteristiques.md"


def characteristics(data: Path | dict[str, str]) -> str:
    """docs/caracteristiques.md: the profile of the client's files, computed by a fresh
    import (never written by hand), then what each finding decided in the design."""
    from ventes_pme import fmt
    from ventes_pme import profile as prof
    from ventes_pme.validate import MAX_QUANTITY

    with tempfile.TemporaryDirectory(prefix="ventes-docs-") as tmp:
        settings = client_settings(data, Path(tmp) / "ventes.db")
        api.import_data(settings)
        found = api.profile(settings)
    assert found is not None
    f = found.files
    sales, products, stores = f["ventes"], f["produits"], f["magasins"]

    def col(file: prof.FileProfile, key: str) -> prof.ColumnProfile:
        column = file.column(key)
        assert column is not None, key
        return column

    def n(value: int | None, word: str) -> str:
        return prof._plural(value, word)

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
            f"{prof._dec(price.minimum)} à {prof._dec(price.maximum)} €, médiane "
            f"{prof._dec(price.median)} €) : un prix courant par produit, sans date — il peut "
            "changer d'une publication à l'autre.",
            "Les montants sont des entiers en centimes (jamais de virgule flottante). Chaque "
            "vente garde le prix de son produit **lors de son premier import** "
            "(`sales.unit_price_cents`) : un nouveau prix ne réécrit pas le chiffre d'affaires "
            "passé.",
        ),
        (
            f"`{date.name}` : des dates `AAAA-MM-JJ`, du {prof._day(date.minimum)} au "
            f"{prof._day(date.maximum)}, {n(sales.days_without_sales, 'jour')} sans vente.",
            "Les dates sont vérifiées (date impossible : rejet) et stockées en ISO 8601 ; "
            "`JJ/MM/AAAA` est aussi accepté, toujours jour d'abord (jamais deviné). Les "
            "analyses par jour et par semaine couvrent la période des données.",
        ),
        (
            f"`{quantity.name}` : des entiers de {quantity.minimum} à {quantity.maximum} "
            f"(médiane {prof._dec(quantity.median)}, moyenne {prof._dec(quantity.mean, 2)}), "
            f"{prof._plural(quantity.outliers, 'valeur aberrante', 'valeurs aberrantes')} "
            "selon la règle de Tukey.",
            "Une quantité doit être un entier strictement positif ; au-delà de "
            f"{fmt.integer(MAX_QUANTITY)}, c'est une faute de frappe : la ligne est rejetée "
            "avec son motif plutôt que de fausser le chiffre d'affaires.",
        ),
        (
            f"Format : {sales.encoding}, séparateur {prof.delimiter_name(sales.delimiter)}, "
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
        f"{fmt.integer(prof.MAX_DISTINCT)} valeurs distinctes par colonne) : de là viennent "
        "exactement les valeurs distinctes et fréquentes, les clés candidates, le minimum, le "
        "maximum, la moyenne (exacte, arrondie à l'affichage) et la médiane des nombres, et "
        "les valeurs aberrantes selon la règle de Tukey (hors de [Q1 − 1,5 × IQR ; "
        "Q3 + 1,5 × IQR], quartiles par interpolation linéaire) ; au-delà de ces "
        f"{fmt.integer(prof.MAX_DISTINCT)} valeurs, une colonne n'a ni statistiques ni clé "
        "(rien n'est deviné). Les clés candidates cherchées sont les colonnes seules, puis la "
        "ligne entière (unique quand aucune ligne n'en répète une autre). Les lignes de ventes "
        "identiques et les produits ou magasins sans vente sont comptés en SQL sur les "
        "données enregistrées (`sql/profile/`). Une colonne d'identifiant (`ID …`) n'a pas "
        "de statistiques numériques : sa moyenne n'aurait pas de sens. Le profil est écrit "
        "dans la transaction de l'import ; quand l'import ne lit que les lignes ajoutées au "
        "fichier des ventes, le profil aussi, qu'il ajoute aux comptes de l'import précédent.",
        "",
        prof.markdown(found),
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


# --- everything ----------------------------------------------------------------------------


def expected(docs: Path, data: Path | dict[str, str] | None) -> dict[Path, str]:
    """Every generated file and its expected content (results only when ``data`` is given)."""
    files: dict[Path, str] = {}
    arch = docs / "architecture.md"
    files[arch] = replace_block(
        arch.read_text("utf-8"), "architecture", _fenced(architecture_mermaid())
    )
    model = docs / "modele-donnees.md"
    text = replace_block(model.read_text("utf-8"), "mcd", _fenced(mcd_mermaid()))
    text = replace_block(text, "schema", _fenced(schema.mermaid()))
    files[model] = replace_block(text, "dictionnaire", dictionary.markdown())
    sql_doc = docs / "sql.md"
    files[sql_doc] = replace_block(sql_doc.read_text("utf-8"), "fichiers-sql", sql_index())
    for name, source in (
        ("architecture", architecture_dot()),
        ("mcd", mcd_dot()),
        ("schema", schema.dot()),
    ):
        files[docs / f"{name}.dot"] = source
        svg = render_svg(source)
        if svg is not None:
            files[docs / f"{name}.svg"] = svg
    if data is not None:
        for name, content in results(data).items():
            files[docs / name] = content
        files[docs / CHARACTERISTICS_NAME] = characteristics(data)
    return files


def _same(path: Path, content: str) -> bool:
    if not path.exists():
        return False
    current = path.read_text("utf-8")
    if path.suffix == ".svg":
        return _svg_key(current) == _svg_key(content)
    if path.name in (report.NOTE_NAME, report.HTML_NAME):
        return report.normalize_run_date(current) == report.normalize_run_date(content)
    return current == content


def stale(docs: Path, data: Path | dict[str, str] | None) -> list[Path]:
    """The generated files whose committed content is not what the generator gives."""
    return [path for path, content in expected(docs, data).items() if not _same(path, content)]


def screenshots(docs: Path) -> list[Path]:
    """The report at a desktop (1280 px) and a phone (390 px) width, as PNG files."""
    from tools.browser import Browser

    page = (docs / report.HTML_NAME).resolve().as_uri()
    shots = []
    with Browser() as browser:
        for name, width, mobile in (("ordinateur", 1280, False), ("telephone", 390, True)):
            browser.open(page, width=width, height=800, mobile=mobile)
            path = docs / "captures" / f"rapport-{name}.png"
            browser.screenshot(path)
            shots.append(path)
        if browser.errors():
            raise RuntimeError(f"console errors in the report: {browser.errors()}")
    return shots


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = FrenchParser(
        prog="python -m tools.docs",
        description="Régénère les livrables de docs/ : diagrammes, modèle de données, note de "
        "résultats, rapport HTML et ses captures d'écran, caractéristiques des données.",
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="dossier des livrables")
    parser.add_argument(
        "--donnees",
        type=Path,
        default=CLIENT_DATA,
        help="dossier des trois fichiers du client (défaut : exemples/client)",
    )
    parser.add_argument(
        "--verifier",
        action="store_true",
        help="ne rien écrire ; échouer si un livrable n'est pas à jour",
    )
    parser.add_argument("--sans-captures", action="store_true", help="pas de captures d'écran")
    args = parser.parse_args(argv)
    names = ("produits", "magasins", "ventes")
    data = args.donnees if all((args.donnees / f"{n}.csv").is_file() for n in names) else None
    # what cannot be regenerated here, hence not checked either
    missing: list[str] = []
    if data is None:
        missing.append(
            f"note, rapport et caractéristiques des données (données du client absentes : "
            f"{args.donnees})"
        )
    if shutil.which("dot") is None:
        missing.append("SVG des diagrammes (Graphviz « dot » absent)")
    if args.verifier:
        outdated = stale(args.docs, data)
        for path in outdated:
            print(f"Pas à jour : {_shown(path)}")
        # a verifier that could not verify everything fails: it must never pass unchecked
        for what in missing:
            print(f"Non vérifié : {what}.", file=sys.stderr)
        return 1 if outdated or missing else 0
    for what in missing:
        print(f"Non régénéré : {what}.", file=sys.stderr)
    written = set()
    for path, content in expected(args.docs, data).items():
        if _same(path, content):
            print(f"Inchangé : {_shown(path)}")
            continue
        path.write_text(content, encoding="utf-8")
        written.add(path.name)
        print(f"Écrit : {_shown(path)}")
    captures = [args.docs / "captures" / f"rapport-{n}.png" for n in ("ordinateur", "telephone")]
    # screenshots are not byte-reproducible: retaken only when the report changed
    if not args.sans_captures and (
        report.HTML_NAME in written or not all(p.exists() for p in captures)
    ):
        from tools.browser import available

        browser_missing = available()
        if browser_missing is not None:
            print(f"{browser_missing} : captures d'écran non régénérées.", file=sys.stderr)
        else:
            for path in screenshots(args.docs):
                print(f"Capture : {_shown(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
