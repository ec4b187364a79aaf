"""The screenshots of the HTML report, at a desktop and a phone width (docs/captures/)."""

from __future__ import annotations

from pathlib import Path

from ventes_pme import report


def screenshots(docs: Path) -> list[Path]:
    """The report at a desktop (1280 px) and a phone (390 px) width, as PNG files."""
    from tools.browser import Browser

    page = (docs / report.HTML_NAME).resolve().as_uri()
    shots = []
    with Browser() as browser:
        for name, width, mobile in (("ordinateur", 1280, False), ("telephone", 390, True)):
            browser.open(page, width=width, height=800, mobile=mobile)
            path = docs / "captures" / f"rapport-{name}.png"
            browser.screenshot(path)
            shots.append(path)
        if browser.errors():
            raise RuntimeError(f"console errors in the report: {browser.errors()}")
    return shots


#: the dashboard's screenshots (docs/captures/): name -> page, at a desktop width
TABLEAU_PAGES = {
    "tableau-accueil": "/",
    "tableau-requete": "/ventes/ventes_par_region",
    "tableau-apercu": "/-/dashboards/apercu?periode=tout",
    "tableau-regions": "/-/dashboards/regions-magasins?periode=tout&region="
    + "Auvergne-Rh%C3%B4ne-Alpes",
}
#: every chart of a dashboard's page drawn (a Vega view, a figure, a table, a text)
_DRAWN = """(() => { const cards = [...document.querySelectorAll('.dashboard-card-chart')];
  return cards.every(c => c.querySelector('canvas, svg, p, tbody tr, a')); })()"""


def tableau_screenshots(docs: Path, data: Path) -> list[Path]:
    """The ``tableau`` service (its image's command, ``python -m ventes_pme.tableau``) on a
    fresh ``ventes run`` of the client's files: the home page, a canned query and two
    dashboards, at 1366 px, as PNG files."""
    import dataclasses
    import os
    import socket
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    from tools.browser import Browser
    from tools.docs.results import client_settings
    from ventes_pme import api

    shots = []
    with tempfile.TemporaryDirectory(prefix="ventes-captures-") as tmp:
        folder = Path(tmp)
        settings = client_settings(data, folder / "ventes.db")
        api.run(dataclasses.replace(settings, rapport_dir=folder / "rapport"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("VENTES_")}
        env.update(VENTES_DB=str(folder / "ventes.db"), VENTES_RAPPORT=str(folder / "rapport"))
        command = [sys.executable, "-m", "ventes_pme.tableau", "--port", str(port)]
        base = f"http://127.0.0.1:{port}"
        with (folder / "log").open("w") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    # the introspection pages are closed: a style sheet says it is ready
                    with urllib.request.urlopen(base + "/-/static/app.css", timeout=5):  # noqa: S310
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((folder / "log").read_text()) from None
                    time.sleep(0.2)
            with Browser() as browser:
                for name, page in TABLEAU_PAGES.items():
                    browser.open(base + page, width=1366, height=900)
                    if page.startswith("/-/dashboards"):
                        browser.page.wait_for_function(_DRAWN)
                    if browser.errors():
                        raise RuntimeError(f"console errors on {page}: {browser.errors()}")
                    path = docs / "captures" / f"{name}.png"
                    browser.screenshot(path)
                    shots.append(path)
        finally:
            process.terminate()
            process.wait(timeout=15)
    return shots
