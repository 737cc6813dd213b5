"""The docs/studies/ generator regenerates a study page from a fresh run: the question, the
scenario, what the run shows, simulated against published figures (with their calibration.yaml
ids), the report's figures beside the page, and what is left for later issues."""
import re
import sys

from conftest import REPO, dcsim_bin

sys.path.insert(0, str(REPO / "analysis"))


def test_chatbot_beta_study_page_is_regenerated(tmp_path):
    from dcsim_analysis.studies import main
    docs, runs = tmp_path / "docs", tmp_path / "runs"
    assert main(["chatbot-beta", "--dcsim", dcsim_bin(), "--docs", str(docs), "--runs", str(runs)]) == 0
    page = (docs / "chatbot-beta.md").read_text()
    for title in ("# Study: ", "## The question", "## The scenario", "## Assumptions and their sources",
                  "## What the run shows",
                  "## Simulated and published", "## Not modelled yet", "## Figures", "## Reproduce"):
        assert title in page, title
    assert "| users at 08:30 KST next day | 5,000 | `surge.kakao_ddmm` |" in page
    assert "| users at 15:50 KST next day | 13,000 | `surge.kakao_ddmm` |" in page
    assert "`surge.kakao_ddmm`" in page and "kakaobrain/kogpt model card" in page
    # The what-if runs the generator makes beside the study's own: both hold the beta.
    for label in ("2 servers (8 A100s)", "continuous batching (max_batch 256) on the same server"):
        row = next(line for line in page.splitlines() if line.startswith(f"| what-if: {label} |"))
        assert "held all run" in row and ", 0 rejected" in row
    assert "fewer than half of the requests met the SLO from 2023-03-20 " in page  # the afternoon of the suspension
    figures = re.findall(r"!\[(\w+)\]\((chatbot-beta/\w+\.png)\)", page)
    assert {"demand", "users", "slo", "queue"} <= {name for name, _ in figures}
    for _, rel in figures:
        assert (docs / rel).read_bytes()[:4] == b"\x89PNG"
    # Regenerating replaces the figures (none left over from an earlier run).
    (docs / "chatbot-beta" / "stale.png").write_bytes(b"x")
    assert main(["chatbot-beta", "--dcsim", dcsim_bin(), "--docs", str(docs), "--runs", str(runs), "--reuse"]) == 0
    assert not (docs / "chatbot-beta" / "stale.png").exists()


def test_unknown_study_is_a_usage_error(capsys):
    from dcsim_analysis.studies import main
    assert main(["no-such-study"]) == 2
    assert "unknown study no-such-study (studies: ghibli-wave, chatbot-beta, carbon-aware)" in capsys.readouterr().err


def test_readme_first_command_runs_the_flagship_study_into_its_html_report():
    """The README's first command (scripts/demo.sh) runs ghibli-wave and ends in its HTML report,
    and the README says where that report is and what to look at first."""
    demo = (REPO / "scripts" / "demo.sh").read_text()
    commands = [line for line in demo.splitlines() if line and not line.startswith("#")]
    assert "./build/dcsim run scenarios/ghibli-wave.yaml -o out/ghibli-wave.h5" in commands
    report = "PYTHONPATH=analysis /usr/bin/python3 -m dcsim_analysis report out/ghibli-wave.h5 -o out/ghibli-wave-report"
    assert report in commands
    assert commands.index(report) > commands.index("./build/dcsim run scenarios/ghibli-wave.yaml -o out/ghibli-wave.h5")
    readme = (REPO / "README.md").read_text()
    first = readme.index("    scripts/demo.sh")
    assert first < readme.index("    scripts/test.sh")                     # the first of the two commands
    after = readme[first:first + 2000]
    assert "`out/ghibli-wave-report/index.html`" in after and "Look first at **Key facts**" in after


def test_a_study_runs_its_sweep_file_and_tabulates_every_case(tmp_path):
    """A study's what-if sweep (Study.sweep, here the tiny two-axis file: 2 x 2 points x 2 seeds)
    is run with dcsim sweep and gets one table row per run, with the axes' labels and the
    study's columns; running it again reuses the complete runs."""
    from pathlib import Path

    from dcsim_analysis import document as doc
    from dcsim_analysis.studies import Study, _sweep_blocks, run_sweep
    study = Study("tiny", "t", "q", lambda run, variants: [], sweep="tests/data/sweeps/two_axes.yaml",
                  sweep_row=lambda run: {"completed": f"{int(run.summary['requests_completed'][0])}"},
                  sweep_note=lambda cases: f"{len(cases)} cases.")
    cases = run_sweep(study, Path(dcsim_bin()), tmp_path)
    assert [(c["servers"], c["rate"], c["seed"]) for c, _ in cases] == [
        (s, r, seed) for s in (4, 6) for r in ("2 /s", "3 /s") for seed in (1, 2)]
    text = doc.markdown(_sweep_blocks(study, cases))
    assert "## What-if" in text and "`tests/data/sweeps/two_axes.yaml`" in text and "8 cases." in text
    assert "| servers | rate | seed | completed |" in text and ", for each seed" in text
    # 60 or 90 arrivals in 30 s (2 or 3 /s), each served in 1 s; the last one is still in service at the end
    assert "| 4 | 2 /s | 1 | 59 |" in text and "| 6 | 3 /s | 2 | 88 |" in text
    mtime = (tmp_path / "two_axes" / "index.csv").stat().st_mtime_ns
    assert len(run_sweep(study, Path(dcsim_bin()), tmp_path)) == 8
    assert mtime <= (tmp_path / "two_axes" / "index.csv").stat().st_mtime_ns
