"""The exact-multiset rule on generated files: identical lines, invalid lines, appended lines.

The expected multiset is computed from the raw lines (tests/scale_support.py), independently
of validate.py: the database must hold each valid line exactly as many times as the file has
it, whether the file is imported at once, re-imported after lines were appended (the
append-only fast path), or re-read whole after an edit.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.httpserver import FileServer
from tests.scale_support import expected, publish, stored
from tests.support import make_settings
from ventes_pme import api
from ventes_pme.cli import main
from ventes_pme.generate import cities, generate


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    done = generate(folder, sales=20_000, products=30, stores=12, seed=7, identical=0.05)
    assert done.identical > 500 and done.invalid > 5
    return folder


def test_generated_file_imports_as_exact_multiset(
    server: FileServer, generated: Path, db_path: Path
) -> None:
    publish(server, generated)
    settings = make_settings(server, db_path)
    want = expected(generated)
    assert max(want.values()) > 1  # identical lines are there

    first = api.import_data(settings).files["ventes"]
    assert stored(db_path) == want
    assert first.inserted == want.total()
    assert first.rows_read == first.inserted + first.rejected == 20_000
    assert first.rejected > 0

    again = api.import_data(settings).files["ventes"]
    assert again.inserted == 0 and again.incremental
    assert stored(db_path) == want


def test_appended_lines_are_added_exactly_once(
    server: FileServer, generated: Path, db_path: Path, tmp_path: Path
) -> None:
    publish(server, generated)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    before = expected(generated)

    # the appended lines repeat some of the last lines: their occurrence must continue
    done = generate(generated, sales=3_000, seed=7, identical=0.2, append=True)
    assert done.identical > 300
    publish(server, generated)
    want = expected(generated)
    grown = [key for key in want if before[key] and want[key] > before[key]]
    assert grown, "some lines already stored gained an identical line"

    report = api.import_data(settings).files["ventes"]
    assert report.incremental
    assert report.rows_read == 3_000
    assert report.inserted == want.total() - before.total()
    assert stored(db_path) == want

    # the same file imported at once into a new database gives the same sales
    fresh = tmp_path / "fresh.db"
    api.import_data(make_settings(server, fresh))
    assert stored(fresh) == want


def test_full_reread_after_an_edit_keeps_every_sale(
    server: FileServer, generated: Path, db_path: Path
) -> None:
    publish(server, generated)
    settings = make_settings(server, db_path)
    api.import_data(settings)
    before = stored(db_path)

    # change one sale near the top (not an append) and add lines at the end
    path = generated / "ventes.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i in range(5, 100) if len(lines[i].split(",")) == 4 and lines[i][0] == "2")
    day, product, quantity, store = lines[at].rstrip("\n").split(",")
    lines[at] = f"{day},{product},{int(quantity) % 9 + 1}1,{store}\n"
    path.write_text("".join(lines), "utf-8")
    generate(generated, sales=500, seed=7, identical=0.2, append=True)
    publish(server, generated)
    want = expected(generated)

    report = api.import_data(settings).files["ventes"]
    assert not report.incremental
    assert report.vanished == 1  # the edited line's former content is kept, and reported
    assert stored(db_path) == before | want


def test_generator_is_deterministic_and_appends(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, sales=2_000, seed=3)
    generate(b, sales=2_000, seed=3)
    generate(c, sales=2_000, seed=4)
    for name in ("produits.csv", "magasins.csv", "ventes.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "ventes.csv").read_bytes() != (c / "ventes.csv").read_bytes()

    head = (a / "ventes.csv").read_bytes()
    assert main(["generer", str(a), "-n", "100", "--germe", "3", "--ajouter"]) == 0
    grown = (a / "ventes.csv").read_bytes()
    assert grown.startswith(head) and grown.count(b"\n") == head.count(b"\n") + 100
    header = (a / "magasins.csv").read_text("utf-8").splitlines()
    assert header[0] == "ID Magasin,Ville,Nombre de salariés"
    assert {line.split(",")[1] for line in header[1:]} <= set(cities())


def test_generer_refuses_bad_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generer", str(tmp_path / "x"), "--ajouter"]) == 2
    assert "Rien à compléter" in capsys.readouterr().err
    assert main(["generer", str(tmp_path / "y"), "--invalides", "2"]) == 2
    assert "Réglage invalide" in capsys.readouterr().err


def _sales_lines(folder: Path) -> list[list[str]]:
    return [line.split(",") for line in (folder / "ventes.csv").read_text("utf-8").splitlines()[1:]]


def _valid_dates(lines: list[list[str]]) -> list[str]:
    """The dates of the lines written as the generator writes valid dates."""

    def valid(day: str) -> bool:
        try:
            return date.fromisoformat(day).isoformat() == day
        except ValueError:
            return False

    return [f[0] for f in lines if len(f) == 4 and valid(f[0])]


def _descents(values: list[str]) -> int:
    return sum(a > b for a, b in itertools.pairwise(values))


@pytest.mark.parametrize("order", ["chronologique", "recent", "produit", "magasin", "aleatoire"])
def test_generator_writes_the_sales_in_the_order_asked(tmp_path: Path, order: str) -> None:
    chrono, ordered = tmp_path / "chrono", tmp_path / order
    # no identical lines: they repeat a recent line, date included (not quite date order)
    shape = ["-n", "3000", "--germe", "5", "--invalides", "0.01", "--identiques", "0"]
    assert main(["generer", str(chrono), *shape]) == 0
    assert main(["generer", str(ordered), *shape, "--ordre", order]) == 0
    base, lines = _sales_lines(chrono), _sales_lines(ordered)
    # the same lines (invalid ones included), only their order differs
    assert Counter(map(tuple, lines)) == Counter(map(tuple, base))
    assert _descents(_valid_dates(base)) == 0
    dates = _valid_dates(lines)
    if order == "chronologique":
        assert lines == base
    elif order == "recent":
        assert lines == base[::-1] and _descents(dates[::-1]) == 0
    elif order in ("produit", "magasin"):
        column = 1 if order == "produit" else 3
        keys = [f[column] if len(f) > column else "" for f in lines]
        assert keys == sorted(keys)
        assert len(set(keys)) > 10
        # stable: date order within a product (or a store)
        for key in set(keys):
            assert _descents(_valid_dates([f for f, k in zip(lines, keys, strict=True)
                                           if k == key])) == 0  # fmt: skip
    else:
        assert _descents(dates) > len(dates) // 3  # shuffled, not near any sort


def test_generator_spans_years_and_every_region(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert main(["generer", str(folder), "-n", "5000", "--annees", "3", "--magasins", "60"]) == 0
    dates = _valid_dates(_sales_lines(folder))
    assert dates[0] == "2024-01-01" and dates[-1] >= "2026-12-25"
    assert {d[:4] for d in dates} == {"2024", "2025", "2026"}
    region_of = {
        row.split(",")[0]: row.split(",")[1]
        for row in (Path(__file__).parents[1] / "src/ventes_pme/data/villes_regions.csv")
        .read_text("utf-8")
        .splitlines()[1:]
    }
    stores = [r.split(",") for r in (folder / "magasins.csv").read_text("utf-8").splitlines()[1:]]
    regions = {region_of[city] for _, city, _ in stores}
    assert regions == set(region_of.values())  # every region, overseas included
    assert {"La Réunion", "Guadeloupe", "Martinique", "Guyane", "Mayotte"} <= regions
    assert len({city for _, city, _ in stores}) >= 50  # many cities
    # --jours and --annees are one setting: both is a usage error (argparse, exit 2)
    with pytest.raises(SystemExit) as exc:
        main(["generer", str(folder), "--annees", "2", "--jours", "3"])
    assert exc.value.code == 2


def test_generator_appends_old_dates_in_random_order(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    generate(folder, sales=4_000, seed=2)
    head = (folder / "ventes.csv").read_bytes()
    args = ["--debut", "2024-01-01", "--jours", "365", "--ordre", "aleatoire", "--germe", "2"]
    assert main(["generer", str(folder), "-n", "400", "--ajouter", *args]) == 0
    grown = (folder / "ventes.csv").read_bytes()
    assert grown.startswith(head)
    added = _valid_dates(_sales_lines(folder)[4_000:])
    assert len(added) > 350
    assert max(added) <= _valid_dates(_sales_lines(folder)[:4_000])[-1]
    assert _descents(added) > len(added) // 3
    with pytest.raises(ValueError, match="ordre inconnu"):
        generate(folder, sales=1, order="par prix")


@pytest.mark.parametrize("order", ["recent", "produit", "aleatoire"])
def test_generator_appends_after_the_latest_date_whatever_the_order(
    tmp_path: Path, order: str
) -> None:
    """A sheet grows at the end with the newest sales, whatever column it is sorted by: the
    appended lines start on the file's latest date, not on the date of its last line."""
    folder = tmp_path / "data"
    assert main(["generer", str(folder), "-n", "3000", "--germe", "4", "--ordre", order]) == 0
    latest = max(_valid_dates(_sales_lines(folder)))
    assert main(["generer", str(folder), "-n", "300", "--germe", "4", "--ajouter"]) == 0
    added = _valid_dates(_sales_lines(folder)[3_000:])
    assert len(added) > 250
    assert min(added) == latest
