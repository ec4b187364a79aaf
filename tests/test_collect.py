"""Collection over real HTTP from 127.0.0.1: redirects, retries, errors, size cap, audit."""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.httpserver import (
    Behaviour,
    FileServer,
    flaky,
    hold,
    redirect,
    serve,
    slow,
    status,
    trickle,
    truncated,
)
from tests.support import (
    MAGASINS,
    PRODUITS,
    dump,
    import_files,
    make_settings,
    publish,
    query,
    stored_sales,
    ventes_csv,
)
from ventes_pme import api, collect
from ventes_pme.cli import main
from ventes_pme.errors import CollectError, ConfigError

VENTES = ventes_csv([("2023-05-27", "REF001", 1, 5), ("2023-05-28", "REF002", 2, 3)])


def _fetch(
    server: FileServer, tmp_path: Path, name: str = "ventes", **overrides: object
) -> collect.Fetched:
    settings = make_settings(server, tmp_path / "unused.db", **overrides)
    return collect.fetch(name, settings.url(name), tmp_path / "out.csv", settings)


def test_download_records_status_size_and_sha256(server: FileServer, tmp_path: Path) -> None:
    server.files["ventes"] = VENTES.encode()
    fetched = _fetch(server, tmp_path)
    assert fetched.http_status == 200
    assert fetched.size == len(VENTES.encode())
    assert fetched.sha256 == hashlib.sha256(VENTES.encode()).hexdigest()
    assert (tmp_path / "out.csv").read_bytes() == VENTES.encode()
    method, path, headers = server.requests[-1]
    assert (method, path) == ("GET", "/ventes")
    assert headers["User-Agent"].startswith("ventes-pme/")


@st.composite
def _chunked(draw: st.DrawFn) -> tuple[bytes, list[bytes], int]:
    """Bytes, the same cut in chunks (some empty), and a prefix length: often a cut
    between two chunks, else anywhere, up to past the end."""
    data = draw(st.binary(max_size=300))
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=8)))
    bounds = [0, *cuts, len(data)]
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    prefix = draw(st.sampled_from(bounds) | st.integers(0, len(data) + 3))
    return data, chunks, prefix


@given(_chunked())
def test_copy_hashing_takes_the_digest_of_the_prefix_on_the_way(
    case: tuple[bytes, list[bytes], int],
) -> None:
    data, chunks, prefix = case
    out = io.BytesIO()
    size, sha256, prefix_sha256 = collect.copy_hashing(iter(chunks), out, prefix)
    assert out.getvalue() == data
    assert (size, sha256) == (len(data), hashlib.sha256(data).hexdigest())
    expected = hashlib.sha256(data[:prefix]).hexdigest() if prefix <= len(data) else None
    assert prefix_sha256 == expected
    assert collect.copy_hashing(iter(chunks), None)[2] is None  # no prefix asked


def test_copy_hashing_leaves_no_thread_when_the_chunks_fail() -> None:
    """The hashing thread ends with the copy, also when the download stops half-way (a
    size cap, a timeout, Ctrl+C): none is left waiting for chunks."""

    def cut_after_two() -> Iterator[bytes]:
        yield b"a" * collect.CHUNK
        yield b"b" * collect.CHUNK
        raise CollectError("coupé")

    before = threading.active_count()
    for _ in range(3):
        with pytest.raises(CollectError, match="coupé"):
            collect.copy_hashing(cut_after_two(), io.BytesIO(), collect.CHUNK + 1)
    assert not [t for t in threading.enumerate() if t.name == "sha256"]
    assert threading.active_count() == before


#: 4 chunks of collect.CHUNK and a bit: prefixes on and between the chunks' bounds
_LARGE = bytes(range(256)) * (4 * collect.CHUNK // 256) + b"fin\n"
_PREFIXES = [
    0,
    1,
    collect.CHUNK - 1,
    collect.CHUNK,
    collect.CHUNK + 1,
    3 * collect.CHUNK + 12345,
    len(_LARGE) - 1,
    len(_LARGE),
    len(_LARGE) + 1,
]


@pytest.mark.parametrize("prefix", _PREFIXES)
@pytest.mark.parametrize("how", ["http", "http-small-writes", "file"])
def test_fetch_hashes_the_prefix_asked(
    server: FileServer, tmp_path: Path, how: str, prefix: int
) -> None:
    """What load/incremental.py compares with the previous import's file, instead of
    reading it again."""
    settings = make_settings(server, tmp_path / "unused.db")
    location = settings.url("ventes")
    server.files["ventes"] = _LARGE
    if how == "http-small-writes":  # the body arrives in pieces of another size
        server.behaviours["ventes"] = slow(_LARGE, 0, 10_007)
    elif how == "file":
        location = str(tmp_path / "source.csv")
        Path(location).write_bytes(_LARGE)
    fetched = collect.fetch("ventes", location, tmp_path / "out.csv", settings, prefix=prefix)
    assert (tmp_path / "out.csv").read_bytes() == _LARGE
    assert fetched.sha256 == hashlib.sha256(_LARGE).hexdigest()
    if prefix > len(_LARGE):
        assert fetched.prefix is None
    else:
        assert fetched.prefix == (prefix, hashlib.sha256(_LARGE[:prefix]).hexdigest())
    assert collect.fetch("ventes", location, tmp_path / "again.csv", settings).prefix is None


def google_like(server: FileServer) -> None:
    """Like the published Google URLs: /pub?gid=... redirects (twice) to the CSV export."""
    names = {"0": "produits", "714623615": "magasins", "760830694": "ventes"}

    def answer(h: BaseHTTPRequestHandler) -> None:
        gid = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)["gid"][0]
        redirect(f"{server.base}/hop?to={names[gid]}", 307)(h)

    def hop(h: BaseHTTPRequestHandler) -> None:
        target = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)["to"][0]
        redirect(f"/{target}", 302)(h)

    server.behaviours["pub"] = answer
    server.behaviours["hop"] = hop


