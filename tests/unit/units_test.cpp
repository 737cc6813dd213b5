// Tests of sim/scenario/units: parsing of values with units into internal units, the rejection
// messages, parse_unit(), and format() with its round trip through parse().
#include "sim/scenario/units.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using Catch::Contains;
using dcsim::units::Dim;
using dcsim::units::format;
using dcsim::units::info;
using dcsim::units::parse;
using dcsim::units::parse_unit;
using dcsim::units::Quantity;
using dcsim::units::UnitError;

namespace {

struct Case {
  const char* text;
  Quantity quantity;
  double expected;
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("parse(\"" << c.text << "\", " << info(c.quantity).name << ")");
    CHECK(parse(c.text, c.quantity) == Approx(c.expected).epsilon(1e-12));
  }
}

const std::vector<Quantity> kAllQuantities = {
    Quantity::dimensionless,
    Quantity::time,
    Quantity::rate,
    Quantity::power,
    Quantity::energy,
    Quantity::data,
    Quantity::bandwidth,
    Quantity::compute,
    Quantity::compute_rate,
    Quantity::temperature,
    Quantity::carbon_intensity,
    Quantity::mass,
    Quantity::volume,
    Quantity::water_intensity,
    Quantity::money,
    Quantity::energy_price,
};

Dim dim(int time, int energy, int data = 0, int compute = 0, int mass = 0, int volume = 0, int money = 0) {
  Dim d;
  d.exp[dcsim::units::kTime] = static_cast<int8_t>(time);
  d.exp[dcsim::units::kEnergy] = static_cast<int8_t>(energy);
  d.exp[dcsim::units::kData] = static_cast<int8_t>(data);
  d.exp[dcsim::units::kCompute] = static_cast<int8_t>(compute);
  d.exp[dcsim::units::kMass] = static_cast<int8_t>(mass);
  d.exp[dcsim::units::kVolume] = static_cast<int8_t>(volume);
  d.exp[dcsim::units::kMoney] = static_cast<int8_t>(money);
  return d;
}

}  // namespace

TEST_CASE("units: quantity table is complete and self-consistent", "[units]") {
  for (Quantity q : kAllQuantities) {
    const auto& qi = info(q);
    INFO("quantity " << qi.name);
    CHECK(qi.quantity == q);
    CHECK(std::string(qi.name).size() > 0);
    // The example is accepted, and one internal unit is 1.
    CHECK_NOTHROW(parse(qi.example, q));
    CHECK(parse(std::string("1 ") + qi.internal_unit, q) == Approx(1.0));
    if (q != Quantity::temperature) CHECK(parse_unit(qi.internal_unit).dim == qi.dim);
  }
  CHECK(std::string(info(Quantity::power).name) == "power");
  CHECK(std::string(info(Quantity::power).internal_unit) == "W");
  CHECK(std::string(info(Quantity::power).example) == "700 W");
  CHECK(std::string(info(Quantity::carbon_intensity).internal_unit) == "g/J");
  CHECK(std::string(info(Quantity::temperature).internal_unit) == "degC");
  CHECK(info(Quantity::power).dim == dim(-1, 1));
  CHECK(info(Quantity::energy_price).dim == dim(0, -1, 0, 0, 0, 0, 1));
}

TEST_CASE("units: reference values from the scenario docs", "[units]") {
  check_cases({
      {"700 W", Quantity::power, 700},
      {"2.9 Wh", Quantity::energy, 10440},
      {"15 min", Quantity::time, 900},
      {"1.2e6 /h", Quantity::rate, 1.2e6 / 3600},
      {"1.2e6/h", Quantity::rate, 1.2e6 / 3600},
      {"80 GiB", Quantity::data, 85899345920.0},
      {"3.35 TB/s", Quantity::bandwidth, 3.35e12},
      {"367 g/kWh", Quantity::carbon_intensity, 367 / 3.6e6},
      {"25 degC", Quantity::temperature, 25},
      {"77 degF", Quantity::temperature, 25},
      {"298.15 K", Quantity::temperature, 25},
      {"2h", Quantity::time, 7200},
      {"60 USD/MWh", Quantity::energy_price, 60 / 3.6e9},
      {"0.3 L/kWh", Quantity::water_intensity, 0.3 / 3.6e6},
      {"5 %", Quantity::dimensionless, 0.05},
      {"989.4 TFLOP/s", Quantity::compute_rate, 989.4e12},
      {"10 Gbps", Quantity::bandwidth, 1.25e9},
      {"1_000_000", Quantity::dimensionless, 1e6},
  });
  // Exact where the arithmetic is exact.
  CHECK(parse("700 W", Quantity::power) == 700.0);
  CHECK(parse("80 GiB", Quantity::data) == 85899345920.0);
  CHECK(parse("10 Gbps", Quantity::bandwidth) == 1.25e9);
  CHECK(parse("367 g/kWh", Quantity::carbon_intensity) == 367 / 3.6e6);
  CHECK(parse("60 USD/MWh", Quantity::energy_price) == 60 / 3.6e9);
  CHECK(parse("77 degF", Quantity::temperature) == 25.0);
}

