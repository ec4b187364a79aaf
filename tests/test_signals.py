"""Signal dispositions: what the program installs and restores, what its children get."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.procs import run
from ventes_pme import signals


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """This process as a background job of a script (``cmd &``): SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_children_get_sigint_at_its_default_even_when_pytest_ignores_it() -> None:
    probe = [sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT))"]
    with _sigint_ignored():
        result = run(probe, {})
    assert "default_int_handler" in result.stdout, result.stdout + result.stderr


def test_handling_installs_then_restores_and_keeps_an_ignored_signal_ignored() -> None:
    def handler(signum: int, frame: object) -> None:
        pass

    before = signal.getsignal(signal.SIGTERM)
    with _sigint_ignored():
        with signals.handling(handler, signal.SIGINT, signal.SIGTERM):
            assert signal.getsignal(signal.SIGTERM) is handler
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # inherited: kept
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) is before
