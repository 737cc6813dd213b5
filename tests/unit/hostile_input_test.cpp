// Hostile input (issue 10, docs/reliability.md): every input that once crashed or hung dcsim
// (tests/fuzz/crashes/, the corpus of the fuzzers' finds) loads cleanly or fails with located
// InputErrors (a hang shows as ctest's timeout); values beyond the largest dcsim accepts are refused at validation; error reports
// stay small whatever the input (values cut, at most kMaxIssues messages); formatting and
// date-time parsing never throw on extreme numbers.
//
// Format of a crash file: leading comment lines may hold
//   # crash: <what it did>            (required: why the file is here)
//   # set: <key.path=value>           (a --set override applied when loading; repeatable)
//   # expect: <substring of one issue's str()>   (repeatable; none: the file must load)
//   # stage: build                     (the expected issues come when the scenario is built, as
//                                       `dcsim validate` does: here it must load, and
//                                       tests/python/test_reliability.py checks the expects)
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/scenario/units.hpp"

using dcsim::scenario::InputError;
using dcsim::scenario::Issue;

namespace {

const std::string kCrashDir = DCSIM_SOURCE_DIR "/tests/fuzz/crashes";

const char* const kBase = R"(name: x
horizon: 1 h
sites:
  - name: a
    pools: [{name: p, servers: 1, service: {model: fixed, time: 1 s}}]
workloads:
  - {name: w, pool: a/p, arrivals: {model: poisson, rate: 1 /s}}
)";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The issues of loading `text` with `sets` (empty if it loads), failing on any other exception.
std::vector<Issue> issues_of(const std::string& text, const std::vector<std::string>& sets, size_t* total = nullptr) {
  try {
    dcsim::scenario::load_text(text, "t.yaml", dcsim::scenario::scenario_schema(), sets,
                               dcsim::scenario::check_scenario);
  } catch (const InputError& e) {
    if (total) *total = e.count();
    return e.issues();
  }
  return {};
}

