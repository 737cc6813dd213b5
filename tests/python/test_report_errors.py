"""Partial and corrupted run files: report and compare give one clear line on stderr and exit 2
(missing, not HDF5, truncated, no /time, a directory), or a report that says the run is
incomplete (a readable complete = 0 file, a hard-killed run's .partial) — never a traceback."""
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import h5py
import pytest

from conftest import REPO, dcsim_bin
import synth

ANALYSIS = REPO / "analysis"


def analysis(*args):
    """python3 -m dcsim_analysis ARGS in a child process, without figures for report and compare
    (not what these tests are about, and the slow part)."""
    args = list(map(str, args))
    if args and args[0] in ("report", "compare"):
        args.append("--figures=none")
    return subprocess.run([sys.executable, "-m", "dcsim_analysis", *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ANALYSIS)})


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys):
    """The same command in this process (what a child process would print, faster): an
    exception escaping main() fails the test as a traceback would."""
    sys.path.insert(0, str(ANALYSIS))
    from dcsim_analysis.__main__ import main

    def run(*args):
        args = list(map(str, args))
        if args and args[0] in ("report", "compare"):
            args.append("--figures=none")
        capsys.readouterr()
        rc = main(args)
        out = capsys.readouterr()
        return Result(rc, out.out, out.err)
    return run


def assert_one_line_error(p, *expected):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    for e in expected:
        assert e in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return synth.write_full_run(tmp_path_factory.mktemp("good") / "good.h5", facility=False, grid=False)


@pytest.mark.parametrize("keep", [0.5, 0.1, 0.002])
def test_truncated_file(good, tmp_path, keep, cli):
    bad = tmp_path / "truncated.h5"
    data = good.read_bytes()
    bad.write_bytes(data[: int(len(data) * keep)])
    line = assert_one_line_error(cli("report", bad, "-o", tmp_path / "r"), "truncated.h5")
    assert "dcsim_analysis report: error:" in line
    assert_one_line_error(cli("compare", good, bad, "-o", tmp_path / "c"), "truncated.h5")
    if keep == 0.5:                     # and as a command, in its own process
        assert_one_line_error(analysis("report", bad, "-o", tmp_path / "r"), "truncated.h5")


def test_not_hdf5_missing_and_directory(good, tmp_path, cli):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x00garbage" * 100)
    assert_one_line_error(cli("report", junk, "-o", tmp_path / "r"), "junk.h5 is not a dcsim run file")
    assert_one_line_error(cli("report", tmp_path / "missing.h5", "-o", tmp_path / "r"), "missing.h5",
                          "no such file")
    assert_one_line_error(cli("report", tmp_path, "-o", tmp_path / "r"), "directory")
    assert_one_line_error(cli("compare", good, tmp_path / "missing.h5"), "missing.h5")
    assert_one_line_error(cli("nonsense"), "unknown command 'nonsense'")


def test_corrupted_bytes_in_the_middle(good, tmp_path, cli):
    bad = tmp_path / "scrambled.h5"
    data = bytearray(good.read_bytes())
    mid = len(data) // 2
    data[mid: mid + 4096] = os.urandom(4096)
    bad.write_bytes(bytes(data))
    p = cli("report", bad, "-o", tmp_path / "r")
    # Depending on what the bytes hit, HDF5 reads the file (a report) or cannot (one line, exit 2).
    assert "Traceback" not in p.stderr, p.stderr
    if p.returncode != 0:
        assert_one_line_error(p, "scrambled.h5")


def test_missing_time_is_an_error_missing_other_groups_are_reported(good, tmp_path, cli):
    no_time = tmp_path / "no_time.h5"
    shutil.copy(good, no_time)
    with h5py.File(no_time, "a") as f:
        for g in ("sites", "workloads", "fleet"):
            del f[g]
        del f["time"]
    assert_one_line_error(cli("report", no_time, "-o", tmp_path / "r"), "no_time.h5", "no /time")
    bare = tmp_path / "bare.h5"
    shutil.copy(good, bare)
    with h5py.File(bare, "a") as f:
        del f["summary"], f["events"], f["requests"], f["workloads"]
    p = cli("report", bare, "-o", tmp_path / "bare")
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "bare" / "report.md").read_text()
    assert "No /summary in this file." in md and "No events." in md and "NOT CHECKED" in md


def test_readable_incomplete_file_gets_a_report_that_says_so(tmp_path, cli):
    path = synth.write_full_run(tmp_path / "cut.h5", complete=False, facility=False, grid=False)
    p = cli("report", path, "-o", tmp_path / "r")
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "r" / "report.md").read_text()
    html = (tmp_path / "r" / "index.html").read_text()
    assert "**Incomplete run**: complete = 0, stop reason: unfinished" in md
    assert "<strong>Incomplete run</strong>" in html
    p = cli("compare", path, path.with_name("cut.h5"), "--labels", "a,b", "-o", tmp_path / "c")
    assert p.returncode == 0, p.stderr
    assert "**Incomplete run(s)**: a, b" in (tmp_path / "c" / "report.md").read_text()


def test_hard_killed_run_leaves_a_partial_the_report_reads_or_refuses_cleanly(tmp_path):
    scenario = tmp_path / "long.yaml"
    scenario.write_text("""name: long
horizon: 400 d
record: {step: 10 s}
sites:
  - name: dc1
    pools: [{name: p, servers: 1, service: {model: fixed, time: 1 s}}]
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 5 /s}}
""")
    out = tmp_path / "long.h5"
    proc = subprocess.Popen([dcsim_bin(), "run", str(scenario), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / "long.h5.partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not partial.exists() or partial.stat().st_size < 200_000):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial.exists(), "the run left no .partial"
    p = analysis("report", partial, "-o", tmp_path / "r")
    assert "Traceback" not in p.stderr, p.stderr
    if p.returncode == 0:
        assert "**Incomplete run**" in (tmp_path / "r" / "report.md").read_text()
    else:
        assert_one_line_error(p, "long.h5.partial")
