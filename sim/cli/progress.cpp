#include "sim/cli/progress.hpp"

#include <cmath>
#include <cstdio>

#include "sim/scenario/units.hpp"

namespace dcsim::cli {

std::string format_progress(const Progress& p) {
  const double frac = p.horizon_s > 0 ? p.now_s / p.horizon_s : 0;
  const double speed = p.wall_s > 0 ? p.now_s / p.wall_s : 0;
  char eta[32] = "--:--:--";
  if (speed > 0 && frac < 1) {
    const auto left = static_cast<long>(std::lround((p.horizon_s - p.now_s) / speed));
    std::snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", left / 3600, (left / 60) % 60, left % 60);
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "  sim %s / %s  %5.1f %%  %.3g sim-s/s  ETA %s",
                units::format(p.now_s, units::Quantity::time).c_str(),
                units::format(p.horizon_s, units::Quantity::time).c_str(), 100 * frac, speed, eta);
  return buf;
}

void ProgressLine::update(const Progress& p) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%-78s", format_progress(p).c_str());
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::finish() {
  if (printed_) std::fprintf(stderr, "\n");
  printed_ = false;
}

}  // namespace dcsim::cli
