"""dcsim sweep and dcsim plan end to end, on the tiny FIFO scenario of tests/data/sweeps/: the index
of a 2 x 2 x 2-seed sweep, bad sweep files, shards, resume, MPI against local processes, the planner
on a case with a known answer, the analysis of a sweep directory, and the shipped sweep files
(validated, not run). Its own ctest entry (python/experiments), apart from tests/python."""
import math
import os
import pathlib
import shutil
import subprocess
import sys

import pandas as pd
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "sweeps"
sys.path.insert(0, str(REPO / "analysis"))


def dcsim_bin():
    path = os.environ.get("DCSIM_BIN") or str(REPO / "build" / "dcsim")
    if not os.path.exists(path):
        pytest.skip(f"dcsim binary not found at {path} (build first, or set DCSIM_BIN)")
    return path


def dcsim(*args, **kw):
    return subprocess.run([dcsim_bin(), *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600, **kw)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def index_without_wall(directory):
    return pd.read_csv(pathlib.Path(directory) / "index.csv").drop(columns=["wall_s"])


@pytest.fixture(scope="module")
def two_axes(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "two"
    ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 2))
    return out


def test_two_axes_by_two_seeds_give_eight_runs_with_their_parameters(two_axes):
    idx = pd.read_csv(two_axes / "index.csv")
    assert len(idx) == 8
    assert (idx["status"] == "ok").all()
    assert list(idx["run"]) == list(range(8))
    assert list(idx["servers"]) == [4, 4, 4, 4, 6, 6, 6, 6]
    assert list(idx["rate"]) == ["2 /s", "2 /s", "3 /s", "3 /s"] * 2
    assert list(idx["seed"]) == [1, 2] * 4
    assert idx["id"].is_unique
    # every run has its own complete file; its outputs are those of the file
    import h5py
    for _, r in idx.iterrows():
        with h5py.File(two_axes / r["file"]) as f:
            assert f.attrs["complete"] == 1
            assert f.attrs["seed"] == r["seed"]
            assert f["/summary"].attrs["requests_arrived"] == r["arrived"]
            assert f["/summary"].attrs["requests_completed"] == r["requests_completed"]
            p99 = f["/workloads/req/latency_p99_s"][:]
            assert math.isclose(r["p99_max"], float(max(v for v in p99 if not math.isnan(v))))
    # deterministic arrivals: 2 /s over 30 s (t = 0 .. 30) gives 61, 3 /s gives 91
    assert list(idx["arrived"]) == [61, 61, 91, 91] * 2
    assert (idx["reject_frac"] == 0).all()


def test_rerunning_a_complete_sweep_runs_nothing(two_axes):
    mtimes = {p: p.stat().st_mtime_ns for p in (two_axes / "runs").glob("*.h5")}
    proc = ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", two_axes, "-j", 2))
    assert "8 ok (8 already complete)" in proc.stdout
    assert {p: p.stat().st_mtime_ns for p in (two_axes / "runs").glob("*.h5")} == mtimes


def test_resume_skips_completed_runs_and_reruns_failed_ones(tmp_path):
    out = tmp_path / "resume"
    ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 2))
    idx = pd.read_csv(out / "index.csv")
    # run 3 fails: its output path is taken by a directory; run 5 was never finished
    broken = out / idx.loc[3, "file"]
    broken.unlink()
    broken.mkdir()
    (out / idx.loc[5, "file"]).unlink()
    kept = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*.h5") if p.is_file()}
    proc = dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 2)
    assert proc.returncode == 1, proc.stderr  # a failed run does not stop the others
    idx = pd.read_csv(out / "index.csv")
    assert idx.loc[3, "status"] == "failed" and isinstance(idx.loc[3, "error"], str)
    assert "run 3 (servers=4, rate=3 /s, seed=2) failed" in proc.stderr
    assert idx.loc[5, "status"] == "ok"
    assert (idx.drop(index=3)["status"] == "ok").all()
    assert "6 already complete" in proc.stdout
    for p, t in kept.items():
        assert p.stat().st_mtime_ns == t  # completed runs were not run again
    broken.rmdir()
    proc = ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 2))
    assert "8 ok (7 already complete), 0 failed" in proc.stdout
    assert (pd.read_csv(out / "index.csv")["status"] == "ok").all()


