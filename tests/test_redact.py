"""The one masking function of addresses: generated addresses with credentials and tokens
never leak their secret, and keep their scheme, host, port, path and other parameters."""

from __future__ import annotations

import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from ventes_pme import redact

#: a secret is recognisable in any output: upper-case letters never used elsewhere
SECRET = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=6, max_size=20).map(lambda s: "Z" + s)
#: what a secret may also hold once percent-encoded
RAW_SECRET = st.builds(
    lambda core, extra: core + extra, SECRET, st.text("@:/?#&=%+ é!$~._-", max_size=5)
)
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
HOST = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(st.text(LOWER, min_size=1, max_size=10), min_size=1, max_size=3),
    st.sampled_from(["fr", "com", "example"]),
)
PATH = st.lists(st.text(LOWER + "-_.", min_size=1, max_size=12), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)
SECRET_NAMES = st.sampled_from(
    [
        "token",
        "key",
        "access_token",
        "sig",
        "signature",
        "api_key",
        "apikey",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "X-Amz-Security-Token",
        "password",
        "client_secret",
        "auth",
        "Token",
        "KEY",
        "id_token",
        "sessionid",
    ]
)
PLAIN_NAMES = st.sampled_from(["gid", "output", "single", "format", "page", "range"])
PLAIN_VALUES = st.text(LOWER, max_size=8)


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, list[str], dict[str, str]]:
    """An address, the secrets it holds, and what must stay readable in it."""
    secrets: list[str] = []
    scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
    host = draw(HOST)
    port = draw(st.none() | st.integers(1, 65535))
    userinfo = ""
    kind = draw(st.sampled_from(["none", "user", "user:password", "token@"]))
    if kind != "none":
        user = draw(RAW_SECRET if kind == "token@" else st.text(LOWER, min_size=1, max_size=8))
        if kind == "token@":
            secrets.append(user)
        userinfo = urllib.parse.quote(user, safe="")
        if kind == "user:password":
            password = draw(RAW_SECRET)
            secrets.append(password)
            userinfo += ":" + urllib.parse.quote(password, safe="")
        userinfo += "@"
    path = draw(PATH)
    plain = draw(st.lists(st.tuples(PLAIN_NAMES, PLAIN_VALUES), max_size=3))
    hidden = draw(st.lists(st.tuples(SECRET_NAMES, RAW_SECRET), max_size=3))
    params = draw(st.permutations(plain + hidden))
    for _name, value in hidden:
        secrets.append(value)
    query = "&".join(f"{n}={urllib.parse.quote(v, safe='')}" for n, v in params)
    fragment = ""
    if draw(st.booleans()):
        value = draw(RAW_SECRET)
        secrets.append(value)
        fragment = "#access_token=" + urllib.parse.quote(value, safe="")
    netloc = userinfo + host + (f":{port}" if port is not None else "")
    address = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "") + fragment
    readable = {"scheme": scheme.lower(), "host": host, "path": path}
    if port is not None:
        readable["port"] = f":{port}"
    for n, v in plain:
        readable[n] = f"{n}={v}"
    return address, secrets, readable


def _forms(secret: str) -> set[str]:
    """The ways ``secret`` may be written in an address: raw and percent-encoded."""
    return {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}


@given(addresses())
def test_no_secret_survives_and_the_rest_stays_readable(
    case: tuple[str, list[str], dict[str, str]],
) -> None:
    address, secrets, readable = case
    masked = redact.url(address)
    for secret in secrets:
        # the core of every secret is upper-case letters only: none survives, in any form
        core = secret.rstrip("@:/?#&=%+ é!$~._-")
        assert all(form not in masked for form in _forms(secret)), (address, masked)
        assert core not in masked, (address, masked)
    for part in readable.values():
        assert part in masked, (part, address, masked)
    assert masked.startswith(f"{readable['scheme']}://")
    assert redact.url(masked) == masked  # masking twice changes nothing


@given(st.text(max_size=60))
def test_any_text_is_masked_without_error(text: str) -> None:
    masked = redact.url(text)
    assert isinstance(masked, str)
    assert redact.url(masked) == masked


def test_examples() -> None:
    assert redact.url(
        "https://moi:motdepasse@docs.example.com/d/e/2PACX/pub?gid=0&output=csv&token=abc"
    ) == ("https://***@docs.example.com/d/e/2PACX/pub?gid=0&output=csv&token=***")
    assert redact.url("http://h/v.csv?sig=1;key=2#access_token=3") == (
        "http://h/v.csv?sig=***;key=***#access_token=***"
    )
    # a local path or a file: URL has nothing secret
    assert redact.url("/srv/données/ventes.csv") == "/srv/données/ventes.csv"
    assert redact.url("file:///srv/ventes.csv") == "file:///srv/ventes.csv"
    # unparsable: what follows the host goes
    assert redact.url("http://moi:secret@h:port/p?token=x") == "http://***"
    assert redact.url("http://h:99999/p?token=x") == "http://h:99999/***"
    assert redact.url("http:moi:secret@h/p") == "http:///***@h/p"
