// Reading the grid's CSV files (EIA-930 exports, price and irradiance series): one small reader
// with file:line errors, the number format of those files ("1,234" with thousands separators,
// quoted or not) and their time stamps.
//
// Every problem is a scenario::InputError at the file's line, with the scenario key path that
// named the file, so the CLI prints "FILE:LINE: KEY: message" and exits with 2.
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::grid {

class CsvReader {
 public:
  // `what` names the file in messages ("EIA-930 file"); `where` is the scenario key that named it
  // (used when the file cannot be opened).
  CsvReader(std::string path, std::string what, scenario::Location where, std::string key_path);

  const std::vector<std::string>& header() const { return header_; }
  // Column index of `name` (exact, after trimming and unquoting), or -1.
  int column(std::string_view name) const;
  // The index of a column that must be there; fails at the header line naming it and the header.
  int require(std::string_view name) const;

  // Next non-blank row (false at the end). Fails on a row with another number of fields.
  bool next();
  const std::vector<std::string>& row() const { return row_; }
  const std::string& field(int col) const { return row_[static_cast<size_t>(col)]; }
  int line() const { return line_; }
  int header_line() const { return header_line_; }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const std::string& message) const { fail_at(line_, message); }
  [[noreturn]] void fail_at(int line, const std::string& message) const;
  std::string header_text() const;  // "'a', 'b', 'c'" for messages

 private:
  bool split(const std::string& line, std::vector<std::string>& out) const;

  std::string path_, what_, key_path_;
  std::ifstream in_;
  std::string buf_;
  std::vector<std::string> header_, row_;
  int line_ = 0, header_line_ = 0;
};

// A number as these files write it: optional spaces, sign, digits with optional thousands
// separators ("12,345.6"), exponent. false on empty or malformed text.
bool parse_number(std::string_view s, double& out);

// A UTC time stamp: ISO "2023-07-17T05" (EIA API period), "2023-07-17T05:00", "2023-07-17 05:00:00Z",
// "2023-07-17"; or US "07/17/2023 5:00:00 AM" (EIA-930 balance files), "07/17/2023". Returns "" or
// what is wrong.
std::string parse_timestamp(std::string_view s, double& epoch_s);

std::string_view trim_view(std::string_view s);
std::string shorten_text(std::string_view s);  // cut to 40 characters for messages

}  // namespace dcsim::grid
