"""Generated import sequences, compared with the independent model of tests/model.py.

Hypothesis generates messy files (encodings, separators, quoting, embedded newlines, line
endings, extra and renamed columns, blank lines, invalid values of every kind) and sequences
of imports (append, lines appended again, duplicate, edit, delete, reorder, truncate, price
change, removed product or store, city change, interrupted transfer, the same files again),
each file of each step served with its size, in chunks, or ended by the connection closing
(the client then cannot know it got the whole file: a last line without line ending is left
pending). After every step:

- the database holds exactly the model's sales (with their unit prices), rejects and figures;
- when the step took the append-only fast path, a full read of the same files gives the same
  database (sales, rejects, aggregates, counters);
- a file the model refuses is refused with a French message and a documented exit code, the
  database byte-for-byte unchanged.

The same sequences, with the same files served again at later steps, run as the cycles of
``ventes watch`` (conditional requests answered 304, or bodies compared by SHA-256): a cycle
skips the import exactly when the model's watcher does (the same bytes as the latest import,
and no line it left pending now received whole), and the database is the model's after
every cycle.

Profiles (tests/conftest.py): ``ci`` by default, ``HYPOTHESIS_PROFILE=long`` for a long run.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests import model as reference
from tests.httpserver import FileServer, unframed
from tests.support import GENERATED, make_settings
from ventes_pme import api, processes, sales_reader, validate, watch
from ventes_pme.errors import VentesError
from ventes_pme.load import incremental
from ventes_pme.load import sales as load_sales
from ventes_pme.profile import stats, store

# --- what a file holds, and how it is written --------------------------------------------

VARIANTS = {
    "date": ["Date", "date", " DATE "],
    "product": ["ID Référence produit", "id reference produit", "ID_Référence_Produit"],
    "quantity": ["Quantité", "quantite", "QUANTITÉ"],
    "store": ["ID Magasin", "id_magasin", "Id Magasin"],
    "name": ["Nom", "nom"],
    "price": ["Prix", "prix"],
    "stock": ["Stock", "STOCK"],
    "city": ["Ville", "ville"],
    "employees": ["Nombre de salariés", "nombre de salaries"],
}
COLUMNS = {
    "ventes": ["date", "product", "quantity", "store"],
    "produits": ["name", "product", "price", "stock"],
    "magasins": ["store", "city", "employees"],
}
UNCLOSED = "\x00unclosed"  # an extra field written as an opening quote never closed


@dataclass(frozen=True)
class Layout:
    delimiter: str
    order: tuple[str, ...]
    names: tuple[str, ...]
    extra: bool
    quote_all: bool


@dataclass(frozen=True)
class Item:
    """One record of a file: its fields by column, and how its bytes are spoiled."""

    values: dict[str, str]
    encoding: str = "utf-8"
    prefix: bytes = b""
    bad_byte: bytes = b""


def quote(text: str, delimiter: str, always: bool) -> str:
    if text == UNCLOSED:
        return '"never closed'
    if always or any(c in text for c in (delimiter, '"', "\r", "\n")) or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def render_record(item: Item, layout: Layout) -> bytes:
    fields = [item.values.get(col, "") for col in layout.order]
    text = layout.delimiter.join(quote(f, layout.delimiter, layout.quote_all) for f in fields)
    data = text.encode(item.encoding, errors="replace")
    if item.bad_byte:
        cut = len(data) // 2
        data = data[:cut] + item.bad_byte + data[cut:]
    return item.prefix + data


@dataclass
class File:
    source: str
    layout: Layout
    items: list[Item] | list[Item | None]  # None: a blank line
    encoding: str = "utf-8"  # of the header and of the items written in the file's encoding
    bom: bool = False
    eol: str = "\n"
    trailing: bool = True

    def render(self) -> bytes:
        header = self.layout.delimiter.join(self.layout.names).encode(self.encoding, "replace")
        records = [header]
        for item in self.items:
            if item is None:
                records.append(b"")
            else:
                enc = self.encoding if item.encoding == "utf-8" else item.encoding
                records.append(render_record(replace(item, encoding=enc), self.layout))
        eol = self.eol.encode()
        body = eol.join(records) + (eol if self.trailing else b"")
        return (b"\xef\xbb\xbf" if self.bom else b"") + body


# --- strategies ------------------------------------------------------------------------------

PRODUCT_IDS = ["REF001", "REF002", "REF003", "Réf-4"]
STORE_IDS = ["1", "2", "3", "12"]
CITIES = ["Paris", "Lyon", "St-Étienne", "saint etienne", "Atlantis", "Marseille", "Brest"]


def mixed(valid: list[str], invalid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), st.sampled_from(invalid)) | st.sampled_from(valid)


dates = mixed(
    ["2023-05-27", "27/05/2023", "1/6/2023", " 2023-06-01 ", "2024-02-29"],
    ["2023-02-30", "5/27/2023", "", "hier", "1899-12-31", "2023-13-01", "2023-5-1"],
)
products = mixed([*PRODUCT_IDS, " REF001 "], ["REF999", "", "ref001", "REF\n001"])
quantities = mixed(
    ["1", "2", "3", "10000", "+2", "007"],
    ["0", "-1", "1.5", "10001", "1000000", "1e3", "abc", ""],
)
store_ids = mixed(STORE_IDS, ["99", "0", "x", "", "1\n"])
extras = st.sampled_from(["", "note", "a;b,c", 'il a dit "oui"', "deux\nlignes", "é€"])
prices = mixed(
    ["49.99", "19,9", "1 029,99", "1\u202f029,99", "1\u00a0029,99", "0", "5 €", "1000000", ",5"],
    ["1.000", "-1", "abc", "", "1000000.01", "1 2", "4 9.99", "49.", "1,000", "1.234,5"],
)
stocks = st.sampled_from(["100", "0", "", "-5", "x"])
names = st.sampled_from(["Produit A", 'Écran 24"', "Câble;USB", "Deux\nlignes", "Œuf"])
employees = mixed(["10", "0", "250"], ["-1", "x", ""])


@st.composite
def layouts(draw: Any, source: str) -> Layout:
    columns = list(COLUMNS[source])
    order = draw(st.permutations(columns))
    extra = draw(st.booleans())
    if extra:
        order = [*order, "extra"]
        order.insert(draw(st.integers(0, len(order) - 1)), order.pop())
    delimiter = draw(st.sampled_from([",", ";"]))
    names = tuple(
        "Commentaire" if c == "extra" else draw(st.sampled_from(VARIANTS[c])) for c in order
    )
    return Layout(delimiter, tuple(order), names, extra, draw(st.booleans()))


@st.composite
def sale_items(draw: Any) -> Item:
    values = {
        "date": draw(dates),
        "product": draw(products),
        "quantity": draw(quantities),
        "store": draw(store_ids),
        "extra": draw(extras),
    }
    return Item(values)


def product_item(pid: str, draw: Any) -> Item:
    return Item({"name": draw(names), "product": pid, "price": draw(prices), "stock": draw(stocks)})


def store_item(sid: str, draw: Any) -> Item:
    return Item({"store": sid, "city": draw(st.sampled_from(CITIES)), "employees": draw(employees)})


@st.composite
def files(draw: Any, source: str, items: list[Item]) -> File:
    return File(
        source,
        draw(layouts(source)),
        items,
        encoding=draw(st.sampled_from(["utf-8", "utf-8", "cp1252"])),
        bom=draw(st.booleans()),
        eol=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        trailing=draw(st.booleans()),
    )


SOURCES = ("produits", "magasins", "ventes")


@dataclass
class Step:
    """One import: the three files as served, how each body is delimited, and whether the
    sales transfer is cut."""

    files: dict[str, bytes]
    cut: int | None = None  # the sales body is cut after this many bytes, connection closed
    label: str = ""
    #: per file, how the server delimits its body (tests/httpserver.py, FileServer.framing):
    #: "length" (the default), "chunked", or "close" (the transfer not known complete)
    framing: dict[str, str] = field(default_factory=dict)

    def complete(self) -> dict[str, bool]:
        """Whether each transfer is known to have arrived whole."""
        return {
            source: self.framing.get(source, "length") != "close"
            and (source != "ventes" or self.cut is None)
            for source in SOURCES
        }


#: how each file of a step is served: mostly with its size, often not known complete
framings = st.fixed_dictionaries(
    {source: st.sampled_from(["length", "length", "chunked", "close"]) for source in SOURCES}
)


@st.composite
def sequences(draw: Any) -> list[Step]:
    produits = draw(files("produits", [product_item(p, draw) for p in PRODUCT_IDS]))
    magasins = draw(files("magasins", [store_item(s, draw) for s in STORE_IDS]))
    ventes = draw(files("ventes", draw(st.lists(sale_items(), max_size=6))))
    steps = [Step(_bytes(produits, magasins, ventes), label="first", framing=draw(framings))]
    for _ in range(draw(st.integers(1, 5))):
        op = draw(
            st.sampled_from(
                [
                    "append",
                    "append",
                    "again",
                    "duplicate",
                    "edit",
                    "delete",
                    "reorder",
                    "truncate",
                    "price",
                    "remove_product",
                    "remove_store",
                    "city",
                    "bom_append",
                    "cp1252_append",
                    "bad_byte",
                    "trailing",
                    "cut",
                    "unclosed",
                    "blank",
                    "reference_trailing",
                    "same",
                ]
            )
        )
        items = ventes.items
        cut = None
        if op == "append":
            # new lines, or copies of the last ones: the sheet's next lines often repeat a
            # sale of the latest day, whose identical sales are then already stored
            new = st.one_of(sale_items(), st.sampled_from(items[-3:])) if items else sale_items()
            items.extend(draw(st.lists(new, min_size=1, max_size=4)))
        elif op == "again" and items:  # lines of the file appended again: their sales stored
            items.extend(draw(st.lists(st.sampled_from(items), min_size=1, max_size=3)))
        elif op == "duplicate" and items:
            items.append(draw(st.sampled_from(items)))
        elif op == "edit" and items:
            items[draw(st.integers(0, len(items) - 1))] = draw(sale_items())
        elif op == "delete" and items:
            del items[draw(st.integers(0, len(items) - 1))]
        elif op == "reorder" and len(items) > 1:
            ventes.items = items = draw(st.permutations(items))
        elif op == "truncate":
            del items[draw(st.integers(0, len(items))) :]
        elif op == "price":
            i = draw(st.integers(0, len(produits.items) - 1))
            old = produits.items[i]
            assert old is not None
            produits.items[i] = Item({**old.values, "price": draw(prices)})
        elif op == "remove_product" and produits.items:
            del produits.items[draw(st.integers(0, len(produits.items) - 1))]
        elif op == "remove_store" and magasins.items:
            del magasins.items[draw(st.integers(0, len(magasins.items) - 1))]
        elif op == "city" and magasins.items:
            i = draw(st.integers(0, len(magasins.items) - 1))
            old = magasins.items[i]
            assert old is not None
            magasins.items[i] = Item({**old.values, "city": draw(st.sampled_from(CITIES))})
        elif op == "bom_append":
            new = draw(sale_items())
            items.append(replace(new, prefix=b"\xef\xbb\xbf"))
        elif op == "cp1252_append":
            new = draw(sale_items())
            items.append(replace(new, values={**new.values, "extra": "café"}, encoding="cp1252"))
        elif op == "bad_byte" and items:
            i = draw(st.integers(0, len(items) - 1))
            if items[i] is not None:
                spoil = draw(
                    st.sampled_from([b"\x81", b"\x8d", b"\x90", b"\xff", b"\xc3", b"\x00"])
                )
                items[i] = replace(items[i], bad_byte=spoil)
        elif op == "trailing":
            ventes.trailing = not ventes.trailing
        elif op == "unclosed" and items:
            i = draw(st.integers(0, len(items) - 1))
            if items[i] is not None and ventes.layout.extra:
                items[i] = Item({**items[i].values, "extra": UNCLOSED})
        elif op == "blank":
            items.insert(draw(st.integers(0, len(items))), None)
        elif op == "reference_trailing":
            reference_file = draw(st.sampled_from([produits, magasins]))
            reference_file.trailing = not reference_file.trailing
        data = _bytes(produits, magasins, ventes)
        if op == "cut":
            cut = draw(st.integers(0, len(data["ventes"])))
        steps.append(Step(data, cut, op, draw(framings)))
        if op in ("cut", "unclosed"):
            # the next import sees the whole file again (a transfer that works, or a fix)
            if op == "unclosed":
                ventes.items = [
                    None
                    if i is None
                    else Item({**i.values, "extra": "réparé"})
                    if i.values.get("extra") == UNCLOSED
                    else i
                    for i in ventes.items
                ]
            steps.append(
                Step(
                    _bytes(produits, magasins, ventes), label="after " + op, framing=draw(framings)
                )
            )
    return steps


def _bytes(produits: File, magasins: File, ventes: File) -> dict[str, bytes]:
    return {"produits": produits.render(), "magasins": magasins.render(), "ventes": ventes.render()}


# --- running and comparing ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def http() -> Iterator[FileServer]:
    srv = FileServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def stored(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        sales = {
            (d, p, s, q, o): price
            for d, p, s, q, o, price in conn.execute(
                "SELECT sale_date, product_id, store_id, quantity, occurrence, unit_price_cents "
                "FROM sales"
            )
        }
        rejects = set(conn.execute("SELECT source, raw, occurrence FROM rejects"))
        return {"sales": sales, "rejects": rejects}
    finally:
        conn.close()


def full_state(db: Path) -> dict[str, Any]:
    """What the fast path and a full read must agree on."""
    conn = sqlite3.connect(db)
    try:
        queries = {
            "sales": "SELECT * FROM sales ORDER BY 1, 2, 3, 4, 5",
            "rejects": "SELECT source, raw, occurrence, line_number, code, first_import_id, "
            "last_import_id, resolved_import_id FROM rejects ORDER BY 1, 2, 3",
            "by_day": "SELECT * FROM sales_by_day_store ORDER BY 1, 2",
            "by_product": "SELECT * FROM sales_by_product_store ORDER BY 1, 2",
            # what was read differs (the fast path reads only the appended lines), not what
            # the import did
            "files": "SELECT import_id, source, inserted, updated, vanished, end_line, "
            "pending_references FROM import_files ORDER BY 1, 2",
            "runs": "SELECT import_id, sales_before, sales_after FROM import_runs ORDER BY 1",
        }
        return {k: conn.execute(q).fetchall() for k, q in queries.items()}
    finally:
        conn.close()


ENGLISH = re.compile(r"\b(the|error|expected|unexpected|field|line|invalid|not)\b", re.I)


def serve_step(http: FileServer, step: Step) -> None:
    """Serve the files of ``step`` as it says."""
    http.behaviours.clear()
    http.files.update(step.files)
    http.framing = dict(step.framing)
    if step.cut is not None:
        http.behaviours["ventes"] = unframed(step.files["ventes"][: step.cut])


def run_step(http: FileServer, db: Path, step: Step, *, full_read: bool = False) -> Any:
    serve_step(http, step)
    settings = make_settings(http, db, attempts=1)
    if not full_read:
        return api.import_data(settings)
    saved = incremental.resume_point
    incremental.resume_point = lambda *args: None
    try:
        return api.import_data(settings)
    finally:
        incremental.resume_point = saved


def check_against_model(db: Path, expected: reference.Model) -> None:
    got = stored(db)
    assert got["sales"] == expected.sales
    assert got["rejects"] == expected.rejects
    conn = sqlite3.connect(db)
    try:
        total = conn.execute(
            "SELECT coalesce(sum(revenue_cents), 0) FROM sales_by_day_store"
        ).fetchone()[0]
        unresolved = set(
            conn.execute(
                "SELECT source, raw, occurrence FROM rejects WHERE resolved_import_id IS NULL"
            )
        )
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    assert total == expected.total_revenue()
    assert unresolved == expected.current_rejects
    # the sales are inserted without SQLite's CHECKs (the import checks them itself):
    # integrity_check verifies every CHECK constraint of the schema
    assert integrity == [("ok",)]


def check_profile(db: Path, step: Step, tmp: Path) -> None:
    """The data profile stored with the import describes the files it downloaded exactly
    as a separate pass over them does (``profile.stats.scan``), whether the import's reading of
    the sales file counted for it (continuing the previous import's counts when it read
    only the appended lines) or the profile read the file itself."""
    folder = tmp / "downloaded"
    folder.mkdir(exist_ok=True)
    paths = {source: folder / f"{source}.csv" for source in stats.SOURCES}
    for source, path in paths.items():
        path.write_bytes(step.files[source][: step.cut if source == "ventes" else None])
    layouts = {source: validate.sniff(source, path) for source, path in paths.items()}
    scanned = stats.scan(paths, layouts)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        stored = store.read(conn)
    finally:
        conn.close()
    assert stored is not None
    # what SQL on the stored data adds (profile.store.complete)
    sales = replace(stored.files["ventes"], identical_lines=None, identical_groups=None)
    assert replace(sales, max_copies=None) == scanned["ventes"]
    for source in ("produits", "magasins"):
        assert replace(stored.files[source], without_sales=None) == scanned[source], source


def check_analyses(db: Path, http: FileServer, expected: reference.Model) -> None:
    analysis = api.analyse(make_settings(http, db))
    assert analysis.total_revenue_cents == expected.total_revenue()
    by_product = {
        r["produit_id"]: (r["quantite"], r["chiffre_affaires"])
        for r in analysis.tables["ventes_par_produit"]
    }
    assert by_product == expected.by_product()
    by_region = {
        r["region"]: (r["quantite"], r["chiffre_affaires"])
        for r in analysis.tables["ventes_par_region"]
    }
    assert by_region == expected.by_region()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    steps=sequences(),
    memo=st.sampled_from([load_sales.RANK_MEMO, 1, 2, 5]),
    child=st.sampled_from([False, False, True]),
)
def test_import_sequences_match_the_model(
    http: FileServer, steps: list[Step], memo: int, child: bool
) -> None:
    """``memo``: how many groups of identical lines the import counts before it forgets
    counts and asks the database (load_sales.RANK_MEMO): tiny values exercise that path too, and
    make a full re-read fall back to its staged way. ``child``: the sales file and the data
    profile are read in child processes whatever their size (processes.IN_PROCESS_BELOW),
    as large files are; else in the importing process, as these small files are (a third
    of the examples: a child process costs a Python start-up per import)."""
    GENERATED["examples"] += 1
    GENERATED["in_child"] += child
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_sales, "RANK_MEMO", memo)
        if child:
            patch.setattr(processes, "IN_PROCESS_BELOW", 0)
        _check_sequence(http, steps)


def _continues_stored_groups(db: Path) -> bool:
    """Whether the latest import added a sale identical to one stored before it."""
    conn = sqlite3.connect(db)
    try:
        return bool(
            conn.execute(
                "SELECT EXISTS (SELECT 1 FROM sales AS s JOIN sales AS t USING "
                "(sale_date, product_id, store_id, quantity) WHERE t.import_id < s.import_id "
                "AND s.import_id = (SELECT max(import_id) FROM import_runs))"
            ).fetchone()[0]
        )
    finally:
        conn.close()


#: valid sales over three consecutive days, few products, stores and quantities: appended
#: lines often repeat a stored sale, and fall before, on or after the latest stored date
valid_sales = st.builds(
    lambda day, product, quantity, store: Item(
        {"date": day, "product": product, "quantity": quantity, "store": store, "extra": ""}
    ),
    st.sampled_from(["2023-05-26", "2023-05-27", "28/05/2023"]),
    st.sampled_from(PRODUCT_IDS[:2]),
    st.sampled_from(["1", "2"]),
    st.sampled_from(STORE_IDS[:2]),
)


@st.composite
def appends(draw: Any) -> list[Step]:
    """A file of valid sales, then lines appended to it, each time new ones or copies of
    lines already in the file: every import after the first reads only the appended lines."""
    produits = File(
        "produits",
        draw(layouts("produits")),
        [Item({"name": "A", "product": p, "price": "10", "stock": "1"}) for p in PRODUCT_IDS],
    )
    magasins = File(
        "magasins",
        draw(layouts("magasins")),
        [Item({"store": s, "city": "Paris", "employees": "3"}) for s in STORE_IDS],
    )
    ventes = File(
        "ventes", draw(layouts("ventes")), draw(st.lists(valid_sales, min_size=1, max_size=6))
    )
    steps = [Step(_bytes(produits, magasins, ventes), label="first")]
    for _ in range(draw(st.integers(1, 3))):
        new = st.one_of(valid_sales, st.sampled_from(list(ventes.items)))
        ventes.items.extend(draw(st.lists(new, min_size=1, max_size=5)))
        steps.append(Step(_bytes(produits, magasins, ventes), label="append"))
    return steps


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(steps=appends(), child=st.booleans())
def test_appended_lines_continue_the_stored_groups(
    http: FileServer, steps: list[Step], child: bool
) -> None:
    """The append-only path ranks each appended line after the identical sales stored: on
    a date the database holds, from its count there; on a later date, from the lines read
    (sales_reader.Job.stored_until). The database is the model's after every import."""
    GENERATED["examples"] += 1
    GENERATED["in_child"] += child
    with pytest.MonkeyPatch.context() as patch:
        if child:
            patch.setattr(processes, "IN_PROCESS_BELOW", 0)
        appended = GENERATED["appends"]
        _check_sequence(http, steps)
        assert GENERATED["appends"] - appended == len(steps) - 1, "each append read alone"


