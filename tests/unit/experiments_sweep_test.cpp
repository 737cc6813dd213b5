// Sweep files and run planning (sim/experiments/): parsing, the product of the axes x seeds,
// shards, and the up-front validation that places a rejected value at the sweep file's line.
#include <catch2/catch.hpp>

#include <set>

#include "models/register_models.hpp"
#include "sim/experiments/run_plan.hpp"
#include "sim/experiments/sweep_spec.hpp"

using namespace dcsim::experiments;
using dcsim::scenario::InputError;

namespace {

const std::string kDir = std::string(DCSIM_TEST_DATA) + "/sweeps";

// A sweep over tests/data/sweeps/tiny.yaml; the text is placed after the scenario line.
SweepSpec parse(const std::string& body) {
  return parse_sweep_text("scenario: tiny.yaml\n" + body, kDir + "/test.yaml");
}

// The messages of the InputError thrown by f, one per line.
template <class F>
std::string problems(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep file: two axes and two seeds give eight runs with their parameters") {
  dcsim::register_builtin_models();
  const auto spec = parse_sweep_file(kDir + "/two_axes.yaml");
  REQUIRE(spec.axis_names() == std::vector<std::string>{"servers", "rate"});
  REQUIRE(spec.points() == 4);
  const auto runs = plan_sweep_runs(spec);
  REQUIRE(runs.size() == 8);
  // The last axis varies fastest, seeds innermost.
  const std::vector<std::vector<std::string>> labels = {{"4", "2 /s"}, {"4", "2 /s"}, {"4", "3 /s"}, {"4", "3 /s"},
                                                        {"6", "2 /s"}, {"6", "2 /s"}, {"6", "3 /s"}, {"6", "3 /s"}};
  std::set<std::string> ids;
  for (size_t i = 0; i < runs.size(); ++i) {
    CHECK(runs[i].number == i);
    CHECK(runs[i].labels == labels[i]);
    CHECK(runs[i].seed == (i % 2 == 0 ? 1U : 2U));
    ids.insert(runs[i].id);
    const auto a = runs[i].assignments();
    // set: horizon, then the two axes, then the seed
    REQUIRE(a.size() == 4);
    CHECK(a[0] == "horizon=30 s");
    CHECK(a[1] == "sites.dc1.pools.web.servers=" + labels[i][0]);
    CHECK(a[2] == "workloads.req.arrivals.rate=" + labels[i][1]);
    CHECK(a[3] == "seed=" + std::to_string(runs[i].seed));
  }
  CHECK(ids.size() == 8);  // every run its own file
  CHECK(plan_sweep_runs(spec)[5].id == runs[5].id);  // ids are stable
}

TEST_CASE("sweep file: zipped axes advance together and cases set several keys") {
  dcsim::register_builtin_models();
  const auto spec = parse(
      "axes:\n"
      "  - zip:\n"
      "      - {name: servers, key: sites.dc1.pools.web.servers, values: [5, 6, 7]}\n"
      "      - {name: queue, key: sites.dc1.pools.web.queue_capacity, range: {from: 10, to: 30, step: 10}}\n"
      "  - name: action\n"
      "    cases:\n"
      "      baseline:\n"
      "      slow: {sites.dc1.pools.web.service.time: 2 s, workloads.req.slo_latency: 9 s}\n"
      "seeds: {from: 3, count: 2}\n");
  REQUIRE(spec.points() == 6);
  const auto runs = plan_sweep_runs(spec);
  REQUIRE(runs.size() == 12);
  CHECK(runs[0].labels == std::vector<std::string>{"5", "10", "baseline"});
  CHECK(runs[2].labels == std::vector<std::string>{"5", "10", "slow"});
  CHECK(runs[4].labels == std::vector<std::string>{"6", "20", "baseline"});
  CHECK(runs[0].seed == 3);
  CHECK(runs[1].seed == 4);
  CHECK(runs[2].overrides.size() == 4);  // two zipped keys + the two keys of the case
}

TEST_CASE("sweep file: shards are disjoint and together complete") {
  dcsim::register_builtin_models();
  const auto runs = plan_sweep_runs(parse_sweep_file(kDir + "/two_axes.yaml"));
  for (const size_t n : {1U, 2U, 3U, 8U, 11U}) {
    std::multiset<size_t> seen;
    for (size_t i = 0; i < n; ++i) {
      for (const auto& r : shard_runs(runs, i, n)) seen.insert(r.number);
    }
    REQUIRE(seen.size() == runs.size());
    for (size_t k = 0; k < runs.size(); ++k) CHECK(seen.count(k) == 1);
  }
}

TEST_CASE("sweep file: problems of the file itself are located and collected") {
  const std::string msg = problems([] {
    parse("axes:\n"
          "  - {key: sites.dc1.pools.web.servers, values: []}\n"
          "  - {key: a.b, vals: [1]}\n"
          "outputs:\n"
          "  - {name: x, series: fleet/power_it_w, stat: p999x}\n"
          "  - {name: y, summary: requests_arrived, divide_by: z}\n"
          "sedes: [1]\n");
  });
  CHECK_THAT(msg, Catch::Contains("test.yaml:3:48: axes[0].values: is empty, expected a non-empty list of values"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:4:16: axes[1].vals: unknown key 'vals' (did you mean 'values'?)"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:6:47: outputs[0].stat: got 'p999x'"));
  CHECK_THAT(msg, Catch::Contains("outputs.y.divide_by: no output named 'z'"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:8:1: sedes: unknown key 'sedes' (did you mean 'seeds'?)"));
}

TEST_CASE("sweep file: zipped axes of different lengths are an error") {
  const std::string msg = problems([] {
    parse("axes:\n"
          "  - zip:\n"
          "      - {key: sites.dc1.pools.web.servers, values: [5, 6]}\n"
          "      - {key: sites.dc1.pools.web.queue_capacity, values: [1, 2, 3]}\n");
  });
  CHECK_THAT(msg, Catch::Contains("zipped axes must have the same number of values"));
}

TEST_CASE("sweep file: a value the scenario rejects is reported at its place in the sweep file") {
  dcsim::register_builtin_models();
  const std::string msg = problems([] {
    plan_sweep_runs(parse("axes:\n"
                          "  - {key: sites.dc1.pools.web.servers, values: [2, 0, -1]}\n"
                          "  - {key: sites.dc1.pools.web.servrs, values: [1]}\n"
                          "  - {key: sites.dc9.pools.web.servers, values: [1]}\n"));
  });
  // 0 and -1 at their own columns of line 3; the unknown key and the unknown site at their values
  CHECK_THAT(msg, Catch::Contains("test.yaml:3:52: sites[0].pools[0].servers: got '0', expected an integer [1, 10000]"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:3:55: sites[0].pools[0].servers: got '-1'"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:4:48:"));
  CHECK_THAT(msg, Catch::Contains("unknown key 'servrs'"));
  CHECK_THAT(msg, Catch::Contains("test.yaml:5:49:"));
  CHECK_THAT(msg, Catch::Contains("no element named 'dc9'"));
}

TEST_CASE("sweep file: overrides valid only together make a run; a bad combination is named") {
  dcsim::register_builtin_models();
  // tiny.yaml records every 10 s over 60 s. A 5 s horizon alone is rejected (the step is longer
  // than the horizon), and so is a 120 s step alone; zipped, 5 s with a 5 s step is a valid run.
  const auto runs = plan_sweep_runs(parse("axes:\n"
                                          "  - zip:\n"
                                          "      - {key: horizon, values: [5 s, 120 s]}\n"
                                          "      - {key: record.step, values: [5 s, 120 s]}\n"));
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].labels == std::vector<std::string>{"5 s", "5 s"});
  CHECK(runs[0].id != runs[1].id);
  // Each value fine alone, rejected together: the combination is reported at the first override.
  const std::string msg = problems([] {
    plan_sweep_runs(parse("axes:\n"
                          "  - zip:\n"
                          "      - {key: horizon, values: [30 s]}\n"
                          "      - {key: record.step, values: [40 s]}\n"));
  });
  CHECK_THAT(msg, Catch::Contains("this combination (horizon=30 s, record.step=40 s, seed=1) is rejected"));
  CHECK_THAT(msg, Catch::Contains("expected a step no longer than the horizon"));
}

TEST_CASE("sweep file: the base scenario must exist") {
  const std::string msg = problems([] { parse_sweep_text("scenario: nowhere.yaml\n", kDir + "/test.yaml"); });
  CHECK_THAT(msg, Catch::Contains("test.yaml:1:11: scenario: got 'nowhere.yaml': no such file"));
}