def test_redirects_are_followed_like_the_published_google_urls(
    server: FileServer, db_path: Path
) -> None:
    google_like(server)
    publish(server, ventes=VENTES)
    pub = f"{server.base}/pub"
    settings = make_settings(
        server,
        db_path,
        url_produits=f"{pub}?gid=0&single=true&output=csv",
        url_magasins=f"{pub}?gid=714623615&single=true&output=csv",
        url_ventes=f"{pub}?gid=760830694&single=true&output=csv",
    )
    report = api.import_data(settings)
    assert report.files["ventes"].inserted == 2
    assert report.files["ventes"].http_status == 200
    assert report.files["ventes"].url == settings.url_ventes  # the published address is kept
    paths = [p for _m, p, _h in server.requests]
    assert "/ventes" in paths and any(p.startswith("/hop?to=ventes") for p in paths)


def test_redirect_loop_is_a_clear_error(server: FileServer, tmp_path: Path) -> None:
    server.behaviours["ventes"] = redirect("/ventes")
    with pytest.raises(CollectError, match="redirection"):
        _fetch(server, tmp_path)


def test_server_errors_are_retried_then_succeed(server: FileServer, tmp_path: Path) -> None:
    server.behaviours["ventes"] = flaky(2, serve(VENTES.encode()), code=503)
    fetched = _fetch(server, tmp_path, attempts=3)
    assert fetched.size == len(VENTES.encode())
    assert len([p for _m, p, _h in server.requests if p == "/ventes"]) == 3


def test_too_many_server_errors_give_up(server: FileServer, tmp_path: Path) -> None:
    server.behaviours["ventes"] = status(500, b"boom")
    with pytest.raises(CollectError) as info:
        _fetch(server, tmp_path, attempts=2)
    assert "après 2 tentatives" in info.value.message
    assert "erreur HTTP 500" in info.value.message
    assert len(server.requests) == 2


def test_truncated_download_is_retried(server: FileServer, tmp_path: Path) -> None:
    body = VENTES.encode()
    server.behaviours["ventes"] = _sequence(truncated(body[:10], len(body)), serve(body))
    fetched = _fetch(server, tmp_path)
    assert fetched.size == len(body)
    assert (tmp_path / "out.csv").read_bytes() == body


def _sequence(*answers: Behaviour) -> Behaviour:
    """Answer with each behaviour in turn, the last one for ever."""
    calls = {"n": 0}

    def answer(h: BaseHTTPRequestHandler) -> None:
        index = min(calls["n"], len(answers) - 1)
        calls["n"] += 1
        answers[index](h)

    return answer


def test_not_found_is_not_retried(server: FileServer, tmp_path: Path) -> None:
    with pytest.raises(CollectError) as info:
        _fetch(server, tmp_path, attempts=3)
    assert "erreur HTTP 404" in info.value.message
    assert "Vérifiez l'adresse" in info.value.message
    assert info.value.exit_code == 3
    assert len(server.requests) == 1


def test_size_cap_with_announced_length(server: FileServer, tmp_path: Path) -> None:
    server.files["ventes"] = VENTES.encode()
    with pytest.raises(CollectError, match="taille maximale"):
        _fetch(server, tmp_path, max_bytes=20)


def test_size_cap_without_announced_length(server: FileServer, tmp_path: Path) -> None:
    def unannounced(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"x" * 300_000)
        h.close_connection = True

    server.behaviours["ventes"] = unannounced
    with pytest.raises(CollectError, match="VENTES_TAILLE_MAX"):
        _fetch(server, tmp_path, max_bytes=100_000)


