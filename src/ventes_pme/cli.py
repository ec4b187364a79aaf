"""La commande `ventes` : une fine couche en français sur l'API Python.

The ``ventes`` command: a thin French layer over :mod:`ventes_pme.api`."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ventes_pme import __version__, api, fmt, french, signals, wording
from ventes_pme.config import Settings, check_folder
from ventes_pme.errors import ConfigError, ReportError, VentesError
from ventes_pme.load import ImportReport
from ventes_pme.progress import ProgressLine

if TYPE_CHECKING:
    from ventes_pme.analyse import Analysis


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


class _Parser(argparse.ArgumentParser):
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


#: the largest integer SQLite stores (an import number beyond cannot even be asked for)
MAX_SQLITE_INTEGER = 2**63 - 1


def _common(parser: argparse.ArgumentParser, *, urls: bool = False) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        dest="command", metavar="COMMANDE", title="commandes", parser_class=_Parser
    )
    p = commands.add_parser(
        "init",
        help="créer la base et appliquer les migrations (sans effet si déjà fait)",
        description="Crée la base SQLite et toutes ses tables, applique les migrations en "
        "attente et enregistre la version du schéma. Sans effet sur une base à jour.",
    )
    _common(p)
    p = commands.add_parser(
        "import",
        help="télécharger les trois fichiers et importer les nouvelles ventes",
        description="Télécharge produits, magasins et ventes, vérifie chaque ligne, met à jour "
        "produits et magasins et n'ajoute que les ventes absentes de la base. Un import est une "
        "transaction : en cas d'erreur la base reste telle qu'elle était.",
    )
    _common(p, urls=True)
    p = commands.add_parser(
        "analyse",
        help="calculer les analyses et enregistrer leurs résultats",
        describe=_analyses_description,
    )
    _common(p)
    p.add_argument("--json", action="store_true", help="afficher les résultats en JSON")
    p = commands.add_parser(
        "run",
        help="tout enchaîner : init, import puis analyse (la tâche principale)",
        description="La tâche principale : init, import puis analyse.",
    )
    _common(p, urls=True)
    _rapport_option(p)
    p.add_argument("--json", action="store_true", help="afficher les résultats en JSON")
    p = commands.add_parser(
        "watch",
        help="surveiller la source : importer périodiquement, analyser quand elle change",
        description="Importe à intervalle régulier : à chaque cycle, demande au serveur si les "
        "fichiers ont changé (ETag / Last-Modified) ; sinon, l'import est sauté. Chaque cycle "
        "se termine par une analyse qui couvre toutes les ventes de la base (relancée si la "
        "dernière en manque une, même importée à côté). Une ligne datée par cycle. "
        "Ctrl+C ou SIGTERM arrête proprement à la fin du cycle en cours (un second signal "
        "annule l'import en cours : la base reste telle qu'elle était).",
    )
    _common(p, urls=True)
    _rapport_option(p)
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
    _deliverables_parsers(commands)
    _generate_parser(commands)
    _profile_parser(commands)
    return parser


def _analyses_description() -> str:
    """The description of ``ventes analyse``: the declared analyses, by their titles."""
    import textwrap

    from ventes_pme import catalog

    return textwrap.fill(
        "Calcule les analyses ("
        + ", ".join(spec.title[:1].lower() + spec.title[1:] for spec in catalog.specs())
        + ") et enregistre leurs résultats dans la base (une nouvelle exécution à chaque "
        "fois, l'historique est conservé).",
        90,
    )


def _profile_parser(commands: Any) -> None:
    p = commands.add_parser(
        "profil",
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
    _common(p)
    p.add_argument(
        "--import",
        metavar="N",
        type=int,
        dest="import_id",
        help="le profil de l'import n° N (défaut : le dernier)",
    )
    p.add_argument("--json", action="store_true", help="afficher le profil en JSON")


def _rapport_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rapport",
        metavar="DOSSIER",
        type=Path,
        dest="rapport_dir",
        help="réécrire la note resultats.md et le rapport rapport.html dans DOSSIER après "
        "chaque analyse (VENTES_RAPPORT, défaut : non écrits)",
    )


#: ``ventes generer --ordre`` (generate.ORDERS, not imported here: the CLI starts lean)
ORDRES = ("chronologique", "recent", "produit", "magasin", "aleatoire")


def _generate_parser(commands: Any) -> None:
    p = commands.add_parser(
        "generer",
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


def settings_from(args: argparse.Namespace) -> Settings:
    names = (
        "db_path",
        "url_produits",
        "url_magasins",
        "url_ventes",
        "progress",
        "watch_interval",
        "rapport_dir",
    )
    return Settings.load({name: getattr(args, name, None) for name in names})


def _progress(settings: Settings) -> ProgressLine | None:
    enabled = settings.progress if settings.progress is not None else sys.stderr.isatty()
    return ProgressLine() if enabled else None


def print_import(report: ImportReport) -> None:
    print(f"Import n° {report.import_id} terminé le {fmt.moment(report.finished_at)}.")
    headers = ["fichier", "lues", "insérées", "mises à jour", "déjà présentes", "rejetées"]
    rows = []
    for f in report.files.values():
        name = f.source + (" (ajouts seuls)" if f.incremental else "")
        rows.append(
            [
                name,
                *(
                    fmt.integer(n)
                    for n in (f.rows_read, f.inserted, f.updated, f.already_present, f.rejected)
                ),
            ]
        )
    print(fmt.table(headers, rows, right={1, 2, 3, 4, 5}))
    added = report.sales_after - report.sales_before
    print(f"Ventes en base : {fmt.integer(report.sales_after)} (+{fmt.integer(added)}).")
    rejected = sum(f.rejected for f in report.files.values())
    if rejected:
        lines = fmt.plural(rejected, "ligne rejetée", "lignes rejetées")
        print(f"{lines} : voir la table « rejects ».")
    for warning in wording.warnings(report):
        print(f"Attention : {warning}", file=sys.stderr)


def print_analysis(analysis: Analysis) -> None:
    """The declared analyses (:mod:`ventes_pme.catalog`) as plain-text tables."""
    from ventes_pme import catalog

    period = (
        f" du {fmt.day(analysis.period_start)} au {fmt.day(analysis.period_end)}"
        if analysis.period_start
        else ""
    )
    print(f"Analyse n° {analysis.run_id} : {fmt.plural(analysis.sales_count, 'vente')}{period}")
    print(f"\nChiffre d'affaires total : {fmt.euros(analysis.total_revenue_cents)}")
    hidden = []
    for spec in catalog.tables():
        if not spec.terminal:
            hidden.append(spec.title[:1].lower() + spec.title[1:])
            continue
        columns = [c for c in spec.columns if c.terminal]
        rows = analysis.tables[spec.name]
        print(f"\n{spec.title}")
        cells = [[fmt.value(c.format, row[c.key]) for c in columns] for row in rows]
        right = {i for i, c in enumerate(columns) if c.numeric}
        print(fmt.table([c.title for c in columns], cells, right=right))
    if hidden:
        print(
            f"\nNon affichés ici : {', '.join(hidden)} ; voir ventes analyse --json "
            "ou les vues derniere_* de la base."
        )


def _json(analysis: Analysis) -> None:
    from ventes_pme.analyse import json_text

    print(json_text(analysis.to_json()))


def _cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    report = api.init(settings)
    if report.applied:
        print(
            f"Base « {report.db_path} » prête : "
            f"{fmt.plural(len(report.applied), 'migration appliquée', 'migrations appliquées')} : "
            f"{', '.join(report.applied)}."
        )
    else:
        print(f"Base « {report.db_path} » déjà à jour (schéma version {report.schema_version}).")
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    print_import(api.import_data(settings, _progress(settings)))
    return 0


def _cmd_analyse(args: argparse.Namespace, settings: Settings) -> int:
    analysis = api.analyse(settings)
    _json(analysis) if args.json else print_analysis(analysis)
    return 0


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    report = api.run(settings, _progress(settings))
    if args.json:
        for warning in wording.warnings(report.imported):  # stdout is the JSON: warnings on stderr
            print(f"Attention : {warning}", file=sys.stderr)
        _json(report.analysis)
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


def _cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from ventes_pme.generate import generate

    try:
        start = date.fromisoformat(args.debut) if args.debut else None
    except ValueError:
        raise ConfigError(f"--debut : date AAAA-MM-JJ attendue, pas « {args.debut} ».") from None
    check_folder(args.dossier, "DOSSIER")
    days = args.jours
    if args.annees is not None:
        if args.annees < 1:
            raise ConfigError("--annees : au moins une année.")
        first = start or date(2024, 1, 1)
        try:
            days = (first.replace(year=first.year + args.annees) - first).days
        except ValueError:  # 29 February
            days = (date(first.year + args.annees, 3, 1) - first).days
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


def _cmd_profile(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme.errors import DatabaseError
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


def _cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    if args.cycles is not None and args.cycles < 1:
        raise ConfigError("--cycles doit être au moins 1.")
    from ventes_pme import watch  # the layer above the API: only this command needs it

    watch.watch(settings, settings.watch_interval, cycles=args.cycles)
    return 0


# --- deliverables: ventes schema, ventes rapport -------------------------------------------


def _deliverables_parsers(commands: Any) -> None:
    p = commands.add_parser(
        "schema",
        help="afficher le schéma physique de la base (diagramme Mermaid ou Graphviz)",
        description="Crée une base en mémoire, y applique toutes les migrations, lit ses tables, "
        "colonnes, clés et relations (sqlite_master, PRAGMA table_info, foreign_key_list) et "
        "affiche le diagramme : il ne peut donc pas s'écarter du vrai schéma.",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument(
        "--mermaid",
        action="store_const",
        const="mermaid",
        dest="format",
        help="diagramme Mermaid erDiagram (défaut)",
    )
    form.add_argument(
        "--dot", action="store_const", const="dot", dest="format", help="graphe Graphviz (dot)"
    )
    p = commands.add_parser(
        "rapport",
        help="écrire la note de résultats (Markdown) et le rapport HTML avec graphiques",
        description="Lit les résultats de la dernière analyse enregistrée dans la base et écrit "
        "dans DOSSIER la note de résultats resultats.md et le rapport rapport.html (un seul "
        "fichier, sans ressource externe, lisible sur téléphone comme sur ordinateur).",
    )
    _common(p)
    p.add_argument(
        "--sortie",
        metavar="DOSSIER",
        type=Path,
        default=Path("rapport"),
        help="dossier où écrire resultats.md et rapport.html (défaut : rapport/)",
    )


def _cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme import schema

    print(schema.dot() if args.format == "dot" else schema.mermaid(), end="")
    return 0


def _cmd_rapport(args: argparse.Namespace, settings: Settings) -> int:
    from ventes_pme import report
    from ventes_pme.errors import DatabaseError

    check_folder(args.sortie, "--sortie")
    analysis = api.latest_analysis(settings)
    if analysis is None:
        raise DatabaseError(
            f"La base « {settings.db_path} » n'a encore aucune analyse : lancez « ventes analyse »."
        )
    data = api.data_headline(settings, analysis.last_import_id)
    try:
        written = report.write(analysis, args.sortie, data, settings.db_path.stem)
    except OSError as exc:  # (the folder was checked: a full disk, a file changed meanwhile…)
        raise ReportError(
            f"Impossible d'écrire le rapport dans « {args.sortie} » : {french.explain(exc)}."
        ) from exc
    for path in written:
        print(f"Écrit : {path}")
    return 0


#: each command's handler, by the name its parser gives it
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "init": _cmd_init,
    "import": _cmd_import,
    "analyse": _cmd_analyse,
    "run": _cmd_run,
    "watch": _cmd_watch,
    "generer": _cmd_generate,
    "profil": _cmd_profile,
    "schema": _cmd_schema,
    "rapport": _cmd_rapport,
}


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
            code = COMMANDS[args.command](args, settings)
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
