"""The report and compare on a synthetic run file holding every group of series a report draws
(synth.py: LLM, disaggregated, image and shared fifo pools, a viral workload with tiers and
retries, the facility and grid series of issues 12 and 13, a warm-up, a start with a UTC
offset, operator events): every figure is written and referenced, panels appear only for the
series a file holds, time axes are calendar time, statistics exclude the warm-up, compare lists
the scenario differences. No dcsim binary needed."""
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))

from dcsim_analysis import load_run, write_comparison, write_report  # noqa: E402
from dcsim_analysis.clock import Clock  # noqa: E402
from dcsim_analysis.facts import key_facts  # noqa: E402
from dcsim_analysis.figures import FIGURES, render  # noqa: E402
from dcsim_analysis.figures.demand import _tier_counts, capacity_series  # noqa: E402
from dcsim_analysis.scenario import ScenarioView, parse_scenario, quantity  # noqa: E402
from dcsim_analysis.scenario_diff import differences, flatten  # noqa: E402
from dcsim_analysis.stats import Window, pool_metrics, site_metrics  # noqa: E402

import synth  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def full(full_synthetic):
    return full_synthetic[0]


@pytest.fixture(scope="module")
def full_report(full_synthetic):
    return full_synthetic[1]


def figure_names(md_text):
    return re.findall(r"!\[([a-z_]+)\]\(\1\.png\)", md_text)


def test_every_figure_is_written_and_referenced(full_report):
    md = (full_report / "report.md").read_text()
    html = (full_report / "index.html").read_text()
    assert figure_names(md) == list(FIGURES)            # all of them, in registry order
    for name in FIGURES:
        png = full_report / f"{name}.png"
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 5000, name
        assert f'id="fig-{name}"' in html, name
    # Self-contained: every figure embedded, nothing fetched from elsewhere.
    assert html.count('src="data:image/png;base64,') == len(FIGURES)
    assert not re.search(r'(src|href)="(https?:|//|[^"#d][^"]*\.png)', html)


def test_facility_and_grid_panels_appear_only_with_their_series(tmp_path):
    def names(**kw):
        path = synth.write_full_run(tmp_path / f"{sorted(kw.items())}.h5", **kw)
        return {f.name for f in render([load_run(path)], only={"power", "facility", "grid"})}

    none = names(facility=False, grid=False)
    assert "facility" not in none and "grid" not in none and "power" in none
    only_facility = names(facility=True, grid=False)
    assert "facility" in only_facility and "grid" not in only_facility
    assert "grid" in names(facility=False, grid=True)


def test_fleet_only_file_gets_the_power_figure_alone(tmp_path):
    import h5py
    path = synth.write_full_run(tmp_path / "f.h5")
    with h5py.File(path, "a") as f:
        del f["sites"], f["workloads"], f["requests"]
    assert [f.name for f in render([load_run(path)])] == ["power"]


def test_statistics_exclude_the_warm_up_and_say_so(full, tmp_path):
    run = load_run(full)
    w = Window(run)
    assert w.warmup_s == synth.WARMUP_S
    assert int((~w.mask).sum()) == 12                   # 1 h of 5-min steps
    arrivals = run.series("/sites/dc1/pools/chat", "arrivals").to_numpy()
    m = {x.key: x.value for x in pool_metrics(run, "/sites/dc1/pools/chat", w)}
    assert m["arrivals"] == pytest.approx(arrivals[12:].sum())
    assert m["arrival_rate"] == pytest.approx(arrivals[12:].sum() / (7 * 3600))
    md = write_report(full, tmp_path / "r", figures=()).read_text()
    assert "exclude the warm-up: the first 1 h (`record.warmup`), 12 samples" in md
    assert "| warm-up | 3600 s (excluded from the tables below) |" in md
    no_warmup = load_run(synth.write_full_run(tmp_path / "nw.h5", warmup=False))
    assert Window(no_warmup).mask.all()
    assert "cover the whole run" in write_report(no_warmup.path, tmp_path / "nw", figures=()).read_text()


