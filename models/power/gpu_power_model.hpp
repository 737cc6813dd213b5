// Activity-dependent GPU power with a power cap (replaces the two-state IdleBusyGpuPower of
// gpu_power.hpp once the serving pools are wired to it). Powers in W, batch in requests.
//
// LLM serving (the llm and disaggregated pools): power from what each GPU does in an iteration,
// the roofline's time fractions (models/serving/roofline.hpp) of compute, memory and all-reduce;
// the rest of the iteration it waits (launch gaps, host work):
//   P_gpu = L(P_wait) f_wait + L(P_compute) f_c + L(P_memory) f_m + L(P_comm) f_ar,  clipped to [P_idle_loaded, TDP]
//   L(P)  = P_idle_loaded + (P - P_idle_ref) * TDP / TDP_ref      (a level measured on the reference GPU)
//   f_wait = 1 - f_c - f_m - f_ar
// Fitted once on mlenergy_v3.h100.llama31_8b.sweep (10 points, linear least squares on P_compute,
// P_memory with the roofline of h100_llama31_8b_fit() at the LM-Arena lengths): P_compute = 859.7 W,
// P_memory = 569.1 W. P_wait: the H100 sweep does not identify it (its GPU waits < 25 % of any
// iteration and the fit is indifferent from 113 to 500 W), so it is held at the loaded idle of the
// H100 (113 W): a GPU with no kernel in flight draws its idle power at the DVFS state it is in
// (idle-with-context power is set by the DVFS state, not by memory use: arXiv 2605.23918), and
// nvidia-smi listings of idle P0 H100s read 67-72 W (+26-50 W with a context). P_comm = P_wait (ASSUMPTION: NCCL's ring kernels on NVLink occupy a
// few SMs and stream little HBM traffic). The same law gives every tensor-parallel degree: a GPU of
// a tp replica draws what its share of the work makes it draw; at tp = 1 it is the one-GPU value.
// P_compute above TDP means a compute-bound iteration runs at the board limit (the clip).
// MoE expert weights: streamed by grouped GEMMs that dequantise MXFP4 to BF16 on the SMs, a memory
// state with the SMs busy, so its level lies between P_memory and P_compute: P_expert = 704.3 W on
// the reference GPU (about the board limit), fitted (one linear parameter, the others held) on the
// ML.ENERGY gpt-oss-120b points on one H100 (max_batch 8-64, 550-688 W; the leaderboard data file,
// not calibration.yaml), where the GPU streams expert weights 60-75 % of each iteration; the 2-GPU
// calibration.yaml sweep stays held out:
//   P_gpu = ... + L(P_memory) (f_m - f_expert) + L(P_expert) f_expert
//
//   idle, model loaded:   P = P_idle_loaded                                   (GpuSpec.idle_loaded_W)
//   LLM decode / mixed:   P(b) = s · [P_lo + (P_hi − P_lo)(1 − e^(−b/b0))],  b > 0;  P(0) = P_idle_loaded
//   prefill:              P = k_prefill · TDP
//   diffusion at batch b: P(b) = s · [same saturating law with the diffusion constants]
//   TDP scaling:          s = TDP / TDP_ref,  TDP_ref = 700 W (H100 SXM, hw.h100_sxm)
//   every active state is clipped to [P_idle_loaded, TDP].
//
//   cap C (W):            P = min(P_u, C)                            P_u: the uncapped power
//   throughput factor:    f = 1                      if P_u <= C
//                         f = max(f_min, (C/P_u)^α)  if P_u >  C
//
// Constants (units, source):
//   LLM, H100 SXM, Llama-3.1-8B BF16 vLLM:  P_lo = 455.84 W, P_hi = 690.98 W, b0 = 57.23 requests.
//     Least-squares fit (fit_saturating below, reproduced in tests/unit/power_model_test.cpp) to
//     the 10 points of calibration.yaml mlenergy_v3.h100.llama31_8b.sweep (avg_gpu_power_W vs
//     max_batch 8…512): RMS 3.2 W, max relative error 0.76 % (at batch 192).
//   Diffusion, H100 SXM, SD3.5-Medium 1024², 28 steps:  P_lo = 399.89 W, P_hi = 529.06 W,
//     b0 = 2.090 images. Same fit on mlenergy_v3.h100.sd35_medium (449/510/529 W at batch
//     1/4/16): three points, three parameters, exact (max error < 0.01 %). SD3.5-Large and
//     FLUX.1-dev (mlenergy_v3.h100.sd35_large, .flux1_dev) sit flat at 661–690 W, i.e. at the
//     prefill level: use kDiffusionLargeH100 (flat 0.97·TDP) for them.
//   k_prefill = 0.99: compute-bound work runs at the board limit. Basis: the LLM sweep plateaus
//     at 687–691 W = 0.98–0.99 TDP (mlenergy_v3.h100.llama31_8b.sweep; 0.99 keeps prefill >= the
//     fitted decode plateau 691 W) and FLUX.1-dev (a compute-bound DiT) draws 683–690 W =
//     0.976–0.986 TDP at every batch (mlenergy_v3.h100.flux1_dev).
//   α = 1/3 (ASSUMPTION, a parameter): in the DVFS range V ∝ f so dynamic power ∝ C V² f ∝ f³,
//     hence clock (and compute-bound throughput) ∝ P^(1/3). Applying it to the total power, static
//     part included, makes the loss an upper bound for compute-bound work; memory-bound decode
//     loses less (use a smaller α for it). No capping measurement is in calibration.yaml.
//   f_min = 0.25 (ASSUMPTION): lowest clock fraction the cap can push the GPU to.
//   s (TDP scaling) is an ASSUMPTION: the curve's shape is H100-measured. For B200 it
//     overestimates (mlenergy_v3.b200.llama31_8b: 639/617/691 W at batch 8/64/2048 vs
//     695/877/987 W scaled): a small model does not load a bigger GPU. Pass a curve fitted to the
//     target GPU (GpuPowerParams::tdp_ref_w = its TDP) when data exist.
//
// No allocation: every evaluation is a few flops (called on every batch change).
#pragma once

