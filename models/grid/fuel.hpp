// Fuels of a generation mix and their emission factors.
//
// A mix is the generation (MW, or shares) of each fuel in an hour. Its carbon intensity is
//
//   I = Σ_f g_f · EF_f / Σ_f g_f                                   (g/J inside; g/kWh in files)
//
// with EF_f the emission factor of fuel f from one of two factor sets:
//
//   lifecycle  gCO2e per kWh over the plant's life (construction, fuel chain, operation): the
//              medians of IPCC AR5 WG3 Annex III, Table A.III.2 (Schlömer et al. 2014): coal 820
//              (pulverised coal), gas 490 (combined cycle), biomass 230 (dedicated), geothermal
//              38, hydro 24, nuclear 12, wind 11 (onshore), solar 48 (utility PV). AR5 gives no
//              oil median; oil and `other` take 700, Ember's factor for "other fossil", so that
//              the set is the one behind the Ember/OWID figures of calibration.yaml
//              (grid.countries_2023, grid.us_2023_owid).
//   direct     gCO2 per kWh at the stack only, as EIA and eGRID count it (grid.us_2023_eia,
//              grid.us_egrid2022, grid.egrid2022_subregions): the US 2023 averages of EIA's
//              table (EIA FAQ 74): coal 709 Mt / 675,115 GWh = 1050.2, gas 790 Mt / 1,806,063 GWh
//              = 437.4, petroleum 18 Mt / 16,233 GWh = 1108.8; `other` 900 (estimate: the 1 % of
//              CO2 EIA assigns to other fossil-derived gases, over their ~17 TWh); biomass,
//              hydro, nuclear, solar, wind and geothermal 0 (EIA counts them carbon neutral).
//
// The marginal fuel of an hour is the last fuel of the merit order whose share of that hour's
// generation is at least `threshold` (default 2 %): the unit that would follow a small change of
// load. Its factor is the marginal intensity. The default merit order runs from zero marginal
// cost to the most expensive: solar, wind, hydro, nuclear, geothermal, biomass, other, coal, gas,
// oil.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace dcsim::grid {

enum class Fuel : unsigned char { coal, gas, oil, nuclear, hydro, wind, solar, biomass, geothermal, other };
constexpr size_t kFuelCount = 10;
using FuelArray = std::array<double, kFuelCount>;

constexpr size_t index(Fuel f) { return static_cast<size_t>(f); }
const char* fuel_name(Fuel f);
// "coal" -> Fuel::coal; false if unknown.
bool parse_fuel(const std::string& name, Fuel& out);
std::vector<std::string> fuel_names();
constexpr std::array<Fuel, kFuelCount> kAllFuels{Fuel::coal,  Fuel::gas,   Fuel::oil,     Fuel::nuclear,    Fuel::hydro,
                                                 Fuel::wind,  Fuel::solar, Fuel::biomass, Fuel::geothermal, Fuel::other};

enum class FactorBasis { lifecycle, direct };
const char* basis_name(FactorBasis b);
bool parse_basis(const std::string& name, FactorBasis& out);

// Emission factors in g/J (internal unit of carbon intensity).
FuelArray emission_factors(FactorBasis b);
constexpr double kJPerKWh = 3.6e6;
constexpr double g_per_kwh(double g_per_j) { return g_per_j * kJPerKWh; }
constexpr double g_per_j(double g_per_kwh) { return g_per_kwh / kJPerKWh; }

// Σ g_f EF_f / Σ g_f (0 if the mix is empty).
double intensity(const FuelArray& generation, const FuelArray& factors);

using MeritOrder = std::vector<Fuel>;
MeritOrder default_merit_order();
// The marginal fuel of one hour (see the header); the first fuel of the order if nothing generates.
Fuel marginal_fuel(const FuelArray& generation, const MeritOrder& order, double threshold);

}  // namespace dcsim::grid
