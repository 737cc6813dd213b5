// Trace replay (models/arrivals/trace_reader, trace_replay): VC5_trace_ingest_exact on the public
// files in <repo>/../shared/reference/traces (skipped when absent: the repository does not ship
// them), replay transformations, and error paths on the small files in tests/data/traces.
#include <catch2/catch.hpp>

#include "tests/unit/test_support.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/arrivals/trace_replay.hpp"
#include "models/register_models.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;

namespace {

std::string shared_trace(const std::string& name) {
  return std::string(DCSIM_SHARED_DIR) + "/reference/traces/" + name;
}

bool have_shared(const std::string& name) {
  if (std::filesystem::exists(shared_trace(name))) return true;
  WARN("skipped: " << shared_trace(name) << " is absent (public traces are not shipped with the repository)");
  return false;
}

// A scenario whose one workload replays `arrivals` (the YAML flow mapping's inside).
std::unique_ptr<arrivals::ArrivalProcess> make(const std::string& arrivals, const std::string& scenario_dir = "") {
  register_builtin_models();
  const std::string yaml = test::one_pool_scenario("model: trace, " + arrivals);
  auto sc = scenario::load_text(yaml, "t.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  arrivals::ArrivalContext ctx;
  ctx.horizon_s = 3600;
  ctx.scenario_dir = scenario_dir;
  return arrivals::arrivals_registry().create(sc.root.list("workloads")[0].child("arrivals"), ctx);
}

const arrivals::TraceReplay& as_trace(const arrivals::ArrivalProcess& p) {
  return dynamic_cast<const arrivals::TraceReplay&>(p);
}

struct Replayed {
  uint64_t n = 0;
  double first = 0, last = 0;
  uint64_t prompt = 0, output = 0, blocks = 0;
};

Replayed replay_all(arrivals::ArrivalProcess& p, uint64_t max_n = UINT64_MAX) {
  Rng rng(1, "trace-test");
  Replayed r;
  double now = 0;
  while (r.n < max_n) {
    const double t = p.next_arrival(now, rng);
    if (!std::isfinite(t)) break;
    REQUIRE(t >= now);
    if (r.n == 0) r.first = t;
    r.last = t;
    now = t;
    ++r.n;
    const auto* a = p.attributes();
    REQUIRE(a != nullptr);
    r.prompt += a->prompt_tokens;
    r.output += a->output_tokens;
    r.blocks += a->prefix_blocks;
  }
  return r;
}

std::string error_of(const std::string& arrivals, const std::string& dir = "") {
  try {
    auto p = make(arrivals, dir);
    replay_all(*p);
  } catch (const scenario::InputError& e) {
    return e.what();
  }
  return "";
}

std::string azure(const std::string& file, const std::string& extra = "") {
  return "path: " + shared_trace(file) + ", format: azure" + extra;
}

// VC5 expectations for one Azure 2023 file.
void check_azure(const std::string& file, uint64_t n, double ctx_mean, double gen_mean, uint64_t gen_sum, double rps) {
  auto p = make(azure(file));
  const auto& s = as_trace(*p).stats();
  CHECK(s.rows == n);
  CHECK(s.rows_skipped == 0);
  CHECK(static_cast<double>(s.prompt_tokens) / s.rows == Approx(ctx_mean).margin(0.1));
  CHECK(static_cast<double>(s.output_tokens) / s.rows == Approx(gen_mean).margin(0.1));
  CHECK(s.output_tokens == gen_sum);
  // mean_rps as in calibration: n / (last - first timestamp).
  CHECK(s.mean_rps() == Approx(rps).margin(rps < 3 ? 0.001 : 0.01));
  CHECK(p->mean_rate() == Approx(s.mean_rps()));
  // The streaming replay gives the same rows.
  const Replayed r = replay_all(*p);
  CHECK(r.n == n);
  CHECK(r.first == 0);
  CHECK(r.last == Approx(s.span_s()).epsilon(1e-12));
  CHECK(r.output == gen_sum);
  CHECK(r.prompt == s.prompt_tokens);
}

}  // namespace

TEST_CASE("arrivals: trace VC5 azure conv exact") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  check_azure("azure_llm_conv_2023.csv", 19366, 1154.7, 211.1, 4088665, 5.53);
  auto p = make(azure("azure_llm_conv_2023.csv"));
  // Exact date-time parsing: last - first = 19:14:08.4025270 - 18:15:46.6805900.
  CHECK(as_trace(*p).stats().span_s() == Approx(3501.721937).epsilon(1e-13));
}

TEST_CASE("arrivals: trace VC5 azure code exact") {
  if (!have_shared("azure_llm_code_2023.csv")) return;
  check_azure("azure_llm_code_2023.csv", 8819, 2047.8, 27.9, 245896, 2.567);
}

