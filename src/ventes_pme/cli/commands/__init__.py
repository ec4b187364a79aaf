"""Les commandes de `ventes`, une par module, chacune avec ses options à côté de ce qu'elle fait.

Each module of this package is one command: its ``NAME``, ``add_parser`` (the command's
own options, and the shared ones of :mod:`ventes_pme.cli.options`) and ``handle`` (what
it does, with the settings those options give). :data:`COMMANDS` lists them all, in the
order of ``ventes --help``. A module imports only what every command needs; a stage only
one command uses (the analyses, the generator, the report, the watcher) is imported by
that command's handler, so that ``ventes import`` starts lean."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Protocol

from ventes_pme.cli.commands import (
    analyse,
    generate,
    import_data,
    init,
    profile,
    report,
    run,
    schema,
    watch,
)
from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands


class Command(Protocol):
    """What a command module holds."""

    NAME: str

    def add_parser(self, commands: Subcommands) -> None: ...

    def handle(self, args: argparse.Namespace, settings: Settings) -> int: ...


#: every command, by its name, in the order of ``ventes --help``
COMMANDS: dict[str, Command] = {
    module.NAME: module
    for module in (init, import_data, analyse, run, watch, schema, report, generate, profile)
}
