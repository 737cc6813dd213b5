"""The dcsim command line end to end: run, validate, list, inspect, --set/--seed/--until, exit
codes, the HDF5 layout read by h5py and xarray, determinism, the golden smoke summary, SIGINT,
and the progress line on a terminal."""

import os
import pathlib
import pty
import select
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import REPO, dcsim_bin, run_dcsim
from h5_layout import check_layout

GOLDEN = REPO / "tests" / "golden" / "smoke_summary.txt"
BAD = REPO / "tests" / "data" / "bad"


def test_smoke_run_has_the_documented_layout(smoke_run):
    n, groups = check_layout(smoke_run)
    assert n == 60  # 1 h at 60 s
    assert "/sites/dc1/pools/chat" in groups and "/workloads/chat" in groups and "/fleet" in groups


def test_smoke_run_opens_with_xarray_per_group(smoke_run):
    ds = xr.open_dataset(smoke_run, group="sites/dc1/pools/chat", engine="h5netcdf")
    assert ds["power_w"].dims == ("time",)
    assert ds["power_w"].attrs["units"] == "W"
    assert ds.sizes["time"] == 60
    assert float(ds["power_w"].mean()) > 0


def test_smoke_run_attributes_and_invariant(smoke_run):
    with h5py.File(smoke_run) as f:
        assert f.attrs["complete"] == 1
        assert f.attrs["seed"] == 42
        assert 'name: "smoke"' in f.attrs["scenario"]
        s = f["/summary"].attrs
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])
        # Per-step counts add up to the totals.
        assert f["/workloads/chat/arrivals"][:].sum() == s["requests_arrived"]
        assert f["/sites/dc1/pools/chat/completed"][:].sum() == s["requests_completed"]
        assert np.isclose(f["/fleet/energy_it_j"][:].sum(), s["energy_it_j"], rtol=1e-9)


def test_resolved_scenario_reproduces_the_run(smoke_run, tmp_path):
    with h5py.File(smoke_run) as f:
        text = f.attrs["scenario"]
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(text)
    out = tmp_path / "again.h5"
    run_dcsim("run", resolved, "-o", out, check=True)
    assert_same_datasets(smoke_run, out)


def _datasets(path):
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
        out["/summary"] = {k: v for k, v in f["/summary"].attrs.items()}
    return out


def _same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind in "fc":
        return np.array_equal(x, y, equal_nan=True)
    if x.dtype.names:  # compound rows (events): compare field by field
        return len(x) == len(y) and all(_same(x[n], y[n]) for n in x.dtype.names)
    return x.shape == y.shape and all(a == b for a, b in zip(x.ravel(), y.ravel()))


def assert_same_datasets(a, b):
    da, db = _datasets(a), _datasets(b)
    assert da.keys() == db.keys()
    for k in da:
        if k == "/summary":
            assert da[k].keys() == db[k].keys()
            for name, v in da[k].items():
                assert _same(v, db[k][name]), name
        else:
            assert _same(da[k], db[k]), k


def test_same_seed_gives_identical_datasets(tmp_path):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", a, "--until", "20min", check=True)
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", b, "--until", "20min", check=True)
    assert_same_datasets(a, b)


def test_another_seed_gives_other_draws(tmp_path):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", a, "--until", "20min", check=True)
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", b, "--until", "20min", "--seed", "7", check=True)
    with h5py.File(a) as fa, h5py.File(b) as fb:
        assert fb.attrs["seed"] == 7
        assert not np.array_equal(fa["/workloads/chat/arrivals"][:], fb["/workloads/chat/arrivals"][:])


def test_golden_summary_of_the_smoke_scenario(smoke_run):
    """The smoke scenario's summary must not drift. After an intended model change, regenerate
    with: build/dcsim run scenarios/smoke.yaml -o /tmp/s.h5 && build/dcsim inspect --summary
    /tmp/s.h5 > tests/golden/smoke_summary.txt (and say why in the commit)."""
    got = run_dcsim("inspect", "--summary", smoke_run, check=True).stdout
    got = got.replace(str(smoke_run), "OUT")
    assert got == GOLDEN.read_text()


def test_set_and_until_override_the_scenario(tmp_path):
    out = tmp_path / "o.h5"
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", out, "--until", "10 min",
              "--set", "sites.dc1.pools.chat.servers=1", "--set", "workloads[0].arrivals.rate=2 /s",
              check=True)
    with h5py.File(out) as f:
        assert f.attrs["horizon_s"] == 600
        assert len(f["/time"]) == 10
        assert f["/sites/dc1/pools/chat/replicas_active"][-1] == 8
        assert 'rate: "2 /s"' in f.attrs["scenario"]


def test_validate_and_resolved(tmp_path):
    p = run_dcsim("validate", REPO / "scenarios" / "smoke.yaml")
    assert p.returncode == 0 and "ok" in p.stdout
    p = run_dcsim("validate", "--resolved", REPO / "scenarios" / "smoke.yaml")
    assert p.returncode == 0
    assert 'server_type: "auto"' in p.stdout  # defaults are filled in
    assert "network:" not in p.stdout          # a block the scenario leaves out stays out


