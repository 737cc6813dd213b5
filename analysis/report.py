#!/usr/bin/python3
"""Command line for dcsim_analysis.report: see `/usr/bin/python3 analysis/report.py --help`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dcsim_analysis.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
