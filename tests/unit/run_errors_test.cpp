// Errors during a run (issue 10, docs/reliability.md): an exception thrown inside SimGrid's
// dispatcher actor (by an event handler, by the output) reaches the caller of Engine::run and
// run_scenario instead of aborting the process, and the sink is closed as unfinished with the
// error as its stop reason; signals set the stop reason and the signal of the result.
#include <catch2/catch.hpp>

#include <csignal>
#include <new>
#include <stdexcept>
#include <string>

#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

scenario::LoadedScenario load(const std::vector<std::string>& overrides = {}) {
  register_builtin_models();
  return scenario::load_text(test::one_pool_scenario("model: poisson, rate: 1 /s"), "run_errors_test.yaml",
                             scenario::scenario_schema(), overrides, scenario::check_scenario);
}

// An in-memory sink whose append() throws `E` at the n-th sample, as a full disk would.
template <class E>
class FailingSink final : public output::Sink {
 public:
  explicit FailingSink(int fail_at) : fail_at_(fail_at) {}
  void open(const output::RunMeta&, const std::vector<output::SeriesInfo>&) override {}
  void append(double, const std::vector<double>&) override {
    if (++samples_ == fail_at_) throw E("the disk is on fire");
  }
  void event(const output::EventRecord&) override {}
  void request(const output::RequestRecord&) override {}
  void close(const output::RunEnd& end) override {
    end_ = end;
    closed_ = true;
  }
  int samples_ = 0;
  int fail_at_;
  output::RunEnd end_;
  bool closed_ = false;
};

}  // namespace

TEST_CASE("run errors: std::bad_alloc thrown by an event handler reaches the caller of Engine::run") {
  Engine engine;
  test::two_hosts(1e9, 1e-6);
  test::Probe probe;
  probe.engine = &engine;
  probe.fn = [](uint64_t tag) {
    if (tag == 2) throw std::bad_alloc();
  };
  engine.at(1, &probe, 1);
  engine.at(2, &probe, 2);
  engine.at(3, &probe, 3);
  CHECK_THROWS_AS(engine.run(10), std::bad_alloc);
  REQUIRE(probe.seen.size() == 2);  // the event after the throw did not run
  CHECK(probe.seen.back().first == 2);
}

TEST_CASE("run errors: a write error inside the run closes the sink as unfinished and is rethrown") {
  FailingSink<std::runtime_error> sink(3);
  CHECK_THROWS_WITH(run_scenario(load(), &sink), "the disk is on fire");
  REQUIRE(sink.closed_);
  CHECK_FALSE(sink.end_.complete);
  CHECK(sink.end_.stop_reason == "error: the disk is on fire");
  CHECK(sink.end_.simulated_s == Approx(180));  // the third sample, at 3 min
}

TEST_CASE("run errors: a signal stops the run with its name in the stop reason") {
  output::MemorySink sink;
  RunOptions options;
  options.catch_signals = true;
  // Raised from inside the run: the first sample sends SIGTERM to this process.
  bool sent = false;
  const auto sc = load({"horizon=10 d"});
  struct Sender : output::Sink {
    output::MemorySink* inner;
    bool* sent;
    void open(const output::RunMeta& m, const std::vector<output::SeriesInfo>& s) override { inner->open(m, s); }
    void append(double t, const std::vector<double>& v) override {
      inner->append(t, v);
      if (!*sent) {
        *sent = true;
        std::raise(SIGTERM);
      }
    }
    void event(const output::EventRecord& e) override { inner->event(e); }
    void request(const output::RequestRecord& r) override { inner->request(r); }
    void close(const output::RunEnd& e) override { inner->close(e); }
  } sender;
  sender.inner = &sink;
  sender.sent = &sent;
  const RunResult r = run_scenario(sc, &sender, options);
  CHECK_FALSE(r.complete);
  CHECK(r.signal == SIGTERM);
  CHECK(sink.end().stop_reason == "interrupted by SIGTERM");
  CHECK(sink.end().simulated_s < 86400);
}
