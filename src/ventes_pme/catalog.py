"""Les déclarations des analyses (`sql/analyses/*.toml`) : tables de résultats, vues, formats.

The analyses, each declared once: a SQL file and its declaration beside it.

``sql/analyses/NN_name.sql`` computes the analysis and inserts its rows (with ``:run_id``)
into its result table; ``sql/analyses/NN_name.toml`` declares everything else, read by the
runner (:mod:`ventes_pme.analyse`), ``ventes analyse`` (terminal and ``--json``), the
note and the HTML report (:mod:`ventes_pme.report`):

- ``title``, ``description`` (French: what the analysis answers; the data dictionary, the
  docs and the dashboard show it), ``table`` (the result table), ``order`` (ORDER BY on
  reading the results, and in the dashboard);
- ``columns``: for each column of the result table, its ``key`` (JSON key and column of
  the French view), French ``title`` and ``description``, ``format`` (text, id, integer,
  euros, date, month), ``primary_key``, ``nullable``, ``terminal`` (shown by
  ``ventes analyse``, default true), ``share`` (the reports add its share of the total
  after it);
- optional: ``terminal = false``, ``section`` and ``intro`` (where the reports put it),
  ``html_table = false``, a ``[chart]`` (bars, days or map) or a ``[pivot]``;
- ``summary = true`` for the one-row totals.

The name (``name`` without ``NN_``) is the JSON key; ``NN`` orders the analyses. Beside
the package's own ``sql/analyses``, the folders named by ``VENTES_ANALYSES_SUPPLEMENTAIRES``
(separated by ``os.pathsep``) add theirs, read the same way.

Everything else is derived from the declarations: the data dictionary
(:mod:`ventes_pme.dictionary`), the dashboard's metadata and canned queries
(:mod:`ventes_pme.tableau`), the docs. Nothing is read when this module is imported.

The result table is created from the declaration when the database lacks it
(:func:`ensure_objects`: by ``ventes init``, before each analysis, and when migrations were
just applied; an import on an up-to-date database reads no declaration), so a new analysis
needs no migration;
an existing table that differs from its declaration is refused: changing the columns of
a result table that holds history takes a migration. Each analysis also gets a view
``derniere_<name>`` on the latest run, with French column names, for the sqlite3 shell.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from ventes_pme.db import transaction
from ventes_pme.errors import ConfigError, DatabaseError

FORMATS = {
    "text": "TEXT",
    "id": "INTEGER",
    "integer": "INTEGER",
    "euros": "INTEGER",
    "date": "TEXT",
    "month": "TEXT",  # AAAA-MM, shown as « mai 2023 »
}
#: the setting that names extra folders of declared analyses (os.pathsep between them)
EXTRA_FOLDERS = "VENTES_ANALYSES_SUPPLEMENTAIRES"
#: formats aligned right in the tables (numbers)
NUMERIC = {"id", "integer", "euros"}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_ORDER = re.compile(r"[a-z_][a-z0-9_]*( (ASC|DESC))?(, [a-z_][a-z0-9_]*( (ASC|DESC))?)*")


@dataclass(frozen=True)
class Column:
    """One column of a result table, as every output shows it."""

    name: str  # in the result table
    key: str  # JSON key, column of the French view
    title: str  # French title, in the terminal and the reports
    description: str  # French, for the data dictionary and the dashboard
    format: str  # text | id | integer | euros | date | month
    primary_key: bool = False
    nullable: bool = False
    terminal: bool = True
    share: bool = False

    @property
    def sql_type(self) -> str:
        return FORMATS[self.format]

    @property
    def numeric(self) -> bool:
        return self.format in NUMERIC


@dataclass(frozen=True)
class Chart:
    id: str
    kind: str  # bars | days | map
    title: str
    label: str  # a str.format template over the row's keys
    value: str  # the key of the value drawn
    sort: bool = False  # highest first, rows without a value left out


@dataclass(frozen=True)
class Pivot:
    rows: str  # key whose values are the rows
    columns: str  # key whose values are the columns
    value: str  # key of the cell values
    corner: str  # title of the first column


@dataclass(frozen=True)
class Spec:
    """The declaration of one analysis."""

    file: str  # "02_ventes_par_produit": the .sql and .toml files' name
    name: str  # "ventes_par_produit": the JSON key
    title: str
    description: str  # French: what the analysis answers
    table: str
    sql: str  # the text of the .sql file
    columns: tuple[Column, ...]
    order: str = "run_id"
    summary: bool = False
    terminal: bool = True
    section: str = ""
    intro: str = ""
    html_table: bool = True
    chart: Chart | None = None
    pivot: Pivot | None = None
    #: the canned query shows the latest days only (0: every row); the key is a date
    recent_days: int = 0

    @property
    def view(self) -> str:
        return f"derniere_{self.name}"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _spec(file: str, data: dict[str, Any], sql: str) -> Spec:
    try:
        columns = tuple(Column(**c) for c in data.pop("columns"))
        chart = Chart(**data.pop("chart")) if "chart" in data else None
        pivot = Pivot(**data.pop("pivot")) if "pivot" in data else None
        spec = Spec(
            file=file,
            name=file.partition("_")[2],
            sql=sql,
            columns=columns,
            chart=chart,
            pivot=pivot,
            section=data.pop("section", data["title"]),
            **data,
        )
    except (KeyError, TypeError) as exc:  # a missing or unknown key
        raise ConfigError(f"Déclaration invalide de l'analyse {file} : clé {exc}.") from exc
    # every name below goes into SQL text: identifiers only, checked here
    names = [spec.name, spec.table, *(c.name for c in columns), *(c.key for c in columns)]
    bad = [n for n in names if not _IDENTIFIER.fullmatch(n)]
    if bad or not _ORDER.fullmatch(spec.order) or any(c.format not in FORMATS for c in columns):
        raise ConfigError(
            f"Déclaration invalide de l'analyse {file} : {bad or spec.order} (noms : minuscules, "
            f"chiffres et _ ; formats : {', '.join(FORMATS)})."
        )
    if not spec.description.strip() or not all(c.description.strip() for c in columns):
        raise ConfigError(f"Analyse {file} : une description manque (analyse ou colonne).")
    if spec.recent_days and (
        not isinstance(spec.recent_days, int) or spec.recent_days < 0 or columns[0].format != "date"
    ):
        raise ConfigError(f"Analyse {file} : recent_days demande un nombre et une date en clé.")
    keys = {c.key for c in columns}
    for key in (spec.chart.value,) if spec.chart else ():
        if key not in keys:
            raise ConfigError(f"Analyse {file} : clé de colonne inconnue {key}.")
    return spec


def folders() -> tuple[Traversable, ...]:
    """The package's ``sql/analyses``, then the folders of ``VENTES_ANALYSES_SUPPLEMENTAIRES``."""
    extra = os.environ.get(EXTRA_FOLDERS, "")
    own = resources.files("ventes_pme").joinpath("sql/analyses")
    return (own, *(Path(p) for p in extra.split(os.pathsep) if p.strip()))


