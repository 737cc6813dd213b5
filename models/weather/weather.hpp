// Outdoor weather at a site: dry bulb, wet bulb, humidity and pressure as functions of calendar
// time (UTC seconds since 1970). The cooling plant (models/facility) reads it every facility step.
//
// Models (docs/models/weather.md), each registered in weather_registry() with its parameters:
//   synthetic  annual + diurnal sinusoids (optional heat waves)              synthetic_weather.hpp
//   preset     the synthetic model fitted to a climate's monthly normals     climate_normals.hpp
//   csv        an hourly CSV (time, drybulb_c, wetbulb_c | rh | dewpoint_c), linear interpolation
//   epw        an EnergyPlus weather file (typical year or dated rows)       hourly_weather.hpp
#pragma once

#include <memory>
#include <string>

#include "sim/registry/registry.hpp"

namespace dcsim::weather {

struct Conditions {
  double drybulb_c = 0;
  double wetbulb_c = 0;
  double dewpoint_c = 0;
  double rh = 0;             // relative humidity, 0..1
  double pressure_pa = 101325;
};

class Weather {
 public:
  virtual ~Weather() = default;
  virtual Conditions at(double epoch_s) const = 0;
};

// What a factory needs besides its parameters.
struct WeatherContext {
  double start_epoch_s = 0;  // calendar time of simulated t = 0
  double horizon_s = 0;      // the run must be covered by dated data
  std::string scenario_dir;  // relative paths resolve here
};

using WeatherRegistry = Registry<Weather, const WeatherContext&>;
WeatherRegistry& weather_registry();
void register_weather_models();

// One per model file.
void register_synthetic_weather(WeatherRegistry& r);
void register_hourly_weather(WeatherRegistry& r);

}  // namespace dcsim::weather
