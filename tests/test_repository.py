"""The repository is self-contained: a user's clone has no sibling folder of shared data."""

from __future__ import annotations

import re
import subprocess

from tests.support import CLIENT_DATA, ROOT

#: the sibling folder of this workplace (spelled in two parts so this file does not name it)
SIBLING = ".." + "/shared"
#: the only use of it allowed: CI's preparation of a Docker engine
ALLOWED = re.compile(re.escape(SIBLING + "/tools/docker-offline.sh"))
FORBIDDEN = re.compile(re.escape(SIBLING) + r"\b|shared/" + "client-data")


def test_no_tracked_file_reads_outside_the_repository() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    offenders = []
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(ALLOWED.sub("", line)):
                offenders.append(f"{name.decode()}:{number}: {line.strip()}")
    assert offenders == []


def test_the_client_snapshot_is_in_the_repository() -> None:
    for name in ("produits", "magasins", "ventes"):
        content = (CLIENT_DATA / f"{name}.csv").read_bytes()
        assert content.count(b"\n") >= 5, name
    assert (CLIENT_DATA / "README.md").is_file()
