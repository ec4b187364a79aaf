"""La progression d'un long travail, sur une ligne de la sortie d'erreur.

A one-line progress display on standard error, for long downloads and imports."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ventes_pme import fmt


class ProgressLine:
    """Rewrites one line of ``stream`` at most every ``interval`` seconds."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def download(self, source: str, done: int, total: int | None) -> None:
        if total:
            self._show(f"Téléchargement de {source} : {fmt.size(done)} / {fmt.size(total)}")
        else:
            self._show(f"Téléchargement de {source} : {fmt.size(done)}")

    def load(self, source: str, done: int, total: int) -> None:
        pct = fmt.percent(done, total, 0)
        self._show(f"Import de {source} : {pct} ({fmt.size(done)} / {fmt.size(total)})")

    def _show(self, text: str) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
