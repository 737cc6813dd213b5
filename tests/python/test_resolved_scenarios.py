"""A run that reproduces itself: for every shipped scenario (scenarios/*.yaml and the scenarios
among scenarios/sweeps/*.yaml), `dcsim validate --resolved` gives a text that validates, resolves
to itself, and, run over a short horizon, gives the same datasets as the original (run_digest)."""

import pathlib
import sys

import pytest
import yaml

from conftest import REPO, SHARED, run_dcsim
from run_digest import differences, digest

sys.path.insert(0, str(REPO / "analysis"))
from dcsim_analysis.scenario import quantity  # noqa: E402


def _shipped():
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    for f in sorted((REPO / "scenarios" / "sweeps").glob("*.yaml")):
        data = yaml.safe_load(f.read_text())
        if isinstance(data, dict) and "sites" in data:  # a scenario, not a sweep or plan file
            files.append(f)
    return files


def _short_horizon(text):
    """1 h, or 3 record steps, or the warm-up and 2 steps, whichever is longest; at most the horizon."""
    s = yaml.safe_load(text)
    record = s.get("record") or {}
    step = quantity(record.get("step", "60 s")) or 60.0
    warmup = quantity(record.get("warmup", "0 s")) or 0.0
    until = max(3600.0, 3 * step, warmup + 2 * step)
    return f"{min(until, quantity(s['horizon']))} s"


def _place(tmp_path, scenario, text, name):
    """The resolved text at the same depth below a tree whose `shared` is the real one, so that the
    scenario's relative paths (../../shared/reference/traces/...) resolve as from scenarios/."""
    depth = len(scenario.relative_to(REPO).parts) - 1  # scenarios/ = 1, scenarios/sweeps/ = 2
    root = tmp_path / "tree"
    folder = root.joinpath(*(["d"] * depth))
    folder.mkdir(parents=True, exist_ok=True)
    if not (root.parent / "shared").exists() and SHARED.exists():
        (root.parent / "shared").symlink_to(SHARED)
    out = folder / name
    out.write_text(text)
    return out


@pytest.mark.parametrize("scenario", _shipped(), ids=lambda p: p.stem)
def test_resolved_scenario_validates_and_reruns_identically(scenario, tmp_path):
    first = run_dcsim("validate", "--resolved", scenario)
    if first.returncode != 0 and not SHARED.exists() and "shared" in first.stderr:
        pytest.skip(f"{scenario.name} reads ../shared, absent here")
    assert first.returncode == 0, first.stderr
    resolved = _place(tmp_path, scenario, first.stdout, "resolved.yaml")
    again = run_dcsim("validate", "--resolved", resolved)
    assert again.returncode == 0, f"the resolved text of {scenario.name} does not validate:\n{again.stderr}"
    assert again.stdout == first.stdout, "the resolved text does not resolve to itself"

    until = _short_horizon(first.stdout)
    short = run_dcsim("validate", "--resolved", scenario, "--until", until, check=True).stdout
    short_file = _place(tmp_path, scenario, short, "short.yaml")
    a, b = tmp_path / "original.h5", tmp_path / "rerun.h5"
    run_dcsim("run", scenario, "--until", until, "-o", a, "-q", check=True)
    run_dcsim("run", short_file, "-o", b, "-q", check=True)
    diff = differences(digest(a, also_skip={"overrides"}), digest(b, also_skip={"overrides"}))
    assert diff == [], f"{scenario.name} over {until}: the rerun of the resolved text differs in {diff}"
