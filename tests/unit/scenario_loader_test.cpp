// Tests of the scenario loader (sim/scenario/loader, overrides, scenario_schema, config,
// diagnostics): every file in tests/data/bad must fail with the messages its `# expect:` lines
// name; the shipped smoke scenario loads with values in internal units and defaults filled in;
// the resolved YAML round-trips; --set overrides edit the tree by name and by index and report
// their own mistakes; Config refuses undeclared keys.
//
// Format of a bad file: its leading comment lines may hold
//   # expect: <exact substring of one issue's str(), FILE standing for the file's path>
//   # expect-count: <the exact number of issues>
#include <algorithm>
#include <catch2/catch.hpp>

#include "sim/scenario/datetime.hpp"
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/registry/registry.hpp"
#include "sim/scenario/config.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/scenario/units.hpp"

using Catch::Contains;
using dcsim::scenario::check_scenario;
using dcsim::scenario::ChildKind;
using dcsim::scenario::Config;
using dcsim::scenario::InputError;
using dcsim::scenario::Issue;
using dcsim::scenario::load_scenario;
using dcsim::scenario::load_text;
using dcsim::scenario::LoadedScenario;
using dcsim::scenario::Location;
using dcsim::scenario::ParamKind;
using dcsim::scenario::ParamSpec;
using dcsim::scenario::scenario_schema;
using dcsim::scenario::Schema;
using dcsim::scenario::Value;

namespace {

const std::string kSmoke = DCSIM_SOURCE_DIR "/scenarios/smoke.yaml";
const std::string kBadDir = DCSIM_TEST_DATA "/bad";

// A small valid scenario that leaves most keys to their defaults.
const char* const kMinimal = R"(name: mini
horizon: 10 min
sites:
  - name: dc1
    pools:
      - name: chat
        servers: 1
        service: {model: fixed, time: 1 s}
workloads:
  - name: w
    pool: dc1/chat
    arrivals: {model: poisson, rate: 2 /s}
)";

std::string listing(const std::vector<Issue>& issues) {
  std::string s;
  for (const auto& i : issues) s += "  " + i.str() + "\n";
  return s.empty() ? "  (none)\n" : s;
}

bool any_contains(const std::vector<Issue>& issues, const std::string& needle) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const Issue& i) { return i.str().find(needle) != std::string::npos; });
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// Loads and returns the issues of the InputError; fails the test if it loads or throws anything
// else. `what` names the attempt in failure messages.
std::vector<Issue> load_errors(const std::function<LoadedScenario()>& load, const std::string& what) {
  try {
    load();
  } catch (const InputError& e) {
    return e.issues();
  } catch (const std::exception& e) {
    FAIL_CHECK(what << ": expected an InputError, got another exception: " << e.what());
    return {};
  }
  FAIL_CHECK(what << ": loaded without error, expected an InputError");
  return {};
}

std::vector<Issue> smoke_errors(const std::vector<std::string>& overrides) {
  std::string what = "smoke.yaml with";
  for (const auto& o : overrides) what += " --set '" + o + "'";
  return load_errors([&] { return load_scenario(kSmoke, overrides); }, what);
}

std::vector<Issue> text_errors(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return load_errors([&] { return load_text(text, "t.yaml", scenario_schema(), overrides, check_scenario); },
                     "text:\n" + text);
}

LoadedScenario load_minimal(const std::vector<std::string>& overrides = {}) {
  return load_text(kMinimal, "mini.yaml", scenario_schema(), overrides, check_scenario);
}

struct Expectations {
  std::vector<std::string> substrings;
  int count = -1;
  std::string problem;  // a malformed header
};

Expectations read_expectations(const std::string& path) {
  Expectations e;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line) && !line.empty() && line[0] == '#') {
    static const std::string kExpect = "# expect: ";
    static const std::string kCount = "# expect-count: ";
    if (line.rfind(kExpect, 0) == 0) {
      e.substrings.push_back(line.substr(kExpect.size()));
    } else if (line.rfind(kCount, 0) == 0) {
      try {
        e.count = std::stoi(line.substr(kCount.size()));
      } catch (const std::exception&) {
        e.problem = "malformed '" + line + "'";
      }
    } else if (line.rfind("# expect", 0) == 0) {
      e.problem = "unrecognised header line '" + line + "'";
    }
  }
  return e;
}

