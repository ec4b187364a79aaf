"""Extension Datasette du service `tableau` : les données des tableaux de bord, sans SQL libre.

Datasette plugin of the ``tableau`` service: the data of the dashboards
(``datasette-dashboards``) without opening free SQL to the visitors.

The dashboards' pages fetch each chart's rows from ``/<db>.json?sql=<the chart's query>``,
Datasette's free-SQL endpoint, which the service keeps closed (``default_allow_sql`` off).
This plugin answers exactly those requests itself: a ``sql`` equal, character for character,
to the query of one of the dashboards' charts (the metadata written by
:mod:`ventes_pme.tableau`) is run with the filters of the request as bound parameters
(absent ones are empty), and all its rows are returned (no row limit: the dashboards' queries
aggregate, so their results are small). Any other ``sql`` goes on to Datasette, which refuses
it. The dashboards' pages themselves need the ``execute-sql`` permission on the database
(the plugin checks it before rendering the page, whose filters' lists of values it queries
server-side from the metadata): it is granted to those pages only.

The cells of Datasette's tables and canned queries are shown as a French reader expects
(:func:`render_cell`; the exports keep the stored values): dates ``JJ/MM/AAAA``, times in
Paris time, counts with thousands separators, amounts in cents (``*_cents``) in euros, and
amounts and counts marked so that the pages' style aligns them right.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from datasette import hookimpl
from markupsafe import Markup

from ventes_pme import fmt

DASHBOARDS = "datasette-dashboards"
#: a named parameter of a query (``:periode``), not a time in a string
_PARAMETER = re.compile(r"(?<![\w:]):([A-Za-z_]\w*)")
_ON_DASHBOARD_PAGE: ContextVar[bool] = ContextVar("on_dashboard_page", default=False)
#: an amount as format_euros writes it, a day, a time (ISO 8601, UTC when no offset)
_EUROS = re.compile(r"-?[\d\u202f]+,\d\d\u00a0€")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
#: integer columns that are numbers of things, not counts: no thousands separator
_IDENTIFIERS = ("id", "import", "ligne", "line_number", "end_line", "http_status", "version")


def _paris() -> Any:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # no time zone database: say UTC rather than guess
        return None


def french_cell(value: Any, column: str) -> Markup | None:
    """How a cell of ``column`` holding ``value`` is shown, or None for Datasette's way."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if column.endswith("_cents"):
            return Markup('<span class="montant">{}</span>').format(fmt.euros(value))
        if column == "id" or column.endswith(("_id", "id")) or column in _IDENTIFIERS:
            return Markup('<span class="nombre">{}</span>').format(value)
        return Markup('<span class="nombre">{}</span>').format(fmt.integer(value))
    if isinstance(value, float):
        return Markup('<span class="nombre">{}</span>').format(fmt.decimal(value, 2))
    if not isinstance(value, str):
        return None
    if _EUROS.fullmatch(value):
        return Markup('<span class="montant">{}</span>').format(value)
    try:
        if _DAY.fullmatch(value):
            return Markup("{}").format(fmt.day(value))
        if _MOMENT.fullmatch(value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            paris = _paris()
            if paris is None:
                return Markup("{}").format(moment.strftime("%d/%m/%Y %H:%M UTC"))
            return Markup("{}").format(moment.astimezone(paris).strftime("%d/%m/%Y %H:%M"))
    except ValueError:  # looks like a date, is not one: shown as stored
        return None
    return None


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(value: Any, column: str) -> Markup | None:
    """Dates JJ/MM/AAAA, Paris time, French numbers and amounts (the exports keep the
    stored values)."""
    return french_cell(value, column)


def _chart_queries(datasette: Any) -> dict[str, str]:
    """Each chart query of the dashboards -> its database."""
    config = datasette.plugin_config(DASHBOARDS) or {}
    return {
        chart["query"]: chart["db"]
        for dashboard in config.values()
        for chart in dashboard.get("charts", {}).values()
        if "query" in chart and "db" in chart
    }


async def _send_json(send: Any, status: int, content: Any) -> None:
    body = json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]
def permission_allowed(action: str) -> bool | None:
    """``execute-sql`` on a dashboard's page (and nowhere else): called last, so it has
    the last word over ``default_allow_sql`` off there."""
    if action == "execute-sql" and _ON_DASHBOARD_PAGE.get():
        return True
    return None


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def dashboards_data(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path: str = scope["path"]
            if path == "/-/dashboards" or path.startswith("/-/dashboards/"):
                token = _ON_DASHBOARD_PAGE.set(True)
                try:
                    await app(scope, receive, send)
                finally:
                    _ON_DASHBOARD_PAGE.reset(token)
                return
            if path.endswith(".json"):
                args = urllib.parse.parse_qs(
                    scope.get("query_string", b"").decode("utf-8", "replace"),
                    keep_blank_values=True,
                )
                sql = args.get("sql", [""])[0]
                database = _chart_queries(datasette).get(sql) if sql else None
                if database is not None and path == f"/{database}.json":
                    names = set(_PARAMETER.findall(sql))
                    params = {name: args.get(name, [""])[0] for name in names}
                    try:
                        results = await datasette.get_database(database).execute(sql, params)
                    except Exception as exc:  # the query failed or was interrupted
                        message = f"Le graphique n'a pas pu être calculé : {exc}"
                        await _send_json(send, 400, {"ok": False, "error": message})
                        return
                    rows = [dict(row) for row in results.rows]
                    await _send_json(send, 200, {"ok": True, "rows": rows, "truncated": False})
                    return
            await app(scope, receive, send)

        return dashboards_data

    return wrap
