"""dcsim_analysis: read dcsim run files (HDF5) and turn them into plots, reports and comparisons.

load_run(path) -> Run; write_report(run_path, out_dir) -> Path of report.md;
compare_runs(paths) -> pandas.DataFrame of /summary totals side by side.
Layout of the files: docs/output-format.md.
"""
from .compare import compare_runs
from .load import NotARunError, Run, load_run, open_group_xarray
from .report import write_report

__all__ = ["load_run", "write_report", "compare_runs", "open_group_xarray", "Run", "NotARunError"]
