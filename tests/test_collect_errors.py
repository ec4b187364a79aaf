"""Download problems a newcomer meets: each a French refusal naming its remedy, or it works.

A server answering 304 to a request without validators, HTTP 429 / 503 with
``Retry-After`` (obeyed within VENTES_DUREE_MAX), the address setting named in the error,
and ``ventes run`` leaving no new database behind when a download fails.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.httpserver import FileServer, flaky, serve, status
from tests.procs import environment, run, ventes
from tests.support import make_settings, publish, ventes_csv
from ventes_pme import api, collect, config
from ventes_pme.cli import main
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


def test_retry_pauses_stay_within_the_maximum_duration(server: FileServer, tmp_path: Path) -> None:
    """The pauses between attempts (VENTES_PAUSE, doubled each time) are within
    VENTES_DUREE_MAX too: a pause that would pass it stops the download at once."""
    publish(server, ventes=VENTES)
    server.behaviours["ventes"] = status(500, b"oops")
    # pauses of 0.5, 1, 2 and 4 s: 7.5 s, far beyond the 1 s allowed
    settings = make_settings(server, tmp_path / "v.db", backoff=0.5, attempts=5, max_duration=1.0)
    with pytest.raises(CollectError) as info:
        api.import_data(settings)
    message = info.value.message
    assert "erreur HTTP 500" in message and "VENTES_DUREE_MAX" in message, message
    assert "VENTES_TENTATIVES" in message, message
    # the first attempt, then at most one after its 0.5 s pause (the next pause is 1 s):
    # five requests if the pauses were not checked against the deadline
    assert 1 <= sum(1 for r in server.requests if r[1] == "/ventes") <= 2
    assert not (tmp_path / "v.db").exists()


@pytest.mark.hostile
@given(
    backoff=st.floats(0, config.MAX_SECONDS),
    attempt=st.integers(1, config.MAX_ATTEMPTS),
    retry_after=st.none() | st.floats(0, 1e300),
)
def test_the_pause_between_attempts_is_always_a_finite_number(
    backoff: float, attempt: int, retry_after: float | None
) -> None:
    pause = collect.pause_before(attempt, backoff, retry_after)
    assert math.isfinite(pause) and pause >= 0
    assert pause >= min(backoff, config.MAX_SECONDS)
    if retry_after is not None:
        assert pause >= min(retry_after, config.MAX_SECONDS)


def test_every_attempt_allowed_can_be_made(server: FileServer, tmp_path: Path) -> None:
    """The most attempts VENTES_TENTATIVES allows, without pauses: a clear refusal after
    the last one (not an overflow of the pause, exit 70)."""
    publish(server, ventes=VENTES)
    server.behaviours["ventes"] = status(503, b"busy")
    settings = make_settings(
        server, tmp_path / "v.db", backoff=0.0, attempts=config.MAX_ATTEMPTS, timeout=5.0
    )
    with pytest.raises(CollectError, match=f"après {config.MAX_ATTEMPTS} tentatives"):
        api.import_data(settings)
    assert sum(1 for r in server.requests if r[1] == "/ventes") == config.MAX_ATTEMPTS


@pytest.mark.parametrize("value", ["0", "-3", "101", "1026", "99999999999999999999"])
def test_attempts_beyond_the_bounds_are_refused(
    server: FileServer,
    tmp_path: Path,
    value: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    publish(server, ventes=VENTES)
    db = tmp_path / "v.db"
    for name, setting in environment(server, db, VENTES_TENTATIVES=value).items():
        monkeypatch.setenv(name, setting)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ventes : erreur : Valeur invalide pour VENTES_TENTATIVES"), err
    assert f"de 1 à {config.MAX_ATTEMPTS}" in err
    assert "inattendue" not in err and "Traceback" not in err
    assert server.requests == [] and not db.exists()


@pytest.mark.hostile
@pytest.mark.parametrize(
    "value", ["9" * 400, "99999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "1" + "0" * 5000]
)
def test_an_absurd_retry_after_is_a_clear_refusal(
    server: FileServer, tmp_path: Path, value: str
) -> None:
    """A Retry-After no clock can hold (an infinite float, year 9999): the same refusal as
    any wait beyond VENTES_DUREE_MAX, never an overflow (exit 70)."""
    publish(server, ventes=VENTES)
    server.behaviours["ventes"] = flaky(1, serve(VENTES.encode()), 503, {"Retry-After": value})
    settings = make_settings(server, tmp_path / "v.db", max_duration=5.0, attempts=2)
    with pytest.raises(CollectError) as info:
        api.import_data(settings)
    assert "(Retry-After), au-delà de la durée maximale" in info.value.message


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
    """`ventes run` whose download fails leaves no new, empty data/ventes.db behind."""
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
