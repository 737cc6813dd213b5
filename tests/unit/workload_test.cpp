// Request classes, token distributions, tiers and retries.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <cmath>
#include <numeric>
#include <vector>

#include "models/register_models.hpp"
#include "models/workload/request_class.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;

namespace {

const char* kScenario = R"(
name: w
horizon: 2000 s
record: {step: 100 s}
sites:
  - name: dc1
    pools:
      - name: p
        servers: 1
        gpus_per_server: 1
        weights: 1 GB
        queue_capacity: 10
        service: {model: fixed, time: 1 s}
workloads:
  - name: w
    pool: dc1/p
    arrivals: {model: poisson, rate: 2 /s}
)";

scenario::LoadedScenario load(const std::vector<std::string>& overrides) {
  register_builtin_models();
  return scenario::load_text(kScenario, "w.yaml", scenario::scenario_schema(), overrides, scenario::check_scenario);
}

double total(const output::MemorySink& sink, const std::string& group, const std::string& name) {
  const auto c = sink.column(group, name);
  return std::accumulate(c.begin(), c.end(), 0.0);
}

}  // namespace

TEST_CASE("workload: the default llm class draws tokens fitted to the Azure conversation trace") {
  const auto sc = load({});
  const auto& cls_cfg = sc.root.list("workloads")[0].child("class");
  CHECK(cls_cfg.model() == "llm");
  auto cls = workload::request_class_registry().create(cls_cfg, arrivals::ArrivalContext{});
  Rng rng(1, "t");
  std::vector<double> prompt, output;
  for (int i = 0; i < 200000; ++i) {
    workload::Request r;
    cls->fill(r, rng, nullptr);
    prompt.push_back(r.prompt_tokens);
    output.push_back(r.output_tokens);
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  // calibration.yaml trace.azure2023.stats conv: ctx median 1020, mean 1154.7; gen median 129, mean 211.1.
  CHECK(median(prompt) == Approx(1020).epsilon(0.01));
  CHECK(median(output) == Approx(129).epsilon(0.02));
  CHECK(std::accumulate(prompt.begin(), prompt.end(), 0.0) / double(prompt.size()) == Approx(1154.7).epsilon(0.01));
  CHECK(std::accumulate(output.begin(), output.end(), 0.0) / double(output.size()) == Approx(211.1).epsilon(0.02));
}

TEST_CASE("workload: trace token counts take precedence over the distributions") {
  const auto sc = load({"workloads[0].class.output_tokens.model=fixed", "workloads[0].class.output_tokens.tokens=7"});
  auto cls = workload::request_class_registry().create(sc.root.list("workloads")[0].child("class"), arrivals::ArrivalContext{});
  Rng rng(1, "t");
  workload::Request r;
  cls->fill(r, rng, nullptr);
  CHECK(r.output_tokens == 7);
  arrivals::ArrivalAttributes a{123, 45, 3};
  cls->fill(r, rng, &a);
  CHECK(r.prompt_tokens == 123);
  CHECK(r.output_tokens == 45);
  CHECK(r.prefix_blocks == 3);
}

TEST_CASE("workload: image and video classes carry their resolution and steps") {
  auto sc = load({"workloads[0].class={model: image, resolution: 512, steps: 20, images: 4}"});
  auto img = workload::request_class_registry().create(sc.root.list("workloads")[0].child("class"), arrivals::ArrivalContext{});
  Rng rng(1, "t");
  workload::Request r;
  img->fill(r, rng, nullptr);
  CHECK(r.kind == workload::RequestKind::image);
  CHECK(r.pixels == 512u * 512u);
  CHECK(r.steps == 20);
  CHECK(r.images == 4);
  sc = load({"workloads[0].class={model: video}"});
  auto vid = workload::request_class_registry().create(sc.root.list("workloads")[0].child("class"), arrivals::ArrivalContext{});
  vid->fill(r, rng, nullptr);
  CHECK(r.kind == workload::RequestKind::video);
  CHECK(r.video_seconds == 5.0f);
  CHECK(r.pixels == 1360u * 768u);
  CHECK(r.steps == 50);
}

TEST_CASE("workload: tier shares must sum to one") {
  CHECK_THROWS_WITH(load({"workloads[0].tiers=[{name: free, share: 0.5}, {name: paid, share: 0.4}]"}),
                    Catch::Contains("workloads[0].tiers: tier shares sum to 0.900000, expected 1"));
  CHECK_NOTHROW(load({"workloads[0].tiers=[{name: free, share: 0.9}, {name: paid, share: 0.1}]"}));
}

TEST_CASE("workload: rejected requests retry with the declared probability and are counted apart") {
  // Offered 2/s to a server of 1/s with 10 queue places: about half the attempts are rejected;
  // with p = 0.5 and up to 3 attempts, retries ~ 0.5 x rejected first attempts and second retries.
  output::MemorySink sink;
  const auto r = run_scenario(load({"workloads[0].retry.probability=0.5", "workloads[0].retry.backoff=20 s"}), &sink);
  const std::string g = "/workloads/w";
  const double arrivals = total(sink, g, "arrivals");
  const double first = total(sink, g, "first_attempts");
  const double retries = total(sink, g, "retries");
  const double rejected = total(sink, g, "rejected");
  CHECK(arrivals == first + retries);
  CHECK(retries > 0);
  // Each rejection of an attempt that may still retry yields a retry with p = 0.5 (minus those
  // still backing off at the horizon): retries / eligible rejections within 5 percentage points.
  CHECK(retries / rejected == Approx(0.5 * (1 - 0.25 * 0.5)).margin(0.07));
  CHECK(r.counts.arrived == r.counts.completed + r.counts.rejected + r.counts.dropped + r.counts.in_flight);
}

TEST_CASE("workload: no retries when the probability is zero") {
  output::MemorySink sink;
  run_scenario(load({}), &sink);
  CHECK(total(sink, "/workloads/w", "retries") == 0);
  CHECK(total(sink, "/workloads/w", "rejected") > 0);
}

TEST_CASE("workload: empirical token counts reproduce the trace's means") {
  const std::string trace = std::string(DCSIM_SHARED_DIR) + "/reference/traces/azure_llm_conv_2023.csv";
  if (!std::ifstream(trace)) {
    WARN("skipped: " << trace << " is absent (../shared beside the checkout)");
    return;
  }
  const auto sc = load({"workloads[0].class.prompt_tokens={model: empirical, format: azure, column: prompt, path: " + trace + "}",
                        "workloads[0].class.output_tokens={model: empirical, format: azure, column: output, path: " + trace + "}"});
  auto cls = workload::request_class_registry().create(sc.root.list("workloads")[0].child("class"), arrivals::ArrivalContext{});
  Rng rng(3, "t");
  double prompt = 0, output = 0;
  const int n = 400000;
  for (int i = 0; i < n; ++i) {
    workload::Request r;
    cls->fill(r, rng, nullptr);
    prompt += r.prompt_tokens;
    output += r.output_tokens;
  }
  // calibration.yaml trace.azure2023.stats conv: ctx mean 1154.7, gen mean 211.1; sampling
  // error of the mean over 400,000 draws is ~0.2 % (sd/mean ~ 1 for both columns).
  CHECK(prompt / n == Approx(1154.7).epsilon(0.01));
  CHECK(output / n == Approx(211.1).epsilon(0.01));
}

TEST_CASE("workload: an empirical distribution from a missing file is an input error") {
  CHECK_THROWS_AS(
      [] {
        const auto sc = load({"workloads[0].class.prompt_tokens={model: empirical, format: azure, column: prompt, path: /no/such.csv}"});
        workload::request_class_registry().create(sc.root.list("workloads")[0].child("class"), arrivals::ArrivalContext{});
      }(),
      scenario::InputError);
}
