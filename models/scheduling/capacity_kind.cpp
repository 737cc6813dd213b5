// The `capacity` block of every pool (capacity.hpp): its keys, declared once, and the checks
// across them; registered as a block kind extending the pool block (sim/registry/kinds.hpp), so
// the scenario schema, `dcsim list` and docs/scenario-reference.md show it under the pool.
#include "models/scheduling/autoscaler.hpp"
#include "models/scheduling/capacity.hpp"
#include "models/scheduling/failure_model.hpp"
#include "sim/registry/kinds.hpp"

namespace dcsim::scheduling {

namespace {

using P = scenario::ParamSpec;
using scenario::ChildKind;
using scenario::ChildSpec;
using units::Quantity;

const scenario::Schema& schedule_schema() {
  static const scenario::Schema s{
      "capacity change",
      "A scheduled capacity change: at a calendar time (or an offset from the start), set the pool's capacity "
      "and/or its autoscaler's bounds.",
      {P::datetime("at").doc("Calendar date-time of the change (give this or after)."),
       P::quantity_of("after", Quantity::time).at_least(0).doc("Time since the start of the change (give this or at)."),
       P::integer("replicas").def("-1").at_least(-1).doc("Replicas in the pool's capacity from then on (-1: unchanged)."),
       P::integer("min_replicas").def("-1").at_least(-1).doc("The autoscaler's min_replicas from then on (-1: unchanged)."),
       P::integer("max_replicas").def("-1").at_least(-1).doc("The autoscaler's max_replicas from then on (-1: unchanged).")},
      {}};
  return s;
}

const scenario::Schema& reservoir_schema() {
  static const scenario::Schema s{
      "reservoir",
      "GPUs borrowed from another cluster (operators moved training GPUs to inference in March 2025): the pool's "
      "last `servers` servers are not part of it until `delay` after they are asked for, at a time (at, after) or by "
      "the autoscaler when it wants more than the pool's own replicas. On arrival their replicas join the capacity "
      "and load their weights.",
      {P::integer("servers").def("0").at_least(0).doc("Servers of the pool (its last ones) that are borrowed (0: none)."),
       P::quantity_of("delay", Quantity::time)
           .def("0 s")
           .at_least(0)
           .doc("From the request to their arrival (moving, re-imaging, networking the servers)."),
       P::datetime("at").doc("When the operator asks for them (calendar date-time)."),
       P::quantity_of("after", Quantity::time).at_least(0).doc("When the operator asks for them (since the start).")},
      {}};
  return s;
}

void check_capacity(const scenario::Config& pool, scenario::Diagnostics& diags) {
  const auto& c = pool.child("capacity");
  for (const auto& e : c.list("schedule")) {
    if (e.has("at") == e.has("after"))
      diags.error(e.where(), e.path(), e.has("at") ? "give either 'at' or 'after', not both" : "missing 'at' or 'after'");
    if (e.integer("replicas") < 0 && e.integer("min_replicas") < 0 && e.integer("max_replicas") < 0)
      diags.error(e.where(), e.path(), "a capacity change sets at least one of replicas, min_replicas, max_replicas");
  }
  const auto& r = c.child("reservoir");
  const int64_t servers = r.integer("servers");
  if (r.has("at") && r.has("after")) diags.error(r.where(), r.path(), "give either 'at' or 'after', not both");
  if (servers > 0 && servers >= pool.integer("servers")) {
    diags.error(r.where("servers"), r.path() + ".servers",
                "got " + std::to_string(servers) + ", expected fewer than the pool's servers (" +
                    std::to_string(pool.integer("servers")) + ")");
  }
  if (servers > 0 && !r.has("at") && !r.has("after") && c.child("autoscaler").model() == "none") {
    diags.error(r.where(), r.path(),
                "a reservoir is asked for at a time ('at' or 'after') or by an autoscaler; this pool has neither");
  }
  const auto& a = c.child("autoscaler");
  if (a.model() != "none" && a.integer("max_replicas") >= 0 && a.integer("min_replicas") > a.integer("max_replicas")) {
    diags.error(a.where("min_replicas"), a.path() + ".min_replicas",
                "got " + std::to_string(a.integer("min_replicas")) + ", expected at most max_replicas (" +
                    std::to_string(a.integer("max_replicas")) + ")");
  }
}

}  // namespace

void register_capacity() {
  register_autoscale_none();
  register_autoscale_target_utilization();
  register_autoscale_queue_length();
  register_autoscale_latency_slo();
  register_failures_none();
  register_failures_exponential();
  register_failures_weibull();

  KindIndex::global().add_family(KindFamily{"pool_capacity", "", "A pool's capacity over time."});
  KindInfo k;
  k.family = "pool_capacity";
  k.parent = "pool";
  k.name = "capacity";
  k.block = "capacity";
  k.summary = "capacity over time: initial replicas, warm start, autoscaler, schedule, reservoir, failures";
  k.help = "The pool's capacity over time (docs/models/scheduling.md \"Capacity\"): how many of its replicas serve at "
           "the start, the autoscaler, scheduled changes, borrowed GPUs, failures and repairs.";
  k.params = {
      P::integer("initial_replicas")
          .def("-1")
          .at_least(-1)
          .doc("Replicas in the capacity at the start (-1: all but the reservoir's); the others stay stopped (0 W)."),
      P::boolean("warm_start")
          .def("false")
          .doc("The initial replicas are up at t = 0 without loading their weights (steady-state studies; see "
               "record.warmup)."),
      P::quantity_of("provisioning_delay", Quantity::time)
          .def("0 s")
          .at_least(0)
          .doc("From a scale-out decision to the start of the replicas' weight load (machines allocated and booted); "
               "the weight load from the site's model store follows.")};
  k.children = {ChildSpec{"autoscaler", ChildKind::model, nullptr, "autoscaler", "none", false,
                          "Reactive autoscaler (default none)."},
                ChildSpec{"schedule", ChildKind::list, &schedule_schema(), "", "", false, "Scheduled capacity changes."},
                ChildSpec{"reservoir", ChildKind::block, &reservoir_schema(), "", "", false, "Borrowed GPUs."},
                ChildSpec{"failures", ChildKind::model, nullptr, "failures", "none", false,
                          "GPU and server failures and repairs (default none)."}};
  k.check = check_capacity;
  KindIndex::global().add(std::move(k));
}

}  // namespace dcsim::scheduling
