// Waiting time of a fluid pool's requests (docs/models/fluid.md "Latency"): the pool as an M/G/c
// queue of c = replicas up x slots servers, each with the mean service time T of the current
// concurrency, by the Allen-Cunneen approximation (Allen 1990, eq. 6.46; exact for M/M/c):
//
//   a = lambda T               offered load [servers],  rho = a / c < 1
//   C(c, a)                    Erlang C: P(an arrival waits), from the Erlang B recursion
//                              B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1}),  C = B_c / (1 - rho (1 - B_c))
//   E[Wq] = C / (c/T - lambda) (c_a^2 + c_s^2) / 2
//   P(Wq > t) = C exp(-theta t),  theta = (c/T - lambda) 2 / (c_a^2 + c_s^2)   (the M/M/c tail,
//                              stretched so that its mean is Allen-Cunneen's)
// and, on top, the fluid backlog: a request arriving now waits Q / (c/T) for the queue Q ahead
// of it to drain at capacity (the transient the stationary formula does not see). At rho >= 1
// the stationary part is dropped (C = 1, no tail) and the backlog is the whole wait.
// Where it fails: near saturation (rho > ~0.95 the stationary wait is very sensitive to rho and
// the queue takes long to reach it), and in transients shorter than the relaxation time
// ~ T / (1 - sqrt(rho))^2 (the formula is stationary; the backlog term covers only overloads).
#pragma once

namespace dcsim::serving::fluid {

struct Wait {
  double p_wait = 0;   // C(c, a)
  double theta = 0;    // tail rate [1/s]; 0: no stationary tail
  double backlog_s = 0;
  double mean() const { return backlog_s + (theta > 0 ? p_wait / theta : 0.0); }
  // The u-quantile (0 < u < 1) of the waiting time.
  double quantile(double u) const;
};

// P(wait) of M/M/c with c servers (c >= 1, rounded down) and offered load a < c; 1 if a >= c.
// Up to kErlangRecursionMax servers by the Erlang B recursion (exact); above, by the Halfin-Whitt
// limit C = 1 / (1 + beta Phi(beta) / phi(beta)), beta = (c - a) / sqrt(a) (Halfin & Whitt 1981;
// within 0.004 of exact at c = 2000: 1.4 % at C = 0.23, 5 % at C = 0.03), so a step costs O(1)
// for a fleet.
inline constexpr double kErlangRecursionMax = 2000;
double erlang_c(double c, double a);
double halfin_whitt_c(double c, double a);

// lambda [1/s], mean service time T [s], servers c, c_a^2, c_s^2, queued fluid Q.
Wait allen_cunneen(double lambda, double service_s, double servers, double ca2, double cs2, double queued);

}  // namespace dcsim::serving::fluid
