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

struct ModelSpec {
  std::string name;              // "llama-3.1-8b"
  ModelKind kind = ModelKind::llm;
  // LLM
  double params = 0;             // parameter count
  double bytes_per_param = 2;    // BF16 2, FP8 1
  int layers = 0;
  int hidden = 0;
  double kv_bytes_per_token = 0; // KV cache per token (all layers), at the model's KV precision
  // diffusion / video
  double flops_per_step = 0;     // FLOPs per denoising step at the reference resolution
  double ref_pixels = 0;         // reference resolution (width x height)
  int default_steps = 0;
  double weights_B() const { return params * bytes_per_param; }
};

}  // namespace dcsim::catalog
