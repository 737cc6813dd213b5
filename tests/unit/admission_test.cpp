// Admission policies on constructed states (models/scheduling/admission_*.cpp): token-bucket and
// daily-quota arithmetic derived by hand, the concurrency cap and its release, shedding by tier,
// degradation past a queue length and a windowed p99, and the chain's order and scopes.
#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/arrivals/arrival_process.hpp"
#include "models/register_models.hpp"
#include "models/scheduling/admission_chain.hpp"
#include "models/scheduling/frontend.hpp"
#include "models/serving/pool.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "scheduling_test_support.hpp"

using namespace dcsim;
using scheduling::Verdict;
using workload::Request;

namespace {

scenario::Value number(double v, scenario::ParamKind kind = scenario::ParamKind::quantity) {
  scenario::Value value;
  value.kind = kind;
  value.number = v;
  value.present = true;
  return value;
}

scenario::Value text(const std::string& s) {
  scenario::Value value;
  value.kind = scenario::ParamKind::string;
  value.text = s;
  value.present = true;
  return value;
}

// An admission block: model, numeric parameters, string parameters (tier, workload, name).
scenario::Config policy(const std::string& model, const std::map<std::string, double>& numbers = {},
                        const std::map<std::string, std::string>& strings = {}) {
  scenario::Config c(nullptr, "services[0].admission", scenario::Location{"t.yaml", 7, 5});
  c.set_model(model);
  for (const auto& [k, v] : numbers) c.set_value(k, number(v));
  for (const auto& [k, v] : strings) c.set_value(k, text(v));
  return c;
}

struct TierSpec {
  std::string name;
  double daily_limit = 0, users = 1, utc_offset_s = 0;
  std::string users_from = "fixed";
  double share = 1;
};

// A workload block with its tiers (what daily_quota and the scopes read).
scenario::Config workload_block(const std::vector<TierSpec>& tiers) {
  scenario::Config w(nullptr, "workloads[0]", scenario::Location{"t.yaml", 20, 5});
  std::vector<scenario::Config> list;
  for (const auto& t : tiers) {
    scenario::Config c(nullptr, "workloads[0].tiers", scenario::Location{"t.yaml", 22, 9});
    c.set_value("name", text(t.name));
    c.set_value("daily_limit", number(t.daily_limit, scenario::ParamKind::integer));
    c.set_value("users", number(t.users, scenario::ParamKind::integer));
    c.set_value("utc_offset", number(t.utc_offset_s));
    c.set_value("users_from", text(t.users_from));
    c.set_value("share", number(t.share));
    list.push_back(c);
  }
  w.set_list("tiers", list);
  return w;
}

struct Rig {
  Engine engine{platform::simgrid_config()};
  output::Recorder recorder{engine, 60};
  test::FakePool pool;  // its waiting requests (now_load.queued) are set by the test
  scheduling::ServiceView view;
  scenario::Config wl;
  double start_epoch_s = 0;
  explicit Rig(const std::vector<TierSpec>& tiers = {}) : wl(workload_block(tiers)) {
    register_builtin_models();
    pool.now_load = {0, 0, 1, 1};  // one replica up
    view.name = "s";
    view.group = "/services/s";
    view.pools.push_back({&pool, nullptr, "dc1/p"});
    view.workloads.push_back({0, "w", nullptr, &wl});
  }
  std::unique_ptr<scheduling::AdmissionChain> chain(const std::vector<scenario::Config>& blocks) {
    const scheduling::PolicyContext ctx{view, engine, recorder, 1, start_epoch_s};
    return scheduling::make_admission(blocks, {}, ctx);
  }
};

Request req(uint64_t id, uint8_t tier = 0) {
  Request r;
  r.id = id;
  r.tier = tier;
  return r;
}

}  // namespace

TEST_CASE("admission: a token bucket admits burst plus rate times elapsed time under a flood") {
  // rate 2 /s, burst 5, one arrival every 0.1 s over [0, 9.9 s] (100 arrivals). Arrivals (10 t + 1
  // by t) outrun the tokens (5 + 2 t) from t = 0.5 s on, so the bucket never refills to its burst
  // and the admitted count at t is floor(5 + 2 t): 24 at t = 9.9 s (the 24th at t = 9.5 s).
  Rig rig;
  auto a = rig.chain({policy("token_bucket", {{"rate", 2.0}, {"burst", 5.0}})});
  int admitted = 0;
  double last_admit = -1;
  for (int k = 0; k < 100; ++k) {
    Request r = req(uint64_t(k));
    if (a->decide(r, k / 10.0) == Verdict::admit) {
      ++admitted;
      last_admit = k / 10.0;
    }
  }
  CHECK(admitted == 24);
  CHECK(last_admit == Approx(9.5));
  CHECK(a->rejected() == 76);
  // After 100 s of quiet the bucket is full again (capped at the burst): 5 back to back, then none.
  int again = 0;
  for (int k = 0; k < 8; ++k) {
    Request r = req(uint64_t(200 + k));
    again += a->decide(r, 110.0) == Verdict::admit;
  }
  CHECK(again == 5);
}

