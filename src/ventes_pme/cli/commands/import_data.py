"""`ventes import` : télécharger les trois fichiers et importer les nouvelles ventes.

``ventes import``: its options and its handler."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ventes_pme import api
from ventes_pme.cli import options
from ventes_pme.cli.output import print_import
from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "import"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="télécharger les trois fichiers et importer les nouvelles ventes",
        description="Télécharge produits, magasins et ventes, vérifie chaque ligne, met à jour "
        "produits et magasins et n'ajoute que les ventes absentes de la base. Un import est une "
        "transaction : en cas d'erreur la base reste telle qu'elle était.",
    )
    options.configuration(p, urls=True)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    print_import(api.import_data(settings, options.progress_line(settings)))
    return 0