TEST_CASE("units: time symbols", "[units]") {
  check_cases({
      {"1 s", Quantity::time, 1},
      {"1 sec", Quantity::time, 1},
      {"2 min", Quantity::time, 120},
      {"1 h", Quantity::time, 3600},
      {"1 hr", Quantity::time, 3600},
      {"3 hours", Quantity::time, 10800},
      {"1 d", Quantity::time, 86400},
      {"2 day", Quantity::time, 172800},
      {"1 wk", Quantity::time, 604800},
      {"1 week", Quantity::time, 604800},
      {"1 w", Quantity::time, 604800},  // weeks, as in --until 1w
      {"2w", Quantity::time, 1209600},
      {"1 yr", Quantity::time, 365 * 86400.0},
      {"250 ms", Quantity::time, 0.25},
      {"5 us", Quantity::time, 5e-6},
      {"5 \u00B5s", Quantity::time, 5e-6},  // µs, micro sign
      {"5 \u03BCs", Quantity::time, 5e-6},  // μs, Greek mu
      {"20 ns", Quantity::time, 20e-9},
      {"3 ks", Quantity::time, 3000},
  });
}

TEST_CASE("units: a power written in 'w' is told that watts are 'W'", "[units]") {
  CHECK_THROWS_WITH(dcsim::units::parse("700 w", Quantity::power),
                    "'700 w': unit 'w' is a time, expected a power such as '700 W' (watts are 'W')");
}

TEST_CASE("units: decimal and binary prefixes", "[units]") {
  check_cases({
      {"1 kW", Quantity::power, 1e3},
      {"1 MW", Quantity::power, 1e6},
      {"1 GW", Quantity::power, 1e9},
      {"1 mW", Quantity::power, 1e-3},
      {"1 kB", Quantity::data, 1e3},
      {"1 MB", Quantity::data, 1e6},
      {"1 GB", Quantity::data, 1e9},
      {"1 TB", Quantity::data, 1e12},
      {"1 PB", Quantity::data, 1e15},
      {"1 EB", Quantity::data, 1e18},
      {"1 KiB", Quantity::data, 1024},
      {"1 MiB", Quantity::data, 1048576},
      {"1 GiB", Quantity::data, 1073741824},
      {"1 TiB", Quantity::data, 1099511627776.0},
      {"1 PiB", Quantity::data, 1125899906842624.0},
      {"8 bit", Quantity::data, 1},
      {"1 Gbit", Quantity::data, 1.25e8},
      {"2 kbytes", Quantity::data, 2000},
      {"1 PFLOP", Quantity::compute, 1e15},
      {"2 flop", Quantity::compute, 2},
      {"1 EFLOP", Quantity::compute, 1e18},
      {"1 kg", Quantity::mass, 1000},
      {"1 t", Quantity::mass, 1e6},
      {"1 kt", Quantity::mass, 1e9},
      {"1 kgCO2e", Quantity::mass, 1000},
      {"1 tCO2e", Quantity::mass, 1e6},
      {"2 gCO2", Quantity::mass, 2},
      {"250 mL", Quantity::volume, 0.25},
      {"250 ml", Quantity::volume, 0.25},
      {"2 l", Quantity::volume, 2},
      {"1 m3", Quantity::volume, 1000},
      {"1 m^3", Quantity::volume, 1000},
      {"1 kUSD", Quantity::money, 1000},
      {"5 $", Quantity::money, 5},
      {"2 GHz", Quantity::rate, 2e9},
  });
  // Submultiples divide, so these are exact.
  CHECK(parse("5 mL", Quantity::volume) == 5.0 / 1000);
  CHECK(parse("5 %", Quantity::dimensionless) == 5.0 / 100);
}

