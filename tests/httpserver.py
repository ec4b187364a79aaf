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
    records every request in ``requests`` as (method, path, headers). ``etags = False``
    leaves out the ETag (Last-Modified only); ``last_modified[name]`` fixes a file's
    modification time and ``date`` the ``Date`` header (epoch seconds; default: now).
    ``framing[name]`` says how a 200 body is delimited: ``"length"`` (the default:
    Content-Length), ``"chunked"`` (Transfer-Encoding: chunked) or ``"close"`` (neither: the
    body ends when the server closes the connection, so the client cannot know whether it
    got all of it).
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.conditional = True
        self.etags = True
        self.last_modified: dict[str, float] = {}
        self.date: float | None = None
        self.framing: dict[str, str] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def date_time_string(self, timestamp: float | None = None) -> str:
                when = server.date if timestamp is None else timestamp
                return email.utils.formatdate(when, usegmt=True)

            def not_modified(self, name: str, etag: str) -> bool:
                if not server.conditional:
                    return False
                if "If-None-Match" in self.headers:
                    return server.etags and self.headers["If-None-Match"] == etag
                since = self.headers.get("If-Modified-Since")
                if since is None:
                    return False
                modified = server.last_modified.get(name, time.time())
                return int(modified) <= email.utils.parsedate_to_datetime(since).timestamp()

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
                if self.not_modified(name, etag):
                    self.send_response(304)
                    if server.etags:
                        self.send_header("ETag", etag)
                    self.end_headers()
                    return
                framing = server.framing.get(name, "length")
                self.send_response(200)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                if framing == "length":
                    self.send_header("Content-Length", str(len(body)))
                elif framing == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    assert framing == "close", framing
                    self.send_header("Connection", "close")
                    self.close_connection = True
                if server.conditional:
                    if server.etags:
                        self.send_header("ETag", etag)
                    modified = server.last_modified.get(name)
                    self.send_header("Last-Modified", self.date_time_string(modified))
                self.end_headers()
                if framing == "chunked":
                    half = len(body) // 2
                    for part in (body[:half], body[half:]):
                        if part:
                            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)
                self.wfile.flush()

        self.httpd = _Server(("127.0.0.1", 0), Handler)
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
        self.httpd.released.set()  # behaviours holding a transfer (hold, trickle) end now
        self.httpd.shutdown()
        self.httpd.server_close()


class _Server(ThreadingHTTPServer):
    """The test server, with an event set when the test is over (:meth:`FileServer.stop`)."""

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.released = threading.Event()


#: how long a behaviour holds a transfer at most, if the test never stops its server
HOLD_LIMIT = 60.0


def released(h: BaseHTTPRequestHandler, wait: float = HOLD_LIMIT) -> bool:
    """Wait up to ``wait`` seconds for the end of the test (its server stopped); True then."""
    server = h.server
    assert isinstance(server, _Server)
    return server.released.wait(wait)


# --- scripted behaviours -------------------------------------------------------------------


def hold(h: BaseHTTPRequestHandler) -> None:
    """Send nothing more until the test is over (its server stopped; at most a minute):
    a client that gives up first did so on its own time limit, whatever the machine's load,
    where a pause of a given length would race with it."""
    released(h)


def trickle(body: bytes, delay: float, chunk: int = 1) -> Behaviour:
    """Announce a body of 10 MB (under the size caps), then send ``body`` over and over,
    ``chunk`` bytes every ``delay`` seconds, for as long as the client reads and the test runs (at
    most a minute): every read gets bytes soon, the transfer never ends, so only a limit
    on its whole duration (VENTES_DUREE_MAX) can end it."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(10**7))
        h.end_headers()
        deadline = time.monotonic() + HOLD_LIMIT
        sent = 0
        try:
            while time.monotonic() < deadline and not released(h, delay):
                h.wfile.write(body[sent % len(body) :][:chunk])
                h.wfile.flush()
                sent += chunk
        except OSError:
            pass  # the client gave up
        h.close_connection = True

    return answer


def status(
    code: int,
    body: bytes = b"",
    content_type: str = "text/plain",
    headers: dict[str, str] | None = None,
) -> Behaviour:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
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


def flaky(
    failures: int, then: Behaviour, code: int = 503, headers: dict[str, str] | None = None
) -> Behaviour:
    """Answer ``code`` (with ``headers``) the first ``failures`` times, then as ``then``."""
    count = {"n": 0}

    def answer(h: BaseHTTPRequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            status(code, b"busy", headers=headers)(h)
        else:
            then(h)

    return answer


def serve(body: bytes, content_type: str = "text/csv") -> Behaviour:
    return status(200, body, content_type)


def gated(body: bytes, gate: threading.Event, first: int = 1) -> Behaviour:
    """Send the first ``first`` bytes of ``body``, wait for ``gate`` to be set, then the rest:
    the download is deterministically in flight until the test opens the gate."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body[:first])
            h.wfile.flush()
            gate.wait(60)
            h.wfile.write(body[first:])
            h.wfile.flush()
        except OSError:
            pass

    return answer


def unframed(body: bytes) -> Behaviour:
    """A 200 answer without Content-Length nor chunks: the body ends when the connection
    closes, so the client cannot know whether it got all of it."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return answer
