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
