"""The memory figure of ``python -m bench``: the whole process tree of a command, summed.

A real tree: a Python child starts a Python grandchild that allocates 60 MB and holds it
until its stdin is closed, which the test does only once the sampler has read the
grandchild's peak (no timing guess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bench.__main__ as bench_main
from bench.__main__ import TreeSampler, vm_hwm_kb

MB = 1024  # kB

GRANDCHILD = (
    "import sys\n"
    "held = b'\\x01' * (60 << 20)  # resident: every page written\n"
    "print('prêt', flush=True)\n"
    "sys.stdin.read()\n"
)

CHILD = f"""
import subprocess, sys
grandchild = subprocess.Popen(
    [sys.executable, "-c", {GRANDCHILD!r}],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
)
print(grandchild.pid, grandchild.stdout.readline().strip(), flush=True)
sys.stdin.read()
grandchild.stdin.close()
sys.exit(grandchild.wait())
"""


def test_tree_sampler_sums_the_peaks_of_a_child_and_its_grandchild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None and proc.stdout is not None
    sampler = TreeSampler(proc.pid).start()
    own_hwm_kb = vm_hwm_kb(os.getpid())
    try:
        line = proc.stdout.readline().split()
        assert line[1:] == ["prêt"], line
        grandchild = int(line[0])
        # the tree as seen now, through the children files and through /proc/*/stat
        assert sorted(sampler.tree()) == sorted([proc.pid, grandchild])
        with monkeypatch.context() as patch:
            patch.setattr(bench_main, "PROC_CHILDREN", False)
            assert sorted(sampler.tree()) == sorted([proc.pid, grandchild])
        deadline = time.monotonic() + 30
        while sampler.peaks_kb.get(grandchild, 0) < 60 * MB and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        proc.stdin.close()
    status, usage = sampler.wait()
    assert os.waitstatus_to_exitcode(status) == 0
    assert own_hwm_kb is not None

    assert set(sampler.peaks_kb) == {proc.pid, grandchild}
    top, held = sampler.peaks_kb[proc.pid], sampler.peaks_kb[grandchild]
    assert held >= 60 * MB
    assert top < 40 * MB  # the child alone is far less than the tree
    # ru_maxrss of the child covers its reaped grandchild (the kernel's two counters may
    # differ by a few pages): it must not be counted a second time
    assert usage.ru_maxrss >= held - MB
    total = sampler.total_kb(usage.ru_maxrss, own_hwm_kb)
    assert top + held <= total < top + held + 10 * MB


def test_run_counts_one_process_and_fails_loudly() -> None:
    # the command reads its stdin, written only after the first sample: it is seen alive
    wall, cpu, rss_mb, processes = bench_main.run(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin="fin"
    )
    assert processes == 1
    # read at least once; its peak itself may fall between two reads (it is short-lived)
    assert rss_mb > 0
    assert cpu > 0 and wall > 0
    with pytest.raises(SystemExit, match=r"échec \(3\) de : .*\nboum"):
        bench_main.run(
            [sys.executable, "-c", "import sys; print('boum', file=sys.stderr); sys.exit(3)"]
        )


def test_bench_prints_one_row_per_order_and_size_worst_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m bench`` at a tiny size: every order and size measured, the summary's
    rows ranked by their ratio to the shell (the worst order first), the targets named."""
    orders = ["chronologique", "aleatoire", "produit"]
    argv = ["-n", "1500,3000", "-r", "1", "--ordres", ",".join(orders), "--imports-seuls",
            "--sortie", str(tmp_path)]  # fmt: skip
    assert bench_main.main(argv) == 0
    out = capsys.readouterr().out
    summary = out.split("Par ordre des lignes")[1].split("Objectifs :")[0]
    rows = [line.split() for line in summary.splitlines() if line[:10].strip().isdigit()]
    assert sorted((int(r[0]), r[1]) for r in rows) == sorted(
        (n, o) for n in (1500, 3000) for o in orders
    )
    for n in (1500, 3000):
        ratios = [float(r[4].rstrip("×")) for r in rows if int(r[0]) == n]
        assert ratios == sorted(ratios, reverse=True)  # worst first
    saved = json.loads((tmp_path / "results.json").read_text())
    assert len(saved["par_ordre"]) == 6
    assert {row["ordre"] for row in saved["par_ordre"]} == set(orders)
    assert all(row["import_s"] > 0 and row["shell_s"] > 0 for row in saved["par_ordre"])
    worst = saved["par_ordre"][0]["ordre"]
    assert f"1500 ventes, pire ordre ({worst}) : import ≤ 3,0 × shell" in out
    with pytest.raises(SystemExit):
        bench_main.main(["--ordres", "par prix", "--sortie", str(tmp_path)])