TEST_CASE("admission: a token bucket never limits a stream below its rate") {
  Rig rig;
  auto a = rig.chain({policy("token_bucket", {{"rate", 2.0}, {"burst", 1.0}})});
  for (int k = 0; k < 1000; ++k) {
    Request r = req(uint64_t(k));
    REQUIRE(a->decide(r, k * 0.5) == Verdict::admit);  // exactly the rate: one token per arrival
  }
}

TEST_CASE("admission: a daily quota resets at the tier's local midnight") {
  // Start 2025-03-27T00:00Z; tier free at UTC-8 with 3 requests a day (one user): its day began
  // at 2025-03-26T08:00Z and ends at 2025-03-27T08:00Z, t = 8 h = 28,800 s. Of 5 requests at
  // t = 0..4 s, 3 are admitted; one at 28,799 s is still rejected, one at 28,800 s is admitted;
  // the tier paid (no limit) is never limited.
  Rig rig({{"free", 3, 1, -8 * 3600.0}, {"paid", 0, 1, 0}});
  rig.start_epoch_s = scenario::parse_datetime("2025-03-27T00:00Z");
  auto a = rig.chain({policy("daily_quota")});
  int admitted = 0;
  for (int k = 0; k < 5; ++k) {
    Request r = req(uint64_t(k));
    admitted += a->decide(r, k) == Verdict::admit;
  }
  CHECK(admitted == 3);
  Request late = req(10);
  CHECK(a->decide(late, 28799.0) == Verdict::reject);
  Request next_day = req(11);
  CHECK(a->decide(next_day, 28800.0) == Verdict::admit);
  for (int k = 0; k < 50; ++k) {
    Request r = req(uint64_t(100 + k), 1);
    REQUIRE(a->decide(r, 5.0) == Verdict::admit);
  }
}

TEST_CASE("admission: a daily quota counts per user and a retry is the same user") {
  // 1000 users, 1 request a day each: a request id admitted once is rejected on its retry, and
  // 200 distinct ids are admitted unless two of them share a user (a hash: at most 200).
  Rig rig({{"free", 1, 1000, 0}});
  auto a = rig.chain({policy("daily_quota")});
  Request first = req(7);
  CHECK(a->decide(first, 1.0) == Verdict::admit);
  Request retry = req(7);
  retry.attempt = 1;
  CHECK(a->decide(retry, 2.0) == Verdict::reject);
  int admitted = 0;
  for (int k = 0; k < 200; ++k) {
    Request r = req(uint64_t(1000 + k));
    admitted += a->decide(r, 3.0) == Verdict::admit;
  }
  // Birthday bound: 200 ids over 1000 users share about 200^2 / 2000 = 20 users.
  CHECK(admitted < 200);
  CHECK(admitted > 150);
}

namespace {

// A user population N(t) = before for t < 100 s and after from then on (no arrivals drawn).
class SteppedPopulation final : public arrivals::ArrivalProcess {
 public:
  SteppedPopulation(double before, double after) : before_(before), after_(after) {}
  double next_arrival(double, Rng&) override { return std::numeric_limits<double>::infinity(); }
  double mean_rate() const override { return std::numeric_limits<double>::quiet_NaN(); }
  double users(double t) const override { return t < 100 ? before_ : after_; }

 private:
  double before_, after_;
};

// A flood of `n` distinct request ids (from `first`) at times spread over [t0, t0 + 10 s).
int flood(scheduling::AdmissionChain& a, uint64_t first, int n, double t0) {
  int admitted = 0;
  for (int k = 0; k < n; ++k) {
    Request r = req(first + uint64_t(k));
    admitted += a.decide(r, t0 + 10.0 * k / n) == Verdict::admit;
  }
  return admitted;
}

// A daily quota on one tier, N(t) = 2,000 then 4,000 users from t = 100 s: the admitted counts of
// a flood of 30,000 distinct ids over [0, 10 s) and of 60,000 more over [100 s, 110 s).
std::pair<int, int> floods_around_growth(const TierSpec& tier) {
  SteppedPopulation population(2000, 4000);
  Rig rig({tier});
  rig.view.workloads[0].arrivals = &population;
  auto a = rig.chain({policy("daily_quota")});
  const int before = flood(*a, 0, 30000, 0.0);
  return {before, flood(*a, 100000, 60000, 100.0)};
}

}  // namespace

