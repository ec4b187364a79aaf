"""The imports ``ventes import`` is compared with, each run in its own process by bench.

``python -m bench.baselines pandas URL DB``: the usual approach, ``pandas.read_csv`` then
``DataFrame.to_sql`` (no validation, no deduplication).
``python -m bench.baselines python CSV DB``: CPython's floor, ``csv.reader`` then
``executemany`` into a bare table (no validation, no deduplication, no key).
``python -m bench.baselines profil FOLDER DB``: the data profile alone, as each import
computes it (the streaming pass over the three files of FOLDER, then its SQL on DB).
"""

from __future__ import annotations

import csv
import sqlite3
import sys


def pandas_import(url: str, db: str) -> int:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    frame = pd.read_csv(url)
    conn = sqlite3.connect(db)
    try:
        frame.to_sql("ventes", conn, if_exists="append", index=False)
        conn.commit()
    finally:
        conn.close()
    return len(frame)


def python_import(path: str, db: str) -> int:
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TABLE ventes (date TEXT, produit TEXT, quantite TEXT, magasin TEXT)")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            rows = (row for row in reader if len(row) == 4)  # else: wrong number of bindings
            count = conn.executemany("INSERT INTO ventes VALUES (?, ?, ?, ?)", rows).rowcount
        conn.commit()
    finally:
        conn.close()
    return count


def profile_only(folder: str, db: str) -> int:
    from pathlib import Path

    from ventes_pme import validate
    from ventes_pme.profile import stats, store

    paths = {source: Path(folder) / f"{source}.csv" for source in stats.SOURCES}
    layouts = {source: validate.sniff(source, paths[source]) for source in stats.SOURCES}
    files = stats.scan(paths, layouts)
    conn = sqlite3.connect(db)
    try:
        files = store.complete(conn, files)
    finally:
        conn.close()
    return files["ventes"].lines


if __name__ == "__main__":
    kind, source, target = sys.argv[1:4]
    run = {"pandas": pandas_import, "python": python_import, "profil": profile_only}[kind]
    print(run(source, target))
