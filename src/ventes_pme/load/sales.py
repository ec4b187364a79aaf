"""Les ventes : le fichier lu, les lignes identiques rangées, seules les ventes absentes insérées.

The sales file is read, validated and ranked by ``sales_reader.py`` (in a child process for
a large file) while this process, the only one that touches the database, writes what it
sends (:class:`_Writer`). Each line's rank among the identical lines of the file makes it
its own key, so that only the sales the database lacks are inserted. A file far from
sorted by date is staged whole and ranked by SQL instead (:func:`_stage_and_insert`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ventes_pme import aggregates, processes, sales_reader, validate
from ventes_pme.collect import Fetched
from ventes_pme.db import page_cache
from ventes_pme.load.incremental import Resume
from ventes_pme.load.rejects import Rejects
from ventes_pme.load.report import FileReport, Progress
from ventes_pme.processes import Message
from ventes_pme.sales_reader import APPEND, FRESH, REREAD, ROWS_PER_INSERT, Job
from ventes_pme.sqlfiles import sql, sql_rows
from ventes_pme.validate import CsvLayout

#: Valid sales staged per executemany (progress is shown between two batches).
BATCH = 32_768

#: SQLite's page cache while the staged sales are sorted and ranked (_stage_and_insert)
STAGE_SORT_CACHE_KIB = 32 * 1024


@dataclass
class SalesFile:
    """The sales file to load, and what the import knows when it reads it."""

    fetched: Fetched
    layout: CsvLayout
    #: filled in as the file is read
    report: FileReport
    import_id: int
    rejects: Rejects
    progress: Progress | None
    #: sales in the database before the import
    sales_before: int
    #: the keys of the valid products and stores of the files imported with it
    products: set[object]
    stores: set[object]
    #: where to read from (None: the whole file)
    resume: Resume | None
    #: the data profile's counts to continue (``sales_reader.Job.profile``)
    counting: str | None


def load_sales(conn: sqlite3.Connection, sales: SalesFile) -> None:
    """Insert the sales of the file that the database does not hold yet, reject the
    invalid lines, and fill in ``sales.report``."""
    report, rejects, resume = sales.report, sales.rejects, sales.resume
    import_id, progress, sales_before = sales.import_id, sales.progress, sales.sales_before
    complete = sales.fetched.complete
    path = sales.fetched.path
    total = sales.fetched.size
    if resume is not None:
        rejects.resume_at(resume.first_line)
        report.incremental = True
        conn.execute(sql("load/touch_rejects"), {"source": "ventes", "import_id": import_id})
    prices = {
        product_id: price
        for product_id, price in conn.execute("SELECT product_id, price_cents FROM products")
        if product_id in sales.products
    }
    # Every valid line is new by construction when the table is empty (FRESH) or when only
    # the lines appended since the previous import are read (APPEND); otherwise the whole
    # file is read again (REREAD) and only the lines the database does not hold yet are
    # inserted: each line's rank among identical lines of the file makes it its own key.
    mode = APPEND if resume is not None else FRESH if sales_before == 0 else REREAD
    job = Job(
        layout=sales.layout,
        path=path,
        start=None if resume is None else resume.start,
        first_line=2 if resume is None else resume.first_line,
        complete=complete,
        prices=prices,
        stores=frozenset(s for s in sales.stores if isinstance(s, int)),
        import_id=import_id,
        mode=mode,
        memo=RANK_MEMO,
        scattered=sales_reader.SCATTERED,
        profile=sales.counting,
        stored_until=(
            conn.execute(sql("load/latest_sale_date")).fetchone()[0] if mode == APPEND else None
        ),
    )
    if mode == REREAD:
        conn.execute("SAVEPOINT sales_file")
    end = _read_sales(conn, job, rejects, report, progress, total)
    restaged = end is None
    if end is None:
        # A full re-read had to forget the counts of a date before it finished ranking it
        # (one date of more groups than the rank memo holds): its ranks are computed by
        # SQL instead, from the whole file staged (insert_new_sales.sql), in this process.
        conn.execute("ROLLBACK TO sales_file")
        rejects.restart()
        report.inserted = 0
        end = _stage_and_insert(conn, job, rejects, progress, total)
        report.inserted = end.inserted
    if mode == REREAD:
        conn.execute("RELEASE sales_file")
    if progress is not None:
        progress("ventes", total, total)
    if mode == REREAD and restaged:
        aggregates.add_import(conn, import_id)
    elif mode == REREAD:
        end.sums.write(conn)  # the lines the database lacked (_Writer._sum_inserted)
    elif report.inserted == end.valid:
        end.sums.write(conn)
        report.identical_added = end.identical
    else:  # never expected: every line is new here
        aggregates.rebuild(conn)
    report.profile_counts = end.counted

    report.rows_read = end.valid + rejects.count
    report.already_present = end.valid - report.inserted
    report.rejected = rejects.count
    report.end_line = end.end_line
    report.pending_line = end.pending
    if resume is None:
        report.vanished = sales_before - report.already_present
        report.pending_references = rejects.references
    else:
        report.vanished = resume.vanished
        report.pending_references = resume.pending_references + rejects.references


#: Groups of identical lines whose count the reading process holds; past it, it holds the
#: rest of the file and sends it in key order, forgetting the counts of the dates passed
#: (memory stays flat); a date met again after that asks the database, which then holds
#: every line before (a full re-read reads the file its staged way instead).
RANK_MEMO = 50_000
#: Groups of a date whose stored count is asked with the message's other groups before
#: all the date's groups are read at once (``_StoredGroups.of_date``).
ASKED_ALONE = 256


@dataclass
class _End:
    """What reading the sales file gave, besides the rows inserted on the way."""

    valid: int
    end_line: int
    pending: tuple[int, str] | None
    sums: aggregates.NewSales
    inserted: int = 0
    #: of the valid sales: occurrences above 1, equal to 2, the largest
    identical: tuple[int, int, int] | None = None
    #: the data profile's counts of the file, when the reading was asked to make them
    counted: str | None = None


def _insert(conn: sqlite3.Connection, sales: list[tuple[object, ...]], import_id: int) -> int:
    """Insert ``sales`` of import ``import_id`` (ON CONFLICT DO NOTHING); returns how many
    were new."""
    flat = [value for sale in sales for value in sale]
    chunks, rest = sales_reader.insert_parameters(flat, import_id)
    return _insert_parameters(conn, chunks, rest, import_id)


def _insert_parameters(
    conn: sqlite3.Connection,
    chunks: list[list[object]],
    rest: list[tuple[object, ...]],
    import_id: int,
) -> int:
    """Insert sales given as ``sales_reader.insert_parameters`` returns them (ON CONFLICT
    DO NOTHING): whole multi-row INSERTs, then one-row ones; returns how many were new."""
    inserted = 0
    if chunks:
        # sql/load/insert_sale.sql with ROWS_PER_INSERT rows of parameters, the import's id
        # bound once (sqlfiles.sql_rows, cached): binding one statement per 200 rows costs
        # less than 200 executions of the one-row statement
        statement = sql_rows("load/insert_sale", ROWS_PER_INSERT, shared=1)
        inserted += conn.executemany(statement, chunks).rowcount
    if rest:
        one_row = [(*sale, import_id) for sale in rest]
        inserted += conn.executemany(sql("load/insert_sale"), one_row).rowcount
    return inserted


def _with_ranks(
    conn: sqlite3.Connection,
    sales: list[tuple[object, ...]],
    bases: dict[tuple[object, ...], int],
    occurrences: list[int],
    stored: _StoredGroups,
    import_id: int,
) -> int:
    """Insert ``sales`` whose occurrences may be relative (negative): the first of a group
    takes the number of identical sales the database holds as its base. Returns how many
    were new; each sale's occurrence is appended to ``occurrences``.

    The database already holds every identical sale read before: the reading counts
    those of its group since it last knew nothing of it (first meeting, or its date's
    counts forgotten), and it sends what it read before forgetting in an earlier message,
    inserted before this one. So the bases are taken at once, the sales of this message
    inserted together at the end.

    The base comes from ``stored``, the counts of the date's groups read at its first
    relative sale (``identical_sales_of_date.sql``: one question per date instead of one
    per group, a few hundred at the end of a usual append), kept until the reading
    forgets that date: no sale of the date is inserted meanwhile before the first of its
    group. The other groups (the first of their date, few lines on each of many dates, or
    a date of too many groups) are asked together, one question for the whole message
    (``count_identical_sales_of_keys.sql``) instead of one per group.
    """
    asked: list[tuple[object, ...]] = []
    for sale in sales:
        if sale[4] == -1:
            key = sale[:4]
            groups = stored.of_date(conn, key[0])
            if groups is None:
                asked.append(key)
            else:
                bases[key] = groups.get(key[1:], 0)
    if asked:
        counts = conn.execute(
            sql("load/count_identical_sales_of_keys"), {"keys": json.dumps(asked)}
        )
        bases.update((asked[position], count) for position, count in counts)
    ready: list[tuple[object, ...]] = []
    for sale in sales:
        occurrence = sale[4]
        assert isinstance(occurrence, int)
        if occurrence < 0:
            key = sale[:4]
            occurrence = bases[key] - occurrence
            sale = (*key, occurrence, sale[5])
        occurrences.append(occurrence)
        ready.append(sale)
    return _insert(conn, ready, import_id)


class _StoredGroups:
    """The groups of identical sales stored for the dates the reading sends relative
    occurrences of (see :func:`_with_ranks`): (product, store, quantity) -> count, or None
    for a date whose groups are asked by their key. At most RANK_MEMO groups are held in all."""

    def __init__(self) -> None:
        self.dates: dict[object, dict[tuple[object, ...], int] | None] = {}
        self.held = 0
        #: groups of each date asked alone so far
        self.asked: dict[object, int] = {}

    def of_date(
        self, conn: sqlite3.Connection, day: object
    ) -> dict[tuple[object, ...], int] | None:
        """The stored groups of ``day``, or None: ask the group's count by its key (with
        the message's other such groups). The first :data:`ASKED_ALONE` groups of a date
        are asked so: appended lines spread over many old dates have a few lines per date,
        and reading every group of each of those dates would read most of the table."""
        if day in self.dates:
            return self.dates[day]
        asked = self.asked.get(day, 0)
        if asked < ASKED_ALONE:
            self.asked[day] = asked + 1
            return None
        room = RANK_MEMO - self.held
        rows = conn.execute(
            sql("load/identical_sales_of_date"), {"sale_date": day, "max_groups": room}
        ).fetchall()
        groups = None if len(rows) > room else {tuple(row[:3]): row[3] for row in rows}
        if groups is not None:
            self.held += len(groups)
        self.dates[day] = groups
        return groups

    def forget(self, days: set[object]) -> None:
        """The reading forgot the counts of ``days``: their next relative sales count
        the sales this import inserted meanwhile too."""
        for day in days & self.dates.keys():
            groups = self.dates.pop(day)
            self.held -= 0 if groups is None else len(groups)
        for day in days & self.asked.keys():
            del self.asked[day]


class _Writer:
    """Writes what the reading of the sales file sends (``sales_reader.py``'s messages),
    in the order sent: the valid sales, the rejected lines, the progress."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        rejects: Rejects,
        report: FileReport,
        progress: Progress | None,
        total: int,
        sums: aggregates.NewSales,
        summing: bool,
        import_id: int,
    ) -> None:
        self.conn, self.rejects, self.report = conn, rejects, report
        self.import_id = import_id
        self.progress, self.total = progress, total
        #: the aggregates' sums of the sales sent, when ``summing`` (each is then inserted)
        self.sums, self.summing = sums, summing
        #: the reading makes the sums of the sales it sends now ("summed")
        self.summed = False
        #: identical sales stored, for the groups whose count the reading does not hold
        self.bases: dict[tuple[object, ...], int] = {}
        #: the groups stored for the dates of relative sales (see _with_ranks)
        self.stored = _StoredGroups()
        self.end: _End | None = None
        self.restage = False
        #: of the sales sent: occurrences above 1, equal to 2, the largest (for the profile;
        #: not counted in a full re-read, which inserts only some of them)
        self.identical = [0, 0, 0]

    def _count(self, occurrences: list[int]) -> None:
        if occurrences:
            more, two, largest = self.identical
            self.identical = [
                more + len(occurrences) - occurrences.count(1),
                two + occurrences.count(2),
                max(largest, *occurrences),
            ]

    def _sum_inserted(self, flat: list[object]) -> None:
        """A full re-read inserts only the lines the database lacked (rarely any): of the
        sales ``flat`` (WIDTH values each) of INSERTs that inserted some, those stored with
        this import's id (``sales_of_import_among.sql``, one question for all) alone go to
        the aggregates' sums."""
        width = sales_reader.WIDTH
        keys = [flat[i : i + 5] for i in range(0, len(flat), width)]
        found = self.conn.execute(
            sql("load/sales_of_import_among"),
            {"sales": json.dumps(keys), "import_id": self.import_id},
        )
        new: list[object] = []
        for (position,) in found:
            new += flat[position * width : (position + 1) * width]
        self.sums.add(new, width)

    def _insert_rereading(self, chunks: list[list[object]]) -> list[object]:
        """Insert the multi-row INSERTs of a full re-read one by one; returns the sales
        (flat) of those that inserted some of their rows, to be looked up."""
        unsure: list[object] = []
        for chunk in chunks:
            inserted = _insert_parameters(self.conn, [chunk], [], self.import_id)
            if inserted:
                self.report.inserted += inserted
                unsure += chunk[:-1]  # without the import id
        return unsure

    def __call__(self, message: Message) -> None:
        kind = message[0]
        if kind == "rows":
            _, position, chunks, sales, rejected = message
            for line, raw, code, reason in rejected:
                self.rejects(line, raw, code, reason)
            width = sales_reader.WIDTH
            unsure: list[object] = []
            if chunks and not self.summing:
                unsure = self._insert_rereading(chunks)
            elif chunks:
                self.report.inserted += _insert_parameters(self.conn, chunks, [], self.import_id)
                for chunk in chunks:  # each ends with the import id: not a sale's value
                    self._count(chunk[4:-1:width])
                    if not self.summed:
                        self.sums.add(chunk, width)
            if sales:
                occurrences: list[int] = []
                inserted = _with_ranks(
                    self.conn, sales, self.bases, occurrences, self.stored, self.import_id
                )
                self.report.inserted += inserted
                if self.summing:
                    self._count(occurrences)
                if self.summing and not self.summed:
                    self.sums.add([value for sale in sales for value in sale], width)
                if not self.summing and inserted:
                    unsure += [value for sale in sales for value in sale]
            if unsure:
                self._sum_inserted(unsure)
            if self.progress is not None:
                self.progress("ventes", position, self.total)
        elif kind == "drop":
            forgotten = set(message[1])
            self.bases = {k: n for k, n in self.bases.items() if k[0] not in forgotten}
            self.stored.forget(forgotten)
        elif kind == "restage":
            self.restage = True
        elif kind == "summed":
            self.summed = True
        elif kind == "sums":
            self.sums.merge(message[1], message[2])
        else:
            assert kind == "end", message
            _, _, end_line, pending, valid, counted = message
            more, two, largest = self.identical
            self.end = _End(
                valid, end_line, pending, self.sums, identical=(more, two, largest), counted=counted
            )


