"""The ``tableau`` service for the tests: the image's own command, in a real process.

``python -m ventes_pme.tableau`` with VENTES_DB and VENTES_RAPPORT, exactly what the
``tableau`` image runs, listening on a free port of 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the Datasette name of a database file ventes.db
DB = "ventes"


def require_datasette() -> None:
    """Skip without Datasette (extra ``tableau``), except under CI=true: there it must run."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise AssertionError("Datasette is required under CI=true (extra dev)") from None
        import pytest

        pytest.skip("Datasette absent (extra tableau de pyproject.toml)", allow_module_level=True)


@dataclass
class Tableau:
    base: str
    process: subprocess.Popen[str]
    log: Path

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, data: bytes | None = None) -> tuple[int, str, dict[str, str]]:
        """Status, body and headers of ``path`` (a POST when ``data`` is given)."""
        status, body, headers = self.get_bytes(path, data)
        return status, body.decode("utf-8", "replace" if status >= 400 else "strict"), headers

    def get_bytes(self, path: str, data: bytes | None = None) -> tuple[int, bytes, dict[str, str]]:
        """Status, body (bytes, as sent) and headers of ``path``."""
        request = urllib.request.Request(self.url(path), data=data)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                return response.status, response.read(), headers
        except urllib.error.HTTPError as exc:
            headers = {k.lower(): v for k, v in exc.headers.items()}
            return exc.code, exc.read(), headers

    def json(self, path: str) -> Any:
        status, body, _ = self.get(path)
        assert status == 200, (path, status, body[:500])
        return json.loads(body)

    def rows(self, query: str) -> list[dict[str, Any]]:
        """The rows of a canned query (or table), as JSON objects."""
        rows: list[dict[str, Any]] = self.json(f"/{DB}/{query}.json?_shape=array&_size=max")
        return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def tableau(
    db: Path,
    rapport: Path,
    log: Path,
    timeout: float = 60,
    settings: dict[str, str] | None = None,
) -> Iterator[Tableau]:
    """Start the service on ``db`` (with the ``VENTES_*`` ``settings`` given, no other);
    stop it on exit."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}
    env.update(PYTHONUNBUFFERED="1", VENTES_DB=str(db), VENTES_RAPPORT=str(rapport))
    env.update(settings or {})
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ventes_pme.tableau", "--port", str(port), "--attente", "5"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
    served = Tableau(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"tableau exited with {process.returncode}\n{log.read_text()}")
            try:
                # the introspection pages are closed: a style sheet says it is ready
                if served.get("/-/static/app.css")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"tableau not listening after {timeout} s\n{log.read_text()}")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
