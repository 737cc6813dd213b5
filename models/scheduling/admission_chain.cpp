// A service's admission policies in order, their scopes and states (admission_chain.hpp).
#include "models/scheduling/admission_chain.hpp"

#include <algorithm>

#include "models/scheduling/admission_changes.hpp"
#include "models/serving/pool.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

namespace {

// The tier names of a workload of the service ("all" when it declares none).
std::vector<std::string> tiers_of(const ServiceWorkload& w) {
  std::vector<std::string> out;
  if (w.config)
    for (const auto& t : w.config->list("tiers")) out.push_back(t.str("name"));
  if (out.empty()) out.push_back("all");
  return out;
}

// By Request::workload: -2 out of scope, -1 every tier, t: tier t only. Throws when the scope names
// no workload or tier of the service.
std::vector<int16_t> scope_of(const scenario::Config& block, const ServiceView& v) {
  uint32_t max_index = 0;
  for (const auto& w : v.workloads) max_index = std::max(max_index, w.index);
  std::vector<int16_t> out(v.workloads.empty() ? 0 : max_index + 1, -2);
  const bool by_workload = block.has("workload");
  const bool by_tier = block.has("tier");
  bool workload_found = !by_workload, tier_found = !by_tier;
  std::vector<std::string> names, tiers;
  for (const auto& w : v.workloads) {
    names.push_back(w.name);
    if (by_workload && w.name != block.str("workload")) continue;
    workload_found = true;
    if (!by_tier) {
      out[w.index] = -1;
      continue;
    }
    const auto t = tiers_of(w);
    for (size_t k = 0; k < t.size(); ++k) {
      tiers.push_back(t[k]);
      if (t[k] == block.str("tier")) {
        out[w.index] = static_cast<int16_t>(k);
        tier_found = true;
      }
    }
  }
  if (!workload_found)
    throw scenario::InputError(block.where("workload"), block.path() + ".workload",
                               "no workload '" + block.str("workload") + "' sends requests to service '" + v.name +
                                   "'; its workloads are " + quoted_list(names));
  if (!tier_found)
    throw scenario::InputError(block.where("tier"), block.path() + ".tier",
                               "no tier '" + block.str("tier") + "' in the workloads of service '" + v.name +
                                   "' in scope; their tiers are " + quoted_list(tiers));
  return out;
}

}  // namespace

const std::string& policy_name(const scenario::Config& block) {
  return block.has("name") ? block.str("name") : block.model();
}

uint64_t service_queued(const ServiceView& service) {
  uint64_t q = 0;
  for (const auto& p : service.pools) q += p.pool->load().queued;
  return q;
}

AdmissionChain::AdmissionChain(const std::vector<scenario::Config>& blocks, const std::vector<scenario::Config>& changes,
                               const PolicyContext& ctx) {
  for (const auto& b : blocks) {
    Stage s;
    s.policy = admission_registry().create(b, ctx);
    if (s.policy->admits_all()) continue;  // `none` in a list: nothing to do
    s.name = policy_name(b);
    if (s.policy->may_hold()) {
      if (hold_stage_ != npos)
        throw scenario::InputError(b.where(), b.path(),
                                   "a second policy that holds requests ('" + s.name + "' after '" +
                                       stages_[hold_stage_].name + "') in service '" + ctx.service.name +
                                       "', expected at most one");
      for (const auto& earlier : stages_)
        if (earlier.model == "degrade")
          throw scenario::InputError(b.where(), b.path(),
                                     "'" + s.name + "' holds requests but comes after the degrade policy '" +
                                         earlier.name + "', expected it before (list it first)");
      hold_stage_ = stages_.size();
    }
    s.model = b.model();
    s.enabled = !b.has("enabled") || b.flag("enabled");
    s.tier_of_workload = scope_of(b, ctx.service);
    if (s.policy->wants_outcomes()) {
      if (outcome_bits_ == 0xff)
        throw scenario::InputError(b.where(), b.path(),
                                   "more than 8 policies of service '" + ctx.service.name +
                                       "' follow their requests' outcomes (concurrency_cap, degrade on p99)");
      s.mark = static_cast<uint8_t>((outcome_bits_ + 1) & ~outcome_bits_);  // lowest free bit
      outcome_bits_ |= s.mark;
    }
    stages_.push_back(std::move(s));
  }
  admits_all_ = stages_.empty();
  if (admits_all_) return;
  if (hold_stage_ != npos) {
    resume_.chain = this;
    resume_.next = hold_stage_ + 1;
    stages_[hold_stage_].policy->set_hold_sink(&resume_);
  }
  const std::string& g = ctx.service.group;
  s_rejected_ = ctx.recorder.counter(g, "admission_rejected", "1",
                                     "Requests rejected by the service's admission policies during the step");
  s_degraded_ = ctx.recorder.counter(g, "degraded", "1", "Requests admitted degraded during the step");
  if (!changes.empty()) changes_ = std::make_unique<AdmissionChanges>(*this, changes, ctx);
}

