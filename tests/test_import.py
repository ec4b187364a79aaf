"""Exact incremental import: the database holds exactly the multiset of source sales lines.

Every import goes through a real HTTP server on 127.0.0.1 into a real SQLite file.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

from tests.httpserver import FileServer
from tests.support import (
    MAGASINS,
    PRODUITS,
    VENTES_HEADER,
    Sale,
    import_files,
    make_settings,
    occurrences,
    query,
    stored_sales,
    ventes_csv,
)
from ventes_pme import api, wording
from ventes_pme.config import Settings

A1: Sale = ("2023-05-27", "REF001", 1, 5)
B2: Sale = ("2023-05-28", "REF002", 2, 3)
A2: Sale = ("2023-05-29", "REF001", 2, 1)
B1: Sale = ("2023-05-30", "REF002", 1, 2)


# --- the multiset rules --------------------------------------------------------------------


def test_first_import_holds_every_line(server: FileServer, db_path: Path) -> None:
    report = import_files(server, db_path, ventes=ventes_csv([A1, B2, A2]))
    ventes = report.files["ventes"]
    assert (ventes.rows_read, ventes.inserted, ventes.already_present) == (3, 3, 0)
    assert stored_sales(db_path) == Counter([A1, B2, A2])
    assert (report.sales_before, report.sales_after) == (0, 3)


def test_importing_the_same_file_twice_adds_nothing(server: FileServer, db_path: Path) -> None:
    source = ventes_csv([A1, B2, A2, A1])
    import_files(server, db_path, ventes=source)
    again = import_files(server, db_path, ventes=source)
    ventes = again.files["ventes"]
    assert ventes.inserted == 0
    assert ventes.vanished == 0
    assert again.sales_before == again.sales_after == 4
    assert not again.changed
    assert stored_sales(db_path) == Counter([A1, B2, A2, A1])


def test_k_identical_lines_give_k_sales(server: FileServer, db_path: Path) -> None:
    report = import_files(server, db_path, ventes=ventes_csv([A1] * 4 + [B2]))
    assert report.files["ventes"].inserted == 5
    assert stored_sales(db_path)[A1] == 4
    assert occurrences(db_path, A1) == [1, 2, 3, 4]


def test_one_more_identical_line_adds_exactly_one_sale(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2, A1]))
    # the new identical line is not at the end: the whole file is read again
    report = import_files(server, db_path, ventes=ventes_csv([A1, A1, B2, A1]))
    ventes = report.files["ventes"]
    assert not ventes.incremental
    assert (ventes.inserted, ventes.already_present, ventes.vanished) == (1, 3, 0)
    assert stored_sales(db_path) == Counter({A1: 3, B2: 1})
    assert occurrences(db_path, A1) == [1, 2, 3]


def test_vanished_lines_are_kept_and_reported(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2, A1, A2]))
    report = import_files(server, db_path, ventes=ventes_csv([A1, A2]))
    ventes = report.files["ventes"]
    assert ventes.vanished == 2  # one A1 and B2
    assert ventes.inserted == 0
    assert stored_sales(db_path) == Counter({A1: 2, B2: 1, A2: 1})  # nothing deleted
    assert any("2 ventes de la base ne figurent plus" in w for w in wording.warnings(report))
    assert query(
        db_path,
        "SELECT vanished FROM import_files WHERE source = 'ventes' AND import_id = ?",
        (report.import_id,),
    ) == [(2,)]
    # the lines come back: nothing is inserted twice and nothing is missing any more
    back = import_files(server, db_path, ventes=ventes_csv([A1, B2, A1, A2]))
    assert (back.files["ventes"].inserted, back.files["ventes"].vanished) == (0, 0)
    assert not any("de la base ne figure" in w for w in wording.warnings(back))
    assert stored_sales(db_path) == Counter({A1: 2, B2: 1, A2: 1})


def test_products_and_stores_are_upserted(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1]))
    produits = (
        "Nom,ID Référence produit,Prix,Stock\n"
        "Produit A,REF001,49.99,100\n"  # unchanged
        "Produit B renommé,REF002,21.50,40\n"  # changed
        "Produit C,REF003,5.00,7\n"  # new
    )
    magasins = "ID Magasin,Ville,Nombre de salariés\n1,Paris,10\n2,Lyon,6\n3,Nantes,0\n"
    report = import_files(
        server, db_path, ventes=ventes_csv([A1]), produits=produits, magasins=magasins
    )
    p, m = report.files["produits"], report.files["magasins"]
    assert (p.rows_read, p.inserted, p.updated, p.already_present) == (3, 1, 1, 1)
    assert (m.rows_read, m.inserted, m.updated, m.already_present) == (3, 1, 1, 1)
    assert query(db_path, "SELECT product_id, name, price_cents, stock FROM products") == [
        ("REF001", "Produit A", 4999, 100),
        ("REF002", "Produit B renommé", 2150, 40),
        ("REF003", "Produit C", 500, 7),
    ]
    assert query(db_path, "SELECT store_id, city, city_key, employees FROM stores") == [
        (1, "Paris", "paris", 10),
        (2, "Lyon", "lyon", 6),
        (3, "Nantes", "nantes", 0),
    ]
    assert report.changed
    # products and stores missing from a later file are kept (sales refer to them)
    import_files(server, db_path, ventes=ventes_csv([A1]))
    assert len(query(db_path, "SELECT * FROM products")) == 3
    assert len(query(db_path, "SELECT * FROM stores")) == 3


def test_import_is_recorded_in_the_audit_tables(server: FileServer, db_path: Path) -> None:
    source = ventes_csv([A1, B2, ("2023-13-01", "REF001", 1, 1)])
    report = import_files(server, db_path, ventes=source)
    runs = query(
        db_path,
        "SELECT import_id, started_at, finished_at, sales_before, sales_after FROM import_runs",
    )
    assert len(runs) == 1
    import_id, started, finished, before, after = runs[0]
    assert import_id == report.import_id
    assert started <= finished and (before, after) == (0, 2)
    files = {
        r[0]: r[1:]
        for r in query(
            db_path,
            "SELECT source, url, http_status, bytes, sha256, rows_read, inserted, updated, "
            "already_present, rejected, vanished FROM import_files WHERE import_id = ?",
            (import_id,),
        )
    }
    assert set(files) == {"produits", "magasins", "ventes"}
    import hashlib

    body = source.encode()
    assert files["ventes"] == (
        server.url("ventes"),
        200,
        len(body),
        hashlib.sha256(body).hexdigest(),
        3,
        2,
        0,
        0,
        1,
        0,
    )
    assert files["produits"][:3] == (server.url("produits"), 200, len(PRODUITS.encode()))
    assert files["magasins"][5] == 2  # inserted stores


# --- the append-only fast path -------------------------------------------------------------


def test_append_only_file_reads_only_new_lines(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2, A2]))
    report = import_files(server, db_path, ventes=ventes_csv([A1, B2, A2, B1, A1]))
    ventes = report.files["ventes"]
    assert ventes.incremental
    assert (ventes.rows_read, ventes.inserted, ventes.already_present) == (2, 2, 0)
    assert ventes.vanished == 0
    assert ventes.end_line == 6
    assert stored_sales(db_path) == Counter([A1, B2, A2, B1, A1])
    assert occurrences(db_path, A1) == [1, 2]
    # unchanged file: still the fast path, nothing read, nothing inserted
    same = import_files(server, db_path, ventes=ventes_csv([A1, B2, A2, B1, A1]))
    assert same.files["ventes"].incremental
    assert (same.files["ventes"].rows_read, same.files["ventes"].inserted) == (0, 0)


def test_an_append_is_recognised_by_the_digest_taken_during_the_download(
    server: FileServer, tmp_path: Path
) -> None:
    """The download hashes the new sales file up to the size of the previous import's
    (api.previous_sales_bytes): the import compares that digest, and reads the file's
    beginning again only when the download could not take it."""
    db = tmp_path / "ventes.db"
    before = ventes_csv([A1, B2, A2]).encode()
    import_files(server, db, ventes=before)
    server.files["ventes"] = ventes_csv([A1, B2, A2, B1]).encode()
    settings = make_settings(server, db)
    assert api.previous_sales_bytes(settings) == len(before)
    (tmp_path / "files").mkdir()
    fetched = api.fetch_sources(settings, tmp_path / "files")
    taken = fetched["ventes"].prefix
    assert taken == (len(before), hashlib.sha256(before).hexdigest())
    wrong = (len(before), hashlib.sha256(b"autre chose").hexdigest())
    # (digest given to the import, whether it reads the appended line only, lines read)
    for n, (prefix, incremental, rows_read) in enumerate(
        [(taken, True, 1), (None, True, 1), (wrong, False, 4)]
    ):
        copy = tmp_path / f"copie{n}.db"
        shutil.copyfile(db, copy)
        ventes = replace(fetched["ventes"], prefix=prefix)
        report = api.load_fetched(make_settings(server, copy), {**fetched, "ventes": ventes})
        read = report.files["ventes"]
        assert (read.incremental, read.rows_read) == (incremental, rows_read), prefix
        assert stored_sales(copy) == Counter([A1, B2, A2, B1])


def test_the_previous_sales_file_size_is_read_without_creating_the_database(
    server: FileServer, db_path: Path
) -> None:
    settings = make_settings(server, db_path)
    assert api.previous_sales_bytes(settings) is None
    assert not db_path.exists()
    api.init(settings)
    assert api.previous_sales_bytes(settings) is None  # no import yet


def test_identical_lines_appended_continue_the_ranks(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, A1, B2]))
    report = import_files(server, db_path, ventes=ventes_csv([A1, A1, B2, A1, A1]))
    assert report.files["ventes"].incremental
    assert report.files["ventes"].inserted == 2
    assert occurrences(db_path, A1) == [1, 2, 3, 4]
    # and a full re-read of the same content agrees: nothing new
    edited = ventes_csv([A1, A1, B2, A1, A1], eol="\r\n")
    full = import_files(server, db_path, ventes=edited)
    assert not full.files["ventes"].incremental
    assert (full.files["ventes"].inserted, full.files["ventes"].vanished) == (0, 0)


def test_file_edited_in_the_middle_is_read_whole(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2, A2]))
    # B2 becomes B1 and a line is appended: the prefix differs, so no fast path
    report = import_files(server, db_path, ventes=ventes_csv([A1, B1, A2, A1]))
    ventes = report.files["ventes"]
    assert not ventes.incremental
    assert (ventes.rows_read, ventes.inserted, ventes.already_present) == (4, 2, 2)
    assert ventes.vanished == 1
    assert stored_sales(db_path) == Counter([A1, B2, A2, B1, A1])


def test_fast_path_is_not_used_after_a_vanished_line(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2]))
    import_files(server, db_path, ventes=ventes_csv([A1]))  # B2 vanished, kept
    report = import_files(server, db_path, ventes=ventes_csv([A1, A1]))
    ventes = report.files["ventes"]
    assert not ventes.incremental  # the database does not mirror the previous file
    assert (ventes.inserted, ventes.vanished) == (1, 1)
    assert stored_sales(db_path) == Counter({A1: 2, B2: 1})


def test_file_without_final_newline_then_appended(server: FileServer, db_path: Path) -> None:
    import_files(server, db_path, ventes=ventes_csv([A1, B2]).rstrip("\n"))
    report = import_files(server, db_path, ventes=ventes_csv([A1, B2, B2]))
    ventes = report.files["ventes"]
    assert not ventes.incremental  # the last line was incomplete: read everything again
    assert (ventes.inserted, ventes.already_present) == (1, 2)
    assert stored_sales(db_path) == Counter({A1: 1, B2: 2})


def test_line_for_unknown_product_is_imported_once_the_product_exists(
    server: FileServer, db_path: Path
) -> None:
    c1: Sale = ("2023-06-01", "REF003", 1, 2)
    first = import_files(server, db_path, ventes=ventes_csv([A1, c1]))
    ventes = first.files["ventes"]
    assert (ventes.inserted, ventes.rejected, ventes.pending_references) == (1, 1, 1)
    assert query(db_path, "SELECT line_number, code FROM rejects") == [(3, "unknown_product")]

    # same reference files, lines appended: the fast path, the pending line is remembered
    second = import_files(server, db_path, ventes=ventes_csv([A1, c1, B2]))
    assert second.files["ventes"].incremental
    assert second.files["ventes"].pending_references == 1
    assert second.files["ventes"].inserted == 1

    # the product appears: the whole file is read again and the line is imported
    produits = PRODUITS + "Produit C,REF003,29.99,75\n"
    third = import_files(server, db_path, ventes=ventes_csv([A1, c1, B2, B1]), produits=produits)
    ventes = third.files["ventes"]
    assert not ventes.incremental
    assert (ventes.inserted, ventes.rejected, ventes.pending_references) == (2, 0, 0)
    assert stored_sales(db_path) == Counter([A1, c1, B2, B1])

    # from then on, appends take the fast path again
    fourth = import_files(
        server, db_path, ventes=ventes_csv([A1, c1, B2, B1, c1]), produits=produits
    )
    assert fourth.files["ventes"].incremental
    assert stored_sales(db_path)[c1] == 2


def test_line_for_unknown_store_is_imported_once_the_store_exists(
    server: FileServer, db_path: Path
) -> None:
    a9: Sale = ("2023-06-01", "REF001", 9, 1)
    import_files(server, db_path, ventes=ventes_csv([A1, a9]))
    magasins = MAGASINS + "9,Lille,3\n"
    report = import_files(server, db_path, ventes=ventes_csv([A1, a9, B2]), magasins=magasins)
    assert not report.files["ventes"].incremental
    assert report.files["ventes"].inserted == 2
    assert stored_sales(db_path) == Counter([A1, a9, B2])


# --- property: random versions of the source ------------------------------------------------


INVALID_LINES = ("2023-05-27,REF009,1,1", "2023-05-27,REF001,0,1", "5/27/2023,REF001,1,1")


def _random_line(rng: random.Random) -> Sale | str:
    """Mostly valid sales, from few distinct values so identical lines are frequent."""
    if rng.random() < 0.1:
        return rng.choice(INVALID_LINES)
    return (
        f"2023-05-{rng.randint(27, 29)}",
        rng.choice(["REF001", "REF002"]),
        rng.randint(1, 2),
        rng.randint(1, 2),
    )


def _next_version(rng: random.Random, lines: list[Sale | str]) -> list[Sale | str]:
    lines = list(lines)
    action = rng.choice(["append", "append", "append_dup", "remove", "insert", "same"])
    if action == "append":
        lines += [_random_line(rng) for _ in range(rng.randint(1, 5))]
    elif action == "append_dup" and lines:
        lines += [rng.choice(lines) for _ in range(rng.randint(1, 3))]
    elif action == "remove" and lines:
        for _ in range(rng.randint(1, min(3, len(lines)))):
            lines.pop(rng.randrange(len(lines)))
    elif action == "insert":
        for _ in range(rng.randint(1, 3)):
            new = rng.choice(lines) if lines and rng.random() < 0.5 else _random_line(rng)
            lines.insert(rng.randint(0, len(lines)), new)
    return lines


def test_database_mirrors_random_source_versions(server: FileServer, db_path: Path) -> None:
    """Whatever the successive versions of the source, the database holds, for each line
    content, the largest number of copies any version had: every source line is there
    (never lost), never more than the source ever had (never doubled), nothing deleted."""
    fast_paths = 0
    for seed in range(12):
        rng = random.Random(seed)
        db = db_path.with_name(f"prop-{seed}.db")
        expected: Counter[Sale] = Counter()
        lines: list[Sale | str] = [_random_line(rng) for _ in range(rng.randint(0, 8))]
        previous: str | None = None
        mirrored = True
        for _version in range(6):
            source = ventes_csv(lines)
            before = stored_sales(db) if db.exists() else Counter()
            report = import_files(server, db, ventes=source)
            ventes = report.files["ventes"]
            wanted = Counter(line for line in lines if not isinstance(line, str))
            invalid = len(lines) - sum(wanted.values())
            # the counts of the report
            assert ventes.inserted == sum((wanted - before).values()), (seed, lines)
            assert ventes.vanished == sum((before - wanted).values()), (seed, lines)
            # the fast path is taken exactly when it is safe and possible
            can_resume = (
                previous is not None
                and mirrored
                and source.startswith(previous)
                and previous != VENTES_HEADER
            )
            assert ventes.incremental == can_resume, (seed, previous, source)
            fast_paths += ventes.incremental
            if not ventes.incremental:
                assert ventes.rows_read == len(lines)
                assert ventes.rejected == invalid
            # every invalid line of this version is in the rejects table, once
            rejected = query(db, "SELECT line_number, raw FROM rejects WHERE source = 'ventes'")
            assert len(rejected) == len(set(rejected))
            for number, line in enumerate(lines, start=2):
                if isinstance(line, str):
                    assert (number, line) in rejected, (seed, number, line)
            expected |= wanted  # elementwise max
            assert stored_sales(db) == expected, (seed, lines)
            mirrored = ventes.vanished == 0
            previous = source
            lines = _next_version(rng, lines)
    assert fast_paths >= 10  # the property covered the fast path too


# --- several imports and the API ------------------------------------------------------------


def test_header_only_file_imports_nothing(server: FileServer, db_path: Path) -> None:
    report = import_files(server, db_path, ventes=VENTES_HEADER)
    assert report.files["ventes"].rows_read == 0
    assert stored_sales(db_path) == Counter()


def test_import_creates_the_database(server: FileServer, tmp_path: Path) -> None:
    db = tmp_path / "sub" / "dir" / "v.db"
    import_files(server, db, ventes=ventes_csv([A1]))
    assert db.is_file()
    assert stored_sales(db) == Counter([A1])
    settings = Settings.load({"db_path": db}, env={})
    assert api.latest_analysis(settings) is None
