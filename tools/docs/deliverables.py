"""Every generated file and its expected content; which committed ones are stale."""

from __future__ import annotations

from pathlib import Path

from tools.docs import architecture, characteristics, model, readme, results, sql
from tools.docs.graphviz import svg_key
from ventes_pme import report


def expected(docs: Path, data: Path | dict[str, str] | None) -> dict[Path, str]:
    """Every generated file and its expected content (results only when ``data`` is given)."""
    files = architecture.files(docs) | model.files(docs) | sql.files(docs) | readme.files(docs)
    if data is not None:
        files |= results.files(docs, data) | characteristics.files(docs, data)
    return files


def same(path: Path, content: str) -> bool:
    if not path.exists():
        return False
    current = path.read_text("utf-8")
    if path.suffix == ".svg":
        return svg_key(current) == svg_key(content)
    if path.name in (report.NOTE_NAME, report.HTML_NAME):
        return report.normalize_run_date(current) == report.normalize_run_date(content)
    return current == content


def stale(docs: Path, data: Path | dict[str, str] | None) -> list[Path]:
    """The generated files whose committed content is not what the generator gives."""
    return [path for path, content in expected(docs, data).items() if not same(path, content)]
