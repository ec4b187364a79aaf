"""Villes et régions administratives : correspondance des noms et table de référence.

Cities to French administrative regions: name matching and the reference table."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from importlib import resources
from pathlib import Path

from ventes_pme.errors import ConfigError
from ventes_pme.text import fold

UNKNOWN_REGION = "Région inconnue"

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_SEPARATORS = re.compile(r"[\s\-‐‑–—_'’.,/]+")


def city_key(name: str) -> str:
    """The matching key of a city name: case, accents, hyphens and "St"/"Saint" ignored.

    >>> city_key("  SAINT-ÉTIENNE ") == city_key("St Etienne") == "saint etienne"
    True
    """
    words = [_ABBREVIATIONS.get(word, word) for word in _SEPARATORS.split(fold(name)) if word]
    return " ".join(words)


def reference_text(path: Path | None = None) -> str:
    """The city -> region CSV: ``path`` if given, else the table shipped with the package.

    A table given by ``VENTES_REGIONS`` that cannot be read as UTF-8 text is a bad
    setting (:class:`ConfigError`, exit 2), never an unexpected error.
    """
    if path is None:
        return resources.files("ventes_pme").joinpath("data/villes_regions.csv").read_text("utf-8")
    where = f"La table des régions « {path} » (VENTES_REGIONS)"
    if not path.exists():
        raise ConfigError(f"{where} n'existe pas.")
    if not path.is_file():
        raise ConfigError(f"{where} n'est pas un fichier ordinaire.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{where} n'est pas en UTF-8 (octet invalide à la position {exc.start}) : "
            "enregistrez-la en CSV UTF-8."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{where} est illisible ({exc.strerror}).") from None


def reference_rows(path: Path | None = None) -> list[tuple[str, str, str, str | None]]:
    """The rows of the reference CSV (``ville,region[,departement]``), checked:
    ``(city key, city, region, department)``. A bad table raises :class:`ConfigError`."""
    reader = csv.DictReader(io.StringIO(reference_text(path)))
    try:
        header = reader.fieldnames
        if header is None or not {"ville", "region"} <= set(header):
            raise ConfigError(
                f"La table des régions « {path} » (VENTES_REGIONS) doit avoir les colonnes "
                "« ville » et « region »."
            )
        return [
            (
                city_key(row["ville"]),
                row["ville"].strip(),
                row["region"].strip(),
                (row.get("departement") or "").strip() or None,
            )
            for row in reader
            if row["ville"] and row["region"]
        ]
    except csv.Error as exc:
        raise ConfigError(
            f"La table des régions « {path} » (VENTES_REGIONS) est mal formée vers la ligne "
            f"{reader.line_num} : {exc}."
        ) from None


def load_reference(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Upsert the reference CSV (``ville,region[,departement]``) into ``city_regions``.

    Rows added by hand in the database for other cities are kept. Returns the row count.
    """
    rows = reference_rows(path)
    conn.executemany(
        "INSERT INTO city_regions (city_key, city, region, department) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (city_key) DO UPDATE SET city = excluded.city, "
        "region = excluded.region, department = excluded.department",
        rows,
    )
    return len(rows)
