"""Le fichier des ventes lu dans un processus enfant, pendant que le parent écrit la base.

The sales file read in a child process, while the main process writes the database.

The import of a large sales file has two halves of about the same cost: reading the file
(CSV, validation, the rank of identical lines, the data profile's counts) and writing the
rows into SQLite (with the sums of the aggregates). Run one after the other they use one
core; here :func:`read` runs in a child process (``processes.py``: how it is started,
ended, and why the database is safe) and sends its results, in file order, to the main
process, the only one that touches the database (``load/sales.py``). Both cores work at once.

The messages :func:`read` sends:

- ``("rows", position, chunks, rows, rejects)``: valid sales, in file order: ``chunks``
  holds :data:`ROWS_PER_INSERT` sales each, flattened, then the import's id (the
  parameters of one multi-row INSERT, ``sqlfiles.sql_rows``), then ``rows`` the remaining
  sales one tuple each; ``rejects`` the rejected lines read meanwhile ``(line, raw, code,
  reason)``; ``position`` the bytes read so far.
  A sale is ``(date, product, store, quantity, occurrence, unit price)``; a
  negative occurrence ``-k`` means "the k-th of its group since its count was unknown":
  the main process adds the identical sales the database holds (then only ``rows`` is
  used, since each such sale may need a question to the database before it).
- ``("drop", dates)``: the child forgot the counts of these dates.
- ``("summed",)``: the child makes the aggregates' sums of the sales it sends from now on;
  ``("sums", by_day, by_product)``, before the end: those sums (``aggregates.NewSales``).
- ``("restage",)``: a full re-read met again a date whose counts it had forgotten: the
  main process reads the file its other way (see ``load/sales.py``); the child stops.
- ``("end", position, end_line, pending, valid, counted)``: ``counted``, the data
  profile's counts of the file (``profile.counts.sales_counter``) when asked.
"""

from __future__ import annotations

import gc
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ventes_pme import aggregates, validate
from ventes_pme.processes import Send
from ventes_pme.profile.counts import sales_counter
from ventes_pme.validate import MAX_QUANTITY, CsvLayout, Sale

#: Sales per multi-row INSERT (load/sales.py builds the statement with as many rows).
ROWS_PER_INSERT = 200
#: Values per sale sent: date, product, store, quantity, occurrence, unit price (the
#: import's id, the same for every sale, is bound once per INSERT).
WIDTH = 6
#: Values per message (20 INSERTs): a few hundred kB, so that both processes work at once.
MESSAGE_VALUES = 20 * ROWS_PER_INSERT * WIDTH

#: A date met again after this many changes of date since it was last met: the file is
#: not in date order (sorted by product or store, shuffled). From there on, the sales read
#: are held and sent in the order of the table's key (see :class:`_KeyOrder`). A file in
#: date order comes back only to recent dates (a line copied from a few lines above).
SCATTERED = 64
#: Batches of sales held between two progress messages while the sales are held.
PROGRESS_EVERY = 16

#: the three ways of reading the file (see load/sales.py)
FRESH, APPEND, REREAD = "fresh", "append", "reread"


@dataclass(frozen=True)
class Job:
    """What the child reads, and what it needs to check and rank the lines."""

    layout: CsvLayout
    path: Path
    start: int | None
    first_line: int
    complete: bool
    #: valid product id -> unit price in cents now (the products of this import)
    prices: dict[str, int]
    stores: frozenset[int]
    import_id: int
    #: FRESH (empty table), APPEND (only the lines appended since) or REREAD (whole file)
    mode: str
    #: groups of identical lines whose count is held (load/sales.py's RANK_MEMO)
    memo: int
    #: the data profile's counts of the file to continue ("" for none yet), or None when
    #: the profile does not ask for them (profile.store.ImportProfile.start)
    profile: str | None = None
    #: APPEND: the latest date of the stored sales (None: none stored); no sale of a later
    #: date is stored, so the counts of such a date are exact from its first line read
    stored_until: str | None = None
    #: how far back a date may come before the rest is held (:data:`SCATTERED`)
    scattered: int = SCATTERED