def test_shards_are_disjoint_and_complete_and_collect_gives_the_whole_index(tmp_path, two_axes):
    out = tmp_path / "shards"
    seen = []
    for i in range(3):
        proc = ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "--shard", f"{i}/3", "--dry-run"))
        seen += [int(line.split()[0]) for line in proc.stdout.splitlines()]
    assert sorted(seen) == list(range(8))
    # run them as two Slurm array tasks would, then the final collect step
    for i in range(2):
        env = dict(os.environ, SLURM_ARRAY_TASK_ID=str(i + 1), SLURM_ARRAY_TASK_MIN="1", SLURM_ARRAY_TASK_COUNT="2")
        proc = ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 1, env=env))
        shard = pd.read_csv(out / f"index-shard-{i}-of-2.csv")
        assert list(shard["run"]) == [k for k in range(8) if k % 2 == i]
    proc = ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "--collect"))
    pd.testing.assert_frame_equal(index_without_wall(out), index_without_wall(two_axes))


def test_mpirun_gives_the_same_index_as_local_processes(tmp_path, two_axes):
    mpirun = shutil.which("mpirun")
    mpi_bin = pathlib.Path(dcsim_bin()).parent / "dcsim-mpi"
    if mpirun is None or not mpi_bin.exists():
        pytest.skip("mpirun or dcsim-mpi missing (scripts/setup.sh installs openmpi-bin and libopenmpi-dev)")
    out = tmp_path / "mpi"
    proc = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "2", dcsim_bin(), "sweep",
                           str(DATA / "two_axes.yaml"), "-o", str(out)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 MPI ranks" in proc.stderr
    pd.testing.assert_frame_equal(index_without_wall(out), index_without_wall(two_axes))


def test_spawned_runs_give_the_same_index_as_forked_ones(tmp_path, two_axes):
    out = tmp_path / "spawn"
    ok(dcsim("sweep", DATA / "two_axes.yaml", "-o", out, "-j", 2, "--spawn"))
    pd.testing.assert_frame_equal(index_without_wall(out), index_without_wall(two_axes))


BAD = [
    ("unknown key path", "axes:\n  - {key: sites.dc1.pools.web.servrs, values: [1, 2]}\n",
     "bad.yaml:4:48: sites[0].pools[0]: unknown key 'servrs'"),
    ("value the parameter rejects", "axes:\n  - {key: sites.dc1.pools.web.servers, values: [3, 0]}\n",
     "bad.yaml:4:52: sites[0].pools[0].servers: got '0', expected an integer [1, 10000]"),
    ("empty axis", "axes:\n  - {key: sites.dc1.pools.web.servers, values: []}\n",
     "bad.yaml:4:48: axes[0].values: is empty"),
    ("bad range", "axes:\n  - {key: sites.dc1.pools.web.servers, range: {from: 1, to: 4}}\n",
     "bad.yaml:4:47: axes[0].range: a range needs exactly one of 'step', 'count' or 'factor'"),
    ("unknown output stat", "outputs:\n  - {name: x, series: fleet/power_it_w, stat: peak}\n",
     "bad.yaml:4:47: outputs[0].stat: got 'peak'"),
]


@pytest.mark.parametrize("what,body,expected", BAD, ids=[b[0] for b in BAD])
def test_a_bad_sweep_file_exits_2_with_its_place_before_any_run(tmp_path, what, body, expected):
    f = tmp_path / "bad.yaml"
    f.write_text(f"# {what}\nscenario: {DATA / 'tiny.yaml'}\n{body}")
    out = tmp_path / "out"
    proc = dcsim("sweep", f, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr
    assert "nothing was run" in proc.stderr
    assert not out.exists()


def test_planner_finds_the_known_answer_within_the_bound(tmp_path):
    out = tmp_path / "plan"
    proc = ok(dcsim("plan", DATA / "plan_tiny.yaml", "-o", out, "-j", 2))
    assert "answer: servers=5" in proc.stdout
    assert "binding constraint: p99_max" in proc.stdout and "at servers=4" in proc.stdout
    idx = pd.read_csv(out / "index.csv")
    seeds = 2
    assert len(idx) <= (math.ceil(math.log2(64)) + 2) * seeds
    assert (idx.groupby("servers").size() == seeds).all()
    curves = pd.read_csv(out / "plan.csv")
    assert list(curves["feasible"]) == [int(s >= 5) for s in curves["servers"]]
    assert (out / "plan.md").read_text().count("answer: servers=5") == 1
    # run again: the same answer from the files, nothing run
    again = ok(dcsim("plan", DATA / "plan_tiny.yaml", "-o", out))
    assert "answer: servers=5" in again.stdout
    assert f"{len(idx)} already complete" in again.stdout


def test_analysis_of_a_sweep_directory(two_axes, tmp_path):
    from dcsim_analysis import sweep
    idx, meta = sweep.load_index(two_axes)
    table = sweep.summarize(idx, meta)
    assert len(table) == 4
    assert list(table["arrived_mean"]) == [61, 91, 61, 91]
    assert (table["arrived_n"] == 2).all()
    assert math.isclose(sweep.t_quantile(0.975, 10), 2.228, rel_tol=1e-3)
    proc = subprocess.run([sys.executable, "-m", "dcsim_analysis", "sweep", str(two_axes), "--out", str(tmp_path)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO / "analysis")))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "summary.csv").exists()
    assert (tmp_path / "p99_max.png").stat().st_size > 1000