def _check_sequence(http: FileServer, steps: list[Step]) -> None:
    expected = reference.Model()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ventes.db"
        twin = Path(tmp) / "twin.db"
        for number, step in enumerate(steps):
            note(
                f"step {number} ({step.label}): cut={step.cut} framing={step.framing} "
                f"files={step.files!r}"
            )
            refused = None
            try:
                expected.import_files(
                    {**step.files, "ventes": step.files["ventes"][: step.cut]},
                    complete=step.complete(),
                )
            except reference.Refused as exc:
                refused = exc
            before = db.read_bytes() if db.exists() else None
            if before is not None:
                twin.write_bytes(before)
            try:
                report = run_step(http, db, step)
            except VentesError as exc:
                assert refused is not None, f"refused, the model accepts: {exc.message}"
                assert exc.exit_code in (3, 4), exc.message
                assert not ENGLISH.search(exc.message.split(" : ")[-1]), exc.message
                assert (db.read_bytes() if db.exists() else None) == before
                continue
            assert refused is None, f"accepted, the model refuses ({refused})"
            check_against_model(db, expected)
            check_analyses(db, http, expected)
            check_profile(db, step, Path(tmp))
            if report.files["ventes"].incremental and before is not None:
                GENERATED["appends"] += 1
                GENERATED["appends_to_stored_groups"] += _continues_stored_groups(db)
                run_step(http, twin, step, full_read=True)
                assert full_state(twin) == full_state(db)


