// TraceReader (trace_reader.hpp): opening a trace file, reading and checking the CSV header,
// splitting a CSV row (quoted fields included) into its columns, and next(), which turns rows into
// TraceRows relative to the first good row, rejects or skips malformed and backwards rows and
// counts skipped and failed ones. The Mooncake JSONL row is parsed in trace_reader_json.cpp, the
// field values in trace_fields.cpp.
#include "models/arrivals/trace_reader.hpp"

#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "models/arrivals/trace_reader_internal.hpp"

namespace dcsim::arrivals {

using namespace trace;

namespace {

constexpr size_t kBufferBytes = 1 << 16;

}  // namespace

TraceFormat parse_trace_format(const std::string& name) {
  if (name == "azure") return TraceFormat::azure;
  if (name == "mooncake") return TraceFormat::mooncake;
  if (name == "burstgpt") return TraceFormat::burstgpt;
  throw std::invalid_argument("unknown trace format '" + name + "' (known: 'azure', 'burstgpt', 'mooncake')");
}

const char* trace_format_name(TraceFormat f) {
  switch (f) {
    case TraceFormat::azure: return "azure";
    case TraceFormat::mooncake: return "mooncake";
    case TraceFormat::burstgpt: return "burstgpt";
  }
  return "?";
}

TraceReader::TraceReader(std::string path, TraceFormat format, TraceReaderOptions options)
    : path_(std::move(path)), format_(format), opt_(std::move(options)), buffer_(new char[kBufferBytes]) {
  in_.rdbuf()->pubsetbuf(buffer_.get(), kBufferBytes);
  // Only a regular file (or a link to one): a directory opens and reads as an empty file, and a
  // device such as /dev/zero is one line without end that grows until memory runs out (found by
  // the batch fuzzer, seed 7 cases 772 and 1545). A trace is read twice (rewind), so no pipe.
  std::error_code ec;
  const auto status = std::filesystem::status(path_, ec);
  if (!ec && !std::filesystem::is_regular_file(status)) {
    throw scenario::InputError(opt_.where, opt_.key_path + ".path",
                               "trace file '" + path_ + "' is " +
                                   (std::filesystem::is_directory(status) ? "a directory" : "not a regular file") +
                                   " (" + trace_format_name(format_) + " format: expected a file)");
  }
  in_.open(path_, std::ios::in | std::ios::binary);
  if (!in_) {
    throw scenario::InputError(opt_.where, opt_.key_path + ".path",
                               "cannot open trace file '" + path_ + "' (" + trace_format_name(format_) + " format)");
  }
  if (format_ != TraceFormat::mooncake) read_header();
  data_start_ = in_.tellg();
}

void TraceReader::fail_line(const std::string& message) const {
  throw scenario::InputError(scenario::Location{path_, static_cast<int>(line_no_), 0}, opt_.key_path, message);
}

void TraceReader::read_header() {
  std::vector<std::string> need;
  if (format_ == TraceFormat::azure) {
    need = {"TIMESTAMP", "ContextTokens", "GeneratedTokens"};
  } else {
    need = {"Timestamp", "Request tokens", "Response tokens"};
  }
  // Skip leading blank lines.
  bool got = false;
  while (std::getline(in_, line_)) {
    ++line_no_;
    if (!trim(line_).empty()) {
      got = true;
      break;
    }
  }
  if (!got) {
    // No line to point at in the trace: the problem is reported at the scenario's `path` key
    // (found by the fuzzer: an empty file had a location of line 0).
    throw scenario::InputError(opt_.where, opt_.key_path + ".path",
                               "empty trace file '" + path_ + "': expected a header line with columns " +
                                   join_header(need) + " (" + trace_format_name(format_) + " format)");
  }
  std::string_view h = line_;
  if (h.size() >= 3 && static_cast<unsigned char>(h[0]) == 0xEF && static_cast<unsigned char>(h[1]) == 0xBB &&
      static_cast<unsigned char>(h[2]) == 0xBF) {
    h.remove_prefix(3);  // UTF-8 byte-order mark
  }
  header_.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = h.find(',', start);
    std::string_view f = trim(h.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
    header_.emplace_back(f);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  size_t* cols[3] = {&col_time_, &col_prompt_, &col_output_};
  for (size_t k = 0; k < need.size(); ++k) {
    size_t idx = header_.size();
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == need[k]) {
        idx = i;
        break;
      }
    }
    if (idx == header_.size()) {
      fail_line("missing column '" + need[k] + "' in the header (" + trace_format_name(format_) +
                " format needs " + join_header(need) + "; header has " + join_header(header_) + ")");
    }
    *cols[k] = idx;
  }
  ncols_ = header_.size();
  header_lines_ = line_no_;
}

