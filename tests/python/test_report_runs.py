"""The report and compare on small runs made here with dcsim (two fifo pools, a Poisson chat and
a viral image workload with tiers and retries that overwhelms its pool; 2 h, < 0.1 s to run),
and the pages in a real browser: Debian's chromium, headless, loads index.html; the page must
render (a non-blank screenshot), every figure must load, and no console error may appear."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from browser import find_chromium, inspect_page
from conftest import REPO, run_dcsim

ANALYSIS = REPO / "analysis"
sys.path.insert(0, str(ANALYSIS))
TINY = """name: tiny
description: Two fifo pools; a Poisson chat workload and a viral image workload that overwhelms its pool.
seed: 3
start: 2024-05-06T20:00:00+09:00
horizon: 2 h
record:
  step: 2 min
  requests: 0.2
sites:
  - name: dc1
    pools:
      - name: chat
        servers: 1
        gpus_per_server: 4
        queue_capacity: 200
        service: {model: lognormal, median: 1 s, sigma: 0.5}
      - name: image
        servers: 1
        gpus_per_server: 2
        queue_capacity: 50
        service: {model: fixed, time: 4 s}
workloads:
  - name: chat
    pool: dc1/chat
    slo_latency: 10 s
    arrivals: {model: poisson, rate: 2 /s}
  - name: images
    pool: dc1/image
    slo_latency: 30 s
    class: {model: image, ai_model: sdxl}
    tiers:
      - {name: free, share: 0.8, daily_limit: 3}
      - {name: paid, share: 0.2}
    arrivals: {model: viral, growth: logistic, initial_users: 500, target_users: 8000, target_time: 2 h,
               capacity: 10000, rate_per_user: 60 /d}
    retry: {probability: 0.5, backoff: 1 min, max_attempts: 3}
"""
EXPECTED = ["demand", "users", "retries", "tiers", "slo", "latency", "queue", "utilization", "power"]


def analysis(*args):
    """python3 -m dcsim_analysis ARGS, from anywhere, with analysis/ on the path."""
    return subprocess.run([sys.executable, "-m", "dcsim_analysis", *map(str, args)], capture_output=True,
                          text=True, timeout=600, cwd="/", env={**os.environ, "PYTHONPATH": str(ANALYSIS)})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    (d / "tiny.yaml").write_text(TINY)
    run_dcsim("run", d / "tiny.yaml", "-o", d / "tiny.h5", check=True)
    return d


@pytest.fixture(scope="module")
def tiny_report(tiny):
    p = analysis("report", tiny / "tiny.h5", "-o", tiny / "report")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [str(tiny / "report" / "report.md"), str(tiny / "report" / "index.html")]
    return tiny / "report"


def test_report_of_a_small_run_draws_what_the_scenario_holds(tiny_report):
    md = (tiny_report / "report.md").read_text()
    figures = [line[2:].split("]")[0] for line in md.splitlines() if line.startswith("![")]
    assert figures == EXPECTED
    for name in figures:
        assert f"![{name}]({name}.png)" in md and (tiny_report / f"{name}.png").stat().st_size > 5000
    # Calendar time from the scenario's start, in its offset; the overload told when it shows.
    assert "Starts 2024-05-06 20:00 (UTC+09:00)" in md
    assert "images: demand first exceeded the capacity of dc1/image (0.5 req/s) at 2024-05-06 20:" in md
    assert "dc1/image: the queue reached its cap of 50 at 2024-05-06 2" in md
    assert (tiny_report / "scenario.yaml").read_text().startswith('name: "tiny"')


def _blank(png: bytes) -> bool:
    import io
    import matplotlib.image as mpimg
    img = mpimg.imread(io.BytesIO(png), format="png")[..., :3]
    nonwhite = (img < 0.95).any(axis=-1).mean()
    return img.std() < 0.02 or nonwhite < 0.01


def _check_page(page: Path, n_figures: int):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
    check = inspect_page(page, chromium)
    assert check.errors == [], check.errors
    assert check.title.startswith("dcsim")
    assert len(check.images) == n_figures
    assert all(w > 0 and h > 0 for _, w, h in check.images), check.images
    assert check.figures_mark == f"{n_figures}/{n_figures}"
    assert check.screenshot[:8] == b"\x89PNG\r\n\x1a\n" and not _blank(check.screenshot)
    return check


def test_report_renders_in_a_browser(tiny_report, tmp_path):
    check = _check_page(tiny_report / "index.html", len(EXPECTED))
    (tmp_path / "screenshot.png").write_bytes(check.screenshot)


def test_full_synthetic_report_renders_in_a_browser(full_synthetic):
    from dcsim_analysis.figures import FIGURES
    _check_page(full_synthetic[1] / "index.html", len(FIGURES))


def test_browser_check_sees_a_broken_image_and_a_console_error(tmp_path):
    if find_chromium() is None:
        pytest.skip("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>bad</title></head><body><figure>'
                    '<img alt="x" src="data:image/png;base64,AAAA"></figure>'
                    '<script>console.error("boom")</script></body></html>')
    check = inspect_page(page)
    assert check.images == [("x", 0, 0)]
    assert any("boom" in e for e in check.errors)


def test_compare_two_runs_lists_their_differences(tiny, tmp_path):
    a, b = tmp_path / "base.h5", tmp_path / "more.h5"
    run_dcsim("run", tiny / "tiny.yaml", "-o", a, check=True)
    run_dcsim("run", tiny / "tiny.yaml", "-o", b, "--set", "sites.dc1.pools.image.servers=3",
              "--seed", "5", check=True)
    p = analysis("compare", a, b, "-o", tmp_path / "cmp")
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "cmp" / "report.md").read_text()
    assert "| `seed` | 3 | 5 |" in md
    assert "| `sites.dc1.pools.image.servers` | 1 | 3 |" in md
    import h5py
    with h5py.File(b) as f:
        overrides = f.attrs.get("overrides")
    if overrides:                       # stored by dcsim once the C++ side records --set
        assert str(overrides) in md
    else:
        assert "none recorded" in md
    for title in ("## Runs", "## Scenario differences", "## Workloads", "### images", "## Pools",
                  "### dc1/image", "## Summary totals", "## Plots"):
        assert title in md, title
    row = next(line for line in md.split("### dc1/image", 1)[1].splitlines() if line.startswith("| capacity |"))
    assert [c.strip() for c in row.strip("|").split("|")][1:] == ["0.5000 /s", "1.500 /s", "+1.000 /s", "+200.0 %"]
    energy = next(line for line in md.split("### dc1/image", 1)[1].splitlines() if line.startswith("| IT energy |"))
    assert "kWh" in energy
    _check_page(tmp_path / "cmp" / "index.html", md.count("!["))
    # Without -o: the totals side by side, as analysis/compare.py always printed them.
    p = analysis("compare", a, b)
    assert p.returncode == 0 and "requests_arrived" in p.stdout and "seed=5" in p.stdout


def test_demand_panels_keep_each_workload_on_its_own_axis(tiny):
    from dcsim_analysis import load_run
    from dcsim_analysis.figures.base import Canvas
    from dcsim_analysis.figures.demand import _panels
    run = load_run(tiny / "tiny.h5")
    assert [g for g, _ in _panels(Canvas([run]))] == ["/workloads/chat", "/workloads/images"]
    chat = run.series("/workloads/chat", "arrivals").to_numpy()
    images = run.series("/workloads/images", "arrivals").to_numpy()
    assert np.nanmax(images) > 0 and np.nanmax(chat) > 0