def read(job: Job, send: Send) -> None:
    """Read ``job``'s file and send what it holds (see the module's protocol).

    Python's cycle collector is paused meanwhile: the reading makes no reference cycle,
    only millions of short-lived lists and tuples, which reference counting frees; walking
    them again and again cost up to a third of the reading.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _read(job, send)
    finally:
        if was_enabled:
            gc.enable()


def _read(job: Job, send: Send) -> None:
    """:func:`read`, the cycle collector paused.

    The occurrence of a line is one more than the identical sales before it, stored or
    earlier in the file (the rule of ``insert_new_sales.sql``). It is counted here per
    date, then per (product, store, quantity). On a date first met while filling an empty
    table (FRESH), in a full re-read (REREAD: the file's own ranks), or in the appended lines
    (APPEND) when it is later than every stored sale (``job.stored_until``), every identical
    line before is in the counts. Elsewhere (APPEND on a date the database may hold, or a
    date met again after its counts were forgotten) the count is relative and the main
    process adds what the database holds.
    Past ``job.memo`` groups, the rest of the file is held and sent in key order, date by
    date, and the counts of the dates passed are forgotten: memory stays flat whatever the
    file.
    """
    counts_for_profile = None
    if job.profile is not None:
        counts_for_profile = sales_counter(job.path, job.layout, job.start, job.profile)
    rows = validate.rows(
        job.layout,
        job.path,
        start=job.start,
        first_line=job.first_line,
        complete=job.complete,
        observe=None if counts_for_profile is None else counts_for_profile.add,
    )
    rejected: list[tuple[int, str, str, str]] = []

    def reject(line: int, raw: str, code: str, reason: str) -> None:
        rejected.append((line, raw, code, reason))

    prices = job.prices
    valid = validate.sales(rows, job.layout, prices.keys(), job.stores, reject)
    # each product id as one shared string, with its price: marshal then sends a reference
    # to it instead of a copy per sale, and the main process hashes it once
    products = {product: (product, price) for product, price in prices.items()}
    import_id, memo, mode, scattered = job.import_id, job.memo, job.mode, job.scattered
    stored_until = job.stored_until
    counts: dict[str, dict[tuple[str, int, int], int]] = {}
    exact: set[str] = set()  # dates whose counts hold every identical line before
    met: set[str] = set()
    held = 0
    read_count = 0
    #: the sales read since the last message, WIDTH values each (flat: no tuple per sale)
    flat: list[object] = []
    relative = False
    last_day = ""
    groups: dict[tuple[str, int, int], int] = {}
    sign = 1

    #: the aggregates' sums, made here once the sales are held (see below)
    sums: aggregates.NewSales | None = None

    def flush() -> None:
        nonlocal relative
        if sums is not None:
            sums.add(flat, WIDTH)
        chunks: list[list[object]] = []
        if relative:  # no chunks: the main process handles each sale in turn
            rest = one_per_sale(flat)
        else:
            chunks, rest = insert_parameters(flat, import_id)
        send(("rows", rows.position, chunks, rest, rejected))
        flat.clear()
        rejected.clear()
        relative = False

    #: date changes so far, and the change at which each date was last met
    changes = 0
    last_met: dict[str, int] = {}
    sorting = False
    stream: Iterable[list[Sale]] = valid
    while True:
        rest: list[Sale] | None = None
        for batch in stream:
            read_count += len(batch)
            for sale in batch:
                _, day, product, store, quantity = sale
                if day != last_day:
                    if not sorting:
                        changes += 1
                        if changes - last_met.get(day, changes) > scattered:
                            rest = batch[batch.index(sale) :]
                            break
                        last_met[day] = changes
                    found = counts.pop(day, None)  # put back last: the dates in order of use
                    if found is None:
                        if day not in met:
                            met.add(day)
                            if mode != APPEND or stored_until is None or day > stored_until:
                                exact.add(day)
                        elif mode == REREAD:
                            send(("restage",))
                            return
                        found = {}
                    counts[day] = found
                    groups, last_day = found, day
                    sign = 1 if day in exact else -1
                product, price = products[product]
                key = (product, store, quantity)
                n = groups.get(key)
                if n is None:
                    if held >= memo and not sorting:
                        # hold the rest rather than forget counts that may be needed
                        # again (a file sorted by product: the first product fills the
                        # memo, the next one comes back to every date; a sheet sorted
                        # newest first, new lines appended at its end: a full re-read
                        # would then read it again its staged way)
                        rest = batch[batch.index(sale) :]
                        break
                    if held >= memo:
                        # forget the counts of the dates least recently met until half the
                        # memo is free (this date's too if it alone fills the memo): the
                        # main process has every sale before, sent first. Held sales come
                        # date after date: a later date, met before, is still to come.
                        flush()
                        forgotten = []
                        for other in list(counts):
                            if held <= memo // 2:
                                break
                            if sorting and other > day:
                                continue
                            if other != day or len(groups) >= memo:
                                held -= len(counts.pop(other))
                                exact.discard(other)
                                forgotten.append(other)
                        send(("drop", forgotten))
                        if day not in counts:
                            if mode == REREAD:
                                send(("restage",))
                                return
                            groups = counts[day] = {}
                            sign = -1
                    n = 0
                    held += 1
                n += 1
                groups[key] = n
                if sign < 0:
                    relative = True
                flat += (day, product, store, quantity, sign * n, price)
            if rest is not None:
                read_count -= len(rest)  # counted again as the held sales come back
                break
            if len(flat) >= MESSAGE_VALUES:
                flush()
        if rest is None:
            break
        # The file is not in date order: the rest of it is held, then ranked and sent in
        # the order of the sales' key (date, product, store, quantity), date by date.
        flush()
        sorting = True
        # the counts held now stay until their date comes back in key order: the memo
        # bounds the groups counted from here on
        memo += held
        if mode != REREAD:
            # The main process inserts the held sales as fast as they come, while this one
            # waits for it: the sums of the aggregates are made here meanwhile. (A full
            # re-read sums only the sales it inserted: the main process alone knows which.)
            sums = aggregates.NewSales(prices)
            send(("summed",))

        def progress() -> None:
            send(("rows", rows.position, [], [], rejected))
            rejected.clear()

        stream = _KeyOrder(prices.keys(), job.stores).hold(rest, valid, progress)
    if flat or rejected:
        flush()
    if sums is not None:
        send(("sums", sums.by_day, sums.by_product))
    counted = None if counts_for_profile is None else counts_for_profile.state()
    send(("end", rows.position, rows.end_line, rows.pending, read_count, counted))


class _KeyOrder:
    """Sales held in memory, 8 bytes each, and given back in the order of the sales
    table's primary key (date, product, store, quantity): inserted in that order, each
    page of the table is written once, while in file order a file sorted by product or
    shuffled would write all over the table (and its ranks would have to be asked of the
    database, date after date).

    One array per date (a bucket sort: a date's sales are then sorted alone); a sale is
    one integer of its product's and store's ranks (in the key's order: SQLite compares
    the product ids as UTF-8 bytes, which is the order of their code points) and its
    quantity. Identical sales come back next to each other.
    """

    def __init__(self, products: Iterable[str], stores: Iterable[int]) -> None:
        self.products = sorted(products)
        self.stores = sorted(stores)
        self.bits = MAX_QUANTITY.bit_length()
        self.width = max(1, len(self.stores))

    def hold(
        self,
        first: list[Sale],
        more: Iterable[list[Sale]],
        progress: Callable[[], None],
    ) -> Iterator[list[Sale]]:
        """Hold ``first`` and every batch of ``more`` (calling ``progress`` now and then),
        then give them back in key order, in batches of one date at most."""
        bits, width = self.bits, self.width
        product_rank = {product: n * width for n, product in enumerate(self.products)}
        store_rank = {store: n for n, store in enumerate(self.stores)}
        dates: dict[str, array[int]] = {}
        for batches, batch in enumerate(itertools.chain((first,), more), 1):
            for _, day, product, store, quantity in batch:
                held = dates.get(day)
                if held is None:
                    held = dates[day] = array("q")
                held.append(((product_rank[product] + store_rank[store]) << bits) | quantity)
            if batches % PROGRESS_EVERY == 0:
                progress()
        return self._in_order(dates)

    def _in_order(self, dates: dict[str, array[int]]) -> Iterator[list[Sale]]:
        bits, width = self.bits, self.width
        mask = (1 << bits) - 1
        products, stores = self.products, self.stores
        for day in sorted(dates):
            keys = sorted(dates.pop(day))
            yield [
                (0, day, products[(k >> bits) // width], stores[(k >> bits) % width], k & mask)
                for k in keys
            ]


def insert_parameters(
    flat: list[object], import_id: int
) -> tuple[list[list[object]], list[tuple[object, ...]]]:
    """Sales given flat (WIDTH values each) as the parameters of whole ROWS_PER_INSERT-row
    INSERTs (their values, then ``import_id``), then the sales left over, one tuple each."""
    step = ROWS_PER_INSERT * WIDTH
    whole = len(flat) - len(flat) % step
    chunks = [flat[i : i + step] for i in range(0, whole, step)]
    for chunk in chunks:
        chunk.append(import_id)
    return chunks, one_per_sale(flat[whole:])


def one_per_sale(flat: list[object]) -> list[tuple[object, ...]]:
    """Sales given flat (WIDTH values each), one tuple each."""
    return [tuple(flat[i : i + WIDTH]) for i in range(0, len(flat), WIDTH)]
