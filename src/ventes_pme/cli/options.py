"""Les options partagées par les commandes : base, adresses, progression, rapport, JSON.

The options several commands share, defined once (each command's own options sit in its
module, next to its handler), and the settings they give."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ventes_pme.config import Settings
from ventes_pme.progress import ProgressLine


def configuration(parser: argparse.ArgumentParser, *, urls: bool = False) -> None:
    """``--db``; with ``urls``, the three files' addresses and ``--progression`` too."""
    group = parser.add_argument_group("configuration (option > variable d'environnement > défaut)")
    group.add_argument(
        "--db",
        metavar="CHEMIN",
        type=Path,
        dest="db_path",
        help="fichier de la base SQLite (VENTES_DB, défaut : data/ventes.db)",
    )
    if urls:
        for source in ("produits", "magasins", "ventes"):
            group.add_argument(
                f"--url-{source}",
                metavar="URL",
                dest=f"url_{source}",
                help=f"adresse du fichier {source} : http(s), file:// ou chemin local "
                f"(VENTES_URL_{source.upper()}, défaut : la feuille publiée du client)",
            )
        group.add_argument(
            "--progression",
            action=argparse.BooleanOptionalAction,
            dest="progress",
            help="afficher la progression (défaut : seulement dans un terminal)",
        )


def rapport(parser: argparse.ArgumentParser) -> None:
    """``--rapport``: the note and the report rewritten after each analysis."""
    parser.add_argument(
        "--rapport",
        metavar="DOSSIER",
        type=Path,
        dest="rapport_dir",
        help="réécrire la note resultats.md et le rapport rapport.html dans DOSSIER après "
        "chaque analyse (VENTES_RAPPORT, défaut : non écrits)",
    )


def json_output(parser: argparse.ArgumentParser, what: str = "les résultats") -> None:
    """``--json``: the command's output as JSON."""
    parser.add_argument("--json", action="store_true", help=f"afficher {what} en JSON")


#: the settings an option can give (:class:`Settings`), by their ``dest``
SETTINGS = (
    "db_path",
    "url_produits",
    "url_magasins",
    "url_ventes",
    "progress",
    "watch_interval",
    "rapport_dir",
)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings: the command's options, then the environment, then the defaults."""
    return Settings.load({name: getattr(args, name, None) for name in SETTINGS})


def progress_line(settings: Settings) -> ProgressLine | None:
    """The progress line, when asked for (``--progression``) or in a terminal."""
    enabled = settings.progress if settings.progress is not None else sys.stderr.isatty()
    return ProgressLine() if enabled else None
