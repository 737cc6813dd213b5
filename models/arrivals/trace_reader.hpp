// Streaming readers for public LLM request traces (docs/models/arrivals-trace.md).
//
// One row at a time from a buffered std::ifstream (getline into a reused buffer): memory does not
// depend on the trace length. Each data row becomes a TraceRow whose time is relative to the first
// (good) row of the file.
//
//   azure     CSV with header TIMESTAMP,ContextTokens,GeneratedTokens (Azure LLM inference 2023);
//             TIMESTAMP "2023-11-16 18:15:46.6805900" is parsed as a date-time with exact integer
//             nanoseconds (never as a float), so relative times carry no rounding from the date.
//   mooncake  JSONL, one flat object a line: timestamp (ms), input_length, output_length,
//             hash_ids (list; its length = prefix_blocks). Minimal hand-written parser.
//   burstgpt  CSV with header incl. Timestamp (s), Request tokens, Response tokens.
//
// Errors are scenario::InputError: a file that cannot be opened (at the scenario's `path` key), a
// header without a needed column (names it and lists the header), a malformed row or a timestamp
// going backwards (trace file:line). With skip_bad_rows, malformed and backwards rows are counted
// and skipped instead; a missing file or column is always an error.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::arrivals {

enum class TraceFormat { azure, mooncake, burstgpt };

// "azure" | "mooncake" | "burstgpt"; throws std::invalid_argument otherwise.
TraceFormat parse_trace_format(const std::string& name);
const char* trace_format_name(TraceFormat f);

struct TraceRow {
  double time_s = 0;  // seconds since the first good row of the file
  uint32_t prompt_tokens = 0;
  uint32_t output_tokens = 0;
  uint32_t prefix_blocks = 0;
  std::vector<uint64_t> hash_ids;  // Mooncake: the prefix blocks' hash ids (chained: id j names blocks 1..j)
  uint64_t line = 0;  // 1-based line in the file
};

struct TraceReaderOptions {
  bool skip_bad_rows = false;   // count and skip malformed rows and backwards timestamps
  bool skip_failed = false;     // count and skip rows with 0 output tokens (BurstGPT failures)
  scenario::Location where;     // the scenario's `path` key (for a file that cannot be opened)
  std::string key_path;         // scenario key path shown in messages ("workloads[0].arrivals")
};

class TraceReader {
 public:
  // Opens the file and reads the header (CSV formats). Throws scenario::InputError.
  TraceReader(std::string path, TraceFormat format, TraceReaderOptions options);
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // The next good row; false at the end of the file. Throws scenario::InputError on a bad row
  // unless skip_bad_rows.
  bool next(TraceRow& row);
  // Back to the first data row (same time origin; the backwards check restarts).
  void rewind();

  const std::string& path() const { return path_; }
  TraceFormat format() const { return format_; }
  // Since construction (rewind does not reset them).
  uint64_t rows_skipped() const { return skipped_; }
  uint64_t rows_failed() const { return failed_; }

 private:
  // Parse the current line into row; returns "" or what is wrong.
  std::string parse_csv_row(TraceRow& row, int64_t& time_ns);
  std::string parse_json_row(TraceRow& row, int64_t& time_ns);
  void read_header();
  [[noreturn]] void fail_line(const std::string& message) const;

  std::string path_;
  TraceFormat format_;
  TraceReaderOptions opt_;
  std::unique_ptr<char[]> buffer_;
  std::ifstream in_;
  std::string line_;
  uint64_t line_no_ = 0;
  uint64_t header_lines_ = 0;
  std::streampos data_start_{0};
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;  // views into line_ (or scratch_ for quoted fields)
  std::vector<std::string> scratch_;
  // CSV column indices.
  size_t col_time_ = 0, col_prompt_ = 0, col_output_ = 0, ncols_ = 0;
  // Time origin and the backwards check, in integer nanoseconds (azure) or the format's unit.
  bool have_origin_ = false;
  int64_t origin_ns_ = 0;
  bool have_prev_ = false;
  int64_t prev_ns_ = 0;
  uint64_t skipped_ = 0;
  uint64_t failed_ = 0;
};

}  // namespace dcsim::arrivals
