"""The memory figure of ``python -m bench``: the whole process tree of a command, summed.

A real tree: a Python child starts a Python grandchild that allocates 60 MB and holds it
until its stdin is closed, which the test does only once the sampler has read the
grandchild's peak (no timing guess)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

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
    # read at least once; its peak itself may fall between two reads (it lives ~20 ms)
    assert rss_mb > 0
    assert cpu > 0 and wall > 0
    with pytest.raises(SystemExit, match=r"échec \(3\) de : .*\nboum"):
        bench_main.run(
            [sys.executable, "-c", "import sys; print('boum', file=sys.stderr); sys.exit(3)"]
        )
