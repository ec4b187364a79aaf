"""Confidentialité : les adresses montrées sans leurs secrets (identifiants, jetons masqués).

Redaction: an address with its secrets replaced by ``***``, the one function used wherever
an address is shown or stored (the ``import_files`` journal, messages, logs, reports).

What is a secret: the user information of the address (``user:password@``, or a token
given as user name), and the value of any query or fragment parameter whose name speaks
of one (``token``, ``key``, ``access_token``, ``sig``, ``X-Amz-Signature``, ``password``…).
The scheme, host, port, path and the other parameters stay as they were, readable. An
address that cannot be parsed loses everything after its host part rather than risk a
leak. A local path is returned unchanged.
"""

from __future__ import annotations

import re
import urllib.parse

MASK = "***"

#: a parameter whose name, lower case and without punctuation, contains one of these
#: holds a secret (``api_key``, ``X-Amz-Credential``, ``client_secret``, ``sig``…)
_SECRET_NAMES = (
    "token",
    "key",
    "secret",
    "pass",
    "pwd",
    "sig",
    "auth",
    "cred",
    "session",
    "jwt",
    "bearer",
    "code",
    "ticket",
    "hash",
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter called ``name`` (percent-encoded or not) holds a secret."""
    plain = _NOT_ALNUM.sub("", urllib.parse.unquote_plus(name).lower())
    return any(word in plain for word in _SECRET_NAMES)


def _parameters(text: str) -> str:
    """``a=1&token=x`` -> ``a=1&token=***`` (the separators and order kept)."""
    parts = re.split(r"([&;])", text)
    for i in range(0, len(parts), 2):
        name, equals, _value = parts[i].partition("=")
        if equals and is_secret_name(name):
            parts[i] = f"{name}={MASK}"
    return "".join(parts)


def url(address: str) -> str:
    """``address`` with its credentials and tokens replaced by ``***``."""
    if "://" not in address and not address.lower().startswith(("http:", "https:")):
        return address  # a local path (or file: URL without authority): nothing secret
    try:
        parts = urllib.parse.urlsplit(address)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        scheme, _, rest = address.partition("://")
        host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
        return f"{scheme}://{MASK}" if "@" in rest or not host else f"{scheme}://{host}/{MASK}"
    netloc, path = parts.netloc, parts.path
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    elif not netloc and "@" in path:  # "http:user:password@host": no "//", no host
        path = f"{MASK}@{path.rpartition('@')[2]}"
    query = _parameters(parts.query)
    fragment = _parameters(parts.fragment)
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, fragment))
