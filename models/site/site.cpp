// Site signals by name (site.hpp).
#include "models/site/site.hpp"

#include <stdexcept>

namespace dcsim::site {

void Site::publish(std::string key, SignalFn fn) {
  if (has_signal(key)) throw std::logic_error("site " + name + ": signal '" + key + "' published twice");
  published_.emplace_back(std::move(key), std::move(fn));
}

bool Site::has_signal(std::string_view key) const {
  for (const auto& [n, f] : published_)
    if (n == key) return true;
  return false;
}

double Site::signal(std::string_view key, double now) const {
  for (const auto& [n, f] : published_)
    if (n == key) return f(now);
  std::string known;
  for (const auto& [n, f] : published_) known += (known.empty() ? "'" : ", '") + n + "'";
  throw std::invalid_argument("site " + name + ": no signal '" + std::string(key) + "'; " +
                              (known.empty() ? "it publishes none (no grid or facility model)" : "it publishes " + known));
}

}  // namespace dcsim::site
