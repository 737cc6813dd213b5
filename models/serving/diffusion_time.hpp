// Time of one batch of a diffusion (image) model on one GPU, and the offline throughput of a node.
//
//   t_batch   = steps * t_step(batch, pixels)                                          [s]
//   t_step    = t0 + batch * (pixels / ref_pixels) * flops_per_step / (gpu_flops * eff)  [s]
//   node images/s = n_gpus * node_eff * batch / t_batch     (independent replicas, data parallel)
//
// The denoiser's time per step is its compute over an effective FLOP/s plus a fixed per-step cost
// t0 (scheduler step, launches, the text encoders and VAE spread over the steps). flops_per_step:
// FLOPs of one denoising step for one image at ref_pixels, classifier-free guidance included
// (models/catalog/models.yaml). Cost is linear in pixels (the attention's quadratic term is ignored).
//
// Efficiency of a diffusers denoiser grows with its transformer width w (larger GEMMs fill the
// tensor cores better):   eff(w) = eff_max * w / (w + w_half)
// Calibration (docs/models/serving-diffusion.md), on one H100, BF16, diffusers (ML.ENERGY v3):
//   t0, eff_max, w_half by least squares on log latency over the batch sweeps (1, 4, 16) of
//   SD3.5-Medium (w 1536, mlenergy_v3.h100.sd35_medium) and FLUX.1-dev (w 3072,
//   mlenergy_v3.h100.flux1_dev): t0 = 16.68 ms, eff_max = 1.9659, w_half = 9977.8 (eff 0.262 at
//   1536, 0.463 at 3072). Held out: SD3.5-Large (w 2432, mlenergy_v3.h100.sd35_large).
//   SDXL (TensorRT, MLPerf v4.0: a different software stack): its own eff solved from the 1-GPU
//   offline point (mlperf_v40.sdxl.h100x1, batch 8, 20 steps) with the same t0: eff = 0.4988 for
//   the catalog's 1.4e13 FLOP/step; node_eff = 13.1263 / (8 * 1.64178) = 0.9994 (mlperf_v40.sdxl.h100x8).
//   Video (CogVideoX-1.5): eff solved from the latency of mlenergy_v3.h100.video with the same t0.
#pragma once

#include "models/catalog/specs.hpp"

namespace dcsim::serving {

struct DiffusionTimeParams {
  double eff = 0.4988;      // fraction of dense BF16 peak
  double t0_s = 16.68e-3;   // fixed cost per step [s]
  double node_eff = 1.0;    // throughput factor for a multi-GPU node of independent replicas
};

struct DiffusersEfficiencyLaw {
  double t0_s = 16.68e-3;
  double eff_max = 1.9659;
  double w_half = 9977.8;
  double eff(double width) const { return width > 0 ? eff_max * width / (width + w_half) : eff_max * 1536 / (1536 + w_half); }
};
inline constexpr DiffusersEfficiencyLaw kDiffusersH100{};

// SDXL on H100 (TensorRT, MLPerf v4.0): batch 8, 20 steps.
inline constexpr int kSdxlMlperfBatch = 8;
inline constexpr int kSdxlSteps = 20;
inline constexpr double kSdxlMlperfImagesPerS = 1.64178;   // mlperf_v40.sdxl.h100x1
inline constexpr double kSdxlMlperfNodeImagesPerS = 13.1263;  // mlperf_v40.sdxl.h100x8
// eff solved from the MLPerf 1-GPU point for `flops_per_step`, t0 from kDiffusersH100; node_eff from x8.
DiffusionTimeParams sdxl_mlperf_fit(double flops_per_step, double gpu_flops);
// A diffusers model of transformer width `width` (catalog `hidden`).
DiffusionTimeParams diffusers_fit(double width);

double diffusion_step_time(double batch, double pixels, double ref_pixels, double flops_per_step,
                           double gpu_flops, const DiffusionTimeParams& p);
double diffusion_batch_time(int steps, double batch, double pixels, double ref_pixels,
                            double flops_per_step, double gpu_flops, const DiffusionTimeParams& p);
// images/s of a node of n_gpus independent replicas (node_eff applied when n_gpus > 1)
double diffusion_node_throughput(int n_gpus, int steps, double batch, double pixels,
                                 double ref_pixels, double flops_per_step, double gpu_flops,
                                 const DiffusionTimeParams& p);

}  // namespace dcsim::serving
