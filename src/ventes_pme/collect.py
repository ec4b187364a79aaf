"""Fetch the client's files: over HTTP(S) with timeouts, retries and a size cap, or from disk.

Each file is streamed to a temporary file while its SHA-256 is computed, so memory stays
flat whatever the size. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ventes_pme import __version__
from ventes_pme.config import Settings
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
    content_type: str | None = None
    #: the server answered 304: the file did not change since the given validators
    not_modified: bool = False
    #: whether the whole file is known to have arrived: a local file, a body whose length
    #: matched Content-Length, or a complete chunked body. False for a body ended by the
    #: server closing the connection: its last line may be cut (see validate.Rows).
    complete: bool = True


@dataclass(frozen=True)
class Validators:
    """What a conditional request sends back (from the previous download)."""

    etag: str | None = None
    last_modified: str | None = None


def fetch(
    source: str,
    location: str,
    dest: Path,
    settings: Settings,
    *,
    validators: Validators | None = None,
    progress: Progress | None = None,
) -> Fetched:
    """Fetch ``location`` (http(s) URL, ``file://`` URL or local path) into ``dest``."""
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if len(scheme) <= 1:  # no scheme, or a Windows drive letter
        scheme = "file"
    if scheme not in settings.allowed_schemes:
        raise ConfigError(
            f"Adresse refusée pour « {source} » : le schéma « {scheme} » n'est pas autorisé "
            f"(autorisés : {', '.join(settings.allowed_schemes)} ; voir VENTES_SCHEMAS)."
        )
    if scheme == "file":
        return _copy_local(source, location, dest, settings)
    return _download(source, location, dest, settings, validators, progress)


def _copy_local(source: str, location: str, dest: Path, settings: Settings) -> Fetched:
    if location.lower().startswith("file:"):
        parts = urllib.parse.urlsplit(location)
        path = Path(urllib.request.url2pathname(parts.path))
    else:
        path = Path(location)
    if not path.is_file():
        raise CollectError(f"Fichier « {source} » introuvable : {path}.")
    if path.stat().st_size > settings.max_bytes:
        raise CollectError(_too_big(source, settings.max_bytes))
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as src, dest.open("wb") as out:
        while chunk := src.read(CHUNK):
            size += len(chunk)
            if size > settings.max_bytes:
                raise CollectError(_too_big(source, settings.max_bytes))
            digest.update(chunk)
            out.write(chunk)
    return Fetched(source, location, dest, size, digest.hexdigest())


def _too_big(source: str, limit: int) -> str:
    return (
        f"Le fichier « {source} » dépasse la taille maximale autorisée ({limit} octets) : "
        "téléchargement interrompu (voir VENTES_TAILLE_MAX)."
    )


class _Retry(Exception):
    """A transient failure: the download may be tried again."""


def _download(
    source: str,
    url: str,
    dest: Path,
    settings: Settings,
    validators: Validators | None,
    progress: Progress | None,
) -> Fetched:
    last: Exception | None = None
    for attempt in range(settings.attempts):
        if attempt:
            time.sleep(settings.backoff * 2 ** (attempt - 1))
        try:
            return _download_once(source, url, dest, settings, validators, progress)
        except _Retry as exc:
            last = exc
    raise CollectError(
        f"Téléchargement de « {source} » impossible après {settings.attempts} tentative(s) : "
        f"{last}. Adresse : {url}"
    )


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
                    f"voir VENTES_SCHEMAS). Adresse : {target}"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(source: str, settings: Settings) -> urllib.request.OpenerDirector:
    # No proxy handler from the environment is needed, but keep the defaults otherwise.
    return urllib.request.build_opener(_Redirects(source, settings.allowed_schemes))


def _download_once(
    source: str,
    url: str,
    dest: Path,
    settings: Settings,
    validators: Validators | None,
    progress: Progress | None,
) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/csv, text/plain;q=0.9, */*;q=0.1"}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    started = time.monotonic()
    deadline = started + settings.max_duration
    try:
        response = _opener(source, settings).open(request, timeout=settings.timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
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
                f"Trop de redirections pour « {source} » (boucle de redirection ?). Adresse : {url}"
            ) from None
        if exc.code >= 500 or exc.code == 429:
            raise _Retry(f"erreur HTTP {exc.code} du serveur") from None
        raise CollectError(
            f"Le serveur a refusé « {source} » : erreur HTTP {exc.code} ({exc.reason}). "
            f"Vérifiez l'adresse : {url}"
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            raise CollectError(
                f"Connexion sécurisée impossible pour « {source} » : {reason}."
            ) from None
        if isinstance(reason, socket.gaierror):
            raise _Retry(f"serveur introuvable ({reason})") from None
        raise _Retry(f"connexion impossible ({reason})") from None
    except TimeoutError:
        raise _Retry(f"pas de réponse en {settings.timeout:g} s") from None
    except (ConnectionError, http.client.HTTPException) as exc:
        raise _Retry(f"connexion interrompue ({exc.__class__.__name__})") from None
    with response:
        status = response.status
        length_header = response.headers.get("Content-Length")
        expected = int(length_header) if length_header and length_header.isdigit() else None
        if expected is not None and expected > settings.max_bytes:
            raise CollectError(_too_big(source, settings.max_bytes))
        digest = hashlib.sha256()
        size = 0
        try:
            with dest.open("wb") as out:
                while True:
                    chunk = response.read1(CHUNK)  # what has arrived: the deadline is checked often
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > settings.max_bytes:
                        raise CollectError(_too_big(source, settings.max_bytes))
                    if time.monotonic() > deadline:
                        raise CollectError(
                            f"Téléchargement de « {source} » trop lent : abandon après "
                            f"{settings.max_duration:g} s (VENTES_DUREE_MAX) ({size} octets reçus)."
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    if progress:
                        progress(size, expected)
        except TimeoutError:
            raise _Retry(f"le serveur ne répond plus (après {size} octets)") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retry(f"téléchargement interrompu après {size} octets ({exc})") from None
        if expected is not None and size != expected:
            raise _Retry(f"fichier tronqué : {size} octets reçus sur {expected} annoncés")
        # a chunked body that ends early raises IncompleteRead above: complete here
        complete = expected is not None or bool(getattr(response, "chunked", False))
        return Fetched(
            source=source,
            url=url,
            path=dest,
            size=size,
            sha256=digest.hexdigest(),
            http_status=status,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            complete=complete,
        )
