"""Reliability of `dcsim run` (issue 10, docs/reliability.md): signals end a run with a whole file,
a hard kill leaves a readable .partial, a full disk (a small tmpfs, as root) ends the run with a
message, exit 1 and a readable .partial with complete = 0, the output path is refused when it
would destroy something (exit 2), two runs cannot write one file, and every input of the crash
corpus (tests/fuzz/crashes) gets exit 0 or 2 through the CLI."""

import contextlib
import os
import pathlib
import signal
import subprocess
import tempfile
import time

import h5py
import numpy as np
import pytest

from conftest import REPO, dcsim_bin, run_dcsim
from h5_layout import check_layout

SMOKE = REPO / "scenarios" / "smoke.yaml"
CRASHES = sorted((REPO / "tests" / "fuzz" / "crashes").glob("*"))
# A long, busy run: stopped by the test long before its horizon.
LONG = ["--set", "workloads[0].arrivals.rate=20 /s", "--set", "sites[0].pools[0].servers=8"]


def start_run(out, *extra, until="10000 d"):
    return subprocess.Popen([dcsim_bin(), "run", SMOKE, "-o", out, "--until", until, *LONG, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def wait_for_size(path, size, proc, timeout=60):
    """Waits until `path` holds at least `size` bytes (the run's first flushes are on disk)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.stat().st_size >= size:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError(f"{path} did not reach {size} bytes")


@pytest.mark.parametrize("crash", CRASHES, ids=lambda p: p.stem)
def test_crash_corpus_exits_0_or_2_through_the_cli(crash):
    lines = crash.read_text(errors="replace").splitlines()
    sets = [l[len("# set: "):] for l in lines if l.startswith("# set: ")]
    expects = [l[len("# expect: "):] for l in lines if l.startswith("# expect: ")]
    args = ["validate", crash] + [a for s in sets for a in ("--set", s)]
    p = run_dcsim(*args)
    assert p.returncode == (2 if expects else 0), p.stderr
    for e in expects:
        assert e in p.stderr


@pytest.mark.parametrize("sig,code,reason", [(signal.SIGTERM, 143, "interrupted by SIGTERM"),
                                             (signal.SIGHUP, 129, "interrupted by SIGHUP")])
def test_sigterm_and_sighup_end_the_run_like_sigint(tmp_path, sig, code, reason):
    out = tmp_path / "long.h5"
    proc = start_run(out)
    wait_for_size(pathlib.Path(str(out) + ".partial"), 1, proc)  # the run has begun (not only loading)
    time.sleep(1.0)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "interrupted" in stdout and "requests:" in stdout  # the summary so far
    assert out.exists() and not pathlib.Path(str(out) + ".partial").exists()
    with h5py.File(out) as f:
        assert f.attrs["complete"] == 0
        assert f.attrs["stop_reason"] == reason
        assert 0 < f.attrs["simulated_s"] < 10000 * 86400
        assert f["/summary"].attrs["requests_arrived"] > 0
    check_layout(out)


def test_sigkill_leaves_a_partial_readable_up_to_its_last_flush(tmp_path):
    out = tmp_path / "killed.h5"
    partial = pathlib.Path(str(out) + ".partial")
    proc = start_run(out, "--set", "record.step=1 s", until="1000 d")
    wait_for_size(partial, 200_000, proc)
    time.sleep(0.5)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    with h5py.File(partial) as f:
        assert f.attrs["complete"] == 0 and f.attrs["stop_reason"] == "unfinished"
        assert assert_whole_up_to_simulated_s(f) > 0  # whole flushes (every 64 samples)


def assert_whole_up_to_simulated_s(f):
    """What a hard kill leaves (docs/reliability.md): every row up to simulated_s (the last finished
    flush) is whole in /time and in every series; the datasets may hold one flush more (64 rows),
    whole or not (NaN), if the kill came in the middle of a flush. Returns the number of whole rows."""
    t = f["/time"][:]
    whole = t <= f.attrs["simulated_s"]
    n = int(whole.sum())
    assert whole[:n].all(), "the whole rows are the first ones"
    assert len(t) - n <= 64, (len(t), n)
    if n:
        assert t[n - 1] == f.attrs["simulated_s"]
    for name in ("power_w", "queue_length"):
        series = f[f"/sites/dc1/pools/chat/{name}"][:]
        assert len(series) >= n and np.isfinite(series[:n]).all(), (name, len(series), n)
    return n


# ---- full disks ----------------------------------------------------------------------------

@contextlib.contextmanager
def small_tmpfs(size):
    """A tmpfs of `size` mounted on a temporary directory (root only); skips the test otherwise."""
    if os.geteuid() != 0:
        pytest.skip("disk-full tests mount a small tmpfs: run as root (CI does)")
    d = tempfile.mkdtemp(prefix="dcsim-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", d], capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(d)
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    try:
        yield pathlib.Path(d)
    finally:
        subprocess.run(["umount", d], check=False)
        os.rmdir(d)


def fill(directory):
    """Writes a file until the file system is full."""
    with open(directory / "filler", "wb") as f:
        block = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                f.write(block)
                f.flush()


def assert_partial_after_disk_full(proc, out, stdout, stderr):
    partial = pathlib.Path(str(out) + ".partial")
    assert proc.returncode == 1, stderr
    assert "No space left on device" in stderr and str(partial) in stderr
    assert not out.exists() and partial.exists()
    with h5py.File(partial) as f:
        assert f.attrs["complete"] == 0
        n = len(f["/time"])
        assert len(f["/sites/dc1/pools/chat/power_w"]) == n  # a write error: no flush half-made
        if n:
            assert f.attrs["simulated_s"] == f["/time"][-1]
        return n


def test_disk_full_mid_run_ends_with_exit_1_and_a_readable_partial():
    with small_tmpfs("8m") as d:
        out = d / "full.h5"
        # Every request sampled and 1 s steps: the file grows by several kB a simulated second.
        proc = start_run(out, "--set", "record.step=1 s", "--set", "record.requests=1", until="1000 d")
        stdout, stderr = proc.communicate(timeout=300)
        n = assert_partial_after_disk_full(proc, out, stdout, stderr)
        assert n > 0


def test_disk_full_at_close_ends_with_exit_1_and_a_readable_partial(monkeypatch):
    monkeypatch.setenv("HDF5_USE_FILE_LOCKING", "FALSE")  # HDF5's own lock: to look into the .partial
    with small_tmpfs("16m") as d:
        out = d / "close.h5"
        partial = pathlib.Path(str(out) + ".partial")
        # 50 samples (fewer than one flush of 64) and ~3,600 sampled requests (fewer than 4,096):
        # nothing is written between the end of open and the close, which needs more space than
        # open reserved (the buffered requests).
        proc = subprocess.Popen([dcsim_bin(), "run", SMOKE, "-o", out, "--until", "50 min",
                                 "--set", "workloads[0].arrivals.rate=1000 /s", "--set", "sites[0].pools[0].servers=120",
                                 "--set", "record.requests=0.0012"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        deadline = time.time() + 60
        while True:  # until open() is done: the file's skeleton is on disk and readable
            assert proc.poll() is None and time.time() < deadline, proc.communicate()
            with contextlib.suppress(OSError):
                with h5py.File(partial) as f:
                    if "summary" in f and "requests" in f:
                        break
            time.sleep(0.01)
        proc.send_signal(signal.SIGSTOP)
        fill(d)
        proc.send_signal(signal.SIGCONT)
        stdout, stderr = proc.communicate(timeout=300)
        assert assert_partial_after_disk_full(proc, out, stdout, stderr) == 0


# ---- output paths --------------------------------------------------------------------------

def test_output_paths_that_would_destroy_something_exit_2(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMOKE.read_text())
    text_file = tmp_path / "notes.txt"
    text_file.write_text("keep me\n")
    cases = [
        (scenario, "is an input of this run"),
        (text_file, "exists and is not an HDF5 file"),
        (tmp_path, "is a directory"),
        ("/dev/null", "is not a regular file"),
        (tmp_path / "no" / "dir" / "x.h5", "does not exist"),
    ]
    for target, message in cases:
        p = run_dcsim("run", scenario, "-o", target, "--until", "1 min")
        assert p.returncode == 2, (target, p.stderr)
        assert message in p.stderr, (target, p.stderr)
    assert scenario.read_text() == SMOKE.read_text() and text_file.read_text() == "keep me\n"
    assert pathlib.Path("/dev/null").is_char_device()
    assert not list(tmp_path.glob("*.partial"))


def test_an_unwritable_output_directory_exits_2(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro], capture_output=True)
        if p.returncode != 0:
            pytest.skip("cannot mount a read-only tmpfs")
    else:
        ro.chmod(0o500)
    try:
        p = run_dcsim("run", SMOKE, "-o", ro / "x.h5", "--until", "1 min")
        assert p.returncode == 2, p.stderr
        assert "cannot write in directory" in p.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", ro], check=False)


def test_a_second_run_on_the_same_output_is_refused_and_the_first_completes(tmp_path):
    out = tmp_path / "shared.h5"
    first = subprocess.Popen([dcsim_bin(), "run", SMOKE, "-o", out, "--until", "2 d"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    wait_for_size(pathlib.Path(str(out) + ".partial"), 1, first)
    second = run_dcsim("run", SMOKE, "-o", out, "--until", "1 min")
    assert second.returncode == 2
    assert "is being written by another dcsim run" in second.stderr
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    with h5py.File(out) as f:
        assert f.attrs["complete"] == 1 and len(f["/time"]) == 2 * 24 * 60
    check_layout(out)


def test_a_run_never_renames_over_a_partial_another_run_is_writing(tmp_path):
    out = tmp_path / "a.h5"
    first = start_run(out)
    partial = pathlib.Path(str(out) + ".partial")
    wait_for_size(partial, 1, first)
    # The second run's final name is the first one's .partial.
    second = run_dcsim("run", SMOKE, "-o", partial, "--until", "1 min")
    assert second.returncode == 2, second.stderr
    assert "is being written by another dcsim run" in second.stderr
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    assert first.returncode == 130
    with h5py.File(out) as f:
        assert f.attrs["complete"] == 0 and len(f["/time"]) > 0


def test_a_report_of_many_problems_is_short():
    p = run_dcsim("validate", SMOKE, *[a for i in range(2000) for a in ("--set", f"unknown_{i}=1")])
    assert p.returncode == 2
    assert "... and 1950 more problems" in p.stderr and "2000 problems in the input" in p.stderr
    assert len(p.stderr) < 64 * 1024


def test_a_catalog_override_with_a_list_value_is_located_at_set():
    """A --set on the scenario's catalog block: located at --set, key path from the root (was: the
    scenario file without a line, path 'gpus.h100-sxm.tdp')."""
    p = run_dcsim("validate", SMOKE, "--set", "catalog.gpus.h100-sxm.tdp=[1, 2]")
    assert p.returncode == 2
    assert "error: --set: catalog.gpus.h100-sxm.tdp: got a list, expected a positive power" in p.stderr
