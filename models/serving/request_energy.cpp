// Analytic per-request energy; equations and sources in request_energy.hpp.
#include "models/serving/request_energy.hpp"

namespace dcsim::serving {

double query_flops(const EpochQueryInputs& in) { return 2.0 * in.active_params * in.output_tokens; }

double query_gpu_seconds(const EpochQueryInputs& in) {
  return query_flops(in) / (in.peak_flops * in.mfu);
}

double query_power_W(const EpochQueryInputs& in) {
  return in.node_power_per_gpu_W * in.util_power_fraction * in.pue;
}

double query_energy_J(const EpochQueryInputs& in) { return query_gpu_seconds(in) * query_power_W(in); }

double daily_mix_energy_J(std::span<const MixItem> items) {
  double e = 0;
  for (const MixItem& m : items) e += m.count * m.J_per_item;
  return e;
}

}  // namespace dcsim::serving
