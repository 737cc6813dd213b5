"""Shared fixtures for the Python tests: where the dcsim binary and the repository are."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def dcsim_bin():
    path = os.environ.get("DCSIM_BIN") or str(REPO / "build" / "dcsim")
    if not os.path.exists(path):
        pytest.skip(f"dcsim binary not found at {path} (build first, or set DCSIM_BIN)")
    return path


def run_dcsim(*args, check=False, **kw):
    """Runs dcsim with the given arguments; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([dcsim_bin(), *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"dcsim {' '.join(map(str, args))} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """One run of scenarios/smoke.yaml shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("smoke") / "smoke.h5"
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", out, check=True)
    return out


@pytest.fixture(scope="session")
def full_synthetic(tmp_path_factory):
    """(run file, report directory) of synth.write_full_run, every figure drawn, shared by the
    tests that only read them."""
    import sys
    sys.path.insert(0, str(REPO / "analysis"))
    import synth
    from dcsim_analysis import write_report
    d = tmp_path_factory.mktemp("synthetic")
    path = synth.write_full_run(d / "synthetic.h5")
    write_report(path, d / "report")
    return path, d / "report"


@pytest.fixture(scope="session")
def ghibli_run(tmp_path_factory):
    """One full run of scenarios/ghibli-wave.yaml (12 simulated days, ~20 s of CPU), shared by
    the story test and the golden test."""
    out = tmp_path_factory.mktemp("ghibli") / "ghibli-wave.h5"
    run_dcsim("run", REPO / "scenarios" / "ghibli-wave.yaml", "-o", out, "-q", check=True)
    return out


@pytest.fixture(scope="session")
def beta_run(tmp_path_factory):
    """One run of scenarios/chatbot-beta.yaml shared by the story test and the golden test."""
    out = tmp_path_factory.mktemp("beta") / "chatbot-beta.h5"
    run_dcsim("run", REPO / "scenarios" / "chatbot-beta.yaml", "-o", out, "-q", check=True)
    return out
