"""dcsim_analysis: read dcsim run files (HDF5) and turn them into figures, reports and comparisons.

load_run(path) -> Run; write_report(run_path, out_dir) -> Path of report.md (index.html beside
it); compare_runs(paths) -> pandas.DataFrame of /summary totals side by side;
write_comparison(paths, out_dir) -> Path of the comparison's report.md (index.html beside it).
Command line: python3 -m dcsim_analysis {report,compare,studies} ... (see __main__.py).
Layout of the files: docs/output-format.md.
"""
from .compare import compare_runs, write_comparison
from .load import NotARunError, Run, load_run, open_group_xarray
from .report import write_report

__all__ = ["load_run", "write_report", "compare_runs", "write_comparison", "open_group_xarray", "Run",
           "NotARunError"]