TEST_CASE("admission: a daily quota with users_from: arrivals counts the users there are") {
  // Tier free: share 0.5, 1 request per user per day. U(t) = round(0.5 N(t)) = 1000, then 2000
  // after the population doubles at t = 100 s (refreshed at the first request past 60 s). A flood
  // of 30 distinct ids per user reaches every user (coupon collector: P(a user missed) ~ e^-30),
  // so exactly U requests are admitted: 1000 in the first flood, 1000 more (the users who joined;
  // the first 1000 have spent their one request) in the second.
  const auto [before, after] = floods_around_growth({"free", 1, 1, 0, "arrivals", 0.5});
  CHECK(before == 1000);
  CHECK(after == 1000);
}

TEST_CASE("admission: a daily quota with users_from: fixed keeps its users when the population grows") {
  // The case above with users_from: fixed and users: 1000: the second flood admits none.
  const auto [before, after] = floods_around_growth({"free", 1, 1000, 0, "fixed", 0.5});
  CHECK(before == 1000);
  CHECK(after == 0);
}

TEST_CASE("admission: a growing population keeps its users: a retry stays limited") {
  // 1,000 users (share 0.5 of 2,000), 1 request a day; 300 ids at t < 10 s take their users' one
  // request (a user may be hit twice: the second is rejected). At t = 100 s the population grows
  // to 2,002 (U = 1,001) and the 300 ids retry. The jump hash moves a key only to the new user
  // 1,000, so every retry but at most one (that user's first request) finds its user's day spent.
  // (A hash mod U would move almost every key to another user, most of them with requests left.)
  SteppedPopulation population(2000, 2002);
  Rig rig({{"free", 1, 1, 0, "arrivals", 0.5}});
  rig.view.workloads[0].arrivals = &population;
  auto a = rig.chain({policy("daily_quota")});
  const int first = flood(*a, 0, 300, 0.0);
  CHECK(first > 200);
  CHECK(first < 300);
  int retried = 0;
  for (int k = 0; k < 300; ++k) {
    Request r = req(uint64_t(k));
    r.attempt = 1;
    retried += a->decide(r, 100.0 + k * 0.01) == Verdict::admit;
  }
  CHECK(retried <= 1);
}

TEST_CASE("admission: users_from: arrivals without a user population is an input error at the key") {
  class Flat final : public arrivals::ArrivalProcess {
   public:
    double next_arrival(double, Rng&) override { return std::numeric_limits<double>::infinity(); }
    double mean_rate() const override { return 1.0; }
  } flat;
  Rig rig({{"free", 3, 1, 0, "arrivals", 0.9}});
  rig.view.workloads[0].arrivals = &flat;
  try {
    rig.chain({policy("daily_quota")});
    FAIL("no error");
  } catch (const scenario::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("users_from") && Catch::Contains("model: viral"));
  }
}

TEST_CASE("admission: a concurrency cap counts its requests until their outcomes") {
  Rig rig;
  auto a = rig.chain({policy("concurrency_cap", {{"max_in_flight", 2}})});
  CHECK(a->wants_outcomes());
  Request r1 = req(1), r2 = req(2), r3 = req(3);
  CHECK(a->decide(r1, 0) == Verdict::admit);
  CHECK(a->decide(r2, 0) == Verdict::admit);
  CHECK(a->decide(r3, 0) == Verdict::reject);
  a->on_outcome(r1, 1, scheduling::Outcome::completed);
  Request r4 = req(4);
  CHECK(a->decide(r4, 1) == Verdict::admit);
  a->on_outcome(r2, 2, scheduling::Outcome::timed_out);
  a->on_outcome(r4, 2, scheduling::Outcome::dropped);
  for (uint64_t id = 5; id < 7; ++id) {
    Request r = req(id);
    CHECK(a->decide(r, 3) == Verdict::admit);
  }
}

TEST_CASE("admission: a request rejected later in the chain frees what earlier policies counted") {
  // concurrency_cap then queue_cap: while the queue is full the cap's count must not grow.
  Rig rig;
  auto a = rig.chain({policy("concurrency_cap", {{"max_in_flight", 1}}), policy("queue_cap", {{"max_queue", 10}})});
  rig.pool.now_load.queued = 10;
  for (uint64_t id = 0; id < 5; ++id) {
    Request r = req(id);
    CHECK(a->decide(r, 0) == Verdict::reject);
  }
  rig.pool.now_load.queued = 0;
  Request ok = req(9);
  CHECK(a->decide(ok, 1) == Verdict::admit);
  CHECK(a->rejected() == 5);
}

