"""Les erreurs : un message en français pour l'utilisateur et le code de sortie à utiliser.

Errors carrying a French message for the user and the exit code to use."""

from __future__ import annotations


class VentesError(Exception):
    """A fatal problem, explained in French. The CLI prints it and exits non-zero."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(VentesError):
    """An invalid setting (URL scheme, path, number)."""

    exit_code = 2


class CollectError(VentesError):
    """A file could not be fetched (HTTP error, timeout, size cap...)."""

    exit_code = 3


class FileFormatError(VentesError):
    """A fetched file is not the expected CSV (HTML page, missing column, empty...)."""

    exit_code = 4


class ReportError(VentesError):
    """The report could not be written (a full disk, a folder replaced by a file…): its
    folder was checked at start, so this is a passing problem, not a setting."""

    exit_code = 1


class DatabaseError(VentesError):
    """The database is not ours, is too new, or is locked for too long."""

    exit_code = 5
