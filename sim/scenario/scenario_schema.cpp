#include "sim/scenario/scenario_schema.hpp"

#include <algorithm>
#include <cmath>

#include "sim/registry/kinds.hpp"
#include "sim/registry/registry.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario {

namespace {

using units::Quantity;
using P = ParamSpec;

// Sizes a scenario may have (docs/reliability.md): building the platform costs ~0.3 ms and ~10 kB
// a server, and each pool and workload adds datasets to the output, so these keep `validate`
// within seconds and a run within memory.
constexpr int64_t kMaxServersPerPool = 10000;
constexpr int64_t kMaxServers = 20000;
constexpr size_t kMaxPools = 1000;
constexpr size_t kMaxWorkloads = 1000;
constexpr double kMaxSamples = 1e8;  // horizon / record.step

Schema make_record() {
  return Schema{"record",
                "What is written to the output file and how often.",
                {P::quantity_of("step", Quantity::time).def("60 s").above(0).doc("Sample step of every time series."),
                 P::quantity_of("warmup", Quantity::time)
                     .def("0 s")
                     .at_least(0)
                     .doc("Start-up transient left out of the run-wide statistics: requests that arrive before it are "
                          "not in the summary's latency, TTFT, TPOT and SLO figures (they stay in the counts and in every "
                          "time series); the summary's warmup_s and requests_measured and the file's warmup_s "
                          "attribute say so."),
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

// The parameter that chooses one kind of a family (a pool's `serving`): its choices, default and
// help come from the registered kinds.
P kind_selector(const KindFamily& family) {
  std::vector<std::string> names;
  std::string def, help = family.help;
  for (const KindInfo* k : KindIndex::global().of_family(family.name)) {
    names.push_back(k->name);
    if (k->is_default) def = k->name;
    help += " " + k->name + ": " + k->summary + (k->block.empty() ? "." : " (the `" + k->block + "` block).");
  }
  return P::choice(family.selector, names).def(def).doc(help);
}

// The keys of the kinds that extend `parent` (sim/registry/kinds.hpp): a kind's own block, or
// its parameters and sub-blocks in the parent block itself.
void add_kinds(Schema& s, const std::string& parent) {
  for (const KindInfo* k : KindIndex::global().extending(parent)) {
    if (k->block.empty()) {
      s.params.insert(s.params.end(), k->params.begin(), k->params.end());
      s.children.insert(s.children.end(), k->children.begin(), k->children.end());
    } else {
      s.children.push_back(ChildSpec{k->block, ChildKind::block, &k->schema, "", "", false, k->summary + "."});
    }
  }
}

const KindFamily& family(const std::string& name) {
  const KindFamily* f = KindIndex::global().family(name);
  if (!f || KindIndex::global().of_family(name).empty())
    throw std::logic_error("scenario schema: no '" + name + "' kinds registered (call register_builtin_models() first)");
  return *f;
}

const Schema& pool_schema() {
  static const Schema s = [] {
    Schema pool{
        "pool",
        "A pool of identical GPU servers running replicas of one model; `serving` chooses how it serves requests "
        "and which of the blocks below it reads.",
        {P::string("name").req().id().doc("Pool name, unique in its site; used in output paths."),
         P::integer("servers")
             .req()
             .at_least(1)
             .at_most(kMaxServersPerPool)
             .doc("Number of servers (a scenario holds at most 20000 in all: docs/reliability.md)."),
         P::integer("gpus_per_server").def("8").at_least(1).at_most(16).doc("GPUs per server (HGX/DGX: 8)."),
         P::string("server_type")
             .def("auto")
             .doc("Server type (catalog name) whose non-GPU power (CPUs, memory, fans, NICs) adds to the GPUs' in "
                  "power_w; auto: the catalog server holding the pool's GPU (fifo pools: dgx-h100). "
                  "See docs/models/power.md."),
         kind_selector(family("pool")),
         P::integer("queue_capacity")
             .def("100000")
             .at_least(0)
             .at_most(1e7)
             .doc("Requests that may wait in the pool's FIFO queue; arrivals beyond it are rejected.")},
        {}};
    add_kinds(pool, "pool");
    return pool;
  }();
  return s;
}

const Schema& facility_schema() {
  static const Schema s = [] {
    Schema f{"facility",
             "The site's facility: the components that run on its control step (delivery tree, cooling plant, ...), "
             "each reading the exact IT energy of the site's pools since the previous step.",
             {P::quantity_of("step", Quantity::time)
                  .def("10 s")
                  .above(0)
                  .doc("Period of the site's control step (one event per site; none if nothing runs on it).")},
             {}};
    add_kinds(f, "facility");
    return f;
  }();
  return s;
}

// Declared site signals (models/site/signal_series.hpp): a step series per signal, read by
// routers through Site::signal until a grid or facility component feeds it.
Schema make_signal_points(const std::string& name, Quantity q, const std::string& example) {
  return Schema{name + "_point",
                "One point of a declared site signal: its value from t until the next point.",
                {P::quantity_of("t", Quantity::time).req().doc("Simulated time of the point (t = 0 is `start`)."),
                 P::quantity_of("value", q).req().doc("Value from t on (e.g. '" + example + "').")},
                {}};
}

Schema make_signals() {
  static const Schema carbon = make_signal_points("carbon_intensity", Quantity::carbon_intensity, "350 g/kWh");
  static const Schema price = make_signal_points("price", Quantity::energy_price, "80 USD/MWh");
  static const Schema headroom = make_signal_points("power_headroom", Quantity::power, "2 MW");
  const auto points = [](const char* key, const Schema* s, const char* what) {
    return ChildSpec{key, ChildKind::list, s, "", "", false,
                     std::string(what) + ": points {t, value}, times increasing, held until the next (a step)."};
  };
  return Schema{"signals",
                "Declared time series of the site's signals, read by site routers at decision time "
                "(Site::signal; docs/models/scheduling.md \"Site signals\").",
                {},
                {points("carbon_intensity", &carbon, "Grid carbon intensity"),
                 points("price", &price, "Energy price"),
                 points("power_headroom", &headroom, "Facility power headroom (limit - draw)")}};
}

const Schema& site_schema() {
  static const Schema storage = make_storage();
  static const Schema network = make_network();
  static const Schema wan = make_wan();
  static const Schema signals = make_signals();
  static const Schema s = [] {
    Schema site{"site",
                        "A data-center site: its storage, fabric, WAN link, GPU pools and facility.",
                        {P::string("name").req().id().doc("Site name; used in output paths (/sites/<name>).")},
                        {ChildSpec{"storage", ChildKind::block, &storage, "", "", false, ""},
                         ChildSpec{"network", ChildKind::block, &network, "", "", false, ""},
                         ChildSpec{"wan", ChildKind::block, &wan, "", "", false, ""},
                         ChildSpec{"pools", ChildKind::list, &pool_schema(), "", "", true, "GPU pools."},
                         ChildSpec{"facility", ChildKind::block, &facility_schema(), "", "", false,
                                   "What runs on the site's control step."},
                         ChildSpec{"signals", ChildKind::block, &signals, "", "", false,
                                   "Declared signals (carbon intensity, price, headroom) for site routers."}}};
    add_kinds(site, "site");
    return site;
  }();
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
                     .doc("Requests per user per day the tier allows (0: no limit), enforced by a daily_quota "
                          "admission policy of the service (none: not enforced).")
                     .src("surge.openai_rate_limit (free tier: 3 images/day from 27 Mar 2025)"),
                 P::integer("users")
                     .def("1")
                     .at_least(1)
                     .at_most(1e9)
                     .doc("Distinct users the tier's requests come from (each request is attributed to one by a hash "
                          "of its id); daily_limit holds per user (1: for the tier as a whole). With users_from: "
                          "arrivals, the least number of users. Request level keeps 4 bytes per user (1e8: 400 MB); "
                          "the fluid form none."),
                 P::choice("users_from", {"fixed", "arrivals"})
                     .def("fixed")
                     .doc("fixed: the tier has `users` users. arrivals: share x N(t), the user population of the "
                          "workload's arrival model (model: viral) at the request's time, at least `users`: "
                          "a limit imposed while users join counts the users there are (an input error for an "
                          "arrival model without a population)."),
                 P::quantity_of("utc_offset", Quantity::time)
                     .def("0 h")
                     .at_least(-14 * 3600.0)
                     .at_most(14 * 3600.0)
                     .doc("The tier's time zone as an offset from UTC (e.g. -8 h): its daily quotas reset at its "
                          "local midnight.")},
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

// Deferrable work (docs/models/scheduling.md "Deferral"): requests that may wait, up to a deadline
// after their arrival, for a cleaner grid; an admission `defer` policy of the workload's service
// holds and releases them. Without such a policy the flag changes nothing.
Schema make_deferrable() {
  return Schema{"deferrable",
                "The workload's requests may be deferred (held by its service's `defer` admission policy while "
                "the grid is dirty), each at most until its deadline.",
                {P::quantity_of("deadline", Quantity::time)
                     .above(0)
                     .doc("Longest deferral: a request arriving at t is released by t + deadline - lead at the "
                          "latest (lead: the defer policy's). Required in a deferrable block.")},
                {}};
}

Schema make_admission_change() {
  return Schema{
      "admission change",
      "A change of a service's admission at a scheduled time or on a condition: a named policy is enabled or "
      "disabled; each change is an /events row (kind admission_change).",
      {P::string("policy").req().doc("The admission policy it changes (its name: admission[].name, default its model)."),
       P::choice("action", {"enable", "disable"}).req().doc("What becomes of the policy."),
       P::datetime("at").doc("When (calendar date-time, e.g. 2025-03-27T12:00Z). Give this or queue_above."),
       P::integer("queue_above")
           .at_least(0)
           .doc("Condition: the requests waiting in the service's pools exceed this for `for`. Fires again only "
                "after the condition was false. Give this or at."),
       P::quantity_of("for", Quantity::time).def("0 s").at_least(0).doc("How long the condition must hold."),
       P::quantity_of("check_every", Quantity::time)
           .def("10 s")
           .above(0)
           .doc("How often the condition is evaluated (simulated time).")},
      {}};
}

const Schema& service_schema() {
  static const Schema change = make_admission_change();
  static const Schema pool{"service pool",
                           "One pool of a service.",
                           {P::string("pool").req().doc("The pool, as SITE/POOL (e.g. dc1/chat).")},
                           {}};
  static const Schema s{
      "service",
      "A model served by one or more pools at one or more sites, behind one front end: admission, then routing "
      "across its pools, then the chosen pool's own routing to a replica (docs/models/scheduling.md).",
      {P::string("name").req().id().doc("Service name; workloads name it (workloads[].service); output group "
                                        "/services/<name>.")},
      {ChildSpec{"pools", ChildKind::list, &pool, "", "", true, "The pools that serve it (each serving its model)."},
       ChildSpec{"admission", ChildKind::models, nullptr, "admission", "none", false,
                 "Which arriving requests get in: one policy, or a list applied in order (the first that rejects "
                 "decides); default none: all."},
       ChildSpec{"admission_changes", ChildKind::list, &change, "", "", false,
                 "Policies enabled or disabled at scheduled times or on conditions."},
       ChildSpec{"routing", ChildKind::model, nullptr, "site_routing", "single", false,
                 "Which of its pools takes a request (default single: a service of one pool)."},
       ChildSpec{"wan", ChildKind::model, nullptr, "wan_transport", "latency", false,
                 "How payloads cross the WAN between a workload's origin and the serving pool's site (default "
                 "latency: latency + size / bandwidth)."}}};
  return s;
}

const Schema& workload_schema() {
  static const Schema tier = make_tier();
  static const Schema retry = make_retry();
  static const Schema deferrable = make_deferrable();
  static const ChildSpec request_class = [] {
    ChildSpec c{"class", ChildKind::model, nullptr, "request_class", "", false, "What the requests ask for."};
    c.default_yaml = "{model: llm}";
    return c;
  }();
  static const Schema s{
      "workload",
      "A stream of requests: when they arrive and where they go.",
      {P::string("name").req().id().doc("Workload name; used in output paths (/workloads/<name>)."),
       P::string("service").doc("Service (services[].name) that serves the requests. Give this or pool."),
       P::string("pool").doc("Shorthand for a service of one pool, as SITE/POOL (e.g. dc1/chat), without admission "
                             "control. Give this or service."),
       P::string("origin").doc("Site (sites[].name) where the workload's users' traffic enters the WAN; routers "
                               "such as nearest read the WAN latency from it to each pool's site."),
       P::quantity_of("slo_latency", Quantity::time)
           .def("20 s")
           .above(0)
           .doc("End-to-end latency objective; slo_attainment is the share of requests completed within it.")
           .src("mlperf.slo (gptj_total_s, sdxl_total_s: 20 s)")},
      {ChildSpec{"arrivals", ChildKind::model, nullptr, "arrivals", "", true, "When requests arrive."},
       request_class,
       ChildSpec{"tiers", ChildKind::list, &tier, "", "", false,
                 "User tiers; none: every request is in one tier named 'all'."},
       ChildSpec{"retry", ChildKind::block, &retry, "", "", false, "Retries of rejected requests."},
       ChildSpec{"deferrable", ChildKind::block, &deferrable, "", "", false,
                 "Deferrable work: its requests may wait for a cleaner grid up to a deadline (absent: not "
                 "deferrable)."}}};
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
       P::integer("seed").def("1").at_least(0).at_most(9e15).doc("Seed of every random stream (each component derives its own)."),
       P::datetime("start")
           .def("2025-01-01T00:00:00Z")
           .doc("Calendar date-time (UTC unless an offset is given) of simulated t = 0; diurnal and weekly "
                "profiles read the time of day and the day of week from it."),
       P::quantity_of("horizon", Quantity::time).req().above(0).doc("Simulated duration."),
       P::choice("fidelity", {"request", "fluid"})
           .def("request")
           .doc("Simulation fidelity of the pools that do not set their own (request: every request tracked; fluid: flows per control step, docs/models/fluid.md).")},
      {ChildSpec{"record", ChildKind::block, &record, "", "", false, "Output sampling."},
       ChildSpec{"sites", ChildKind::list, &site_schema(), "", "", true, "Data-center sites."},
       ChildSpec{"services", ChildKind::list, &service_schema(), "", "", false,
                 "Services: pools behind one front end (a workload's pool: SITE/POOL is a service of one pool)."},
       ChildSpec{"workloads", ChildKind::list, &workload_schema(), "", "", true, "Request streams."},
       ChildSpec{"catalog", ChildKind::raw, nullptr, "", "", false,
                 "Additions to and overrides of the hardware and model catalogs (gpus:, servers:, models:; same "
                 "fields as models/catalog/*.yaml; an override of one field keeps the others). See "
                 "docs/models/catalog.md."}}};
  return s;
}

namespace {

// The scenario's size: servers, pools, workloads and samples within the limits above.
void check_size(const Config& root, Diagnostics& diags) {
  int64_t servers = 0;
  size_t pools = 0;
  for (const auto& site : root.list("sites")) {
    for (const auto& pool : site.list("pools")) {
      ++pools;
      if (pool.has("servers")) servers += pool.integer("servers");
    }
  }
  const Location top = root.where();
  if (servers > kMaxServers)
    diags.error(top, "sites", "the pools hold " + std::to_string(servers) + " servers, expected at most " +
                                  std::to_string(kMaxServers) + " in one scenario");
  if (pools > kMaxPools)
    diags.error(top, "sites", std::to_string(pools) + " pools, expected at most " + std::to_string(kMaxPools));
  if (root.list("workloads").size() > kMaxWorkloads)
    diags.error(top, "workloads", std::to_string(root.list("workloads").size()) + " workloads, expected at most " +
                                      std::to_string(kMaxWorkloads));
  const double samples = root.num("horizon") / root.child("record").num("step");
  if (samples > kMaxSamples) {
    diags.error(root.child("record").where("step"), "record.step",
                "got '" + clip(root.child("record").str("step")) + "' for a horizon of '" + clip(root.str("horizon")) +
                    "': " + units::format(samples, Quantity::dimensionless) + " samples, expected at most " +
                    units::format(kMaxSamples, Quantity::dimensionless) + " (a longer step or a shorter horizon)");
  }
}

}  // namespace

void check_scenario(const Config& root, Diagnostics& diags) {
  check_size(root, diags);
  std::vector<std::string> pools;
  for (const auto& site : root.list("sites")) {
    for (const auto& pool : site.list("pools")) {
      pools.push_back(site.str("name") + "/" + pool.str("name"));
      // The chosen kind's checks across the pool's keys (tp divides gpus_per_server, ...).
      if (const KindInfo* k = KindIndex::global().find("pool", pool.str("serving")); k && k->check) k->check(pool, diags);
      for (const KindInfo* k : KindIndex::global().extending("pool"))  // blocks every pool has (capacity)
        if (k->family != "pool" && k->check) k->check(pool, diags);
    }
    for (const KindInfo* k : KindIndex::global().extending("site"))
      if (k->check) k->check(site, diags);
    for (const KindInfo* k : KindIndex::global().extending("facility"))
      if (k->check) k->check(site.child("facility"), diags);
  }
  // A pool reference (SITE/POOL) at `key` of `block`.
  const auto check_pool = [&](const Config& block, const std::string& key) {
    if (pools.empty()) return;  // no (valid) sites: already an error of its own
    const std::string& target = block.str(key);
    for (const auto& p : pools)
      if (p == target) return;
    const std::string near = nearest(target, pools);
    diags.error(block.where(key), block.path() + "." + key,
                "no pool '" + target + "'" +
                    (near.empty() ? "; pools are " + quoted_list(pools) : "; did you mean '" + near + "'?"));
  };
  std::vector<std::string> services, sites;
  for (const auto& site : root.list("sites")) sites.push_back(site.str("name"));
  for (const auto& s : root.list("services")) {
    services.push_back(s.str("name"));
    std::vector<std::string> seen;
    for (const auto& p : s.list("pools")) {
      check_pool(p, "pool");
      for (const auto& q : seen) {
        if (q == p.str("pool"))
          diags.error(p.where("pool"), p.path() + ".pool", "pool '" + q + "' is listed twice in service '" + s.str("name") + "'");
      }
      seen.push_back(p.str("pool"));
    }
  }
  for (const auto& w : root.list("workloads")) {
    if (w.has("service") == w.has("pool")) {
      diags.error(w.where(), w.path(),
                  w.has("service") ? "give either 'service' or 'pool', not both"
                                   : "missing 'service' (a services[].name) or 'pool' (SITE/POOL)");
      continue;
    }
    if (w.has("pool")) {
      check_pool(w, "pool");
    } else if (std::find(services.begin(), services.end(), w.str("service")) == services.end()) {
      const std::string& name = w.str("service");
      const std::string near = nearest(name, services);
      diags.error(w.where("service"), w.path() + ".service",
                  "no service '" + name + "'" +
                      (services.empty()  ? "; the scenario declares no services (use pool: SITE/POOL, or add services:)"
                       : near.empty() ? "; services are " + quoted_list(services)
                                      : "; did you mean '" + near + "'?"));
    }
    if (w.has("origin") && std::find(sites.begin(), sites.end(), w.str("origin")) == sites.end()) {
      const std::string near = nearest(w.str("origin"), sites);
      diags.error(w.where("origin"), w.path() + ".origin",
                  "no site '" + w.str("origin") + "'" +
                      (near.empty() ? "; sites are " + quoted_list(sites) : "; did you mean '" + near + "'?"));
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
  for (const auto& w : root.list("workloads")) {  // a deferrable block given without its deadline
    const auto& d = w.child("deferrable");
    const bool given = d.where().line != w.where().line || d.where().column != w.where().column;
    if (given && !d.has("deadline"))
      diags.error(d.where(), w.path() + ".deferrable.deadline",
                  "missing 'deadline' (a duration > 0, e.g. '12 h'): how long a request may be deferred");
  }
  const double step = root.child("record").num("step");
  const double horizon = root.num("horizon");
  const auto& rec = root.child("record");
  if (rec.num("warmup") >= horizon) {
    diags.error(rec.where("warmup"), "record.warmup",
                "got '" + rec.str("warmup") + "', expected less than the horizon (" + root.str("horizon") + ")");
  }
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
