#include "models/serving/fluid/fluid_latency.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::serving::fluid {

double halfin_whitt_c(double c, double a) {
  const double beta = (c - a) / std::sqrt(a);
  if (beta > 8) return 0.0;  // below 1e-13
  const double phi = std::exp(-0.5 * beta * beta) / std::sqrt(2 * M_PI);
  const double Phi = 0.5 * std::erfc(-beta / std::sqrt(2.0));
  return 1.0 / (1.0 + beta * Phi / phi);
}

double erlang_c(double c, double a) {
  const double n = std::floor(c);
  if (n < 1 || !(a < n)) return 1.0;
  if (a <= 0) return 0.0;
  if (n > kErlangRecursionMax) return halfin_whitt_c(n, a);
  double b = 1.0;
  for (double k = 1; k <= n; k += 1) b = a * b / (k + a * b);
  const double rho = a / n;
  return b / (1.0 - rho * (1.0 - b));
}

Wait allen_cunneen(double lambda, double service_s, double servers, double ca2, double cs2, double queued) {
  Wait w;
  const double c = std::max(1.0, std::floor(servers));
  const double capacity = c / service_s;  // completions/s with every server busy
  w.backlog_s = queued > 0 ? queued / capacity : 0.0;
  const double a = lambda * service_s;
  if (!(a < c)) {
    w.p_wait = 1.0;
    return w;
  }
  w.p_wait = erlang_c(c, a);
  const double v = 0.5 * (ca2 + cs2);
  if (w.p_wait > 0 && v > 0) w.theta = (capacity - lambda) / v;
  return w;
}

double Wait::quantile(double u) const {
  // P(W > t) = p exp(-theta t) for t > 0: W = 0 with probability 1 - p.
  if (theta <= 0 || u <= 1.0 - p_wait) return backlog_s;
  return backlog_s + std::log(p_wait / (1.0 - u)) / theta;
}

}  // namespace dcsim::serving::fluid