TEST_CASE("arrivals: trace mooncake first 1000 rows") {
  if (!have_shared("mooncake_conversation_first1000.jsonl")) return;
  // Independent parse.
  std::ifstream in(shared_trace("mooncake_conversation_first1000.jsonl"));
  const std::regex re(R"re(\{"timestamp": (\d+), "input_length": (\d+), "output_length": (\d+), "hash_ids": \[([^\]]*)\]\})re");
  std::string line;
  uint64_t n = 0, in_sum = 0, out_sum = 0, blocks = 0;
  double last_ms = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    REQUIRE(std::regex_match(line, m, re));
    ++n;
    last_ms = std::stod(m[1]);
    in_sum += std::stoull(m[2]);
    out_sum += std::stoull(m[3]);
    const std::string ids = m[4];
    if (!ids.empty()) blocks += 1 + static_cast<uint64_t>(std::count(ids.begin(), ids.end(), ','));
  }
  REQUIRE(n == 1000);
  auto p = make("path: " + shared_trace("mooncake_conversation_first1000.jsonl") + ", format: mooncake");
  const auto& s = as_trace(*p).stats();
  CHECK(s.rows == n);
  CHECK(s.prompt_tokens == in_sum);
  CHECK(s.output_tokens == out_sum);
  CHECK(s.prefix_blocks == blocks);
  CHECK(s.span_s() == Approx(last_ms / 1000).epsilon(1e-12));
  const Replayed r = replay_all(*p);
  CHECK(r.n == n);
  CHECK(r.prompt == in_sum);
  CHECK(r.output == out_sum);
  CHECK(r.blocks == blocks);
  CHECK(r.last == Approx(last_ms / 1000).epsilon(1e-12));
}

TEST_CASE("arrivals: trace time_scale divides the gaps") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  auto p = make(azure("azure_llm_conv_2023.csv", ", time_scale: 10"));
  const double span = as_trace(*p).stats().span_s();
  const Replayed r = replay_all(*p);
  CHECK(r.n == 19366);
  CHECK(r.last == Approx(span / 10).epsilon(1e-12));
  CHECK(p->mean_rate() == Approx(10 * 19366 / span));
}

TEST_CASE("arrivals: trace rate_scale thins and superposes") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  const double n = 19366;
  {
    auto p = make(azure("azure_llm_conv_2023.csv", ", rate_scale: 0.5"));
    const Replayed r = replay_all(*p);
    // Binomial(n, 0.5): sd = 69.6; 5 sd.
    CHECK(std::fabs(static_cast<double>(r.n) - n / 2) < 5 * std::sqrt(n * 0.25));
    CHECK(p->mean_rate() == Approx(0.5 * as_trace(*p).stats().mean_rps()));
  }
  {
    auto p = make(azure("azure_llm_conv_2023.csv", ", rate_scale: 2"));
    Rng rng(3, "x");
    uint64_t count = 0;
    double now = 0;
    while (true) {
      const double a = p->next_arrival(now, rng);
      if (!std::isfinite(a)) break;
      const double b = p->next_arrival(a, rng);
      REQUIRE(b == a);  // copies at the same time
      count += 2;
      now = b;
    }
    CHECK(count == 2 * 19366);
  }
  {
    auto p = make(azure("azure_llm_conv_2023.csv", ", rate_scale: 1.25"));
    const Replayed r = replay_all(*p);
    CHECK(std::fabs(static_cast<double>(r.n) - 1.25 * n) < 5 * std::sqrt(n * 0.25 * 0.75));
  }
}

TEST_CASE("arrivals: trace loop continues past the end") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  auto p = make(azure("azure_llm_conv_2023.csv", ", loop: true"));
  const auto& s = as_trace(*p).stats();
  const double period = s.span_s() + s.span_s() / (19366 - 1);
  CHECK(as_trace(*p).period_s() == Approx(period));
  const Replayed first = replay_all(*p, 19366);
  CHECK(first.last == Approx(s.span_s()));
  Rng rng(1, "loop");
  const double t = p->next_arrival(first.last, rng);
  CHECK(t == Approx(period));
  CHECK(p->attributes()->prompt_tokens == 374);  // the first row again
  CHECK(p->attributes()->output_tokens == 44);
  const Replayed more = replay_all(*p, 2 * 19366);
  CHECK(more.n == 2 * 19366);
  CHECK(more.last == Approx(3 * period).epsilon(1e-12));  // first row of pass 3
  std::vector<std::pair<std::string, double>> sum;
  p->add_summary(sum);
  CHECK(sum.back().first == "trace_passes");
  CHECK(sum.back().second == 4);
}

TEST_CASE("arrivals: trace start_offset skips the first part") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  auto all = make(azure("azure_llm_conv_2023.csv"));
  Rng rng(1, "o");
  uint64_t later = 0;
  double first_later = -1, now = 0;
  while (true) {
    const double t = all->next_arrival(now, rng);
    if (!std::isfinite(t)) break;
    now = t;
    if (t >= 600) {
      if (first_later < 0) first_later = t;
      ++later;
    }
  }
  auto p = make(azure("azure_llm_conv_2023.csv", ", start_offset: 10 min"));
  const Replayed r = replay_all(*p);
  CHECK(r.n == later);
  CHECK(r.first == 0);
  CHECK(r.last == Approx(now - first_later).epsilon(1e-12));
  CHECK(as_trace(*p).stats().rows_before_offset == 19366 - later);
  CHECK_THAT(error_of(azure("azure_llm_conv_2023.csv", ", start_offset: 2 h")), Catch::Contains("past the last row"));
}

