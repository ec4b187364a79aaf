"""The SQL files shipped with the package, read once."""

from __future__ import annotations

from functools import cache


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``, e.g. ``sql("load/insert_new_sales")``."""
    # imported on first use: the child reading a sales file (processes.py) imports the
    # modules that name SQL files but never reads one, and importlib.resources costs ~5 ms
    from importlib import resources

    return resources.files("ventes_pme").joinpath(f"sql/{name}.sql").read_text("utf-8")