def _read_sales(
    conn: sqlite3.Connection,
    job: Job,
    rejects: Rejects,
    report: FileReport,
    progress: Progress | None,
    total: int,
) -> _End | None:
    """Read the sales file and insert its valid sales, in file order, as they come; None
    when the reading asks for the staged way (see ``sales_reader.py``).

    A large file is read in a child process while this one writes (``processes.start``): a
    child that stops before the end raises :class:`~ventes_pme.processes.ChildError`, and
    the caller's transaction is then rolled back.
    """
    # every line read is inserted, but in a full re-read: it then sums its sales in SQL
    sums = aggregates.NewSales(job.prices)
    write = _Writer(conn, rejects, report, progress, total, sums, job.mode != REREAD, job.import_id)
    what = "de la lecture du fichier des ventes"
    size = total - (job.start or 0)
    with (
        _checks_done_by_the_import(conn),
        processes.start(what, sales_reader.read, job, size=size) as reading,
    ):
        while write.end is None and not write.restage:
            write(reading.receive())
    return write.end


@contextlib.contextmanager
def _checks_done_by_the_import(conn: sqlite3.Connection) -> Iterator[None]:
    """SQLite's CHECK constraints off while the sales read are inserted (with the lines
    rejected meanwhile).

    Every value of these rows comes from the import's own checks, never straight from the
    file: the date is written by ``validate.parse_date`` (``date.isoformat()`` of a year
    1900-2100), the quantity is parsed as an integer of at least 1, the occurrence is
    counted from 1, the price is that of the products table (whose CHECKs held when the
    product was written); a rejected line has the source "ventes" and an occurrence
    counted from 1 too. Evaluating the schema's CHECKs again on each row (the date's GLOB
    above all) would repeat that work at a cost (docs/performance.md). They still guard
    every other writer (the sqlite3 shell), and ``PRAGMA integrity_check`` verifies them:
    the generated tests run it after every import.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def _stage_and_insert(
    conn: sqlite3.Connection,
    job: Job,
    rejects: Rejects,
    progress: Progress | None,
    total: int,
) -> _End:
    """The whole file staged in this process, then only the lines the database does not
    hold yet inserted, ranked by SQL (``insert_new_sales.sql``)."""
    rows = validate.rows(job.layout, job.path, complete=job.complete)
    valid = itertools.chain.from_iterable(
        validate.sales(rows, job.layout, job.prices.keys(), job.stores, rejects)
    )
    conn.execute(sql("load/stage_sales"))
    conn.execute("DELETE FROM stage_sales")
    staged = 0
    # in batches, to show progress between them (a batch is a few MB at most)
    while batch := list(itertools.islice(valid, BATCH)):
        staged += len(batch)
        conn.executemany("INSERT INTO stage_sales VALUES (?, ?, ?, ?, ?)", batch)
        if progress is not None:
            progress("ventes", rows.position, total)
    # The sort of the whole file may use as much memory as the page cache: 32 MiB
    # meanwhile, then the import's own cache again (load, LOAD_CACHE_KIB).
    with page_cache(conn, STAGE_SORT_CACHE_KIB):
        inserted = conn.execute(sql("load/insert_new_sales"), {"import_id": job.import_id}).rowcount
    conn.execute("DELETE FROM stage_sales")
    return _End(staged, rows.end_line, rows.pending, aggregates.NewSales(), inserted)
