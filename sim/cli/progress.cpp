#include "sim/cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dcsim::cli {

namespace {

constexpr int kWidth = 78;  // characters the line takes (and clears)

struct TimeUnit {
  const char* symbol;
  double seconds;
};

// The unit of the whole run: the largest in which the horizon is at least 2.
TimeUnit unit_for(double horizon_s) {
  static constexpr TimeUnit kUnits[] = {{"d", 86400}, {"h", 3600}, {"min", 60}, {"s", 1}};
  for (const TimeUnit& u : kUnits) {
    if (horizon_s >= 2 * u.seconds) return u;
  }
  return kUnits[3];
}

}  // namespace

std::string format_progress(const Progress& p) {
  const double frac = p.horizon_s > 0 ? std::clamp(p.now_s / p.horizon_s, 0.0, 1.0) : 0;
  const double speed = p.wall_s > 0 ? p.now_s / p.wall_s : 0;
  char eta[32] = "--:--:--";
  if (speed > 0 && frac < 1) {
    const auto left = static_cast<long>(std::lround((p.horizon_s - p.now_s) / speed));
    std::snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", left / 3600, (left / 60) % 60, left % 60);
  }
  const TimeUnit u = unit_for(p.horizon_s);
  char buf[256];
  std::snprintf(buf, sizeof buf, "  sim %.4g / %.4g %s  %5.1f %%  %.3g sim-s/s  ETA %s", p.now_s / u.seconds,
                p.horizon_s / u.seconds, u.symbol, 100 * frac, speed, eta);
  return buf;
}

void ProgressLine::update(const Progress& p) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%-*s", kWidth, format_progress(p).c_str());
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::finish() {
  if (printed_) std::fprintf(stderr, "\r%*s\r", kWidth, "");
  std::fflush(stderr);
  printed_ = false;
}

}  // namespace dcsim::cli
