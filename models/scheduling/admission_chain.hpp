// A service's admission: its policies applied in order (admission.hpp), their scopes, their
// state (enabled or not) and the changes of that state at scheduled times or on conditions
// (admission_changes.hpp).
//
//   for each policy k in order, if enabled and r is in its scope (tier, workload):
//     reject  -> r is rejected (the policies before k that counted r are told: Outcome::rejected)
//     degrade -> r goes on, degraded
//   admitted (degraded if any policy degraded it)
//
// A policy that holds (Verdict::hold: `defer`) keeps the request; when it releases it, the chain
// goes on with the policies after it (their verdicts as at an arrival) and hands the result to
// the front end (set_hold_sink). At most one policy of a service holds, and no `degrade` comes
// before it (a degraded request would lose its verdict while held): input errors, located.
//
// A policy that wants outcomes is told of every request it decided on and admitted; the chain
// marks those requests (Request::admission_marks, one bit per such policy: at most 8 in a
// service), so a policy enabled, disabled or scoped later still sees exactly its own.
//
// Series (group /services/<s>): admission_rejected (rejections by any policy), degraded.
// A service without policies, or with `none` alone, admits all (the front end skips it).
//
// Flow form (fidelity: fluid): admit_flow gets one offer per workload and tier of the service;
// each enabled policy in order lowers the offers in its scope (AdmissionPolicy::admit_flow), and
// what it took away counts in admission_rejected. flow_form_missing() names the first policy
// without a flow form (queue_timeout, degrade): the World refuses it for a fluid service.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/scheduling/admission.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::scheduling {

class AdmissionChanges;

class AdmissionChain final : public AdmissionPolicy {
 public:
  // `blocks`: the service's admission list (validated model blocks); `changes`: its
  // admission_changes (empty for none). Scopes naming no tier or workload of the service are
  // input errors (scenario::InputError, located).
  AdmissionChain(const std::vector<scenario::Config>& blocks, const std::vector<scenario::Config>& changes,
                 const PolicyContext& ctx);
  ~AdmissionChain() override;

  Verdict decide(workload::Request& r, double now) override;
  bool admits_all() const override { return admits_all_; }
  bool wants_outcomes() const override { return outcome_bits_ != 0; }
  void on_outcome(const workload::Request& r, double now, Outcome o) override;
  bool has_flow_form() const override { return flow_form_missing() == npos; }
  void admit_flow(FlowOffer* offers, size_t n, double now, double dt) override;
  size_t flow_form_missing() const;
  double rejected_flow() const { return rejected_flow_; }
  bool may_hold() const override { return hold_stage_ != npos; }
  void set_hold_sink(HoldSink* sink) override { sink_ = sink; }
  uint64_t held() const override { return hold_stage_ == npos ? 0 : stages_[hold_stage_].policy->held(); }
  uint64_t deferred() const override { return hold_stage_ == npos ? 0 : stages_[hold_stage_].policy->deferred(); }
  void on_world_built() override;

  // The policy named `name`, or npos.
  size_t find(const std::string& name) const;
  const std::string& name(size_t k) const { return stages_[k].name; }
  bool enabled(size_t k) const { return stages_[k].enabled; }
  void set_enabled(size_t k, bool on) { stages_[k].enabled = on; }
  size_t size() const { return stages_.size(); }
  uint64_t rejected() const { return rejected_; }
  uint64_t degraded() const { return degraded_; }
  static constexpr size_t npos = static_cast<size_t>(-1);

 private:
  struct Stage {
    std::unique_ptr<AdmissionPolicy> policy;
    std::string name;
    std::string model;  // its registry name
    bool enabled = true;
    uint8_t mark = 0;  // its bit in Request::admission_marks (0: wants no outcomes)
    // By Request::workload: -2 out of scope, -1 every tier, t: tier t only.
    std::vector<int16_t> tier_of_workload;
    bool in_scope(const workload::Request& r) const {
      if (r.workload >= tier_of_workload.size()) return false;
      const int16_t t = tier_of_workload[r.workload];
      return t == -1 || (t >= 0 && t == r.tier);
    }
  };

  // The policies from stage `first` on, with the verdict so far.
  Verdict run_from(workload::Request& r, double now, size_t first, Verdict v);
  // A request the holding stage released: the stages after it, then the front end.
  struct Resume final : HoldSink {
    AdmissionChain* chain = nullptr;
    size_t next = 0;
    void release(workload::Request& r, double now, Verdict v) override;
  };

  std::vector<Stage> stages_;
  size_t hold_stage_ = npos;
  Resume resume_;
  HoldSink* sink_ = nullptr;
  bool admits_all_ = true;
  uint8_t outcome_bits_ = 0;
  uint64_t rejected_ = 0, degraded_ = 0;
  double rejected_flow_ = 0;
  std::vector<FlowOffer> scratch_;  // the offers in one policy's scope (reused every step)
  std::vector<size_t> scratch_at_;
  output::Counter s_rejected_, s_degraded_;
  std::unique_ptr<AdmissionChanges> changes_;
};

// The service's admission from its blocks: `none` alone (or nothing) gives a chain that admits all.
std::unique_ptr<AdmissionChain> make_admission(const std::vector<scenario::Config>& blocks,
                                               const std::vector<scenario::Config>& changes,
                                               const PolicyContext& ctx);

// A policy block's name: its `name`, or its model's name.
const std::string& policy_name(const scenario::Config& block);

}  // namespace dcsim::scheduling
