// The autoscaling policies' answers on constructed readings (models/scheduling/autoscale_*.cpp),
// each expected value derived by hand from the rule in autoscaler.hpp. The blocks go through the
// scenario loader, so the declared defaults (target 0.7, quantile 0.95, tolerance 0.1, ...) are
// the ones under test. The controller's cool-downs and stabilisation are in capacity_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "models/scheduling/autoscaler.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;
using scheduling::AutoscalerInput;

namespace {

// The autoscaler `block` (flow YAML) of a one-pool scenario, built by the registry.
std::unique_ptr<scheduling::Autoscaler> policy(const std::string& block) {
  register_builtin_models();
  const std::string text = R"(
name: as
horizon: 1 h
sites:
  - name: dc1
    pools:
      - name: p
        servers: 64
        gpus_per_server: 1
        service: {model: fixed, time: 1 s}
        capacity: {autoscaler: )" + block + R"(}
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 1 /s}}
)";
  static std::vector<scenario::LoadedScenario> keep;  // the Config refers into its scenario
  keep.push_back(scenario::load_text(text, "autoscaler_test.yaml", scenario::scenario_schema(), {}, scenario::check_scenario));
  const auto& cfg = keep.back().root.list("sites")[0].list("pools")[0].child("capacity").child("autoscaler");
  auto a = scheduling::autoscaler_registry().create(cfg, scheduling::AutoscalerContext{1});
  REQUIRE(a);
  return a;
}

AutoscalerInput reading(uint64_t queued, uint64_t running, uint32_t up, uint32_t capacity,
                        const std::vector<double>* latencies = nullptr) {
  AutoscalerInput in;
  in.now = 100;
  in.load = {queued, running, up, 64};
  in.capacity = capacity;
  if (latencies) in.latencies = *latencies;
  return in;
}

// n latencies k * step (k = 1..n), shuffled: the policy must not depend on their order.
std::vector<double> ramp(int n, double step) {
  std::vector<double> v;
  for (int k = 1; k <= n; ++k) v.push_back(k * step);
  std::shuffle(v.begin(), v.end(), std::mt19937(42));
  return v;
}

}  // namespace

TEST_CASE("autoscaler: target_utilization follows HPA's rule at its declared target of 0.7") {
  auto a = policy("{model: target_utilization}");  // target 0.7, slots 1, tolerance 0.1
  // 9 of 10 slots busy: u = 0.9, ratio 0.9 / 0.7 = 1.2857 -> ceil(10 x 1.2857) = ceil(12.857) = 13.
  CHECK(a->desired(reading(0, 9, 10, 10)) == 13);
  // u = 0.7 exactly: no change.
  CHECK(a->desired(reading(0, 7, 10, 10)) == 10);
  // u = 0.76: ratio 1.0857, within the tolerance 0.1 -> no change; 0.78 (ratio 1.114) scales out.
  CHECK(a->desired(reading(0, 76, 100, 100)) == 100);
  CHECK(a->desired(reading(0, 78, 100, 100)) == 112);  // ceil(100 x 0.78 / 0.7) = ceil(111.43)
  // Scale in: u = 0.2 -> ceil(10 x 0.2857) = 3; idle -> 0 (the controller applies min_replicas).
  CHECK(a->desired(reading(0, 2, 10, 10)) == 3);
  CHECK(a->desired(reading(0, 0, 10, 10)) == 0);
  // Queued requests do not count (that is queue_length's reading).
  CHECK(a->desired(reading(500, 7, 10, 10)) == 10);
  // Nothing up (all loading): nothing to read, the capacity stands.
  CHECK(a->desired(reading(50, 0, 0, 4)) == 4);
}

TEST_CASE("autoscaler: target_utilization counts a replica's slots") {
  auto a = policy("{model: target_utilization, target: 0.5, slots_per_replica: 8, tolerance: 0}");
  // 4 replicas x 8 slots, 24 sequences running: u = 0.75, ratio 1.5 -> 6 replicas.
  CHECK(a->desired(reading(0, 24, 4, 4)) == 6);
  // 16 running: u = 0.5 exactly -> 4; 17 with tolerance 0: ceil(4 x 17/16) = ceil(4.25) = 5.
  CHECK(a->desired(reading(0, 16, 4, 4)) == 4);
  CHECK(a->desired(reading(0, 17, 4, 4)) == 5);
  // The reading is of the replicas up (4), not of the capacity (6 with 2 still loading).
  CHECK(a->desired(reading(0, 24, 4, 6)) == 6);
}

TEST_CASE("autoscaler: latency_slo scales on the nearest-rank quantile of one interval") {
  auto a = policy("{model: latency_slo, target: 10 s}");  // q 0.95, max_factor 2, below 0.5, step_in 0.1, min 20
  // 100 latencies 0.1 .. 10 s: the 0.95 quantile (rank ceil(95) = 95) is 9.5 s, between 5 s and
  // the 10 s target -> the capacity stands.
  auto under = ramp(100, 0.1);
  CHECK(a->desired(reading(0, 0, 10, 10, &under)) == 10);
  // 0.15 .. 15 s: L = 14.25 s -> ceil(10 x 1.425) = 15.
  auto over = ramp(100, 0.15);
  CHECK(a->desired(reading(0, 0, 10, 10, &over)) == 15);
  // 0.3 .. 30 s: L = 28.5 s, the factor 2.85 capped at max_factor 2 -> 20.
  auto far = ramp(100, 0.3);
  CHECK(a->desired(reading(0, 0, 10, 10, &far)) == 20);
  // 0.05 .. 5 s: L = 4.75 s < 0.5 x 10 s -> floor(10 x 0.9) = 9.
  auto fast = ramp(100, 0.05);
  CHECK(a->desired(reading(0, 0, 10, 10, &fast)) == 9);
  // The caller's latencies are not reordered (the policy selects in its own buffer).
  const auto copy = over;
  (void)a->desired(reading(0, 0, 10, 10, &over));
  CHECK(over == copy);
}

TEST_CASE("autoscaler: latency_slo waits for min_samples and reads only latencies") {
  auto a = policy("{model: latency_slo, target: 1 s, quantile: 1, min_samples: 20}");
  CHECK(a->wants_latencies());
  // 19 completions, all far over the target: too few to decide.
  auto few = ramp(19, 10.0);
  CHECK(a->desired(reading(0, 0, 3, 3, &few)) == 3);
  // The 20th: quantile 1 is the largest (200 s) -> the factor is capped at 2: 6.
  auto enough = ramp(20, 10.0);
  CHECK(a->desired(reading(0, 0, 3, 3, &enough)) == 6);
  // A pool with no capacity scales out from one replica: ceil(1 x 2) = 2.
  CHECK(a->desired(reading(0, 0, 0, 0, &enough)) == 2);
}

TEST_CASE("autoscaler: queue_length drives waiting plus running per replica to its target") {
  auto a = policy("{model: queue_length, target_per_replica: 4}");  // tolerance 0.1
  CHECK_FALSE(a->wants_latencies());
  // 30 queued + 10 running over 5 replicas = 8 per replica: ratio 2 -> 10 replicas.
  CHECK(a->desired(reading(30, 10, 5, 5)) == 10);
  // 21 in all on 5: ratio 1.05, within the tolerance -> 5; 23 (ratio 1.15) -> ceil(5.75) = 6.
  CHECK(a->desired(reading(11, 10, 5, 5)) == 5);
  CHECK(a->desired(reading(13, 10, 5, 5)) == 6);
  // From no capacity at all: ceil(9 / 4) = 3 with no tolerance band.
  CHECK(a->desired(reading(9, 0, 0, 0)) == 3);
}
