"""The Compose stack for real: the images built, `db` + `etl` run on the client's files,
then the dashboard (`tableau` profile) kept current by `watch`, then a disaster drill with
the `sauvegarde` profile (Litestream): the `donnees` volume lost, the database restored.

The client's files are served by a real HTTP server on 127.0.0.1; `etl` and `watch` reach it
through the host's network (tests/compose.test.yaml). Everything else is compose.yaml as the
jury runs it. Skipped without a Docker engine, except under CI=true where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.httpserver import FileServer
from ventes_pme import fmt, tableau

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[1]
# The uid:gid baked into both images and set in compose.yaml.
STACK_USER = "10001:10001"
# Stand-in base images prepared by ../shared/tools/docker-offline.sh on a machine without a
# registry; used when present and PYTHON_IMAGE / SQLITE_IMAGE are not set.
STANDINS = {
    "PYTHON_IMAGE": "local/python-standin:3.11",
    "SQLITE_IMAGE": "local/sqlite3-standin:3.40",
}


def _docker_problem() -> str | None:
    """Why the Compose stack cannot run here, or None."""
    if shutil.which("docker") is None:
        return "commande docker absente"
    for args in (["docker", "info"], ["docker", "compose", "version"]):
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"« {' '.join(args)} » impossible : {exc}"
        if done.returncode != 0:
            return f"« {' '.join(args)} » a échoué : {done.stderr.strip()[:300]}"
    return None


def _require_docker() -> None:
    problem = _docker_problem()
    if problem is None:
        return
    message = f"moteur Docker indisponible ({problem})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} : obligatoire quand CI=true")
    pytest.skip(message)


def _image_exists(image: str) -> bool:
    done = subprocess.run(["docker", "image", "inspect", image], capture_output=True, timeout=60)
    return done.returncode == 0


class Stack:
    """`docker compose` on compose.yaml + the test override, under a unique project name."""

    def __init__(self, env: dict[str, str], env_file: Path) -> None:
        self.project = f"ventes-test-{secrets.token_hex(4)}"
        self.env = env
        self.base = [
            "docker",
            "compose",
            "--project-name",
            self.project,
            # never the developer's .env: only the variables set by this test
            "--env-file",
            str(env_file),
            "--file",
            str(ROOT / "compose.yaml"),
            "--file",
            str(ROOT / "tests" / "compose.test.yaml"),
        ]

    def __call__(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*self.base, *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"docker compose {' '.join(args)} -> {done.returncode}\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}\n{self.logs()}"
            )
        return done

    def logs(self) -> str:
        done = subprocess.run(
            [*self.base, "logs", "--no-color"],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=60,
        )
        return f"--- logs ---\n{done.stdout[-4000:]}{done.stderr[-2000:]}"

    def sql(self, query: str) -> list[dict[str, Any]]:
        """Run ``query`` with the sqlite3 shell of the `db` container, as the README says."""
        done = self("exec", "-T", "db", "sqlite3", "-json", "/data/ventes.db", query)
        return list(json.loads(done.stdout)) if done.stdout.strip() else []

    def container(self, service: str) -> str:
        ids = self("ps", "--all", "--quiet", service).stdout.split()
        assert len(ids) == 1, f"{service}: {ids}"
        return ids[0]

    def events(self, since: float) -> list[dict[str, Any]]:
        """The Docker events of this project's containers since ``since`` (Unix time)."""
        done = subprocess.run(
            [
                "docker",
                "events",
                "--since",
                f"{since:.0f}",
                "--until",
                f"{time.time() + 1:.0f}",
                "--filter",
                "type=container",
                "--filter",
                f"label=com.docker.compose.project={self.project}",
                "--format",
                "{{json .}}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _inspect(container: str) -> dict[str, Any]:
    done = subprocess.run(
        ["docker", "inspect", container], capture_output=True, text=True, timeout=60, check=True
    )
    info: dict[str, Any] = json.loads(done.stdout)[0]
    return info


def _expected(files: dict[str, bytes]) -> tuple[int, int, dict[str, int]]:
    """Sales count, total revenue and revenue by city, in cents, straight from the files."""
    prices: dict[str, int] = {}
    for line in files["produits"].decode("utf-8-sig").splitlines()[1:]:
        _name, ref, price, _stock = line.split(",")
        prices[ref] = int(Decimal(price) * 100)
    cities: dict[str, str] = {}
    for line in files["magasins"].decode("utf-8-sig").splitlines()[1:]:
        store, city, _staff = line.split(",")
        cities[store] = city
    by_city: dict[str, int] = defaultdict(int)
    count = 0
    for line in files["ventes"].decode("utf-8-sig").splitlines()[1:]:
        _day, ref, qty, store = line.split(",")
        by_city[cities[store]] += prices[ref] * int(qty)
        count += 1
    return count, sum(by_city.values()), dict(by_city)


@pytest.fixture
def stack(tmp_path: Path, server: FileServer) -> Iterator[Stack]:
    _require_docker()
    env = dict(os.environ)
    for var, standin in STANDINS.items():
        if not env.get(var) and _image_exists(standin):
            env[var] = standin
    for source in ("produits", "magasins", "ventes"):
        env[f"VENTES_URL_{source.upper()}"] = server.url(source)
    env.update(VENTES_TIMEOUT="10", VENTES_PAUSE="0.1")
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    stack = Stack(env, env_file)
    # images of this run only (tests/compose.test.yaml), removed with it; the build cache stays
    env["VENTES_TEST_TAG"] = stack.project
    try:
        yield stack
    finally:
        # every profile, or `down` leaves their containers (and the volume they hold) behind
        profiles = ["--profile", "watch", "--profile", "tableau", "--profile", "sauvegarde"]
        down = ["down", "--volumes", "--remove-orphans", "--rmi", "all", "--timeout", "5"]
        stack(*profiles, *down, check=False)


def test_compose_stack_end_to_end(
    stack: Stack, server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    sales_count, revenue_cents, by_city = _expected(client_files)
    started = time.time() - 1

    # What the jury types (detached here, so that the test can wait for etl).
    stack("up", "--build", "--detach", timeout=900)
    etl = stack.container("etl")
    db = stack.container("db")
    code = subprocess.run(
        ["docker", "wait", etl], capture_output=True, text=True, timeout=300, check=True
    ).stdout.strip()
    assert code == "0", f"etl exited with {code}\n{stack.logs()}"

    # etl started only once db was healthy
    events = stack.events(started)
    healthy = [
        e["timeNano"] for e in events if e["id"] == db and e["Action"] == "health_status: healthy"
    ]
    etl_starts = [e["timeNano"] for e in events if e["id"] == etl and e["Action"] == "start"]
    db_starts = [e["timeNano"] for e in events if e["id"] == db and e["Action"] == "start"]
    assert db_starts and etl_starts, events
    first_healthy = min(healthy, default=None)
    assert first_healthy is not None, f"db never reported healthy: {events}"
    assert db_starts[0] < first_healthy < etl_starts[0], "etl started before db was healthy"

    # the results, read with the sqlite3 shell of the db container
    total = stack.sql("SELECT nombre_ventes, chiffre_affaires FROM derniere_chiffre_affaires_total")
    euros = f"{revenue_cents // 100}.{revenue_cents % 100:02d}"  # exact text, French names
    assert total == [{"nombre_ventes": sales_count, "chiffre_affaires": euros}]
    assert revenue_cents == 526878  # the client's extract: 5 268,78 €
    assert stack.sql("SELECT count(*) AS n FROM sales") == [{"n": sales_count}]
    cities = stack.sql(
        "SELECT city, region, revenue_cents FROM result_sales_by_city "
        "WHERE run_id = (SELECT max(run_id) FROM analysis_runs)"
    )
    assert {c["city"]: c["revenue_cents"] for c in cities} == by_city
    region_of = {c["city"]: c["region"] for c in cities}
    assert region_of["Paris"] == "Île-de-France"
    by_region: dict[str, int] = defaultdict(int)
    for city, cents in by_city.items():
        by_region[region_of[city]] += cents
    regions = stack.sql("SELECT region, chiffre_affaires FROM derniere_ventes_par_region")
    assert {r["region"]: int(r["chiffre_affaires"].replace(".", "")) for r in regions} == by_region
    assert "Région inconnue" not in by_region

    # both services as documented: same unprivileged user, read-only, no capability
    for container in (db, etl):
        info = _inspect(container)
        assert info["Config"]["User"] == STACK_USER
        host = info["HostConfig"]
        assert host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"]
        assert "no-new-privileges:true" in host["SecurityOpt"]
        assert host["Init"] is True
    owner = stack("exec", "-T", "db", "stat", "-c", "%u:%g %a", "/data/ventes.db").stdout
    assert owner.strip() == f"{STACK_USER} 600"

    # a second run adds no sale, but is recorded
    again = stack("run", "--rm", "-T", "etl", timeout=300)
    assert re.search(r"Ventes en base : [\d\s]+ \(\+0\)", again.stdout), again.stdout
    assert stack.sql("SELECT count(*) AS n FROM sales") == [{"n": sales_count}]
    assert stack.sql("SELECT count(*) AS n FROM import_runs") == [{"n": 2}]

    # a sales file large enough to be read in child processes imports in the
    # hardened container too (read-only root, no capability, init as PID 1)
    big = stack(
        "run",
        "--rm",
        "-T",
        "--entrypoint",
        "sh",
        "etl",
        "-c",
        "ventes generer /tmp/g -n 30000 && ventes import --db /tmp/g.db --no-progression "
        + " ".join(f"--url-{s} file:///tmp/g/{s}.csv" for s in ("produits", "magasins", "ventes")),
        timeout=300,
    )
    assert re.search(r"Ventes en base : [\d\s]+ \(\+[\d\s]+\)", big.stdout), big.stdout

    # db stops on SIGTERM (forwarded by init), without waiting to be killed
    stack("stop", "--timeout", "30", "db")
    assert _inspect(db)["State"]["ExitCode"] == 143


# --- the dashboard: profiles tableau + watch ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _poll(what: str, check: Any, timeout: float, stack: Stack) -> Any:
    """Call ``check()`` until it returns a true value, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (OSError, ValueError) as exc:  # not listening yet, connection reset, bad JSON
            last = repr(exc)
        else:
            if last:
                return last
        time.sleep(0.5)
    raise AssertionError(f"{what}: nothing after {timeout:.0f} s (last: {last!r})\n{stack.logs()}")


def test_dashboard_serves_the_report_and_follows_watch(
    stack: Stack, server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    _count, revenue_cents, _by_city = _expected(client_files)
    port = _free_port()
    stack.env.update(VENTES_TABLEAU_PORT=str(port), VENTES_INTERVALLE="1")
    base = f"http://127.0.0.1:{port}"

    # What the README says: both profiles, in the background.
    stack("--profile", "tableau", "--profile", "watch", "up", "--build", "--detach", timeout=900)

    def total() -> int | None:
        status, body = _get(f"{base}/ventes/chiffre_affaires_total.json?_shape=array")
        rows = json.loads(body) if status == 200 else []
        return int(rows[0]["chiffre_affaires_centimes"]) if rows else None

    # the home page is the report written by the first import, from the host's loopback
    home = _poll(
        "home page", lambda: (lambda r: r[1] if r[0] == 200 else None)(_get(base)), 240, stack
    )
    assert "<title>Rapport des ventes</title>" in home
    assert fmt.euros(revenue_cents) in home  # 5 268,78 €
    assert "Explorer les données" in home
    assert _poll("canned query", total, 60, stack) == revenue_cents == 526878

    # one more sale at the source: watch imports it, analyses, rewrites the report
    added = 4999  # REF001 at 49,99 €, once
    server.files["ventes"] = client_files["ventes"] + b"2023-06-26,REF001,1,1\n"
    new_total = revenue_cents + added
    _poll("the new total", lambda: total() == new_total, 120, stack)
    _poll("the new report", lambda: fmt.euros(new_total) in _get(base)[1], 30, stack)
    assert stack.sql("SELECT count(*) AS n FROM sales") == [{"n": _count + 1}]

    # the dashboards: the overview's page, and its figure of the whole period from its chart
    status, page = _get(f"{base}/-/dashboards/apercu?periode=tout")
    assert status == 200 and "<title>Vue d&#39;ensemble</title>" in page
    assert page.count("renderChart(") == len(tableau.dashboards("ventes")["apercu"]["charts"])
    figures = tableau.dashboards("ventes")["apercu"]["charts"]["chiffre-affaires"]["query"]
    query = urllib.parse.urlencode({"sql": figures, "periode": "tout", "_shape": "objects"})
    status, body = _get(f"{base}/ventes.json?{query}")
    assert status == 200, body[:300]
    assert json.loads(body)["rows"][0]["chiffre_affaires_centimes"] == new_total

    # read-only: no SQL of one's own, the canned queries cannot be posted to
    assert _get(f"{base}/ventes?sql=SELECT+1")[0] == 403
    assert _get(f"{base}/ventes?sql=DELETE+FROM+products")[0] in (400, 403)
    request = urllib.request.Request(f"{base}/ventes/chiffre_affaires_total", data=b"x=1")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (400, 403, 405)
    # the introspection pages are closed (the absolute path of the database, of Python…)
    for private in ("/-/databases.json", "/-/threads.json", "/-/versions.json"):
        assert _get(f"{base}{private}")[0] == 404, private

    # hardened like the other services, published on the host's 127.0.0.1 only
    info = _inspect(stack.container("tableau"))
    assert info["Config"]["User"] == STACK_USER
    host = info["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["PortBindings"] == {"8001/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]}
    container = stack.container("tableau")
    _poll(
        "healthy", lambda: _inspect(container)["State"]["Health"]["Status"] == "healthy", 60, stack
    )


# --- the backup: profile sauvegarde (Litestream) ---------------------------------------------


def _history(stack: Stack) -> dict[str, Any]:
    """What no source can give back, read with the db container's sqlite3 shell: the
    import journal, each sale's price at its first import, the latest total."""
    return {
        "journal": stack.sql(
            "SELECT import_id, started_at, finished_at, sales_before, sales_after "
            "FROM import_runs ORDER BY import_id"
        ),
        "prices": stack.sql(
            "SELECT product_id, unit_price_cents, import_id, count(*) AS n FROM sales "
            "GROUP BY product_id, unit_price_cents, import_id ORDER BY 1, 2, 3"
        ),
        "total": stack.sql(
            "SELECT nombre_ventes, chiffre_affaires FROM derniere_chiffre_affaires_total"
        ),
        "analyses": stack.sql("SELECT count(*) AS n FROM analysis_runs"),
    }


def test_disaster_drill_the_lost_volume_is_restored_from_litestreams_replica(
    stack: Stack, server: FileServer, client_files: dict[str, bytes]
) -> None:
    server.files.update(client_files)
    sales_count, revenue_cents, _by_city = _expected(client_files)
    assert revenue_cents == 526878
    profile = ("--profile", "sauvegarde")

    # Nothing replicated yet: `restaurer` says so, and writes no database.
    empty = stack(*profile, "run", "--rm", "-T", "sauvegarde", "restaurer", check=False)
    assert empty.returncode != 0
    assert "sauvegarde : erreur : aucune sauvegarde trouvée" in empty.stderr, empty.stderr
    listing = stack(
        *profile, "run", "--rm", "-T", "--entrypoint", "ls", "sauvegarde", "-A", "/data"
    )
    assert listing.stdout.split() == []

    # What the README says: the stack with the backup, in the background; etl imports once.
    stack(*profile, "up", "--build", "--detach", timeout=900)
    etl = stack.container("etl")
    code = subprocess.run(
        ["docker", "wait", etl], capture_output=True, text=True, timeout=300, check=True
    ).stdout.strip()
    assert code == "0", f"etl exited with {code}\n{stack.logs()}"

    # Hardened like the other services.
    info = _inspect(stack.container("sauvegarde"))
    assert info["Config"]["User"] == STACK_USER
    host = info["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["Init"] is True

    # A second import: REF001 now costs 59.99 at the source, two sales appended. The sales
    # of the first import keep the price they were imported at (49.99).
    server.files["produits"] = client_files["produits"].replace(
        b"Produit A,REF001,49.99,", b"Produit A,REF001,59.99,"
    )
    server.files["ventes"] = (
        client_files["ventes"] + b"2023-06-26,REF001,1,1\n2023-06-26,REF002,2,2\n"
    )
    again = stack("run", "--rm", "-T", "etl", timeout=300)
    assert re.search(r"Ventes en base : [\d\s]+ \(\+2\)", again.stdout), again.stdout
    before = _history(stack)
    new_total = revenue_cents + 5999 + 2 * 1999
    assert before["total"] == [
        {
            "nombre_ventes": sales_count + 2,
            "chiffre_affaires": f"{new_total // 100}.{new_total % 100:02d}",
        }
    ]
    assert len(before["journal"]) == 2
    ref001 = [p for p in before["prices"] if p["product_id"] == "REF001"]
    assert [(p["unit_price_cents"], p["import_id"]) for p in ref001] == [(4999, 1), (5999, 2)]

    # Replication caught up: a copy restored from the replica (inside the running service)
    # holds both imports, both analyses and every sale.
    expected = (
        f"ventes : {sales_count + 2} ; imports : 2 ; analyses : {before['analyses'][0]['n']} ;"
    )

    def replica_caught_up() -> str | None:
        done = stack("exec", "-T", "sauvegarde", "sauvegarde", "verifier", check=False)
        return done.stdout if done.returncode == 0 and expected in done.stdout else None

    verified = _poll("replica caught up", replica_caught_up, 120, stack)
    assert "intégrité : ok" in verified

    # The disaster: every container stopped, the `donnees` volume removed.
    stack(*profile, "down", "--timeout", "30")
    volume = f"{stack.project}_donnees"
    subprocess.run(["docker", "volume", "rm", volume], capture_output=True, timeout=60, check=True)
    gone = subprocess.run(["docker", "volume", "inspect", volume], capture_output=True, timeout=60)
    assert gone.returncode != 0

    # What the README says to do then: restore, then start again.
    restored = stack(*profile, "run", "--rm", "-T", "sauvegarde", "restaurer", timeout=300)
    assert "Base restaurée : intégrité : ok" in restored.stdout, restored.stdout
    stack("up", "--detach", "db", timeout=300)
    assert _history(stack) == before
    owner = stack("exec", "-T", "db", "stat", "-c", "%u:%g %a", "/data/ventes.db").stdout
    assert owner.strip() == f"{STACK_USER} 600"

    # The restored database is the program's own again: an import finds nothing new.
    after = stack("run", "--rm", "-T", "etl", timeout=300)
    assert re.search(r"Ventes en base : [\d\s]+ \(\+0\)", after.stdout), after.stdout
    assert stack.sql("SELECT count(*) AS n FROM import_runs") == [{"n": 3}]

    # A second `restaurer` refuses, in French, to replace the database that is there now.
    journal = stack.sql("SELECT * FROM import_runs ORDER BY import_id")
    refused = stack(*profile, "run", "--rm", "-T", "sauvegarde", "restaurer", check=False)
    assert refused.returncode != 0
    assert "sauvegarde : erreur : « /data/ventes.db » existe déjà" in refused.stderr
    assert "rien n'a été modifié" in refused.stderr
    assert stack.sql("SELECT * FROM import_runs ORDER BY import_id") == journal