// "FILE:12:7: " at the start: the expectation pins the location.
bool pins_location(const std::string& expectation) {
  if (expectation.rfind("FILE:", 0) != 0) return false;
  size_t i = 5;
  for (int part = 0; part < 2; ++part) {
    const size_t start = i;
    while (i < expectation.size() && std::isdigit(static_cast<unsigned char>(expectation[i]))) ++i;
    if (i == start || i >= expectation.size() || expectation[i] != ':') return false;
    ++i;
  }
  return true;
}

std::vector<std::string> bad_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(kBadDir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every parameter of a schema and of its sub-blocks, with its key path.
void collect_params(const Schema& s, const std::string& path, std::vector<std::pair<std::string, const ParamSpec*>>& out) {
  for (const auto& p : s.params) out.emplace_back(path + p.name, &p);
  for (const auto& c : s.children) {
    if (c.schema) collect_params(*c.schema, path + c.key + ".", out);
  }
}

}  // namespace

// ---- bad files ------------------------------------------------------------------------------

TEST_CASE("scenario: every file in tests/data/bad fails with the issues it expects") {
  dcsim::register_builtin_models();
  const std::vector<std::string> files = bad_files();
  INFO("bad-file directory: " << kBadDir);
  REQUIRE(files.size() >= 20);

  for (const auto& path : files) {
    INFO("bad file: " << path);
    const Expectations exp = read_expectations(path);
    CHECK(exp.problem.empty());
    // Each file must expect something, and pin at least one issue's file:line:col.
    if (exp.substrings.empty()) {
      FAIL_CHECK("the file has no '# expect: ' line");
      continue;
    }
    CHECK(std::any_of(exp.substrings.begin(), exp.substrings.end(), pins_location));

    const std::vector<Issue> issues = load_errors([&] { return load_scenario(path, {}); }, path);
    INFO("actual issues:\n" << listing(issues));
    CHECK_FALSE(issues.empty());
    for (const auto& raw : exp.substrings) {
      const std::string want = replace_all(raw, "FILE", path);
      if (!any_contains(issues, want)) FAIL_CHECK("no issue contains the expected text:\n  " << want);
    }
    if (exp.count >= 0) CHECK(static_cast<int>(issues.size()) == exp.count);
    // Every issue is located in this file, on a known line and column.
    for (const auto& i : issues) {
      INFO("issue: " << i.str());
      CHECK(i.where.file == path);
      CHECK(i.where.line > 0);
      CHECK(i.where.column > 0);
    }
  }
}

TEST_CASE("scenario: a file with several problems reports them all in one InputError") {
  dcsim::register_builtin_models();
  const std::string path = kBadDir + "/several_problems.yaml";
  const std::vector<Issue> issues = load_errors([&] { return load_scenario(path, {}); }, path);
  INFO(listing(issues));
  CHECK(issues.size() >= 3);
  // what() joins them, one "error: " line each.
  try {
    load_scenario(path, {});
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(static_cast<size_t>(std::count(what.begin(), what.end(), '\n')) + 1 == e.issues().size());
    CHECK(what.rfind("error: " + path + ":", 0) == 0);
  }
}

TEST_CASE("scenario: a missing scenario file is an InputError naming it") {
  dcsim::register_builtin_models();
  const std::string path = kBadDir + "/no_such_file.yaml";
  const std::vector<Issue> issues = load_errors([&] { return load_scenario(path, {}); }, path);
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].str(), Contains(path) && Contains("cannot open"));
}

// ---- valid loads ----------------------------------------------------------------------------