def specs() -> tuple[Spec, ...]:
    """Every declared analysis, in the order they run (read once per set of folders)."""
    return read_folders(folders())


@cache
def read_folders(places: tuple[Traversable, ...]) -> tuple[Spec, ...]:
    found: dict[str, Spec] = {}
    for folder in places:
        if not folder.is_dir():
            raise ConfigError(f"{EXTRA_FOLDERS} : le dossier « {folder} » n'existe pas.")
        for entry in folder.iterdir():
            if not entry.name.endswith(".sql"):
                continue
            file = entry.name.removesuffix(".sql")
            declaration = folder.joinpath(f"{file}.toml")
            if not declaration.is_file():
                raise ConfigError(f"L'analyse {file} n'a pas de déclaration {file}.toml.")
            spec = _spec(
                file, tomllib.loads(declaration.read_text("utf-8")), entry.read_text("utf-8")
            )
            if any(s.name == spec.name or s.table == spec.table for s in found.values()):
                raise ConfigError(
                    f"Analyse {file} : son nom ou sa table est déjà déclaré par une autre analyse."
                )
            found[file] = spec
    summaries = sorted(file for file, spec in found.items() if spec.summary)
    if len(summaries) != 1:
        raise ConfigError(
            "Une seule analyse déclare les totaux (summary = true), pas "
            f"{len(summaries)} : {', '.join(summaries) or 'aucune'}."
        )
    return tuple(found[file] for file in sorted(found))


