// Power caps by source (site_caps.hpp).
#include "models/site/site_caps.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "models/serving/pool.hpp"

namespace dcsim::site {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
double none_as_inf(double w) { return w > 0 ? w : kInf; }
}  // namespace

void SiteCaps::attach(serving::Pool* pool, uint32_t servers, double initial_cap_w) {
  PoolCaps c;
  c.pool = pool;
  std::array<double, kCapSources> row;
  row.fill(kInf);
  row[static_cast<size_t>(CapSource::scenario)] = none_as_inf(initial_cap_w);
  c.by_server.assign(servers, row);
  c.applied.assign(servers, row[0]);
  pools_.push_back(std::move(c));
}

void SiteCaps::set(CapSource source, size_t p, uint32_t first, uint32_t count, double watts) {
  if (p >= pools_.size()) throw std::logic_error("SiteCaps::set: no pool " + std::to_string(p));
  PoolCaps& c = pools_[p];
  if (size_t(first) + count > c.by_server.size()) throw std::logic_error("SiteCaps::set: servers out of range");
  const double w = none_as_inf(watts);
  changed_.clear();
  for (uint32_t s = first; s < first + count; ++s) {
    auto& row = c.by_server[s];
    row[static_cast<size_t>(source)] = w;
    const double eff = *std::min_element(row.begin(), row.end());
    if (eff != c.applied[s]) {
      c.applied[s] = eff;
      changed_.push_back(s);
    }
  }
  // One command per distinct new value (usually one: a source caps its range uniformly).
  while (!changed_.empty()) {
    const double v = c.applied[changed_.front()];
    std::vector<uint32_t> same;
    auto rest = std::stable_partition(changed_.begin(), changed_.end(), [&](uint32_t s) { return c.applied[s] == v; });
    same.assign(changed_.begin(), rest);
    changed_.erase(changed_.begin(), rest);
    const bool all = same.size() == c.by_server.size();
    c.pool->set_power_cap(v, all ? serving::kAllServers : serving::ServerSet(same));
    ++commands_;
  }
}

void SiteCaps::set_all(CapSource source, size_t p, double watts) {
  set(source, p, 0, static_cast<uint32_t>(pools_.at(p).by_server.size()), watts);
}

}  // namespace dcsim::site
