"""`ventes rapport` : écrire la note de résultats (Markdown) et le rapport HTML.

``ventes rapport``: its options and its handler."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ventes_pme import api, french
from ventes_pme.cli import options
from ventes_pme.config import Settings, check_folder
from ventes_pme.errors import DatabaseError, ReportError

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "rapport"


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="écrire la note de résultats (Markdown) et le rapport HTML avec graphiques",
        description="Lit les résultats de la dernière analyse enregistrée dans la base et écrit "
        "dans DOSSIER la note de résultats resultats.md et le rapport rapport.html (un seul "
        "fichier, sans ressource externe, lisible sur téléphone comme sur ordinateur).",
    )
    options.configuration(p)
    p.add_argument(
        "--sortie",
        metavar="DOSSIER",
        type=Path,
        default=Path("rapport"),
        help="dossier où écrire resultats.md et rapport.html (défaut : rapport/)",
    )


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme import report  # only this command needs the report stage

    check_folder(args.sortie, "--sortie")
    with api.connection(settings, create=False) as conn:  # opened once, for both readings
        analysis = api.latest_analysis(settings, conn=conn)
        if analysis is None:
            raise DatabaseError(
                f"La base « {settings.db_path} » n'a encore aucune analyse : "
                "lancez « ventes analyse »."
            )
        data = api.data_headline(settings, analysis.last_import_id, conn=conn)
    try:
        written = report.write(analysis, args.sortie, data, settings.db_path.stem)
    except OSError as exc:  # (the folder was checked: a full disk, a file changed meanwhile…)
        raise ReportError(
            f"Impossible d'écrire le rapport dans « {args.sortie} » : {french.explain(exc)}."
        ) from exc
    for path in written:
        print(f"Écrit : {path}")
    return 0
