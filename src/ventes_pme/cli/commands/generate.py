"""`ventes generer` : écrire des données de test au format du client (produits, magasins, ventes).

``ventes generer``: its options and its handler (the generator: :mod:`ventes_pme.generate`,
imported only by this command)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ventes_pme import fmt, french
from ventes_pme.config import Settings, check_folder
from ventes_pme.errors import ConfigError, VentesError

if TYPE_CHECKING:
    from ventes_pme.cli.parser import Subcommands

NAME = "generer"

#: ``--ordre`` (generate.ORDERS, not imported here: the command line starts lean)
ORDRES = ("chronologique", "recent", "produit", "magasin", "aleatoire")


def add_parser(commands: Subcommands) -> None:
    p = commands.add_parser(
        NAME,
        help="écrire des données de test au format du client (produits, magasins, ventes)",
        description="Écrit produits.csv, magasins.csv et ventes.csv dans DOSSIER, au format du "
        "client : des ventes sur une période, des magasins dans de vraies villes françaises de "
        "toutes les régions (outre-mer compris), une part de lignes identiques et une part de "
        "lignes invalides. Le même germe donne les mêmes fichiers. Par défaut les lignes sont "
        "dans l'ordre des dates, comme celles du client ; --ordre les écrit comme une feuille "
        "triée autrement. Avec --ajouter, ajoute des ventes à la fin du fichier existant, "
        "comme le fait le client entre deux imports.",
    )
    p.add_argument("dossier", metavar="DOSSIER", type=Path, help="dossier des trois fichiers")
    p.add_argument(
        "-n", "--ventes", type=int, default=10_000, metavar="N", help="nombre de ventes (10000)"
    )
    p.add_argument("--produits", type=int, default=200, metavar="P", help="produits (200)")
    p.add_argument("--magasins", type=int, default=50, metavar="S", help="magasins (50)")
    p.add_argument("--germe", type=int, default=1, help="germe du hasard (1)")
    p.add_argument(
        "--identiques",
        type=float,
        default=0.02,
        metavar="PART",
        help="part des lignes identiques à une ligne récente (0.02)",
    )
    p.add_argument(
        "--invalides",
        type=float,
        default=0.001,
        metavar="PART",
        help="part de lignes invalides (0.001)",
    )
    p.add_argument(
        "--debut",
        metavar="AAAA-MM-JJ",
        help="première date (défaut : 2024-01-01, ou la dernière date du fichier avec --ajouter)",
    )
    period = p.add_mutually_exclusive_group()
    period.add_argument(
        "--jours", type=int, metavar="J", help="durée de la période (365 ; 7 avec --ajouter)"
    )
    period.add_argument(
        "--annees", type=int, metavar="A", help="durée de la période en années (au lieu de --jours)"
    )
    p.add_argument(
        "--ordre",
        choices=ORDRES,
        default="chronologique",
        help="ordre des lignes de ventes : chronologique (défaut, celui du client), recent (les "
        "plus récentes d'abord), produit ou magasin (feuille triée sur cette colonne) ou "
        "aleatoire (mélangées) ; avec --ajouter, l'ordre des seules lignes ajoutées",
    )
    p.add_argument(
        "--ajouter",
        action="store_true",
        help="ajouter N ventes à la fin de DOSSIER/ventes.csv (produits et magasins inchangés)",
    )


def _days(args: argparse.Namespace, start: date | None) -> int | None:
    """The period's length in days: ``--jours``, or ``--annees`` counted from the first day."""
    if args.annees is None:
        days: int | None = args.jours
        return days
    if args.annees < 1:
        raise ConfigError("--annees : au moins une année.")
    first = start or date(2024, 1, 1)
    try:
        return (first.replace(year=first.year + args.annees) - first).days
    except ValueError:  # 29 February
        return (date(first.year + args.annees, 3, 1) - first).days


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme.generate import generate

    try:
        start = date.fromisoformat(args.debut) if args.debut else None
    except ValueError:
        raise ConfigError(f"--debut : date AAAA-MM-JJ attendue, pas « {args.debut} ».") from None
    check_folder(args.dossier, "DOSSIER")
    days = _days(args, start)
    try:
        done = generate(
            args.dossier,
            sales=args.ventes,
            products=args.produits,
            stores=args.magasins,
            seed=args.germe,
            identical=args.identiques,
            invalid=args.invalides,
            start=start,
            days=days,
            append=args.ajouter,
            order=args.ordre,
        )
    except FileNotFoundError as exc:
        raise ConfigError(f"Rien à compléter : « {exc} » n'existe pas.") from None
    except ValueError as exc:
        raise ConfigError(f"Réglage invalide pour « ventes generer » : {exc}.") from None
    except OSError as exc:  # (the folder was checked: a full disk, a file changed meanwhile…)
        raise VentesError(
            f"Impossible d'écrire les données dans « {args.dossier} » : {french.explain(exc)}."
        ) from exc
    verb = "ajoutées à" if args.ajouter else "écrites dans"
    print(
        f"{fmt.integer(done.sales)} ventes {verb} « {done.folder} » "
        f"(du {fmt.day(str(done.first_day))} au {fmt.day(str(done.last_day))}) : "
        f"{fmt.integer(done.identical)} lignes identiques à une autre, "
        f"{fmt.integer(done.invalid)} lignes invalides."
    )
    return 0