TEST_CASE("scenario: smoke.yaml loads with values in internal units") {
  dcsim::register_builtin_models();
  const LoadedScenario s = load_scenario(kSmoke, {});
  const Config& root = s.root;
  CHECK(s.path == kSmoke);
  CHECK(root.str("name") == "smoke");
  CHECK(root.integer("seed") == 42);
  CHECK(root.num("horizon") == Approx(3600.0));
  CHECK(root.str("horizon") == "1 h");  // the text as written
  CHECK(root.child("record").num("step") == Approx(60.0));
  CHECK(root.str("fidelity") == "request");

  REQUIRE(root.list("sites").size() == 1);
  const Config& site = root.list("sites")[0];
  CHECK(site.path() == "sites[0]");
  CHECK(site.str("name") == "dc1");
  CHECK(site.child("storage").num("bandwidth") == Approx(25e9));
  REQUIRE(site.list("pools").size() == 1);
  const Config& pool = site.list("pools")[0];
  CHECK(pool.path() == "sites[0].pools[0]");
  CHECK(pool.integer("servers") == 2);
  CHECK(pool.integer("gpus_per_server") == 8);
  CHECK(pool.integer("queue_capacity") == 2000);
  CHECK(pool.num("weights") == Approx(16.06e9));
  CHECK(pool.child("gpu").num("idle_power") == Approx(75.0));
  CHECK(pool.child("gpu").num("busy_power") == Approx(700.0));
  const Config& service = pool.child("service");
  CHECK(service.model() == "lognormal");
  CHECK(service.path() == "sites[0].pools[0].service");
  CHECK(service.num("median") == Approx(2.0));
  CHECK(service.num("sigma") == Approx(0.6));

  REQUIRE(root.list("workloads").size() == 1);
  const Config& w = root.list("workloads")[0];
  CHECK(w.str("pool") == "dc1/chat");
  CHECK(w.num("slo_latency") == Approx(10.0));
  CHECK(w.child("arrivals").model() == "poisson");
  CHECK(w.child("arrivals").num("rate") == Approx(6.0));

  // Values remember where they were written.
  const Location at = root.where("horizon");
  CHECK(at.file == kSmoke);
  CHECK(at.line > 1);
  CHECK(at.column > 1);
  CHECK(w.child("arrivals").where("rate").file == kSmoke);
  CHECK(w.child("arrivals").where("rate").line > at.line);
}

TEST_CASE("scenario: defaults are filled in and flagged") {
  dcsim::register_builtin_models();
  const LoadedScenario s = load_scenario(kSmoke, {});
  const Config& site = s.root.list("sites")[0];

  // Given in the file: not defaulted.
  CHECK_FALSE(site.child("storage").value("bandwidth").defaulted);
  CHECK_FALSE(s.root.value("horizon").defaulted);
  CHECK(s.root.value("horizon").present);
  // Absent from the file: the declared default, in internal units.
  const Value& link = site.child("network").value("server_link");
  CHECK(link.defaulted);
  CHECK(link.present);
  CHECK(link.number == Approx(50e9));
  CHECK(link.text == "50 GB/s");
  CHECK(site.child("network").num("latency") == Approx(5e-6));
  CHECK(site.child("storage").value("latency").defaulted);
  CHECK(site.child("storage").num("latency") == Approx(50e-6));
  CHECK(site.child("wan").num("bandwidth") == Approx(100e9 / 8));
  CHECK(site.child("wan").num("latency") == Approx(10e-3));
  CHECK(s.root.value("fidelity").defaulted);

  // The minimal scenario leaves nearly everything to defaults.
  const LoadedScenario m = load_minimal();
  CHECK(m.root.str("description") == "-");
  CHECK(m.root.value("description").defaulted);
  CHECK(m.root.integer("seed") == 1);
  CHECK(m.root.value("seed").defaulted);
  CHECK(m.root.child("record").num("step") == Approx(60.0));
  const Config& pool = m.root.list("sites")[0].list("pools")[0];
  CHECK(pool.integer("gpus_per_server") == 8);
  CHECK(pool.integer("gpus_per_replica") == 1);
  CHECK(pool.integer("queue_capacity") == 100000);
  CHECK(pool.num("weights") == Approx(16.06e9));
  CHECK(pool.child("gpu").num("busy_power") == Approx(700.0));
  CHECK(m.root.list("workloads")[0].num("slo_latency") == Approx(20.0));
}

TEST_CASE("scenario: a model parameter left out takes its default") {
  dcsim::register_builtin_models();
  const std::string text = replace_all(kMinimal, "{model: fixed, time: 1 s}", "{model: lognormal, median: 3 s}");
  const LoadedScenario s = load_text(text, "t.yaml", scenario_schema(), {}, check_scenario);
  const Config& service = s.root.list("sites")[0].list("pools")[0].child("service");
  CHECK(service.model() == "lognormal");
  CHECK(service.num("median") == Approx(3.0));
  CHECK(service.num("sigma") == Approx(0.5));
  CHECK(service.value("sigma").defaulted);
}

