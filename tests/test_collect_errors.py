"""Download problems a newcomer meets: each a French refusal naming its remedy, or it works.

A server answering 304 to a request without validators, HTTP 429 / 503 with
``Retry-After`` (obeyed within VENTES_DUREE_MAX), the address setting named in the error,
and ``ventes run`` leaving no new database behind when a download fails.
"""

from __future__ import annotations

import email.utils
import re
import time
from pathlib import Path

import pytest

from tests.httpserver import FileServer, flaky, serve, status
from tests.procs import environment, run, ventes
from tests.support import make_settings, publish, ventes_csv
from ventes_pme import api
from ventes_pme.errors import CollectError

VENTES = ventes_csv([("2023-05-27", "REF001", 1, 5), ("2023-05-28", "REF002", 2, 3)])


def test_304_to_a_request_without_validators_is_a_clear_refusal(
    server: FileServer, tmp_path: Path
) -> None:
    publish(server, ventes=VENTES)
    server.behaviours["magasins"] = status(304)
    db = tmp_path / "v.db"
    result = run(ventes("run"), environment(server, db))
    assert result.returncode == 3, result.stderr
    assert "« 304 non modifié » à une requête sans condition" in result.stderr
    assert "--url-magasins ou VENTES_URL_MAGASINS" in result.stderr
    assert "Traceback" not in result.stderr and "inattendue" not in result.stderr
    assert not db.exists()


def test_retry_after_is_obeyed(server: FileServer, tmp_path: Path) -> None:
    publish(server, ventes=VENTES)
    server.behaviours["ventes"] = flaky(1, serve(VENTES.encode()), 503, {"Retry-After": "1"})
    settings = make_settings(server, tmp_path / "v.db", backoff=0.01, attempts=2)
    started = time.monotonic()
    report = api.import_data(settings)
    assert time.monotonic() - started >= 1.0  # not the 0.01 s of VENTES_PAUSE
    assert report.files["ventes"].inserted == 2


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_beyond_the_maximum_duration_stops_at_once(
    server: FileServer, tmp_path: Path, code: int
) -> None:
    publish(server, ventes=VENTES)
    server.behaviours["ventes"] = flaky(1, serve(VENTES.encode()), code, {"Retry-After": "120"})
    settings = make_settings(server, tmp_path / "v.db", max_duration=5.0, attempts=3)
    with pytest.raises(CollectError) as info:
        api.import_data(settings)
    # refused at the first answer: no second request, hence no wait before one
    assert [p for _m, p, _h in server.requests].count("/ventes") == 1
    message = info.value.message
    assert f"erreur HTTP {code}" in message
    assert "demande d'attendre 120\u00a0s (Retry-After)" in message
    assert "VENTES_DUREE_MAX" in message
    assert not (tmp_path / "v.db").exists()


def test_retry_after_as_an_http_date(server: FileServer, tmp_path: Path) -> None:
    publish(server, ventes=VENTES)
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    server.behaviours["ventes"] = flaky(1, serve(VENTES.encode()), 503, {"Retry-After": later})
    settings = make_settings(server, tmp_path / "v.db", max_duration=60.0)
    with pytest.raises(CollectError, match=r"demande d'attendre 3[56]\d\d\u00a0s \(Retry-After\)"):
        api.import_data(settings)


@pytest.mark.parametrize(
    ("setup", "source"),
    [("404", "ventes"), ("500", "produits"), ("missing file", "magasins")],
)
def test_a_download_error_names_the_setting_to_change(
    server: FileServer, tmp_path: Path, setup: str, source: str
) -> None:
    publish(server, ventes=VENTES)
    db = tmp_path / "v.db"
    extra = {}
    if setup == "404":
        del server.files[source]
    elif setup == "500":
        server.behaviours[source] = status(500)
    else:
        extra[f"VENTES_URL_{source.upper()}"] = str(tmp_path / "absent.csv")
    result = run(ventes("run"), environment(server, db, **extra))
    assert result.returncode == 3, result.stderr
    assert f"« {source} »" in result.stderr
    assert f"adresse réglable par --url-{source} ou VENTES_URL_{source.upper()}" in result.stderr


def test_a_failed_run_creates_no_database(server: FileServer, tmp_path: Path) -> None:
    """`ventes run` whose download fails used to leave a new, empty data/ventes.db."""
    publish(server, ventes=VENTES)
    del server.files["ventes"]
    db = tmp_path / "data" / "ventes.db"
    result = run(ventes("run"), environment(server, db))
    assert result.returncode == 3
    assert not db.exists() and not db.parent.exists()
    server.files["ventes"] = VENTES.encode()
    assert run(ventes("run"), environment(server, db)).returncode == 0
    assert db.exists()


def test_a_bad_file_in_a_run_creates_no_database(server: FileServer, tmp_path: Path) -> None:
    publish(server, ventes="<html><body>Connexion</body></html>\n")
    db = tmp_path / "ventes.db"
    result = run(ventes("run"), environment(server, db))
    assert result.returncode == 4
    assert not db.exists()


@pytest.mark.parametrize(
    ("setup", "code", "detail"),
    [
        ("404", 3, "HTTPError"),
        ("bad setting", 2, "ValueError"),
        ("not sqlite", 5, "DatabaseError"),
    ],
)
def test_ventes_debug_shows_the_technical_detail_of_every_error(
    server: FileServer, tmp_path: Path, setup: str, code: int, detail: str
) -> None:
    publish(server, ventes=VENTES)
    db = tmp_path / "v.db"
    extra: dict[str, str] = {}
    if setup == "404":
        del server.files["ventes"]
    elif setup == "bad setting":
        extra["VENTES_TIMEOUT"] = "vite"
    else:
        db.write_text("pas une base\n")
    quiet = run(ventes("run"), environment(server, db, **extra))
    loud = run(ventes("run"), environment(server, db, VENTES_DEBUG="1", **extra))
    assert quiet.returncode == loud.returncode == code, loud.stderr
    assert "Traceback" not in quiet.stderr and "VENTES_DEBUG" not in quiet.stderr
    # the same French sentence, the original text of each explained part added in it
    assert " [détail : " in loud.stderr.splitlines()[0] or setup == "not sqlite"
    assert _without_details(loud.stderr).startswith(quiet.stderr.rstrip("\n"))
    assert "Détail technique (VENTES_DEBUG) :" in loud.stderr
    assert "Traceback" in loud.stderr and detail in loud.stderr


def _without_details(text: str) -> str:
    """``text`` without the `` [détail : …]`` that VENTES_DEBUG adds to explanations."""
    return re.sub(r" \[détail : (?:[^\[\]]|\[[^\]]*\])*\]", "", text)