TEST_CASE("units: exact symbols win over prefix plus symbol", "[units]") {
  CHECK(parse("1 min", Quantity::time) == 60);             // minute, not milli-inch
  CHECK(parse("1 ms", Quantity::time) == Approx(1e-3));    // milli-second
  CHECK(parse("1 Ms", Quantity::time) == 1e6);             // mega-second
  CHECK(parse("1 m3", Quantity::volume) == 1000);          // cubic metre, not milli-"3"
  CHECK(parse("1 mL", Quantity::volume) == Approx(1e-3));  // millilitre
  CHECK(parse("1 tok", Quantity::dimensionless) == 1);     // token, not tonne * "ok"
  CHECK(parse("1 Mtok", Quantity::dimensionless) == 1e6);
  CHECK(parse("1 kWh", Quantity::energy) == 3.6e6);       // kilo + Wh
  CHECK(parse("1 Gbps", Quantity::bandwidth) == 1.25e8);  // giga + bps
  CHECK(parse("1 TFLOPS", Quantity::compute_rate) == 1e12);
}

TEST_CASE("units: compound unit expressions", "[units]") {
  check_cases({
      {"5 J/token", Quantity::energy, 5},
      {"3 /h", Quantity::rate, 3.0 / 3600},
      {"3 /d", Quantity::rate, 3.0 / 86400},
      {"20 req/s", Quantity::rate, 20},
      {"1200 tokens/min", Quantity::rate, 20},
      {"4 images/user", Quantity::dimensionless, 4},
      {"2 kW*h", Quantity::energy, 7.2e6},
      {"2 kW\u00B7h", Quantity::energy, 7.2e6},  // kW·h
      {"2 kW * h", Quantity::energy, 7.2e6},
      {"5 s^-1", Quantity::rate, 5},
      {"5 1/s", Quantity::rate, 5},
      {"1/s", Quantity::rate, 1},
      {"0.5 Hz", Quantity::rate, 0.5},
      {"2 m^3", Quantity::volume, 2000},
      {"3 L/MWh", Quantity::water_intensity, 3 / 3.6e9},
      {"400 kg/MWh", Quantity::carbon_intensity, 400e3 / 3.6e9},
      {"0.1 USD/kWh", Quantity::energy_price, 0.1 / 3.6e6},
      {"600 GB/s", Quantity::bandwidth, 6e11},
      {"100 Gbit/s", Quantity::bandwidth, 1.25e10},
      {"2 PFLOP/s", Quantity::compute_rate, 2e15},
      {"2 FLOP/s", Quantity::compute_rate, 2},
      {"1 kJ/s", Quantity::power, 1000},
      {"7200 J/h", Quantity::power, 2},  // left to right: (J/h)
      {"1 W/s*s", Quantity::power, 1},   // left to right: ((W/s)*s)
  });
}

TEST_CASE("units: number syntax", "[units]") {
  check_cases({
      {"2 h", Quantity::time, 7200},
      {"2h", Quantity::time, 7200},
      {"  2   h  ", Quantity::time, 7200},
      {"15min", Quantity::time, 900},
      {"1.2e6 /h", Quantity::rate, 1.2e6 / 3600},
      {"5E-3 s", Quantity::time, 5e-3},
      {"5e+3 s", Quantity::time, 5e3},
      {"+5 s", Quantity::time, 5},
      {"-5 s", Quantity::time, -5},
      {".5 h", Quantity::time, 1800},
      {"5. s", Quantity::time, 5},
      {"1_000_000 W", Quantity::power, 1e6},
      {"1_000.5 W", Quantity::power, 1000.5},
      {"2EJ", Quantity::energy, 2e18},  // 'E' not followed by a digit starts the unit
      {"2E3J", Quantity::energy, 2e3},
      {"42", Quantity::time, 42},  // bare number: internal unit
      {"-40", Quantity::temperature, -40},
      {"0", Quantity::power, 0},
  });
}

