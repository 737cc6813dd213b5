// Prefix caching: the LRU cache of prefix-block ids (match of a leading run, eviction order), the
// LLM pool skipping the prefill of cached blocks (hand-derived times), and a Mooncake replay whose
// cache hits match an independent LRU count over the trace.
// ctest runs each TEST_CASE in its own process (one SimGrid engine per process).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "models/register_models.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/prefix_cache.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/llm_test_support.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::serving::PrefixCache;

TEST_CASE("prefix cache: a match is the leading run of cached ids") {
  PrefixCache c(10);
  const uint64_t a[] = {0, 1, 2, 3};
  CHECK(c.match(a, 4) == 0);
  c.insert(a, 3);  // 0 1 2
  CHECK(c.match(a, 4) == 3);
  const uint64_t b[] = {0, 7, 2};
  CHECK(c.match(b, 3) == 1);  // 2 is cached but 7 breaks the run
  CHECK(c.size() == 3);
}

TEST_CASE("prefix cache: the least recently used ids are evicted first") {
  PrefixCache c(3);
  const uint64_t a[] = {1, 2, 3};
  c.insert(a, 3);
  const uint64_t one[] = {1};
  CHECK(c.match(one, 1) == 1);  // 1 is now the most recent: 2 is the oldest
  const uint64_t d[] = {4};
  c.insert(d, 1);
  CHECK(c.size() == 3);
  CHECK_FALSE(c.contains(2));
  CHECK(c.contains(1));
  CHECK(c.contains(3));
  CHECK(c.contains(4));
  PrefixCache off(0);
  off.insert(a, 3);
  CHECK(off.size() == 0);
}


TEST_CASE("prefix cache: a cached prefix skips its prefill chunks in the llm pool") {
  dcsim::Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  dcsim::test::ConstTime model;
  dcsim::serving::LlmPoolConfig c = dcsim::test::small_llm_config();  // ready at t = 1
  c.max_batch = 8;
  c.max_batch_tokens = 256;
  c.prefix_cache_tokens = 4096;  // 8 blocks of 512
  // KV capacity loses the cache: floor((72e9 - 1e9 - 4096 * 131072) / (16 * 131072)) = 33599.
  CHECK(dcsim::serving::llm_kv_capacity_blocks(c) == 33599);
  dcsim::test::RecordingObserver obs;
  dcsim::serving::PoolPlacement pl{"dc1", "chat", "/sites/dc1/pools/chat", {hosts.second}, hosts.first};
  dcsim::serving::LlmPool pool(c, pl, e, rec, model, [](double) { return 100.0; }, {&obs});
  std::map<uint64_t, double> first_token;
  pool.set_on_done([&](const dcsim::serving::LlmRequestStats& s) { first_token[s.request.id] = s.first_token_s; });
  static const uint64_t ids[] = {11, 12, 13};
  std::vector<dcsim::workload::Request> reqs(3);
  for (uint64_t k = 0; k < 3; ++k) {
    reqs[k].id = k;
    reqs[k].prompt_tokens = 1124;  // 2 full blocks + 100 tokens
    reqs[k].output_tokens = 2;
    reqs[k].prefix_blocks = 3;
    reqs[k].prefix_ids = ids;
  }
  reqs[0].arrival_s = 2.0;
  reqs[1].arrival_s = 3.0;
  reqs[2].arrival_s = 4.0;
  reqs[2].prefix_ids = nullptr;  // a retry: no ids, no reuse
  dcsim::test::Probe arrivals;
  arrivals.engine = &e;
  arrivals.fn = [&](uint64_t tag) {
    if (tag == UINT64_MAX) pool.start(); else pool.submit(reqs[tag]);
  };
  e.at(0.0, &arrivals, UINT64_MAX);
  for (uint64_t k = 0; k < 3; ++k) e.at(reqs[k].arrival_s, &arrivals, k);
  e.run(100);
  REQUIRE(obs.done.size() == 3);
  // Cold: 1124 tokens in chunks of 256 = 5 iterations to the first token.
  CHECK(first_token.at(0) == Approx(2.0 + 5 * 0.01).epsilon(1e-12));
  // Warm: all 3 blocks cached, capped at prompt - 1 = 1123 tokens; 1 token left: 1 iteration.
  CHECK(first_token.at(1) == Approx(3.0 + 1 * 0.01).epsilon(1e-12));
  CHECK(first_token.at(2) == Approx(4.0 + 5 * 0.01).epsilon(1e-12));
  CHECK(pool.prefix_hit_tokens() == 1123);
  CHECK(rec.has_series("/sites/dc1/pools/chat", "prefix_hit_tokens"));
  CHECK(pool.kv_used_blocks(0) == 0);
}