@st.composite
def watched(draw: Any) -> list[Step]:
    """A generated sequence in which each step's files may be served again, unchanged, at
    the next cycles: whole, or delimited another way (a line left pending then confirmed,
    or the other way round)."""
    steps: list[Step] = []
    for step in draw(sequences()):
        steps.append(step)
        for _ in range(draw(st.integers(0, 2))):
            steps.append(Step(step.files, None, "unchanged", draw(framings)))
    return steps


# each example runs a dozen cycles, each with its analyses: a quarter of the profile's
# examples (50 with the default profile, 750 with HYPOTHESIS_PROFILE=long)
@settings(
    max_examples=max(1, settings().max_examples // 4),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=watched(), conditional=st.booleans())
def test_watch_cycles_match_the_model(
    http: FileServer, steps: list[Step], conditional: bool
) -> None:
    """``ventes watch``'s cycles (watch.run_cycle) over a generated sequence. ``conditional``:
    the server gives ETags and answers 304 to a request for an unchanged file; else it
    gives none, and the watcher compares the bodies' SHA-256. Each cycle imports or skips as
    the model's watcher does (reference.Watcher), and leaves the model's database."""
    GENERATED["examples"] += 1
    watcher = reference.Watcher()
    logs: list[str] = []
    http.conditional = conditional
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "ventes.db"
            settings = make_settings(http, db, attempts=1)
            api.init(settings)
            for number, step in enumerate(steps, start=1):
                note(
                    f"cycle {number} ({step.label}): cut={step.cut} framing={step.framing} "
                    f"files={step.files!r}"
                )
                refused = None
                imports = True
                try:
                    imports = watcher.cycle(
                        {**step.files, "ventes": step.files["ventes"][: step.cut]},
                        step.complete(),
                    )
                except reference.Refused as exc:
                    refused = exc
                serve_step(http, step)
                before = db.read_bytes()
                try:
                    result = watch.run_cycle(settings, number, logs.append)
                except VentesError as exc:
                    assert refused is not None, f"refused, the model accepts: {exc.message}"
                    assert exc.exit_code in (3, 4), exc.message
                    assert db.read_bytes() == before
                    continue
                assert refused is None, f"accepted, the model refuses ({refused})"
                assert result.skipped == (not imports), logs[-1]
                check_against_model(db, watcher.model)
    finally:
        http.conditional = True
        http.framing.clear()
        http.behaviours.clear()


# --- the order of the lines: the sheet as people sort it, files read in a child process -----

#: processes.IN_PROCESS_BELOW in the ordered tests: every file they import is larger
CHILD_ABOVE = 1024
#: ten days of valid sales: a file sorted other than by date meets each day again and again
DAYS = [f"2023-05-{day:02d}" for day in range(20, 30)]
#: a valid sale of those days: at least 21 bytes ("2023-05-20,REF001,1,1")
ordered_sales = st.builds(
    lambda day, product, quantity, store: Item(
        {"date": day, "product": product, "quantity": quantity, "store": store}
    ),
    st.sampled_from(DAYS),
    st.sampled_from(PRODUCT_IDS),
    st.sampled_from(["1", "2", "3"]),
    st.sampled_from(STORE_IDS),
)


@st.composite
def sorted_as_people_do(draw: Any, items: list[Item]) -> list[Item]:
    """``items`` in date order, newest first, sorted (stably) by product or by store, or
    shuffled: as the sheet is once someone sorted it."""
    order = draw(st.sampled_from(["date", "newest", "product", "store", "random"]))
    note(f"order: {order}")
    if order == "random":
        return list(draw(st.permutations(items)))
    column = {"date": "date", "newest": "date", "product": "product", "store": "store"}[order]
    return sorted(items, key=lambda item: item.values[column], reverse=order == "newest")


@st.composite
def ordered_sequences(draw: Any) -> list[Step]:
    """A file of 50 to 115 sales in some order, then: lines with old dates appended in
    random order (the append-only path), the whole file sorted again (a full re-read), a
    line edited."""
    produits = draw(files("produits", [product_item(p, draw) for p in PRODUCT_IDS]))
    magasins = draw(files("magasins", [store_item(s, draw) for s in STORE_IDS]))
    # 50 valid sales or more (over CHILD_ABOVE bytes), and lines of any kind, invalid too
    items = draw(st.lists(ordered_sales, min_size=50, max_size=100))
    items += draw(st.lists(sale_items(), max_size=15))
    ventes = File("ventes", draw(layouts("ventes")), draw(sorted_as_people_do(items)))
    steps = [Step(_bytes(produits, magasins, ventes), label="first")]
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["append", "append", "sort", "edit"]))
        items = list(ventes.items)
        if op == "append":
            new = st.one_of(ordered_sales, sale_items(), st.sampled_from(items))
            items += draw(st.permutations(draw(st.lists(new, min_size=1, max_size=20))))
        elif op == "sort":
            items = draw(sorted_as_people_do([i for i in items if i is not None]))
        else:
            items[draw(st.integers(0, len(items) - 1))] = draw(
                st.one_of(ordered_sales, sale_items())
            )
        ventes.items = items
        steps.append(Step(_bytes(produits, magasins, ventes), label=op))
    return steps


