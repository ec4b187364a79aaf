"""Secrets in the addresses of the sources stay private: the real ``ventes`` command imports
from a real HTTP server on 127.0.0.1 that asks for a password (HTTP Basic) and a token in
the query string; neither appears in the database, the messages, the logs nor the report,
where each address is shown masked; an existing journal is masked by its migration."""

from __future__ import annotations

import base64
import sqlite3
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.httpserver import FileServer
from tests.procs import environment, run, ventes
from tests.support import CLIENT_DATA, back_to_version, make_settings
from ventes_pme import api, db, redact
from ventes_pme import watch as watcher

USER, PASSWORD, TOKEN = "gerant", "Zmotdepasse42", "Zjeton99"
SECRETS = (PASSWORD, TOKEN)


def _guarded(server: FileServer) -> None:
    """The client's files, served only with the password and the token."""
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for name in ("produits", "magasins", "ventes"):
        body = (CLIENT_DATA / f"{name}.csv").read_bytes()

        def answer(h: BaseHTTPRequestHandler, body: bytes = body) -> None:
            if h.headers.get("Authorization") != expected or f"token={TOKEN}" not in h.path:
                h.send_response(401)
                h.send_header("WWW-Authenticate", 'Basic realm="ventes"')
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            h.send_response(200)
            h.send_header("Content-Type", "text/csv")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        server.behaviours[name] = answer


def _secret_url(server: FileServer, name: str) -> str:
    return server.url(name).replace("http://", f"http://{USER}:{PASSWORD}@") + (
        f"?gid=0&token={TOKEN}&output=csv"
    )


def _urls(server: FileServer) -> dict[str, str]:
    return {f"VENTES_URL_{n.upper()}": _secret_url(server, n) for n in ("produits", "magasins")} | {
        "VENTES_URL_VENTES": _secret_url(server, "ventes")
    }


def _no_secret(where: str, text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    for secret in SECRETS:
        assert secret.encode() not in data, (where, secret)


def _database_bytes(path: Path) -> bytes:
    """Every byte SQLite keeps for ``path``: the file and its WAL, if any."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_password_and_a_token_never_leave_the_download(
    server: FileServer, tmp_path: Path
) -> None:
    _guarded(server)
    database = tmp_path / "ventes.db"
    env = environment(server, database, VENTES_RAPPORT=str(tmp_path / "rapport"), **_urls(server))
    result = run(ventes("run"), env)
    assert result.returncode == 0, result.stderr
    # the password went as HTTP Basic, the token in the query string: both were needed
    assert server.requests and all(f"token={TOKEN}" in path for _, path, _ in server.requests)
    _no_secret("stdout", result.stdout)
    _no_secret("stderr", result.stderr)
    for written in (tmp_path / "rapport").iterdir():
        _no_secret(written.name, written.read_bytes())
    conn = sqlite3.connect(database)
    try:
        urls = [row[0] for row in conn.execute("SELECT url FROM import_files ORDER BY source")]
    finally:
        conn.close()
    assert urls == [redact.url(_secret_url(server, n)) for n in ("magasins", "produits", "ventes")]
    assert all(u.startswith("http://***@127.0.0.1:") and "gid=0&token=***" in u for u in urls)
    _no_secret("database", _database_bytes(database))


def test_a_refused_download_names_the_masked_address(server: FileServer, tmp_path: Path) -> None:
    _guarded(server)
    database = tmp_path / "ventes.db"
    urls = _urls(server)
    urls["VENTES_URL_VENTES"] = urls["VENTES_URL_VENTES"].replace(PASSWORD, "Zmauvais77")
    result = run(ventes("import"), environment(server, database, **urls))
    assert result.returncode != 0
    assert "erreur HTTP 401" in result.stderr, result.stderr
    assert redact.url(urls["VENTES_URL_VENTES"]) in result.stderr
    _no_secret("stderr", result.stderr)
    assert "Zmauvais77" not in result.stderr
    assert not database.exists()


def test_the_watcher_logs_no_secret_and_still_sees_an_unchanged_source(
    server: FileServer, tmp_path: Path
) -> None:
    _guarded(server)
    overrides = {f"url_{n}": _secret_url(server, n) for n in ("produits", "magasins", "ventes")}
    settings = make_settings(server, tmp_path / "ventes.db", **overrides)
    lines: list[str] = []
    results = watcher.watch(settings, 0, cycles=2, log=lines.append)
    assert [r.error for r in results] == [None, None]
    # the stored address is the masked one: the second cycle still knows the same source
    assert results[0].imported is not None and results[1].skipped, lines
    for line in lines:
        _no_secret("log", line)


def test_the_migration_masks_the_addresses_already_in_the_journal(
    server: FileServer, tmp_path: Path
) -> None:
    for name in ("produits", "magasins", "ventes"):
        server.files[name] = (CLIENT_DATA / f"{name}.csv").read_bytes()
    database = tmp_path / "ventes.db"
    settings = make_settings(server, database)
    api.run(settings)
    secret = _secret_url(server, "ventes")
    conn = sqlite3.connect(database)
    try:
        # the journal as an older version wrote it: the address as given, secrets included
        masking = next(m for m in db.migrations() if m.name == "mask_secrets_in_addresses")
        back_to_version(conn, masking.version - 1)
        conn.execute("UPDATE import_files SET url = ? WHERE source = 'ventes'", (secret,))
        conn.commit()
    finally:
        conn.close()
    api.init(settings)
    conn = sqlite3.connect(database)
    try:
        (url,) = conn.execute("SELECT url FROM import_files WHERE source = 'ventes'").fetchone()
        (version,) = conn.execute("PRAGMA user_version").fetchone()
    finally:
        conn.close()
    assert url == redact.url(secret) and version == db.latest_version()
    _no_secret("database", _database_bytes(database))
