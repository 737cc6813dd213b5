// DisaggPool commands (pool.hpp) on its prefill and decode sides; the rules are in
// disagg_pool.hpp.
#include "models/serving/disagg_pool.hpp"

namespace dcsim::serving {

void DisaggPool::split(ServerSet servers, std::vector<uint32_t>& prefill, std::vector<uint32_t>& decode) const {
  const auto p = cfg_.prefill_servers;
  (void)server_mask(servers, placement_.servers.size());  // range check
  for (uint32_t s : servers) (s < p ? prefill : decode).push_back(s < p ? s : s - p);
}

// fn(side, its servers): every server of both sides for an empty set, else only the sides named.
template <class Fn>
void DisaggPool::on_sides(ServerSet servers, Fn fn) {
  if (servers.empty()) {
    fn(*prefill_, kAllServers);
    fn(*decode_, kAllServers);
  } else {
    std::vector<uint32_t> p, d;
    split(servers, p, d);
    if (!p.empty()) fn(*prefill_, ServerSet(p));
    if (!d.empty()) fn(*decode_, ServerSet(d));
  }
  refresh_decode_router();
}

void DisaggPool::set_power_cap(double watts, ServerSet servers) {
  on_sides(servers, [watts](LlmPool& side, ServerSet s) { side.set_power_cap(watts, s); });
}

void DisaggPool::set_speed_factor(double factor, ServerSet servers) {
  check_speed_factor(factor);
  on_sides(servers, [factor](LlmPool& side, ServerSet s) { side.set_speed_factor(factor, s); });
}

uint32_t DisaggPool::add_replicas(uint32_t n) {
  uint32_t added = 0;
  for (; added < n; ++added) {
    // The side with the lower share of its replicas in the pool's capacity first.
    const double p = double(prefill_->replicas_wanted()) / double(prefill_->replica_count());
    const double d = double(decode_->replicas_wanted()) / double(decode_->replica_count());
    LlmPool& first = p <= d ? *prefill_ : *decode_;
    LlmPool& second = p <= d ? *decode_ : *prefill_;
    if (first.add_replicas(1) == 0 && second.add_replicas(1) == 0) break;
  }
  refresh_decode_router();
  return added;
}

uint32_t DisaggPool::remove_replicas(uint32_t n) {
  uint32_t removed = 0;
  for (; removed < n; ++removed) {
    const double p = double(prefill_->replicas_wanted()) / double(prefill_->replica_count());
    const double d = double(decode_->replicas_wanted()) / double(decode_->replica_count());
    LlmPool& first = d >= p ? *decode_ : *prefill_;
    LlmPool& second = d >= p ? *prefill_ : *decode_;
    if (first.remove_replicas(1) == 0 && second.remove_replicas(1) == 0) break;
  }
  refresh_decode_router();
  return removed;
}

void DisaggPool::fail_server(uint32_t server) {
  (void)server_mask(ServerSet(&server, 1), placement_.servers.size());
  if (server < cfg_.prefill_servers) {
    prefill_->fail_server(server);
  } else {
    const uint32_t s = server - cfg_.prefill_servers;
    decode_->fail_server(s);
    // What stays routed to its replicas: the KV caches still on their way (they go elsewhere
    // when they land).
    for (uint32_t i = 0; i < decode_load_.size(); ++i) {
      if (decode_->server_of(i) != s) continue;
      decode_load_[i] = 0;
      decode_requests_[i] = 0;
    }
    for (const Transfer& t : transfers_) {
      if (!t.in_flight || decode_->server_of(t.replica) != s) continue;
      decode_load_[t.replica] += tokens_of(t.req);
      ++decode_requests_[t.replica];
    }
  }
  refresh_decode_router();
}

void DisaggPool::repair_server(uint32_t server) {
  (void)server_mask(ServerSet(&server, 1), placement_.servers.size());
  if (server < cfg_.prefill_servers) {
    prefill_->repair_server(server);
  } else {
    decode_->repair_server(server - cfg_.prefill_servers);
  }
  refresh_decode_router();
}

}  // namespace dcsim::serving
