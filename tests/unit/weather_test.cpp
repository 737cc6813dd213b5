// Weather models (models/weather): psychrometrics against published values, the synthetic model's
// sinusoids and heat waves, the climate presets against their normals, hourly CSV and EPW files
// (interpolation, typical-year mapping) and every reader error with its file:line.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "models/register_models.hpp"
#include "models/weather/climate_normals.hpp"
#include "models/weather/hourly_weather.hpp"
#include "models/weather/psychrometrics.hpp"
#include "models/weather/synthetic_weather.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/loader.hpp"

using namespace dcsim;
using namespace dcsim::weather;
using Catch::Contains;

namespace {

const std::string kData = DCSIM_TEST_DATA "/weather/";

FileRef ref(const std::string& name) { return FileRef{kData + name, {"scenario.yaml", 7, 9}, "sites[0].facility.weather"}; }

std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const scenario::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

double epoch(const char* iso) { return scenario::parse_datetime(iso); }

}  // namespace

TEST_CASE("Stull wet bulb matches the paper and the psychrometric equation", "[weather]") {
  // Stull (2011), the worked example: T = 20 degC, RH = 50 % gives T_w = 13.7 degC.
  CHECK(wetbulb_stull(20, 0.5) == Approx(13.7).margin(0.05));
  // The psychrometric solution at sea level agrees within Stull's stated accuracy (|error| < 1 K,
  // mean 0.28 K) over the range of data-center climates.
  // Stull's Fig. 3: errors within about −1 and +0.65 K, mean absolute 0.28 K.
  double worst = 0, sum = 0;
  int n = 0;
  for (double t = 0; t <= 45; t += 5) {
    for (double rh = 0.1; rh <= 0.95; rh += 0.05) {
      const double td = dewpoint_from_rh(t, rh);
      const double err = std::abs(wetbulb_stull(t, rh) - wetbulb_psychrometric(t, td, kStandardPressurePa));
      worst = std::max(worst, err);
      sum += err;
      ++n;
    }
  }
  CHECK(worst < 1.25);
  CHECK(sum / n < 0.35);
  // Saturation: wet bulb = dry bulb = dew point.
  CHECK(wetbulb_psychrometric(25, 25, kStandardPressurePa) == Approx(25).margin(1e-6));
  // 25 degC at 50 % (psychrometric chart, sea level): wet bulb 17.9-18.0 degC.
  CHECK(wetbulb_psychrometric(25, dewpoint_from_rh(25, 0.5), kStandardPressurePa) == Approx(17.95).margin(0.15));
  CHECK(rh_from_dewpoint(20, dewpoint_from_rh(20, 0.37)) == Approx(0.37).epsilon(1e-9));
}

TEST_CASE("Synthetic weather follows its sinusoids and heat waves", "[weather]") {
  SyntheticClimate c;
  c.mean_c = 10;
  c.annual_amplitude_c = 12;
  c.warmest_day = 200.625;  // 15:00 of day 200
  c.diurnal_amplitude_c = 5;
  c.warmest_hour = 15;
  c.utc_offset_s = -5 * 3600.0;
  SyntheticWeather w(c);
  // Day 200 of 1970 at 15:00 local (20:00 UTC): the annual and daily maximum.
  const double peak = 200 * 86400.0 + 20 * 3600.0;
  CHECK(w.at(peak).drybulb_c == Approx(27).margin(1e-9));
  CHECK(w.at(peak + 12 * 3600.0).drybulb_c == Approx(17).margin(3e-3));  // 03:00: diurnal minimum
  // Wet bulb between dew point and dry bulb.
  const auto x = w.at(peak);
  CHECK(x.wetbulb_c < x.drybulb_c);
  CHECK(x.wetbulb_c > x.dewpoint_c);
  // A heat wave adds its delta on the plateau, half of it halfway up the ramp.
  c.heat_waves.push_back({peak - 2 * 86400.0, 5 * 86400.0, 86400.0, 8, 0});
  SyntheticWeather hw(c);
  CHECK(hw.at(peak).drybulb_c == Approx(35).margin(1e-9));
  CHECK(hw.at(peak - 1.5 * 86400.0).drybulb_c - w.at(peak - 1.5 * 86400.0).drybulb_c == Approx(4).margin(1e-9));
  CHECK(hw.at(peak + 10 * 86400.0).drybulb_c == Approx(w.at(peak + 10 * 86400.0).drybulb_c));
}

TEST_CASE("Climate presets reproduce their monthly normals", "[weather]") {
  for (const auto& n : climate_presets()) {
    INFO(n.name);
    const ClimateFit fit = fit_climate(n);
    double mean = 0;
    for (int m = 0; m < 12; ++m) mean += 0.5 * (n.tmax_c[m] + n.tmin_c[m]) / 12;
    // Least squares on unequally spaced mid-month days: the fitted mean is within 0.1 K of the normals'.
    CHECK(fit.climate.mean_c == Approx(mean).margin(0.1));
    CHECK(fit.fit_rms_c < 1.5);  // the first annual harmonic carries these climates' seasons
    // Prediction from the fitted model: July's mean daily maximum within 2.5 K of the normal (Seoul's
    // monsoon July is the worst: the sinusoid peaks at the end of July, the normals in August).
    SyntheticWeather w(fit.climate);
    const double jul15 = static_cast<double>(scenario::days_from_civil(2025, 7, 15)) * 86400.0;
    double tmax = 0;
    for (int d = 0; d < 31; ++d) {
      double day_max = -100;
      for (int h = 0; h < 24; ++h) day_max = std::max(day_max, w.at(jul15 + (d - 14) * 86400.0 + h * 3600.0 - fit.climate.utc_offset_s).drybulb_c);
      tmax += day_max / 31;
    }
    CHECK(tmax == Approx(n.tmax_c[6]).margin(2.5));
  }
  CHECK(find_climate("helsinki") != nullptr);
  CHECK(find_climate("atlantis") == nullptr);
}