#include "models/catalog/specs.hpp"

#include <limits>
#include <span>

namespace dcsim::power {

// P(b) = p_lo_w + (p_hi_w - p_lo_w) (1 - exp(-b / b0)) for b > 0.
struct SaturatingCurve {
  double p_lo_w = 0;  // W, value extrapolated to b -> 0+
  double p_hi_w = 0;  // W, plateau
  double b0 = 1;      // requests (or images): e-folding batch
  double at(double batch) const;
};

struct SaturatingFit {
  SaturatingCurve curve;
  double rms_w = 0;         // root mean square residual, W
  double max_rel_err = 0;   // max |P_fit - P| / P over the points
};

// Least squares of the saturating law on (x, y): for fixed b0 the law is linear in (P_lo, P_hi)
// and solved in closed form; b0 is found by a scan of 4001 log-spaced values in [0.1, 1000]
// followed by a golden-section refinement (200 steps) around the best one. Deterministic.
// Needs >= 3 points with at least two distinct x.
SaturatingFit fit_saturating(std::span<const double> x, std::span<const double> y);

// Fitted constants (see the header comment for the fit and its errors).
inline constexpr SaturatingCurve kLlmH100Llama31_8b{455.839077, 690.975903, 57.225467};
inline constexpr SaturatingCurve kDiffusionSd35MediumH100{399.885978, 529.061244, 2.090396};
inline constexpr SaturatingCurve kDiffusionLargeH100{679.0, 679.0, 1.0};  // 0.97 x 700 W, flat

// Per-GPU power levels of the activity law above, measured on the reference GPU (W).
struct ActivityPowerLevels {
  double wait_w = 0;
  double compute_w = 0;
  double memory_w = 0;
  double comm_w = 0;
  double idle_ref_w = 113.0;  // loaded idle of the reference GPU (h100-sxm catalog entry)
  double expert_w = -1;       // streaming MoE expert weights (MXFP4 dequantised on the SMs); < 0: = memory_w
};
inline constexpr ActivityPowerLevels kActivityH100Llama{113.0, 859.7, 569.1, 113.0, 113.0, 704.3};

// Fractions of an iteration a GPU spends in each kind of work (each in [0, 1], sum <= 1; expert is
// the part of memory that streams MoE expert weights).
struct GpuActivity {
  double compute = 0;
  double memory = 0;
  double comm = 0;
  double expert = 0;
};

struct GpuPowerParams {
  ActivityPowerLevels activity = kActivityH100Llama;
  SaturatingCurve llm = kLlmH100Llama31_8b;
  SaturatingCurve diffusion = kDiffusionSd35MediumH100;
  double tdp_ref_w = 700.0;           // W, TDP of the GPU the curves were measured on
  double prefill_fraction = 0.99;     // of TDP
  double alpha = 1.0 / 3.0;           // throughput ~ power^alpha under a cap
  double min_clock_fraction = 0.25;   // floor of the throughput factor
};

class GpuPowerModel {
 public:
  explicit GpuPowerModel(const catalog::GpuSpec& spec, const GpuPowerParams& params = {});

  double idle_w() const { return idle_loaded_w_; }
  double tdp_w() const { return tdp_w_; }
  double llm_w(double batch) const;        // batch <= 0: idle (saturating curve, legacy)
  double activity_w(const GpuActivity& a) const;  // per GPU, uncapped (the law above)
  double prefill_w() const;
  double diffusion_w(double batch) const;  // batch <= 0: idle

  // Cap in W; watts <= 0 or +inf removes it. A cap below idle is raised to idle (a cap
  // cannot lower idle power).
  void set_cap(double watts);
  double cap_w() const { return cap_w_; }  // +inf when uncapped
  double capped_w(double uncapped) const;
  double throughput_factor(double uncapped) const;  // 1 when not capped

 private:
  double active(double p) const;  // clip to [idle, TDP]

  GpuPowerParams params_;
  double tdp_w_;
  double idle_loaded_w_;
  double scale_;  // TDP / TDP_ref
  double cap_w_ = std::numeric_limits<double>::infinity();
};

}  // namespace dcsim::power
