// Test doubles for the scheduling tests (frontend_test, site_router_test, wan_transit_test): a
// pool that records what it is sent with a load set by the test, an observer that records
// outcomes, and model blocks built by hand.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/serving/pool.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::test {

// A pool that only records what it is sent; its load is set by the test.
struct FakePool final : serving::Pool {
  std::vector<workload::Request> got;
  std::vector<double> got_at;
  Engine* engine = nullptr;  // set: got_at records the engine's time of each submit
  serving::PoolLoad now_load;
  serving::PoolPlacement where{"dc1", "p", "/sites/dc1/pools/p", {}, nullptr};
  void start() override {}
  void submit(const workload::Request& r) override {
    got.push_back(r);
    got_at.push_back(engine ? engine->now() : 0.0);
  }
  uint64_t in_flight() const override { return got.size(); }
  serving::PoolLoad load() const override { return now_load; }
  serving::PoolTotals totals(double) const override { return {}; }
  const serving::PoolPlacement& placement() const override { return where; }
  uint32_t add_replicas(uint32_t) override { return 0; }
  uint32_t remove_replicas(uint32_t) override { return 0; }
  void set_power_cap(double, serving::ServerSet) override {}
  void set_speed_factor(double, serving::ServerSet) override {}
  void fail_server(uint32_t) override {}
  void repair_server(uint32_t) override {}
};

struct Outcomes final : workload::RequestObserver {
  std::vector<uint64_t> completed, rejected, dropped, timed_out;
  std::vector<double> completed_at, first_token;
  void on_completed(const workload::Request& r, double now) override {
    completed.push_back(r.id);
    completed_at.push_back(now);
    first_token.push_back(r.first_token_s);
  }
  void on_rejected(const workload::Request& r, double) override { rejected.push_back(r.id); }
  void on_timed_out(const workload::Request& r, double) override { timed_out.push_back(r.id); }
  void on_dropped(const workload::Request& r, double) override { dropped.push_back(r.id); }
};

// A block {model: NAME, ...} with numeric parameters (internal units) and string ones.
inline scenario::Config model_block(const std::string& model, const std::map<std::string, double>& numbers = {},
                                    const std::map<std::string, std::string>& strings = {}) {
  scenario::Config c(nullptr, "services[0].x", scenario::Location{"t.yaml", 3, 5});
  c.set_model(model);
  for (const auto& [k, v] : numbers) {
    scenario::Value value;
    value.kind = scenario::ParamKind::quantity;
    value.number = v;
    value.present = true;
    c.set_value(k, value);
  }
  for (const auto& [k, v] : strings) {
    scenario::Value value;
    value.kind = scenario::ParamKind::string;
    value.text = v;
    value.present = true;
    value.where = scenario::Location{"t.yaml", 4, 14};
    c.set_value(k, value);
  }
  return c;
}

inline workload::Request req(uint64_t id, uint32_t workload = 0) {
  workload::Request r;
  r.id = id;
  r.workload = workload;
  return r;
}

}  // namespace dcsim::test