TEST_CASE("admission: shedding by tier turns the lower tier away first") {
  // queue_cap for free at 10 and for paid at 20: Q = 5 admits both, Q = 15 sheds free only,
  // Q = 25 sheds both.
  Rig rig({{"free", 0, 1, 0}, {"paid", 0, 1, 0}});
  auto a = rig.chain({policy("queue_cap", {{"max_queue", 10}}, {{"tier", "free"}}),
                      policy("queue_cap", {{"max_queue", 20}}, {{"tier", "paid"}, {"name", "shed-paid"}})});
  const auto verdicts = [&](uint64_t q) {
    rig.pool.now_load.queued = q;
    Request f = req(1, 0), p = req(2, 1);
    return std::make_pair(a->decide(f, 0), a->decide(p, 0));
  };
  CHECK(verdicts(5) == std::make_pair(Verdict::admit, Verdict::admit));
  CHECK(verdicts(15) == std::make_pair(Verdict::reject, Verdict::admit));
  CHECK(verdicts(25) == std::make_pair(Verdict::reject, Verdict::reject));
  CHECK(a->find("queue_cap") == 0);
  CHECK(a->find("shed-paid") == 1);
}

TEST_CASE("admission: a scope naming no tier of the service is an input error at its key") {
  Rig rig({{"free", 0, 1, 0}});
  CHECK_THROWS_WITH(rig.chain({policy("queue_cap", {{"max_queue", 10}}, {{"tier", "gold"}})}),
                    Catch::Contains("no tier 'gold'") && Catch::Contains("'free'"));
  CHECK_THROWS_WITH(rig.chain({policy("token_bucket", {{"rate", 1}, {"burst", 1}}, {{"workload", "x"}})}),
                    Catch::Contains("no workload 'x'"));
}

TEST_CASE("admission: degrade past a queue length serves the degraded class and counts it") {
  Rig rig;
  auto a = rig.chain({policy("degrade", {{"queue_above", 10}, {"steps", 4}, {"resolution", 512},
                                         {"max_output_tokens", 0}, {"window", 60}})});
  Request img = req(1);
  img.kind = workload::RequestKind::image;
  img.steps = 20;
  img.pixels = 1024 * 1024;
  rig.pool.now_load.queued = 9;
  Request below = img;
  CHECK(a->decide(below, 0) == Verdict::admit);
  CHECK(below.steps == 20);
  rig.pool.now_load.queued = 10;
  Request past = img;
  CHECK(a->decide(past, 0) == Verdict::degrade);
  CHECK(past.steps == 4);
  CHECK(past.pixels == 512u * 512u);
  Request small = img;
  small.steps = 2;
  small.pixels = 256 * 256;
  CHECK(a->decide(small, 0) == Verdict::admit);  // already below the degraded class
  CHECK(a->degraded() == 1);
}

TEST_CASE("admission: degrade on the p99 of the previous window") {
  // window 60 s, p99_above 10 s: completions in [0, 60) with latency 20 s make every request
  // after t = 60 s degraded; a window of 1 s latencies after that restores full quality.
  Rig rig;
  auto a = rig.chain({policy("degrade", {{"p99_above", 10}, {"window", 60}, {"steps", 4}, {"resolution", 0},
                                         {"max_output_tokens", 0}})});
  CHECK(a->wants_outcomes());
  const auto image = [](uint64_t id, double arrival) {
    Request r = req(id);
    r.kind = workload::RequestKind::image;
    r.steps = 20;
    r.arrival_s = arrival;
    return r;
  };
  for (uint64_t k = 0; k < 20; ++k) {
    Request r = image(k, double(k));
    REQUIRE(a->decide(r, double(k)) == Verdict::admit);  // no window closed yet
    a->on_outcome(r, double(k) + 20.0, scheduling::Outcome::completed);
  }
  Request late = image(100, 61);
  CHECK(a->decide(late, 61) == Verdict::degrade);
  a->on_outcome(late, 62, scheduling::Outcome::completed);  // window [60, 120): 1 s
  Request next = image(101, 121);
  CHECK(a->decide(next, 121) == Verdict::admit);
}

TEST_CASE("admission: the front end counts degraded requests and skips a chain of none") {
  Rig rig;
  scheduling::Frontend fe(rig.engine);
  fe.view() = rig.view;
  const scheduling::PolicyContext ctx{fe.view(), rig.engine, rig.recorder, 1, 0};
  fe.set_admission(scheduling::make_admission({policy("none")}, {}, ctx));
  CHECK(fe.admission()->admits_all());
  scheduling::Frontend fe2(rig.engine);
  fe2.view() = rig.view;
  const scheduling::PolicyContext ctx2{fe2.view(), rig.engine, rig.recorder, 1, 0};
  fe2.set_admission(scheduling::make_admission(
      {policy("degrade", {{"queue_above", 0}, {"steps", 4}, {"resolution", 0}, {"max_output_tokens", 0}, {"window", 60}})},
      {}, ctx2));
  Request r = req(1);
  r.steps = 30;
  fe2.submit(r);
  CHECK(fe2.degraded() == 1);
  REQUIRE(rig.pool.got.size() == 1);
  CHECK(rig.pool.got[0].steps == 4);
  CHECK(rig.recorder.has_series("/services/s", "degraded"));
}
