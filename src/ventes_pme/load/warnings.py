"""Les avertissements d'un import, en données : ce qui est arrivé, pas encore une phrase.

Each warning is a small frozen dataclass carrying what the user must be told; the command
line and ``watch`` word them in French (``wording.py``), so that the import itself stays
free of presentation and tests can check what happened, not only how it is said.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnknownCity:
    """A store's city is not in the table of regions: its sales count under the unknown
    region."""

    store_id: object
    city: str


@dataclass(frozen=True)
class StoreMoved:
    """A store changed city: all its sales, past ones included, now count for the region
    of its new city."""

    store_id: object
    old_city: object
    new_city: object


@dataclass(frozen=True)
class StockProblem:
    """A product's stock is unusable; the product and its sales are imported anyway."""

    product_id: object
    problem: object


@dataclass(frozen=True)
class NotUtf8:
    """Lines of a file that are not UTF-8 were read as Windows-1252."""

    source: str
    count: int
    #: the first of these lines (``count`` may be larger)
    lines: tuple[int, ...]


@dataclass(frozen=True)
class PendingLine:
    """A file's last line has no line ending and the download could not be checked
    complete: it may be cut, so it is left for a later import."""

    source: str
    line: int
    raw: str


@dataclass(frozen=True)
class IgnoredColumns:
    """Columns of a file that the import does not know, and ignores."""

    source: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class VanishedSales:
    """Sales of the database no longer in the sales file: they are kept."""

    count: int


LoadWarning = (
    UnknownCity | StoreMoved | StockProblem | NotUtf8 | PendingLine | IgnoredColumns | VanishedSales
)
