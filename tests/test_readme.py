"""The README's Python examples run as written (a newcomer copies them first).

Each ```python block of README.md is executed in a fresh folder, with the client's files
given by the ``VENTES_URL_*`` variables the README documents (local paths: no network).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from tests.support import CLIENT_DATA, ROOT

BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), re.M | re.S)


def test_the_readme_has_python_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS, ids=[f"bloc-{i + 1}" for i in range(len(BLOCKS))])
def test_readme_python_example_runs(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("VENTES_"):
            monkeypatch.delenv(name)
    for source in ("produits", "magasins", "ventes"):
        monkeypatch.setenv(f"VENTES_URL_{source.upper()}", str(CLIENT_DATA / f"{source}.csv"))
    monkeypatch.setenv("VENTES_PROGRESSION", "non")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert (tmp_path / "data" / "ventes.db").is_file()
    # the example prints the sales inserted and the total revenue of the client's files
    assert out.getvalue().split() == ["30", "526878"]


def test_every_screenshot_is_shown_and_listed_by_the_readme() -> None:
    """Each screenshot the docs generator takes (docs/captures/) is committed, shown or
    linked in the README's text and listed in its table of deliverables; the README links
    to no screenshot that is not there."""
    from tools.docs.screenshots import TABLEAU_PAGES

    readme = (ROOT / "README.md").read_text("utf-8")
    taken = {f"rapport-{name}.png" for name in ("ordinateur", "telephone")}
    taken |= {f"{name}.png" for name in TABLEAU_PAGES}
    committed = {path.name for path in (ROOT / "docs" / "captures").glob("*.png")}
    assert committed == taken
    linked = set(re.findall(r"\(docs/captures/([\w-]+\.png)\)", readme))
    assert linked == taken
    table = [line for line in readme.splitlines() if line.startswith("| captures ")]
    assert set(re.findall(r"\[`docs/captures/([\w-]+\.png)`\]", "\n".join(table))) == taken
