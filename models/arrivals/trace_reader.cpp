#include "models/arrivals/trace_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "sim/scenario/datetime.hpp"

namespace dcsim::arrivals {

namespace {

constexpr size_t kBufferBytes = 1 << 16;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A non-negative token count: "123" (or "123.0": integral decimals are accepted). false if not.
bool parse_count(std::string_view s, uint32_t& out) {
  s = trim(s);
  if (s.empty()) return false;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc()) return false;
  if (p != s.data() + s.size()) {
    // Only ".0*" may follow.
    if (*p != '.') return false;
    for (++p; p != s.data() + s.size(); ++p) {
      if (*p != '0') return false;
    }
  }
  if (v > std::numeric_limits<uint32_t>::max()) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

// A decimal "[+]digits[.digits]" in units of 10^-exp10 of the stated unit, exactly, as an integer
// (exp10 = 9: seconds -> ns; 6: ms -> ns). Digits beyond the precision are dropped.
bool parse_fixed(std::string_view s, int exp10, int64_t& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  size_t i = 0;
  int64_t whole = 0;
  bool any = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (whole > (std::numeric_limits<int64_t>::max() / 10 - 10)) return false;
    whole = whole * 10 + (s[i] - '0');
    any = true;
  }
  int64_t frac = 0;
  int fdigits = 0;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (fdigits < exp10) {
        frac = frac * 10 + (s[i] - '0');
        ++fdigits;
      }
      any = true;
    }
  }
  if (!any || i != s.size()) return false;
  int64_t scale = 1;
  for (int k = 0; k < exp10; ++k) scale *= 10;
  for (int k = fdigits; k < exp10; ++k) frac *= 10;
  if (whole > (std::numeric_limits<int64_t>::max() - frac) / scale) return false;
  out = whole * scale + frac;
  return true;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[pos + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// "YYYY-MM-DD HH:MM:SS[.fraction][Z]" (or 'T' between date and time), UTC, to integer ns since
// 1970. Returns "" or what is wrong.
std::string parse_timestamp_ns(std::string_view s, int64_t& out) {
  s = trim(s);
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  const bool shape = s.size() >= 19 && digits(s, 0, 4, y) && s[4] == '-' && digits(s, 5, 2, mo) && s[7] == '-' &&
                     digits(s, 8, 2, d) && (s[10] == ' ' || s[10] == 'T') && digits(s, 11, 2, h) && s[13] == ':' &&
                     digits(s, 14, 2, mi) && s[16] == ':' && digits(s, 17, 2, se);
  if (!shape) return "expected a date-time like '2023-11-16 18:15:46.6805900'";
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return "date or time field out of range";
  int64_t frac_ns = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() == 20) return "expected '.' and fractional seconds after the seconds";
    int n = 0;
    for (size_t k = 20; k < s.size(); ++k) {
      const char c = s[k];
      if (c < '0' || c > '9') return "fractional seconds must be digits";
      if (n < 9) {
        frac_ns = frac_ns * 10 + (c - '0');
        ++n;
      }
    }
    for (; n < 9; ++n) frac_ns *= 10;
  }
  const int64_t days = scenario::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + se;
  out = secs * 1000000000LL + frac_ns;
  return "";
}

std::string join_header(const std::vector<std::string>& h) {
  std::string s;
  for (size_t i = 0; i < h.size(); ++i) {
    if (i) s += ", ";
    s += "'" + h[i] + "'";
  }
  return s;
}

std::string shorten(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  return std::string(s.substr(0, 37)) + "...";
}

std::string fmt_seconds(double s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g s", s);
  return b;
}

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
    fail_line(std::string("empty trace file: expected a header line with columns ") + join_header(need) + " (" +
              trace_format_name(format_) + " format)");
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
  return "";
}

std::string TraceReader::parse_json_row(TraceRow& row, int64_t& time_ns) {
  const std::string_view s = line_;
  size_t i = 0;
  auto ws = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
  };
  ws();
  if (i >= s.size() || s[i] != '{') return "expected a JSON object '{...}'";
  ++i;
  bool has_t = false, has_in = false, has_out = false;
  uint32_t blocks = 0;
  ws();
  if (i < s.size() && s[i] == '}') {
    ++i;
  } else {
    while (true) {
      ws();
      if (i >= s.size() || s[i] != '"') return "expected a quoted key at column " + std::to_string(i + 1);
      const size_t k0 = ++i;
      while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
      if (i >= s.size()) return "unterminated key";
      const std::string_view key = s.substr(k0, i - k0);
      ++i;
      ws();
      if (i >= s.size() || s[i] != ':') return "expected ':' after key '" + std::string(key) + "'";
      ++i;
      ws();
      if (i >= s.size()) return "missing value for key '" + std::string(key) + "'";
      if (s[i] == '[') {
        // A flat list: count its elements.
        ++i;
        uint32_t n = 0;
        bool nonempty = false;
        while (true) {
          ws();
          if (i >= s.size()) return "unterminated list for key '" + std::string(key) + "'";
          if (s[i] == ']') {
            ++i;
            break;
          }
          if (s[i] == '[' || s[i] == '{') return "nested value in list '" + std::string(key) + "'";
          if (s[i] == ',') {
            if (!nonempty) return "empty element in list '" + std::string(key) + "'";
            ++n;
            nonempty = false;
            ++i;
            continue;
          }
          if (s[i] == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
            if (i >= s.size()) return "unterminated string in list '" + std::string(key) + "'";
          }
          nonempty = true;
          ++i;
        }
        if (nonempty) ++n;
        if (key == "hash_ids") blocks = n;
      } else if (s[i] == '"') {
        ++i;
        while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
        if (i >= s.size()) return "unterminated string value for key '" + std::string(key) + "'";
        ++i;
        if (key == "timestamp" || key == "input_length" || key == "output_length") {
          return "key '" + std::string(key) + "' is a string, expected a number";
        }
      } else if (s[i] == '{') {
        return "nested object for key '" + std::string(key) + "'";
      } else {
        const size_t v0 = i;
        while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') ++i;
        const std::string_view v = s.substr(v0, i - v0);
        if (key == "timestamp") {
          if (!parse_fixed(v, 6, time_ns)) {
            return "key 'timestamp' is '" + shorten(v) + "', expected a non-negative number of milliseconds";
          }
          has_t = true;
        } else if (key == "input_length") {
          if (!parse_count(v, row.prompt_tokens)) {
            return "key 'input_length' is '" + shorten(v) + "', expected a non-negative integer";
          }
          has_in = true;
        } else if (key == "output_length") {
          if (!parse_count(v, row.output_tokens)) {
            return "key 'output_length' is '" + shorten(v) + "', expected a non-negative integer";
          }
          has_out = true;
        }
      }
      ws();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < s.size() && s[i] == '}') {
        ++i;
        break;
      }
      return "expected ',' or '}' at column " + std::to_string(i + 1);
    }
  }
  ws();
  if (i != s.size()) return "unexpected text after the object at column " + std::to_string(i + 1);
  if (!has_t) return "missing key 'timestamp'";
  if (!has_in) return "missing key 'input_length'";
  if (!has_out) return "missing key 'output_length'";
  row.prefix_blocks = blocks;
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
