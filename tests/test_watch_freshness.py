"""``ventes watch`` never misses a change, and ends every cycle with an analysis covering
every stored sale."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.support import PRODUITS, VENTES_HEADER, import_files, make_settings, publish, query
from ventes_pme import api
from ventes_pme.cli import main
from ventes_pme.watch import run_cycle

SALES = VENTES_HEADER + "2023-05-01,REF001,2,1\n2023-05-02,REF002,1,2\n"
MORE = SALES + "2023-05-03,REF001,5,2\n"


def _last_modified_only(server: FileServer, when: float, modified: float) -> None:
    """A server with Last-Modified and no ETag; its clock says ``when``."""
    server.etags = False
    server.date = when
    for name in ("produits", "magasins", "ventes"):
        server.last_modified[name] = modified


def test_a_change_in_the_second_of_the_previous_download_is_seen(
    server: FileServer, db_path: Path
) -> None:
    """The file changed within the second of the Last-Modified of the previous download:
    an If-Modified-Since with that date would get 304 for ever."""
    now = float(int(time.time()))
    _last_modified_only(server, when=now, modified=now)  # modified in the second served
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    assert run_cycle(settings, 1, logs.append).imported is not None
    publish(server, ventes=MORE)  # same second: the server's Last-Modified is unchanged
    mark = len(server.requests)
    second = run_cycle(settings, 2, logs.append)
    assert second.imported is not None and second.imported.files["ventes"].inserted == 1
    assert all("If-Modified-Since" not in h for _m, _p, h in server.requests[mark:])
    assert query(db_path, "SELECT count(*) FROM sales") == [(3,)]


def test_an_older_last_modified_still_makes_the_requests_conditional(
    server: FileServer, db_path: Path
) -> None:
    now = float(int(time.time()))
    _last_modified_only(server, when=now, modified=now - 60)
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    run_cycle(settings, 1, logs.append)
    mark = len(server.requests)
    assert run_cycle(settings, 2, logs.append).skipped
    assert all("If-Modified-Since" in h for _m, _p, h in server.requests[mark:])
    assert "304" in logs[-1]


def _latest_analysis_count(db: Path) -> int | None:
    rows = query(db, "SELECT sales_count FROM analysis_runs ORDER BY run_id DESC LIMIT 1")
    return rows[0][0] if rows else None


@pytest.mark.parametrize("analysed_before", [True, False])
def test_sales_imported_outside_the_watcher_are_analysed_by_the_next_cycle(
    server: FileServer, db_path: Path, analysed_before: bool
) -> None:
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    logs: list[str] = []
    if analysed_before:
        api.init(settings)
        run_cycle(settings, 1, logs.append)  # import and analysis of 2 sales
    # `ventes import` by hand, outside the watcher (no analysis)
    import_files(server, db_path, ventes=MORE)
    assert _latest_analysis_count(db_path) == (2 if analysed_before else None)
    result = run_cycle(settings, 2, logs.append)
    assert result.skipped  # the source did not change since that import
    assert result.analysis_run is not None
    assert _latest_analysis_count(db_path) == 3
    assert "analyse n°" in logs[-1]
    # and the cycle after that has nothing to do
    third = run_cycle(settings, 3, logs.append)
    assert third.skipped and third.analysis_run is None


def test_a_sale_added_in_the_sqlite_shell_is_analysed_by_the_next_cycle(
    server: FileServer, db_path: Path
) -> None:
    publish(server, ventes=SALES)
    settings = make_settings(server, db_path)
    api.init(settings)
    logs: list[str] = []
    run_cycle(settings, 1, logs.append)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO sales (sale_date, product_id, store_id, quantity, occurrence, "
        "unit_price_cents, import_id) VALUES ('2023-05-09', 'REF001', 1, 1, 1, 4999, 1)"
    )
    conn.commit()
    conn.close()
    assert run_cycle(settings, 2, logs.append).analysis_run is not None
    assert _latest_analysis_count(db_path) == 3


def test_json_amounts_are_exact_at_the_largest_totals(
    server: FileServer, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A float has 53 bits: 999 919 988 000 800,02 € comes out as ...800.0 through float.

    The largest sale the import accepts (999 999,99 € x 9 999), 100 002 times: on
    50 001 days in each of the two stores (distinct lines, so the import stays quick)."""
    produits = PRODUITS.replace("49.99", "999999.99")
    first = date(1950, 1, 1)
    days = [(first + timedelta(days=n)).isoformat() for n in range(50_001)]
    ventes = "".join(f"{d},REF001,9999,{store}\n" for d in days for store in (1, 2))
    import_files(server, db_path, produits=produits, ventes=VENTES_HEADER + ventes)
    assert main(["analyse", "--json", "--db", str(db_path)]) == 0
    text = capsys.readouterr().out
    doc = json.loads(text, parse_float=Decimal)
    exact = Decimal("999919988000800.02")  # 99 999 999 cents x 9 999 x 100 002
    per_store = Decimal("499959994000400.01")  # the half of it, in each store
    for amount in (exact, per_store):
        assert Decimal(repr(float(amount))) != amount  # what a float would have written
    assert doc["chiffre_affaires_total"] == exact
    assert doc["ventes_par_produit"][0]["chiffre_affaires"] == exact
    assert [s["chiffre_affaires"] for s in doc["ventes_par_magasin"]] == [per_store] * 2
    assert '"chiffre_affaires_total": 999919988000800.02,' in text
    assert json.loads(text)["run_id"] == 1  # still plain JSON for any reader