TEST_CASE("Hourly CSV weather is interpolated between rows", "[weather]") {
  const HourlyWeather w = read_weather_csv(ref("hourly.csv"));
  CHECK_FALSE(w.cyclic());
  CHECK(w.rows() == 30);
  const double t0 = epoch("2025-01-01T00:00Z");
  const double a = 20 + 5 * std::cos(2 * std::numbers::pi * (3 - 15) / 24.0);
  const double b = 20 + 5 * std::cos(2 * std::numbers::pi * (4 - 15) / 24.0);
  CHECK(w.at(t0 + 3 * 3600.0).drybulb_c == Approx(a).margin(1e-3));
  CHECK(w.at(t0 + 3.25 * 3600.0).drybulb_c == Approx(a + 0.25 * (b - a)).margin(1e-3));
  CHECK(w.at(t0 + 3600.0).rh == Approx(0.5).epsilon(1e-9));
  CHECK(w.at(t0 + 3600.0).wetbulb_c < w.at(t0 + 3600.0).drybulb_c);
  // The run must be covered.
  CHECK_NOTHROW(check_covers(w, ref("hourly.csv"), t0, 20 * 3600.0));
  CHECK_THAT(input_error([&] { check_covers(w, ref("hourly.csv"), t0, 40 * 3600.0); }),
             Contains("scenario.yaml:7:9: sites[0].facility.weather.path:") && Contains("expected the whole run"));
}

TEST_CASE("Bad weather CSV files are input errors at their line", "[weather]") {
  CHECK_THAT(input_error([] { read_weather_csv(ref("missing_column.csv")); }),
             Contains("missing_column.csv:1: sites[0].facility.weather: missing column 'drybulb_c'"));
  CHECK_THAT(input_error([] { read_weather_csv(ref("gap.csv")); }),
             Contains("gap.csv:9:1:") && Contains("follows 2025-01-01T06:00:00Z: a gap; expected hourly rows"));
  CHECK_THAT(input_error([] { read_weather_csv(ref("bad_number.csv")); }),
             Contains("bad_number.csv:5:3:") && Contains("rh: got 'fifty', expected a number"));
  CHECK_THAT(input_error([] { read_weather_csv(ref("no_such_file.csv")); }),
             Contains("scenario.yaml:7:9: sites[0].facility.weather.path: cannot open weather file"));
}

TEST_CASE("EPW files are read with their time zone and wet bulb", "[weather]") {
  const HourlyWeather w = read_weather_epw(ref("sample.epw"));
  CHECK_FALSE(w.cyclic());  // 48 dated rows
  // Hour 15 of 1 July (local standard time, UTC-7) is the maximum, 38 degC, at 22:00 UTC.
  const double t = epoch("2025-07-01T22:00Z");
  CHECK(w.at(t).drybulb_c == Approx(38.0).margin(1e-9));
  CHECK(w.at(t).dewpoint_c == Approx(5.0).margin(1e-9));
  CHECK(w.at(t).pressure_pa == Approx(97300));
  CHECK(w.at(t).wetbulb_c == Approx(wetbulb_psychrometric(38, 5, 97300)).margin(1e-9));
  CHECK(w.at(t).wetbulb_c == Approx(18.3).margin(0.6));  // hot and dry: ~20 K wet-bulb depression

  // A typical year (8760 rows from 1 January hour 1) repeats every year; 29 February reads 28 February.
  const std::string path = (std::filesystem::temp_directory_path() / "dcsim_typical.epw").string();
  {
    std::ifstream in(kData + "sample.epw");
    std::ofstream out(path);
    std::string line;
    for (int i = 0; i < 8 && std::getline(in, line); ++i) out << line << "\n";
    static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= kDays[m - 1]; ++d) {
        for (int h = 1; h <= 24; ++h) {
          out << (m < 7 ? 1999 : 2004) << "," << m << "," << d << "," << h << ",60,x," << (m + h / 100.0) << ",0.0,50,101000\n";
        }
      }
    }
  }
  const HourlyWeather y = read_weather_epw({path, {}, "w"});
  CHECK(y.cyclic());
  CHECK(y.at(epoch("2031-03-05T11:00Z") + 7 * 3600.0).drybulb_c == Approx(3.11).margin(1e-9));  // local 11:00, March
  CHECK(y.at(epoch("2028-02-29T06:00Z") + 7 * 3600.0).drybulb_c == Approx(2.06).margin(1e-9));  // leap day = 28 Feb
  CHECK(y.at(epoch("2028-12-31T12:00Z") + 7 * 3600.0).drybulb_c == Approx(12.12).margin(1e-9));
  std::filesystem::remove(path);
}

TEST_CASE("Bad EPW rows are input errors at their line", "[weather]") {
  CHECK_THAT(input_error([] { read_weather_epw(ref("missing_value.epw")); }),
             Contains("missing_value.epw:18:7:") && Contains("dry bulb temperature: got '99.9', the EPW missing-value code"));
  CHECK_THAT(input_error([] { read_weather_epw(ref("gap.epw")); }),
             Contains("gap.epw:14:") && Contains("is not one hour after the previous row"));
  CHECK_THAT(input_error([] { read_weather_epw(ref("hourly.csv")); }),
             Contains("hourly.csv:1:") && Contains("expected the EPW header line 'LOCATION"));
}

TEST_CASE("Weather models are registered with their parameters", "[weather]") {
  register_builtin_models();
  const auto& r = weather_registry();
  for (const char* m : {"synthetic", "preset", "csv", "epw"}) CHECK(r.contains(m));
}