TEST_CASE("units: temperature is affine and only allowed alone", "[units]") {
  check_cases({
      {"25 degC", Quantity::temperature, 25},
      {"25 \u00B0C", Quantity::temperature, 25},  // °C
      {"25 C", Quantity::temperature, 25},
      {"25C", Quantity::temperature, 25},
      {"77 degF", Quantity::temperature, 25},
      {"77 \u00B0F", Quantity::temperature, 25},  // °F
      {"-40 F", Quantity::temperature, -40},
      {"212 degF", Quantity::temperature, 100},
      {"298.15 K", Quantity::temperature, 25},
      {"0 K", Quantity::temperature, -273.15},
      {"25", Quantity::temperature, 25},
  });
  CHECK_THROWS_AS(parse("25 degC/s", Quantity::temperature), UnitError);
  CHECK_THROWS_WITH(parse("25 W", Quantity::temperature),
                    Contains("unit 'W' is a power") && Contains("expected a temperature such as '25 degC'"));
  CHECK_THROWS_WITH(parse("25 mK", Quantity::temperature), Contains("unknown unit 'mK'"));
}

TEST_CASE("units: dimensionless accepts percent and counted things", "[units]") {
  check_cases({
      {"0.25", Quantity::dimensionless, 0.25},     {"5 %", Quantity::dimensionless, 0.05},
      {"5%", Quantity::dimensionless, 0.05},       {"150 %", Quantity::dimensionless, 1.5},
      {"3 images", Quantity::dimensionless, 3},    {"1 image", Quantity::dimensionless, 1},
      {"2 img", Quantity::dimensionless, 2},       {"512 tokens", Quantity::dimensionless, 512},
      {"512 token", Quantity::dimensionless, 512}, {"512 tok", Quantity::dimensionless, 512},
      {"1 req", Quantity::dimensionless, 1},       {"1 request", Quantity::dimensionless, 1},
      {"4 requests", Quantity::dimensionless, 4},  {"2 video", Quantity::dimensionless, 2},
      {"2 videos", Quantity::dimensionless, 2},    {"9 user", Quantity::dimensionless, 9},
      {"9 users", Quantity::dimensionless, 9},     {"3 query", Quantity::dimensionless, 3},
      {"3 queries", Quantity::dimensionless, 3},   {"7 prompt", Quantity::dimensionless, 7},
      {"7 prompts", Quantity::dimensionless, 7},   {"2 ktokens", Quantity::dimensionless, 2000},
  });
  // Counted things cancel in rates and per-item amounts.
  CHECK(parse("3 prompts/d", Quantity::rate) == Approx(3.0 / 86400));
  CHECK(parse("0.5 Wh/query", Quantity::energy) == Approx(1800));
}

TEST_CASE("units: parse_unit returns factor and dimension", "[units]") {
  const auto kwh = parse_unit("kWh");
  CHECK(kwh.factor == 3.6e6);
  CHECK(kwh.dim == info(Quantity::energy).dim);
  const auto tbs = parse_unit("TB/s");
  CHECK(tbs.factor == 1e12);
  CHECK(tbs.dim == info(Quantity::bandwidth).dim);
  const auto per_hour = parse_unit("/h");
  CHECK(per_hour.factor == Approx(1.0 / 3600));
  CHECK(per_hour.dim == info(Quantity::rate).dim);
  CHECK(parse_unit("g/kWh").dim == info(Quantity::carbon_intensity).dim);
  CHECK(parse_unit("g/kWh").factor == Approx(1 / 3.6e6));
  CHECK(parse_unit("J/token").dim == info(Quantity::energy).dim);
  CHECK(parse_unit("s^-1").dim == info(Quantity::rate).dim);
  CHECK(parse_unit(" W ").factor == 1);
  CHECK(parse_unit("%").factor == 0.01);
  CHECK(parse_unit("%").dim == Dim{});
  CHECK(parse_unit("W^2").dim == dim(-2, 2));  // no quantity, but a valid expression
  CHECK_THROWS_WITH(parse_unit("degC"), Contains("temperature unit 'degC'") && Contains("offset"));
  CHECK_THROWS_WITH(parse_unit("K"), Contains("temperature unit 'K'"));
  CHECK_THROWS_WITH(parse_unit("degC/s"), Contains("cannot be part of a compound unit"));
  CHECK_THROWS_WITH(parse_unit("wats"), Contains("unknown unit 'wats'") && Contains("did you mean 'W'?"));
  CHECK_THROWS_WITH(parse_unit(""), Contains("empty unit"));
}

