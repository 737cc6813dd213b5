"""The what-if pair shipped beside ghibli-wave (scenarios/sweeps/ghibli-wave-limit-borrow.yaml): the
sweep file validates into its 2 x 2 cases, and its `limit` axis does what it says: on a short
horizon (to 29 Mar 00:00 UTC, 36 h after the limit is imposed and before any queue is full) the
free tier gets fewer images with the limit than without it, the paid tier the same, and every
attempt the limit refuses is a free one. The runs take the cases' own keys from the sweep file."""
import h5py
import numpy as np
import pytest
import yaml

from conftest import REPO, run_dcsim

SWEEP = REPO / "scenarios" / "sweeps" / "ghibli-wave-limit-borrow.yaml"
SCENARIO = REPO / "scenarios" / "ghibli-wave.yaml"
# Short and light: the limit is imposed at t = 5.5 d (27 Mar 12:00 UTC); chat is thinned to a
# trickle (it does not share a pool with the images) and every attempt is written to /requests.
SHORT = ["--until", "7 d", "--set", "workloads.chat.arrivals.rate=0.01 /s", "--set", "record.requests=1"]


def _case(axis: str, case: str) -> list[str]:
    spec = yaml.safe_load(SWEEP.read_text())
    cases = next(a for a in spec["axes"] if a["name"] == axis)["cases"]
    out = []
    for key, value in (cases[case] or {}).items():
        out += ["--set", f"{key}={value}"]
    return out


def test_limit_borrow_sweep_file_validates_into_four_cases(tmp_path):
    p = run_dcsim("sweep", SWEEP, "-o", tmp_path / "dry", "--dry-run", check=True)
    runs = [line for line in p.stdout.splitlines() if "seed=" in line]
    assert len(runs) == 4, p.stdout
    for limit in ("with_limit", "no_limit"):
        for borrow in ("with_borrowing", "no_borrowing"):
            assert sum(f"limit={limit}, borrow={borrow}," in r for r in runs) == 1, p.stdout
    assert len({r.split()[1] for r in runs}) == 4          # four distinct resolved scenarios


def _by_tier(path):
    """{(tier code, outcome code): attempts} over the image requests, and the limit's refusals."""
    with h5py.File(path) as f:
        r = f["/requests"][:]
        assert f["/requests"].attrs["sample_fraction"] == 1.0
        img = r[r["kind"] == 1]
        counts = {}
        for tier in (0, 1):
            for outcome in (0, 1):
                counts[(tier, outcome)] = int(((img["tier"] == tier) & (img["outcome"] == outcome)).sum())
        counts["first refused"] = int(((img["tier"] == 0) & (img["outcome"] == 1) & (img["attempt"] == 0)).sum())
        refused = float(f["/services/images/admission_rejected"][:].sum())
        pools_rejected = sum(float(f[f"/sites/{s}/pools/image/rejected"][:].sum())
                             for s in ("us-east", "eu-west", "asia-east"))
        return counts, refused, pools_rejected


def test_free_tier_limit_reduces_free_tier_admissions_on_a_short_horizon(tmp_path):
    runs = {}
    for case in ("with_limit", "no_limit"):
        out = tmp_path / f"{case}.h5"
        run_dcsim("run", SCENARIO, "-o", out, "-q", *SHORT, *_case("limit", case), check=True)
        runs[case] = _by_tier(out)
    (lim, refused, lim_pool_rej), (free, free_refused, free_pool_rej) = runs["with_limit"], runs["no_limit"]
    FREE, PAID, DONE, REJECTED = 0, 1, 0, 1
    assert lim_pool_rej == free_pool_rej == 0                # no queue is full yet: every refusal is the limit's
    assert free_refused == 0 and free[(FREE, REJECTED)] == 0 and free[(PAID, REJECTED)] == 0
    assert refused > 100 and lim[(FREE, REJECTED)] == refused  # the limit refuses free attempts only
    assert lim[(PAID, REJECTED)] == 0
    assert lim[(FREE, DONE)] < free[(FREE, DONE)]             # fewer free images served
    # A refused user's retries (60 %, 2 min later, up to 4 attempts) come the same day and are
    # refused again: one free image lost per first attempt refused (1 + 0.6 + 0.36 + 0.216 = 2.18
    # attempts each), give or take the few retried after the region's midnight.
    assert free[(FREE, DONE)] - lim[(FREE, DONE)] == pytest.approx(lim["first refused"], rel=0.1)
    assert refused / lim["first refused"] == pytest.approx(2.18, rel=0.15)
    # The paid tier's arrivals are the same draws in both runs, and all of them are served
    # (in flight at the end aside).
    assert lim[(PAID, DONE)] == pytest.approx(free[(PAID, DONE)], abs=20)