# a fifth of the profile's examples (40 with the default profile): each is several imports
@settings(
    max_examples=max(1, settings().max_examples // 5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    steps=ordered_sequences(),
    memo=st.sampled_from([load_sales.RANK_MEMO, 1, 5, 40]),
    scattered=st.sampled_from([sales_reader.SCATTERED, 0, 2]),
    alone=st.sampled_from([load_sales.ASKED_ALONE, 0, 1]),
)
def test_sales_in_any_row_order_match_the_model(
    http: FileServer, steps: list[Step], memo: int, scattered: int, alone: int
) -> None:
    """Files sorted as people sort the sheet, large enough to be read in a child process
    (``processes.IN_PROCESS_BELOW`` lowered to :data:`CHILD_ABOVE`, below every file here),
    match the model after every import, through every path (fresh, append, full re-read).
    ``scattered``: how far back a date may come before the reading holds the rest of the
    file and sends it in key order (sales_reader.SCATTERED): low, these small files take
    that way too. ``alone``: how many groups of a date the import asks the database for
    one by one before it reads all of the date's groups (load_sales.ASKED_ALONE)."""
    assert all(len(step.files["ventes"]) > CHILD_ABOVE for step in steps)
    GENERATED["examples"] += 1
    GENERATED["in_child"] += 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_sales, "RANK_MEMO", memo)
        patch.setattr(processes, "IN_PROCESS_BELOW", CHILD_ABOVE)
        patch.setattr(sales_reader, "SCATTERED", scattered)
        patch.setattr(load_sales, "ASKED_ALONE", alone)
        _check_sequence(http, steps)