TEST_CASE("arrivals: trace bad inputs stop with file and line") {
  const std::string dir = std::string(DCSIM_TEST_DATA);
  const std::string missing_col = error_of("path: traces/missing_column.csv, format: azure", dir);
  CHECK_THAT(missing_col, Catch::Contains("missing_column.csv:1"));
  CHECK_THAT(missing_col, Catch::Contains("missing column 'GeneratedTokens'"));
  CHECK_THAT(missing_col, Catch::Contains("'TIMESTAMP', 'ContextTokens', 'Generated'"));
  const std::string malformed = error_of("path: traces/malformed_row.csv, format: azure", dir);
  CHECK_THAT(malformed, Catch::Contains("malformed_row.csv:3: workloads[0].arrivals: malformed row"));
  CHECK_THAT(malformed, Catch::Contains("'ContextTokens' is 'abc'"));
  const std::string back = error_of("path: traces/backwards.csv, format: azure", dir);
  CHECK_THAT(back, Catch::Contains("backwards.csv:5"));
  CHECK_THAT(back, Catch::Contains("timestamp goes backwards"));
  const std::string missing = error_of("path: traces/no_such_file.csv, format: azure", dir);
  CHECK_THAT(missing, Catch::Contains("t.yaml:"));
  CHECK_THAT(missing, Catch::Contains("cannot open trace file"));
  CHECK_THAT(missing, Catch::Contains("no_such_file.csv"));
  const std::string json = error_of("path: traces/mooncake_bad.jsonl, format: mooncake", dir);
  CHECK_THAT(json, Catch::Contains("mooncake_bad.jsonl:3"));
  CHECK_THAT(json, Catch::Contains("output_length"));
  // Errors surface at construction (pre-scan), before any arrival.
  CHECK_THROWS_AS(make("path: traces/bad_rows.csv, format: azure", dir), scenario::InputError);
}

TEST_CASE("arrivals: trace skip_bad_rows counts and skips") {
  const std::string dir = std::string(DCSIM_TEST_DATA);
  auto p = make("path: traces/bad_rows.csv, format: azure, skip_bad_rows: true", dir);
  const Replayed r = replay_all(*p);
  CHECK(r.n == 4);
  CHECK(r.prompt == 10 + 30 + 50 + 70);
  CHECK(r.last == Approx(4.0));
  std::vector<std::pair<std::string, double>> sum;
  p->add_summary(sum);
  REQUIRE(!sum.empty());
  CHECK(sum[0].first == "trace_rows_skipped");
  CHECK(sum[0].second == 3);
  auto m = make("path: traces/mooncake_bad.jsonl, format: mooncake, skip_bad_rows: true", dir);
  const Replayed rm = replay_all(*m);
  CHECK(rm.n == 2);
  CHECK(rm.blocks == 2);
  CHECK(rm.last == Approx(1.5));
}

TEST_CASE("arrivals: trace burstgpt columns and failed rows") {
  const std::string dir = std::string(DCSIM_TEST_DATA);
  auto p = make("path: traces/burstgpt_small.csv, format: burstgpt", dir);
  Replayed r = replay_all(*p);
  CHECK(r.n == 5);
  CHECK(r.prompt == 472 + 1087 + 417 + 1360 + 200);
  CHECK(r.output == 18 + 1011 + 100);
  CHECK(r.last == Approx(235));
  auto f = make("path: traces/burstgpt_small.csv, format: burstgpt, skip_failed: true", dir);
  r = replay_all(*f);
  CHECK(r.n == 3);
  CHECK(r.prompt == 472 + 417 + 200);
  std::vector<std::pair<std::string, double>> sum;
  f->add_summary(sum);
  REQUIRE(sum.size() == 2);
  CHECK(sum[1].first == "trace_rows_failed");
  CHECK(sum[1].second == 2);
}

TEST_CASE("arrivals: trace replay speed", "[.]") {
  if (!have_shared("azure_llm_conv_2023.csv")) return;
  auto p = make(azure("azure_llm_conv_2023.csv", ", loop: true"));
  Rng rng(1, "speed");
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t n = 0, tokens = 0;
  double now = 0;
  for (; n < 2000000; ++n) {
    now = p->next_arrival(now, rng);
    tokens += p->attributes()->output_tokens;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("replayed " << n << " arrivals (" << tokens << " output tokens, t = " << now << " s) in " << wall
                   << " s: " << n / wall << " rows per wall-second");
  CHECK(std::isfinite(now));
}