namespace {

std::string mooncake_path() {
  return std::string(DCSIM_SHARED_DIR) + "/reference/traces/mooncake_conversation_first1000.jsonl";
}

// Prompt tokens a prefix cache of `capacity` blocks (0: unbounded) filled in arrival order
// could serve: per row, the leading ids found, x 512, capped at prompt - 1; then the row's ids
// are inserted (LRU). An independent parse of the file and an independent LRU (list + map).
uint64_t trace_cache_hits(size_t capacity) {
  std::ifstream in(mooncake_path());
  std::list<uint64_t> lru;  // front = most recent
  std::map<uint64_t, std::list<uint64_t>::iterator> where;
  auto touch = [&](uint64_t id) {
    auto it = where.find(id);
    if (it != where.end()) {
      lru.splice(lru.begin(), lru, it->second);
      return;
    }
    if (capacity > 0 && lru.size() == capacity) {
      where.erase(lru.back());
      lru.pop_back();
    }
    lru.push_front(id);
    where[id] = lru.begin();
  };
  uint64_t hits = 0;
  std::string line;
  while (std::getline(in, line)) {
    const auto len_at = line.find("\"input_length\":");
    const uint64_t prompt = std::stoull(line.substr(len_at + 15));
    const auto open = line.find('[', line.find("\"hash_ids\""));
    std::stringstream ids(line.substr(open + 1, line.find(']', open) - open - 1));
    std::vector<uint64_t> v;
    for (std::string tok; std::getline(ids, tok, ',');) v.push_back(std::stoull(tok));
    uint64_t j = 0;
    while (j < v.size() && where.count(v[j])) touch(v[j++]);
    hits += std::min<uint64_t>(j * 512, prompt - 1);
    for (uint64_t id : v) touch(id);
  }
  return hits;
}

}  // namespace

TEST_CASE("prefix cache: a mooncake replay reuses prefixes within the trace's bound") {
  if (!std::filesystem::exists(mooncake_path())) {
    WARN("skipped: " << mooncake_path() << " is absent (public traces are not shipped with the repository)");
    return;
  }
  const uint64_t bound = trace_cache_hits(0);             // unbounded cache
  const uint64_t expected = trace_cache_hits(100000 / 512);  // the pool's cache: 195 blocks
  REQUIRE(expected > 0);
  dcsim::register_builtin_models();
  auto scenario = [](const std::string& cache) {
    return dcsim::test::one_h100_llm_scenario("2 h", "60 s", ", prefix_cache: " + cache,
                                              "model: trace, path: " + mooncake_path() + ", format: mooncake, time_scale: 0.25");
  };
  auto hits_and_busy = [&](const std::string& cache) {
    const auto sc = dcsim::scenario::load_text(scenario(cache), "prefix_test.yaml", dcsim::scenario::scenario_schema(), {},
                                               dcsim::scenario::check_scenario);
    dcsim::output::MemorySink sink;
    const auto r = dcsim::run_scenario(sc, &sink);
    CHECK(r.complete);
    CHECK(r.counts.completed == 1000);
    double hits = 0;
    if (cache != "0") {
      const auto v = sink.column("/sites/dc1/pools/p", "prefix_hit_tokens");
      hits = std::accumulate(v.begin(), v.end(), 0.0);
    }
    double busy = 0;
    for (double u : sink.column("/sites/dc1/pools/p", "gpu_utilization")) busy += u;
    return std::pair<double, double>{hits, busy};
  };
  const auto [hits, busy_on] = hits_and_busy("100000");
  const auto [none, busy_off] = hits_and_busy("0");
  CHECK(none == 0);
  // The pool inserts a prompt's blocks when its prefill ends, the independent count at arrival;
  // with arrivals 4x slower than the trace (one replica, little overlap) they agree within 5 %.
  CHECK(hits == Approx(double(expected)).epsilon(0.05));
  CHECK(hits <= double(bound));
  WARN("prefix hits " << hits << ", independent LRU count " << expected << ", unbounded cache " << bound << "; busy "
                       << busy_on << " vs " << busy_off);
  // Less prefill work: the replica is busy for less time.
  CHECK(busy_on < busy_off);
}
