// Diffusion step/batch time; equations and sources in diffusion_time.hpp.
#include "models/serving/diffusion_time.hpp"

namespace dcsim::serving {

DiffusionTimeParams h100_sdxl_fit() { return DiffusionTimeParams{0.4066, 5e-3, 0.9994}; }
DiffusionTimeParams h100_sd35m_fit() { return DiffusionTimeParams{0.4728, 18.5e-3, 1.0}; }

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
