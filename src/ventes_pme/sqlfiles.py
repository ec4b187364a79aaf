"""The SQL files shipped with the package, read once."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``, e.g. ``sql("load/insert_new_sales")``."""
    return resources.files("ventes_pme").joinpath(f"sql/{name}.sql").read_text("utf-8")
