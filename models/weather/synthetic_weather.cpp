#include "models/weather/synthetic_weather.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/weather/climate_normals.hpp"
#include "models/weather/psychrometrics.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/text.hpp"

namespace dcsim::weather {

namespace {
constexpr double kYearDays = 365.2425;
constexpr double kTwoPi = 2 * std::numbers::pi;
// x mod y in [0, y) (std::fmod is an exact, slow loop).
double wrap(double x, double y) { return x - y * std::floor(x / y); }
}  // namespace

double HeatWave::weight(double t) const {
  const double x = t - start_epoch_s;
  if (x <= 0 || x >= duration_s) return 0;
  const double r = std::min(ramp_s, 0.5 * duration_s);
  if (r <= 0) return 1;
  if (x < r) return 0.5 * (1 - std::cos(std::numbers::pi * x / r));
  if (x > duration_s - r) return 0.5 * (1 - std::cos(std::numbers::pi * (duration_s - x) / r));
  return 1;
}

SyntheticWeather::SyntheticWeather(SyntheticClimate c) : c_(std::move(c)) {}

Conditions SyntheticWeather::at(double epoch_s) const {
  const double local = epoch_s + c_.utc_offset_s;
  const double day = wrap(local / 86400.0, kYearDays);
  const double hour = wrap(local, 86400.0) / 3600.0;
  const double annual = std::cos(kTwoPi * (day - c_.warmest_day) / kYearDays);
  const double diurnal = c_.diurnal_amplitude_c + c_.diurnal_amplitude_annual_c * annual;
  double t = c_.mean_c + c_.offset_c + c_.annual_amplitude_c * annual +
             diurnal * std::cos(kTwoPi * (hour - c_.warmest_hour) / 24.0);
  double td_extra = 0;
  for (const auto& hw : c_.heat_waves) {
    const double w = hw.weight(epoch_s);
    t += hw.delta_c * w;
    td_extra += hw.dewpoint_delta_c * w;
  }
  Conditions out;
  out.drybulb_c = t;
  out.pressure_pa = c_.pressure_pa;
  if (c_.rh >= 0) {
    out.rh = c_.rh;
    out.dewpoint_c = dewpoint_from_rh(t, c_.rh);
  } else {
    const double td = c_.dewpoint_mean_c + c_.offset_c + td_extra +
                      c_.dewpoint_amplitude_c * std::cos(kTwoPi * (day - c_.dewpoint_warmest_day) / kYearDays);
    out.dewpoint_c = std::min(td, t);
    out.rh = rh_from_dewpoint(t, out.dewpoint_c);
  }
  out.wetbulb_c = std::min(t, wetbulb_stull(t, out.rh));
  return out;
}

namespace {

using scenario::ChildKind;
using scenario::ChildSpec;
using scenario::Config;
using scenario::ParamSpec;
using scenario::Schema;
using units::Quantity;

const Schema& heat_wave_schema() {
  static const Schema s{
      "heat_wave",
      "A heat wave: the dry bulb rises by `delta` over a plateau, with raised-cosine ramps at both ends.",
      {ParamSpec::datetime("start").req().doc("Start of the ramp up (calendar date-time)."),
       ParamSpec::quantity_of("duration", Quantity::time).req().above(0).doc("From the start of the ramp up to the end of the ramp down."),
       ParamSpec::quantity_of("ramp", Quantity::time).def("12 h").at_least(0).doc("Length of each ramp."),
       ParamSpec::quantity_of("delta", Quantity::temperature)
           .req()
           .doc("Dry-bulb rise on the plateau, a difference in K written in degC ('8 degC'; not degF or K)."),
       ParamSpec::quantity_of("dewpoint_delta", Quantity::temperature)
           .def("0 degC")
           .doc("Dew-point rise on the plateau (0: a dry heat wave, relative humidity falls).")},
      {}};
  return s;
}

std::vector<HeatWave> read_heat_waves(const Config& cfg) {
  std::vector<HeatWave> out;
  for (const auto& h : cfg.list("heat_waves")) {
    out.push_back({h.num("start"), h.num("duration"), h.num("ramp"), h.num("delta"), h.num("dewpoint_delta")});
  }
  return out;
}

ChildSpec heat_waves_child() {
  return ChildSpec{.key = "heat_waves", .kind = ChildKind::list, .schema = &heat_wave_schema(),
                   .help = "Heat waves added to the dry bulb (and optionally the dew point)."};
}

ParamSpec utc_offset() {
  return ParamSpec::quantity_of("utc_offset", Quantity::time)
      .def("0 h")
      .at_least(-14 * 3600.0)
      .at_most(14 * 3600.0)
      .doc("Local standard time minus UTC (the diurnal cycle follows local time).");
}

}  // namespace

void register_synthetic_weather(WeatherRegistry& r) {
  r.add("synthetic",
        "Annual and diurnal sinusoids of the dry bulb, a dew point (or constant relative humidity), optional heat "
        "waves; wet bulb by Stull (2011).",
        {ParamSpec::quantity_of("mean", Quantity::temperature).def("12 degC").doc("Annual mean dry bulb."),
         ParamSpec::quantity_of("annual_amplitude", Quantity::temperature)
             .def("10 degC")
             .at_least(0)
             .doc("Half the difference between the warmest and coldest day means (K, written in degC)."),
         ParamSpec::quantity_of("warmest_day", Quantity::dimensionless)
             .def("200")
             .at_least(0)
             .below(366)
             .doc("Day of the year (0 = 1 January) of the annual maximum."),
         ParamSpec::quantity_of("diurnal_amplitude", Quantity::temperature)
             .def("5 degC")
             .at_least(0)
             .doc("Half the mean daily range (K, written in degC)."),
         ParamSpec::quantity_of("diurnal_amplitude_annual", Quantity::temperature)
             .def("0 degC")
             .doc("Annual variation of the half daily range, largest on the warmest day (K)."),
         ParamSpec::quantity_of("warmest_hour", Quantity::dimensionless)
             .def("15")
             .at_least(0)
             .below(24)
             .doc("Local hour of the daily maximum."),
         ParamSpec::quantity_of("dewpoint_mean", Quantity::temperature).def("5 degC").doc("Annual mean dew point."),
         ParamSpec::quantity_of("dewpoint_amplitude", Quantity::temperature)
             .def("7 degC")
             .at_least(0)
             .doc("Annual half range of the dew point (K), largest on the warmest day."),
         ParamSpec::quantity_of("relative_humidity", Quantity::dimensionless)
             .def("-1")
             .at_least(-1)
             .at_most(1)
             .doc("Constant relative humidity (0..1) instead of the dew point cycle; -1: use the dew point."),
         ParamSpec::quantity_of("pressure", Quantity::dimensionless)
             .def("101325")
             .above(50000)
             .below(110000)
             .doc("Station pressure in Pa."),
         utc_offset()},
        [](const Config& c, const WeatherContext&) {
          SyntheticClimate s;
          s.mean_c = c.num("mean");
          s.annual_amplitude_c = c.num("annual_amplitude");
          s.warmest_day = c.num("warmest_day");
          s.diurnal_amplitude_c = c.num("diurnal_amplitude");
          s.diurnal_amplitude_annual_c = c.num("diurnal_amplitude_annual");
          s.warmest_hour = c.num("warmest_hour");
          s.dewpoint_mean_c = c.num("dewpoint_mean");
          s.dewpoint_amplitude_c = c.num("dewpoint_amplitude");
          s.dewpoint_warmest_day = s.warmest_day;
          s.rh = c.num("relative_humidity");
          s.pressure_pa = c.num("pressure");
          s.utc_offset_s = c.num("utc_offset");
          s.heat_waves = read_heat_waves(c);
          return std::make_unique<SyntheticWeather>(std::move(s));
        },
        {heat_waves_child()});

  r.add("preset",
        "The synthetic model fitted to a region's published 1991-2020 monthly normals (northern-virginia, phoenix, "
        "helsinki, seoul, oregon); see docs/models/weather.md for the normals and the fitted parameters.",
        {ParamSpec::choice("climate", climate_names()).req().doc("Climate preset."),
         ParamSpec::quantity_of("offset", Quantity::temperature)
             .def("0 degC")
             .doc("Added to the dry bulb and the dew point (a warmer or cooler year; K written in degC).")},
        [](const Config& c, const WeatherContext&) {
          const ClimateNormals* n = find_climate(c.str("climate"));
          if (!n) throw std::logic_error("climate preset '" + c.str("climate") + "' not found");  // choice-checked
          SyntheticClimate s = fit_climate(*n).climate;
          s.offset_c = c.num("offset");
          s.heat_waves = read_heat_waves(c);
          return std::make_unique<SyntheticWeather>(std::move(s));
        },
        {heat_waves_child()});
}

}  // namespace dcsim::weather
