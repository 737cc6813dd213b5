#include "sim/scenario/scenario_schema.hpp"

#include <cmath>

#include "models/grid/grid_schema.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "sim/registry/registry.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario {

namespace {

using units::Quantity;
using P = ParamSpec;

Schema make_record() {
  return Schema{"record",
                "What is written to the output file and how often.",
                {P::quantity_of("step", Quantity::time).def("60 s").above(0).doc("Sample step of every time series."),
                 P::quantity_of("requests", Quantity::dimensionless)
                     .def("0.01")
                     .at_least(0)
                     .at_most(1)
                     .doc("Share of request attempts written to the /requests table (chosen by a hash of the "
                          "request, so the same requests are sampled in every run).")},
                {}};
}

Schema make_storage() {
  return Schema{"storage",
                "The site's model store, from which replicas load their weights over the network.",
                {P::quantity_of("bandwidth", Quantity::bandwidth)
                     .def("25 GB/s")
                     .above(0)
                     .doc("Bandwidth of the storage service's link, shared by all concurrent weight loads."),
                 P::quantity_of("latency", Quantity::time).def("50 us").at_least(0).doc("Latency of the storage link.")},
                {}};
}

Schema make_network() {
  return Schema{"network",
                "The site fabric: each server's link to the site switch.",
                {P::quantity_of("server_link", Quantity::bandwidth)
                     .def("50 GB/s")
                     .above(0)
                     .doc("Per-server network bandwidth (400 Gb/s NIC = 50 GB/s)."),
                 P::quantity_of("latency", Quantity::time).def("5 us").at_least(0).doc("Per-hop latency in the fabric.")},
                {}};
}

Schema make_wan() {
  return Schema{"wan",
                "The site's connection to the wide-area network between sites.",
                {P::quantity_of("bandwidth", Quantity::bandwidth).def("100 Gbps").above(0).doc("WAN uplink bandwidth."),
                 P::quantity_of("latency", Quantity::time).def("10 ms").at_least(0).doc("One-way latency to the WAN core.")},
                {}};
}

Schema make_gpu() {
  return Schema{
      "gpu",
      "GPU power of the placeholder pool: idle when no request runs, busy while one does.",
      {P::quantity_of("idle_power", Quantity::power)
           .def("75 W")
           .at_least(0)
           .doc("Power of a GPU with no request running.")
           .src("est.h100_idle (60-90 W, midpoint)"),
       P::quantity_of("busy_power", Quantity::power)
           .def("700 W")
           .above(0)
           .doc("Power of a GPU while its replica serves a request.")
           .src("hw.h100_sxm (TDP 700 W)")},
      {}};
}

// The LLM parameters shared by `llm:` and `disaggregated:` (declared once).
std::vector<ParamSpec> llm_shared_params() {
  return {P::string("gpu").def("h100-sxm").doc("GPU (catalog name)."),
          P::string("ai_model").def("llama-3.1-8b").doc("Served language model (catalog name)."),
          P::integer("max_batch").def("256").at_least(1).at_most(4096).doc("Running sequences per replica."),
          P::integer("max_batch_tokens").def("8192").at_least(1).doc("Token budget of one iteration (chunked prefill)."),
          P::quantity_of("gpu_memory_utilization", Quantity::dimensionless)
              .def("0.9")
              .above(0)
              .at_most(1)
              .doc("Share of GPU memory for weights and KV cache (vLLM's gpu_memory_utilization)."),
          P::quantity_of("reserve", Quantity::data)
              .def("4 GB")
              .at_least(0)
              .doc("Memory per replica kept for activations, outside the KV cache."),
          P::quantity_of("power_cap", Quantity::power)
              .def("0 W")
              .at_least(0)
              .doc("Per-GPU power limit (0 W: none); throughput falls as (cap / uncapped power)^(1/3)."),
          P::integer("prefix_cache")
              .def("0")
              .at_least(0)
              .doc("Prompt tokens of prefix cache per replica, taken from its KV cache (0: off). Requests "
                   "replayed from a Mooncake trace skip the prefill of leading 512-token blocks (hash_ids) "
                   "found in the replica's LRU cache; on the prefill side only when disaggregated.")};
}

P tp_param(const std::string& name, const std::string& help) {
  return P::integer(name).def("1").at_least(1).at_most(8).doc(help);
}

Schema make_llm() {
  std::vector<ParamSpec> params = llm_shared_params();
  params.insert(params.begin() + 2, tp_param("tp", "Tensor-parallel degree: GPUs per replica (one server)."));
  return Schema{
      "llm",
      "Continuous-batching LLM serving (serving: llm): hardware and model from the catalog "
      "(models/catalog), iteration times from the roofline model fitted to ML.ENERGY.",
      std::move(params),
      {}};
}

Schema make_disaggregated() {
  std::vector<ParamSpec> params = llm_shared_params();
  params.insert(params.begin() + 2,
                {P::integer("prefill_servers")
                     .def("1")
                     .at_least(1)
                     .doc("The pool's first prefill_servers servers run prefill; the others decode (at least one)."),
                 tp_param("prefill_tp", "Tensor-parallel degree of a prefill replica (GPUs, one server)."),
                 tp_param("decode_tp", "Tensor-parallel degree of a decode replica (GPUs, one server).")});
  params.push_back(P::quantity_of("kv_transfer_efficiency", Quantity::dimensionless)
                       .def("1")
                       .above(0)
                       .at_most(1)
                       .doc("Share of the fabric bandwidth a KV-cache transfer achieves: each sends "
                            "(prompt + 1) x kv_bytes_per_token / kv_transfer_efficiency bytes."));
  return Schema{
      "disaggregated",
      "Prefill/decode disaggregation (serving: disaggregated): prefill replicas on the first servers, decode "
      "replicas on the rest, each request's KV cache sent between them over the site fabric "
      "(docs/models/serving-disaggregated.md). The other parameters are those of the llm block, per replica.",
      std::move(params),
      {}};
}

const Schema& pool_schema() {
  static const Schema gpu = make_gpu();
  static const Schema llm = make_llm();
  static const Schema disaggregated = make_disaggregated();
  static const Schema diffusion{"diffusion",
                                "Batched image and video generation (serving: diffusion): hardware and model from the "
                                "catalog, batch times calibrated to MLPerf SDXL (docs/models/serving-diffusion.md).",
                                serving::diffusion_block_params(),
                                {}};
  static const Schema s{
      "pool",
      "A pool of identical GPU servers running replicas of one model (placeholder serving model: one request at a "
      "time per replica, FIFO queue).",
      {P::string("name").req().id().doc("Pool name, unique in its site; used in output paths."),
       P::integer("servers").req().at_least(1).doc("Number of servers."),
       P::integer("gpus_per_server").def("8").at_least(1).at_most(16).doc("GPUs per server (HGX/DGX: 8)."),
       P::integer("gpus_per_replica").def("1").at_least(1).doc("GPUs per replica; must divide gpus_per_server."),
       P::string("server_type")
           .def("auto")
           .doc("Server type (catalog name) whose non-GPU power (CPUs, memory, fans, NICs) adds to the GPUs' in "
                "power_w; auto: the catalog server holding the pool's GPU (fifo pools: dgx-h100). "
                "See docs/models/power.md."),
       P::quantity_of("weights", Quantity::data)
           .def("16.06 GB")
           .above(0)
           .doc("Size of the model weights each replica loads from the site storage at start-up.")
           .src("Llama-3.1-8B, 8.03e9 parameters x 2 B (BF16)"),
       P::choice("serving", {"fifo", "llm", "diffusion", "disaggregated"})
           .def("fifo")
           .doc("fifo: the placeholder pool (one request at a time per replica, `service` times); llm: continuous "
                "batching with a KV cache (the `llm` block); diffusion: batched image/video generation (the `diffusion` "
                "block); disaggregated: separate prefill and decode replicas with KV-cache transfers (the "
                "`disaggregated` block)."),
       P::integer("queue_capacity")
           .def("100000")
           .at_least(0)
           .doc("Requests that may wait in the pool's FIFO queue; arrivals beyond it are rejected.")},
      {ChildSpec{"gpu", ChildKind::block, &gpu, "", "", false, "GPU power."},
       ChildSpec{"service", ChildKind::model, nullptr, "service_time", "", false,
                 "Service time of one request on one replica (serving: fifo)."},
       ChildSpec{"llm", ChildKind::block, &llm, "", "", false, "Continuous batching (serving: llm)."},
       ChildSpec{"diffusion", ChildKind::block, &diffusion, "", "", false, "Batched generation (serving: diffusion)."},
       ChildSpec{"disaggregated", ChildKind::block, &disaggregated, "", "", false,
                 "Prefill/decode disaggregation (serving: disaggregated)."}}};
  return s;
}

const Schema& site_schema() {
  static const Schema storage = make_storage();
  static const Schema network = make_network();
  static const Schema wan = make_wan();
  static const Schema s{"site",
                        "A data-center site: its storage, fabric, WAN link and GPU pools.",
                        {P::string("name").req().id().doc("Site name; used in output paths (/sites/<name>).")},
                        {ChildSpec{"storage", ChildKind::block, &storage, "", "", false, ""},
                         ChildSpec{"network", ChildKind::block, &network, "", "", false, ""},
                         ChildSpec{"wan", ChildKind::block, &wan, "", "", false, ""},
                         ChildSpec{"pools", ChildKind::list, &pool_schema(), "", "", true, "GPU pools."},
                         ChildSpec{"grid", ChildKind::block, &grid::grid_schema(), "", "", false, "Grid connection."}}};
  return s;
}

Schema make_tier() {
  return Schema{"tier",
                "A user tier (free, paid, API): its share of the workload's requests and its limit.",
                {P::string("name").req().id().doc("Tier name."),
                 P::quantity_of("share", Quantity::dimensionless)
                     .req()
                     .at_least(0)
                     .at_most(1)
                     .doc("Share of the workload's requests from this tier; the shares of a workload sum to 1."),
                 P::integer("daily_limit")
                     .def("0")
                     .at_least(0)
                     .doc("Requests per user per day the tier allows (0: no limit); carried on each request for "
                          "admission control.")
                     .src("surge.openai_rate_limit (free tier: 3 images/day from 27 Mar 2025)")},
                {}};
}

Schema make_retry() {
  return Schema{"retry",
                "Users pressing the button again: a rejected request comes back after a back-off.",
                {P::quantity_of("probability", Quantity::dimensionless)
                     .def("0")
                     .at_least(0)
                     .at_most(1)
                     .doc("Probability that a rejected request is retried."),
                 P::quantity_of("backoff", Quantity::time)
                     .def("30 s")
                     .above(0)
                     .doc("Mean back-off before a retry (exponentially distributed)."),
                 P::integer("max_attempts").def("3").at_least(1).at_most(100).doc("Attempts in all, the first included.")},
                {}};
}

const Schema& workload_schema() {
  static const Schema tier = make_tier();
  static const Schema retry = make_retry();
  static const ChildSpec request_class = [] {
    ChildSpec c{"class", ChildKind::model, nullptr, "request_class", "", false, "What the requests ask for."};
    c.default_yaml = "{model: llm}";
    return c;
  }();
  static const Schema s{
      "workload",
      "A stream of requests: when they arrive and where they go.",
      {P::string("name").req().id().doc("Workload name; used in output paths (/workloads/<name>)."),
       P::string("pool").req().doc("Target pool as SITE/POOL (e.g. dc1/chat)."),
       P::quantity_of("slo_latency", Quantity::time)
           .def("20 s")
           .above(0)
           .doc("End-to-end latency objective; slo_attainment is the share of requests completed within it.")
           .src("mlperf.slo (gptj_total_s, sdxl_total_s: 20 s)")},
      {ChildSpec{"arrivals", ChildKind::model, nullptr, "arrivals", "", true, "When requests arrive."},
       request_class,
       ChildSpec{"tiers", ChildKind::list, &tier, "", "", false,
                 "User tiers; none: every request is in one tier named 'all'."},
       ChildSpec{"retry", ChildKind::block, &retry, "", "", false, "Retries of rejected requests."}}};
  return s;
}

}  // namespace