void TraceReader::rewind() {
  in_.clear();
  in_.seekg(data_start_);
  line_no_ = header_lines_;
  have_prev_ = false;
}

std::string TraceReader::parse_csv_row(TraceRow& row, int64_t& time_ns) {
  fields_.clear();
  if (line_.find('"') == std::string::npos) {
    std::string_view l = line_;
    size_t start = 0;
    while (true) {
      const size_t comma = l.find(',', start);
      if (comma == std::string_view::npos) {
        fields_.push_back(l.substr(start));
        break;
      }
      fields_.push_back(l.substr(start, comma - start));
      start = comma + 1;
    }
  } else {
    // Quoted fields ("a,b", "" for a quote).
    scratch_.clear();
    scratch_.reserve(ncols_ + 4);
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line_.size(); ++i) {
      const char c = line_[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line_.size() && line_[i + 1] == '"') {
            cur += '"';
            ++i;
          } else {
            quoted = false;
          }
        } else {
          cur += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        scratch_.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (quoted) return "unterminated quoted field";
    scratch_.push_back(std::move(cur));
    for (const auto& s : scratch_) fields_.emplace_back(s);
  }
  if (fields_.size() != ncols_) {
    return "expected " + std::to_string(ncols_) + " columns (" + join_header(header_) + "), got " +
           std::to_string(fields_.size());
  }
  const std::string_view t = fields_[col_time_];
  if (format_ == TraceFormat::azure) {
    const std::string why = parse_timestamp_ns(t, time_ns);
    if (!why.empty()) return "column '" + header_[col_time_] + "' is '" + shorten(trim(t)) + "': " + why;
  } else if (!parse_fixed(t, 9, time_ns)) {
    return "column '" + header_[col_time_] + "' is '" + shorten(trim(t)) +
           "', expected a non-negative number of seconds";
  }
  if (!parse_count(fields_[col_prompt_], row.prompt_tokens)) {
    return "column '" + header_[col_prompt_] + "' is '" + shorten(trim(fields_[col_prompt_])) +
           "', expected a non-negative integer";
  }
  if (!parse_count(fields_[col_output_], row.output_tokens)) {
    return "column '" + header_[col_output_] + "' is '" + shorten(trim(fields_[col_output_])) +
           "', expected a non-negative integer";
  }
  row.prefix_blocks = 0;
  row.hash_ids.clear();
  return "";
}

bool TraceReader::next(TraceRow& row) {
  while (std::getline(in_, line_)) {
    ++line_no_;
    if (trim(line_).empty()) continue;
    int64_t t_ns = 0;
    std::string why =
        format_ == TraceFormat::mooncake ? parse_json_row(row, t_ns) : parse_csv_row(row, t_ns);
    if (!why.empty()) why = "malformed row: " + why;
    if (why.empty() && have_prev_ && t_ns < prev_ns_) {
      why = "timestamp goes backwards: " + fmt_seconds(static_cast<double>(t_ns - origin_ns_) * 1e-9) +
            " after the first row, the previous row was at " +
            fmt_seconds(static_cast<double>(prev_ns_ - origin_ns_) * 1e-9);
    }
    if (!why.empty()) {
      if (!opt_.skip_bad_rows) fail_line(why);
      ++skipped_;
      continue;
    }
    if (opt_.skip_failed && row.output_tokens == 0) {
      ++failed_;
      continue;
    }
    if (!have_origin_) {
      have_origin_ = true;
      origin_ns_ = t_ns;
    }
    have_prev_ = true;
    prev_ns_ = t_ns;
    row.time_s = static_cast<double>(t_ns - origin_ns_) * 1e-9;
    row.line = line_no_;
    return true;
  }
  return false;
}

}  // namespace dcsim::arrivals
