"""L'API Python : ce qu'appellent la commande `ventes` et les tests.

The Python API of ventes-pme: what the ``ventes`` command calls, and tests too.

>>> from ventes_pme import api
>>> from ventes_pme.config import Settings
>>> settings = Settings.load({"db_path": "data/ventes.db"})     # doctest: +SKIP
>>> report = api.run(settings)                                  # doctest: +SKIP
>>> report.analysis.total_revenue_cents                         # doctest: +SKIP
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ventes_pme import collect, db, french, regions, validate
from ventes_pme.config import SOURCES, Settings, check_folder
from ventes_pme.errors import DatabaseError, ReportError
from ventes_pme.load import ImportReport, incremental, load
from ventes_pme.profile import store as data_profile
from ventes_pme.progress import ProgressLine
from ventes_pme.validate import CsvLayout

if TYPE_CHECKING:
    from ventes_pme.analyse import Analysis


@dataclass(frozen=True)
class InitReport:
    db_path: Path
    schema_version: int
    applied: list[str]


@dataclass(frozen=True)
class RunReport:
    init: InitReport
    imported: ImportReport
    analysis: Analysis


@contextmanager
def connection(
    settings: Settings, *, create: bool = True, conn: sqlite3.Connection | None = None
) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection to the database of ``settings``; ``conn`` itself when
    given (a command that opened the database passes it on, and closes it itself)."""
    if conn is not None:
        yield conn
        return
    if create:
        conn = db.connect(settings.db_path, lock_timeout=settings.lock_timeout, create=True)
        try:
            _migrate(conn)
        except BaseException:
            conn.close()
            raise
    else:
        conn = db.connect(settings.db_path, lock_timeout=settings.lock_timeout)
        if db.schema_version(conn) < db.latest_version():
            conn.close()
            raise DatabaseError(
                f"La base « {settings.db_path} » n'est pas à jour : lancez « ventes init »."
            )
    try:
        yield conn
    finally:
        conn.close()


def init(settings: Settings, *, conn: sqlite3.Connection | None = None) -> InitReport:
    """Create the database if needed, apply the pending migrations and create the
    analyses' result tables and views (idempotent); on ``conn`` when given."""
    if conn is None:
        with _opened(settings) as opened:
            return init(settings, conn=opened)
    applied = db.migrate(conn)
    ensure_analysis_objects(conn)
    return InitReport(
        settings.db_path,
        db.schema_version(conn),
        [f"{m.version:04d}_{m.name}" for m in applied],
    )


def _open_if_ours(settings: Settings, stack: ExitStack) -> sqlite3.Connection | None:
    """The database of ``settings``, opened (not migrated) and closed with ``stack``, when
    it is a database of ours (:func:`ventes_pme.db.is_ours`, judged from its header);
    None otherwise: a new one is created, and any other file refused, once the files are
    checked."""
    if not db.is_ours(settings.db_path):
        return None
    return stack.enter_context(_opened(settings))


def _migrate(conn: sqlite3.Connection) -> None:
    """The pending migrations, then the analyses' objects if any was applied: a database
    just created or changed gets them at once; one already up to date is left to the
    analyses, which check them anyway (an import, which does not touch them, reads no
    declaration)."""
    if db.migrate(conn):
        ensure_analysis_objects(conn)


@contextmanager
def _opened(settings: Settings) -> Iterator[sqlite3.Connection]:
    """The database of ``settings``, created if needed, not yet migrated."""
    conn = db.connect(settings.db_path, lock_timeout=settings.lock_timeout, create=True)
    try:
        yield conn
    finally:
        conn.close()


def ensure_analysis_objects(conn: sqlite3.Connection) -> None:
    """The analyses' result tables and views, from their declarations
    (:func:`ventes_pme.catalog.ensure_objects`): the one place the API creates them."""
    from ventes_pme import catalog  # the analyse stage: not needed to import

    catalog.ensure_objects(conn)