const Schema& scenario_schema() {
  static const Schema record = make_record();
  static const Schema s{
      "scenario",
      "A dcsim scenario: demand, fleet and what to record.",
      {P::string("name").req().id().doc("Scenario name (stored in the output)."),
       P::string("description").def("-").doc("Free text."),
       P::integer("seed").def("1").at_least(0).doc("Seed of every random stream (each component derives its own)."),
       P::datetime("start")
           .def("2025-01-01T00:00:00Z")
           .doc("Calendar date-time (UTC unless an offset is given) of simulated t = 0; diurnal and weekly "
                "profiles read the time of day and the day of week from it."),
       P::quantity_of("horizon", Quantity::time).req().above(0).doc("Simulated duration."),
       P::choice("fidelity", {"request"}).def("request").doc("Simulation fidelity (request: every request tracked).")},
      {ChildSpec{"record", ChildKind::block, &record, "", "", false, "Output sampling."},
       ChildSpec{"sites", ChildKind::list, &site_schema(), "", "", true, "Data-center sites."},
       ChildSpec{"workloads", ChildKind::list, &workload_schema(), "", "", true, "Request streams."},
       ChildSpec{"catalog", ChildKind::raw, nullptr, "", "", false,
                 "Additions to and overrides of the hardware and model catalogs (gpus:, servers:, models:; same "
                 "fields as models/catalog/*.yaml; an override of one field keeps the others). See "
                 "docs/models/catalog.md."}}};
  return s;
}