def test_site_totals_of_facility_and_grid(full):
    run = load_run(full)
    m = {x.key: x.value for x in site_metrics(run, "/sites/dc1")}
    it = run.series("/sites/dc1", "power_it_w").to_numpy()[12:]
    fac = run.series("/sites/dc1", "power_facility_w").to_numpy()[12:]
    assert m["pue"] == pytest.approx(fac.mean() / it.mean())   # equal steps: energy ratio
    assert m["water"] == pytest.approx(run.series("/sites/dc1", "water_l").to_numpy()[12:].sum())
    assert m["emissions"] > 0 and m["cost"] > 0 and m["intensity"] > 0


def test_calendar_time_in_the_sites_time_zone():
    view = ScenarioView(parse_scenario(synth.SCENARIO))
    clock = Clock.of(view)
    assert clock.label == "UTC+02:00" and "start" in clock.why
    assert clock.text(0.0) == "2024-07-01 09:00" and clock.text(5400.0) == "2024-07-01 10:30"
    assert clock.local([0.0])[0] == np.datetime64("2024-07-01T09:00")

    def label(start, *sites):
        data = {"start": start, "sites": [dict(name=f"s{i}", **s) for i, s in enumerate(sites)]}
        return Clock.of(ScenarioView(data)).label

    assert label("2023-03-19T18:00:00Z", {"timezone": "Asia/Seoul"}) == "Asia/Seoul"
    assert label("2023-03-19T18:00:00Z", {"utc_offset": "-5 h"}) == "UTC-05:00"
    assert label("2023-03-19T18:00:00Z", {}) == "UTC"
    # Sites in different zones: the offset of the start, else UTC.
    assert label("2023-03-19T18:00:00+09:00", {"utc_offset": "1 h"}, {"utc_offset": "-5 h"}) == "UTC+09:00"
    seoul = Clock.of(ScenarioView({"start": "2023-03-19T09:00:00Z", "sites": [{"timezone": "Asia/Seoul"}]}))
    assert seoul.text(0.0) == "2023-03-19 18:00"
    # A root attribute `start` (a later writer may add one) wins over the scenario text.
    assert ScenarioView({"start": "2025-01-01T00:00:00Z"}, {"start": "2026-02-03T04:05:00Z"}).start_text.startswith("2026")


def test_quantities_and_derived_capacity():
    assert quantity("20 s") == 20 and quantity("100 ms") == pytest.approx(0.1)
    assert quantity("2 /d") == pytest.approx(2 / 86400) and quantity("1 w") == 604800
    assert quantity("0.9") == 0.9 and quantity(3) == 3.0 and quantity("16.06 GB") is None
    view = ScenarioView({"sites": [{"name": "a", "pools": [
        {"name": "p", "servers": 12, "gpus_per_server": 8, "gpus_per_replica": 1, "serving": "fifo",
         "service": {"model": "lognormal", "median": "2 s", "sigma": "0.6"}},
        {"name": "q", "servers": 2, "gpus_per_server": 8, "gpus_per_replica": 2,
         "service": {"model": "exponential", "mean": "4 s"}},
        {"name": "r", "servers": 2, "serving": "llm", "llm": {"tp": 4}}]}]})
    assert view.pools["/sites/a/pools/p"].capacity_rps == pytest.approx(96 / (2 * math.exp(0.18)))
    assert view.pools["/sites/a/pools/q"].capacity_rps == pytest.approx(8 / 4)
    assert view.pools["/sites/a/pools/r"].replicas == 4 and view.pools["/sites/a/pools/r"].capacity_rps is None


def test_capacity_follows_active_replicas(full):
    run = load_run(full)
    cap = capacity_series(run, "/sites/dc1/pools/batch")
    np.testing.assert_allclose(cap, 8 / 4.0)            # 8 replicas active, 4 s each
    assert capacity_series(run, "/sites/dc1/pools/chat") is None


def test_tiers_are_estimated_from_the_request_sample(full):
    run = load_run(full)
    counts, frac = _tier_counts(run, "images")
    assert frac == 0.5 and list(counts) == ["free", "paid"]
    df = run.requests()
    assert set(df["tier"].astype(str)) == {"free", "paid"} and set(df["workload"].astype(str)) == {"images"}
    total = sum(c[0].sum() for c in counts.values())
    assert total == pytest.approx(len(df) / 0.5)


