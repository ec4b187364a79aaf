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
"""

from __future__ import annotations

import json
import re
import urllib.parse
from contextvars import ContextVar
from typing import Any

from datasette import hookimpl

DASHBOARDS = "datasette-dashboards"
#: a named parameter of a query (``:periode``), not a time in a string
_PARAMETER = re.compile(r"(?<![\w:]):([A-Za-z_]\w*)")
_ON_DASHBOARD_PAGE: ContextVar[bool] = ContextVar("on_dashboard_page", default=False)


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