def test_size_cap_for_local_files(tmp_path: Path) -> None:
    local = tmp_path / "ventes.csv"
    local.write_text(VENTES, encoding="utf-8")
    settings = make_settings(FileServer(), tmp_path / "v.db", max_bytes=10)
    with pytest.raises(CollectError, match="taille maximale"):
        collect.fetch("ventes", str(local), tmp_path / "out.csv", settings)


def test_slow_download_is_abandoned_after_max_duration(server: FileServer, tmp_path: Path) -> None:
    # bytes keep coming, the body never ends: only the limit on the duration can stop it
    server.behaviours["ventes"] = trickle(VENTES.encode(), delay=0.02, chunk=4)
    with pytest.raises(CollectError, match="trop lent"):
        _fetch(server, tmp_path, max_duration=0.3, attempts=1)


def test_local_paths_and_file_urls(tmp_path: Path) -> None:
    local = tmp_path / "ventes.csv"
    local.write_text(VENTES, encoding="utf-8")
    settings = make_settings(FileServer(), tmp_path / "v.db")
    for location in (str(local), local.as_uri()):
        fetched = collect.fetch("ventes", location, tmp_path / "out.csv", settings)
        assert fetched.sha256 == hashlib.sha256(VENTES.encode()).hexdigest()
        assert fetched.http_status is None
    with pytest.raises(CollectError, match="introuvable"):
        collect.fetch("ventes", str(tmp_path / "absent.csv"), tmp_path / "o.csv", settings)


def test_refused_scheme(server: FileServer, tmp_path: Path) -> None:
    server.files["ventes"] = VENTES.encode()
    with pytest.raises(ConfigError, match="n'est pas autorisé"):
        _fetch(server, tmp_path, allowed_schemes=("https",))
    with pytest.raises(ConfigError, match="ftp"):
        collect.fetch(
            "ventes", "ftp://127.0.0.1/v.csv", tmp_path / "o.csv", make_settings(server, tmp_path)
        )


# --- HTTP problems through the CLI: exit code 3, French message, database untouched ---------


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (status(404, b"Not Found"), "erreur HTTP 404"),
        (status(403, b"Forbidden"), "erreur HTTP 403"),
        (status(503, b"busy"), "impossible après 2 tentatives"),
        (redirect("/nowhere-loop"), "redirection"),
    ],
)
def test_http_problem_exits_3_and_leaves_database_untouched(
    server: FileServer,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    behaviour: object,
    message: str,
) -> None:
    import_files(server, db_path, ventes=VENTES)
    before = dump(db_path)
    server.behaviours["magasins"] = behaviour  # type: ignore[assignment]
    server.behaviours["nowhere-loop"] = redirect("/nowhere-loop")
    monkeypatch.setenv("VENTES_TENTATIVES", "2")
    monkeypatch.setenv("VENTES_PAUSE", "0.01")
    args = ["import", "--db", str(db_path)]
    for name in ("produits", "magasins", "ventes"):
        args += [f"--url-{name}", server.url(name)]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert err.startswith("ventes : erreur : ")
    assert message in err and "« magasins »" in err
    assert dump(db_path) == before


def test_audit_row_for_each_file(server: FileServer, db_path: Path) -> None:
    report = import_files(server, db_path, ventes=VENTES)
    rows = query(
        db_path,
        "SELECT source, url, http_status, bytes, sha256, etag IS NOT NULL FROM import_files "
        "WHERE import_id = ? ORDER BY source",
        (report.import_id,),
    )
    expected = []
    for name, body in (("magasins", MAGASINS), ("produits", PRODUITS), ("ventes", VENTES)):
        data = body.encode()
        expected.append(
            (name, server.url(name), 200, len(data), hashlib.sha256(data).hexdigest(), 1)
        )
    assert rows == expected
    assert stored_sales(db_path).total() == 2


def test_redirect_to_a_refused_scheme_is_not_followed(server: FileServer, tmp_path: Path) -> None:
    # VENTES_SCHEMAS must hold for the address a redirect leads to, not only the first one
    server.behaviours["ventes"] = redirect("ftp://127.0.0.1:9/ventes.csv")
    with pytest.raises(CollectError) as info:
        _fetch(server, tmp_path, allowed_schemes=("http",), attempts=2)
    assert "« ftp »" in info.value.message and "VENTES_SCHEMAS" in info.value.message
    assert len(server.requests) == 1  # refused at once, not retried


def test_server_that_does_not_answer_times_out(server: FileServer, tmp_path: Path) -> None:
    # the server answers nothing while the test runs: the client gives up on its own
    server.behaviours["ventes"] = hold
    with pytest.raises(CollectError) as info:
        _fetch(server, tmp_path, timeout=0.15, attempts=2)
    assert "après 2 tentatives : pas de réponse en 0,15\u00a0s" in info.value.message
    assert len(server.requests) == 2