def test_every_bad_scenario_exits_2_with_a_located_message(tmp_path):
    files = sorted(BAD.glob("*.yaml"))
    assert len(files) >= 20
    for f in files:
        out = tmp_path / (f.stem + ".h5")
        p = run_dcsim("run", f, "-o", out)
        assert p.returncode == 2, f"{f.name}: exit {p.returncode}\n{p.stderr}"
        assert f"{f}:" in p.stderr or "--set" in p.stderr, f"{f.name}: no file location in\n{p.stderr}"
        assert not out.exists() and not pathlib.Path(str(out) + ".partial").exists(), f.name


def test_bad_command_lines_exit_2(tmp_path):
    smoke = REPO / "scenarios" / "smoke.yaml"
    cases = [
        ("run", tmp_path / "missing.yaml"),
        ("run", smoke, "--set", "nonsense"),
        ("run", smoke, "--set", "sites.dc1.pools.chat.sevrers=3"),
        ("run", smoke, "--until", "2 parsecs"),
        ("run", smoke, "-o", tmp_path / "no" / "such" / "dir" / "x.h5"),
        ("run", smoke, "--seed", "-4"),
        ("inspect", tmp_path / "missing.h5"),
        ("frobnicate",),
    ]
    for args in cases:
        p = run_dcsim(*args)
        assert p.returncode == 2, f"{args}: exit {p.returncode}\n{p.stdout}{p.stderr}"
        assert p.stderr.strip(), args
    p = run_dcsim("run", smoke, "--set", "sites.dc1.pools.chat.sevrers=3")
    assert "did you mean 'servers'?" in p.stderr


def test_inspect_rejects_a_file_that_is_not_a_run(tmp_path):
    bogus = tmp_path / "x.h5"
    with h5py.File(bogus, "w") as f:
        f["a"] = [1, 2, 3]
    p = run_dcsim("inspect", bogus)
    assert p.returncode == 2 and "not a dcsim run file" in p.stderr


def test_list_shows_models_and_parameters():
    p = run_dcsim("list", check=True)
    for needle in ("[arrivals]", "model: poisson", "rate", "[service_time]", "lognormal", "horizon"):
        assert needle in p.stdout


def test_scenario_reference_doc_is_generated_from_the_declarations():
    p = run_dcsim("list", "--markdown", check=True)
    doc = (REPO / "docs" / "scenario-reference.md").read_text()
    assert p.stdout == doc, "docs/scenario-reference.md is stale: regenerate with " \
                            "build/dcsim list --markdown > docs/scenario-reference.md"


