"""Parse the client's CSV files and check every row.

A file-level problem (not a CSV, HTML page, missing column, empty file) raises
:class:`FileFormatError`: the import stops. A row-level problem rejects that row only:
the row and its reason go to the ``reject`` callback, and the rest is imported.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from ventes_pme import french
from ventes_pme.errors import FileFormatError
from ventes_pme.text import fold

#: A quantity above this is refused: it is a typing error, not a sale.
MAX_QUANTITY = 1_000_000
#: Prices above this (in cents) are refused as typing errors.
MAX_PRICE_CENTS = 100_000_000 * 100
MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 200
#: Entries of each parse memo of :func:`sales` (distinct dates, store ids, quantities).
MEMO_SIZE = 4096

#: The columns of each file: canonical key -> name as published by the client.
COLUMNS: dict[str, dict[str, str]] = {
    "produits": {
        "nom": "Nom",
        "id reference produit": "ID Référence produit",
        "prix": "Prix",
        "stock": "Stock",
    },
    "magasins": {
        "id magasin": "ID Magasin",
        "ville": "Ville",
        "nombre de salaries": "Nombre de salariés",
    },
    "ventes": {
        "date": "Date",
        "id reference produit": "ID Référence produit",
        "quantite": "Quantité",
        "id magasin": "ID Magasin",
    },
}

Reject = Callable[[int, str, str, str], None]
"""Called for each rejected row: (line number, raw content, code, French reason)."""


class RowError(ValueError):
    """One row is invalid: ``code`` for machines, ``reason`` (French) for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def header_key(name: str) -> str:
    """``" ID Référence  produit"`` -> ``"id reference produit"``."""
    text = fold(name.replace("\ufeff", ""))
    return " ".join(re.split(r"[\s_]+", text.strip()))


@dataclass(frozen=True)
class CsvLayout:
    """How a file is written: encoding, separator, where each column is."""

    source: str
    encoding: str
    delimiter: str
    #: canonical column key -> index in a row
    index: dict[str, int]
    width: int
    #: columns present in the file but not used
    ignored: tuple[str, ...]
    #: byte offset of the first data line
    data_offset: int


