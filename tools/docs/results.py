"""The results note and the HTML report of the client's files: docs/resultats.md and
docs/rapport.html, from a fresh ``ventes run`` on a temporary database."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ventes_pme import api, report
from ventes_pme.config import Settings


def client_settings(data: Path | dict[str, str], db_path: Path) -> Settings:
    """Settings reading the client's three files from a folder, or from given URLs."""
    urls = (
        data
        if isinstance(data, dict)
        else {name: str(data / f"{name}.csv") for name in ("produits", "magasins", "ventes")}
    )
    return Settings.load(
        {
            "db_path": db_path,
            "url_produits": urls["produits"],
            "url_magasins": urls["magasins"],
            "url_ventes": urls["ventes"],
            "progress": False,
        },
        env={},
    )


def results(data: Path | dict[str, str]) -> dict[str, str]:
    """The note and the HTML report of a fresh ``ventes run`` on the client's files."""
    with tempfile.TemporaryDirectory(prefix="ventes-docs-") as tmp:
        settings = client_settings(data, Path(tmp) / "ventes.db")
        analysis = api.run(settings).analysis
        return report.render(analysis, api.data_headline(settings, analysis.last_import_id))


def files(docs: Path, data: Path | dict[str, str]) -> dict[Path, str]:
    return {docs / name: content for name, content in results(data).items()}
