"""The layout of run files written by dcsim (docs/output-format.md), checked with h5py + xarray.

Runs on the files named by DCSIM_H5_SAMPLE (one path, or several separated by os.pathsep);
skipped when it is not set.
"""

import os

import pytest

from h5_layout import check_layout

SAMPLES = [p for p in os.environ.get("DCSIM_H5_SAMPLE", "").split(os.pathsep) if p]


@pytest.mark.skipif(not SAMPLES, reason="DCSIM_H5_SAMPLE not set: no dcsim run file to check")
@pytest.mark.parametrize("path", SAMPLES or ["<none>"])
def test_run_file_has_documented_layout(path):
    assert os.path.isfile(path), f"DCSIM_H5_SAMPLE names {path}, which is not a file"
    n, groups = check_layout(path)
    assert n > 0, f"{path}: no samples"
    assert "/fleet" in groups, f"{path}: no /fleet series"