TEST_CASE("units: rejects a unit of the wrong dimension", "[units]") {
  CHECK_THROWS_WITH(parse("700 kg", Quantity::power),
                    Contains("'700 kg': unit 'kg' is a mass, expected a power such as '700 W'"));
  CHECK_THROWS_WITH(parse("2 h", Quantity::energy),
                    Contains("unit 'h' is a time, expected an energy such as '2.9 Wh'"));
  CHECK_THROWS_WITH(parse("5 %", Quantity::power), Contains("unit '%' is a dimensionless number"));
  CHECK_THROWS_WITH(parse("3 tokens", Quantity::rate), Contains("expected a rate such as"));
  CHECK_THROWS_WITH(parse("1 TB", Quantity::bandwidth), Contains("unit 'TB' is a data"));
  CHECK_THROWS_WITH(parse("25 degC", Quantity::power), Contains("unit 'degC' is a temperature"));
  CHECK_THROWS_WITH(parse("1 W/B", Quantity::power),
                    Contains("unit 'W/B' is not a unit of any known quantity"));
  CHECK_THROWS_WITH(parse("367 g/kWh", Quantity::mass), Contains("is a carbon intensity, expected a mass"));
  CHECK_THROWS_WITH(parse("1 m^-3", Quantity::volume), Contains("expected a volume"));
  CHECK_THROWS_WITH(parse("5 W", Quantity::dimensionless), Contains("expected a dimensionless number"));
  CHECK_THROWS_AS(parse("10 Gbps", Quantity::data), UnitError);
}

TEST_CASE("units: rejects unknown units, suggesting a near one", "[units]") {
  CHECK_THROWS_WITH(parse("700 wats", Quantity::power),
                    Contains("unknown unit 'wats' in '700 wats'; did you mean 'W'?"));
  CHECK_THROWS_WITH(parse("5 KW", Quantity::power), Contains("did you mean 'kW'?"));
  CHECK_THROWS_WITH(parse("5 kwh", Quantity::energy), Contains("did you mean 'kWh'?"));
  CHECK_THROWS_WITH(parse("5 degc", Quantity::temperature), Contains("did you mean 'degC'?"));
  CHECK_THROWS_WITH(parse("5 sek", Quantity::time), Contains("did you mean 's'?"));
  CHECK_THROWS_WITH(parse("3 tokenz/s", Quantity::rate),
                    Contains("unknown unit 'tokenz' in '3 tokenz/s'") && Contains("did you mean 'token"));
  // Nothing close: list units of the quantity instead.
  CHECK_THROWS_WITH(parse("5 furlongs", Quantity::power),
                    Contains("unknown unit 'furlongs'") && Contains("a power takes units such as W, kW"));
  CHECK_THROWS_WITH(parse("1 m", Quantity::volume), Contains("a volume takes units such as L, mL, m3"));
  CHECK_THROWS_WITH(parse("3 qqqq", Quantity::time), Contains("a time takes units such as s, ms, min, h"));
}

TEST_CASE("units: rejects ambiguous symbols", "[units]") {
  CHECK_THROWS_WITH(parse("10 Gb", Quantity::data),
                    Contains("ambiguous unit 'Gb'") && Contains("'Gbit' or 'GB'"));
  CHECK_THROWS_WITH(parse("10 b", Quantity::data), Contains("ambiguous unit 'b'"));
  CHECK_THROWS_WITH(parse("10 Mb/s", Quantity::bandwidth), Contains("'Mbit' or 'MB'"));
  CHECK_THROWS_WITH(parse("2 TFLOPs", Quantity::compute), Contains("'TFLOP' or 'TFLOP/s'"));
}

