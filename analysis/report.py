#!/usr/bin/python3
"""Command line for dcsim_analysis.report (same as `python3 -m dcsim_analysis report`):
`/usr/bin/python3 analysis/report.py RUN.h5 --out DIR` writes DIR/index.html and DIR/report.md."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dcsim_analysis.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="report.py"))