def sniff(source: str, path: Path) -> CsvLayout:
    """Check the file is a CSV with the expected columns; find encoding and separator."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if size == 0 or not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileFormatError(f"Le fichier « {source} » est vide.")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise FileFormatError(
            f"Le fichier « {source} » est une page HTML, pas un CSV : la feuille n'est "
            "peut-être plus publiée, ou l'adresse mène à une page de connexion."
        )
    if b"\x00" in head:
        raise FileFormatError(f"Le fichier « {source} » est binaire, pas un CSV.")
    encoding = _encoding(path)
    first_line, data_offset = _first_line(head, encoding)
    delimiter = max((",", ";", "\t"), key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    keys = [header_key(name) for name in header]
    expected = COLUMNS[source]
    missing = [label for key, label in expected.items() if key not in keys]
    if missing:
        raise FileFormatError(
            f"Le fichier « {source} » n'a pas les colonnes attendues. "
            f"Manquantes : {', '.join(missing)}. "
            f"Attendues : {', '.join(expected.values())}. "
            f"Trouvées : {', '.join(h.strip() for h in header) or '(aucune)'}."
        )
    duplicated = sorted({k for k in keys if k in expected and keys.count(k) > 1})
    if duplicated:
        raise FileFormatError(
            f"Le fichier « {source} » a des colonnes en double : "
            f"{', '.join(expected[k] for k in duplicated)}."
        )
    return CsvLayout(
        source=source,
        encoding=encoding,
        delimiter=delimiter,
        index={key: keys.index(key) for key in expected},
        width=len(header),
        ignored=tuple(h.strip() for h, k in zip(header, keys, strict=True) if k not in expected),
        data_offset=data_offset,
    )


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _first_line(head: bytes, encoding: str) -> tuple[str, int]:
    end = head.find(b"\n")
    raw = head if end < 0 else head[: end + 1]
    text = raw.decode(encoding, errors="replace")
    return text.rstrip("\r\n"), len(raw)


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it (for the progress display)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


@dataclass
class Rows:
    """The data rows of a file: ``(line number, fields)``, from a byte offset on."""

    layout: CsvLayout
    path: Path
    start: int
    first_line: int
    end_line: int = 0
    bytes_read: int = 0
    _counter: _CountingReader | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("rb") as raw:
            raw.seek(self.start)
            counter = _CountingReader(raw)
            self._counter = counter
            encoding = "cp1252" if self.layout.encoding == "cp1252" else "utf-8-sig"
            text = io.TextIOWrapper(
                io.BufferedReader(counter, 1 << 16), encoding=encoding, newline=""
            )
            reader = csv.reader(text, delimiter=self.layout.delimiter, strict=False)
            offset = self.first_line - 1
            try:
                for fields in reader:
                    if fields and any(fields):
                        yield reader.line_num + offset, fields
            except csv.Error as exc:
                raise FileFormatError(
                    f"Le fichier « {self.layout.source} » est mal formé vers la ligne "
                    f"{reader.line_num + offset} : {french.explain(exc)}."
                ) from exc
            self.end_line = reader.line_num + offset

    @property
    def position(self) -> int:
        """Bytes of the file read so far."""
        return self.start + (self._counter.count if self._counter else 0)


def rows(layout: CsvLayout, path: Path, *, start: int | None = None, first_line: int = 2) -> Rows:
    """The data rows of ``path``; ``start`` (bytes) and ``first_line`` resume after a prefix."""
    return Rows(layout, path, layout.data_offset if start is None else start, first_line)


# --- row parsers ---------------------------------------------------------------------------

_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: str) -> str:
    """``2023-05-27`` or ``27/05/2023`` (day first, always) -> ``2023-05-27``."""
    text = text.strip()
    if not text:
        raise RowError("missing_date", "date absente")
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
    else:
        match = _SLASH_DATE.fullmatch(text)
        if not match:
            raise RowError(
                "bad_date", f"date illisible « {text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
            )
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        value = date(year, month, day)
    except ValueError:
        raise RowError("impossible_date", f"date impossible « {text} »") from None
    if not 1900 <= value.year <= 2100:
        raise RowError("impossible_date", f"date hors limites « {text} »")
    return value.isoformat()


def parse_count(text: str, what: str, *, minimum: int, maximum: int) -> int:
    """A whole number written with ASCII digits, between ``minimum`` and ``maximum``."""
    text = text.strip()
    if not text:
        raise RowError(f"missing_{what}", f"{LABELS[what]} : valeur absente")
    digits = text[1:] if text[0] in "+-" else text
    if not (digits.isascii() and digits.isdigit()):
        raise RowError(
            f"bad_{what}", f"{LABELS[what]} : « {_short(text)} » n'est pas un nombre entier"
        )
    # int() of thousands of digits is slow, then refused by Python: out of range anyway
    value = int(text) if len(digits.lstrip("0")) <= len(str(maximum)) else maximum + 1
    if not minimum <= value <= maximum:
        raise RowError(
            f"bad_{what}",
            f"{LABELS[what]} : {_short(text)} hors limites (attendu de {minimum} à {maximum})",
        )
    return value


_PRICE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def parse_price(text: str) -> int:
    """``49.99`` (or ``49,99``) euros -> 4999 cents, exactly."""
    text = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("€")
    if not text:
        raise RowError("missing_price", "prix absent")
    if not _PRICE.fullmatch(text):  # no exponent, NaN, Infinity: Decimal would take them
        raise RowError("bad_price", f"prix illisible « {_short(text)} »")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise RowError("bad_price", f"prix illisible « {_short(text)} »") from None
    if not value.is_finite():
        raise RowError("bad_price", f"prix illisible « {_short(text)} »")
    if value < 0:
        raise RowError("bad_price", f"prix négatif « {text} »")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise RowError("bad_price", f"prix avec plus de deux décimales « {text} »")
    if cents > MAX_PRICE_CENTS:
        raise RowError("bad_price", f"prix trop grand « {_short(text)} »")
    return int(cents)


def parse_text(text: str, what: str, *, max_length: int) -> str:
    value = text.strip()
    if not value:
        raise RowError(f"missing_{what}", f"{LABELS[what]} : valeur absente")
    if len(value) > max_length:
        raise RowError(
            f"long_{what}",
            f"{LABELS[what]} : {len(value)} caractères, au-delà du maximum de {max_length}",
        )
    return value


LABELS = {
    "name": "nom",
    "product": "référence produit",
    "store": "identifiant magasin",
    "city": "ville",
    "price": "prix",
    "stock": "stock",
    "employees": "nombre de salariés",
    "quantity": "quantité",
    "date": "date",
}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _fields(layout: CsvLayout, fields: list[str]) -> list[str]:
    if len(fields) != layout.width:
        raise RowError(
            "bad_width",
            f"{len(fields)} {'champ' if len(fields) < 2 else 'champs'} au lieu de "
            f"{layout.width} (séparateur « {layout.delimiter} »)",
        )
    return fields


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    price_cents: int
    stock: int


@dataclass(frozen=True)
class Store:
    store_id: int
    city: str
    employees: int


def parse_product(layout: CsvLayout, fields: list[str]) -> Product:
    f, i = _fields(layout, fields), layout.index
    return Product(
        product_id=parse_text(f[i["id reference produit"]], "product", max_length=MAX_ID_LENGTH),
        name=parse_text(f[i["nom"]], "name", max_length=MAX_TEXT_LENGTH),
        price_cents=parse_price(f[i["prix"]]),
        stock=parse_count(f[i["stock"]], "stock", minimum=0, maximum=2**53),
    )


def parse_store(layout: CsvLayout, fields: list[str]) -> Store:
    f, i = _fields(layout, fields), layout.index
    return Store(
        store_id=parse_count(f[i["id magasin"]], "store", minimum=1, maximum=2**53),
        city=parse_text(f[i["ville"]], "city", max_length=MAX_TEXT_LENGTH),
        employees=parse_count(f[i["nombre de salaries"]], "employees", minimum=0, maximum=10**7),
    )


def sales(
    rows: Iterator[tuple[int, list[str]]] | Rows,
    layout: CsvLayout,
    products: Collection[str],
    stores: Collection[int],
    reject: Reject,
) -> Iterator[tuple[int, str, str, int, int]]:
    """Valid sales as ``(line, date, product_id, store_id, quantity)``; others to ``reject``.

    This loop runs once per sale: it is kept flat on purpose. A file of millions of sales
    has few distinct dates, store ids and quantities, so each parser result is memoized by
    its raw text (the parsers are pure functions of it; only valid values are memoized, and
    each memo is emptied when full, so memory stays flat).
    """
    i_date = layout.index["date"]
    i_product = layout.index["id reference produit"]
    i_store = layout.index["id magasin"]
    i_quantity = layout.index["quantite"]
    width = layout.width
    sep = layout.delimiter
    days: dict[str, str] = {}
    store_ids: dict[str, int] = {}
    quantities: dict[str, int] = {}
    for line, fields in rows:
        try:
            if len(fields) != width:
                _fields(layout, fields)
            raw = fields[i_date]
            day = days.get(raw)
            if day is None:
                day = parse_date(raw)
                if len(days) >= MEMO_SIZE:
                    days.clear()
                days[raw] = day
            product = fields[i_product].strip()
            if product not in products:
                if not product:
                    raise RowError("missing_product", "référence produit : valeur absente")
                raise RowError("unknown_product", f"produit inconnu « {_short(product)} »")
            raw = fields[i_store]
            store = store_ids.get(raw)
            if store is None:
                store = parse_count(raw, "store", minimum=1, maximum=2**53)
                if len(store_ids) >= MEMO_SIZE:
                    store_ids.clear()
                store_ids[raw] = store
            if store not in stores:
                raise RowError("unknown_store", f"magasin inconnu « {_short(raw.strip())} »")
            raw = fields[i_quantity]
            quantity = quantities.get(raw)
            if quantity is None:
                quantity = parse_count(raw, "quantity", minimum=1, maximum=MAX_QUANTITY)
                if len(quantities) >= MEMO_SIZE:
                    quantities.clear()
                quantities[raw] = quantity
        except RowError as err:
            if any("\n" in f for f in fields):
                # A quote never closed swallows the following lines into one field:
                # rejecting that one "row" would silently drop every sale in it.
                first = line - sum(f.rstrip("\r\n").count("\n") for f in fields)
                raise FileFormatError(
                    f"Le fichier « {layout.source} » est mal formé vers la ligne {first} : "
                    "un guillemet n'est pas refermé, les lignes suivantes seraient perdues."
                ) from None
            reject(line, sep.join(fields), err.code, err.reason)
            continue
        yield line, day, product, store, quantity


#: Reject codes that depend on the reference files, not on the line itself.
REFERENCE_CODES = ("unknown_product", "unknown_store")
