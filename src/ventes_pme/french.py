"""Les erreurs techniques (réseau, fichiers, CSV, SQLite) expliquées en français.

What a technical error means, in French, for the messages a user reads.

The standard library speaks English (``Name or service not known``, ``could not convert
string to float``, ``Not Found``): :func:`explain` gives the usual cases in French, and
adds the original text only when ``VENTES_DEBUG`` is set.
"""

from __future__ import annotations

import csv
import errno
import os
import re
import sqlite3
import sys

#: errno -> French
ERRNO = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.EEXIST: "un fichier de ce nom existe déjà",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ECONNREFUSED: "connexion refusée (aucun serveur n'écoute à cette adresse)",
    errno.ECONNRESET: "connexion coupée par le serveur",
    errno.ECONNABORTED: "connexion abandonnée",
    errno.EPIPE: "connexion fermée par l'autre côté",
    errno.ETIMEDOUT: "délai de connexion dépassé",
    errno.ENETUNREACH: "réseau injoignable",
    errno.EHOSTUNREACH: "machine injoignable",
    errno.EADDRNOTAVAIL: "adresse indisponible",
}

#: socket.gaierror codes (name resolution), by their name in socket -> French
GAI = {
    "EAI_NONAME": "nom de serveur inconnu",
    "EAI_AGAIN": "nom de serveur impossible à résoudre pour l'instant (réseau ou DNS)",
    "EAI_FAIL": "échec de la résolution du nom de serveur (DNS)",
    "EAI_NODATA": "nom de serveur sans adresse",
    "EAI_ADDRFAMILY": "nom de serveur sans adresse de ce type",
}

#: HTTP status -> French reason
HTTP = {
    400: "requête invalide",
    401: "authentification requise",
    403: "accès interdit",
    404: "introuvable",
    405: "méthode non autorisée",
    408: "délai de la requête dépassé",
    410: "supprimé",
    429: "trop de requêtes",
    500: "erreur interne du serveur",
    502: "passerelle en erreur",
    503: "service indisponible",
    504: "délai de la passerelle dépassé",
}

#: (pattern of an English message, French) for ValueError, csv.Error and sqlite3 errors
MESSAGES = [
    (r"could not convert string to float: .*", "un nombre est attendu"),
    (r"invalid literal for int\(\) with base \d+: .*", "un nombre entier est attendu"),
    (r"Invalid isoformat string: .*", "une date AAAA-MM-JJ est attendue"),
    (r"unexpected end of data", "fin de fichier au milieu d'un champ"),
    (r"field larger than field limit \((\d+)\)", r"champ plus long que la limite (\1 caractères)"),
    (r"line contains NUL", "la ligne contient un octet nul"),
    (r"new-line character seen in unquoted field.*", "saut de ligne dans un champ sans guillemets"),
    (
        r"'(.)' expected after '\"'",
        r"un guillemet fermant est suivi d'autres caractères (un champ entre guillemets doit "
        r"finir par un guillemet suivi du séparateur « \1 » ou de la fin de ligne)",
    ),
    (r"database is locked", "base verrouillée par un autre programme"),
    (r"unable to open database file", "fichier de base impossible à ouvrir"),
    (r"attempt to write a readonly database", "base en lecture seule"),
    (r"disk I/O error", "erreur d'entrée-sortie du disque"),
    (r"file is not a database", "ce fichier n'est pas une base SQLite"),
    (r"database disk image is malformed", "fichier de base endommagé"),
    (r"database or disk is full", "disque plein"),
    # the French refusals of ventes_pme's own converters (config.py) stay as they are
    (r"(attendu : .*|schémas inconnus : .*)", r"\1"),
]


def debug() -> bool:
    """Whether ``VENTES_DEBUG`` asks for technical details (set, not empty, not ``0``)."""
    return os.environ.get("VENTES_DEBUG", "").strip() not in ("", "0")


def http_reason(code: int, reason: str = "") -> str:
    """``404`` -> ``"introuvable"`` (the server's English reason only under VENTES_DEBUG)."""
    text = HTTP.get(code, "erreur du serveur" if code >= 500 else "refusé")
    return _with_original(text, reason)


def explain(exc: BaseException) -> str:
    """``exc`` in a few French words; the original text is added under VENTES_DEBUG."""
    text = _french(exc)
    return _with_original(text, f"{exc.__class__.__name__}: {exc}")


def _with_original(text: str, original: str) -> str:
    return f"{text} [détail : {original}]" if debug() and original else text


def _french(exc: BaseException) -> str:
    # The errors of socket, ssl and http.client are looked for only once those modules
    # are imported (an error of a module never imported cannot occur): importing them
    # here would slow the start of every process that imports this one, the child reading
    # a sales file among them (processes.py), which never opens a connection.
    if "socket" in sys.modules:
        import socket

        if isinstance(exc, socket.gaierror):
            codes = {
                getattr(socket, name): text for name, text in GAI.items() if hasattr(socket, name)
            }
            return codes.get(exc.errno or 0, "nom de serveur introuvable")
    if "ssl" in sys.modules:
        import ssl

        if isinstance(exc, ssl.SSLCertVerificationError):
            return "certificat du serveur non vérifiable"
        if isinstance(exc, ssl.SSLError):
            return "échec de la connexion sécurisée (TLS)"
    if "http.client" in sys.modules:
        import http.client

        if isinstance(exc, http.client.RemoteDisconnected):
            return "le serveur a fermé la connexion sans répondre"
        if isinstance(exc, http.client.IncompleteRead):
            return f"réponse incomplète ({len(exc.partial)} octets reçus)"
        if isinstance(exc, http.client.HTTPException):
            return "réponse HTTP invalide"
    if isinstance(exc, TimeoutError):
        return "délai dépassé"
    if isinstance(exc, OSError) and exc.errno in ERRNO:
        return ERRNO[exc.errno]
    if isinstance(exc, ValueError | csv.Error | sqlite3.Error):
        message = str(exc)
        for pattern, french in MESSAGES:
            match = re.fullmatch(pattern, message)
            if match:
                return match.expand(french)
        return "valeur invalide" if isinstance(exc, ValueError) else "erreur technique"
    if isinstance(exc, OSError):
        return "erreur du système"
    return "erreur technique"
