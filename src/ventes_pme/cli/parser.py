"""L'analyseur de la ligne de commande en français : titres, aide et messages d'erreur.

argparse speaking French: the parser of ``ventes`` and of its commands (and of the
project's tools, ``python -m tools.docs``)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help in French: "Utilisation :", and a space before every heading's colon."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Utilisation : " if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        # argparse writes "<heading>:"; French typography wants "<heading> :"
        super().start_section(f"{heading} " if heading else heading)


#: argparse's English error messages (Python 3.11 to 3.13) -> French, applied in order
_ERRORS = [
    (r"the following arguments are required: ", "arguments obligatoires : "),
    (r"unrecognized arguments: ", "arguments inconnus : "),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"^argument (\S+): ", r"argument \1 : "),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"choix invalide : \1 (choisir parmi \2)"),
    (r"invalid float value: ", "nombre invalide : "),
    (r"invalid int value: ", "nombre entier invalide : "),
    (r"invalid \S+ value: ", "valeur invalide : "),
    (r"expected one argument", "une valeur est attendue"),
    (r"expected at most one argument", "au plus une valeur est attendue"),
    (r"expected at least one argument", "au moins une valeur est attendue"),
    (r"expected (\d+) arguments?", r"\1 valeurs attendues"),
    (r"not allowed with argument ", "incompatible avec l'argument "),
    (r"ignored explicit argument ", "valeur inattendue "),
]


def translate_error(message: str) -> str:
    """An argparse error message in French (French typography included)."""
    for pattern, replacement in _ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


class FrenchParser(argparse.ArgumentParser):
    """argparse speaking French: headings, help option and error messages.

    ``describe``: a function giving the description, called only when the help is shown
    (the analyses' titles: reading their declarations is the analyse stage's business).
    """

    def __init__(
        self, *args: Any, describe: Callable[[], str] | None = None, **kwargs: Any
    ) -> None:
        self.describe = describe
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument(
            "-h",
            "--help",
            action="help",
            default=argparse.SUPPRESS,
            help="afficher cette aide et quitter",
        )

    def format_help(self) -> str:
        if self.describe is not None:
            self.description = self.describe()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {translate_error(message)}\n")


if TYPE_CHECKING:
    #: what ``add_subparsers`` returns: each command module adds its parser to it
    Subcommands = argparse._SubParsersAction[FrenchParser]