TEST_CASE("scenario: the resolved YAML re-loads to the same resolved YAML and holds the defaults") {
  dcsim::register_builtin_models();
  for (const bool smoke : {true, false}) {
    const LoadedScenario a = smoke ? load_scenario(kSmoke, {}) : load_minimal({"seed=5"});
    INFO("resolved YAML:\n" << a.resolved_yaml);
    const LoadedScenario b = load_text(a.resolved_yaml, "resolved.yaml", scenario_schema(), {}, check_scenario);
    CHECK(b.resolved_yaml == a.resolved_yaml);
    // Same values, now all written out (nothing defaulted on the second load).
    CHECK(b.root.num("horizon") == a.root.num("horizon"));
    CHECK(b.root.integer("seed") == a.root.integer("seed"));
    CHECK_FALSE(b.root.list("sites")[0].list("pools")[0].value("server_type").defaulted);
    CHECK(b.root.list("workloads")[0].child("arrivals").num("rate") ==
          a.root.list("workloads")[0].child("arrivals").num("rate"));

    CHECK_THAT(a.resolved_yaml, Contains("server_type: \"auto\""));  // a default, written out
    CHECK_THAT(a.resolved_yaml, Contains("fidelity: \"request\""));
    CHECK_THAT(a.resolved_yaml, !Contains("network:"));  // a block left out stays out
    CHECK_THAT(a.resolved_yaml, Contains("model: poisson"));
  }
  const LoadedScenario m = load_minimal();
  CHECK_THAT(m.resolved_yaml, Contains("description: \"-\""));
  CHECK_THAT(m.resolved_yaml, !Contains("record:"));
  CHECK_THAT(m.resolved_yaml, Contains("queue_capacity: 100000"));
}

TEST_CASE("scenario: integers accept '_' separators") {
  dcsim::register_builtin_models();
  const LoadedScenario s = load_minimal({"sites[0].pools[0].queue_capacity=1_000"});
  CHECK(s.root.list("sites")[0].list("pools")[0].integer("queue_capacity") == 1000);
}

// ---- overrides ------------------------------------------------------------------------------

TEST_CASE("scenario: --set addresses list elements by name and by index") {
  dcsim::register_builtin_models();
  {
    const LoadedScenario s = load_scenario(kSmoke, {"sites.dc1.pools.chat.servers=8"});
    CHECK(s.root.list("sites")[0].list("pools")[0].integer("servers") == 8);
    CHECK_THAT(s.resolved_yaml, Contains("servers: 8"));
  }
  {
    const LoadedScenario s = load_scenario(kSmoke, {"sites[0].pools[0].servers=3"});
    CHECK(s.root.list("sites")[0].list("pools")[0].integer("servers") == 3);
    CHECK_THAT(s.resolved_yaml, Contains("servers: 3"));
  }
  {
    // A name then an index, and an index then a name, mix freely.
    const LoadedScenario s = load_scenario(kSmoke, {"sites.dc1.pools[0].gpu.busy_power=650 W"});
    CHECK(s.root.list("sites")[0].list("pools")[0].child("gpu").num("busy_power") == Approx(650.0));
  }
}

TEST_CASE("scenario: --set changes quantities and integers and the horizon with the last one winning") {
  dcsim::register_builtin_models();
  const LoadedScenario s =
      load_scenario(kSmoke, {"workloads[0].arrivals.rate=12 /s", "seed=7", "horizon=2h", "seed=9"});
  CHECK(s.root.list("workloads")[0].child("arrivals").num("rate") == Approx(12.0));
  CHECK(s.root.num("horizon") == Approx(7200.0));
  CHECK(s.root.integer("seed") == 9);
  // The overrides are in the resolved YAML: re-running it gives the same run.
  CHECK_THAT(s.resolved_yaml, Contains("rate: \"12 /s\""));
  CHECK_THAT(s.resolved_yaml, Contains("horizon: \"2h\""));
  CHECK_THAT(s.resolved_yaml, Contains("seed: 9"));
  // Untouched values stay as they were.
  CHECK(s.root.list("sites")[0].list("pools")[0].integer("servers") == 2);
  {
    const LoadedScenario one = load_scenario(kSmoke, {"seed=7"});
    CHECK(one.root.integer("seed") == 7);
  }
}

TEST_CASE("scenario: --set adds keys the file left out and swaps a model") {
  dcsim::register_builtin_models();
  const LoadedScenario s = load_scenario(
      kSmoke, {"sites[0].network.server_link=100 GB/s", "sites[0].pools[0].service={model: fixed, time: 3 s}"});
  const Config& site = s.root.list("sites")[0];
  CHECK(site.child("network").num("server_link") == Approx(100e9));
  CHECK_FALSE(site.child("network").value("server_link").defaulted);
  const Config& service = site.list("pools")[0].child("service");
  CHECK(service.model() == "fixed");
  CHECK(service.num("time") == Approx(3.0));
}

