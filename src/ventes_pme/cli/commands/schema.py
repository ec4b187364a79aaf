"""`ventes schema` : afficher le schéma physique de la base (diagramme Mermaid ou Graphviz).

``ventes schema``: its options and its handler."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "schema"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="afficher le schéma physique de la base (diagramme Mermaid ou Graphviz)",
        description="Crée une base en mémoire, y applique toutes les migrations, lit ses tables, "
        "colonnes, clés et relations (sqlite_master, PRAGMA table_info, foreign_key_list) et "
        "affiche le diagramme : il ne peut donc pas s'écarter du vrai schéma.",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument(
        "--mermaid",
        action="store_const",
        const="mermaid",
        dest="format",
        help="diagramme Mermaid erDiagram (défaut)",
    )
    form.add_argument(
        "--dot", action="store_const", const="dot", dest="format", help="graphe Graphviz (dot)"
    )


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme import schema

    print(schema.dot() if args.format == "dot" else schema.mermaid(), end="")
    return 0
