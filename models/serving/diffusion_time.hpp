// Time of one batch of a diffusion (image) model on one GPU, and the offline throughput of a node.
//
//   t_batch   = steps * t_step(batch, pixels)                                          [s]
//   t_step    = t0 + batch * (pixels / ref_pixels) * flops_per_step / (gpu_flops * eff)  [s]
//   node images/s = n_gpus * node_eff * batch / t_batch     (independent replicas, data parallel)
//
// flops_per_step: FLOPs of one denoising step for one image at ref_pixels, classifier-free
// guidance included (two network evaluations). Cost is taken linear in pixels (the attention's
// quadratic term is ignored). The VAE decode and text encoders are folded into eff.
// Parameters: eff (dimensionless), t0_s (per-step fixed cost: launches, scheduler, [s]),
// node_eff (multi-GPU loss of n independent replicas on one node, dimensionless).
//
// Calibration (docs/models/serving.md):
//  * SDXL, MLPerf Inference v4.0 offline, NVIDIA TensorRT (calibration.yaml mlperf_v40.sdxl.*):
//    1.64178 images/s on 1 H100, 13.1263 on 8. 20 Euler steps (MLPerf SDXL rules), batch 8
//    (assumed), flops_per_step 1.2e13 (assumed: UNet ~6.0e12 FLOP/eval at 1024x1024 x 2 for
//    CFG), t0 = 5 ms (assumed, TensorRT + CUDA graphs; not identifiable from offline data).
//    eff solved from the 1-GPU point; node_eff = 13.1263 / (8 * 1.64178) = 0.9994.
//  * SD3.5-Medium, ML.ENERGY v3 (mlenergy_v3.h100.sd35_medium): 28 steps, batch 1/4/16.
//    flops_per_step 5.0e13 (assumed: 2 * 2.5e9 params * 4429 tokens * 2 CFG + attention).
//    Own least-squares line through the three latencies: t0 = 18.5 ms, eff = 0.4728.
#pragma once

namespace dcsim::serving {

struct DiffusionTimeParams {
  double eff = 0.4066;     // fraction of dense BF16 peak
  double t0_s = 5e-3;      // fixed cost per step [s]
  double node_eff = 1.0;   // throughput factor for a multi-GPU node of independent replicas
};

// SDXL on H100 (TensorRT, MLPerf v4.0): see header comment.
inline constexpr double kSdxlFlopsPerStep = 1.2e13;
inline constexpr double kSdxlRefPixels = 1024.0 * 1024.0;
inline constexpr int kSdxlSteps = 20;
inline constexpr int kSdxlMlperfBatch = 8;
DiffusionTimeParams h100_sdxl_fit();       // eff 0.4066, t0 5 ms, node_eff 0.9994 (8 GPUs)
// SD3.5-Medium on H100 (diffusers, ML.ENERGY v3)
inline constexpr double kSd35mFlopsPerStep = 5.0e13;
DiffusionTimeParams h100_sd35m_fit();      // eff 0.4728, t0 18.5 ms

double diffusion_step_time(double batch, double pixels, double ref_pixels, double flops_per_step,
                           double gpu_flops, const DiffusionTimeParams& p);
double diffusion_batch_time(int steps, double batch, double pixels, double ref_pixels,
                            double flops_per_step, double gpu_flops, const DiffusionTimeParams& p);
// images/s of a node of n_gpus independent replicas (node_eff applied when n_gpus > 1)
double diffusion_node_throughput(int n_gpus, int steps, double batch, double pixels,
                                 double ref_pixels, double flops_per_step, double gpu_flops,
                                 const DiffusionTimeParams& p);

}  // namespace dcsim::serving
