"""The shipped SQL files, and the multi-row statements made from them."""

from __future__ import annotations

import doctest
import sqlite3

import pytest

from ventes_pme import sqlfiles
from ventes_pme.sqlfiles import sql, sql_rows


def test_the_examples_of_the_module_hold() -> None:
    assert doctest.testmod(sqlfiles).failed == 0


def test_a_multi_row_statement_does_what_the_one_row_file_does_row_by_row() -> None:
    """Each row of ``sql_rows`` takes its own parameters in order, the shared ones last;
    the upsert of an aggregate adds a row's sums to an existing row as the file does."""
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE sales_by_day_store (sale_date TEXT, store_id INTEGER, "
        "sales_count INTEGER, quantity INTEGER, revenue_cents INTEGER, "
        "PRIMARY KEY (sale_date, store_id))"
    )
    rows = [(f"2024-01-0{day}", store, 1, day, store * 100) for day in (1, 2) for store in (1, 2)]
    rows += [("2024-01-01", 1, 2, 5, 7)]  # adds to the first row: the ON CONFLICT clause
    conn.executemany(sql("aggregates/add_to_day_store"), rows)
    one_by_one = sorted(conn.execute("SELECT * FROM sales_by_day_store"))
    conn.execute("DELETE FROM sales_by_day_store")
    conn.execute(
        sql_rows("aggregates/add_to_day_store", len(rows)), [v for row in rows for v in row]
    )
    assert sorted(conn.execute("SELECT * FROM sales_by_day_store")) == one_by_one
    assert one_by_one[0] == ("2024-01-01", 1, 3, 6, 107)


def test_shared_parameters_are_bound_once_after_the_rows() -> None:
    text = sql_rows("load/insert_sale", 3, shared=1)
    assert "(?13, ?14, ?15, ?16, ?17, ?18, ?19)" in text
    assert text.count("?19") == 3 and "?20" not in text
    assert text.replace("\n", " ").count("ON CONFLICT DO NOTHING") == 1


def test_a_file_without_one_numbered_row_of_values_is_refused() -> None:
    with pytest.raises(ValueError, match="VALUES"):
        sql_rows("load/insert_new_sales", 2)
