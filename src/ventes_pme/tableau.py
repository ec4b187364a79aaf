"""Le service `tableau` : le rapport HTML et la base, servis en lecture seule par Datasette.

The ``tableau`` service: the HTML report and the database, served read-only by Datasette.

``python -m ventes_pme.tableau`` (the command of the ``tableau`` image) writes Datasette's
metadata into a temporary folder, waits for the database to exist, then runs
``datasette serve`` in the same process (no child process, no shell). Everything Datasette
is told comes from here, so the tests start exactly what the image starts:

- the metadata (:func:`metadata`): French titles and descriptions of every table, view and
  column (from :mod:`ventes_pme.dictionary`, the source of the schema documentation), and
  the canned queries: one per declared analysis, made from its declaration
  (:func:`analysis_query`), then the others, one named ``.sql`` file each in
  ``sql/tableau/`` (the import journal, the rejects);
- the command line (:func:`datasette_command`): the database opened read-only (Datasette's
  ``mode=ro`` connections), no arbitrary SQL, no cache, no unbounded CSV stream, and the
  plugins of ``tableau_plugins/``: the current report as the home page (``rapport``), the
  introspection pages closed and the CSV exports neutralised (``private``), the French
  Excel export (``exports``).

This module only uses the standard library: Datasette is installed in the ``tableau``
image (extra ``tableau`` of pyproject.toml), never required by the ``ventes`` command.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ventes_pme import catalog, db, dictionary, fmt, sqlfiles
from ventes_pme.config import Settings
from ventes_pme.errors import ConfigError

PLUGINS_DIR = Path(__file__).resolve().parent / "tableau_plugins"
#: Datasette's and the dashboards' page templates, in French (standard template override)
TEMPLATES_DIR = Path(__file__).resolve().parent / "tableau_templates"
#: the name under which the report plugin reads its settings in the metadata
PLUGIN = "ventes-rapport"
#: what Datasette is told, beside the database, the metadata and the plugins
SETTINGS = {
    # the brief's questions are canned queries; no free SQL on a shared page (README)
    "default_allow_sql": "off",
    # the database changes under Datasette (watch): never serve a page from a cache
    "default_cache_ttl": "0",
    # facet suggestions run one query per column: slow on millions of sales
    "suggest_facets": "off",
    "sql_time_limit_ms": "3000",
    "allow_download": "off",
    # no unbounded anonymous export: a CSV holds one page of at most max_returned_rows
    "allow_csv_stream": "off",
    # a canned query's page and its exports stop at this many rows. Every canned query fits
    # (checked on three years of sales): the per-day one keeps its latest days
    # (``recent_days`` of its declaration), the others have one row per product, store,
    # region, week, month or product × region; a page that holds part of a result says so.
    "max_returned_rows": "5000",
}


def analysis_query(spec: catalog.Spec) -> str:
    """The canned query of an analysis, from its declaration: its latest results, each
    column under its key, amounts formatted in French (``format_euros``: the SQL function
    of :mod:`ventes_pme.fmt`, registered by the plugin) with their exact cents beside them
    (``<key>_centimes``, for exports), months as ``mai 2023``, each ``share`` column
    followed by its share of the total (``part``), the totals with their period; in the
    declared order."""
    table = spec.table
    shares = [c for c in spec.columns if c.share]
    columns = []
    # identifiers only, from the declarations (checked by catalog._spec)
    for c in spec.columns:
        value = f"{table}.{c.name}"
        if c.format == "euros":
            columns += [f"format_euros({value}) AS {c.key}", f"{value} AS {c.key}_centimes"]
        elif c.format == "month":
            columns.append(f"format_month({value}) AS {c.key}")
        else:
            columns.append(f"{value} AS {c.key}")
        if c.share:
            name = "part" if len(shares) == 1 else f"part_{c.key}"
            columns.append(f"format_share({value}, sum({value}) OVER ()) AS {name}")
    if spec.summary:
        columns += ["derniere_analyse.debut_periode AS du", "derniere_analyse.fin_periode AS au"]
    order = ", ".join(f"{table}.{part}" for part in spec.order.split(", "))
    recent = ""
    if spec.recent_days:  # the latest days only: the key column is a date (catalog._spec)
        day = f"{table}.{spec.columns[0].name}"
        recent = (
            f"\nWHERE {day} > date((SELECT max(latest.{spec.columns[0].name}) FROM {table} "
            f"AS latest WHERE latest.run_id = derniere_analyse.analyse_id), "
            f"'-{spec.recent_days} days')"
        )
    return (
        "SELECT\n    "
        + ",\n    ".join(columns)
        + f"\nFROM {table}\nINNER JOIN derniere_analyse ON {table}.run_id = "
        "derniere_analyse.analyse_id" + recent + ("" if spec.summary else f"\nORDER BY {order}")
    )


def column_titles(spec: catalog.Spec) -> dict[str, str]:
    """The French header of each column of :func:`analysis_query` (key -> title): the
    pages show it (templates' query.html), the exports keep the keys."""
    titles = {}
    for c in spec.columns:
        titles[c.key] = c.title
        if c.format == "euros":
            titles[f"{c.key}_centimes"] = f"{c.title} (centimes)"
    titles.update(part="part", du="du", au="au")
    return titles


def canned_queries() -> dict[str, dict[str, Any]]:
    """Name -> title, description and SQL of each canned query.

    First one per declared analysis, named after it (``ventes_par_produit``), with the title
    and description of its declaration; then each file of ``sql/tableau/``: it starts with
    its title on a comment line, then its description on the following comment lines;
    ``01_derniers_imports.sql`` is the query ``derniers_imports``.
    """
    queries: dict[str, dict[str, Any]] = {
        spec.name: {
            "title": spec.title,
            "description": spec.description
            + (
                f" Cette page montre les {spec.recent_days} derniers jours ; l'historique "
                "complet, par semaine et par mois, est dans les requêtes « par semaine » et "
                "« par mois » et dans les tableaux de bord."
                if spec.recent_days
                else ""
            ),
            "sql": analysis_query(spec),
            "colonnes": column_titles(spec),
        }
        for spec in catalog.specs()
    }
    folder = resources.files("ventes_pme").joinpath("sql/tableau")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".sql"):
            continue
        text = item.read_text("utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            comments.append(line.removeprefix("--").strip())
        name = item.name.removesuffix(".sql").split("_", 1)[1]
        if name in queries:
            raise ConfigError(
                f"La requête enregistrée « {name} » de sql/tableau/ porte le nom d'une analyse."
            )
        queries[name] = {
            "title": comments[0],
            "description": " ".join(comments[1:]),
            "sql": text.strip(),
        }
    for query in queries.values():
        query["hide_sql"] = True  # the manager reads the results first; the SQL is a click away
    return queries


#: the parts every dashboard query starts with, as common table expressions, in this order
#: (sql/tableau_bord/<name>.sql): the period, the stores and products chosen, the sales
#: they keep from the aggregates (and from the sales of the days no aggregate row covers)
DASHBOARD_PARTS = (
    "bornes",
    "magasins_choisis",
    "produits_choisis",
    "ventes_jours",
    "ventes_mois",
    "ventes_periodes",
    "totaux",
    "ventes_produits",
    "ventes_magasins",
)
#: the period presets of the dashboards' ``periode`` filter, counted back from the latest sale
PERIODS = ("4 dernières semaines", "ce mois-ci", "cette année", "tout")
DASHBOARD_DEFAULT_PERIOD = PERIODS[0]
#: the dashboards, slug -> title, description
DASHBOARDS = {
    "apercu": (
        "Vue d'ensemble",
        "Chiffre d'affaires, ventes et panier moyen de la période, comparés à la période "
        "précédente de même longueur ; l'évolution, les régions, les 10 meilleurs produits.",
    ),
    "produits": (
        "Produits",
        "Les 10 meilleurs produits, l'évolution de la sélection et la liste complète des "
        "produits vendus.",
    ),
    "regions-magasins": (
        "Régions et magasins",
        "Des régions aux villes et aux magasins, puis aux produits : cliquer sur une région "
        "ou un magasin pour n'afficher que lui.",
    ),
}
#: Vega-Lite's French locale (numbers and dates), and the plugin's own defaults kept
VEGA_CONFIG: dict[str, Any] = {
    "background": "#00000000",
    "line": {"point": True},
    "locale": {
        "number": {
            "decimal": ",",
            "thousands": "\u202f",
            "grouping": [3],
            "currency": ["", "\u00a0€"],
        },
        "time": {
            "dateTime": "%A %e %B %Y à %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [fmt.WEEKDAYS[-1], *fmt.WEEKDAYS[:-1]],  # Sunday first, as d3 asks
            "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
            "months": list(fmt.MONTHS),
            "shortMonths": [
                "janv.",
                "févr.",
                "mars",
                "avr.",
                "mai",
                "juin",
                "juil.",
                "août",
                "sept.",
                "oct.",
                "nov.",
                "déc.",
            ],
        },
    },
}


def _sql_file(name: str) -> tuple[str, str, str]:
    """Title, description and body of ``sql/tableau_bord/<name>.sql``: its first comment
    line, the comment lines after it up to an empty one, the text after the comments."""
    text = sqlfiles.sql(f"tableau_bord/{name}")
    lines = text.splitlines()
    comments = []
    while lines and lines[0].startswith("--"):
        comments.append(lines.pop(0).removeprefix("--").strip())
    head = comments[1:]
    description = " ".join(head[: head.index("")] if "" in head else head)
    return comments[0] if comments else "", description, "\n".join(lines).strip()


def dashboard_query(name: str) -> str:
    """The query of the dashboards' chart ``name``: the common parts
    (:data:`DASHBOARD_PARTS`) as common table expressions, then ``sql/tableau_bord/<name>.sql``.
    Every filter is a bound parameter (``:periode``, ``:du``, ``:au``, ``:region``,
    ``:magasin``, ``:produit``; empty when not chosen)."""
    parts = ",\n".join(f"{part} AS (\n{_sql_file(part)[2]}\n)" for part in DASHBOARD_PARTS)
    return f"WITH {parts}\n{_sql_file(name)[2]}"


def _declared(name: str) -> catalog.Spec | None:
    """The declared analysis named ``name``, if there is one."""
    return next((spec for spec in catalog.specs() if spec.name == name), None)


def _bars(
    database: str, name: str, label: str, *, horizontal: bool = True, analysis: str = ""
) -> dict[str, Any]:
    """A bar chart of ``chiffre_affaires_centimes`` (drawn in euros) by ``label``, in the
    query's order; each bar opens the row's ``lien`` when the query gives one. With
    ``analysis``, the title and description are that declared analysis' (its figures
    for the chosen period and selection)."""
    title, description, _ = _sql_file(name)
    spec = _declared(analysis) if analysis else None
    if spec is not None:
        title, description = (
            spec.title,
            spec.description.replace("sur toute la période", "sur la période choisie"),
        )
    value = {
        "field": "euros",
        "type": "quantitative",
        "title": "chiffre d'affaires (€)",
        "axis": {"format": ",.0f"},
    }
    category = {"field": label, "type": "nominal", "sort": None, "title": None}
    encoding: dict[str, Any] = {
        "tooltip": [
            {"field": label, "title": label.replace("_", " ")},
            {"field": "chiffre_affaires", "title": "chiffre d'affaires"},
        ],
    }
    if horizontal:
        encoding.update(y={**category, "axis": {"labelLimit": 180}}, x=value)
    else:
        encoding.update(x={**category, "axis": {"labelAngle": 0}}, y=value)
    query = dashboard_query(name)
    if " AS lien" in query:
        encoding["href"] = {"field": "lien"}
    return {
        "title": title,
        "description": description,
        "db": database,
        "query": query,
        "library": "vega-lite",
        "display": {
            "mark": {"type": "bar", "tooltip": True, "cursor": "pointer"},
            "transform": [{"calculate": "datum.chiffre_affaires_centimes / 100", "as": "euros"}],
            "encoding": encoding,
            "config": VEGA_CONFIG,
        },
    }


def _trend(database: str) -> dict[str, Any]:
    title, description, _ = _sql_file("tendance")
    return {
        "title": f"{title} (par jour, semaine ou mois selon la durée)",
        "description": description,
        "db": database,
        "query": dashboard_query("tendance"),
        "library": "vega-lite",
        "display": {
            "mark": {"type": "line", "tooltip": True},
            "transform": [{"calculate": "datum.chiffre_affaires_centimes / 100", "as": "euros"}],
            "encoding": {
                "x": {"field": "debut", "type": "temporal", "title": None},
                "y": {
                    "field": "euros",
                    "type": "quantitative",
                    "title": "chiffre d'affaires (€)",
                    "axis": {"format": ",.0f"},
                },
                "tooltip": [
                    {"field": "periode", "title": "période"},
                    {"field": "chiffre_affaires", "title": "chiffre d'affaires"},
                    {"field": "ventes", "title": "ventes", "format": ",d"},
                ],
            },
            "config": VEGA_CONFIG,
        },
    }


def _table(database: str, name: str) -> dict[str, Any]:
    title, description, _ = _sql_file(name)
    return {
        "title": title,
        "description": description,
        "db": database,
        "query": dashboard_query(name),
        "library": "table",
    }


def _metric(database: str, title: str, field: str) -> dict[str, Any]:
    return {
        "title": title,
        "db": database,
        "query": dashboard_query("indicateurs"),
        "library": "metric",
        "display": {"field": field},
    }


def _presets(slug: str) -> dict[str, Any]:
    """The period presets as links (the filters' form also has them, and dates)."""
    links = " · ".join(
        f"[{period}](/-/dashboards/{slug}?periode={quote(period)})" for period in PERIODS
    )
    pages = " · ".join(
        f"[{title}](/-/dashboards/{other})"
        for other, (title, _) in DASHBOARDS.items()
        if other != slug
    )
    return {
        "library": "markdown",
        "display": f"**Période :** {links}. Les périodes se comptent depuis la dernière vente "
        f"enregistrée ; les dates du et au, si elles sont remplies, les remplacent. "
        f"**Autres pages :** {pages}.",
    }


def dashboards(database: str) -> dict[str, Any]:
    """The configuration of ``datasette-dashboards``: the three pages, their filters, their
    charts, each chart's query from ``sql/tableau_bord/`` (:func:`dashboard_query`)."""
    filters: dict[str, Any] = {
        "periode": {
            "name": "Période",
            "type": "select",
            "options": list(PERIODS),
            "default": DASHBOARD_DEFAULT_PERIOD,
        },
        "du": {"name": "Du", "type": "date"},
        "au": {"name": "Au", "type": "date"},
        "region": {
            "name": "Région",
            "type": "select",
            "db": database,
            "query": "SELECT DISTINCT store_regions.region FROM store_regions "
            "ORDER BY store_regions.region",
        },
        "magasin": {
            "name": "Magasin",
            "type": "select",
            "db": database,
            "query": "SELECT store_regions.city || ' (n° ' || store_regions.store_id || ')' "
            "FROM store_regions WHERE 1 = 1 [[ AND store_regions.region = :region ]] "
            "ORDER BY store_regions.city, store_regions.store_id",
        },
        "produit": {
            "name": "Produit",
            "type": "select",
            "db": database,
            "query": "SELECT products.name || ' (' || products.product_id || ')' "
            "FROM products ORDER BY products.name, products.product_id",
        },
    }
    charts: dict[str, dict[str, dict[str, Any]]] = {
        "apercu": {
            "liens": _presets("apercu"),
            "chiffre-affaires": _metric(database, "Chiffre d'affaires", "chiffre_affaires"),
            "ventes": _metric(database, "Nombre de ventes", "nombre_ventes"),
            "panier": _metric(database, "Panier moyen", "panier_moyen"),
            "tendance": _trend(database),
            "comparaison": _table(database, "comparaison"),
            "regions": _bars(database, "par_region", "region"),
            "top-produits": _bars(database, "top_produits", "produit"),
            "jours": _bars(
                database,
                "jours_semaine",
                "jour",
                horizontal=False,
                analysis="chiffre_affaires_par_jour_semaine",
            ),
        },
        "produits": {
            "liens": _presets("produits"),
            "top-produits": _bars(database, "top_produits", "produit"),
            "tendance": _trend(database),
            "produits": _table(database, "produits"),
        },
        "regions-magasins": {
            "liens": _presets("regions-magasins"),
            "regions": _bars(database, "par_region", "region"),
            "villes": _bars(database, "par_ville", "ville"),
            "magasins": _table(database, "magasins"),
            "top-produits": _bars(database, "top_produits", "produit"),
            "tendance": _trend(database),
        },
    }
    layouts = {
        "apercu": [
            ["liens", "liens", "liens"],
            ["chiffre-affaires", "ventes", "panier"],
            ["tendance", "tendance", "comparaison"],
            ["regions", "top-produits", "jours"],
        ],
        "produits": [["liens", "liens"], ["top-produits", "tendance"], ["produits", "produits"]],
        "regions-magasins": [
            ["liens", "liens"],
            ["regions", "villes"],
            ["magasins", "magasins"],
            ["top-produits", "tendance"],
        ],
    }
    return {
        slug: {
            "title": title,
            "description": description,
            "layout": layouts[slug],
            "filters": filters,
            "charts": charts[slug],
        }
        for slug, (title, description) in DASHBOARDS.items()
    }


def metadata(database: str, rapport_dir: Path | None) -> dict[str, Any]:
    """Datasette's metadata for the database named ``database`` (its file name's stem)."""
    tables: dict[str, dict[str, Any]] = {
        name: {
            "title": entry.title,
            "description": entry.description,
            # times are stored in UTC; the pages show them in Paris time (render_cell)
            "columns": {
                column: text.replace("(UTC)", "(heure de Paris ; UTC dans les exports)")
                for column, text in entry.columns.items()
            },
        }
        for name, entry in dictionary.entries().items()
    }
    # Litestream's bookkeeping in a replicated database (the `sauvegarde` service): nothing
    # for the manager to read.
    tables.update({name: {"hidden": True} for name in db.LITESTREAM_TABLES})
    return {
        "title": "Ventes de la PME",
        "description": "Les ventes, leurs analyses et le journal des imports, en lecture "
        "seule. Le rapport est en page d'accueil ; les requêtes enregistrées répondent aux "
        "questions de la direction (chiffre d'affaires total, par produit, par région…), "
        "chaque page s'exporte en CSV ou en JSON.",
        "databases": {
            database: {
                "title": "Base des ventes",
                "description": "Tables, vues derniere_* (dernière analyse, en français) et "
                "requêtes enregistrées. Les montants en centimes sont des entiers exacts.",
                "tables": tables,
                "queries": canned_queries(),
            }
        },
        "plugins": {
            PLUGIN: {"dossier": str(rapport_dir) if rapport_dir else None},
            "datasette-dashboards": dashboards(database),
        },
    }


def datasette_arguments(
    db_path: Path, metadata_path: Path, *, host: str = "127.0.0.1", port: int = 8001
) -> list[str]:
    """The arguments of ``datasette`` for the service: ``serve DB --metadata …``."""
    command = ["serve", str(db_path)]
    command += ["--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR)]
    command += ["--template-dir", str(TEMPLATES_DIR)]
    command += ["--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    return command


def write_metadata(settings: Settings, folder: Path) -> Path:
    """Write the metadata of ``settings``' database into ``folder``; returns its path."""
    path = folder / "metadata.json"
    content = metadata(settings.db_path.stem, settings.rapport_dir)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2), "utf-8")
    return path


def wait_for(db_path: Path, timeout: float | None, poll: float = 1.0) -> bool:
    """Wait until ``db_path`` exists and is not empty (the first import creates it)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    said = False
    while not (db_path.is_file() and db_path.stat().st_size > 0):
        if not said:
            print(f"En attente de la base « {db_path} » (créée par le premier import)…")
            said = True
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ventes_pme.tableau",
        description="Sert le rapport HTML (page d'accueil) et la base en lecture seule avec "
        "Datasette. Base : VENTES_DB ; dossier du rapport : VENTES_RAPPORT.",
    )
    parser.add_argument("--hote", default="127.0.0.1", help="adresse d'écoute (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port d'écoute (8001)")
    parser.add_argument(
        "--attente",
        type=float,
        default=None,
        metavar="SECONDES",
        help="attente maximale de la base (défaut : sans limite)",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
    except ConfigError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    if not wait_for(settings.db_path, args.attente):
        print(f"La base « {settings.db_path} » n'existe toujours pas.", file=sys.stderr)
        return 5
    folder = Path(tempfile.mkdtemp(prefix="ventes-tableau-"))
    try:  # the metadata reads the analyses' declarations
        metadata_path = write_metadata(settings, folder)
    except ConfigError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    arguments = datasette_arguments(settings.db_path, metadata_path, host=args.hote, port=args.port)
    print(f"Tableau de bord : Datasette sur {args.hote}:{args.port}, base « {settings.db_path} ».")
    sys.stdout.flush()
    from datasette.cli import cli  # only in the tableau image (extra ``tableau``)

    cli.main(args=arguments, prog_name="datasette")  # runs the server until SIGTERM
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
