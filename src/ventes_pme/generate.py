"""`ventes generer` : des fichiers synthétiques au format du client, pour essayer en grand.

Synthetic data in the client's format, for benchmarks and tests at scale.

Writes ``produits.csv``, ``magasins.csv`` and ``ventes.csv`` into a folder, exactly as the
client publishes them (UTF-8, comma, French headers, ISO dates). Deterministic for a seed.
The sales file is written in batches, so memory stays flat whatever the number of sales;
by default its lines are in date order (the file grows over time, the client's shape), with
a share of lines identical to a recent one (two identical lines are two real sales) and a
share of invalid lines. The stores are spread over the cities of every region of the shipped
city table, overseas included: the first stores take one city of each region in turn.

``order`` writes the sales as people sort the sheet (Données → Trier la plage): newest
first, by product, by store (both stable: date order within a product or a store), or
shuffled. Any order but the chronological one holds the lines written in memory before
writing them (about 80 bytes a line).

``append=True`` adds sales at the end of an existing ``ventes.csv``, dated from its latest
date on, whatever the order of its lines (or over ``start`` and ``days``: old dates), some
identical to its last lines of that date: what the client's file does between two imports.
``order`` then orders the appended lines only.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from ventes_pme import fmt
from ventes_pme.validate import COLUMNS

BATCH = 50_000
#: Bounds of what is generated: beyond, a number is a typing error (``-n`` with twenty
#: digits would fill the disk for hours), refused before anything is written.
MAX_SALES = 100_000_000
MAX_PRODUCTS = 1_000_000
MAX_STORES = 100_000
#: the dates the import accepts (validate.parse_date): every generated date is one of them
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
MAX_DAYS = (LAST_DAY - FIRST_DAY).days + 1
#: the orders of the sales lines, as ``ventes generer --ordre`` names them
ORDERS = ("chronologique", "recent", "produit", "magasin", "aleatoire")
#: how many recent lines a repeated (identical) line is drawn from
RECENT = 512

#: Invalid lines: each is a function of (rng, valid fields) -> fields of the line.
_INVALID_KINDS = (
    "produit_inconnu",
    "magasin_inconnu",
    "date_impossible",
    "date_mois_en_premier",
    "quantite_nulle",
    "quantite_texte",
    "champ_manquant",
)


@dataclass(frozen=True)
class Generated:
    """What was written: the folder and the line counts of the sales written."""

    folder: Path
    sales: int
    identical: int
    invalid: int
    first_day: str
    last_day: str


def _city_table() -> list[dict[str, str]]:
    text = resources.files("ventes_pme").joinpath("data/villes_regions.csv").read_text("utf-8")
    return [row for row in csv.DictReader(io.StringIO(text)) if row["ville"]]


def cities() -> list[str]:
    """The city names of the shipped city -> region table (real French cities)."""
    return [row["ville"] for row in _city_table()]


def store_cities(rng: random.Random) -> list[str]:
    """Every city of the table once, regions taking turns: any ``len(regions)`` consecutive
    cities from the start lie in as many regions (overseas included)."""
    by_region: dict[str, list[str]] = {}
    for row in _city_table():
        by_region.setdefault(row["region"], []).append(row["ville"])
    regions = sorted(by_region)
    rng.shuffle(regions)
    for region in regions:
        rng.shuffle(by_region[region])
    turns = max(len(names) for names in by_region.values())
    return [
        by_region[region][turn]
        for turn in range(turns)
        for region in regions
        if turn < len(by_region[region])
    ]


def _header(source: str) -> str:
    return ",".join(COLUMNS[source].values()) + "\n"


def _write_references(folder: Path, rng: random.Random, products: int, stores: int) -> None:
    with (folder / "produits.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(_header("produits"))
        for n in range(1, products + 1):
            cents = rng.randint(99, 49_999)
            out.write(f"Produit {n},REF{n:05d},{cents // 100}.{cents % 100:02d},")
            out.write(f"{rng.randint(0, 5_000)}\n")
    names = store_cities(rng)
    with (folder / "magasins.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(_header("magasins"))
        for n in range(1, stores + 1):
            out.write(f"{n},{names[(n - 1) % len(names)]},{rng.randint(2, 60)}\n")


def _ids(path: Path, column: int) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [row[column] for row in reader if row]


def _tail(path: Path, size: int = 64 * 1024) -> list[str]:
    """The last complete lines of ``path`` (without the header)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        end = handle.tell()
        handle.seek(max(0, end - size))
        lines = handle.read().decode("utf-8", errors="replace").splitlines(keepends=True)
    if end > size:
        lines = lines[1:]  # the first one is cut
    return [line for line in lines if line.endswith("\n") and line[:2].isdigit()]


