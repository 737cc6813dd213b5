// Pool IT power (equations, server choice and checks in pool_it_power.hpp).
#include "models/serving/pool_it_power.hpp"

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::serving {

namespace {

constexpr const char* kFifoDefaultServer = "dgx-h100";  // the fifo gpu block defaults are H100 figures

std::string watts(double w) { return units::format(w, units::Quantity::power); }

}  // namespace

PoolItPower pool_it_power(const scenario::Config& pool, const catalog::Catalog& catalog, const std::string& serving) {
  const bool fifo = serving.empty();
  const std::string gpu_name = fifo ? "" : pool.child(serving).str("gpu");
  const std::string& wanted = pool.str("server_type");
  const auto where = pool.where("server_type");
  const std::string path = pool.path() + ".server_type";

  PoolItPower it;
  if (wanted != "auto") {
    it.server = wanted;
  } else if (fifo) {
    it.server = kFifoDefaultServer;
  } else {
    for (const auto& name : catalog.server_names()) {
      if (catalog.server(name).gpu == gpu_name) {
        it.server = name;
        break;
      }
    }
    if (it.server.empty()) {
      throw scenario::InputError(where, path,
                                 "no catalog server holds GPU '" + gpu_name +
                                     "'; name one with server_type: (or add one under catalog.servers)");
    }
  }
  const catalog::ServerSpec& server = catalog.server(it.server, where, path);
  if (!fifo && server.gpu != gpu_name) {
    throw scenario::InputError(where, path,
                               "got '" + it.server + "', a server of " + server.gpu + " GPUs; the pool runs " +
                                   gpu_name + " (" + pool.path() + "." + serving + ".gpu)");
  }
  catalog::GpuSpec gpu = catalog.gpu(server.gpu);
  std::string tdp_name = "tdp";
  if (fifo) {
    const scenario::Config& g = pool.child("gpu");
    gpu.idle_W = g.num("idle_power");
    gpu.tdp_W = g.num("busy_power");
    tdp_name = "gpu.busy_power";
    if (!(gpu.tdp_W > gpu.idle_W)) {
      throw scenario::InputError(g.where("busy_power"), g.path() + ".busy_power",
                                 "got '" + g.str("busy_power") + "', expected more than idle_power (" +
                                     g.str("idle_power") + "): server non-GPU power follows GPU load between them");
    }
  }
  const power::ServerPowerModel model(server, gpu);
  if (!model.rating_holds()) {
    throw scenario::InputError(where, path,
                               "server '" + it.server + "' at full load draws " + std::to_string(server.gpus) +
                                   " x " + tdp_name + " " + watts(gpu.tdp_W) + " + other_max_power " +
                                   watts(server.other_max_W) + " = " + watts(model.full_load_w()) +
                                   ", above its max_power " + watts(server.max_W) +
                                   (fifo ? "; lower gpu.busy_power, or name another server" : "") +
                                   "; lower other_max_power or raise max_power in the catalog");
  }
  it.servers = double(pool.integer("servers")) * double(pool.integer("gpus_per_server")) / double(server.gpus);
  it.other = model.pool_affine(it.servers);
  it.gpu_tdp_w = gpu.tdp_W;
  return it;
}

void declare_pool_it_series(output::Recorder& r, const std::string& g, const PoolItPower& it) {
  const double slope = 1.0 + it.other.slope;
  r.affine_of(g, "power_w", "W", "IT power of the pool (GPUs and the servers' non-GPU part), step average",
              r.ref(g, "gpu_power_w"), it.other.offset_w, slope);
  r.affine_of(g, "energy_j", "J", "IT energy of the pool (GPUs and the servers' non-GPU part) during the step",
              r.ref(g, "gpu_energy_j"), it.other.offset_w, slope);
}

}  // namespace dcsim::serving