TEST_CASE("units: rejects malformed numbers", "[units]") {
  CHECK_THROWS_WITH(parse("1.2.3 W", Quantity::power), Contains("malformed number '1.2.3' in '1.2.3 W'"));
  CHECK_THROWS_WITH(parse("1,5 W", Quantity::power), Contains("malformed number '1,5'"));
  CHECK_THROWS_WITH(parse("1__000 W", Quantity::power), Contains("malformed number '1__000'"));
  CHECK_THROWS_WITH(parse("1_000_ W", Quantity::power), Contains("malformed number"));
  CHECK_THROWS_WITH(parse("1e5e3 W", Quantity::power), Contains("malformed number"));
  CHECK_THROWS_WITH(parse("-. W", Quantity::power), Contains("malformed number"));
  CHECK_THROWS_WITH(parse("1e999 W", Quantity::power), Contains("out of the range"));
  CHECK_THROWS_WITH(parse("1e308 EJ", Quantity::energy), Contains("out of the range"));
}

TEST_CASE("units: rejects empty and non-numeric text", "[units]") {
  CHECK_THROWS_WITH(parse("", Quantity::power),
                    Contains("empty value") && Contains("expected a power such as '700 W'"));
  CHECK_THROWS_WITH(parse("   ", Quantity::time), Contains("empty value"));
  CHECK_THROWS_WITH(parse("abc", Quantity::power),
                    Contains("'abc' is not a number followed by a unit") && Contains("expected a power"));
  CHECK_THROWS_WITH(parse("W", Quantity::power), Contains("not a number"));
  CHECK_THROWS_WITH(parse("/h", Quantity::rate), Contains("not a number"));
  CHECK_THROWS_WITH(parse("- 5 W", Quantity::power), Contains("not a number"));
}

TEST_CASE("units: rejects nan and inf", "[units]") {
  CHECK_THROWS_WITH(parse("nan", Quantity::power), Contains("'nan' is not a finite number"));
  CHECK_THROWS_WITH(parse("NaN W", Quantity::power), Contains("not a finite number"));
  CHECK_THROWS_WITH(parse("inf", Quantity::time), Contains("not a finite number"));
  CHECK_THROWS_WITH(parse("-inf s", Quantity::time), Contains("not a finite number"));
  CHECK_THROWS_WITH(parse("Infinity", Quantity::time), Contains("not a finite number"));
}

TEST_CASE("units: rejects temperature units inside compounds", "[units]") {
  CHECK_THROWS_WITH(parse("5 degC/s", Quantity::temperature),
                    Contains("temperature unit 'degC' cannot be part of a compound unit in '5 degC/s'"));
  CHECK_THROWS_WITH(parse("5 K/s", Quantity::rate), Contains("temperature unit 'K' cannot be part"));
  CHECK_THROWS_WITH(parse("5 W/K", Quantity::power), Contains("temperature unit 'K' cannot be part"));
  CHECK_THROWS_WITH(parse("5 degF*h", Quantity::time), Contains("temperature unit 'degF'"));
}

TEST_CASE("units: rejects malformed unit expressions", "[units]") {
  CHECK_THROWS_WITH(parse("2 kW h", Quantity::energy),
                    Contains("malformed unit 'kW h'") && Contains("before 'h'"));
  CHECK_THROWS_WITH(parse("5 W/", Quantity::power), Contains("missing unit at the end"));
  CHECK_THROWS_WITH(parse("5 W**s", Quantity::energy), Contains("malformed unit"));
  CHECK_THROWS_WITH(parse("5 s^x", Quantity::time), Contains("integer exponent"));
  CHECK_THROWS_WITH(parse("5 2/s", Quantity::rate), Contains("only '1' may stand for a unit"));
  CHECK_THROWS_WITH(parse("5 *W", Quantity::power), Contains("malformed unit"));
}

