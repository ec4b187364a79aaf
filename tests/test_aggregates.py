"""The persistent sales aggregates (migrations 0002 and 0010) stay exactly the GROUP BY of
the sales.

Each import adds the sales it inserts to them, in its own transaction, and sales can be
neither updated nor deleted: whatever the sequence of imports (first import, appends,
identical lines, edits and full re-reads, failures), the three tables must equal what a
full scan of ``sales`` gives.
"""

from __future__ import annotations

import io
import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.httpserver import FileServer
from tests.scale_support import expected, publish, stored
from tests.support import (
    aggregates,
    aggregates_from_sales,
    back_to_version,
    dump,
    make_settings,
    query,
)
from ventes_pme import aggregates as sums
from ventes_pme import api, db, validate
from ventes_pme.generate import generate
from ventes_pme.progress import ProgressLine


def assert_exact(path: Path) -> None:
    persistent, computed = aggregates(path), aggregates_from_sales(path)
    assert persistent == computed
    assert persistent[0], "the aggregates hold rows"


def test_aggregates_equal_group_by_after_random_successive_imports(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    generate(folder, sales=4_000, products=15, stores=6, seed=11, identical=0.1)
    settings = make_settings(server, db_path)
    rng = random.Random(5)
    publish(server, folder)
    api.import_data(settings)
    assert_exact(db_path)
    steps = []
    for step in range(8):
        kind = rng.choice(["append", "append", "edit", "duplicate", "same"])
        steps.append(kind)
        path = folder / "ventes.csv"
        if kind == "append":
            generate(folder, sales=rng.randint(1, 800), seed=step, identical=0.3, append=True)
        elif kind in ("edit", "duplicate"):
            lines = path.read_text("utf-8").splitlines(keepends=True)
            at = rng.randrange(1, len(lines))
            if kind == "edit":
                fields = lines[at].rstrip("\n").split(",")
                if len(fields) == 4 and fields[2].isdigit():
                    fields[2] = str(int(fields[2]) % 9 + 1)
                lines[at] = ",".join(fields) + "\n"
            else:  # the same line once more, somewhere before the end
                lines.insert(rng.randrange(1, len(lines)), lines[at])
            path.write_text("".join(lines), "utf-8")
        publish(server, folder)
        api.import_data(settings)
        assert_exact(db_path)
        # edits keep the former content (never deleted), so the file's sales are a subset
        assert not expected(folder) - stored(db_path), steps
    assert {"append", "edit"} & set(steps)

    # one import of the final file into a new database: the same aggregates
    fresh = tmp_path / "fresh.db"
    api.import_data(make_settings(server, fresh))
    assert_exact(fresh)


@pytest.mark.parametrize(
    ("statement", "word"),
    [
        ("UPDATE sales SET quantity = quantity + 1", "modifiée"),
        ("UPDATE sales SET unit_price_cents = 0 WHERE occurrence = 1", "modifiée"),
        ("DELETE FROM sales WHERE occurrence = 1", "supprimée"),
        ("DELETE FROM sales", "supprimée"),
    ],
)
def test_sales_cannot_be_updated_nor_deleted(
    server: FileServer, db_path: Path, tmp_path: Path, statement: str, word: str
) -> None:
    folder = tmp_path / "data"
    generate(folder, sales=300, products=5, stores=3, seed=2)
    publish(server, folder)
    api.import_data(make_settings(server, db_path))
    before = dump(db_path)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match=f"ne peut pas être {word}"):
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    assert dump(db_path) == before


def downgrade_to_version_1(path: Path) -> None:
    """Turn a database into what version 1 of the schema holds (no aggregates)."""
    v1_rejects = next(
        statement
        for statement in db.split_statements(db.migrations()[0].sql)
        if "CREATE TABLE rejects" in statement
    )
    v1 = sqlite3.connect(":memory:")
    for statement in db.split_statements(db.migrations()[0].sql):
        v1.execute(statement)
    v1_names = {name for (name,) in v1.execute("SELECT name FROM sqlite_master")}
    v1.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # every view, trigger and table the later migrations created
        for kind in ("view", "trigger", "table"):
            names = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'",
                (kind,),
            ).fetchall()
            for (name,) in names:
                if name not in v1_names:
                    conn.execute(f'DROP {kind.upper()} "{name}"')
        back_to_version(conn, 1)  # the columns the later migrations added, their journal
        conn.execute("DROP TABLE IF EXISTS rejects")
        conn.execute(v1_rejects)  # migration 0003 changed its key
        # what later migrations and the analyses' declarations added: views, result tables
        v1 = sqlite3.connect(":memory:")
        for statement in db.split_statements(db.migrations()[0].sql):
            v1.execute(statement)
        kept = {name for (name,) in v1.execute("SELECT name FROM sqlite_master")}
        added = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') ORDER BY type"
        ).fetchall()
        for kind, name in sorted(added, key=lambda row: row[0] != "view"):  # views first
            if name not in kept:
                conn.execute(f"DROP {kind.upper()} {name}")
    finally:
        conn.close()


