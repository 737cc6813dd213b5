// Diffusion step/batch time; equations and sources in diffusion_time.hpp.
#include "models/serving/diffusion_time.hpp"

namespace dcsim::serving {

DiffusionTimeParams sdxl_mlperf_fit(double flops_per_step, double gpu_flops) {
  DiffusionTimeParams p;
  p.t0_s = kDiffusersH100.t0_s;
  const double t_step = kSdxlMlperfBatch / kSdxlMlperfImagesPerS / kSdxlSteps;
  p.eff = kSdxlMlperfBatch * flops_per_step / (gpu_flops * (t_step - p.t0_s));
  p.node_eff = kSdxlMlperfNodeImagesPerS / (8.0 * kSdxlMlperfImagesPerS);
  return p;
}

DiffusionTimeParams diffusers_fit(double width) {
  DiffusionTimeParams p;
  p.t0_s = kDiffusersH100.t0_s;
  p.eff = kDiffusersH100.eff(width);
  p.node_eff = 1.0;
  return p;
}

double diffusion_step_time(double batch, double pixels, double ref_pixels, double flops_per_step,
                           double gpu_flops, const DiffusionTimeParams& p) {
  return p.t0_s + batch * (pixels / ref_pixels) * flops_per_step / (gpu_flops * p.eff);
}

double diffusion_batch_time(int steps, double batch, double pixels, double ref_pixels,
                            double flops_per_step, double gpu_flops, const DiffusionTimeParams& p) {
  return steps * diffusion_step_time(batch, pixels, ref_pixels, flops_per_step, gpu_flops, p);
}

double diffusion_node_throughput(int n_gpus, int steps, double batch, double pixels,
                                 double ref_pixels, double flops_per_step, double gpu_flops,
                                 const DiffusionTimeParams& p) {
  const double t = diffusion_batch_time(steps, batch, pixels, ref_pixels, flops_per_step, gpu_flops, p);
  return n_gpus * (n_gpus > 1 ? p.node_eff : 1.0) * batch / t;
}

}  // namespace dcsim::serving
