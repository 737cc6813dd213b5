#include "models/site/signal_series.hpp"

#include <algorithm>
#include <stdexcept>

namespace dcsim::site {

std::optional<SignalKind> signal_kind(std::string_view name) {
  for (size_t k = 0; k < kSignalKinds; ++k)
    if (name == signal_name(SignalKind(k))) return SignalKind(k);
  return std::nullopt;
}

const char* signal_name(SignalKind k) {
  switch (k) {
    case SignalKind::carbon_intensity: return "carbon_intensity";
    case SignalKind::price: return "price";
    case SignalKind::power_headroom: return "power_headroom";
  }
  return "?";
}

SignalSeries::SignalSeries(std::vector<double> times_s, std::vector<double> values)
    : t_(std::move(times_s)), v_(std::move(values)) {
  if (t_.empty() || t_.size() != v_.size()) throw std::invalid_argument("signal series: no points, or times and values differ in length");
  for (size_t j = 1; j < t_.size(); ++j)
    if (!(t_[j] > t_[j - 1])) throw std::invalid_argument("signal series: times not strictly increasing");
}

double SignalSeries::at(double now) const {
  if (cursor_ >= t_.size() || t_[cursor_] > now) {
    // Time went back (a test): search again.
    const auto it = std::upper_bound(t_.begin(), t_.end(), now);
    cursor_ = it == t_.begin() ? 0 : size_t(it - t_.begin()) - 1;
    return v_[cursor_];
  }
  while (cursor_ + 1 < t_.size() && t_[cursor_ + 1] <= now) ++cursor_;
  return v_[cursor_];
}

}  // namespace dcsim::site
