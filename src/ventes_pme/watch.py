"""Import continu (`ventes watch`) : importe de nouveau quand la source a changé.

Continuous ingestion: ``ventes watch`` imports again every ``interval`` seconds.

Each cycle asks the server whether the three files changed (conditional requests with the
ETag / Last-Modified of the latest import, when the server gave them). When none changed
(HTTP 304, or the same SHA-256 as the latest import), the import is skipped, unless the
latest import did not take the whole of a file: a last line left pending (no line ending,
a download not checked complete) is taken as soon as the same bytes arrive complete, so
such a file is fetched in full (no conditional request) and compared again. When any
changed, the three files are fetched in full and imported together, so an import always
sees a consistent set of files. A Last-Modified serves as a validator only when it is at
least one second older than the response (see ``collect._strong_last_modified``). Every
cycle ends with an analysis covering every stored sale: the analyses run again when the
latest one misses a sale or a change, made by this cycle or outside the watcher.

The report folder (``--rapport``) is checked at start. A report that cannot be written
later (a full disk…) fails its cycle, logged, and not the watcher: the import and the
analysis stay committed, and the next cycle writes the report again even when nothing
changed.

SIGINT and SIGTERM stop the watcher cleanly: while it waits, at once; during a cycle, at
the end of that cycle (its transaction commits). A second signal during a cycle
interrupts it: the transaction in flight is rolled back and the database stays as it was.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TextIO

from ventes_pme import api, fmt, redact, signals, wording
from ventes_pme.collect import Fetched, Validators
from ventes_pme.config import SOURCES, Settings
from ventes_pme.db import one_pass
from ventes_pme.errors import CollectError, FileFormatError, ReportError
from ventes_pme.load import ImportReport
from ventes_pme.sqlfiles import sql

Log = Callable[[str], None]


@dataclass(frozen=True)
class _Previous:
    url: str
    sha256: str
    etag: str | None
    last_modified: str | None
    #: the import left the last line of the file pending: it did not take the whole file
    pending: bool = False


@dataclass(frozen=True)
class CycleResult:
    """What one cycle did."""

    number: int
    #: the source did not change since the latest import: nothing was imported
    skipped: bool = False
    imported: ImportReport | None = None
    #: the analysis run made because the import changed something
    analysis_run: int | None = None
    #: the French message of a failed cycle (the database is then unchanged, unless only
    #: the report failed: then ``report_due``)
    error: str | None = None
    #: the report could not be written: the next cycle writes it again
    report_due: bool = False


class StopRequest:
    """Set by SIGINT / SIGTERM. A second signal during a cycle raises KeyboardInterrupt."""

    def __init__(self, log: Log) -> None:
        self.event = threading.Event()
        self.busy = False
        self.signal_name: str | None = None
        self._log = log

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.event.is_set() and self.busy:
            raise KeyboardInterrupt(name)
        self.signal_name = name
        self.event.set()
        if self.busy:
            self._log(
                f"Arrêt demandé ({name}) : l'import en cours se termine, puis arrêt "
                "(un second signal l'annule)."
            )

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when a stop was requested meanwhile."""
        return self.event.wait(max(0.0, seconds))


def timestamped(stream: TextIO | None = None) -> Log:
    """A logger writing ``<local ISO time> <message>`` lines, flushed at once."""

    def log(message: str) -> None:
        out = stream or sys.stdout
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        out.write(f"{stamp} {message}\n")
        out.flush()

    return log


def previous_files(conn: sqlite3.Connection) -> dict[str, _Previous]:
    """The files of the latest import (empty before the first import)."""
    return {
        source: _Previous(url, sha, etag, last_modified, bool(pending))
        for source, url, sha, etag, last_modified, pending in conn.execute(
            sql("watch/previous_files")
        )
    }


def analysis_is_stale(conn: sqlite3.Connection) -> bool:
    """Whether the latest analysis misses something: there is none, or a sale was added
    since (by an import of the watcher, a ``ventes import`` or the sqlite3 shell), or an
    import since changed a product or a store (``sql/watch/analysis_is_stale.sql``)."""
    with one_pass(conn):  # it counts the sales
        return bool(conn.execute(sql("watch/analysis_is_stale")).fetchone()[0])


def _unchanged(fetched: Fetched, previous: _Previous | None) -> bool:
    """Whether importing ``fetched`` again would take nothing the latest import did not:
    the same file and, when that import left its last line pending, received again in a
    way that leaves it pending (a download still not checked complete)."""
    if previous is None or previous.url != redact.url(fetched.url):
        return False
    if previous.pending and (fetched.not_modified or fetched.complete):
        return False
    return fetched.not_modified or fetched.sha256 == previous.sha256


def run_cycle(
    settings: Settings, number: int, log: Log, *, report_due: bool = False
) -> CycleResult:
    """One cycle: fetch (conditionally), import if anything changed, analyse if it did;
    the report is rewritten after a new analysis, or when ``report_due`` (a previous
    cycle could not write it).

    The database is opened once per cycle, and the connection passed from stage to stage
    (previous files, import, analysis, report), as ``ventes run`` does; it is idle while
    the files download, and the database file is not opened otherwise meanwhile (that
    would drop the connection's locks: :func:`api.previous_sales_bytes`). Each import is
    still one transaction of its own, and the connection is closed when the cycle ends,
    failed or not: the next cycle opens its own.
    """
    with api.connection(settings) as conn:
        return _cycle(settings, number, log, conn, report_due)


