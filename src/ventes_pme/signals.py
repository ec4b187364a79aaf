"""Les signaux (Ctrl+C, SIGTERM) gérés le temps d'une commande, puis rétablis.

Signal handlers installed for the length of a command, then restored: the one place
that does it, for ``ventes`` (SIGTERM interrupts like Ctrl+C) and ``ventes watch``."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

Handler = Callable[[int, FrameType | None], object]


def interrupt(signum: int, frame: FrameType | None) -> None:
    """A handler that interrupts like Ctrl+C: the transaction in flight is rolled back."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextmanager
def handling(handler: Handler, *signums: signal.Signals) -> Iterator[None]:
    """Route ``signums`` to ``handler`` inside the block, then restore the previous handlers.

    Signals reach only the main thread: elsewhere nothing is installed. A signal ignored
    when the block starts stays ignored (Unix convention: a script's background job,
    ``cmd &``, starts with SIGINT ignored so that Ctrl+C in the terminal spares it).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {
        signum: signal.signal(signum, handler)
        for signum in signums
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, previous in saved.items():
            signal.signal(signum, previous)
