"""Extension Datasette du service `tableau` : le rapport HTML en page d'accueil.

Datasette plugin of the ``tableau`` service: the current HTML report as the home page.

Loaded with ``--plugins-dir`` (see :mod:`ventes_pme.tableau`). ``/`` serves the report that
``ventes run`` and ``ventes watch`` rewrite atomically (write, then rename) in the folder
given by the metadata (``plugins`` → ``ventes-rapport`` → ``dossier``), read again at each
request, with a bar of links to the data; ``/resultats.md`` serves the note. Datasette's
own pages (the database, its tables and canned queries) stay where they are.

Every connection Datasette opens gets the project's SQL functions (:func:`prepare_connection`).

Read-only at the door too: any request but GET and HEAD is answered 405 before it reaches
Datasette (which already opens the database read-only and allows no SQL of one's own).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from ventes_pme import fmt

PLUGIN = "ventes-rapport"
NO_CACHE = {"Cache-Control": "no-store"}

_BAR = (
    '<nav id="tableau" style="font:15px/1.5 system-ui,sans-serif;background:#1f4e79;'
    'color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem">'
    "<strong>Tableau de bord</strong>"
    '<a style="color:#fff" href="/-/dashboards/apercu">Vue d\'ensemble</a>'
    '<a style="color:#fff" href="/-/dashboards/regions-magasins">Régions et magasins</a>'
    '<a style="color:#fff" href="/-/dashboards/produits">Produits</a>'
    '<a style="color:#fff" href="/{db}">Explorer les données</a>'
    '<a style="color:#fff" href="/{db}/chiffre_affaires_total">Chiffre d\'affaires</a>'
    '<a style="color:#fff" href="/{db}/ventes_par_produit">Par produit</a>'
    '<a style="color:#fff" href="/{db}/ventes_par_region">Par région</a>'
    "</nav>"
)

_MISSING = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapport des ventes</title></head>
<body>{bar}<main style="font:16px/1.5 system-ui,sans-serif;padding:1rem">
<h1>Rapport des ventes</h1>
<p>Le rapport n'est pas encore écrit : il l'est à la fin de chaque import
(<code>ventes run</code>, ou un cycle de <code>ventes watch</code> qui change les données).</p>
</main></body></html>
"""


def _folder(datasette: Any) -> Path | None:
    config = datasette.plugin_config(PLUGIN) or {}
    folder = config.get("dossier")
    return Path(folder) if folder else None


def _database(datasette: Any) -> str:
    names = [name for name in datasette.databases if not name.startswith("_")]
    return html.escape(names[0] if names else "")


def _read(folder: Path | None, name: str) -> str | None:
    if folder is None:
        return None
    try:
        return (folder / name).read_text("utf-8")
    except FileNotFoundError:
        return None


READ_ONLY = "Tableau de bord en lecture seule : seules les requêtes GET sont acceptées.\n"


@hookimpl  # type: ignore[untyped-decorator]
def prepare_connection(conn: Any) -> None:
    """The formats of the terminal and the reports, as SQL functions of every connection
    (the canned queries call ``format_euros``, ``format_month``, ``format_share``)."""
    fmt.register_sql_functions(conn)


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def read_only(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 405,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"allow", b"GET, HEAD"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": READ_ONLY.encode()})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl  # type: ignore[untyped-decorator]
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    async def home(request: Any) -> Response:
        bar = _BAR.format(db=_database(datasette))
        page = _read(_folder(datasette), "rapport.html")
        if page is None:
            return Response.html(_MISSING.format(bar=bar), status=503, headers=NO_CACHE)
        head, body, rest = page.partition("<body>")
        return Response.html(head + body + bar + rest if body else page, headers=NO_CACHE)

    async def note(request: Any) -> Response:
        text = _read(_folder(datasette), "resultats.md")
        if text is None:
            return Response.text("Note de résultats pas encore écrite.\n", status=404)
        return Response(text, content_type="text/markdown; charset=utf-8", headers=dict(NO_CACHE))

    return [(r"^/$", home), (r"^/resultats\.md$", note)]
