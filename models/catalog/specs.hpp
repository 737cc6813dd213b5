// Hardware and AI-model descriptions in internal units, as read from the catalogs
// (models/catalog/*.yaml) or given inline in a scenario. Plain data: the serving and power models
// take these, never YAML.
#pragma once

#include <string>

namespace dcsim::catalog {

struct GpuSpec {
  std::string name;              // "h100-sxm"
  double memory_B = 0;           // HBM capacity
  double memory_bw_Bps = 0;      // HBM bandwidth
  double bf16_flops = 0;         // dense BF16 FLOP/s
  double fp8_flops = 0;          // dense FP8 FLOP/s (0: not supported)
  double fp4_flops = 0;          // dense FP4 FLOP/s (0: not supported)
  double tdp_W = 0;              // board power limit
  double idle_W = 0;             // idle, no CUDA context
  double idle_loaded_W = 0;      // idle with a model loaded (context held)
  double nvlink_Bps = 0;         // NVLink bandwidth per GPU
};

struct ServerSpec {
  std::string name;              // "dgx-h100"
  std::string gpu;               // GpuSpec name
  int gpus = 8;
  double other_idle_W = 0;       // non-GPU power (CPUs, memory, fans, NICs) at idle
  double other_max_W = 0;        // non-GPU power at full load
  double max_W = 0;              // node rating (DGX H100: 10.2 kW)
};

enum class ModelKind { llm, diffusion, video };

// Precision the model's matrix multiplies run at (its weights may be stored narrower, e.g. MXFP4
// experts dequantized to BF16 on a GPU without FP4 tensor cores).
enum class Precision { bf16, fp8, fp4 };

// Dense FLOP/s of `gpu` at precision p; a precision the GPU lacks runs at the next wider one it has
// (FP4 -> FP8 -> BF16), as vLLM's weight-only kernels (Marlin, MXFP4 on Hopper) do.
inline double dense_flops(const GpuSpec& gpu, Precision p) {
  if (p == Precision::fp4 && gpu.fp4_flops > 0) return gpu.fp4_flops;
  if (p != Precision::bf16 && gpu.fp8_flops > 0) return gpu.fp8_flops;
  return gpu.bf16_flops;
}

struct ModelSpec {
  std::string name;              // "llama-3.1-8b"
  ModelKind kind = ModelKind::llm;
  // LLM
  double params = 0;             // parameter count (all experts of a mixture-of-experts model)
  double bytes_per_param = 2;    // BF16 2, FP8 1 (the non-expert weights of a MoE model)
  Precision compute = Precision::bf16;  // precision of the matrix multiplies
  // Mixture of experts (0 experts: dense). Expert weights are read only for the experts the
  // iteration's tokens route to; every token computes with active_params.
  double active_params = 0;      // parameters one token computes with (0: = params)
  double expert_params = 0;      // parameters held in the experts (all of them)
  double expert_bytes_per_param = 0;  // storage of the expert weights (0: = bytes_per_param; MXFP4 0.53125)
  int experts = 0;               // routed experts per MoE layer
  int experts_per_token = 0;     // experts each token is routed to (top-k)
  int layers = 0;
  int hidden = 0;
  double kv_bytes_per_token = 0; // KV cache per token (all layers), at the model's KV precision
  // diffusion / video
  double flops_per_step = 0;     // FLOPs per denoising step at the reference resolution
  double ref_pixels = 0;         // reference resolution (width x height)
  int default_steps = 0;
  double weights_B() const {
    return (params - expert_params) * bytes_per_param +
           expert_params * (expert_bytes_per_param > 0 ? expert_bytes_per_param : bytes_per_param);
  }
  double active_params_per_token() const { return active_params > 0 ? active_params : params; }
  bool is_moe() const { return experts > 0 && experts_per_token > 0; }
};

}  // namespace dcsim::catalog
