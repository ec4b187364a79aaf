"""`ventes watch` : surveiller la source, importer périodiquement, analyser quand elle change.

``ventes watch``: its options and its handler (the watcher itself: :mod:`ventes_pme.watch`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ventes_pme.cli import options
from ventes_pme.config import Settings
from ventes_pme.errors import ConfigError

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "watch"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="surveiller la source : importer périodiquement, analyser quand elle change",
        description="Importe à intervalle régulier : à chaque cycle, demande au serveur si les "
        "fichiers ont changé (ETag / Last-Modified) ; sinon, l'import est sauté. Chaque cycle "
        "se termine par une analyse qui couvre toutes les ventes de la base (relancée si la "
        "dernière en manque une, même importée à côté). Une ligne datée par cycle. "
        "Ctrl+C ou SIGTERM arrête proprement à la fin du cycle en cours (un second signal "
        "annule l'import en cours : la base reste telle qu'elle était).",
    )
    options.configuration(p, urls=True)
    options.rapport(p)
    p.add_argument(
        "--interval",
        metavar="SECONDES",
        type=float,
        dest="watch_interval",
        help="durée entre le début de deux cycles (VENTES_INTERVALLE, défaut : 300)",
    )
    p.add_argument(
        "--cycles",
        metavar="N",
        type=int,
        help="s'arrêter après N cycles (défaut : sans fin)",
    )


def handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.cycles is not None and args.cycles < 1:
        raise ConfigError("--cycles doit être au moins 1.")
    from ventes_pme import watch  # the layer above the API: only this command needs it

    watch.watch(settings, settings.watch_interval, cycles=args.cycles)
    return 0