def _latest_date(path: Path) -> date | None:
    """The latest valid date (ISO, first column) of the sales file ``path``, whatever the
    order of its lines; None when it has none."""
    latest = b""
    with path.open("rb") as handle:
        next(handle, None)  # the header
        for line in handle:
            day = line[:10]
            if day > latest and line[10:11] == b",":
                try:
                    date.fromisoformat(day.decode("ascii"))
                except ValueError:
                    continue
                latest = day
    return date.fromisoformat(latest.decode("ascii")) if latest else None


def _field(line: str, index: int) -> str:
    fields = line.rstrip("\n").split(",")
    return fields[index] if index < len(fields) else ""


def _ordered(lines: list[str], order: str, rng: random.Random) -> list[str]:
    """``lines`` (in date order) as a sheet sorted that way shows them."""
    if order == "recent":
        lines.reverse()
    elif order == "produit":
        lines.sort(key=lambda line: _field(line, 1))
    elif order == "magasin":
        lines.sort(key=lambda line: _field(line, 3))
    elif order == "aleatoire":
        rng.shuffle(lines)
    return lines


def _invalid(rng: random.Random, day: str, product: str, quantity: int, store: str) -> str:
    kind = rng.choice(_INVALID_KINDS)
    if kind == "produit_inconnu":
        product = "INCONNU" + str(rng.randint(1, 99))
    elif kind == "magasin_inconnu":
        store = str(900_000 + rng.randint(1, 99))
    elif kind == "date_impossible":
        day = day[:5] + "02-30"
    elif kind == "date_mois_en_premier":
        y, m, d = day.split("-")
        day = f"{int(m)}/{int(d) + 12 if int(d) <= 12 else int(d)}/{y}"
    elif kind == "quantite_nulle":
        quantity = 0
    elif kind == "quantite_texte":
        return f"{day},{product},deux,{store}\n"
    else:
        return f"{day},{product},{quantity}\n"
    return f"{day},{product},{quantity},{store}\n"


