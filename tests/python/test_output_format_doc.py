"""docs/output-format.md's walk-through works as written: every ```python block of the page runs,
in order, from a folder holding out/smoke.h5 (a run of scenarios/smoke.yaml) and analysis/, as a
reader at the top of the repository would run it."""
import os
import re
import shutil

from conftest import REPO

DOC = REPO / "docs" / "output-format.md"


def test_every_python_block_of_the_output_format_page_runs(smoke_run, tmp_path, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 2, "the walk-through and the dcsim_analysis example"
    (tmp_path / "out").mkdir()
    shutil.copy(smoke_run, tmp_path / "out" / "smoke.h5")
    (tmp_path / "analysis").symlink_to(REPO / "analysis")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for i, code in enumerate(blocks):
            exec(compile(code, f"{DOC.name} python block {i + 1}", "exec"), {"__name__": "__doc_example__"})
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out
    assert "smoke 42 1 horizon" in printed and "IT energy of the pool:" in printed


def test_the_page_describes_load_run_as_it_is():
    import inspect
    import sys
    sys.path.insert(0, str(REPO / "analysis"))
    from dcsim_analysis.load import Run
    text = DOC.read_text()
    assert "returns a dict of pandas DataFrames" not in text
    for name in ("groups", "units", "summary", "events", "requests", "clock", "view", "damaged", "complete"):
        assert hasattr(Run, name) or name in inspect.signature(Run).parameters, name
        assert f"run.{name}" in text, name
