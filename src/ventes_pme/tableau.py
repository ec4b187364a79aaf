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

from ventes_pme import catalog, db, dictionary
from ventes_pme.config import Settings
from ventes_pme.errors import ConfigError

PLUGINS_DIR = Path(__file__).resolve().parent / "tableau_plugins"
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
    "max_returned_rows": "1000",
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
    return (
        "SELECT\n    "
        + ",\n    ".join(columns)
        + f"\nFROM {table}\nINNER JOIN derniere_analyse ON {table}.run_id = "
        "derniere_analyse.analyse_id" + ("" if spec.summary else f"\nORDER BY {order}")
    )


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
            "description": spec.description,
            "sql": analysis_query(spec),
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


def metadata(database: str, rapport_dir: Path | None) -> dict[str, Any]:
    """Datasette's metadata for the database named ``database`` (its file name's stem)."""
    tables: dict[str, dict[str, Any]] = {
        name: {
            "title": entry.title,
            "description": entry.description,
            "columns": dict(entry.columns),
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
        "plugins": {PLUGIN: {"dossier": str(rapport_dir) if rapport_dir else None}},
    }


def datasette_arguments(
    db_path: Path, metadata_path: Path, *, host: str = "127.0.0.1", port: int = 8001
) -> list[str]:
    """The arguments of ``datasette`` for the service: ``serve DB --metadata …``."""
    command = ["serve", str(db_path)]
    command += ["--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR)]
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
