"""Shared fixtures: a real HTTP server on 127.0.0.1, the client's files, fresh settings."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.httpserver import FileServer
from ventes_pme.config import Settings

# Property-based tests (tests/test_generated.py): a bounded run by default, a long one with
# HYPOTHESIS_PROFILE=long (README, Développement). Each example is a whole import sequence.
hypothesis_settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
#: the project's snapshot of the client's three published files (exemples/client/README.md)
CLIENT_DATA = ROOT / "exemples" / "client"

PRODUITS = (
    "Nom,ID Référence produit,Prix,Stock\nProduit A,REF001,49.99,100\nProduit B,REF002,19.99,50\n"
)
MAGASINS = "ID Magasin,Ville,Nombre de salariés\n1,Paris,10\n2,Marseille,5\n"
VENTES_HEADER = "Date,ID Référence produit,Quantité,ID Magasin\n"


@pytest.fixture
def server() -> Iterator[FileServer]:
    srv = FileServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client_files() -> dict[str, bytes]:
    """The client's real files, from the project's snapshot in exemples/client/."""
    return {n: (CLIENT_DATA / f"{n}.csv").read_bytes() for n in ("produits", "magasins", "ventes")}


def make_settings(server: FileServer, db: Path, **overrides: object) -> Settings:
    """Settings pointing at ``server``'s produits/magasins/ventes, fast retries."""
    values: dict[str, object] = {
        "db_path": db,
        "url_produits": server.url("produits"),
        "url_magasins": server.url("magasins"),
        "url_ventes": server.url("ventes"),
        "timeout": 5.0,
        "backoff": 0.01,
        "progress": False,
    }
    values.update(overrides)
    return Settings.load(values, env={})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ventes.db"


def publish(
    server: FileServer,
    produits: str = PRODUITS,
    magasins: str = MAGASINS,
    ventes: str = VENTES_HEADER,
) -> None:
    server.files.update(
        produits=produits.encode(), magasins=magasins.encode(), ventes=ventes.encode()
    )


def dump(db: Path) -> list[tuple[object, ...]]:
    """Every row of every table, to compare a database before and after."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        rows: list[tuple[object, ...]] = []
        for table in tables:
            rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return rows
    finally:
        conn.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many hostile-input cases ran (tests marked ``hostile``) and how many import
    examples the property-based tests generated, even with -q."""
    outcomes: dict[str, int] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        hostile = [r for r in terminalreporter.stats.get(outcome, []) if "hostile" in r.keywords]
        if hostile:
            outcomes[outcome] = len(hostile)
    if outcomes:
        total = sum(outcomes.values())
        detail = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"hostile-input cases tried: {total} ({detail})")
    from tests.support import GENERATED

    if GENERATED["examples"]:
        terminalreporter.write_line(f"generated import examples: {GENERATED['examples']}")
