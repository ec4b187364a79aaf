"""The architecture diagram: docs/architecture.md (Mermaid), architecture.dot and .svg."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.docs.common import fenced, replace_block
from tools.docs.graphviz import dot_files, dot_text, wrap


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
        "sauvegarde",
        "sauvegarde (profil sauvegarde, optionnel)",
        "image Python 3.11 + Litestream : copie chaque transaction de /data/ventes.db dans "
        "la seconde vers la réplique ; « restaurer » la remet dans un volume donnees vide, "
        "jamais par-dessus une base",
        "optional",
    ),
    Node(
        "donnees",
        "volume nommé donnees",
        "monté sur /data dans etl, watch, tableau, sauvegarde et db : /data/ventes.db "
        "(+ -wal, -shm), /data/rapport/ (note et rapport HTML)",
        "volume",
    ),
    Node(
        "sauvegardes",
        "volume nommé sauvegardes",
        "monté sur /sauvegardes dans sauvegarde : la réplique Litestream par défaut "
        "(instantanés et fichiers LTX de chaque transaction)",
        "volume",
    ),
    Node(
        "distant",
        "Stockage distant (facultatif)",
        "S3 ou compatible, ou SFTP : VENTES_SAUVEGARDE_URL, à la place du volume sauvegardes",
        "external",
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
    Link(
        "donnees",
        "sauvegarde",
        "lecture du WAL à chaque transaction (Litestream fait aussi les checkpoints)",
        dashed=True,
    ),
    Link("sauvegarde", "sauvegardes", "réplique : écriture continue (défaut)", dashed=True),
    Link(
        "sauvegarde",
        "distant",
        "réplique : HTTPS (S3) ou SSH (SFTP) sortant, si VENTES_SAUVEGARDE_URL",
        dashed=True,
    ),
    Link(
        "sauvegardes",
        "donnees",
        "restaurer : dernière réplique (ou un instant passé) → /data/ventes.db absent",
        dashed=True,
    ),
]

#: the nodes inside the Compose project, in drawing order
COMPOSE_NODES = ("etl", "watch", "tableau", "sauvegarde", "db", "donnees", "sauvegardes")

PORTS_NOTE = (
    "Un seul port exposé : tableau, 127.0.0.1:8001 → 8001, entrant, lecture seule (GET) ; "
    "SQLite est un fichier, pas un serveur : db n'écoute sur aucun port, etl, watch et "
    "sauvegarde ne font que des requêtes sortantes."
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
        f"        {node(by_id['distant'])}",
        "    end",
        '    subgraph compose["Docker Compose : projet ventes-pme"]',
        *(f"        {node(by_id[i])}" for i in COMPOSE_NODES),
        f'        ports["{PORTS_NOTE}"]',
        "    end",
    ]
    for link in ARCHITECTURE_LINKS:
        arrow = f'-. "{link.label}" .->' if link.dashed else f'-- "{link.label}" -->'
        lines.append(f"    {link.source} {arrow} {link.target}")
    lines += [
        "    classDef optional stroke-dasharray: 5 5",
        "    class watch,tableau,sauvegarde optional",
        "    classDef note fill:#fff8dc,stroke:#c9b458",
        "    class ports note",
    ]
    return "\n".join(lines) + "\n"


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
        detail = "<br/>".join(dot_text(line) for line in wrap(n.detail))
        label = f'<<b>{dot_text(n.title)}</b><br/><font point-size="9">{detail}</font>>'
        return f"{n.id} [label={label}, {styles[n.kind]}];"

    by_id = {n.id: n for n in ARCHITECTURE_NODES}
    ports = "<br/>".join(dot_text(line) for line in wrap(PORTS_NOTE, 44))
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
        f"    {node(by_id['distant'])}",
        "  }",
        '  subgraph cluster_compose { label="Docker Compose : projet ventes-pme"; '
        'style="rounded"; color="#2e7d32";',
        *(f"    {node(by_id[i])}" for i in COMPOSE_NODES),
        f'    ports [label=<<font point-size="9">{ports}</font>>, shape=note, style=filled, '
        'fillcolor="#fff8dc", color="#c9b458"];',
        "  }",
    ]
    for link in ARCHITECTURE_LINKS:
        style = ", style=dashed" if link.dashed else ""
        out.append(f'  {link.source} -> {link.target} [label="{dot_text(link.label)}"{style}];')
    out.append("}")
    return "\n".join(out) + "\n"


def files(docs: Path) -> dict[Path, str]:
    """docs/architecture.md's diagram block, and the Graphviz source and its SVG."""
    arch = docs / "architecture.md"
    found = {
        arch: replace_block(arch.read_text("utf-8"), "architecture", fenced(architecture_mermaid()))
    }
    return found | dot_files(docs, "architecture", architecture_dot())