AdmissionChain::~AdmissionChain() = default;

size_t AdmissionChain::find(const std::string& name) const {
  for (size_t k = 0; k < stages_.size(); ++k)
    if (stages_[k].name == name) return k;
  return npos;
}

Verdict AdmissionChain::decide(workload::Request& r, double now) {
  r.admission_marks = 0;
  return run_from(r, now, 0, Verdict::admit);
}

Verdict AdmissionChain::run_from(workload::Request& r, double now, size_t first, Verdict v) {
  for (size_t k = first; k < stages_.size(); ++k) {
    Stage& s = stages_[k];
    if (!s.enabled || !s.in_scope(r)) continue;
    const Verdict got = s.policy->decide(r, now);
    if (got == Verdict::hold) return Verdict::hold;  // the stage keeps it (and its marks so far)
    if (got == Verdict::reject) {
      on_outcome(r, now, Outcome::rejected);  // those before it that counted r
      r.admission_marks = 0;
      ++rejected_;
      s_rejected_.add();
      return Verdict::reject;
    }
    r.admission_marks |= s.mark;
    if (got == Verdict::degrade) v = Verdict::degrade;
  }
  if (v == Verdict::degrade) {
    ++degraded_;
    s_degraded_.add();
  }
  return v;
}

void AdmissionChain::Resume::release(workload::Request& r, double now, Verdict v) {
  const Verdict out = chain->run_from(r, now, next, v);
  if (out != Verdict::hold && chain->sink_) chain->sink_->release(r, now, out);
}

void AdmissionChain::on_world_built() {
  for (auto& s : stages_) s.policy->on_world_built();
}

void AdmissionChain::on_outcome(const workload::Request& r, double now, Outcome o) {
  if ((r.admission_marks & outcome_bits_) == 0) return;
  for (Stage& s : stages_)
    if (r.admission_marks & s.mark) s.policy->on_outcome(r, now, o);
}

size_t AdmissionChain::flow_form_missing() const {
  for (size_t k = 0; k < stages_.size(); ++k)
    if (!stages_[k].policy->has_flow_form()) return k;
  return npos;
}

void AdmissionChain::admit_flow(FlowOffer* offers, size_t n, double now, double dt) {
  for (Stage& s : stages_) {
    if (!s.enabled) continue;
    scratch_.clear();
    scratch_at_.clear();
    for (size_t i = 0; i < n; ++i) {
      const FlowOffer& o = offers[i];
      if (o.workload >= s.tier_of_workload.size()) continue;
      const int16_t t = s.tier_of_workload[o.workload];
      if (!(t == -1 || (t >= 0 && t == o.tier)) || !(o.amount > 0)) continue;
      scratch_.push_back(o);
      scratch_at_.push_back(i);
    }
    if (scratch_.empty()) continue;
    s.policy->admit_flow(scratch_.data(), scratch_.size(), now, dt);
    double cut = 0;
    for (size_t j = 0; j < scratch_.size(); ++j) {
      FlowOffer& o = offers[scratch_at_[j]];
      const double admitted = std::clamp(scratch_[j].amount, 0.0, o.amount);
      cut += o.amount - admitted;
      o.amount = admitted;
    }
    rejected_flow_ += cut;
    s_rejected_.add(cut);
  }
}

void share_flow(FlowOffer* offers, size_t n, double admitted) {
  double a = 0;
  for (size_t i = 0; i < n; ++i) a += offers[i].amount;
  if (!(a > 0) || admitted >= a) return;
  const double f = std::max(0.0, admitted) / a;
  for (size_t i = 0; i < n; ++i) offers[i].amount *= f;
}

std::unique_ptr<AdmissionChain> make_admission(const std::vector<scenario::Config>& blocks,
                                               const std::vector<scenario::Config>& changes,
                                               const PolicyContext& ctx) {
  return std::make_unique<AdmissionChain>(blocks, changes, ctx);
}

std::vector<scenario::ParamSpec> scope_params(std::vector<scenario::ParamSpec> own) {
  using scenario::ParamSpec;
  own.push_back(ParamSpec::string("name").id().doc(
      "Name of the policy in its service (admission_changes[].policy refers to it); default: its model."));
  own.push_back(ParamSpec::string("tier").doc("Apply only to requests of this tier (tiers[].name); default: all."));
  own.push_back(
      ParamSpec::string("workload").doc("Apply only to requests of this workload (workloads[].name); default: all."));
  own.push_back(ParamSpec::boolean("enabled").def("true").doc(
      "Whether the policy acts from t = 0 (admission_changes enable or disable it later)."));
  return own;
}

}  // namespace dcsim::scheduling
