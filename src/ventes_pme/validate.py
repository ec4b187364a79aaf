"""Validation : reconnaît le CSV, vérifie chaque ligne, écarte les lignes invalides avec leur motif.

Parse the client's CSV files and check every row.

A file-level problem (not a CSV, HTML page, missing column, empty file) raises
:class:`FileFormatError`: the import stops. A row-level problem rejects that row only:
the row and its reason go to the ``reject`` callback, and the rest is imported.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from ventes_pme import french
from ventes_pme.errors import FileFormatError
from ventes_pme.text import fold

#: A quantity above this is refused: it is a typing error, not a sale.
MAX_QUANTITY = 10_000
#: Prices above this (in cents: 1 000 000 €) are refused as typing errors. With the maximum
#: quantity, one sale is at most 10^12 cents: 9 million such sales still sum below 2^63
#: (SQLite's integers); an import that would overflow is refused (load/__init__.py).
MAX_PRICE_CENTS = 1_000_000 * 100
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

#: The codec error handler that reads the bytes that are not UTF-8 as Windows-1252 (a byte
#: undefined in Windows-1252 becomes U+FFFD, and the row holding it is rejected).
DECODE_ERRORS = "ventes-cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error(DECODE_ERRORS, _cp1252_fallback)


def decode(data: bytes) -> str:
    """UTF-8, each byte sequence that is not UTF-8 read as Windows-1252 (the rule of every
    file, line by line: one line typed in Windows-1252 does not spoil the others)."""
    return data.decode("utf-8", errors=DECODE_ERRORS)


def trim(text: str) -> str:
    """A value without the spaces around it, nor the BOM (U+FEFF) that exported files put
    end to end leave at the start of a line."""
    return text.strip().strip("\ufeff").strip()


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
    #: physical lines (at most 5) holding bytes that are not UTF-8, and how many there are
    cp1252_lines: tuple[int, ...] = ()
    cp1252_count: int = 0


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
    first_line, data_offset = _first_line(head)
    if "\x00" in first_line:
        raise FileFormatError(f"Le fichier « {source} » est binaire, pas un CSV.")
    encoding, cp1252_lines, cp1252_count = _encoding(path)
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        header = next(csv.reader([first_line], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        header = []
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
        cp1252_lines=cp1252_lines,
        cp1252_count=cp1252_count,
    )


def _encoding(path: Path) -> tuple[str, tuple[int, ...], int]:
    """``utf-8-sig`` when the whole file is UTF-8 (with or without BOM); else ``cp1252``,
    with the first physical lines holding bytes that are not UTF-8, and their count."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                # ASCII is UTF-8 (checked much faster than decoded: a sales file is
                # all ASCII), unless it follows the start of a sequence the chunk cut
                if not chunk.isascii() or decoder.getstate()[0]:
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8-sig", (), 0
        handle.seek(0)
        lines: list[int] = []
        count = 0
        number = 1
        last = 0
        # at most 1 MiB at a time: memory stays flat even without any LF in the file
        while raw := handle.readline(1 << 20):
            if not raw.isascii() and last != number:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    count += 1
                    last = number
                    if len(lines) < 5:
                        lines.append(number)
            number += raw.endswith(b"\n")
    return "cp1252", tuple(lines), count


def _first_line(head: bytes) -> tuple[str, int]:
    """The header line (ended by CR, LF or CRLF) and the byte offset of the line after it."""
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    if not ends:
        raw, size = head, len(head)
    else:
        end = min(ends)
        size = end + (2 if head[end : end + 2] == b"\r\n" else 1)
        raw = head[:end]
    return decode(raw.removeprefix(b"\xef\xbb\xbf")), size


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


#: Records read at a time (:meth:`Rows.batches`): taken from the CSV reader at C speed,
#: handed to the observer, validated together (a few hundred kB at most).
BATCH = 256

#: What the CSV reader is given after the last line: it shows whether the reader was still
#: inside a quoted field at the end of the file (a quote never closed).
_END = "\x00\ufdd0fin"


def _span(fields: list[str]) -> int:
    """The lines a record takes: one, plus each line break inside its quoted fields (CR,
    LF or CRLF, the line endings the reading splits lines at)."""
    breaks = 0
    for field in fields:
        breaks += field.count("\n") + field.count("\r") - field.count("\r\n")
    return 1 + breaks