TEST_CASE("scenario: a bad value through --set is reported with its key path and value") {
  dcsim::register_builtin_models();
  const std::vector<Issue> issues = smoke_errors({"sites[0].pools[0].servers=-1"});
  INFO(listing(issues));
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].str(), Contains("sites[0].pools[0].servers: got '-1', expected an integer [1, 10000]"));

  const std::vector<Issue> unit = smoke_errors({"workloads[0].arrivals.rate=12 W"});
  INFO(listing(unit));
  REQUIRE(unit.size() == 1);
  CHECK_THAT(unit[0].str(), Contains("workloads[0].arrivals.rate: '12 W': unit 'W' is a power"));

  // Cross-block checks see overridden values too.
  const std::vector<Issue> divisor = smoke_errors({"sites[0].pools[0].gpus_per_replica=3"});
  INFO(listing(divisor));
  REQUIRE(divisor.size() == 1);
  CHECK_THAT(divisor[0].str(), Contains("sites[0].pools[0].gpus_per_replica: got '3', expected a divisor of "
                                        "gpus_per_server (8)"));
}

// The location of a value given through --set must say so, not point into the scenario file.
TEST_CASE("scenario: a bad value through --set is located at --set") {
  dcsim::register_builtin_models();
  for (const std::string& o : {std::string("sites[0].pools[0].servers=-1"), std::string("workloads[0].arrivals.rate=12 W"),
                               std::string("sites[0].pools[0].gpus_per_replica=3")}) {
    const std::vector<Issue> issues = smoke_errors({o});
    INFO("--set " << o << "\n" << listing(issues));
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].where.file == "--set");
    CHECK(issues[0].str().rfind("--set: ", 0) == 0);
  }
  const std::vector<Issue> unknown = smoke_errors({"sites[0].pools[0].server=4"});
  INFO(listing(unknown));
  REQUIRE(unknown.size() >= 1);
  CHECK(unknown[0].where.file == "--set");
}

TEST_CASE("scenario: an unknown key through --set suggests the nearest one") {
  dcsim::register_builtin_models();
  const std::vector<Issue> issues = smoke_errors({"sites[0].pools[0].server=4"});
  INFO(listing(issues));
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].str(), Contains("sites[0].pools[0]: unknown key 'server' in this pool block; did you mean "
                                       "'servers'?"));

  const std::vector<Issue> top = smoke_errors({"horizn=2 h"});
  INFO(listing(top));
  REQUIRE(top.size() == 1);
  CHECK_THAT(top[0].str(), Contains("unknown key 'horizn' in this scenario block; did you mean 'horizon'?"));
}

TEST_CASE("scenario: malformed --set paths are reported at --set") {
  dcsim::register_builtin_models();
  struct Case {
    const char* assignment;
    const char* expected;  // the whole issue
  };
  const std::vector<Case> cases = {
      {"sites[0].pools[5].servers=1", "--set: sites[0].pools: index [5] is out of range (the list has 1 element, [0])"},
      {"sites[1].name=x", "--set: sites: index [1] is out of range (the list has 1 element, [0])"},
      {"sites.dc9.pools.chat.servers=1", "--set: sites: no element named 'dc9' in this list; did you mean 'dc1'?"},
      {"sites.paris.pools.chat.servers=1", "--set: sites: no element named 'paris' in this list; its elements are named 'dc1'"},
      {"sites.dc1.pools.chatt.servers=1", "--set: sites[0].pools: no element named 'chatt' in this list; did you mean 'chat'?"},
      {"sites.dc1.pools.batch.servers=1", "--set: sites[0].pools: no element named 'batch' in this list; its elements are named 'chat'"},
      {"servers8", "--set: got 'servers8', expected key.path=value (e.g. sites[0].pools[0].servers=8)"},
      {"=8", "--set: got '=8', expected key.path=value (e.g. sites[0].pools[0].servers=8)"},
      {"name[0]=x", "--set: name: is not a list; cannot apply index [0]"},
      {"sites[0].storage[0].bandwidth=1 GB/s", "--set: sites[0].storage: is not a list; cannot apply index [0]"},
      {"horizon.value=2 h", "--set: horizon: is a single value; cannot set 'value' inside it"},
      {"sites.dc1=x", "--set: sites.dc1: cannot replace a whole list element; set one of its keys"},
      {"sites[x].name=a", "--set: sites[x].name: list index in 'sites[x]' must be a non-negative integer"},
      {"sites[-1].name=a", "--set: sites[-1].name: list index in 'sites[-1]' must be a non-negative integer"},
      {"sites[0.name=a", "--set: sites[0.name: malformed index in 'sites[0'"},
      {"sites..name=a", "--set: sites..name: empty key in path 'sites..name'"},
      {"horizon=[1 h", "--set: horizon: value '[1 h' is not valid YAML"},
  };
  for (const auto& c : cases) {
    const std::vector<Issue> issues = smoke_errors({c.assignment});
    INFO("--set " << c.assignment << "\nissues:\n" << listing(issues));
    REQUIRE(issues.size() == 1);
    CHECK_THAT(issues[0].str(), Contains(c.expected));
    CHECK(issues[0].where.file == "--set");
  }
}