def test_sigint_stops_cleanly_with_complete_false(tmp_path):
    out = tmp_path / "long.h5"
    proc = subprocess.Popen([dcsim_bin(), "run", REPO / "scenarios" / "smoke.yaml", "-o", out,
                             "--until", "10000 d", "--set", "workloads[0].arrivals.rate=20 /s",
                             "--set", "sites[0].pools[0].servers=8"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    partial = pathlib.Path(str(out) + ".partial")
    deadline = time.time() + 60
    while not (partial.exists() and partial.stat().st_size > 0) and time.time() < deadline:
        time.sleep(0.01)  # the run has begun (a signal during loading stops it at t = 0)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert proc.returncode == 130, proc.stderr.read()
    assert out.exists() and not pathlib.Path(str(out) + ".partial").exists()
    with h5py.File(out) as f:
        assert f.attrs["complete"] == 0
        assert f.attrs["stop_reason"] == "interrupted"
        assert 0 < f.attrs["simulated_s"] < 10000 * 86400
    check_layout(out)


def _run_on_tty(args, timeout=60):
    """Runs dcsim with stderr on a pseudo-terminal; returns (exit code, what it wrote there)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([dcsim_bin(), *map(str, args)], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=timeout)
    os.close(master)
    return proc.returncode, data.decode(errors="replace")


def test_progress_line_on_a_terminal_and_silence_otherwise(tmp_path):
    args = ["run", REPO / "scenarios" / "smoke.yaml", "-o", tmp_path / "p.h5", "--until", "12 d",
            "--set", "workloads[0].arrivals.rate=5 /s"]
    code, tty_err = _run_on_tty(args)
    assert code == 0
    assert "sim-s/s" in tty_err and "ETA" in tty_err and "%" in tty_err
    p = run_dcsim(*args)
    assert p.returncode == 0 and p.stderr == ""


def test_requests_table_is_a_deterministic_sample(smoke_run):
    with h5py.File(smoke_run) as f:
        r = f["/requests"][:]
        attrs = dict(f["/requests"].attrs)
        arrived = f["/summary"].attrs["requests_arrived"]
    assert attrs["workloads"] == "chat" and attrs["sample_fraction"] == 0.01
    # ~1 % of 21,389 attempts: binomial, 5 standard deviations.
    assert abs(len(r) - 0.01 * arrived) < 5 * np.sqrt(arrived * 0.01 * 0.99)
    done = r[r["outcome"] == 0]
    assert np.all(done["start_s"] >= done["arrival_s"]) and np.all(done["completion_s"] > done["start_s"])
    assert np.all(r["prompt_tokens"] > 0) and np.all(r["output_tokens"] > 0)
    assert len(np.unique(r["id"])) == len(r)


def test_option_errors_name_the_option_and_the_expected_form():
    smoke = REPO / "scenarios" / "smoke.yaml"
    form = "expected a duration with a unit, e.g. 2h, 30min, 1d or 1w"
    cases = [
        (("--until", "2"), f"error: --until: got '2', {form} (a bare number has no unit)"),
        (("--until", "2 parsecs"), f"error: --until: got '2 parsecs', {form} (unknown unit 'parsecs'"),
        (("--seed", "-1"), "error: --seed: got '-1', expected an integer from 0 to 9000000000000000"),
        (("--seed", "18446744073709551615"),
         "error: --seed: got '18446744073709551615', expected an integer from 0 to 9000000000000000"),
        (("--set", "sites[3].name=x"), "error: --set: sites: index [3] is out of range (the list has 1 element, [0])"),
        (("--set", "sites.dc2.pools.chat.servers=2"),
         "error: --set: sites: no element named 'dc2' in this list; did you mean 'dc1'?"),
    ]
    for args, expected in cases:
        p = run_dcsim("validate", smoke, *args)
        assert p.returncode == 2, f"{args}: exit {p.returncode}\n{p.stderr}"
        assert expected in p.stderr, f"{args}:\n{p.stderr}"
        assert "smoke.yaml" not in p.stderr, f"{args} blamed on the scenario file:\n{p.stderr}"
    both = run_dcsim("validate", smoke, "--until", "2", "--seed", "x")
    assert both.returncode == 2 and "--until:" in both.stderr and "--seed:" in both.stderr
    assert "2 problems in the input" in both.stderr


def test_weeks_are_a_time_unit_on_the_command_line():
    p = run_dcsim("validate", REPO / "scenarios" / "smoke.yaml", "--until", "1w")
    assert p.returncode == 0, p.stderr
    assert "horizon 7 d" in p.stdout, p.stdout


def test_inspect_has_no_blank_group_line_and_no_unknown_units(smoke_run):
    p = run_dcsim("inspect", smoke_run, check=True)
    lines = p.stdout.splitlines()
    assert all(line.strip() for line in lines), "a blank line in inspect's output"
    assert not any(" ? " in line or line.rstrip().endswith("?") for line in lines), p.stdout
    assert any(line.startswith("requests ") and "rows" in line for line in lines), p.stdout
    assert not any(line.strip().startswith("time ") for line in lines if line.startswith("    ")), p.stdout


def test_overrides_and_seed_are_root_attributes(tmp_path):
    out = tmp_path / "o.h5"
    run_dcsim("run", REPO / "scenarios" / "smoke.yaml", "-o", out, "-q", "--until", "10 min", "--seed", "7",
              "--set", "workloads[0].arrivals.rate=2 /s", check=True)
    with h5py.File(out) as f:
        assert f.attrs["overrides"] == "workloads[0].arrivals.rate=2 /s; seed=7; horizon=10 min"
        assert f.attrs["seed"] == 7
        r = f["/requests"].attrs
        assert r["workload_codes"] == "0=chat" and r["tier_codes"] == "chat:0=all"
        assert isinstance(r["outcome_codes"], str)
    ds = xr.open_dataset(out, group="sites/dc1/pools/chat", engine="h5netcdf")
    assert "time" in ds.coords and float(ds["time"][0]) == 60.0  # seconds, from the group alone
    ds.close()


def test_overload_events_are_stamped_when_they_begin(tmp_path):
    """The overload of a pool is stamped when its condition began, not at the end of the run: a
    backlog at the last time its queue was empty, rejections at the step of the first one."""
    smoke = REPO / "scenarios" / "smoke.yaml"
    for name, cap in (("backlog", "1000000"), ("rejections", "50")):
        out = tmp_path / f"{name}.h5"
        # The smoke pool serves ~6 requests/s; 40/s overloads it from the start.
        run_dcsim("run", smoke, "-o", out, "-q", "--until", "30 min", "--set", "workloads[0].arrivals.rate=40 /s",
                  "--set", f"sites[0].pools[0].queue_capacity={cap}", check=True)
        with h5py.File(out) as f:
            ev = f["/events"][:]
            rows = [(float(e["time_s"]), e["detail"].decode()) for e in ev if e["kind"].decode() == "overload"]
        assert rows, f"{name}: no overload event"
        t, detail = rows[0]
        assert 0 <= t <= 120, f"{name}: stamped at {t} s, expected within the first 2 record steps ({detail})"
        assert ("backlog grew" if name == "backlog" else "queue full") in detail, detail