def check_settings(settings: Settings) -> None:
    """Check what :meth:`Settings.check` cannot without touching the disk or the network,
    before any download: the three addresses' schemes, the database path (not a folder nor
    a device), the region table of ``VENTES_REGIONS`` (readable, UTF-8, its columns)."""
    for source in SOURCES:
        collect.check_location(source, settings.url(source), settings)
    db.check_path(settings.db_path)
    if settings.regions_path is not None:
        regions.reference_rows(settings.regions_path)


def check_report_folder(settings: Settings) -> None:
    """Refuse at once (exit 2) a report folder (``rapport_dir``) that cannot be written
    into: checked by ``run`` and ``watch`` before any download, not found out once the
    import and the analysis are committed."""
    if settings.rapport_dir is not None:
        check_folder(settings.rapport_dir, "--rapport ou VENTES_RAPPORT")


def fetch_sources(
    settings: Settings,
    folder: Path,
    *,
    sources: Iterable[str] = SOURCES,
    validators: Mapping[str, collect.Validators | None] | None = None,
    progress: ProgressLine | None = None,
    conn: sqlite3.Connection | None = None,
) -> dict[str, collect.Fetched]:
    """The collect stage: fetch each source into ``folder`` (conditionally when
    ``validators`` gives the ETag / Last-Modified of a previous download). The sales file
    is also hashed up to the size of the previous import's (``Fetched.prefix``), asked on
    ``conn`` when the caller holds the database open (:func:`previous_sales_bytes`)."""
    fetched = {}
    for source in sources:
        on_bytes = None
        if progress is not None:
            on_bytes = functools.partial(progress.download, source)
        fetched[source] = collect.fetch(
            source,
            settings.url(source),
            folder / f"{source}.csv",
            settings,
            validators=(validators or {}).get(source),
            progress=on_bytes,
            prefix=previous_sales_bytes(settings, conn) if source == "ventes" else None,
        )
    if progress:
        progress.done()
    return fetched


def previous_sales_bytes(settings: Settings, conn: sqlite3.Connection | None = None) -> int | None:
    """How many first bytes of the new sales file to hash while it is downloaded
    (``load/incremental.py`` decides whether the import resumes after them); with ``conn``,
    a connection the caller holds open (``watch``'s cycle, ``import`` and ``run`` on a
    database of ours), asked on it."""
    return incremental.bytes_to_hash(settings.db_path, conn)


def check_files(fetched: Mapping[str, collect.Fetched]) -> dict[str, CsvLayout]:
    """The file-level part of the validate stage: each file is the expected CSV (raises
    :class:`~ventes_pme.errors.FileFormatError` otherwise). Touches no database."""
    return {source: validate.sniff(source, fetched[source].path) for source in SOURCES}


def load_fetched(
    settings: Settings,
    fetched: Mapping[str, collect.Fetched],
    progress: ProgressLine | None = None,
    *,
    layouts: Mapping[str, CsvLayout] | None = None,
    conn: sqlite3.Connection | None = None,
) -> ImportReport:
    """The validate and load stages: check each file's format, then load the three files
    in one transaction. A file-level problem raises before the database is opened."""
    layouts = dict(layouts) if layouts is not None else check_files(fetched)
    # the data profile is computed and stored in the import's transaction (load calls it
    # last): an import and its profile are committed, or rolled back, together
    describe = data_profile.ImportProfile(
        {source: fetched[source].path for source in SOURCES}, layouts
    )
    with connection(settings, conn=conn) as opened:
        report = load(
            opened,
            dict(fetched),
            layouts,
            regions_path=settings.regions_path,
            progress=progress.load if progress else None,
            describe=describe,
        )
    if progress:
        progress.done()
    return report