SHIPPED = sorted((REPO / "scenarios" / "sweeps").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_sweep_files_validate(path, tmp_path):
    import yaml
    doc = yaml.safe_load(path.read_text())
    if "scenario" not in doc:  # a base scenario of the sweeps
        ok(dcsim("validate", path))
    elif "plan" in doc:
        proc = ok(dcsim("plan", path, "-o", tmp_path / "x", "--dry-run"))
        assert "nothing was run" in proc.stdout
    else:
        proc = ok(dcsim("sweep", path, "-o", tmp_path / "x", "--dry-run"))
        assert len(proc.stdout.splitlines()) >= 4


def test_a_new_output_fills_its_column_from_the_files_and_a_misspelt_one_warns(two_axes, tmp_path):
    text = (DATA / "two_axes.yaml").read_text()
    text = text.replace("scenario: tiny.yaml", f"scenario: {DATA / 'tiny.yaml'}")
    text += ("  - {name: completed_last_step, series: workloads/req/completed, stat: last}\n"
             "  - {name: typo, summary: requests_arived}\n")
    f = tmp_path / "more.yaml"
    f.write_text(text)
    proc = ok(dcsim("sweep", f, "-o", two_axes))
    assert "8 ok (8 already complete)" in proc.stdout
    assert "output 'typo'" in proc.stderr and "did you mean 'requests_arrived'" in proc.stderr
    idx = pd.read_csv(two_axes / "index.csv")
    assert idx["completed_last_step"].notna().all()
    assert idx["typo"].isna().all()


def test_ctrl_c_stops_the_sweep_and_the_next_run_resumes_it(tmp_path):
    import signal
    import time
    f = tmp_path / "slow.yaml"
    f.write_text(f"scenario: {DATA / 'tiny.yaml'}\nset: {{horizon: 4 h, sites.dc1.pools.web.servers: 6}}\n"
                 "seeds: {count: 6}\noutputs: [requests_completed]\n")
    out = tmp_path / "out"
    proc = subprocess.Popen([dcsim_bin(), "sweep", str(f), "-o", str(out), "-j", "1"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline:  # wait for the first completed run
        index = out / "index.csv"
        if index.exists() and (pd.read_csv(index)["status"] == "ok").any():
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=300)
    idx = pd.read_csv(out / "index.csv")
    done = int((idx["status"] == "ok").sum())
    if done == len(idx):
        pytest.skip("every run finished before the signal arrived")
    assert proc.returncode == 130, stderr
    assert "interrupted; run the same command again to resume" in stderr
    assert set(idx["status"]) <= {"ok", "pending", "interrupted"}
    assert not list((out / "runs").glob("*.tmp*")) and not list(out.glob("*.tmp*"))
    again = ok(dcsim("sweep", f, "-o", out, "-j", 2))
    assert f"6 ok ({done} already complete)" in again.stdout


def test_planner_over_two_axes_finds_the_least_cost(tmp_path):
    proc = ok(dcsim("plan", DATA / "plan_two_axes.yaml", "-o", tmp_path / "plan", "-j", 2))
    assert "answer: servers=1, gpus=5 (cost 25)" in proc.stdout
    assert len(pd.read_csv(tmp_path / "plan" / "index.csv")) < 6 * 8 // 2
