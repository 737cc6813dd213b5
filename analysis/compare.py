#!/usr/bin/python3
"""Command line for dcsim_analysis.compare (same as `python3 -m dcsim_analysis compare`):
`/usr/bin/python3 analysis/compare.py A.h5 B.h5 [-o DIR]`; see --help."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dcsim_analysis.compare import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="compare.py"))
