// The fits behind the LLM constants, in the library so the tests and bench/validate_models rerun
// them: the roofline's GPU constants and the activity power levels, both on the ML.ENERGY v3
// H100 Llama-3.1-8B sweep (mlenergy_v3.h100.llama31_8b.sweep), the workload lengths given.
//
// Roofline: x = (eff_compute, eff_memory, t_launch, t_host, t_host_seq) minimising
//   sum_i (thr_i / thr_meas,i - 1)^2 + 0.25 (itl_i / itl_meas,i - 1)^2
// over the 10 points (median ITL weighs less: throughput x median ITL / batch is 0.90-0.98 in the
// data, the two cannot both be exact), eff_memory <= 0.90, by a deterministic Nelder-Mead from
// fixed starts. Activity power: linear least squares of P_compute, P_memory on the measured mean
// GPU power, P_wait = P_comm = the GPU's loaded idle (gpu_power_model.hpp).
#pragma once

#include <array>
#include <span>

#include "models/power/gpu_power_model.hpp"
#include "models/serving/roofline.hpp"

namespace dcsim::serving {

struct LlmSweepPoint {
  double max_batch = 0;
  double output_tokens = 0;  // mean output of the point's requests
  double tokens_per_s = 0;
  double median_itl_s = 0;
  double gpu_power_w = 0;    // mean, all GPUs of the replica
};

// mlenergy_v3.h100.llama31_8b.sweep (calibration.yaml): the 10 points, batch 8..512.
extern const std::array<LlmSweepPoint, 10> kH100Llama8bSweep;

struct RooflineFit {
  RooflineParams params;
  double objective = 0;
  double max_thr_err = 0;  // relative
  double max_itl_err = 0;
};

// Errors of a roofline on a sweep (steady states at each max_batch with the point's output mean).
RooflineFit roofline_errors(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                            const RooflineParams& p, std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w);

// The fit described above; `base` supplies the constants not fitted (KV rule, all-reduce).
RooflineFit fit_roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                         std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base,
                         int iterations = 3000);

// P_compute, P_memory (W, on `gpu`) fitted as described; wait and comm at gpu.idle_loaded_W.
power::ActivityPowerLevels fit_activity_levels(const Roofline& roofline, const catalog::GpuSpec& gpu,
                                               std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w);

}  // namespace dcsim::serving