TEST_CASE("units: format picks a readable unit", "[units]") {
  CHECK(format(700, Quantity::power) == "700 W");
  CHECK(format(1500, Quantity::power) == "1.5 kW");
  CHECK(format(2.5e7, Quantity::power) == "25 MW");
  CHECK(format(7200, Quantity::time) == "2 h");
  CHECK(format(900, Quantity::time) == "15 min");
  CHECK(format(100, Quantity::time) == "100 s");
  CHECK(format(0.25, Quantity::time) == "250 ms");
  CHECK(format(86400 * 3, Quantity::time) == "3 d");
  CHECK(format(10440, Quantity::energy) == "2.9 Wh");
  CHECK(format(3.6e9, Quantity::energy) == "1 MWh");
  CHECK(format(5e6, Quantity::energy) == "5 MJ");
  CHECK(format(3.35e12, Quantity::bandwidth) == "3.35 TB/s");
  CHECK(format(85899345920.0, Quantity::data) == "80 GiB");
  CHECK(format(3.2e10, Quantity::data) == "32 GB");
  CHECK(format(2048, Quantity::data) == "2 KiB");
  CHECK_THAT(format(1e7 / 3, Quantity::data), Catch::EndsWith(" MB"));  // binary units only when plain
  CHECK(format(367 / 3.6e6, Quantity::carbon_intensity) == "367 g/kWh");
  CHECK(format(0.3 / 3.6e6, Quantity::water_intensity) == "0.3 L/kWh");
  CHECK(format(60 / 3.6e9, Quantity::energy_price) == "60 USD/MWh");
  CHECK(format(25, Quantity::temperature) == "25 degC");
  CHECK(format(-5.5, Quantity::temperature) == "-5.5 degC");
  CHECK(format(989.4e12, Quantity::compute_rate) == "989.4 TFLOP/s");
  CHECK(format(2e15, Quantity::compute) == "2 PFLOP");
  CHECK(format(3.0 / 86400, Quantity::rate) == "3 /d");
  CHECK(format(20, Quantity::rate) == "20 /s");
  CHECK(format(0.5, Quantity::rate) == "30 /min");
  CHECK(format(0.05, Quantity::dimensionless) == "0.05");
  CHECK(format(1500, Quantity::mass) == "1.5 kg");
  CHECK(format(2500, Quantity::volume) == "2.5 m3");
  CHECK(format(1000, Quantity::money) == "1000 USD");
  CHECK(format(0, Quantity::power) == "0 W");
  CHECK(format(0, Quantity::rate) == "0 /s");
  CHECK(format(1e-9, Quantity::power) == "1e-9 W");
  CHECK(format(1e25, Quantity::compute_rate) == "1e7 EFLOP/s");
  // More than 6 digits only when the round trip needs them.
  CHECK(format(12345.678, Quantity::power) == "12.345678 kW");
}

TEST_CASE("units: format round-trips through parse", "[units]") {
  // Deterministic spread of mantissas and magnitudes per quantity, including negatives.
  const std::vector<double> mantissas = {
      1,      1.5,        2.9,          3.35, 7, 9.99999, 1.23456789, 3.14159265358979, 0.333333333333,
      4.2e-1, 6.02214076, 9.87654321012};
  int checked = 0;
  for (Quantity q : kAllQuantities) {
    for (int decade = -12; decade <= 24; ++decade) {
      for (double m : mantissas) {
        for (double sign : {1.0, -1.0}) {
          const double v = sign * m * std::pow(10.0, decade);
          const std::string text = format(v, q);
          INFO(info(q).name << ": " << v << " -> '" << text << "'");
          const double back = parse(text, q);
          CHECK(std::abs(back - v) <= 1e-9 * std::abs(v));
          ++checked;
        }
      }
    }
  }
  // Pseudo-random values (a fixed LCG) on top.
  uint64_t state = 12345;
  auto next_unit = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
  };
  for (int i = 0; i < 2000; ++i) {
    const Quantity q = kAllQuantities[static_cast<std::size_t>(i) % kAllQuantities.size()];
    const double v = (next_unit() + 0.01) * std::pow(10.0, std::floor(next_unit() * 30) - 10);
    const std::string text = format(v, q);
    INFO(info(q).name << ": " << v << " -> '" << text << "'");
    CHECK(std::abs(parse(text, q) - v) <= 1e-9 * std::abs(v));
    ++checked;
  }
  CHECK(checked > 10000);
  // Zero round-trips exactly.
  for (Quantity q : kAllQuantities) CHECK(parse(format(0, q), q) == 0);
}