def import_data(settings: Settings, progress: ProgressLine | None = None) -> ImportReport:
    """Collect the three files, check them, load them in one transaction.

    The settings are checked before any download, and every file is fetched and its
    format checked before the database is changed: a problem stops the import with the
    database untouched (not even created). A database of ours is opened once, before the
    download (which asks it how much of the sales file it already holds), and migrated
    once the files are checked.
    """
    check_settings(settings)
    with ExitStack() as stack:
        conn = _open_if_ours(settings, stack)
        with tempfile.TemporaryDirectory(prefix="ventes-") as tmp:
            fetched = fetch_sources(settings, Path(tmp), progress=progress, conn=conn)
            layouts = check_files(fetched)
            if conn is not None:
                _migrate(conn)
            return load_fetched(settings, fetched, progress, layouts=layouts, conn=conn)


def analyse(settings: Settings, *, conn: sqlite3.Connection | None = None) -> Analysis:
    """Run every analysis on the stored sales and store the results (a new run)."""
    from ventes_pme.analyse import run_analyses  # the analyse stage: not needed to import

    with connection(settings, create=False, conn=conn) as opened:
        return run_analyses(opened)


def latest_analysis(
    settings: Settings, *, conn: sqlite3.Connection | None = None
) -> Analysis | None:
    """The results of the latest analysis run, or None if there is none; on ``conn`` when
    given."""
    from ventes_pme.analyse import latest_run_id, read_analysis

    with connection(settings, create=False, conn=conn) as opened:
        run_id = latest_run_id(opened)
        return None if run_id is None else read_analysis(opened, run_id)


def profile(settings: Settings, import_id: int | None = None) -> data_profile.Profile | None:
    """The data profile stored with import ``import_id`` (default: the latest one)."""
    with connection(settings, create=False) as conn:
        return data_profile.read(conn, import_id)


def data_headline(
    settings: Settings, import_id: int | None = None, *, conn: sqlite3.Connection | None = None
) -> list[tuple[str, str]]:
    """The headline figures of the data set (the reports' "Les données" section); on
    ``conn`` when given."""
    from ventes_pme.report.data import headline  # only the report stage needs it

    with connection(settings, create=False, conn=conn) as opened:
        return headline(opened, import_id)


def run(settings: Settings, progress: ProgressLine | None = None) -> RunReport:
    """The main job: init, import, analyse (then the report, when ``rapport_dir`` is set).

    The database is created (init) only once the three files are fetched and their
    format checked: a run whose download fails leaves no new ``data/ventes.db`` behind.
    """
    check_settings(settings)
    check_report_folder(settings)
    with ExitStack() as stack:
        # a database of ours is opened before the download (asked how much of the sales
        # file it holds); a new one only once the files are checked; then passed on
        conn = _open_if_ours(settings, stack)
        with tempfile.TemporaryDirectory(prefix="ventes-") as tmp:
            fetched = fetch_sources(settings, Path(tmp), progress=progress, conn=conn)
            layouts = check_files(fetched)
            if conn is None:
                conn = stack.enter_context(_opened(settings))
            initialised = init(settings, conn=conn)
            imported = load_fetched(settings, fetched, progress, layouts=layouts, conn=conn)
        done = RunReport(initialised, imported, analyse(settings, conn=conn))
        write_report(settings, conn=conn)
    return done


def write_report(settings: Settings, *, conn: sqlite3.Connection | None = None) -> list[Path]:
    """Rewrite the note and the HTML report of the latest analysis into
    ``settings.rapport_dir``, atomically; nothing when that setting is not given.
    :class:`ReportError` when they cannot be written (the folder is checked at start by
    :func:`check_report_folder`: a problem here is a passing one, a full disk…)."""
    if settings.rapport_dir is None:
        return []
    from ventes_pme import report  # only the report stage needs it

    with connection(settings, create=False, conn=conn) as opened:
        try:
            return report.write_atomically(opened, settings.rapport_dir)
        except OSError as exc:
            raise ReportError(
                f"Impossible d'écrire le rapport dans « {settings.rapport_dir} » "
                f"(--rapport ou VENTES_RAPPORT) : {french.explain(exc)}."
            ) from exc
