"""Technical errors reach the user in French; the original only under VENTES_DEBUG."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import FileServer, status
from tests.support import publish
from ventes_pme import french
from ventes_pme.cli import main

ENGLISH = (
    "Name or service",
    "name resolution",
    "Connection refused",
    "could not convert",
    "invalid literal",
    "Not Found",
    "Errno",
)


def _run(capsys: pytest.CaptureFixture[str], db: Path, **urls: str) -> tuple[int, str]:
    args = ["import", "--db", str(db)]
    for source, url in urls.items():
        args += [f"--url-{source}", url]
    code = main(args)
    return code, capsys.readouterr().err


def _no_english(text: str) -> None:
    assert not [e for e in ENGLISH if e in text], text


def test_explanations_in_french_and_the_original_only_under_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    unknown = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert french.explain(unknown) == "nom de serveur inconnu"
    assert french.explain(ValueError("could not convert string to float: 'x'")) == (
        "un nombre est attendu"
    )
    assert french.explain(ConnectionRefusedError(111, "Connection refused")).startswith(
        "connexion refusée"
    )
    assert french.http_reason(404, "Not Found") == "introuvable"
    monkeypatch.setenv("VENTES_DEBUG", "1")
    assert french.explain(unknown) == (
        "nom de serveur inconnu [détail : gaierror: [Errno -2] Name or service not known]"
    )
    assert french.http_reason(404, "Not Found") == "introuvable [détail : Not Found]"


def test_unknown_server_in_french(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setenv("VENTES_TENTATIVES", "1")
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    code, err = _run(capsys, db_path, produits="http://serveur-inexistant.invalid/p.csv")
    assert code == 3
    assert "serveur introuvable (" in err, err
    _no_english(err)


def test_connection_refused_in_french(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    monkeypatch.setenv("VENTES_TENTATIVES", "1")
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code, err = _run(capsys, db_path, produits=f"http://127.0.0.1:{port}/p.csv")
    assert code == 3
    assert "connexion refusée" in err, err
    _no_english(err)


def test_http_reason_and_bad_setting_in_french(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: FileServer,
    db_path: Path,
) -> None:
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    publish(server)
    server.behaviours["ventes"] = status(404)
    urls = {s: server.url(s) for s in ("produits", "magasins", "ventes")}
    code, err = _run(capsys, db_path, **urls)
    assert code == 3
    assert "erreur HTTP 404 (introuvable)" in err, err
    _no_english(err)
    monkeypatch.setenv("VENTES_TIMEOUT", "abc")
    code, err = _run(capsys, db_path, **urls)
    assert code == 2
    assert "Valeur invalide pour VENTES_TIMEOUT : 'abc' (un nombre est attendu)." in err, err
    _no_english(err)


@pytest.mark.parametrize(
    ("var", "raw", "why"),
    [
        ("VENTES_TIMEOUT", "nan", "attendu : un nombre fini"),
        ("VENTES_PROGRESSION", "peut-être", "attendu : oui ou non"),
        ("VENTES_SCHEMAS", "https,gopher", "schémas inconnus : gopher"),
    ],
)
def test_the_settings_own_refusals_keep_their_french_reason(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: Path,
    var: str,
    raw: str,
    why: str,
) -> None:
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    monkeypatch.setenv(var, raw)
    code, err = _run(capsys, db_path)
    assert code == 2
    assert f"Valeur invalide pour {var} : {raw!r} ({why})." in err, err


@pytest.mark.parametrize("value", ["", "0", " 0 "])
def test_ventes_debug_empty_or_zero_adds_no_detail(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VENTES_DEBUG", value)
    assert not french.debug()
    assert french.http_reason(404, "Not Found") == "introuvable"


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), "pour l'instant (réseau ou DNS)"),
        (socket.gaierror(12345, "?"), "nom de serveur introuvable"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "non vérifiable"),
        (ssl.SSLError(1, "wrong version number"), "connexion sécurisée (TLS)"),
        (http.client.RemoteDisconnected("Remote end closed"), "fermé la connexion sans répondre"),
        (http.client.IncompleteRead(b"abc", 10), "réponse incomplète (3 octets reçus)"),
        (http.client.BadStatusLine("HTTP/9"), "réponse HTTP invalide"),
    ],
)
def test_network_errors_in_french(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, text: str
) -> None:
    # french.py looks for these only once their modules are imported (as here)
    monkeypatch.delenv("VENTES_DEBUG", raising=False)
    assert text in french.explain(error)


def test_the_child_reading_a_sales_file_imports_no_network_module() -> None:
    """The child of a large import (``python -m ventes_pme.processes``, which unpickles
    ``sales_reader.read``) starts on the import's critical path: socket, ssl and the HTTP
    client, a visible share of its start, are the download's business, not its own (french.py
    checks their errors only once they are imported)."""
    network = ("socket", "ssl", "http.client", "urllib.request")
    code = (
        "import sys, ventes_pme.processes, ventes_pme.sales_reader; "
        f"print(' '.join(m for m in {network!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", done.stdout
