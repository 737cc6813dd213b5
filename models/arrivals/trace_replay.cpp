#include "models/arrivals/trace_replay.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace dcsim::arrivals {

namespace {

std::string fmt_s(double s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g s", s);
  return b;
}

}  // namespace

double TraceStats::mean_rps() const {
  const double span = span_s();
  return span > 0 ? static_cast<double>(rows) / span : std::numeric_limits<double>::quiet_NaN();
}

TraceReplay::TraceReplay(TraceReplayOptions options) : opt_(std::move(options)) {
  const TraceReaderOptions ropt{opt_.skip_bad_rows, opt_.skip_failed, opt_.where, opt_.key_path};
  // Pass 1: validate the whole file, count rows, span and tokens.
  {
    TraceReader scan(opt_.path, opt_.format, ropt);
    TraceRow r;
    uint64_t all_rows = 0;
    double last_all = 0;
    while (scan.next(r)) {
      ++all_rows;
      last_all = r.time_s;
      if (r.time_s < opt_.start_offset_s) {
        ++stats_.rows_before_offset;
        continue;
      }
      if (stats_.rows == 0) stats_.first_s = r.time_s;
      ++stats_.rows;
      stats_.last_s = r.time_s;
      stats_.prompt_tokens += r.prompt_tokens;
      stats_.output_tokens += r.output_tokens;
      stats_.prefix_blocks += r.prefix_blocks;
    }
    stats_.rows_skipped = scan.rows_skipped();
    stats_.rows_failed = scan.rows_failed();
    if (all_rows == 0) {
      throw scenario::InputError(opt_.where, opt_.key_path + ".path",
                                 "trace file '" + opt_.path + "' has no usable data rows (" +
                                     std::to_string(stats_.rows_skipped) + " bad, " +
                                     std::to_string(stats_.rows_failed) + " failed rows skipped)");
    }
    if (stats_.rows == 0) {
      throw scenario::InputError(opt_.where, opt_.key_path + ".start_offset",
                                 "start_offset " + fmt_s(opt_.start_offset_s) + " is past the last row of '" +
                                     opt_.path + "' (trace spans " + fmt_s(last_all) + ")");
    }
  }
  if (opt_.loop) {
    if (stats_.rows < 2 || !(stats_.span_s() > 0)) {
      throw scenario::InputError(opt_.where, opt_.key_path + ".loop",
                                 "loop needs at least two replayed rows spanning more than 0 s (got " +
                                     std::to_string(stats_.rows) + " rows spanning " + fmt_s(stats_.span_s()) + ")");
    }
    period_s_ = stats_.span_s() + stats_.span_s() / static_cast<double>(stats_.rows - 1);
  }
  const double whole = std::floor(opt_.rate_scale);
  whole_copies_ = static_cast<uint64_t>(whole);
  extra_copy_p_ = opt_.rate_scale - whole;
  // Pass 2: the streaming reader for the replay.
  reader_ = std::make_unique<TraceReader>(opt_.path, opt_.format, ropt);
}

bool TraceReplay::advance_row() {
  while (true) {
    if (!reader_->next(row_)) {
      if (!opt_.loop) return false;
      reader_->rewind();
      ++pass_;
      continue;
    }
    if (row_.time_s < opt_.start_offset_s) continue;
    return true;
  }
}

double TraceReplay::next_arrival(double /*now*/, Rng& rng) {
  while (copies_left_ == 0) {
    if (ended_ || !advance_row()) {
      ended_ = true;
      return std::numeric_limits<double>::infinity();
    }
    copies_left_ = whole_copies_ + ((extra_copy_p_ > 0 && rng.bernoulli(extra_copy_p_)) ? 1 : 0);
    current_t_ = ((row_.time_s - stats_.first_s) + static_cast<double>(pass_) * period_s_) / opt_.time_scale;
    attr_.prompt_tokens = row_.prompt_tokens;
    attr_.output_tokens = row_.output_tokens;
    attr_.prefix_blocks = row_.prefix_blocks;
    attr_.prefix_ids = row_.hash_ids.size() == row_.prefix_blocks && !row_.hash_ids.empty() ? row_.hash_ids.data() : nullptr;
  }
  --copies_left_;
  return current_t_;
}

double TraceReplay::mean_rate() const {
  const double n = static_cast<double>(stats_.rows);
  const double span = opt_.loop ? period_s_ : stats_.span_s();
  if (!(span > 0)) return std::numeric_limits<double>::quiet_NaN();
  return n / span * opt_.rate_scale * opt_.time_scale;
}

void TraceReplay::add_summary(std::vector<std::pair<std::string, double>>& out) const {
  out.emplace_back("trace_rows_skipped", static_cast<double>(stats_.rows_skipped));
  if (opt_.skip_failed) out.emplace_back("trace_rows_failed", static_cast<double>(stats_.rows_failed));
  if (opt_.loop) out.emplace_back("trace_passes", static_cast<double>(pass_ + 1));
}

void register_trace_models(ArrivalRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  r.add(
      "trace", "Replays a request trace file (Azure LLM 2023 CSV, Mooncake JSONL, BurstGPT CSV): arrival times and token counts.",
      {ParamSpec::string("path").req().doc("Trace file; a relative path resolves against the scenario file's folder."),
       ParamSpec::choice("format", {"azure", "mooncake", "burstgpt"})
           .req()
           .doc("azure: CSV TIMESTAMP,ContextTokens,GeneratedTokens; mooncake: JSONL timestamp (ms), input_length, "
                "output_length, hash_ids; burstgpt: CSV Timestamp (s), Request tokens, Response tokens."),
       ParamSpec::quantity_of("time_scale", Quantity::dimensionless)
           .def("1")
           .above(0)
           .doc("Speed-up: inter-arrival gaps are divided by it (10 = replay 10x faster)."),
       ParamSpec::quantity_of("rate_scale", Quantity::dimensionless)
           .def("1")
           .above(0)
           .doc("Load factor: < 1 keeps each row with this probability; > 1 gives floor(x) copies of each row plus one "
                "more with probability x - floor(x), at the same time."),
       ParamSpec::boolean("loop").def("false").doc(
           "At the end of the trace start again from the first replayed row, shifted by the span plus the mean gap."),
       ParamSpec::quantity_of("start_offset", Quantity::time)
           .def("0 s")
           .at_least(0)
           .doc("Skip rows earlier than this (trace time from its first row); the first row at or after it is t = 0."),
       ParamSpec::boolean("skip_bad_rows").def("false").doc(
           "Count and skip malformed rows and rows whose timestamp goes backwards (summary trace_rows_skipped) "
           "instead of stopping with an error."),
       ParamSpec::boolean("skip_failed").def("false").doc(
           "Skip rows with 0 output tokens (BurstGPT failed requests; summary trace_rows_failed).")},
      [](const scenario::Config& c, const ArrivalContext& ctx) {
        TraceReplayOptions o;
        std::filesystem::path p(c.str("path"));
        if (p.is_relative() && !ctx.scenario_dir.empty()) p = std::filesystem::path(ctx.scenario_dir) / p;
        o.path = p.lexically_normal().string();
        o.format = parse_trace_format(c.str("format"));
        o.time_scale = c.num("time_scale");
        o.rate_scale = c.num("rate_scale");
        o.loop = c.flag("loop");
        o.start_offset_s = c.num("start_offset");
        o.skip_bad_rows = c.flag("skip_bad_rows");
        o.skip_failed = c.flag("skip_failed");
        o.where = c.where("path");
        o.key_path = c.path();
        return std::make_unique<TraceReplay>(std::move(o));
      });
}

}  // namespace dcsim::arrivals
