// Helpers shared by the unit tests.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/engine/engine.hpp"
#include "sim/run/run.hpp"

namespace dcsim::test {

// Calls a function on each event; records the times it saw.
struct Probe : EventHandler {
  std::function<void(uint64_t)> fn;
  std::vector<std::pair<double, uint64_t>> seen;
  Engine* engine = nullptr;
  void on_event(uint64_t tag) override {
    seen.emplace_back(engine->now(), tag);
    if (fn) fn(tag);
  }
};

// Two hosts joined by one link of `bandwidth` B/s and `latency` s (CM02: no TCP factors).
inline std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> two_hosts(double bandwidth, double latency) {
  auto* z = simgrid::s4u::create_full_zone("test");
  auto* a = z->create_host("a", 1e9)->seal();
  auto* b = z->create_host("b", 1e9)->seal();
  auto* l = z->create_link("l", bandwidth)->set_latency(latency)->seal();
  z->add_route(a->get_netpoint(), b->get_netpoint(), nullptr, nullptr, {simgrid::s4u::LinkInRoute(l)}, true);
  z->seal();
  return {a, b};
}

// A storage host and `n` server hosts, each server with its own link to the storage of
// `bandwidth` B/s and no latency (weight loads run side by side); servers reach each other
// through their two links. Returns {storage, servers}.
inline std::pair<simgrid::s4u::Host*, std::vector<simgrid::s4u::Host*>> star_hosts(size_t n, double bandwidth) {
  auto* z = simgrid::s4u::create_full_zone("test");
  auto* storage = z->create_host("storage", 1e9)->seal();
  std::vector<simgrid::s4u::Host*> servers;
  std::vector<simgrid::s4u::Link*> links;
  for (size_t i = 0; i < n; ++i) {
    servers.push_back(z->create_host("server-" + std::to_string(i), 1e9)->seal());
    links.push_back(z->create_link("link-" + std::to_string(i), bandwidth)->seal());
    z->add_route(storage->get_netpoint(), servers.back()->get_netpoint(), nullptr, nullptr,
                 {simgrid::s4u::LinkInRoute(links.back())}, true);
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      z->add_route(servers[i]->get_netpoint(), servers[j]->get_netpoint(), nullptr, nullptr,
                   {simgrid::s4u::LinkInRoute(links[i]), simgrid::s4u::LinkInRoute(links[j])}, true);
  z->seal();
  return {storage, servers};
}

// A one-site, one-pool (1 server, 4 GPUs, exponential 1 s service), one-workload scenario
// whose workload's arrivals block is `{<arrivals_flow>}`, e.g. "model: poisson, rate: 1 /s".
inline std::string one_pool_scenario(const std::string& arrivals_flow) {
  return R"(
name: t
seed: 5
horizon: 1 h
record: {step: 60 s}
sites:
  - name: dc1
    storage: {bandwidth: 10 GB/s, latency: 50 us}
    network: {server_link: 50 GB/s, latency: 5 us}
    pools:
      - name: p
        servers: 1
        gpus_per_server: 4
        weights: 10 GB
        service: {model: exponential, mean: 1 s}
workloads:
  - name: w
    pool: dc1/p
    arrivals: {)" + arrivals_flow + R"(}
)";
}

// One site with one `serving: llm` pool `p` of one H100 serving Llama-3.1-8B (`llm_extra`: more
// keys of its llm block, e.g. ", prefix_cache: 1000"), and one workload `w` of that model whose
// arrivals block is `{<arrivals_flow>}` and class block `{model: llm, ai_model: ...<class_extra>}`.
inline std::string one_h100_llm_scenario(const std::string& horizon, const std::string& step, const std::string& llm_extra,
                                         const std::string& arrivals_flow, const std::string& class_extra = "") {
  return R"(
name: t
seed: 5
horizon: )" + horizon + R"(
record: {step: )" + step + R"(}
sites:
  - name: dc1
    storage: {bandwidth: 100 GB/s}
    pools:
      - name: p
        servers: 1
        gpus_per_server: 1
        serving: llm
        queue_capacity: 100000
        llm: {gpu: h100-sxm, ai_model: llama-3.1-8b)" + llm_extra + R"(}
workloads:
  - name: w
    pool: dc1/p
    arrivals: {)" + arrivals_flow + R"(}
    class: {model: llm, ai_model: llama-3.1-8b)" + class_extra + R"(}
)";
}

// The value of a /summary entry of a run (throws if absent).
inline double summary_value(const RunResult& r, const std::string& name) {
  for (const auto& s : r.summary) {
    if (s.name == name) return s.value;
  }
  throw std::runtime_error("no summary entry " + name);
}

// Path of the repository's test data, scenarios, and the shared folder beside the checkout.
inline std::string test_data(const std::string& rel) { return std::string(DCSIM_TEST_DATA) + "/" + rel; }
inline std::string source_path(const std::string& rel) { return std::string(DCSIM_SOURCE_DIR) + "/" + rel; }

}  // namespace dcsim::test
