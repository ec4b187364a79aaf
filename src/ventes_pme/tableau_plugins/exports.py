"""Extension Datasette du service `tableau` : l'export « tableur », un CSV pour Excel en français.

Datasette plugin of the ``tableau`` service: the ``.tableur`` export of every table, view
and canned query, linked on its page beside JSON and CSV: a ``.csv`` file that French
Excel opens right (UTF-8 with BOM, ``;``, decimal comma), every text cell a spreadsheet
would run as a formula neutralised (:mod:`ventes_pme.spreadsheet`).

A table's export holds as many rows as Datasette returns at most (``max_returned_rows``):
an address without ``_size`` is read as asking for ``_size=max``.
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from ventes_pme import spreadsheet

EXTENSION = "tableur"


def _file_name(query_name: str | None, table: str | None, database: str) -> str:
    name = re.sub(r"\W+", "_", query_name or table or database).strip("_")
    return f"{name or 'export'}.csv"


def render(
    columns: list[str], rows: list[Any], query_name: str | None, database: str, table: str | None
) -> Response:
    body = spreadsheet.excel_csv(columns, (tuple(row) for row in rows))
    name = _file_name(query_name, table, database)
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@hookimpl  # type: ignore[untyped-decorator]
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    return {"extension": EXTENSION, "render": render, "can_render": lambda: True}


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    """A ``.tableur`` address without ``_size`` gets ``_size=max``: the export of a table
    holds every row Datasette returns at most, not just the first page's."""

    def wrap(app: Any) -> Any:
        async def whole(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["path"].endswith("." + EXTENSION):
                query = scope.get("query_string", b"")
                if not re.search(rb"(^|&)_size=", query):
                    extra = b"_size=max"
                    scope = {**scope, "query_string": query + b"&" + extra if query else extra}
            await app(scope, receive, send)

        return whole

    return wrap
