"""`ventes profil` : décrire les données reçues (types, valeurs, clés, doublons, couverture).

``ventes profil``: its options and its handler."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ventes_pme import api, fmt
from ventes_pme.cli import options
from ventes_pme.config import Settings
from ventes_pme.errors import ConfigError, DatabaseError

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "profil"

#: the largest integer SQLite stores (an import number beyond cannot even be asked for)
MAX_SQLITE_INTEGER = 2**63 - 1


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="décrire les données reçues : types, valeurs, clés, doublons, couverture",
        description="Affiche le profil des trois fichiers, calculé et enregistré à chaque "
        "import : encodage, séparateur et fins de ligne, lignes, colonnes et leur type, "
        "valeurs vides et distinctes, min, max, moyenne et médiane des nombres, période et "
        "jours sans vente, valeurs les plus fréquentes, clés candidates, lignes identiques, "
        "couverture des références (ventes à produit ou magasin inconnu, produits et "
        "magasins sans vente) et valeurs aberrantes (règle de Tukey). Par défaut, le profil "
        "du dernier import ; l'historique est dans les tables profile_* (vue "
        "profile_history).",
    )
    options.configuration(p)
    p.add_argument(
        "--import",
        metavar="N",
        type=int,
        dest="import_id",
        help="le profil de l'import n° N (défaut : le dernier)",
    )
    options.json_output(p, "le profil")


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme.profile import french as profile

    if args.import_id is not None and not 1 <= args.import_id <= MAX_SQLITE_INTEGER:
        raise ConfigError(
            f"--import : un numéro d'import est un entier de 1 à "
            f"{fmt.integer(MAX_SQLITE_INTEGER)}, pas « {args.import_id} »."
        )
    found = api.profile(settings, args.import_id)
    if found is None:
        if args.import_id is not None:
            raise DatabaseError(
                f"La base « {settings.db_path} » n'a pas de profil pour l'import n° "
                f"{args.import_id} (voir la table profile_files)."
            )
        raise DatabaseError(
            f"La base « {settings.db_path} » n'a encore aucun profil des données : "
            "lancez « ventes import »."
        )
    if args.json:
        print(json.dumps(profile.to_json(found), ensure_ascii=False, indent=2))
    else:
        print(profile.text(found), end="")
    return 0
