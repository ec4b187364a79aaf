"""An independent reference model of the import, written from the README's rules.

It shares no code with ``src/``: plain ``csv`` and ``Decimal``, slow and obvious on purpose.
Given the sequence of files imported so far, it gives what the database must hold: the exact
multiset of sales (date, product, store, quantity, occurrence) with the unit price of each
(the price at first import), the rejected lines, and the figures of the analyses.

The rules it encodes (README « Choix de conception », « Validation et rejets ») :

- decoding: UTF-8 (a BOM at the start of the file is dropped); each byte sequence that is
  not UTF-8 is read as Windows-1252; a byte undefined in Windows-1252 becomes U+FFFD;
- the header is the first physical line (ended by CR, LF or CRLF); the separator is the most
  frequent of ``,`` ``;`` and tab in it; names compared without case, accents, spaces, ``_``;
  a NUL byte in the header, a missing or duplicated column refuse the file;
- a quote never closed refuses the file; a blank row (every field empty) is skipped;
- when the transfer is not known to be complete, an unterminated last line is left pending;
- ``ventes watch`` imports the three files as received at each cycle, unless each is byte for
  byte the one of the latest import and none whose last line that import left pending
  arrives now known complete: the same bytes again never take less than the latest import
  took (:class:`Watcher`);
- a row is valid when every used field is: ids and texts trimmed (spaces and U+FEFF), no NUL
  nor U+FFFD in a text, dates ``AAAA-MM-JJ`` or ``JJ/MM/AAAA`` between 1900 and 2100, counts
  in ASCII digits within their bounds, prices with at most two decimals after one ``,`` or
  ``.``, thousands grouped by space, NBSP or U+202F, an optional ``€``; a sale's product and
  store must be valid rows of the products and stores files imported with it;
- a sale is (date, product, store, quantity, rank among identical valid lines of the file);
  a sale the database does not hold is inserted at its product's price now; none is ever
  removed; a rejected line is (file, raw line, rank among identical rejected lines).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_QUANTITY = 10_000
MAX_PRICE = Decimal("1000000")
MAX_STORE_ID = 2**53
MAX_EMPLOYEES = 10**7
UNKNOWN_REGION = "Région inconnue"
UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}

COLUMNS = {
    "produits": ["nom", "id reference produit", "prix", "stock"],
    "magasins": ["id magasin", "ville", "nombre de salaries"],
    "ventes": ["date", "id reference produit", "quantite", "id magasin"],
}


class Refused(Exception):
    """The model refuses the whole file (the import must fail, database untouched)."""


def decode(data: bytes) -> str:
    """UTF-8 where valid, Windows-1252 byte by byte elsewhere, U+FFFD for undefined bytes."""
    out: list[str] = []
    i = 0
    while i < len(data):
        for size in (1, 2, 3, 4):
            try:
                out.append(data[i : i + size].decode("utf-8"))
            except UnicodeDecodeError:
                continue
            i += size
            break
        else:
            byte = data[i]
            out.append("\ufffd" if byte in UNDEFINED_CP1252 else bytes([byte]).decode("cp1252"))
            i += 1
    return "".join(out)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[\s_]+", text.strip()))


def _trim(text: str) -> str:
    return text.strip().strip("\ufeff").strip()


def _text(value: str, limit: int) -> str | None:
    value = _trim(value)
    if not value or len(value) > limit or "\x00" in value or "\ufffd" in value:
        return None
    return value


def _count(value: str, low: int, high: int) -> int | None:
    value = _trim(value)
    digits = value[1:] if value[:1] in ("+", "-") else value
    if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        return None
    number = int(value)
    return number if low <= number <= high else None


def _date(value: str) -> str | None:
    value = _trim(value)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value, flags=re.ASCII)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value, flags=re.ASCII)
        if not m:
            return None
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    return day.isoformat() if 1900 <= y <= 2100 else None


_PRICE = re.compile(
    r"\+?([0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)?(?:[.,]([0-9]{1,2}))?(?:\s*€)?"
)


def price_cents(value: str) -> int | None:
    value = _trim(value)
    m = _PRICE.fullmatch(value)
    if not m or (m[1] is None and m[2] is None):
        return None
    whole = re.sub(r"\D", "", m[1] or "0")
    amount = Decimal(whole) + (Decimal(m[2]) / 10 ** len(m[2]) if m[2] else 0)
    if amount > MAX_PRICE:
        return None
    return int(amount * 100)


@dataclass
class Parsed:
    """One file as the model reads it."""

    delimiter: str
    index: dict[str, int]
    width: int
    #: data rows, blank rows dropped, pending last row dropped
    rows: list[list[str]]
    #: a last row (not blank) was left pending
    pending: bool = False


def parse(source: str, data: bytes, *, complete: bool = True) -> Parsed:
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise Refused("vide")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype", b"<html", b"<?xml")):
        raise Refused("html")
    text = decode(data.removeprefix(b"\xef\xbb\xbf"))
    m = re.search(r"\r\n|\r|\n", text)
    header_line, body = (text, "") if m is None else (text[: m.start()], text[m.end() :])
    if "\x00" in header_line:
        raise Refused("binaire")
    delimiter = max((",", ";", "\t"), key=header_line.count)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        raise Refused("en-tête") from None
    keys = [_key(h) for h in header]
    for wanted in COLUMNS[source]:
        if keys.count(wanted) != 1:
            raise Refused(f"colonne {wanted}")
    try:
        records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        raise Refused("guillemet") from None
    pending = False
    if not complete and body and not body.endswith(("\r", "\n")) and records:
        pending = any(f != "" for f in records.pop())  # the last line may be cut
    rows = [r for r in records if any(f != "" for f in r)]
    index = {k: keys.index(k) for k in COLUMNS[source]}
    return Parsed(delimiter, index, len(header), rows, pending)


@dataclass
class Model:
    """What the database must hold after each import of the sequence so far."""

    products: dict[str, int] = field(default_factory=dict)  # id -> price now (cents)
    stores: dict[int, str] = field(default_factory=dict)  # id -> city now
    #: (date, product, store, quantity, occurrence) -> unit price in cents
    sales: dict[tuple[str, str, int, int, int], int] = field(default_factory=dict)
    #: (file, raw line, occurrence)
    rejects: set[tuple[str, str, int]] = field(default_factory=set)
    #: the rejects of the latest import: the others are « resolved »
    current_rejects: set[tuple[str, str, int]] = field(default_factory=set)
    #: per file, whether the latest import left its last line pending
    pending: dict[str, bool] = field(default_factory=dict)

    def import_files(
        self, files: dict[str, bytes], *, complete: bool | dict[str, bool] = True
    ) -> None:
        """Apply one import; raises Refused (and changes nothing) when a file is refused.

        ``complete``: whether each transfer is known to have arrived whole (a bool for the
        sales file alone, the others then known complete; or a bool per file)."""
        known = complete if isinstance(complete, dict) else {"ventes": complete}
        parsed = {
            s: parse(s, files[s], complete=known.get(s, True))
            for s in ("produits", "magasins", "ventes")
        }
        rejects: list[tuple[str, str]] = []
        current_products: dict[str, int] = {}
        p = parsed["produits"]
        for row in p.rows:
            pid = name = cents = None
            if len(row) == p.width:
                pid = _text(row[p.index["id reference produit"]], 64)
                name = _text(row[p.index["nom"]], 200)
                cents = price_cents(row[p.index["prix"]])
            if pid is None or name is None or cents is None or pid in current_products:
                rejects.append(("produits", p.delimiter.join(row)))
                continue
            current_products[pid] = cents
        current_stores: dict[int, str] = {}
        m = parsed["magasins"]
        for row in m.rows:
            sid = city = employees = None
            if len(row) == m.width:
                sid = _count(row[m.index["id magasin"]], 1, MAX_STORE_ID)
                city = _text(row[m.index["ville"]], 200)
                employees = _count(row[m.index["nombre de salaries"]], 0, MAX_EMPLOYEES)
            if sid is None or city is None or employees is None or sid in current_stores:
                rejects.append(("magasins", m.delimiter.join(row)))
                continue
            current_stores[sid] = city
        valid: list[tuple[str, str, int, int]] = []
        v = parsed["ventes"]
        for row in v.rows:
            sale = None
            if len(row) == v.width:
                day = _date(row[v.index["date"]])
                product = _trim(row[v.index["id reference produit"]])
                store = _count(row[v.index["id magasin"]], 1, MAX_STORE_ID)
                quantity = _count(row[v.index["quantite"]], 1, MAX_QUANTITY)
                if (
                    day
                    and product in current_products
                    and store in current_stores
                    and quantity is not None
                ):
                    sale = (day, product, store, quantity)
            if sale is None:
                rejects.append(("ventes", v.delimiter.join(row)))
            else:
                valid.append(sale)
        # nothing refused: apply
        self.pending = {s: parsed[s].pending for s in parsed}
        self.products.update(current_products)
        self.stores.update(current_stores)
        ranks: Counter[tuple[str, str, int, int]] = Counter()
        for sale in valid:
            ranks[sale] += 1
            key = (*sale, ranks[sale])
            if key not in self.sales:
                self.sales[key] = self.products[sale[1]]
        reject_ranks: Counter[tuple[str, str]] = Counter()
        self.current_rejects = set()
        for reject in rejects:
            reject_ranks[reject] += 1
            self.rejects.add((*reject, reject_ranks[reject]))
            self.current_rejects.add((*reject, reject_ranks[reject]))

    # --- the analyses --------------------------------------------------------------------

    def total_revenue(self) -> int:
        return sum(q * price for (_, _, _, q, _), price in self.sales.items())

    def by_product(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for (_, product, _, q, _), price in self.sales.items():
            quantity, revenue = out.get(product, (0, 0))
            out[product] = (quantity + q, revenue + q * price)
        return out

    def by_region(self) -> dict[str, tuple[int, int]]:
        regions = _regions()
        out: dict[str, tuple[int, int]] = {}
        for (_, _, store, q, _), price in self.sales.items():
            region = regions.get(city_key(self.stores[store]), UNKNOWN_REGION)
            quantity, revenue = out.get(region, (0, 0))
            out[region] = (quantity + q, revenue + q * price)
        return out


@dataclass
class Watcher:
    """``ventes watch`` over the model: what each cycle must leave in the database."""

    model: Model = field(default_factory=Model)
    #: the files of the latest import
    latest: dict[str, bytes] | None = None

    def cycle(self, files: dict[str, bytes], complete: dict[str, bool]) -> bool:
        """One cycle receiving ``files`` (``complete``: whether each transfer is known
        complete); whether it imports. Raises Refused (changing nothing) like the import."""
        if files == self.latest and not any(
            self.model.pending.get(s) and complete[s] for s in files
        ):
            return False  # the same bytes, and nothing left pending now received whole
        self.model.import_files(files, complete=complete)
        self.latest = dict(files)
        return True


def city_key(name: str) -> str:
    """README: city names match without case, accents, hyphens, nor « St » / « Saint »."""
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = [w for w in re.split(r"[\s\-‐‑–—_'’.,/]+", text) if w]
    short = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
    return " ".join(short.get(w, w) for w in words)


_REGIONS: dict[str, str] = {}


def _regions() -> dict[str, str]:
    if not _REGIONS:
        table = ROOT / "src" / "ventes_pme" / "data" / "villes_regions.csv"
        with table.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["ville"] and row["region"]:
                    _REGIONS[city_key(row["ville"])] = row["region"].strip()
    return _REGIONS