def _cycle(
    settings: Settings, number: int, log: Log, conn: sqlite3.Connection, report_due: bool
) -> CycleResult:
    previous = previous_files(conn)
    with tempfile.TemporaryDirectory(prefix="ventes-watch-") as tmp:
        # a file whose last line was left pending is fetched in full: a 304 would not say
        # whether it now arrives complete
        validators = {
            source: Validators(prev.etag, prev.last_modified)
            for source, prev in previous.items()
            if prev.url == redact.url(settings.url(source))
            and (prev.etag or prev.last_modified)
            and not prev.pending
        }
        fetched = api.fetch_sources(settings, Path(tmp), validators=validators, conn=conn)
        if all(_unchanged(fetched[s], previous.get(s)) for s in SOURCES):
            how = ", ".join(
                f"{s} ({'304' if fetched[s].not_modified else 'même empreinte'})" for s in SOURCES
            )
            summary = f"Cycle {number} : aucun changement à la source [{how}] : import sauté"
            return _end_cycle(settings, conn, number, log, summary, None, report_due)
        # Something changed: import the three files together, each fetched in full.
        unchanged = [source for source in SOURCES if fetched[source].not_modified]
        fetched.update(api.fetch_sources(settings, Path(tmp), sources=unchanged, conn=conn))
        report = api.load_fetched(settings, fetched, conn=conn)
    added = report.sales_after - report.sales_before
    rejected = sum(f.rejected for f in report.files.values())
    products = report.files["produits"].inserted + report.files["produits"].updated
    stores = report.files["magasins"].inserted + report.files["magasins"].updated
    summary = (
        f"Cycle {number} : import n° {report.import_id} : +{fmt.plural(added, 'vente')} "
        f"(total {fmt.integer(report.sales_after)}), {fmt.plural(products, 'produit')} et "
        f"{fmt.plural(stores, 'magasin')} nouveaux ou modifiés, "
        f"{fmt.plural(rejected, 'ligne rejetée', 'lignes rejetées')}"
    )
    for warning in wording.warnings(report):
        log(f"Cycle {number} : attention : {warning}")
    return _end_cycle(settings, conn, number, log, summary, report, report_due)


def _end_cycle(
    settings: Settings,
    conn: sqlite3.Connection,
    number: int,
    log: Log,
    summary: str,
    imported: ImportReport | None,
    report_due: bool,
) -> CycleResult:
    """Every cycle ends with an analysis that covers every stored sale: the analyses run
    again when the latest one misses something (:func:`analysis_is_stale`), whether the
    change came from this cycle's import or from outside the watcher (``ventes import``).
    The report is rewritten after a new analysis, or when ``report_due``; a failure to
    write it fails the cycle (logged, ``report_due`` for the next one), nothing else."""
    skipped = imported is None
    run_id = None
    if analysis_is_stale(conn):
        analysis = api.analyse(settings, conn=conn)
        run_id = analysis.run_id
        why = "la dernière analyse ne couvrait pas toutes les ventes (import hors surveillance) : "
        summary = (
            f"{summary} ; {why if skipped else ''}analyse n° {analysis.run_id} enregistrée "
            f"(chiffre d'affaires total {fmt.euros(analysis.total_revenue_cents)})"
        )
    elif not skipped:
        summary = f"{summary} ; rien de changé : analyses non relancées"
    written: list[Path] = []
    if run_id is not None or report_due:
        try:
            written = api.write_report(settings, conn=conn)
        except ReportError as exc:
            log(f"{summary}.")
            log(f"Cycle {number} : échec du rapport : {exc.message} Nouvel essai au cycle suivant.")
            return CycleResult(
                number,
                skipped=skipped,
                imported=imported,
                analysis_run=run_id,
                error=exc.message,
                report_due=True,
            )
    log(f"{summary}, rapport réécrit dans « {written[0].parent} »." if written else f"{summary}.")
    return CycleResult(number, skipped=skipped, imported=imported, analysis_run=run_id)


def watch(
    settings: Settings,
    interval: float,
    *,
    cycles: int | None = None,
    log: Log | None = None,
    stop: StopRequest | None = None,
) -> list[CycleResult]:
    """Import every ``interval`` seconds until stopped (or after ``cycles`` cycles).

    A cycle whose download or file check fails is logged and the next one tries again
    (the database is unchanged by it); any other error stops the watcher.
    """
    log = log or timestamped()
    stop = stop or StopRequest(log)
    results: list[CycleResult] = []
    # before the first download, as ventes import and ventes run do
    api.check_settings(settings)
    api.check_report_folder(settings)
    init = api.init(settings)
    log(
        f"Surveillance démarrée : un cycle toutes les {fmt.seconds(interval)}, "
        f"base « {init.db_path} » "
        f"(schéma version {init.schema_version}). Arrêt : Ctrl+C ou SIGTERM."
    )
    number = 0
    report_due = False
    with signals.handling(stop, signal.SIGINT, signal.SIGTERM):
        while not stop.requested and (cycles is None or number < cycles):
            number += 1
            started = time.monotonic()
            stop.busy = True
            try:
                results.append(run_cycle(settings, number, log, report_due=report_due))
                report_due = results[-1].report_due
            except (CollectError, FileFormatError) as exc:
                log(f"Cycle {number} : échec, base inchangée : {exc.message}")
                results.append(CycleResult(number, error=exc.message))
            finally:
                stop.busy = False
            if cycles is not None and number >= cycles:
                break
            if stop.wait(interval - (time.monotonic() - started)):
                break
    reason = f"arrêt demandé ({stop.signal_name})" if stop.signal_name else "fin des cycles"
    log(f"Surveillance terminée : {reason}, {fmt.plural(number, 'cycle')}.")
    return results
