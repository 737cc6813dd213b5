"""scenarios/vc3-ghibli.yaml reproduces the Ghibli-week arithmetic of calibration.yaml
VC3_ghibli_surge_energy_carbon at 1/1000 scale (the issue's tolerance: 2 %).

  700,000 images x 2.907 Wh = 2.035 MWh of IT; x PUE 1.2 = 2.442 MWh; x 367.4 g/kWh = 897 kg CO2
  (US 2023, grid.us_2023_eia), x 548 g/kWh = 1,338 kg (data-center weighted, grid.datacenter_weighted_us).
The images are a Poisson count (sd ~0.12 % of 700,000), inside the 2 %; per image served the
energy is exact: 700 W x 14.950286 s = 2.907 Wh.
"""

import h5py
import numpy as np
import pytest

from conftest import REPO, run_dcsim


def test_vc3_ghibli_week_energy_and_carbon_match_the_arithmetic(tmp_path):
    out = tmp_path / "vc3.h5"
    run_dcsim("run", REPO / "scenarios" / "vc3-ghibli.yaml", "-o", out, "-q", check=True)
    with h5py.File(out) as f:
        s = {k: float(np.asarray(v).ravel()[0]) for k, v in f["summary"].attrs.items() if not k.endswith("_units")}
        for site, intensity, t_co2 in (("us-avg", 367.4, 897), ("dc-weighted", 548, 1338)):
            it_kwh = f[f"sites/{site}/energy_it_j"][:].sum() / 3.6e6
            images = f[f"sites/{site}/pools/image/completed"][:].sum()
            assert images == pytest.approx(700_000, rel=0.01)
            assert it_kwh == pytest.approx(2035, rel=0.02)
            # Per image: 2.907 Wh, up to the few images in service at the end (at most 24).
            assert it_kwh * 1e3 / images == pytest.approx(2.907, rel=5e-4)
            fac_kwh = s[f"{site}_energy_facility_j"] / 3.6e6
            assert fac_kwh == pytest.approx(2442, rel=0.02)
            assert fac_kwh == pytest.approx(1.2 * it_kwh, rel=1e-9)
            co2_kg = s[f"{site}_emissions_g"] / 1e3
            assert co2_kg == pytest.approx(t_co2, rel=0.02)
            assert co2_kg == pytest.approx(fac_kwh * intensity / 1e3, rel=1e-9)
