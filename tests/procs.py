"""Helpers for the tests that run the real ``ventes`` command in other processes."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from tests.httpserver import FileServer

Sale = tuple[str, str, int, int]

PRODUCTS = ("REF001", "REF002")
STORES = (1, 2)


def ventes(*args: str) -> list[str]:
    """The command line of the real ``ventes`` command (the installed package)."""
    return [sys.executable, "-m", "ventes_pme", *args]


def environment(server: FileServer | None, db: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no inherited VENTES_*, fast retries, the test server's URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}
    env.update(
        PYTHONUNBUFFERED="1",
        VENTES_DB=str(db),
        VENTES_PROGRESSION="non",
        VENTES_TIMEOUT="5",
        VENTES_PAUSE="0.01",
    )
    if server is not None:
        for source in ("produits", "magasins", "ventes"):
            env[f"VENTES_URL_{source.upper()}"] = server.url(source)
    env.update(extra)
    return env


def start(args: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(
    args: list[str], env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=dict(env), capture_output=True, text=True, timeout=timeout)


def generate_sales(n: int, seed: int = 0, header: bool = True) -> bytes:
    """``n`` valid sales lines over PRODUCTS x STORES, with many identical lines."""
    rng = random.Random(seed)
    lines = ["Date,ID Référence produit,Quantité,ID Magasin"] if header else []
    for _ in range(n):
        lines.append(
            f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
            f"{rng.choice(PRODUCTS)},{rng.randint(1, 5)},{rng.choice(STORES)}"
        )
    return ("\n".join(lines) + "\n").encode()


def expected_sales(ventes_file: bytes) -> Counter[Sale]:
    """The multiset of sales of a generated file, computed without the pipeline."""
    counter: Counter[Sale] = Counter()
    for line in ventes_file.decode().splitlines()[1:]:
        day, product, quantity, store = line.split(",")
        counter[(day, product, int(store), int(quantity))] += 1
    return counter


def stored_sales(db: Path) -> Counter[Sale]:
    """The multiset of sales in ``db``; checks each group's occurrences are exactly 1..k."""
    conn = sqlite3.connect(db)
    try:
        groups: dict[Sale, list[int]] = {}
        for day, product, store, quantity, occurrence in conn.execute(
            "SELECT sale_date, product_id, store_id, quantity, occurrence FROM sales"
        ):
            groups.setdefault((day, product, store, quantity), []).append(occurrence)
    finally:
        conn.close()
    for key, occurrences in groups.items():
        assert sorted(occurrences) == list(range(1, len(occurrences) + 1)), key
    return Counter({key: len(occ) for key, occ in groups.items()})


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def lock_held(db: Path) -> bool:
    """Whether another connection holds the write lock of ``db`` (an import in flight)."""
    if not db.exists():
        return False
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def wait_for(condition: object, timeout: float = 20.0, step: float = 0.005) -> bool:
    """Poll ``condition()`` until true or ``timeout``; returns its last value."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
