"""Shared fixtures: a real HTTP server on 127.0.0.1, the client's files, a database path.

The helpers the tests import (sample files, settings, dumps) live in tests/support.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.httpserver import FileServer
from tests.support import CLIENT_DATA
from tools.browser import Browser, available

# Property-based tests (tests/test_generated.py): a bounded run by default, a long one with
# HYPOTHESIS_PROFILE=long (README, Développement). Each example is a whole import sequence.
hypothesis_settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright (tools/browser.py); skipped without it, except
    under CI=true where it must run."""
    missing = available()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}: required under CI=true")
        pytest.skip(missing)
    with Browser() as b:
        yield b


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ventes.db"


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
        terminalreporter.write_line(
            f"generated import examples: {GENERATED['examples']} "
            f"({GENERATED['in_child']} read in a child process; "
            f"{GENERATED['appends']} appended-lines imports, "
            f"{GENERATED['appends_to_stored_groups']} of them continuing stored groups)"
        )
