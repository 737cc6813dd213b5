// Attribution of a replica's energy to the requests it serves.
//
//   E = P · Δt                     energy of one interval (one iteration, or any interval over
//                                  which the batch is constant), J = W · s
//   e_i = E · w_i / Σ_j w_j        share of request i, i = 1…n
//
// Rule (choose the weights):
//   - equal per request per iteration: w_i = 1 (split_energy_equal). Right for decode-only
//     iterations, where every request advances by exactly one token.
//   - by tokens: w_i = tokens request i processed in the interval (prompt tokens of its prefill
//     chunk, or 1 per decode step) (split_energy_by_tokens). Right for mixed prefill/decode
//     iterations; equals the equal rule when all w_i = 1.
// If all weights are 0 the split falls back to equal. With no request in the batch nothing is
// attributed: the energy is idle energy of the replica, returned to the caller to book.
// The last share is E minus the others, so Σ e_i reproduces E to rounding (tested to 1e-12
// relative). Pure functions, no allocation: the caller owns the output span.
#pragma once

#include <span>

namespace dcsim::power {

inline double interval_energy_j(double power_w, double dt_s) { return power_w * dt_s; }

// out.size() requests; returns the unattributed energy (E if out is empty, else 0).
double split_energy_equal(double energy_j, std::span<double> out);

// weights.size() == out.size() (throws std::invalid_argument otherwise, or on a negative weight);
// returns the unattributed energy (E if out is empty, else 0).
double split_energy_by_tokens(double energy_j, std::span<const double> weights,
                              std::span<double> out);

}  // namespace dcsim::power
