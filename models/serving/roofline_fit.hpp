// The fits behind the LLM constants, in the library so the tests and bench/validate_models rerun
// them: the roofline's GPU constants and the activity power levels, both on the ML.ENERGY v3
// H100 Llama-3.1-8B sweep (mlenergy_v3.h100.llama31_8b.sweep), the workload lengths given.
//
// Roofline: x = (eff_compute, t_layer, t_host, t_host_seq) minimising
//   sum_i (thr_i / thr_meas,i - 1)^2 + 0.25 (itl_i / itl_meas,i - 1)^2
// over the 10 points (median ITL weighs less: throughput x median ITL / batch is 0.90-0.98 in the
// data, the two cannot both be exact). eff_memory is held at base's 0.90: the sweep cannot split
// its small-batch intercept between weight streaming and fixed time (eff_memory 0.71 with no fixed
// time fits as well as 0.90 with 42 us per layer). The objective is also nearly flat along
// t_host_seq (the sweep cannot tell host from GPU time per sequence), so a local search lands on
// whichever side it starts: the fit scans t_host_seq over 0..0.13 ms in 0.005 ms steps, fits the
// other three at each by a deterministic Nelder-Mead from fixed starts, and polishes the best of
// the scan with all four free. profile_host_seq() gives the scan (docs/validation.md shows it).
// MoE: eff_moe alone, by a scan of 0.400..0.900 in 0.005 steps, on a TP1 sweep of a MoE model (the
// ML.ENERGY H100 gpt-oss-120b points at max_batch 8-64, memory-bound on the expert weights), the
// other constants held. Activity power: linear least squares of P_compute, P_memory on the
// measured mean GPU power, P_wait = P_comm = the GPU's loaded idle (gpu_power_model.hpp).
#pragma once

#include <array>
#include <span>
#include <vector>

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

// gpt-oss-120b on one H100 (GPQA, vLLM 0.11.1, TP1), max_batch 8/16/32/64: the ML.ENERGY v3 data
// file public/data/models/openai__gpt-oss-120b__gpqa.json (leaderboard commit 0cd52da, the source
// of mlenergy_v3.h100.gptoss120b; these TP1 points are not in calibration.yaml). Used only for eff_moe.
extern const std::array<LlmSweepPoint, 4> kH100GptOss120bTp1Sweep;

// GPQA (gpt-oss-120b) as ML.ENERGY runs it: 198 distinct questions (GPQA Diamond), repeated
// (num_request_repeats) for the large batches; output E[O] = 1717.7, E[O^2] / (2 E[O]) = 1354.6
// (published output histogram of gpt-oss-120b on gpqa, 34,848 responses); prompt 245 tokens
// (derivation in roofline_fit.cpp).
inline constexpr double kGpqaPrompt = 245.0;
inline constexpr double kGpqaOutputMean = 1717.7;
inline constexpr double kGpqaOutputAge = 1354.6;
inline constexpr double kGpqaQuestions = 198.0;

// The share of prompt tokens held once for several running sequences when a benchmark repeats a
// list of `distinct` prompts and runs `batch` of them at once with prefix caching (vLLM V1 default):
// batch / distinct copies of each prompt run together (ML.ENERGY sends the list num_request_repeats
// times in order), so 1 - distinct / batch of the prompt KV and prefill is shared. 0 if batch <= distinct.
double repeated_prompt_share(double batch, double distinct);

struct RooflineFit {
  RooflineParams params;
  double objective = 0;
  double max_thr_err = 0;  // relative
  double max_itl_err = 0;
};

// Errors of a roofline on a sweep (steady states at each max_batch with the point's output mean).
RooflineFit roofline_errors(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                            const RooflineParams& p, std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w);

// The fit described above; `base` supplies the constants not fitted (KV rule, all-reduce, eff_moe).
RooflineFit fit_roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                         std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base,
                         int iterations = 3000);

// The scan: for each t_host_seq (s), the best objective with the other three fitted.
struct HostSeqProfilePoint {
  double t_host_seq_s = 0;
  RooflineFit fit;
};
std::vector<HostSeqProfilePoint> profile_host_seq(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                                                  std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w,
                                                  RooflineParams base, int iterations = 800);

// P_expert (W, on the reference GPU) from a MoE sweep, the other levels of `levels` held: linear
// least squares of the measured mean GPU power (gpu_power_model.hpp).
double fit_expert_power(const Roofline& roofline, const catalog::GpuSpec& gpu, std::span<const LlmSweepPoint> sweep,
                        const WorkloadLengths& w, const power::ActivityPowerLevels& levels);

// eff_moe of a MoE model from a sweep on `tp` GPUs, the other constants of `base` held (see above).
double fit_moe_efficiency(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                          std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base);

// P_compute, P_memory (W, on `gpu`) fitted as described; wait and comm at `wait_w` (default, < 0:
// gpu.idle_loaded_W). `rms_rel` (if given) receives the RMS relative error of the fitted power.
power::ActivityPowerLevels fit_activity_levels(const Roofline& roofline, const catalog::GpuSpec& gpu,
                                               std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w,
                                               double wait_w = -1, double* rms_rel = nullptr);

}  // namespace dcsim::serving
