// The `grid:` block of a site (declared once, grid_schema()), and building a SiteGrid from it:
// parameters to SiteGridSpec, the cross-field checks (every problem collected, one InputError),
// and the registration of the grid's models.
#include <cmath>
#include <stdexcept>

#include "models/grid/series_csv.hpp"
#include "models/grid/site_grid.hpp"
#include "sim/util/text.hpp"

namespace dcsim::grid {

namespace {

using scenario::ChildKind;
using scenario::ChildSpec;
using scenario::ParamSpec;
using scenario::Schema;
using units::Quantity;

const Schema& event_schema() {
  static const Schema s{
      "grid event",
      "A demand-response or curtailment event: the utility limits the site's import for a window.",
      {ParamSpec::string("name").req().id().doc("Event name (in /events rows)."),
       ParamSpec::choice("kind", {"demand_response", "curtailment"}).def("demand_response").doc("What it is (a label)."),
       ParamSpec::quantity_of("start", Quantity::time).req().at_least(0).doc("Start, as simulated time since t = 0."),
       ParamSpec::quantity_of("duration", Quantity::time).req().above(0).doc("Length of the window."),
       ParamSpec::quantity_of("limit", Quantity::power).req().at_least(0).doc(
           "Import limit during the window (reduce to X W).")},
      {}};
  return s;
}

const Schema& battery_schema() {
  static const Schema s{
      "battery",
      "On-site battery (models/grid/battery.hpp). Absent or capacity 0: none.",
      {ParamSpec::quantity_of("capacity", Quantity::energy).def("0 J").at_least(0).doc("Energy capacity (SoC 1)."),
       ParamSpec::quantity_of("power", Quantity::power).def("0 W").at_least(0).doc("Discharge power rating."),
       ParamSpec::quantity_of("charge_power", Quantity::power).at_least(0).doc("Charge power rating (default: power)."),
       ParamSpec::quantity_of("charge_efficiency", Quantity::dimensionless)
           .def("0.922")
           .above(0)
           .at_most(1)
           .doc("AC to stored energy.")
           .src("estimate: 0.922^2 = 0.85 round trip (NREL ATB, utility-scale Li-ion)"),
       ParamSpec::quantity_of("discharge_efficiency", Quantity::dimensionless)
           .def("0.922")
           .above(0)
           .at_most(1)
           .doc("Stored to AC energy.")
           .src("estimate: 0.922^2 = 0.85 round trip (NREL ATB, utility-scale Li-ion)"),
       ParamSpec::quantity_of("soc_min", Quantity::dimensionless).def("0.05").at_least(0).below(1).doc("Lowest SoC."),
       ParamSpec::quantity_of("soc_max", Quantity::dimensionless).def("0.95").above(0).at_most(1).doc("Highest SoC."),
       ParamSpec::quantity_of("soc_initial", Quantity::dimensionless).def("0.5").at_least(0).at_most(1).doc("SoC at t = 0."),
       ParamSpec::quantity_of("reserve", Quantity::dimensionless)
           .at_least(0)
           .at_most(1)
           .doc("Backup reserve: the policy never discharges below this SoC; responses to grid limits may go down to "
                "soc_min (default: soc_min)."),
       ParamSpec::choice("policy", {"none", "peak_shaving", "reserve", "clean", "cheap"})
           .def("none")
           .doc("none: used only in responses and for solar surplus; peak_shaving: hold the import at or below "
                "peak_threshold; reserve: keep charged; clean / cheap: charge when the intensity / price is below "
                "(1 - band) x its mean over the forecast window, discharge above (1 + band) x."),
       ParamSpec::quantity_of("peak_threshold", Quantity::power)
           .def("0 W")
           .at_least(0)
           .doc("peak_shaving: import threshold (0: the interconnect capacity)."),
       ParamSpec::quantity_of("band", Quantity::dimensionless).def("0.1").at_least(0).below(1).doc(
           "clean / cheap: relative band around the forecast mean.")},
      {}};
  return s;
}

const Schema& solar_schema() {
  static const Schema s{
      "solar",
      "On-site solar, PVWatts v5 (models/grid/solar_pv.hpp). Absent or capacity 0: none.",
      {ParamSpec::quantity_of("capacity", Quantity::power).def("0 W").at_least(0).doc("DC nameplate capacity."),
       ParamSpec::quantity_of("dc_ac_ratio", Quantity::dimensionless).def("1.2").above(0).doc("DC/AC ratio (PVWatts default)."),
       ParamSpec::quantity_of("temperature_coefficient", Quantity::dimensionless)
           .def("-0.0047")
           .doc("Power temperature coefficient per degC (PVWatts standard module)."),
       ParamSpec::quantity_of("losses", Quantity::dimensionless).def("0.14").at_least(0).below(1).doc(
           "System losses (PVWatts default 14 %)."),
       ParamSpec::quantity_of("inverter_efficiency", Quantity::dimensionless).def("0.96").above(0).at_most(1).doc(
           "Nominal inverter efficiency (PVWatts v5)."),
       ParamSpec::choice("irradiance", {"synthetic", "csv"}).def("synthetic").doc(
           "synthetic: clear-sky (Haurwitz) times an AR(1) clearness; csv: an hourly file (path)."),
       ParamSpec::string("path").def("").doc("Irradiance file (irradiance: csv): timestamp, poa_w_per_m2 (hour start, UTC)."),
       ParamSpec::string("irradiance_column").def("poa_w_per_m2").doc("Column of plane-of-array irradiance, W/m2."),
       ParamSpec::quantity_of("latitude", Quantity::dimensionless).def("38").at_least(-90).at_most(90).doc(
           "Site latitude, degrees north (synthetic irradiance)."),
       ParamSpec::quantity_of("longitude", Quantity::dimensionless).def("-98").at_least(-180).at_most(180).doc(
           "Site longitude, degrees east (synthetic irradiance)."),
       ParamSpec::quantity_of("clearness", Quantity::dimensionless).def("0.7").at_least(0).at_most(1).doc(
           "Mean clearness factor on the clear-sky irradiance (synthetic)."),
       ParamSpec::quantity_of("clearness_sd", Quantity::dimensionless).def("0.2").at_least(0).doc(
           "Standard deviation of the hourly clearness factor (synthetic)."),
       ParamSpec::quantity_of("ambient_temperature", Quantity::temperature).def("25 degC").doc(
           "Ambient temperature when the site has no weather model."),
       ParamSpec::quantity_of("wind_speed_m_s", Quantity::dimensionless).def("1").at_least(0).doc(
           "Wind speed at the modules, m/s (cell temperature).")},
      {}};
  return s;
}

const Schema& genset_schema() {
  static const Schema s{
      "gensets",
      "On-site generator sets, started as a response to grid limits (models/grid/genset.hpp). Absent or capacity 0: none.",
      {ParamSpec::quantity_of("capacity", Quantity::power).def("0 W").at_least(0).doc("Total capacity."),
       ParamSpec::quantity_of("start_delay", Quantity::time).def("10 s").at_least(0).doc(
           "From start to load (NFPA 110 Type 10)."),
       ParamSpec::quantity_of("min_run", Quantity::time).def("10 min").at_least(0).doc(
           "They stop after this long without need."),
       ParamSpec::quantity_of("emission_factor", Quantity::carbon_intensity)
           .def("730 g/kWh")
           .at_least(0)
           .doc("CO2 per kWh generated.")
           .src("0.27 L/kWh x 2.70 kg CO2/L (EPA GHG emission factors: diesel 10.21 kg/gal)"),
       ParamSpec::quantity_of("fuel_l_per_kwh", Quantity::dimensionless).def("0.27").at_least(0).doc(
           "Fuel use, L per kWh (estimate: a large diesel standby set near full load)."),
       ParamSpec::quantity_of("fuel_price_usd_per_l", Quantity::dimensionless).def("1.0").at_least(0).doc(
           "Fuel price, USD per L.")},
      {}};
  return s;
}

// An optional model block whose absence reads as `{model: none}` (so the resolved scenario
// says so and re-loads).
ChildSpec model_child(const char* key, const char* category, const char* help) {
  ChildSpec c{key, ChildKind::model, nullptr, category, "", false, help};
  c.default_yaml = "{model: none}";
  return c;
}

Schema make_grid_schema() {
  return Schema{
      "grid",
      "The site's grid connection: supply mix and carbon, price, import limits and the responses to them, on-site "
      "battery, solar and gensets (docs/models/grid.md). With `supply: none` (the default) the site has no grid model.",
      {ParamSpec::quantity_of("interconnect", Quantity::power).def("0 W").at_least(0).doc(
           "Interconnect capacity: the most the site may import (0: unlimited)."),
       ParamSpec::quantity_of("export_limit", Quantity::power).def("0 W").at_least(0).doc(
           "Most on-site surplus (solar) that may be exported; the rest is curtailed. Exports earn nothing."),
       ParamSpec::string("responses")
           .def("battery,gensets,cap,shed")
           .doc("Responses to an import limit, in the order they are used: battery (discharge), gensets (start), cap "
                "(the pools' GPU power cap), shed (shed or reroute load). Leave one out to forbid it."),
       ParamSpec::quantity_of("margin", Quantity::dimensionless).def("0.02").at_least(0).below(1).doc(
           "Safety margin: planned responses (battery, gensets, cap, shed) aim at (1 - margin) x the import limit, "
           "so that a rise of load between control steps up to margin x limit, and the error of the demand "
           "estimate, stay below the limit (0: aim at the limit, which then holds on average only). 0.02 is an "
           "ASSUMPTION (docs/models/grid.md); load that varies within a step is not covered."),
       ParamSpec::quantity_of("forecast_window", Quantity::time).def("6 h").above(0).doc(
           "Window of the intensity and price forecasts (signals for routers; clean/cheap battery policies)."),
       ParamSpec::quantity_of("demand_charge_usd_per_kw", Quantity::dimensionless).def("0").at_least(0).doc(
           "Demand charge, USD per kW of the month's peak demand-interval mean import."),
       ParamSpec::quantity_of("demand_interval", Quantity::time).def("15 min").above(0).doc(
           "Averaging interval of the demand charge's peak (UTC-aligned).")},
      {model_child("supply", "grid_supply", "Generation mix and carbon intensity of the grid (none: no grid model)."),
       model_child("price", "grid_price", "Energy price (none: no energy cost)."),
       ChildSpec{"events", ChildKind::list, &event_schema(), "", "", false, "Demand-response and curtailment events."},
       ChildSpec{"battery", ChildKind::block, &battery_schema(), "", "", false, "On-site battery."},
       ChildSpec{"solar", ChildKind::block, &solar_schema(), "", "", false, "On-site solar."},
       ChildSpec{"gensets", ChildKind::block, &genset_schema(), "", "", false, "On-site gensets."}}};
}

std::vector<Response> parse_responses(const scenario::Config& c, scenario::Diagnostics& d) {
  static const std::vector<std::string> names{"battery", "gensets", "cap", "shed"};
  std::vector<Response> out;
  const std::string& text = c.str("responses");
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string w = text.substr(start, comma - start);
    w.erase(0, w.find_first_not_of(' '));
    w.erase(w.find_last_not_of(' ') + 1);
    start = comma + 1;
    if (w.empty()) continue;
    size_t i = 0;
    while (i < names.size() && names[i] != w) ++i;
    if (i == names.size()) {
      const std::string near = nearest(w, names);
      d.error(c.where("responses"), c.path() + ".responses",
              "unknown response '" + w + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") + " (known: " +
                  quoted_list(names) + ")");
      continue;
    }
    const Response r = static_cast<Response>(i);
    for (Response q : out) {
      if (q == r) d.error(c.where("responses"), c.path() + ".responses", "response '" + w + "' listed twice");
    }
    out.push_back(r);
  }
  return out;
}

SiteGridSpec make_spec(const scenario::Config& g, const GridContext& ctx, scenario::Diagnostics& d) {
  SiteGridSpec s;
  s.interconnect_w = g.num("interconnect") > 0 ? g.num("interconnect") : kInf;
  s.export_limit_w = g.num("export_limit");
  s.responses = parse_responses(g, d);
  s.margin = g.num("margin");
  s.forecast_window_s = g.num("forecast_window");
  s.demand_charge_usd_per_w = g.num("demand_charge_usd_per_kw") / 1000.0;
  s.demand_interval_s = g.num("demand_interval");
  for (const auto& e : g.list("events")) {
    s.events.push_back({e.str("name"), e.str("kind"), e.num("start"), e.num("start") + e.num("duration"), e.num("limit")});
  }
  const auto& b = g.child("battery");
  s.battery.capacity_j = b.num("capacity");
  s.battery.discharge_power_w = b.num("power");
  s.battery.charge_power_w = b.has("charge_power") ? b.num("charge_power") : b.num("power");
  s.battery.charge_efficiency = b.num("charge_efficiency");
  s.battery.discharge_efficiency = b.num("discharge_efficiency");
  s.battery.soc_min = b.num("soc_min");
  s.battery.soc_max = b.num("soc_max");
  s.battery.soc_initial = b.num("soc_initial");
  s.battery.reserve = b.has("reserve") ? b.num("reserve") : b.num("soc_min");
  const std::string& policy = b.str("policy");
  s.policy = policy == "peak_shaving" ? BatteryPolicy::peak_shaving
             : policy == "reserve"    ? BatteryPolicy::reserve
             : policy == "clean"      ? BatteryPolicy::clean
             : policy == "cheap"      ? BatteryPolicy::cheap
                                      : BatteryPolicy::none;
  s.peak_threshold_w = b.num("peak_threshold");
  s.policy_band = b.num("band");
  if (s.battery.capacity_j > 0) {
    const auto bad = [&](const char* key, const std::string& msg) { d.error(b.where(key), b.path() + "." + key, msg); };
    if (!(s.battery.discharge_power_w > 0)) bad("power", "a battery with a capacity needs a power rating > 0");
    if (!(s.battery.soc_min < s.battery.soc_max)) bad("soc_min", "expected soc_min < soc_max");
    if (s.battery.soc_initial < s.battery.soc_min || s.battery.soc_initial > s.battery.soc_max) {
      bad("soc_initial", "expected soc_initial in [soc_min, soc_max]");
    }
    if (s.battery.reserve < s.battery.soc_min || s.battery.reserve > s.battery.soc_max) {
      bad("reserve", "expected reserve in [soc_min, soc_max]");
    }
    if (s.policy == BatteryPolicy::peak_shaving && s.peak_threshold_w == 0 && !std::isfinite(s.interconnect_w)) {
      bad("peak_threshold", "peak_shaving needs a peak_threshold or an interconnect capacity");
    }
  } else if (s.policy != BatteryPolicy::none) {
    d.error(b.where("policy"), b.path() + ".policy", "a battery policy needs a battery (capacity > 0)");
  }
  const auto& pv = g.child("solar");
  s.pv.dc_capacity_w = pv.num("capacity");
  s.pv.dc_ac_ratio = pv.num("dc_ac_ratio");
  s.pv.gamma_per_c = pv.num("temperature_coefficient");
  s.pv.losses = pv.num("losses");
  s.pv.inverter_efficiency = pv.num("inverter_efficiency");
  s.pv.wind_speed_m_s = pv.num("wind_speed_m_s");
  s.ambient_c = pv.num("ambient_temperature");
  if (s.pv.dc_capacity_w > 0) {
    if (pv.str("irradiance") == "csv") {
      if (pv.str("path").empty()) {
        d.error(pv.where("irradiance"), pv.path() + ".path", "irradiance: csv needs a path");
      } else {
        SeriesCsvSpec spec;
        spec.path = resolve_path(pv.str("path"), ctx.scenario_dir);
        spec.value_column = pv.str("irradiance_column");
        spec.what = "irradiance file";
        spec.where = pv.where("path");
        spec.key_path = pv.path() + ".path";
        try {
          s.irradiance = read_series_csv(spec);
        } catch (const scenario::InputError& e) {
          for (const auto& i : e.issues()) d.error(i.where, i.path, i.message);
        }
      }
    } else {
      Rng rng(ctx.seed, "sites/" + ctx.site + "/grid/solar");
      s.irradiance = synthetic_irradiance(pv.num("latitude"), pv.num("longitude"), ctx.start_year(),
                                          pv.num("clearness"), pv.num("clearness_sd"), rng);
    }
    if (!s.irradiance.empty()) s.irradiance.bind(ctx.start_epoch_s);
  }
  const auto& gs = g.child("gensets");
  s.gensets.capacity_w = gs.num("capacity");
  s.gensets.start_delay_s = gs.num("start_delay");
  s.gensets.min_run_s = gs.num("min_run");
  s.gensets.emission_factor_g_per_j = gs.num("emission_factor");
  s.gensets.fuel_l_per_j = gs.num("fuel_l_per_kwh") / 3.6e6;
  s.gensets.fuel_price_usd_per_l = gs.num("fuel_price_usd_per_l");
  return s;
}

}  // namespace

const scenario::Schema& grid_schema() {
  static const Schema s = make_grid_schema();
  return s;
}

bool grid_configured(const scenario::Config& grid) {
  const std::string& m = grid.child("supply").model();
  return !m.empty() && m != "none";
}

SiteGrid::SiteGrid(const scenario::Config& g, const GridContext& ctx) : ctx_(ctx) {
  scenario::Diagnostics d;
  if (!grid_configured(g)) d.error(g.where(), g.path(), "missing block 'supply' (a grid_supply model other than none)");
  d.throw_if_errors();
  supply_ = supply_registry().create(g.child("supply"), ctx);
  const std::string& price = g.child("price").model();
  if (!price.empty() && price != "none") price_ = price_registry().create(g.child("price"), ctx);
  spec_ = make_spec(g, ctx, d);
  d.throw_if_errors();
  init();
}

void register_grid_models() {
  static const bool done = [] {
    auto& s = supply_registry();
    s.add("none", "No grid model at the site (the default).", {},
          [](const scenario::Config&, const GridContext&) -> std::unique_ptr<GridSupply> {
            throw std::logic_error("grid_supply 'none' is never built");
          });
    register_constant_supply(s);
    register_synthetic_supply(s);
    register_eia930_supply(s);
    auto& p = price_registry();
    p.add("none", "No energy price: the energy costs nothing (the default).", {},
          [](const scenario::Config&, const GridContext&) -> std::unique_ptr<GridPrice> {
            throw std::logic_error("grid_price 'none' is never built");
          });
    register_price_models(p);
    register_tou_price(p);
    return true;
  }();
  (void)done;
}

}  // namespace dcsim::grid