def schema(path: Path) -> list[tuple[object, ...]]:
    return query(path, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")


def test_migration_of_a_version_1_database_backfills_the_aggregates(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    # the reference: a database created by version 1 of the schema only
    reference = tmp_path / "v1.db"
    conn = db.connect(reference, create=True)
    try:
        for statement in db.split_statements(db.migrations()[0].sql):
            conn.execute(statement)
    finally:
        conn.close()

    folder = tmp_path / "data"
    generate(folder, sales=5_000, products=12, stores=5, seed=4, identical=0.1)
    publish(server, folder)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    want = aggregates_from_sales(db_path)
    downgrade_to_version_1(db_path)
    assert schema(db_path) == schema(reference)
    assert query(db_path, "PRAGMA user_version") == [(1,)]
    sales = stored(db_path)

    conn = db.open_and_migrate(db_path)  # what `ventes init` or any command does
    conn.close()
    assert query(db_path, "SELECT version, name FROM schema_migrations WHERE version = 2") == [
        (2, "sales_aggregates")
    ]
    assert aggregates(db_path) == want
    assert_exact(db_path)
    assert stored(db_path) == sales

    # and the trigger keeps them from then on
    generate(folder, sales=700, seed=9, identical=0.3, append=True)
    publish(server, folder)
    assert api.import_data(settings).files["ventes"].inserted > 0
    assert_exact(db_path)
    assert aggregates(db_path) != want


class FailAfterTheSales(ProgressLine):
    """Fails the import once every sale of the file has been inserted (inside the load)."""

    def load(self, source: str, done: int, total: int) -> None:
        if source == "ventes" and done == total:
            raise RuntimeError("panne simulée")


def test_a_failing_import_leaves_the_aggregates_unchanged(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    generate(folder, sales=3_000, products=10, stores=4, seed=8)
    publish(server, folder)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    before = dump(db_path)
    sums = aggregates(db_path)

    generate(folder, sales=500, seed=8, identical=0.2, append=True)
    publish(server, folder)
    with pytest.raises(RuntimeError, match="panne simulée"):
        api.import_data(settings, progress=FailAfterTheSales(io.StringIO()))
    assert dump(db_path) == before
    assert aggregates(db_path) == sums

    api.import_data(settings)  # the same import, not interrupted
    assert_exact(db_path)
    assert aggregates(db_path) != sums


def test_a_sale_inserted_outside_an_import_is_caught_by_the_next_analysis(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    generate(folder, sales=1_000, products=5, stores=3, seed=6)
    publish(server, folder)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    total = api.analyse(settings).total_revenue_cents
    conn = sqlite3.connect(db_path)
    try:  # as with the sqlite3 shell: no import, so the aggregates are not told
        conn.execute(
            "INSERT INTO sales SELECT '2031-01-01', product_id, store_id, 3, 1, 1234, import_id "
            "FROM sales LIMIT 1"
        )
        conn.commit()
    finally:
        conn.close()
    assert aggregates(db_path) != aggregates_from_sales(db_path)
    assert api.analyse(settings).total_revenue_cents == total + 3 * 1234
    assert_exact(db_path)

    # and the same check at the start of an import
    conn = sqlite3.connect(db_path)
    try:
        conn.execute(
            "INSERT INTO sales SELECT '2031-01-02', product_id, store_id, 2, 1, 100, import_id "
            "FROM sales LIMIT 1"
        )
        conn.commit()
    finally:
        conn.close()
    api.import_data(settings)
    assert_exact(db_path)


@given(
    st.lists(
        st.tuples(st.integers(1, validate.MAX_QUANTITY), st.integers(0, validate.MAX_PRICE_CENTS)),
        max_size=50,
    ),
    st.integers(0, 10**12),
)
def test_packed_sums_are_the_exact_sums(sales: list[tuple[int, int]], before: int) -> None:
    """The reading adds one packed integer per sale: unpacked, the count, the quantity and
    the revenue are exactly those of the sales, whatever sums the row already held (up to
    a trillion sales of the largest quantity: the fields never spill into each other)."""
    packed = before * (validate.MAX_QUANTITY * sums.pack(validate.MAX_PRICE_CENTS) + 1)
    for quantity, price in sales:
        packed += quantity * sums.pack(price) + 1
    big = before * validate.MAX_QUANTITY
    assert sums.unpack(packed) == [
        before + len(sales),
        big + sum(q for q, _ in sales),
        big * validate.MAX_PRICE_CENTS + sum(q * p for q, p in sales),
    ]


@given(
    st.lists(
        st.tuples(
            st.dates().map(lambda day: day.isoformat()),
            st.sampled_from(["P1", "P2", "P3"]),
            st.integers(-(10**12), 10**12),
            st.integers(1, validate.MAX_QUANTITY),
        ),
        max_size=60,
    ),
    st.integers(1, 4),
)
def test_new_sales_rows_are_the_group_by_of_the_sales(
    sales: list[tuple[str, str, int, int]], parts: int
) -> None:
    """The sums an import makes as it inserts sales (in one or several NewSales merged, as
    the reading process and the main one do) are, row for row, the three GROUP BYs: any
    date of years 1 to 9999, any store number (negative or large)."""
    prices = {"P1": 0, "P2": 1999, "P3": validate.MAX_PRICE_CENTS}
    total = sums.NewSales(prices)
    for part in range(parts):
        chunk = sales[part::parts]
        one = sums.NewSales(prices)
        one.add([value for sale in chunk for value in (*sale, "ignored")], 5)
        total.merge(one.by_day, one.by_product)
    want: tuple[Counter[tuple[object, ...]], ...] = (Counter(), Counter(), Counter())
    count: tuple[Counter[tuple[object, ...]], ...] = (Counter(), Counter(), Counter())
    for day, product, store, quantity in sales:
        keys = ((day, store), (product, store), (product, day[:7] + "-01", store))
        for key, sums_of, counts_of in zip(keys, want, count, strict=True):
            counts_of[key] += 1
            sums_of[(*key, "q")] += quantity
            sums_of[(*key, "r")] += quantity * prices[product]
    expected = [
        sorted((*key, n, sums_of[(*key, "q")], sums_of[(*key, "r")]) for key, n in counts.items())
        for sums_of, counts in zip(want, count, strict=True)
    ]
    assert [sorted(rows) for rows in total.rows()] == expected


def test_a_stale_month_aggregate_alone_is_rebuilt(
    server: FileServer, db_path: Path, tmp_path: Path
) -> None:
    """The count check covers each aggregate: the product x month x store one emptied (the
    two others right) is rebuilt by the next analysis."""
    folder = tmp_path / "data"
    generate(folder, sales=1_500, products=6, stores=3, seed=12)
    publish(server, folder)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    want = aggregates(db_path)
    assert len(want[2]) > len(want[1])  # several months per product and store
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DELETE FROM sales_by_product_month_store")
        conn.commit()
    finally:
        conn.close()
    assert aggregates(db_path)[2] == []
    api.analyse(settings)
    assert aggregates(db_path) == want
    assert_exact(db_path)


def test_one_pass_reads_with_a_small_cache_and_sets_the_connection_back(db_path: Path) -> None:
    """The sales are counted (import, analysis, watcher) under ``db.one_pass``: a small
    page cache for one read of the whole table, the connection's own cache afterwards,
    even when the statement fails."""
    conn = db.open_and_migrate(db_path)
    try:

        def cache() -> int:
            return int(conn.execute("PRAGMA cache_size").fetchone()[0])

        before = cache()
        assert before == -65536  # db.connect: the analyses' 64 MiB
        with db.one_pass(conn):
            assert cache() == -db.ONE_PASS_CACHE_KIB
            assert conn.execute("SELECT count(*) FROM sales").fetchone() == (0,)
        assert cache() == before
        with pytest.raises(sqlite3.OperationalError), db.one_pass(conn):
            conn.execute("SELECT count(*) FROM no_such_table")
        assert cache() == before
    finally:
        conn.close()
