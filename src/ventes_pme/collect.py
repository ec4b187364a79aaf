"""Collecte : télécharge chaque fichier (délais, nouvelles tentatives, taille maximale) ou le lit.

Fetch the client's files: over HTTP(S) with timeouts, retries and a size cap, or from disk.

Each file is streamed to a temporary file while its SHA-256 is computed, so memory stays
flat whatever the size. Nothing here touches the database.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import hashlib
import http.client
import io
import math
import queue
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ventes_pme import __version__, fmt, french, redact
from ventes_pme.config import MAX_SECONDS, Settings
from ventes_pme.errors import CollectError, ConfigError

CHUNK = 1 << 16
USER_AGENT = f"ventes-pme/{__version__}"

Progress = Callable[[int, int | None], None]
"""Called while downloading with (bytes so far, total bytes or None)."""


@dataclass(frozen=True)
class Fetched:
    """A file fetched to ``path``, with what the audit trail records of it."""

    source: str
    url: str
    path: Path
    size: int
    sha256: str
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: the server answered 304: the file did not change since the given validators
    not_modified: bool = False
    #: whether the whole file is known to have arrived: a local file, a body whose length
    #: matched Content-Length, or a complete chunked body. False for a body ended by the
    #: server closing the connection: its last line may be cut (see validate.Rows).
    complete: bool = True
    #: ``(n, SHA-256 of the first n bytes)`` when :func:`fetch` was asked for the digest
    #: of that prefix (and the file has n bytes or more): load/incremental.py checks with it
    #: that the file only grew since the previous import, without reading it again.
    prefix: tuple[int, str] | None = None


@dataclass(frozen=True)
class Validators:
    """What a conditional request sends back (from the previous download)."""

    etag: str | None = None
    last_modified: str | None = None


def check_location(source: str, location: str, settings: Settings) -> str:
    """The scheme of ``location`` ("file" for a local path); ConfigError if not allowed."""
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if len(scheme) <= 1:  # no scheme, or a Windows drive letter
        scheme = "file"
    if scheme not in settings.allowed_schemes:
        raise ConfigError(
            f"Adresse refusée pour « {source} » : le schéma « {scheme} » n'est pas autorisé "
            f"(autorisés : {', '.join(settings.allowed_schemes)} ; voir VENTES_SCHEMAS)"
            f"{remedy(source)}."
        )
    return scheme


def remedy(source: str) -> str:
    """Where the address of ``source`` is set, for the end of an error message."""
    return f" ; adresse réglable par --url-{source} ou VENTES_URL_{source.upper()}"


def fetch(
    source: str,
    location: str,
    dest: Path,
    settings: Settings,
    *,
    validators: Validators | None = None,
    progress: Progress | None = None,
    prefix: int | None = None,
) -> Fetched:
    """Fetch ``location`` (http(s) URL, ``file://`` URL or local path) into ``dest``;
    with ``prefix``, also the SHA-256 of its first ``prefix`` bytes (``Fetched.prefix``)."""
    if check_location(source, location, settings) == "file":
        return _copy_local(source, location, dest, settings, prefix)
    return _download(source, location, dest, settings, validators, progress, prefix)


def copy_hashing(
    chunks: Iterable[bytes], out: Any, prefix: int | None = None
) -> tuple[int, str, str | None]:
    """Write ``chunks`` to the binary file ``out``; return (size, SHA-256 hex digest, SHA-256
    of the first ``prefix`` bytes: None without ``prefix`` or when there are fewer bytes).

    The one streaming SHA-256 of the package: what is hashed is exactly what is written.
    The digest of the prefix is a copy of the running digest at that byte: each byte is
    hashed once. The hashing runs in a second thread (:class:`_Sha256`), beside the
    reading and writing of the chunks: hashlib lets go of the GIL, and hashing a sales
    file takes about as long as downloading it from a nearby server.
    """
    hashing = _Sha256(prefix)
    size = 0
    try:
        for chunk in chunks:
            hashing.add(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        digest, at_prefix = hashing.result()
    return size, digest, at_prefix


class _Sha256(threading.Thread):
    """The SHA-256 of the chunks given to :meth:`add`, computed in this thread, and the
    SHA-256 of their first ``prefix`` bytes."""

    #: chunks waiting to be hashed, at most (memory stays flat when hashing is slower)
    WAITING = 16

    def __init__(self, prefix: int | None) -> None:
        super().__init__(name="sha256", daemon=True)
        self.prefix = prefix
        self.chunks: queue.Queue[bytes | None] = queue.Queue(self.WAITING)
        self.digest = hashlib.sha256()
        self.at_prefix: Any = None
        self.failure: BaseException | None = None
        self.start()

    def add(self, chunk: bytes) -> None:
        self.chunks.put(chunk)

    def run(self) -> None:
        digest, prefix, size = self.digest, self.prefix, 0
        try:
            while (chunk := self.chunks.get()) is not None:
                if prefix is not None and size <= prefix < size + len(chunk):
                    cut = prefix - size
                    digest.update(memoryview(chunk)[:cut])
                    self.at_prefix = digest.copy()
                    digest.update(memoryview(chunk)[cut:])
                else:
                    digest.update(chunk)
                size += len(chunk)
            if prefix == size:  # the prefix is the whole file
                self.at_prefix = digest
        except BaseException as exc:  # said by result(), in the calling thread
            self.failure = exc
            while self.chunks.get() is not None:  # let add() and result() go on
                pass

    def result(self) -> tuple[str, str | None]:
        """(digest, digest of the prefix or None), once every chunk added is hashed."""
        self.chunks.put(None)
        self.join()
        if self.failure is not None:
            raise self.failure
        return self.digest.hexdigest(), (
            None if self.at_prefix is None else self.at_prefix.hexdigest()
        )


def file_chunks(path: Path, limit: int | None = None) -> Iterable[bytes]:
    """The bytes of ``path`` in chunks (only the first ``limit`` bytes when given)."""
    remaining = limit
    with path.open("rb") as handle:
        while remaining is None or remaining > 0:
            chunk = handle.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


def _copy_local(
    source: str, location: str, dest: Path, settings: Settings, prefix: int | None
) -> Fetched:
    if location.lower().startswith("file:"):
        parts = urllib.parse.urlsplit(location)
        path = Path(urllib.request.url2pathname(parts.path))
    else:
        path = Path(location)
    if not path.is_file():
        raise CollectError(f"Fichier « {source} » introuvable : {path}{remedy(source)}.")
    if path.stat().st_size > settings.max_bytes:
        raise CollectError(_too_big(source, settings.max_bytes))

    def capped() -> Iterable[bytes]:
        total = 0
        for chunk in file_chunks(path):
            total += len(chunk)
            if total > settings.max_bytes:
                raise CollectError(_too_big(source, settings.max_bytes))
            yield chunk

    with dest.open("wb") as out:
        size, sha256, prefix_sha256 = copy_hashing(capped(), out, prefix)
    return Fetched(source, location, dest, size, sha256, prefix=_prefix(prefix, prefix_sha256))


def _prefix(prefix: int | None, sha256: str | None) -> tuple[int, str] | None:
    return None if prefix is None or sha256 is None else (prefix, sha256)


def _too_big(source: str, limit: int) -> str:
    return (
        f"Le fichier « {source} » dépasse la taille maximale autorisée ({limit} octets) : "
        "téléchargement interrompu (voir VENTES_TAILLE_MAX)."
    )


class _Retry(Exception):
    """A transient failure: the download may be tried again (after ``retry_after``
    seconds when the server said so)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def pause_before(made: int, backoff: float, retry_after: float | None) -> float:
    """The pause before the next attempt, once ``made`` attempts failed: ``backoff``
    doubled at each attempt after the first, or the server's ``Retry-After`` when it asks
    for longer; at most :data:`~ventes_pme.config.MAX_SECONDS` (the doubling stops there:
    it never overflows, whatever the number of attempts)."""
    pause = backoff * 2.0 ** min(made - 1, 64) if backoff > 0 else 0.0
    if retry_after is not None:
        pause = max(pause, retry_after)
    return min(pause, float(MAX_SECONDS))


def _download(
    source: str,
    url: str,
    dest: Path,
    settings: Settings,
    validators: Validators | None,
    progress: Progress | None,
    prefix: int | None,
) -> Fetched:
    """Up to ``settings.attempts`` attempts, all within ``settings.max_duration``: every
    exchange with the server and every pause between two attempts.

    Between two attempts, the pause doubles from ``settings.backoff``; a server answering
    429 or 503 with ``Retry-After`` is obeyed when it asks for longer. A pause that would
    pass ``max_duration`` is not made: the download stops at once, saying so.
    """
    deadline = time.monotonic() + settings.max_duration
    last: _Retry | None = None
    for attempt in range(settings.attempts):
        if last is not None:
            pause = pause_before(attempt, settings.backoff, last.retry_after)
            if time.monotonic() + pause > deadline:
                raise CollectError(_no_time_to_retry(source, url, settings, last, attempt, pause))
            time.sleep(pause)
        try:
            return _download_once(
                source, url, dest, settings, validators, progress, prefix, deadline
            )
        except _Retry as exc:
            last = exc
    raise CollectError(
        f"Téléchargement de « {source} » impossible après "
        f"{fmt.plural(settings.attempts, 'tentative')} : "
        f"{last}. Adresse : {redact.url(url)}{remedy(source)}."
    ) from last


def _no_time_to_retry(
    source: str, url: str, settings: Settings, last: _Retry, made: int, pause: float
) -> str:
    """Why a download stops before its next attempt: the pause would pass the deadline."""
    limit = f"la durée maximale de {fmt.seconds(settings.max_duration)} (VENTES_DUREE_MAX)"
    if last.retry_after is not None and last.retry_after >= pause:
        return (
            f"Téléchargement de « {source} » impossible : {last}, qui demande d'attendre "
            f"{fmt.seconds(math.ceil(last.retry_after))} (Retry-After), au-delà de {limit}. "
            f"Adresse : {redact.url(url)}{remedy(source)}."
        )
    return (
        f"Téléchargement de « {source} » impossible après "
        f"{fmt.plural(made, 'tentative')} : {last} ; la suivante, après une pause de "
        f"{fmt.seconds(pause)} (VENTES_PAUSE, doublée à chaque tentative), passerait {limit} "
        f"(tentatives prévues : {settings.attempts}, VENTES_TENTATIVES). "
        f"Adresse : {redact.url(url)}{remedy(source)}."
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (seconds or HTTP date), None if absent;
    at most :data:`~ventes_pme.config.MAX_SECONDS` (a longer wait is never made anyway)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # thousands of digits: a float() of them would be infinite
        return float(MAX_SECONDS) if len(value) > 9 else min(float(value), MAX_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(0.0, (when - datetime.now(when.tzinfo)).total_seconds()), MAX_SECONDS)


def _strong_last_modified(last_modified: str | None, date: str | None) -> str | None:
    """``last_modified`` if it can serve as a validator, else None.

    A file may change again within the second of its ``Last-Modified``: such a date, not
    at least one second before the response's ``Date``, is weak (RFC 9110, 8.8.2.2), and
    an ``If-Modified-Since`` with it would get 304 for every later change of that second.
    """
    if not last_modified or not date:
        return None
    try:
        modified = email.utils.parsedate_to_datetime(last_modified)
        sent = email.utils.parsedate_to_datetime(date)
        if (sent - modified).total_seconds() >= 1:
            return last_modified
    except (TypeError, ValueError):
        pass
    return None


class _Redirects(urllib.request.HTTPRedirectHandler):
    """At most 10 redirections, each to an http(s) address whose scheme is allowed."""

    max_redirections = 10

    def __init__(self, source: str, allowed: tuple[str, ...]) -> None:
        self.source = source
        self.allowed = {"http", "https"} & set(allowed)

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urllib.parse.urljoin(req.full_url, location)
            scheme = urllib.parse.urlsplit(target).scheme.lower()
            if scheme not in self.allowed:
                fp.close()
                raise CollectError(
                    f"Redirection refusée pour « {self.source} » : le serveur renvoie vers une "
                    f"adresse « {scheme} » (autorisés : {', '.join(sorted(self.allowed))} ; "
                    f"voir VENTES_SCHEMAS). Adresse : {redact.url(target)}{remedy(self.source)}."
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def credentials(url: str) -> tuple[str, str | None]:
    """``url`` without its ``user:password@`` part, and the HTTP Basic ``Authorization``
    value those credentials make (None without them): urllib sends no credentials of an
    address by itself, and would take them for part of the host name."""
    parts = urllib.parse.urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at:
        return url, None
    user, _, password = userinfo.partition(":")
    pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}".encode()
    address = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return address, "Basic " + base64.b64encode(pair).decode("ascii")


class _Late(Exception):
    """The deadline of a download passed (raised by the reading itself, in any phase)."""


def _time_left(deadline: float, timeout: float) -> float:
    """The time an operation on the socket may take: ``timeout``, or what is left before
    ``deadline`` when that is shorter; :class:`_Late` when nothing is left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Late
    return min(timeout, left)


class _DeadlineReader(io.RawIOBase):
    """The bytes of a socket, each read allowed ``timeout`` at most and none past
    ``deadline``: a server sending its status line, its headers or its body a byte at a
    time cannot hold the download beyond ``VENTES_DUREE_MAX`` (a timeout only bounds the
    silence between two bytes)."""

    def __init__(self, sock: socket.socket, deadline: float, timeout: float) -> None:
        super().__init__()
        self._sock, self._deadline, self._timeout = sock, deadline, timeout
        # the socket's own file, for its reference count: the socket stays open for this
        # reader after urllib closes the connection's handle on it
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(_time_left(self._deadline, self._timeout))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if time.monotonic() >= self._deadline:
                raise _Late from None
            raise

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    """A response read through :class:`_DeadlineReader`."""

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
        *,
        deadline: float,
        timeout: float,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        self.fp.close()  # the plain file of the socket, nothing read from it yet
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, timeout))


class _DeadlineConnection(http.client.HTTPConnection):
    """A connection whose every step (connection, TLS handshake, request, status line,
    headers, body) ends by ``deadline``: each gets the timeout or the time left, if less."""

    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.step_timeout = float(self.timeout)  # type: ignore[arg-type]
        self.response_class = functools.partial(  # type: ignore[assignment]
            _DeadlineResponse, deadline=deadline, timeout=self.step_timeout
        )

    def connect(self) -> None:
        # the connection (and an HTTPS handshake, on the same socket timeout) in the time left
        self.timeout = _time_left(self.deadline, self.step_timeout)
        try:
            super().connect()
        except TimeoutError:
            if time.monotonic() >= self.deadline:
                raise _Late from None
            raise

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(_time_left(self.deadline, self.step_timeout))
        super().send(data)


class _DeadlineHTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection: Any = _DeadlineConnection  # (typeshed knows only the standard arguments)
        return self.do_open(connection, req, deadline=self.deadline)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # the default TLS context, as urllib's own handler without arguments
        connection: Any = _DeadlineHTTPSConnection
        return self.do_open(connection, req, deadline=self.deadline)


def _opener(source: str, settings: Settings, deadline: float) -> urllib.request.OpenerDirector:
    """urllib's opener (no proxy handler from the environment is needed, but keep the
    defaults otherwise), its redirections checked and its connections held to
    ``deadline`` (each redirection's too)."""
    return urllib.request.build_opener(
        _Redirects(source, settings.allowed_schemes),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
    )


def _late(source: str, settings: Settings, received: int | None) -> CollectError:
    """The refusal of a download still running at its deadline (``received``: the bytes
    of the body received, None before the end of the headers)."""
    where = (
        "avant la fin des en-têtes de la réponse"
        if received is None
        else f"{fmt.integer(received)} octets reçus"
    )
    return CollectError(
        f"Téléchargement de « {source} » trop lent : abandon après "
        f"{fmt.seconds(settings.max_duration)} (VENTES_DUREE_MAX) ({where})."
    )


def _download_once(
    source: str,
    url: str,
    dest: Path,
    settings: Settings,
    validators: Validators | None,
    progress: Progress | None,
    prefix: int | None,
    deadline: float,
) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/csv, text/plain;q=0.9, */*;q=0.1"}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    address, authorization = credentials(url)
    request = urllib.request.Request(address, headers=headers)  # noqa: S310 (scheme checked)
    if authorization is not None:
        # never carried to the target of a redirection (another host, perhaps)
        request.add_unredirected_header("Authorization", authorization)
    try:
        response = _opener(source, settings, deadline).open(request, timeout=settings.timeout)
    except _Late:
        raise _late(source, settings, None) from None
    except urllib.error.HTTPError as exc:
        exc.close()
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        if exc.code == 304 and not conditional:
            raise CollectError(
                f"Réponse invalide du serveur pour « {source} » : « 304 non modifié » à une "
                f"requête sans condition (aucun ETag ni date envoyés) : rien n'est importé. "
                f"Adresse : {redact.url(url)}{remedy(source)}."
            ) from None
        if exc.code == 304:
            return Fetched(
                source,
                url,
                dest,
                0,
                "",
                304,
                validators.etag if validators else None,
                validators.last_modified if validators else None,
                not_modified=True,
            )
        if exc.code in (301, 302, 303, 307, 308):
            raise CollectError(
                f"Trop de redirections pour « {source} » (boucle de redirection ?). "
                f"Adresse : {redact.url(url)}{remedy(source)}."
            ) from None
        if exc.code >= 500 or exc.code == 429:
            wait = _retry_after(exc.headers.get("Retry-After")) if exc.code in (429, 503) else None
            raise _Retry(f"erreur HTTP {exc.code} du serveur", wait) from None
        raise CollectError(
            f"Le serveur a refusé « {source} » : erreur HTTP {exc.code} "
            f"({french.http_reason(exc.code, str(exc.reason))}). "
            f"Vérifiez l'adresse : {redact.url(url)}{remedy(source)}."
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            raise CollectError(
                f"Connexion sécurisée impossible pour « {source} » : {french.explain(reason)}. "
                f"Adresse : {redact.url(url)}{remedy(source)}."
            ) from None
        if isinstance(reason, socket.gaierror):
            raise _Retry(f"serveur introuvable ({french.explain(reason)})") from None
        detail = french.explain(reason) if isinstance(reason, BaseException) else reason
        raise _Retry(f"connexion impossible ({detail})") from None
    except TimeoutError:
        raise _Retry(f"pas de réponse en {fmt.seconds(settings.timeout)}") from None
    except (ConnectionError, http.client.HTTPException) as exc:
        raise _Retry(f"connexion interrompue ({french.explain(exc)})") from None
    with response:
        status = response.status
        length_header = response.headers.get("Content-Length")
        expected = int(length_header) if length_header and length_header.isdigit() else None
        if expected is not None and expected > settings.max_bytes:
            raise CollectError(_too_big(source, settings.max_bytes))
        received = 0

        def body() -> Iterable[bytes]:
            nonlocal received
            while chunk := response.read1(CHUNK):  # what has arrived: the deadline is checked often
                received += len(chunk)
                if received > settings.max_bytes:
                    raise CollectError(_too_big(source, settings.max_bytes))
                if time.monotonic() > deadline:
                    raise _Late
                yield chunk
                if progress:
                    progress(received, expected)

        try:
            with dest.open("wb") as out:
                size, sha256, prefix_sha256 = copy_hashing(body(), out, prefix)
        except _Late:
            raise _late(source, settings, received) from None
        except TimeoutError:
            raise _Retry(f"le serveur ne répond plus (après {received} octets)") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retry(
                f"téléchargement interrompu après {received} octets ({french.explain(exc)})"
            ) from None
        if expected is not None and size != expected:
            raise _Retry(f"fichier tronqué : {size} octets reçus sur {expected} annoncés")
        # a chunked body that ends early raises IncompleteRead above: complete here
        complete = expected is not None or bool(getattr(response, "chunked", False))
        return Fetched(
            source=source,
            url=url,
            path=dest,
            size=size,
            sha256=sha256,
            http_status=status,
            etag=response.headers.get("ETag"),
            last_modified=_strong_last_modified(
                response.headers.get("Last-Modified"), response.headers.get("Date")
            ),
            complete=complete,
            prefix=_prefix(prefix, prefix_sha256),
        )
