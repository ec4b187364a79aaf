"""The command ``python -m tools.docs`` (scripts/docs.sh): regenerate, or only check."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.docs.common import CLIENT_DATA, DOCS
from tools.docs.deliverables import expected, same, stale
from tools.docs.screenshots import screenshots, tableau_screenshots
from ventes_pme import report
from ventes_pme.cli.parser import FrenchParser


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = FrenchParser(
        prog="python -m tools.docs",
        description="Régénère les livrables de docs/ : diagrammes, modèle de données, note de "
        "résultats, rapport HTML et ses captures d'écran, caractéristiques des données.",
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="dossier des livrables")
    parser.add_argument(
        "--donnees",
        type=Path,
        default=CLIENT_DATA,
        help="dossier des trois fichiers du client (défaut : exemples/client)",
    )
    parser.add_argument(
        "--verifier",
        action="store_true",
        help="ne rien écrire ; échouer si un livrable n'est pas à jour",
    )
    parser.add_argument("--sans-captures", action="store_true", help="pas de captures d'écran")
    parser.add_argument(
        "--captures-tableau",
        action="store_true",
        help="reprendre aussi les captures du tableau de bord (service tableau : Datasette)",
    )
    args = parser.parse_args(argv)
    names = ("produits", "magasins", "ventes")
    data = args.donnees if all((args.donnees / f"{n}.csv").is_file() for n in names) else None
    # what cannot be regenerated here, hence not checked either
    missing: list[str] = []
    if data is None:
        missing.append(
            f"note, rapport et caractéristiques des données (données du client absentes : "
            f"{args.donnees})"
        )
    if shutil.which("dot") is None:
        missing.append("SVG des diagrammes (Graphviz « dot » absent)")
    if args.verifier:
        outdated = stale(args.docs, data)
        for path in outdated:
            print(f"Pas à jour : {_shown(path)}")
        # a verifier that could not verify everything fails: it must never pass unchecked
        for what in missing:
            print(f"Non vérifié : {what}.", file=sys.stderr)
        return 1 if outdated or missing else 0
    for what in missing:
        print(f"Non régénéré : {what}.", file=sys.stderr)
    written = set()
    for path, content in expected(args.docs, data).items():
        if same(path, content):
            print(f"Inchangé : {_shown(path)}")
            continue
        path.write_text(content, encoding="utf-8")
        written.add(path.name)
        print(f"Écrit : {_shown(path)}")
    captures = [args.docs / "captures" / f"rapport-{n}.png" for n in ("ordinateur", "telephone")]
    # screenshots are not byte-reproducible: retaken only when the report changed
    if not args.sans_captures and (
        report.HTML_NAME in written or not all(p.exists() for p in captures)
    ):
        from tools.browser import available

        browser_missing = available()
        if browser_missing is not None:
            print(f"{browser_missing} : captures d'écran non régénérées.", file=sys.stderr)
        else:
            for path in screenshots(args.docs):
                print(f"Capture : {_shown(path)}")
    if args.captures_tableau and data is not None:
        for path in tableau_screenshots(args.docs, data):
            print(f"Capture : {_shown(path)}")
    return 0
