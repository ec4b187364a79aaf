"""La commande `ventes` : une fine couche en français sur l'API Python.

The ``ventes`` command: a thin French layer over :mod:`ventes_pme.api`. The parser speaks
French (:mod:`~ventes_pme.cli.parser`); each command is a module of
:mod:`~ventes_pme.cli.commands`, its options next to its handler; the options several
commands share are defined once (:mod:`~ventes_pme.cli.options`), and what the commands
print is in :mod:`~ventes_pme.cli.output`. :func:`main` parses, runs the command, and turns
every error into a French message and an exit code."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from ventes_pme import __version__, french, signals
from ventes_pme.cli.commands import COMMANDS
from ventes_pme.cli.options import settings_from
from ventes_pme.cli.parser import FrenchParser, translate_error
from ventes_pme.errors import VentesError

__all__ = ["build_parser", "main", "translate_error"]


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="ventes",
        description=(
            "Analyse des ventes d'une PME : collecte des fichiers produits, magasins et ventes,\n"
            "base SQLite fidèle à la source, analyses SQL enregistrées dans la base."
        ),
        epilog=(
            "Exemples :\n"
            "  ventes run                     # tout : init, import, analyse\n"
            "  ventes import --db /tmp/v.db   # importer dans une autre base\n"
            "  ventes analyse --json          # résultats au format JSON\n"
            "  ventes profil                  # ce que contiennent les fichiers reçus\n"
            "  ventes watch --interval 600    # importer toutes les 10 minutes\n"
            "Aide d'une commande : ventes COMMANDE --help"
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"ventes-pme {__version__}",
        help="afficher la version et quitter",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMANDE", title="commandes", parser_class=FrenchParser
    )
    for command in COMMANDS.values():
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        settings = settings_from(args)
        # SIGTERM (docker stop, kill) interrupts like Ctrl+C: the transaction in flight is
        # rolled back and the temporary files removed. `ventes watch` sets its own.
        with signals.handling(signals.interrupt, signal.SIGTERM):
            code = COMMANDS[args.command].handle(args, settings)
            sys.stdout.flush()  # a reader gone early shows here, not in the exit flush
        return code
    except VentesError as exc:
        print(f"ventes : erreur : {exc.message}", file=sys.stderr)
        _debug_detail(exc)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("\nventes : interrompu : la transaction en cours est annulée.", file=sys.stderr)
        _debug_detail(exc)
        return 130
    except BrokenPipeError:
        # the reader of our output left (ventes analyse | head): not an error of ours;
        # point stdout at /dev/null so the final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say so plainly, details on demand
        print(
            f"ventes : erreur inattendue ({exc.__class__.__name__} : {exc}). "
            "Relancez avec VENTES_DEBUG=1 pour le détail.",
            file=sys.stderr,
        )
        _debug_detail(exc)
        return 70


def _debug_detail(exc: BaseException) -> None:
    """With ``VENTES_DEBUG`` set (not empty, not 0): the traceback of ``exc`` and of the
    lower-level errors behind it (HTTP, SQLite, decoding…), even those a French message
    replaced (``raise … from None``)."""
    if not french.debug():
        return
    cause: BaseException | None = exc
    while cause is not None:
        cause.__suppress_context__ = False
        cause = cause.__cause__ or cause.__context__
    import traceback  # only here: most commands end without it

    print("Détail technique (VENTES_DEBUG) :", file=sys.stderr)
    traceback.print_exception(exc, file=sys.stderr)