bool any_contains(const std::vector<Issue>& issues, const std::string& needle) {
  for (const auto& i : issues) {
    if (i.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("hostile input: every file of the crash corpus loads or fails with located issues") {
  dcsim::register_builtin_models();
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(kCrashDir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 7);
  for (const auto& path : files) {
    INFO("crash file: " << path);
    const std::string text = read_file(path);
    std::vector<std::string> sets, expects;
    bool has_crash_line = false, at_build = false;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line) && line.rfind("#", 0) == 0;) {
      if (line.rfind("# set: ", 0) == 0) sets.push_back(line.substr(7));
      if (line.rfind("# expect: ", 0) == 0) expects.push_back(line.substr(10));
      has_crash_line = has_crash_line || line.rfind("# crash: ", 0) == 0;
      at_build = at_build || line == "# stage: build";
    }
    CHECK(has_crash_line);
    try {
      const auto sc = dcsim::scenario::load_text(text, path, dcsim::scenario::scenario_schema(), sets,
                                                 dcsim::scenario::check_scenario);
      CHECK((expects.empty() || at_build));  // (tests/python/test_reliability.py validates each through the CLI, built)
      CHECK_FALSE(sc.resolved_yaml.empty());
    } catch (const InputError& e) {
      CHECK_FALSE(expects.empty());
      CHECK_FALSE(at_build);
      for (const auto& want : expects) {
        INFO("issues:\n" << e.what());
        CHECK(any_contains(e.issues(), want));
      }
      for (const auto& i : e.issues()) CHECK((i.where.line > 0 || i.where.file == "--set"));
    }
  }
}

TEST_CASE("hostile input: formatting any double gives text and never throws") {
  using dcsim::units::Quantity;
  for (double v : {1e308, -1e308, 1.7976931348623157e308, 4.9e-324, 1e-320, 0.0, -0.0}) {
    for (Quantity q : {Quantity::time, Quantity::rate, Quantity::data, Quantity::power, Quantity::energy,
                       Quantity::dimensionless, Quantity::bandwidth}) {
      INFO(v);
      std::string s;
      REQUIRE_NOTHROW(s = dcsim::units::format(v, q));
      CHECK_FALSE(s.empty());
    }
  }
  // The largest time shows in a unit where it is finite, and parses back.
  const std::string t = dcsim::units::format(1e308, Quantity::time);
  CHECK(t.find("inf") == std::string::npos);
  CHECK(dcsim::units::parse(t, Quantity::time) == Approx(1e308));
}

TEST_CASE("hostile input: a date-time with 400 digits of fraction reads the second it names") {
  const std::string zeros(400, '0');
  CHECK(dcsim::scenario::parse_datetime("2025-01-01T00:00:00." + zeros + "1Z") ==
        dcsim::scenario::parse_datetime("2025-01-01T00:00:00Z"));
  CHECK(dcsim::scenario::parse_datetime("2025-01-01T00:00:00.5Z") ==
        dcsim::scenario::parse_datetime("2025-01-01T00:00:00Z") + 0.5);
}

TEST_CASE("hostile input: sizes beyond the declared limits are refused without building anything") {
  dcsim::register_builtin_models();
  struct Case {
    std::vector<std::string> sets;
    std::string want;
  };
  const std::vector<Case> cases = {
      {{"sites[0].pools[0].servers=1000000"}, "sites[0].pools[0].servers: got '1000000', expected an integer [1, 10000]"},
      {{"workloads[0].arrivals.rate=1.7e308 /s"}, "expected at most 1e6 /s in magnitude (the largest rate dcsim accepts)"},
      {{"horizon=1e308 s"}, "the largest time dcsim accepts"},
      {{"sites[0].pools[0].queue_capacity=1e9"}, "queue_capacity: got '1e9'"},
      {{"record.step=1 us", "horizon=1000 d"}, "samples, expected at most 1e8"},
      {{"sites[0].pools[0].gpus_per_replica=1000000000"}, "gpus_per_replica: got '1000000000'"},
  };
  for (const auto& c : cases) {
    INFO(c.sets.front());
    const auto issues = issues_of(kBase, c.sets);
    INFO("issues:\n" << [&] { std::string s; for (const auto& i : issues) s += i.str() + "\n"; return s; }());
    CHECK(any_contains(issues, c.want));
  }
  // The total of the pools' servers, over several pools each within its own range.
  std::string many = kBase;
  many.replace(many.find("    pools: ["), std::string("    pools: [").size(),
               "    pools: [{name: q1, servers: 9000, service: {model: fixed, time: 1 s}}, "
               "{name: q2, servers: 9000, service: {model: fixed, time: 1 s}}, "
               "{name: q3, servers: 9000, service: {model: fixed, time: 1 s}}, ");
  CHECK(any_contains(issues_of(many, {}), "the pools hold 27001 servers, expected at most 20000 in one scenario"));
}

TEST_CASE("hostile input: a report of 100000 unknown keys keeps 50 messages and counts the rest") {
  dcsim::register_builtin_models();
  std::string text = kBase;
  for (int i = 0; i < 100000; ++i) text += "unknown_key_" + std::to_string(i) + ": 1\n";
  size_t total = 0;
  try {
    dcsim::scenario::load_text(text, "t.yaml", dcsim::scenario::scenario_schema(), {}, dcsim::scenario::check_scenario);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    total = e.count();
    CHECK(e.issues().size() == dcsim::scenario::kMaxIssues);
    const std::string what = e.what();
    CHECK(what.size() < 64 * 1024);
    CHECK(what.find("... and 99950 more problems") != std::string::npos);
  }
  CHECK(total == 100000);
}

// The suggestions are computed only for the problems kept (loader_params.cpp, Validator::kept):
// all 50 kept ones still carry theirs, up to the last, and the 10 beyond are counted.
TEST_CASE("hostile input: the 50 kept unknown-key messages keep their did-you-mean, the rest are counted") {
  dcsim::register_builtin_models();
  std::string text = kBase;
  // "horizon" + two letters: edit distance 2 from 'horizon', within nearest()'s limit of 3.
  for (int i = 0; i < 60; ++i) text += "horizon" + std::string(1, char('a' + i / 26)) + char('a' + i % 26) + ": 1\n";
  try {
    dcsim::scenario::load_text(text, "t.yaml", dcsim::scenario::scenario_schema(), {}, dcsim::scenario::check_scenario);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.count() == 60);
    REQUIRE(e.issues().size() == dcsim::scenario::kMaxIssues);
    for (const auto& issue : e.issues()) {
      INFO(issue.str());
      CHECK(issue.message.find("; did you mean 'horizon'?") != std::string::npos);
    }
    CHECK(std::string(e.what()).find("... and 10 more problems") != std::string::npos);
  }
}

TEST_CASE("hostile input: a one-megabyte key or value is cut in its message") {
  dcsim::register_builtin_models();
  const std::string huge(1 << 20, 'k');
  // An explicit key (a plain one is limited to 1024 characters by YAML), and a bad name.
  for (const std::string& text : {std::string(kBase) + "? " + huge + "\n: 1\n",
                                  std::string(kBase).replace(std::string(kBase).find("name: x"), 7,
                                                             "name: '" + huge.substr(1) + " '")}) {
    const auto issues = issues_of(text, {});
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].str().size() < 2 * dcsim::scenario::kMaxMessageChars);
    CHECK(issues[0].str().find("(1048576 characters)") != std::string::npos);
  }
  const auto set = issues_of(kBase, {"name='" + huge.substr(1) + " '"});
  REQUIRE(set.size() == 1);
  CHECK(set[0].str().size() < 2 * dcsim::scenario::kMaxMessageChars);
}