void check_scenario(const Config& root, Diagnostics& diags) {
  std::vector<std::string> pools;
  for (const auto& site : root.list("sites")) {
    for (const auto& pool : site.list("pools")) {
      pools.push_back(site.str("name") + "/" + pool.str("name"));
      if (pool.str("serving") == "fifo" && pool.child("service").model().empty()) {
        diags.error(pool.where(), pool.path(),
                    "missing required block 'service' (a service_time model: one of " +
                        quoted_list(RegistryIndex::global().names("service_time")) + ")");
      }
      if (pool.str("serving") == "llm") {
        const int64_t tp = pool.child("llm").integer("tp");
        if (pool.integer("gpus_per_server") % tp != 0) {
          diags.error(pool.child("llm").where("tp"), pool.path() + ".llm.tp",
                      "got '" + std::to_string(tp) + "', expected a divisor of gpus_per_server (" +
                          std::to_string(pool.integer("gpus_per_server")) + ")");
        }
      }
      if (pool.str("serving") == "disaggregated") {
        const auto& d = pool.child("disaggregated");
        for (const char* key : {"prefill_tp", "decode_tp"}) {
          const int64_t tp = d.integer(key);
          if (pool.integer("gpus_per_server") % tp != 0) {
            diags.error(d.where(key), pool.path() + ".disaggregated." + key,
                        "got '" + std::to_string(tp) + "', expected a divisor of gpus_per_server (" +
                            std::to_string(pool.integer("gpus_per_server")) + ")");
          }
        }
        const int64_t prefill = d.integer("prefill_servers");
        if (prefill >= pool.integer("servers")) {
          diags.error(d.where("prefill_servers"), pool.path() + ".disaggregated.prefill_servers",
                      "got '" + std::to_string(prefill) + "', expected fewer than the pool's servers (" +
                          std::to_string(pool.integer("servers")) + "): at least one server must decode");
        }
      }
      const int64_t per_server = pool.integer("gpus_per_server");
      const int64_t per_replica = pool.integer("gpus_per_replica");
      if (per_server % per_replica != 0) {
        diags.error(pool.where("gpus_per_replica"), pool.path() + ".gpus_per_replica",
                    "got '" + std::to_string(per_replica) + "', expected a divisor of gpus_per_server (" +
                        std::to_string(per_server) + ")");
      }
    }
  }
  for (const auto& w : root.list("workloads")) {
    const std::string& target = w.str("pool");
    bool found = false;
    for (const auto& p : pools) found = found || p == target;
    if (!found) {
      const std::string near = nearest(target, pools);
      diags.error(w.where("pool"), w.path() + ".pool",
                  "no pool '" + target + "'" +
                      (near.empty() ? "; pools are " + quoted_list(pools) : "; did you mean '" + near + "'?"));
    }
  }
  for (const auto& w : root.list("workloads")) {
    const auto& tiers = w.list("tiers");
    if (tiers.empty()) continue;
    double sum = 0;
    for (const auto& t : tiers) sum += t.num("share");
    if (std::abs(sum - 1.0) > 1e-6) {
      diags.error(tiers.front().where("share"), w.path() + ".tiers",
                  "tier shares sum to " + std::to_string(sum) + ", expected 1");
    }
    if (tiers.size() > 255) diags.error(w.where(), w.path() + ".tiers", "at most 255 tiers");
  }
  const double step = root.child("record").num("step");
  const double horizon = root.num("horizon");
  if (step > horizon) {
    diags.error(root.child("record").where("step"), "record.step",
                "got '" + root.child("record").str("step") + "', expected a step no longer than the horizon (" +
                    root.str("horizon") + ")");
  }
}

LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  return load_file(path, scenario_schema(), overrides, check_scenario);
}

}  // namespace dcsim::scenario