TEST_CASE("scenario: every --set mistake is collected along with the file's") {
  dcsim::register_builtin_models();
  const std::vector<Issue> issues = smoke_errors({"noequals", "sites[3].name=x", "seed=-4"});
  INFO(listing(issues));
  CHECK(issues.size() == 3);
  CHECK(any_contains(issues, "--set: got 'noequals'"));
  CHECK(any_contains(issues, "--set: sites: index [3] is out of range"));
  CHECK(any_contains(issues, "seed: got '-4', expected an integer [0, 9e+15]"));
}

TEST_CASE("scenario: load_text names the display name in messages") {
  dcsim::register_builtin_models();
  const std::vector<Issue> issues = text_errors(replace_all(kMinimal, "servers: 1", "servers: 0"));
  INFO(listing(issues));
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].str() == "t.yaml:7:18: sites[0].pools[0].servers: got '0', expected an integer [1, 10000]");
  CHECK(issues[0].path == "sites[0].pools[0].servers");
  CHECK(issues[0].where.line == 7);
  CHECK(issues[0].where.column == 18);
}

TEST_CASE("scenario: a bad value does not hide what the cross-block checks find") {
  dcsim::register_builtin_models();
  // A bad pool reference plus a block error elsewhere: both (one error must not hide another).
  std::string text = replace_all(kMinimal, "pool: dc1/chat", "pool: dc1/nope");
  text = replace_all(text, "servers: 1", "servers: x");
  std::vector<Issue> issues = text_errors(text);
  INFO(listing(issues));
  REQUIRE(issues.size() == 2);
  CHECK_THAT(issues[0].str(), Contains("servers: got 'x'"));
  CHECK_THAT(issues[1].str(), Contains("workloads[0].pool: no pool 'dc1/nope'; pools are 'dc1/chat'"));
  // What the checks find about a key already blamed is left out: a list for `pool:` is one problem.
  issues = text_errors(replace_all(kMinimal, "pool: dc1/chat", "pool: [dc1/chat]"));
  INFO(listing(issues));
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].str(), Contains("workloads[0].pool: got a list, expected a string"));
}

// ---- Config access and diagnostics ------------------------------------------------------------

TEST_CASE("scenario: Config refuses undeclared keys with std::logic_error") {
  dcsim::register_builtin_models();
  const LoadedScenario s = load_scenario(kSmoke, {});
  const Config& root = s.root;
  CHECK_THROWS_AS(root.num("horizn"), std::logic_error);
  CHECK_THROWS_WITH(root.num("horizn"), Contains("horizn"));
  CHECK_THROWS_AS(root.integer("nope"), std::logic_error);
  CHECK_THROWS_AS(root.flag("nope"), std::logic_error);
  CHECK_THROWS_AS(root.str("nope"), std::logic_error);
  CHECK_THROWS_AS(root.value("nope"), std::logic_error);
  CHECK_THROWS_AS(root.child("nope"), std::logic_error);
  CHECK_THROWS_AS(root.list("nope"), std::logic_error);
  // A parameter of a sub-block is not a parameter of the root.
  CHECK_THROWS_AS(root.num("servers"), std::logic_error);
  const Config& pool = root.list("sites")[0].list("pools")[0];
  CHECK_THROWS_WITH(pool.num("gpus"), Contains("sites[0].pools[0]") && Contains("gpus"));
  CHECK_FALSE(root.has("nope"));
  CHECK_FALSE(root.has_child("nope"));
  CHECK(root.has_child("record"));
  CHECK(root.has("horizon"));
}