@dataclass
class Rows:
    """The data rows of a file: ``(line number, fields)``, from a byte offset on.

    The same reading rules wherever it starts (the fast path of the import reads only the
    bytes appended since the previous import): UTF-8, each byte sequence that is not UTF-8
    read as Windows-1252; CR, LF or CRLF line endings; a quote never closed refuses the file.
    When ``complete`` is False (a download whose end cannot be checked), a last line without
    a line ending may be cut: it is left out (``pending``) until a later import sees it whole.
    ``observe``, when given, is handed every record read (blank ones and a pending one
    included), a batch at a time, for the data profile to count them as it reads.
    A row's line number is the line where its record ends (a quoted field may hold line
    breaks).
    """

    layout: CsvLayout
    path: Path
    start: int
    first_line: int
    complete: bool = True
    end_line: int = 0
    #: the last line left out: (line number, raw content), or None
    pending: tuple[int, str] | None = None
    observe: Callable[[list[list[str]]], None] | None = None
    _counter: _CountingReader | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for lines, records in self.batches():
            yield from zip(lines, records, strict=True)

    def batches(self) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """The rows in batches of at most :data:`BATCH`: ``(line numbers, records)``.

        The records are taken from the CSV reader without a Python step per line (a large
        file has millions); their line numbers are counted only for a batch whose records
        do not each take one line.
        """
        hold_last = not self.complete and not _ends_with_newline(self.path)
        with self.path.open("rb") as raw:
            raw.seek(self.start)
            counter = _CountingReader(raw)
            self._counter = counter
            text = io.TextIOWrapper(
                io.BufferedReader(counter, 1 << 16),
                encoding="utf-8",
                errors=DECODE_ERRORS,
                newline="",
            )
            ended: list[bool] = []

            def end() -> Iterator[str]:
                ended.append(True)
                yield _END

            # strict: a closing quote followed by anything but a separator or a line end
            # is an error, never a silent guess of where the field ends
            reader = csv.reader(
                itertools.chain(text, end()), delimiter=self.layout.delimiter, strict=True
            )
            offset = self.first_line - 1
            observe = self.observe
            read = 0  # lines read before this batch
            held: tuple[int, list[str]] | None = None  # the last record, while it may be cut
            while not ended:
                records: list[list[str]] = []
                try:
                    records.extend(itertools.islice(reader, BATCH))
                except csv.Error as exc:
                    # the records of this batch read before the error are in ``records``
                    last = read + sum(map(_span, records))
                    raise self._error(
                        exc, bool(ended), last + offset, reader.line_num + offset
                    ) from exc
                if ended:  # the end of the file, after a complete record
                    records.pop()
                count = reader.line_num - read - len(ended)
                lines: Sequence[int]
                if count == len(records):
                    lines = range(read + offset + 1, read + offset + 1 + count)
                else:  # a record takes several lines
                    lines = list(itertools.accumulate(map(_span, records), initial=read + offset))
                    del lines[0]
                read += count
                if observe is not None and records:
                    observe(records)
                if hold_last:
                    # each record may be the last one, cut: it waits for the next one
                    if held is not None:
                        lines = [held[0], *lines]
                        records = [held[1], *records]
                    if records:
                        held = (lines[-1], records.pop())
                        lines = lines[:-1]
                if not all(map(any, records)):  # (blank lines are skipped)
                    kept = [(line, r) for line, r in zip(lines, records, strict=True) if any(r)]
                    lines, records = [line for line, _ in kept], [r for _, r in kept]
                if records:
                    yield lines, records
            self.end_line = read + offset
            if held is not None and any(held[1]):
                self.pending = (held[0], self.layout.delimiter.join(held[1]))

    def _error(self, exc: csv.Error, ended: bool, last: int, line: int) -> FileFormatError:
        """The French error for a CSV error: ``last``, the line where the last whole record
        ended; ``line``, where the reader stopped."""
        if ended:  # strict mode: the end came inside a quoted field
            return FileFormatError(
                f"Le fichier « {self.layout.source} » est mal formé vers la ligne "
                f"{last + 1} : un guillemet n'est pas refermé, les lignes "
                "suivantes seraient perdues."
            )
        return FileFormatError(
            f"Le fichier « {self.layout.source} » est mal formé vers la ligne "
            f"{line} : {french.explain(exc)}."
        )

    @property
    def position(self) -> int:
        """Bytes of the file read so far."""
        return self.start + (self._counter.count if self._counter else 0)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, io.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) in (b"\n", b"\r")


def rows(
    layout: CsvLayout,
    path: Path,
    *,
    start: int | None = None,
    first_line: int = 2,
    complete: bool = True,
    observe: Callable[[list[list[str]]], None] | None = None,
) -> Rows:
    """The data rows of ``path``; ``start`` (bytes) and ``first_line`` resume after a prefix;
    ``complete`` False when the end of the file could not be checked; ``observe`` sees
    every record read (see :class:`Rows`)."""
    first = layout.data_offset if start is None else start
    return Rows(layout, path, first, first_line, complete, observe=observe)


# --- row parsers ---------------------------------------------------------------------------

#: The two ways a date is written, every other character an ASCII digit in its place (a
#: looser shape check would hand ``int()`` a dash or a sign: ``2023-05-2-``).
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str) -> str:
    """``2023-05-27`` or ``27/05/2023`` (day first, always) -> ``2023-05-27``."""
    text = trim(text)
    if not text:
        raise RowError("missing_date", "date absente")
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _SLASH_DATE.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise RowError(
            "bad_date", f"date illisible « {_short(text)} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
        )
    try:
        value = date(year, month, day)
    except ValueError:
        raise RowError("impossible_date", f"date impossible « {text} »") from None
    if not 1900 <= value.year <= 2100:
        raise RowError("impossible_date", f"date hors limites « {text} »")
    return value.isoformat()