def generate(
    folder: Path,
    *,
    sales: int,
    products: int = 200,
    stores: int = 50,
    seed: int = 1,
    identical: float = 0.02,
    invalid: float = 0.001,
    start: date | None = None,
    days: int | None = None,
    append: bool = False,
    order: str = "chronologique",
) -> Generated:
    """Write (or, with ``append``, extend) the three files of ``folder``; see the module doc.

    Every number is checked before anything is written (ValueError, naming the option of
    ``ventes generer`` that gives it)."""
    for option, value, low, high in (
        ("-n/--ventes", sales, 0, MAX_SALES),
        ("--produits", products, 1, MAX_PRODUCTS),
        ("--magasins", stores, 1, MAX_STORES),
        ("--jours", 1 if days is None else days, 1, MAX_DAYS),
    ):
        if not low <= value <= high:
            raise ValueError(f"{option} : de {fmt.integer(low)} à {fmt.integer(high)}, pas {value}")
    if start is not None and not FIRST_DAY <= start <= LAST_DAY:
        raise ValueError(
            f"--debut : une date du {FIRST_DAY:%d/%m/%Y} au {LAST_DAY:%d/%m/%Y} (celles que "
            f"l'import accepte), pas le {start:%d/%m/%Y}"
        )
    if order not in ORDERS:
        raise ValueError(f"ordre inconnu « {order} » (ordres : {', '.join(ORDERS)})")
    if not (0 <= identical <= 1 and 0 <= invalid <= 1 and identical + invalid <= 1):
        raise ValueError("--identiques et --invalides sont des parts entre 0 et 1")
    ventes = folder / "ventes.csv"
    recent: list[str] = []
    if append:
        if not ventes.is_file():
            raise FileNotFoundError(ventes)
        latest = _latest_date(ventes)
        last = latest or date(2024, 1, 1)
        # identical lines repeat recent lines of the latest date (a sheet sorted by another
        # column ends with lines of any date)
        recent = [line for line in _tail(ventes) if line[:10] == last.isoformat()][-RECENT:]
        first, span = start or last, days or 7
    else:
        first, span = start or date(2024, 1, 1), days or 365
    if first.toordinal() + span - 1 > LAST_DAY.toordinal():
        raise ValueError(
            f"--debut et --jours : la période du {first:%d/%m/%Y} sur {span} jours passe le "
            f"{LAST_DAY:%d/%m/%Y}, dernière date que l'import accepte"
        )
    folder.mkdir(parents=True, exist_ok=True)
    if append:
        # another stream than the first run's, still a function of (seed, file)
        rng = random.Random(f"{seed}:{ventes.stat().st_size}")  # noqa: S311 (test data)
        product_ids = _ids(folder / "produits.csv", 1)
        store_ids = _ids(folder / "magasins.csv", 0)
    else:
        rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
        _write_references(folder, rng, products, stores)
        product_ids = [f"REF{n:05d}" for n in range(1, products + 1)]
        store_ids = [str(n) for n in range(1, stores + 1)]
    day_names = [(first + timedelta(days=n)).isoformat() for n in range(span)]
    quantities = list(range(1, 11))
    weights = [30, 22, 15, 10, 7, 5, 4, 3, 2, 2]
    # popular products and stores sell more (a skewed but fixed distribution)
    product_weights = [1 / (1 + n % 50) for n in range(len(product_ids))]
    store_weights = [1 + (n * 7919) % 5 for n in range(len(store_ids))]
    counts = {"identical": 0, "invalid": 0}
    mode = "a" if append else "w"
    held: list[str] = []  # the lines of a non-chronological order, written at the end
    with ventes.open(mode, encoding="utf-8", newline="") as out:
        if not append:
            out.write(_header("ventes"))
        written = 0
        while written < sales:
            n = min(BATCH, sales - written)
            prods = rng.choices(product_ids, product_weights, k=n)
            stors = rng.choices(store_ids, store_weights, k=n)
            qtys = rng.choices(quantities, weights, k=n)
            draws = [rng.random() for _ in range(n)]
            lines = []
            for k in range(n):
                day = day_names[(written + k) * span // max(sales, 1)]
                draw = draws[k]
                if draw < identical and recent:
                    line = rng.choice(recent)
                    counts["identical"] += 1
                elif draw < identical + invalid:
                    line = _invalid(rng, day, prods[k], qtys[k], stors[k])
                    counts["invalid"] += 1
                    lines.append(line)
                    continue
                else:
                    line = f"{day},{prods[k]},{qtys[k]},{stors[k]}\n"
                lines.append(line)
                if len(recent) >= RECENT:
                    recent[rng.randrange(RECENT)] = line
                else:
                    recent.append(line)
            if order == "chronologique":
                out.write("".join(lines))
            else:
                held.extend(lines)
            written += n
        if held:
            out.write("".join(_ordered(held, order, rng)))
    return Generated(
        folder,
        sales,
        counts["identical"],
        counts["invalid"],
        day_names[0],
        day_names[-1] if sales else day_names[0],
    )