TEST_CASE("scenario: an optional parameter without a value must be checked with has()") {
  Schema schema{"thing", "", {ParamSpec::quantity_of("limit", dcsim::units::Quantity::power)}, {}};
  Config c(&schema, "thing", Location{"f.yaml", 1, 1});
  Value v;
  v.kind = ParamKind::quantity;
  c.set_value("limit", v);  // present = false
  CHECK_FALSE(c.has("limit"));
  CHECK_THROWS_AS(c.num("limit"), std::logic_error);
  CHECK_THROWS_WITH(c.num("limit"), Contains("has()"));
  // Its location falls back to the block's.
  CHECK(c.where("limit").str() == "f.yaml:1:1");
}

TEST_CASE("scenario: Issue and Location format as file:line:col: path: message") {
  CHECK(Location{"a.yaml", 12, 7}.str() == "a.yaml:12:7");
  CHECK(Location{"a.yaml", 12, 0}.str() == "a.yaml:12");
  CHECK(Location{"a.yaml", 0, 0}.str() == "a.yaml");
  CHECK(Location{"", 0, 0}.str() == "<input>");
  CHECK(Issue{Location{"a.yaml", 3, 1}, "sites[0].name", "bad"}.str() == "a.yaml:3:1: sites[0].name: bad");
  CHECK(Issue{Location{"a.yaml", 3, 1}, "", "bad"}.str() == "a.yaml:3:1: bad");

  dcsim::scenario::Diagnostics d;
  CHECK(d.ok());
  CHECK_NOTHROW(d.throw_if_errors());
  d.error(Location{"a.yaml", 1, 2}, "x", "first");
  d.error(Location{"a.yaml", 3, 4}, "y", "second");
  CHECK_FALSE(d.ok());
  try {
    d.throw_if_errors();
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.issues().size() == 2);
    CHECK(std::string(e.what()) == "error: a.yaml:1:2: x: first\nerror: a.yaml:3:4: y: second");
  }
}

// ---- declarations ---------------------------------------------------------------------------

TEST_CASE("scenario: every declared parameter has help and a default that parses and is in range") {
  dcsim::register_builtin_models();
  std::vector<std::pair<std::string, const ParamSpec*>> params;
  collect_params(scenario_schema(), "", params);
  REQUIRE(params.size() > 20);
  for (const auto& [path, p] : params) {
    INFO("parameter " << path);
    CHECK_FALSE(p->help.empty());
    if (p->required) {
      CHECK(p->default_text.empty());
      continue;
    }
    if (p->default_text.empty()) continue;  // optional without default: allowed by the declaration
    switch (p->kind) {
      case ParamKind::quantity: {
        double v = 0;
        REQUIRE_NOTHROW(v = dcsim::units::parse(p->default_text, p->quantity));
        CHECK((p->min_exclusive ? v > p->min : v >= p->min));
        CHECK((p->max_exclusive ? v < p->max : v <= p->max));
        break;
      }
      case ParamKind::datetime:
        CHECK_NOTHROW(dcsim::scenario::parse_datetime(p->default_text));
        break;
      case ParamKind::integer: {
        size_t used = 0;
        const double v = std::stod(p->default_text, &used);
        CHECK(used == p->default_text.size());
        CHECK(v == std::floor(v));
        CHECK(v >= p->min);
        CHECK(v <= p->max);
        break;
      }
      case ParamKind::boolean:
        CHECK((p->default_text == "true" || p->default_text == "false"));
        break;
      case ParamKind::choice:
        CHECK(std::find(p->choices.begin(), p->choices.end(), p->default_text) != p->choices.end());
        break;
      case ParamKind::string:
        break;
    }
  }
  // Model blocks name registry categories that exist.
  std::vector<const Schema*> todo{&scenario_schema()};
  while (!todo.empty()) {
    const Schema* s = todo.back();
    todo.pop_back();
    for (const auto& c : s->children) {
      if (c.kind == ChildKind::model || c.kind == ChildKind::models) {
        INFO("model block " << c.key);
        CHECK(dcsim::RegistryIndex::global().has_category(c.category));
      } else if (c.kind == ChildKind::raw) {
        CHECK_FALSE(c.help.empty());  // validated by its model, not by a schema
      } else {
        REQUIRE(c.schema != nullptr);
        todo.push_back(c.schema);
      }
    }
  }
}
