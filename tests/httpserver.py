"""A real HTTP server on 127.0.0.1 for the tests: serves files and scripted misbehaviours.

Never a mock of the HTTP client: the pipeline talks to this server over a real socket.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class FileServer:
    """Serves ``files[name]`` at ``/name``; ``behaviours[name]`` overrides the answer.

    Supports ETag / Last-Modified (answers 304 to a matching conditional request) and
    records every request in ``requests`` as (method, path, headers).
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.conditional = True
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                name = self.path.lstrip("/").split("?")[0]
                server.requests.append(("GET", self.path, dict(self.headers.items())))
                if name in server.behaviours:
                    server.behaviours[name](self)
                    return
                if name not in server.files:
                    self.send_error(404, "Not Found")
                    return
                body = server.files[name]
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if server.conditional and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if server.conditional:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", email.utils.formatdate(usegmt=True))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # a short poll interval: stop() (shutdown) then returns at once, not after 0.5 s
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def start(self) -> FileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- scripted behaviours -------------------------------------------------------------------


def status(code: int, body: bytes = b"", content_type: str = "text/plain") -> Behaviour:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def redirect(location: str, code: int = 302) -> Behaviour:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def truncated(body: bytes, announced: int) -> Behaviour:
    """Announce ``announced`` bytes, send ``body`` (shorter), close the connection."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(announced))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return answer


def slow(body: bytes, delay: float, chunk: int = 1) -> Behaviour:
    """Send ``body`` ``chunk`` bytes at a time, sleeping ``delay`` between chunks."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(0, len(body), chunk):
                h.wfile.write(body[i : i + chunk])
                h.wfile.flush()
                time.sleep(delay)
        except OSError:
            pass

    return answer


def flaky(failures: int, then: Behaviour, code: int = 503) -> Behaviour:
    """Answer ``code`` the first ``failures`` times, then behave as ``then``."""
    count = {"n": 0}

    def answer(h: BaseHTTPRequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            status(code, b"busy")(h)
        else:
            then(h)

    return answer


def serve(body: bytes, content_type: str = "text/csv") -> Behaviour:
    return status(200, body, content_type)
