"""A headless Chromium driven by Playwright: the report's browser checks and screenshots.

Playwright (``dev`` extra) drives the browser installed by the system (Debian's
``chromium`` package): no browser is downloaded (``playwright install`` is never needed).
``VENTES_CHROMIUM`` names another executable.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def find_chromium() -> str | None:
    """The browser to use: ``VENTES_CHROMIUM``, else the first one on PATH."""
    explicit = os.environ.get("VENTES_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else shutil.which(explicit)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright absent (pip install -e '.[dev]')"
    if find_chromium() is None:
        return "Chromium absent (paquet Debian chromium)"
    return None


class Browser:
    """One headless Chromium; :meth:`open` loads a page in a fresh context (viewport)."""

    def __init__(self, executable: str | None = None, timeout: float = 30.0) -> None:
        self.executable = executable or find_chromium()
        self.timeout_ms = timeout * 1000
        #: console errors, uncaught exceptions and failed loads of the open page
        self.events: list[str] = []
        self._page: Page | None = None

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        if self.executable is None:
            raise RuntimeError("no Chromium found (VENTES_CHROMIUM or PATH)")
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=ARGS, timeout=self.timeout_ms
            )
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._browser.close()
        self._playwright.stop()

    def open(self, url: str, width: int = 1280, height: int = 800, mobile: bool = False) -> None:
        """Load ``url`` at this viewport (a phone when ``mobile``) and wait for its load."""
        if self._page is not None:
            self._page.context.close()
        context = self._browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=1,
        )
        page = context.new_page()
        page.set_default_timeout(self.timeout_ms)
        page.on(
            "console",
            lambda m: self.events.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.events.append(f"Uncaught {e}"))
        page.on("requestfailed", lambda r: self.events.append(f"failed: {r.url} {r.failure or ''}"))
        page.goto(url, wait_until="load")
        self._page = page

    @property
    def page(self) -> Page:
        assert self._page is not None, "open a page first"
        return self._page

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def errors(self) -> list[str]:
        return list(self.events)

    def screenshot(self, path: Path) -> tuple[int, int]:
        """The whole page as a PNG file; returns its size in CSS pixels."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        width, height = self.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        return int(width), int(height)
