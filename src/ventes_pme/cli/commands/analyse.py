"""`ventes analyse` : calculer les analyses et enregistrer leurs résultats.

``ventes analyse``: its options and its handler. Its description lists the declared
analyses, read only when the help is shown (the command line starts without them)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ventes_pme import api
from ventes_pme.cli import options
from ventes_pme.cli.output import print_analysis, print_analysis_json
from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "analyse"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="calculer les analyses et enregistrer leurs résultats",
        describe=_description,
    )
    options.configuration(p)
    options.json_output(p)


def _description() -> str:
    """The declared analyses, by their titles."""
    import textwrap

    from ventes_pme import catalog

    return textwrap.fill(
        "Calcule les analyses ("
        + ", ".join(spec.title[:1].lower() + spec.title[1:] for spec in catalog.specs())
        + ") et enregistre leurs résultats dans la base (une nouvelle exécution à chaque "
        "fois, l'historique est conservé).",
        90,
    )


def handle(args: argparse.Namespace, settings: Settings) -> int:
    analysis = api.analyse(settings)
    print_analysis_json(analysis) if args.json else print_analysis(analysis)
    return 0
