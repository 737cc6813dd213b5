// Bookkeeping shared by the pools' replica commands (pool.hpp): which replicas an add, a remove
// or a repair touches, and one weight transfer per server for those that load again. A pool's
// replica type has `uint32_t server` and `bool wanted`.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace dcsim::serving::commands {

// A cap command's value: none (0) for <= 0 or +inf.
inline double cap_value(double watts) { return watts > 0 && std::isfinite(watts) ? watts : 0.0; }

// Up to n replicas out of the pool's capacity and not on a failed server, lowest index first;
// marked wanted.
template <class R>
std::vector<uint32_t> want(std::vector<R>& replicas, const std::vector<uint8_t>& server_failed, uint32_t n) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < replicas.size() && out.size() < n; ++i) {
    if (replicas[i].wanted || server_failed[replicas[i].server]) continue;
    replicas[i].wanted = true;
    out.push_back(i);
  }
  return out;
}

// Up to n replicas of the pool's capacity, highest index first; marked not wanted.
template <class R>
std::vector<uint32_t> unwant(std::vector<R>& replicas, uint32_t n) {
  std::vector<uint32_t> out;
  for (auto i = static_cast<uint32_t>(replicas.size()); i-- > 0 && out.size() < n;) {
    if (!replicas[i].wanted) continue;
    replicas[i].wanted = false;
    out.push_back(i);
  }
  return out;
}

// The replicas of `server` in the pool's capacity that are stopped: what a repair restarts.
template <class R, class Stopped>
std::vector<uint32_t> to_restart(const std::vector<R>& replicas, uint32_t server, Stopped stopped) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < replicas.size(); ++i)
    if (replicas[i].server == server && replicas[i].wanted && stopped(replicas[i])) out.push_back(i);
  return out;
}

// fn(server, its replicas among `picked`) for each server that has some, in server order.
template <class R, class Fn>
void by_server(const std::vector<R>& replicas, const std::vector<uint32_t>& picked, size_t servers, Fn fn) {
  std::vector<uint32_t> on;
  for (uint32_t s = 0; s < servers; ++s) {
    on.clear();
    for (uint32_t i : picked)
      if (replicas[i].server == s) on.push_back(i);
    if (!on.empty()) fn(s, on);
  }
}

}  // namespace dcsim::serving::commands
