"""Shipped one-pool scenarios give the same datasets, bit for bit, as before the front end and the
generic World (tests/golden/*.digest: smoke from 77cb237, the commit before them; the LLM and image cases from d6657c3, after the serving-fidelity models and before the World change, which left them unchanged; image-serving
regenerated when diffusion pools gained `capacity_rps`, every other dataset equal): every
series, the request table, the events and the summary (run_digest.py says what is compared).
Regenerated when admission landed: the only differences were the new /workloads/<w>/timed_out
series, the /summary entries requests_timed_out and requests_degraded, and /requests' outcome_codes
attribute (3=timed_out); every other dataset was unchanged.
When /events went into time order (the overload rows merged in at their times), ghibli-wave's
/events digest was regenerated: its 67 rows sorted, every other dataset unchanged.
After an intended model change, regenerate a digest with
    build/dcsim run scenarios/NAME.yaml -o /tmp/x.h5 [--until ...]
    python3 tests/python/run_digest.py /tmp/x.h5 > tests/golden/NAME.digest
and say why in the commit."""

import pytest

from conftest import REPO, run_dcsim
from run_digest import differences, digest, parse_digest

CASES = [  # golden file, scenario, extra arguments: one per pool kind (the stories: below)
    ("smoke", "smoke", []),                              # fifo
    ("llm-serving-1h", "llm-serving", ["--until", "1 h"]),  # llm, with and without a power cap
    ("image-serving", "image-serving", []),              # diffusion
    ("llm-disaggregated", "llm-disaggregated", []),      # llm and disaggregated
]


@pytest.mark.parametrize("golden,scenario,extra", CASES, ids=[c[0] for c in CASES])
def test_shipped_scenario_datasets_are_unchanged(tmp_path, golden, scenario, extra):
    out = tmp_path / f"{golden}.h5"
    run_dcsim("run", REPO / "scenarios" / f"{scenario}.yaml", "-o", out, "-q", *extra, check=True)
    want = parse_digest((REPO / "tests" / "golden" / f"{golden}.digest").read_text())
    got = digest(out)
    assert differences(want, got) == []


STORIES = ["ghibli-wave", "chatbot-beta"]  # the shipped surge stories, full runs shared with test_scenarios.py


@pytest.mark.parametrize("story", STORIES)
def test_surge_story_summary_and_datasets_are_unchanged(request, story):
    """Golden summary (`dcsim inspect --summary`, tests/golden/NAME_summary.txt) and dataset
    digest (tests/golden/NAME.digest) of ghibli-wave (12 days, whole run) and chatbot-beta. After
    an intended change, regenerate both:
        build/dcsim run scenarios/NAME.yaml -o /tmp/x.h5
        build/dcsim inspect --summary /tmp/x.h5 | sed 's|/tmp/x.h5|OUT|' > tests/golden/NAME_summary.txt
        python3 tests/python/run_digest.py /tmp/x.h5 > tests/golden/NAME.digest"""
    out = request.getfixturevalue({"ghibli-wave": "ghibli_run", "chatbot-beta": "beta_run"}[story])
    got = run_dcsim("inspect", "--summary", out, check=True).stdout.replace(str(out), "OUT")
    assert got == (REPO / "tests" / "golden" / f"{story}_summary.txt").read_text()
    want = parse_digest((REPO / "tests" / "golden" / f"{story}.digest").read_text())
    assert differences(want, digest(out)) == []
