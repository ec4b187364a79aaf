"""`ventes run` : tout enchaîner, init, import puis analyse (la tâche principale).

``ventes run``: its options and its handler."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ventes_pme import api, wording
from ventes_pme.cli import options
from ventes_pme.cli.output import print_analysis, print_analysis_json, print_import
from ventes_pme.config import Settings

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "run"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="tout enchaîner : init, import puis analyse (la tâche principale)",
        description="La tâche principale : init, import puis analyse.",
    )
    options.configuration(p, urls=True)
    options.rapport(p)
    options.json_output(p)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    report = api.run(settings, options.progress_line(settings))
    if args.json:
        for warning in wording.warnings(report.imported):  # stdout is the JSON: warnings on stderr
            print(f"Attention : {warning}", file=sys.stderr)
        print_analysis_json(report.analysis)
        return 0
    if report.init.applied:
        print(
            f"Base « {report.init.db_path} » créée (schéma version {report.init.schema_version})."
        )
    print_import(report.imported)
    print()
    print_analysis(report.analysis)
    if settings.rapport_dir is not None:
        print(f"\nRapport réécrit dans « {settings.rapport_dir} ».")
    return 0