def tables() -> tuple[Spec, ...]:
    """The analyses that give a table of rows (all but the totals)."""
    return tuple(s for s in specs() if not s.summary)


def totals() -> Spec:
    """The one-row totals (``summary = true``): the analysis whose ``quantite`` and
    ``chiffre_affaires`` are the run's totals."""
    return next(s for s in specs() if s.summary)  # exactly one (read_folders)


# --- the database objects of each declaration --------------------------------------------


def create_table_sql(spec: Spec) -> str:
    """The result table of ``spec``: one row per run and key, tied to its run."""
    keys = [c.name for c in spec.columns if c.primary_key]
    run = "run_id INTEGER PRIMARY KEY" if not keys else "run_id INTEGER NOT NULL"
    lines = [f"{run} REFERENCES analysis_runs (run_id)"]
    lines += [f"{c.name} {c.sql_type}" + ("" if c.nullable else " NOT NULL") for c in spec.columns]
    if keys:
        lines.append(f"PRIMARY KEY (run_id, {', '.join(keys)})")
    return f"CREATE TABLE {spec.table} (\n    " + ",\n    ".join(lines) + "\n) STRICT"


def create_view_sql(spec: Spec) -> str:
    """The view of the latest run, French column names, amounts as exact euros text."""

    def column(c: Column) -> str:
        value = f"{spec.table}.{c.name}"
        if c.format == "euros":  # exact: 526878 -> '5268.78', never a float
            value = f"printf('%d.%02d', {value} / 100, {value} % 100)"
            value = f"CASE WHEN {spec.table}.{c.name} IS NOT NULL THEN {value} END"
        return f"{value} AS {c.key}"

    return (
        f"CREATE VIEW {spec.view} AS\nSELECT\n    "
        + ",\n    ".join(column(c) for c in spec.columns)
        + f"\nFROM {spec.table}\nWHERE {spec.table}.run_id = "
        "(SELECT max(runs.run_id) FROM analysis_runs AS runs)"
        + ("" if spec.summary else f"\nORDER BY {_qualified(spec)}")
    )


def _qualified(spec: Spec) -> str:
    return ", ".join(f"{spec.table}.{part}" for part in spec.order.split(", "))


def _table_shape(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool, bool]]:
    return [
        (str(r[1]), str(r[2]), bool(r[3]), bool(r[5]))
        for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))
    ]


def _missing(conn: sqlite3.Connection) -> list[str]:
    """The statements that would bring the database in line with the declarations."""
    existing = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'"))
    todo = []
    for spec in specs():
        shape = _table_shape(conn, spec.table)
        if not shape:
            todo.append(create_table_sql(spec))
        else:
            wanted = [(c.name, c.sql_type, not c.nullable, c.primary_key) for c in spec.columns]
            if [s for s in shape if s[0] != "run_id"] != wanted:
                raise DatabaseError(
                    f"La table « {spec.table} » ne correspond pas à la déclaration de l'analyse "
                    f"« {spec.name} » : changer les colonnes d'un résultat qui a un historique "
                    "demande une migration."
                )
        view = create_view_sql(spec)
        if existing.get(spec.view) != view:
            if spec.view in existing:
                todo.append(f"DROP VIEW {spec.view}")
            todo.append(view)
    return todo


def ensure_objects(conn: sqlite3.Connection) -> None:
    """Create the result tables and views the declarations ask for (after the migrations).

    Reads only when everything is there (the usual case); otherwise one transaction.
    """
    if not _missing(conn):
        return
    with transaction(conn):
        for statement in _missing(conn):  # again, under the write lock
            conn.execute(statement)
