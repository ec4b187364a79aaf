"""Rapport : la note de résultats (Markdown) et le rapport HTML, tirés des résultats enregistrés.

The report stage: a French results note (Markdown) and a self-contained HTML report.

Both are built from the results stored in the database (one analysis run), never from
the raw files, and both follow the analyses' declarations (:mod:`ventes_pme.catalog`):
titles, formats, order, sections, charts. The HTML file has no external resource: inline
CSS and SVG charts. Nothing depends on "now": the report shows the analysis run's date and
the period of the data, so the same run always gives the same files.

- :mod:`.sentences`: the sentences reading the figures, the header;
- :mod:`.data`: the headline figures of the data profile ("Les données");
- :mod:`.tables`: the tables, from the declarations;
- :mod:`.markdown`: the note;
- :mod:`.charts`: the SVG charts and the map (outline: ``france.csv``);
- :mod:`.html`: the HTML page (style sheet: ``rapport.css``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from ventes_pme.analyse import Analysis, latest_run_id, read_analysis
from ventes_pme.report.charts import bar_chart, city_map, column_chart, coordinates
from ventes_pme.report.data import headline
from ventes_pme.report.html import DASHBOARD_DATABASE, html_report
from ventes_pme.report.markdown import HTML_NAME, NOTE_NAME, markdown
from ventes_pme.report.sentences import normalize_run_date, reading
from ventes_pme.report.tables import ReportTable, table

__all__ = [
    "HTML_NAME",
    "NOTE_NAME",
    "ReportTable",
    "bar_chart",
    "city_map",
    "column_chart",
    "coordinates",
    "html_report",
    "markdown",
    "normalize_run_date",
    "reading",
    "render",
    "table",
    "write",
    "write_atomically",
]


def render(
    analysis: Analysis,
    data: list[tuple[str, str]] | None = None,
    database: str = DASHBOARD_DATABASE,
) -> dict[str, str]:
    """File name -> content: the note and the HTML report; ``data``: the headline figures
    of the data profile (the "Les données" section, left out when ``None``); ``database``:
    the dashboard's name of the database (its file name's stem), for the report's links."""
    return {
        NOTE_NAME: markdown(analysis, data),
        HTML_NAME: html_report(analysis, data, database),
    }


def write(
    analysis: Analysis,
    folder: Path,
    data: list[tuple[str, str]] | None = None,
    database: str = DASHBOARD_DATABASE,
) -> list[Path]:
    """Write the note and the HTML report into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(analysis, data, database).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_atomically(conn: sqlite3.Connection, folder: Path) -> list[Path]:
    """(Re)write the note and the HTML report of the latest analysis of ``conn`` into
    ``folder``, each written to a temporary file then renamed: a reader (the ``tableau``
    service) sees the old file or the new one, never half of one. Nothing is written
    when there is no analysis yet."""
    run_id = latest_run_id(conn)
    if run_id is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    analysis = read_analysis(conn, run_id)
    data = headline(conn, analysis.last_import_id)
    main_file = next(
        (row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), ""
    )
    database = Path(main_file).stem if main_file else DASHBOARD_DATABASE
    for name, text in render(analysis, data, database).items():
        path = folder / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