def test_key_facts_name_events_and_thresholds_at_local_times(full):
    facts = key_facts(load_run(full))
    texts = [f.text for f in facts]
    assert any("event `rate_limit` at 2024-07-01 12:30 on /workloads/images" in t for t in texts)
    assert any("event `overload` at 2024-07-01 14:00" in t for t in texts)
    assert any(t.startswith("images: rejections started at 2024-07-01 14:05, with") for t in texts)
    assert not any("replica_ready" in t for t in texts)
    times = [f.time_s for f in facts]
    assert times == sorted(times)


def test_scenario_differences_as_set_paths():
    a = {"seed": 1, "sites": [{"name": "dc1", "pools": [{"name": "p", "servers": 1}]}],
         "arrivals": {"points": [[0, 1], [1, 2]]}}
    b = {"seed": 2, "sites": [{"name": "dc1", "pools": [{"name": "p", "servers": 3}]}],
         "arrivals": {"points": [[0, 1], [1, 5]]}, "extra": "x"}
    assert flatten(a)["sites.dc1.pools.p.servers"] == 1
    assert differences(a, b) == [("seed", 1, 2), ("sites.dc1.pools.p.servers", 1, 3),
                                 ("arrivals.points[1][1]", 2, 5), ("extra", None, "x")]


def test_compare_overlays_figures_and_lists_differences_and_overrides(full, tmp_path):
    import h5py
    other = synth.write_full_run(tmp_path / "bigger.h5", overrides="sites.dc1.pools.batch.servers=2")
    with h5py.File(other, "a") as f:
        f.attrs["scenario"] = f.attrs["scenario"].replace('servers: 1\n        gpus_per_server: 8\n'
                                                          '        gpus_per_replica: 1',
                                                          'servers: 2\n        gpus_per_server: 8\n'
                                                          '        gpus_per_replica: 1')
        f.attrs["seed"] = np.uint64(12)
        e = f["/sites/dc1/pools/batch/energy_j"]
        e[...] = 2 * e[...]
    md = write_comparison([full, other], tmp_path / "cmp").read_text()
    assert "| `sites.dc1.pools.batch.servers` | 1 | 2 |" in md
    assert "sites.dc1.pools.chat.servers=2" in md and "sites.dc1.pools.batch.servers=2" in md
    assert "| synthetic | " in md and "| 11 |" in md and "| 12 |" in md       # runs table: seeds
    section = md.split("### dc1/batch", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| IT energy |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "IT energy" and cells[1].endswith(" kWh") and cells[4] == "+100.0 %"
    assert figure_names(md) == list(FIGURES)
    html = (tmp_path / "cmp" / "index.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(FIGURES)


def test_service_events_are_drawn_on_the_panels_of_its_pools_and_workloads():
    """An admission change (subject /services/<s>/admission/<policy>) belongs on the panels of the
    service's pools and workloads, not on a pool the service does not use; other run-wide events
    and a site's own events keep their panels."""
    from dcsim_analysis.figures.base import relevant
    view = ScenarioView({
        "sites": [{"name": "a", "pools": [{"name": "img"}, {"name": "chat"}]}],
        "services": [{"name": "images", "pools": [{"pool": "a/img"}]}],
        "workloads": [{"name": "pics", "service": "images"}, {"name": "talk", "pool": "a/chat"}]})
    assert view.service_groups("images") == ["/sites/a/pools/img", "/workloads/pics"]
    assert view.service_groups("nope") == []
    change = "/services/images/admission/free-limit"
    groups = view.service_groups
    assert relevant(change, ("/sites/a/pools/img",), groups)
    assert relevant(change, ("/workloads/pics", "/sites/a/pools/img"), groups)
    assert not relevant(change, ("/sites/a/pools/chat",), groups)
    assert not relevant(change, ("/workloads/talk",), groups)
    assert relevant(change, ("/sites/a/pools/chat",))               # no lookup: run-wide, as before
    assert relevant("/services/unknown/x", ("/workloads/talk",), groups)  # a service the view lacks
    assert relevant("/fleet", ("/workloads/talk",), groups)
    assert relevant("/sites/a/facility", ("/sites/a/pools/chat",), groups)
    assert not relevant("/sites/a/pools/img", ("/sites/a/pools/chat",), groups)
