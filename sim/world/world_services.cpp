// The World's services: a front end (models/scheduling/frontend.hpp) per declared service and
// per pool shorthand of a workload, their pools and workloads, the WAN latency from each
// workload's origin to each pool's site, their admission and routing policies from the
// registries, and the check that every workload asks for the model its pools serve.
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/scheduling/admission_chain.hpp"
#include "models/site/signal_series.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/text.hpp"
#include "sim/world/world.hpp"

namespace dcsim {

namespace {

// Where a key was written, or the block's own location when it took its default.
scenario::Location located(const scenario::Config& c, const std::string& key, const scenario::Config& fallback) {
  return c.value(key).defaulted ? fallback.where() : c.where(key);
}

}  // namespace

std::vector<serving::RequestObserver*> World::create_services(const scenario::Config& scenario) {
  const auto make = [&](const std::string& name, const scenario::Config* cfg) {
    services_.push_back(std::make_unique<scheduling::Frontend>(engine_));
    auto& v = services_.back()->view();
    v.name = name;
    v.group = "/services/" + name;
    v.config = cfg;
    return static_cast<uint32_t>(services_.size() - 1);
  };
  for (const auto& s : scenario.list("services")) make(s.str("name"), &s);
  std::vector<serving::RequestObserver*> observers;
  const auto& cfgs = scenario.list("workloads");
  for (uint32_t w = 0; w < workloads_.size(); ++w) {
    const std::string& name = workloads_[w]->service();
    uint32_t k = 0;
    while (k < services_.size() && services_[k]->view().name != name) ++k;
    if (k == services_.size()) k = make(name, nullptr);  // the pool shorthand: a one-pool service
    service_of_.push_back(k);
    scheduling::Frontend& fe = *services_[k];
    fe.set_observer(w, workloads_[w].get());
    fe.view().workloads.push_back(scheduling::ServiceWorkload{w, workloads_[w]->name(), nullptr, &cfgs[w],
                                                                      &workloads_[w]->arrivals()});
    observers.push_back(&fe);
  }
  return observers;
}

void World::connect_services(const scenario::Config& scenario, output::Recorder& recorder, uint64_t seed) {
  build_site_signals(scenario);
  const auto by_name = [&](const std::string& site_pool) {
    for (size_t i = 0; i < pools_.size(); ++i) {
      const auto& pl = pools_[i]->placement();
      if (pl.site + "/" + pl.name == site_pool) return i;
    }
    throw std::logic_error("world: no pool " + site_pool);  // checked when the scenario was loaded
  };
  const auto site_of = [&](size_t pool) -> const site::Site* {
    for (const auto& s : sites_)
      if (s->name == pools_[pool]->placement().site) return s.get();
    return nullptr;
  };
  const auto& wl_cfgs = scenario.list("workloads");
  for (auto& fe : services_) {
    scheduling::ServiceView& v = fe->view();
    std::vector<std::string> names;
    if (v.config) {
      for (const auto& p : v.config->list("pools")) names.push_back(p.str("pool"));
    } else {
      names.push_back(v.name);
    }
    for (const auto& n : names) {
      const size_t i = by_name(n);
      v.pools.push_back(scheduling::ServicePool{pools_[i].get(), site_of(i), n});
    }
    // Origins and one-way WAN latencies (minimum-latency path between the site switches).
    for (auto& w : v.workloads) {
      const auto& c = wl_cfgs[w.index];
      if (c.has("origin")) {
        for (const auto& s : sites_)
          if (s->name == c.str("origin")) w.origin = s.get();
      }
      v.wan_latency_s.emplace_back();
      v.wan_bandwidth_Bps.emplace_back();
      for (const auto& p : v.pools) add_path(v, v.wan_latency_s.size() - 1, w.origin, p.site);
    }
    // Policies; the pool shorthand has none (admit all, its one pool).
    if (v.config) {
      scheduling::PolicyContext ctx{v, engine_, recorder, seed, scenario.num("start"), {}};
      ctx.fallback_pool = [&, &v = v](const std::string& name, const scenario::Config& where, const std::string& key) {
        return add_fallback(v, name, where, key);
      };
      fe->set_admission(scheduling::make_admission(v.config->list("admission"), v.config->list("admission_changes"), ctx));
      fe->set_router(scheduling::site_router_registry().create(v.config->child("routing"), ctx));
      fe->set_recorder(&recorder);
      scheduling::WanContext wan{engine_, {}};
      for (const auto& s : sites_) wan.endpoints.push_back(platform_.storage_by_site.at(s->name));
      fe->set_transport(scheduling::wan_transport_registry().create(v.config->child("wan"), wan));
    }
  }
  for (uint32_t w = 0; w < workloads_.size(); ++w) workloads_[w]->connect(services_[service_of_[w]].get());
  check_models(scenario);
  connect_flows(scenario, seed);
}

// One-way latency and narrowest bandwidth from `origin` to `there` (minimum-latency path between
// the site switches), appended to workload slot `w`'s rows; NaN without an origin.
void World::add_path(scheduling::ServiceView& v, size_t w, const site::Site* origin, const site::Site* there) const {
  double sum = std::numeric_limits<double>::quiet_NaN(), narrowest = sum;
  if (origin) {
    sum = 0;
    narrowest = std::numeric_limits<double>::infinity();
    for (const auto& e : platform::shortest_path(topology_, topology_.site_switches[origin->index],
                                                 topology_.site_switches[there->index])) {
      sum += topology_.graph[e].latency_s;
      narrowest = std::min(narrowest, topology_.graph[e].bandwidth_Bps);
    }
  }
  v.wan_latency_s[w].push_back(sum);
  v.wan_bandwidth_Bps[w].push_back(narrowest);
}

namespace {
// The kind of request a pool kind serves: LLM or image; a placeholder pool serves either.
const char* request_family(const std::string& serving) {
  if (serving == "llm" || serving == "disaggregated") return "LLM";
  if (serving == "diffusion") return "image";
  return "";
}
}  // namespace

// A degrade policy's `pool:` (scheduling::PolicyContext::fallback_pool).
uint32_t World::add_fallback(scheduling::ServiceView& v, const std::string& name, const scenario::Config& where,
                             const std::string& key) {
  for (size_t j = 0; j < v.fallback.size(); ++j)
    if (v.fallback[j].name == name) return static_cast<uint32_t>(v.pools.size() + j);
  const auto bad = [&](const std::string& why) {
    return scenario::InputError(where.where(key), where.path() + "." + key, "got '" + name + "', expected " + why);
  };
  for (const auto& p : v.pools)
    if (p.name == name) throw bad("a pool outside service '" + v.name + "' (a smaller model): '" + name + "' is one of its own");
  size_t i = pools_.size();
  std::vector<std::string> all;
  for (size_t k = 0; k < pools_.size(); ++k) {
    const auto& pl = pools_[k]->placement();
    all.push_back(pl.site + "/" + pl.name);
    if (all.back() == name) i = k;
  }
  if (i == pools_.size()) {
    const std::string near = nearest(name, all);
    throw bad("SITE/POOL of a scenario pool (" + (near.empty() ? quoted_list(all) : "did you mean '" + near + "'?") + ")");
  }
  const char* want = "";
  for (const auto& p : v.pools) {
    const char* f = request_family(pool_info_[pool_index(p.pool)].config->str("serving"));
    if (*f) want = f;
  }
  const char* got = request_family(pool_info_[i].config->str("serving"));
  if (*want && *got && std::string(want) != got)
    throw bad("a pool serving " + std::string(want) + " requests as service '" + v.name + "' does: '" + name +
              "' serves " + got + " requests");
  const site::Site* there = nullptr;
  for (const auto& s : sites_)
    if (s->name == pools_[i]->placement().site) there = s.get();
  v.fallback.push_back(scheduling::ServicePool{pools_[i].get(), there, name});
  for (size_t w = 0; w < v.workloads.size(); ++w) add_path(v, w, v.workloads[w].origin, there);
  return static_cast<uint32_t>(v.pools.size() + v.fallback.size() - 1);
}

// Declared site signals (sites[].signals): a step series each, fed to its site.
void World::build_site_signals(const scenario::Config& scenario) {
  const auto& sites = scenario.list("sites");
  for (size_t s = 0; s < sites.size(); ++s) {
    if (!sites[s].has_child("signals")) continue;
    const auto& block = sites[s].child("signals");
    for (size_t k = 0; k < site::kSignalKinds; ++k) {
      const char* name = site::signal_name(site::SignalKind(k));
      const auto& pts = block.list(name);
      if (pts.empty()) continue;
      std::vector<double> t, x;
      for (size_t j = 0; j < pts.size(); ++j) {
        const auto& p = pts[j];
        if (!t.empty() && !(p.num("t") > t.back()))
          throw scenario::InputError(p.where("t"), p.path() + ".t",
                                     "got '" + p.str("t") + "', expected a time after the previous point's ('" +
                                         pts[j - 1].str("t") + "'): times must increase");
        t.push_back(p.num("t"));
        x.push_back(p.num("value"));
      }
      signal_series_.push_back(std::make_unique<site::SignalSeries>(std::move(t), std::move(x)));
      sites_[s]->feed(site::SignalKind(k), signal_series_.back().get());
    }
  }
}

// Every pool of a service serves one model, and every workload of the service asks for it.
void World::check_models(const scenario::Config& scenario) const {
  const auto& wl_cfgs = scenario.list("workloads");
  for (const auto& fe : services_) {
    const auto& v = fe->view();
    const PoolInfo* first = nullptr;
    const scheduling::ServicePool* first_pool = nullptr;
    for (size_t k = 0; k < v.pools.size(); ++k) {
      const PoolInfo& info = pool_info_[pool_index(v.pools[k].pool)];
      if (info.model.empty()) continue;  // a placeholder (fifo) pool serves whatever it is sent
      if (!first) {
        first = &info;
        first_pool = &v.pools[k];
        continue;
      }
      if (info.model != first->model) {
        const auto& p = v.config->list("pools")[k];
        throw scenario::InputError(p.where("pool"), p.path() + ".pool",
                                   "pool '" + v.pools[k].name + "' serves '" + info.model + "', but pool '" +
                                       first_pool->name + "' of service '" + v.name + "' serves '" + first->model +
                                       "': a service is one model");
      }
    }
    if (!first) continue;
    for (const auto& w : v.workloads) {
      const auto& wc = wl_cfgs[w.index];
      const auto& cls = wc.child("class");
      const std::string& asked = workloads_[w.index]->request_class().model_name();
      if (asked == first->model) continue;
      throw scenario::InputError(located(cls, "ai_model", wc), cls.path() + ".ai_model",
                                 "got '" + asked + "', expected '" + first->model + "', the model that pool '" +
                                     first_pool->name + "' serves (" + first->config->path() + "." + first->model_key +
                                     ")");
    }
  }
}

}  // namespace dcsim
