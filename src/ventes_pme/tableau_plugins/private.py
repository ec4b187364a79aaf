"""Extension Datasette du service `tableau` : pages de diagnostic fermées, exports CSV neutralisés.

Datasette plugin of the ``tableau`` service: what is private stays private.

- Datasette's debug and introspection pages (``/-/databases`` shows the database's absolute
  path, ``/-/threads`` the interpreter's, ``/-/versions``, ``/-/plugins``, ``/-/settings``,
  ``/-/metadata``, ``/-/actor``, ``/-/permissions``, ``/-/allow-debug``, ``/-/messages``…)
  are answered 404 before they reach Datasette: every ``/-/`` address but the style sheets
  and scripts of ``/-/static/`` and ``/-/static-plugins/`` and the managers' dashboards
  (``/-/dashboards``, plugin ``tableau_bord``), whatever Datasette adds later
  (any other method than GET and HEAD is refused by the plugin ``rapport``).
- Datasette's own ``.csv`` exports come out with every cell that a spreadsheet would run
  as a formula neutralised (:func:`ventes_pme.spreadsheet.cell`, the OWASP rule). Such an
  export is bounded (no ``_stream``: setting ``allow_csv_stream`` off, at most
  ``max_returned_rows`` rows), so it is read whole, rewritten, then sent.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from ventes_pme import spreadsheet

#: what a page may load under /-/: style sheets, scripts, images
PUBLIC = ("/-/static/", "/-/static-plugins/")
#: the managers' pages under /-/: the dashboards (datasette-dashboards)
DASHBOARDS = "/-/dashboards"
NOT_FOUND = b"Page introuvable.\n"


def is_private(path: str) -> bool:
    """Whether ``path`` is a debug or introspection address of Datasette."""
    if path == DASHBOARDS or path.startswith(DASHBOARDS + "/"):
        return False
    return "/-/" in path and not path.startswith(PUBLIC)


async def _refuse(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": NOT_FOUND})


async def _neutralised(app: Any, scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Run ``app``, holding back its CSV answer to send it neutralised."""
    start: dict[str, Any] | None = None
    body: list[bytes] = []

    async def hold(message: dict[str, Any]) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body"):
            return
        data = b"".join(body)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if start["status"] == 200:
            data = spreadsheet.neutralised_csv(data.decode("utf-8")).encode("utf-8")
        headers.append((b"content-length", str(len(data)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    await app(scope, receive, hold)


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def private(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
            elif scope["method"] in ("GET", "HEAD") and is_private(scope["path"]):
                await _refuse(send)
            elif scope["path"].endswith(".csv"):
                await _neutralised(app, scope, receive, send)
            else:
                await app(scope, receive, send)

        return private

    return wrap
