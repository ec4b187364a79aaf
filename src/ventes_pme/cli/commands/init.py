"""`ventes init` : créer la base et appliquer les migrations (sans effet si déjà fait).

``ventes init``: its options and its handler."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ventes_pme import api, fmt
from ventes_pme.cli import options
from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "init"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="créer la base et appliquer les migrations (sans effet si déjà fait)",
        description="Crée la base SQLite et toutes ses tables, applique les migrations en "
        "attente et enregistre la version du schéma. Sans effet sur une base à jour.",
    )
    options.configuration(p)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    report = api.init(settings)
    if report.applied:
        print(
            f"Base « {report.db_path} » prête : "
            f"{fmt.plural(len(report.applied), 'migration appliquée', 'migrations appliquées')} : "
            f"{', '.join(report.applied)}."
        )
    else:
        print(f"Base « {report.db_path} » déjà à jour (schéma version {report.schema_version}).")
    return 0