def parse_count(text: str, what: str, *, minimum: int, maximum: int) -> int:
    """A whole number written with ASCII digits, between ``minimum`` and ``maximum``."""
    text = trim(text)
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


#: A price: digits, grouped by thousands with a space, a no-break space (U+00A0) or a narrow
#: no-break space (U+202F, what ``ventes`` prints) or not grouped at all; then at most one
#: decimal separator (``,`` or ``.``) followed by one or two digits; an optional ``€``.
#: ``1.000`` or ``1,000`` (three digits after the separator) is refused, never guessed: a
#: thousand euros written the English way, or one euro with a needless decimal?
_PRICE = re.compile(
    r"(?P<sign>[+-]?)(?P<units>[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)?"
    r"(?:[.,](?P<decimals>[0-9]{1,2}))?(?:\s*€)?"
)


def parse_price(text: str) -> int:
    """``49.99``, ``49,99``, ``1 029,99 €`` euros -> cents, exactly."""
    text = trim(text)
    if not text:
        raise RowError("missing_price", "prix absent")
    match = _PRICE.fullmatch(text)
    if not match or (match["units"] is None and match["decimals"] is None):
        if re.fullmatch(r"[+-]?[0-9]*[.,][0-9]{3,}", text):
            raise RowError(
                "bad_price",
                f"prix ambigu « {_short(text)} » : au plus deux décimales (séparateur de "
                "milliers : espace)",
            )
        raise RowError("bad_price", f"prix illisible « {_short(text)} »")
    units = (match["units"] or "0").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    decimals = (match["decimals"] or "").ljust(2, "0")
    if match["sign"] == "-":
        raise RowError("bad_price", f"prix négatif « {_short(text)} »")
    if len(units.lstrip("0")) > 12:
        raise RowError("bad_price", f"prix trop grand « {_short(text)} »")
    cents = int(units) * 100 + int(decimals)
    if cents > MAX_PRICE_CENTS:
        raise RowError("bad_price", f"prix trop grand « {_short(text)} »")
    return cents


def parse_text(text: str, what: str, *, max_length: int) -> str:
    value = trim(text)
    if not value:
        raise RowError(f"missing_{what}", f"{LABELS[what]} : valeur absente")
    if "\x00" in value or "\ufffd" in value:
        raise RowError(
            "bad_bytes",
            f"{LABELS[what]} : caractère illisible (octet nul, ou ni UTF-8 ni Windows-1252)",
        )
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
    #: None when the file's stock is blank or invalid: the product is kept all the same
    #: (the analyses never use the stock), the problem is in ``stock_problem``
    stock: int | None
    stock_problem: str | None = None


@dataclass(frozen=True)
class Store:
    store_id: int
    city: str
    employees: int


def parse_product(layout: CsvLayout, fields: list[str]) -> Product:
    f, i = _fields(layout, fields), layout.index
    stock: int | None = None
    problem = None
    try:
        stock = parse_count(f[i["stock"]], "stock", minimum=0, maximum=2**53)
    except RowError as err:
        problem = err.reason
    return Product(
        product_id=parse_text(f[i["id reference produit"]], "product", max_length=MAX_ID_LENGTH),
        name=parse_text(f[i["nom"]], "name", max_length=MAX_TEXT_LENGTH),
        price_cents=parse_price(f[i["prix"]]),
        stock=stock,
        stock_problem=problem,
    )


def parse_store(layout: CsvLayout, fields: list[str]) -> Store:
    f, i = _fields(layout, fields), layout.index
    return Store(
        store_id=parse_count(f[i["id magasin"]], "store", minimum=1, maximum=2**53),
        city=parse_text(f[i["ville"]], "city", max_length=MAX_TEXT_LENGTH),
        employees=parse_count(f[i["nombre de salaries"]], "employees", minimum=0, maximum=10**7),
    )


#: A valid sale: (line, date, product id, store id, quantity)
Sale = tuple[int, str, str, int, int]


def sales(
    rows: Rows,
    layout: CsvLayout,
    products: Collection[str],
    stores: Collection[int],
    reject: Reject,
) -> Iterator[list[Sale]]:
    """The valid sales of each batch of rows read (:meth:`Rows.batches`), as
    ``(line, date, product_id, store_id, quantity)``; the other rows go to ``reject``.

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
    for lines, records in rows.batches():
        valid: list[Sale] = []
        keep = valid.append
        for line, fields in zip(lines, records, strict=True):
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
                    product = trim(product)
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
                code, reason = err.code, err.reason
                if any("\ufffd" in f or "\x00" in f for f in fields):
                    code = "bad_bytes"
                    reason += " (la ligne contient un octet nul, ou ni UTF-8 ni Windows-1252)"
                reject(line, sep.join(fields), code, reason)
                continue
            keep((line, day, product, store, quantity))
        yield valid


#: Reject codes that depend on the reference files, not on the line itself.
REFERENCE_CODES = ("unknown_product", "unknown_store")
