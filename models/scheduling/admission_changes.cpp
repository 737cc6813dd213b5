// Scheduled and conditional changes of a service's admission (admission_changes.hpp).
#include "models/scheduling/admission_changes.hpp"

#include <cmath>
#include <limits>

#include "models/scheduling/admission_chain.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scheduling {

namespace {

std::string seconds_text(double s) {
  const double r = std::round(s);
  return (std::abs(r - s) < 1e-9 ? std::to_string(static_cast<int64_t>(r)) : std::to_string(s)) + " s";
}

}  // namespace

AdmissionChanges::AdmissionChanges(AdmissionChain& chain, const std::vector<scenario::Config>& changes,
                                   const PolicyContext& ctx)
    : chain_(chain), service_(ctx.service), engine_(ctx.engine), recorder_(ctx.recorder) {
  for (const auto& c : changes) {
    Change ch;
    ch.policy = chain.find(c.str("policy"));
    if (ch.policy == AdmissionChain::npos) {
      std::vector<std::string> names;
      for (size_t k = 0; k < chain.size(); ++k) names.push_back(chain.name(k));
      throw scenario::InputError(c.where("policy"), c.path() + ".policy",
                                 "no admission policy '" + c.str("policy") + "' in service '" + service_.name + "'" +
                                     (names.empty() ? std::string("; it has none") : "; its policies are " + quoted_list(names)));
    }
    ch.enable = c.str("action") == "enable";
    if (c.has("at") == c.has("queue_above"))
      throw scenario::InputError(c.where(), c.path(),
                                 c.has("at") ? "give either 'at' or 'queue_above', not both"
                                             : "missing 'at' (a date-time) or 'queue_above' (a condition)");
    if (c.has("at")) {
      ch.at_s = c.num("at") - ctx.start_epoch_s;
      if (ch.at_s < 0)
        throw scenario::InputError(c.where("at"), c.path() + ".at",
                                   "got '" + c.str("at") + "', before the scenario's start (" +
                                       scenario::format_datetime(ctx.start_epoch_s) + ")");
      ch.when = "at " + scenario::format_datetime(c.num("at"));
    } else {
      ch.conditional = true;
      ch.queue_above = static_cast<uint64_t>(c.integer("queue_above"));
      ch.for_s = c.num("for");
      ch.every_s = c.num("check_every");
      ch.when = "queue above " + std::to_string(ch.queue_above) + " for " + seconds_text(ch.for_s);
    }
    changes_.push_back(ch);
  }
  const double now = engine_.now();
  for (size_t i = 0; i < changes_.size(); ++i) {
    const Change& ch = changes_[i];
    engine_.at(ch.conditional ? now + ch.every_s : ch.at_s, this, i);
  }
}

void AdmissionChanges::apply(Change& c, double value) {
  chain_.set_enabled(c.policy, c.enable);
  const std::string& name = chain_.name(c.policy);
  recorder_.event("admission_change", service_.group + "/admission/" + name, value,
                  name + (c.enable ? " enabled" : " disabled") + " (" + c.when + ")");
}

void AdmissionChanges::on_event(uint64_t tag) {
  Change& c = changes_[tag];
  const double now = engine_.now();
  if (!c.conditional) {
    apply(c, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  const uint64_t q = service_queued(service_);
  if (q > c.queue_above) {
    if (c.since_s < 0) c.since_s = now;
    if (c.armed && now - c.since_s >= c.for_s && chain_.enabled(c.policy) != c.enable) {
      c.armed = false;
      apply(c, static_cast<double>(q));
    }
  } else {
    c.since_s = -1;
    c.armed = true;
  }
  engine_.after(c.every_s, this, tag);
}

}  // namespace dcsim::scheduling
