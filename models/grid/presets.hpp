// Grid-region presets (models/grid/presets.yaml): the annual mix of each region the sources name,
// the intensity they cite and the synthetic shape of its hours. The file's header says what is
// sourced and what is synthetic; docs/models/grid.md has the table.
#pragma once

#include <string>
#include <vector>

#include "models/grid/fuel.hpp"
#include "models/grid/synthetic_mix.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::grid {

struct CitedIntensity {
  std::string id;  // calibration.yaml id
  FactorBasis basis = FactorBasis::lifecycle;
  double g_per_kwh = 0;  // the figure (for a range: its midpoint)
  double low = 0, high = 0;  // the range (low = high = the figure when one number is cited)
};

struct RegionPreset {
  std::string name, title, kind;  // kind: country | us_state | egrid_subregion
  int year = 0;
  FactorBasis basis = FactorBasis::lifecycle;  // the basis of its cited figure, used by default
  FuelArray shares{};
  std::string mix_confidence, mix_source, note, draws_from;
  std::vector<CitedIntensity> cited;
  SyntheticShape shape;
  // Σ share · EF for a basis, in g/kWh.
  double annual_g_per_kwh(FactorBasis b) const;
};

std::string builtin_presets_path();  // DCSIM_SOURCE_DIR "/models/grid/presets.yaml"
// Loaded once (throws scenario::InputError with file:line on a bad file).
const std::vector<RegionPreset>& builtin_presets();
std::vector<std::string> preset_names();
// Throws InputError at `where` / `key_path` with "did you mean" for an unknown name.
const RegionPreset& find_preset(const std::string& name, const scenario::Location& where = {},
                                const std::string& key_path = "");
// Read a presets file (tests and users' own files).
std::vector<RegionPreset> load_presets(const std::string& path);

}  // namespace dcsim::grid
