#include "models/grid/grid_csv.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string shorten_text(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

CsvReader::CsvReader(std::string path, std::string what, scenario::Location where, std::string key_path)
    : path_(std::move(path)), what_(std::move(what)), key_path_(std::move(key_path)) {
  in_.open(path_, std::ios::in | std::ios::binary);
  if (!in_) throw scenario::InputError(where, key_path_, "cannot open " + what_ + " '" + path_ + "'");
  while (std::getline(in_, buf_)) {
    ++line_;
    if (trim_view(buf_).empty()) continue;
    std::string_view h = buf_;
    if (h.size() >= 3 && static_cast<unsigned char>(h[0]) == 0xEF && static_cast<unsigned char>(h[1]) == 0xBB &&
        static_cast<unsigned char>(h[2]) == 0xBF) {
      buf_.erase(0, 3);  // UTF-8 byte-order mark
    }
    if (!split(buf_, header_)) fail("unterminated quoted field in the header");
    header_line_ = line_;
    return;
  }
  fail_at(line_ > 0 ? line_ : 1, "empty " + what_ + ": expected a header line");
}

void CsvReader::fail_at(int line, const std::string& message) const {
  throw scenario::InputError(scenario::Location{path_, line, 0}, key_path_, message);
}

std::string CsvReader::header_text() const {
  std::string s;
  for (size_t i = 0; i < header_.size(); ++i) s += (i ? ", '" : "'") + header_[i] + "'";
  return s;
}

int CsvReader::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int CsvReader::require(std::string_view name) const {
  const int c = column(name);
  if (c < 0) {
    fail_at(header_line_, "missing column '" + std::string(name) + "' in the header of this " + what_ +
                              " (header has " + header_text() + ")");
  }
  return c;
}

bool CsvReader::split(const std::string& line, std::vector<std::string>& out) const {
  out.clear();
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        cur += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back(trim_view(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.emplace_back(trim_view(cur));
  return !quoted;
}

bool CsvReader::next() {
  while (std::getline(in_, buf_)) {
    ++line_;
    if (trim_view(buf_).empty()) continue;
    if (!split(buf_, row_)) fail("malformed row: unterminated quoted field");
    if (row_.size() != header_.size()) {
      fail("malformed row: " + std::to_string(row_.size()) + " fields, the header has " +
           std::to_string(header_.size()));
    }
    return true;
  }
  return false;
}

bool parse_number(std::string_view s, double& out) {
  s = trim_view(s);
  if (s.empty()) return false;
  std::string clean;
  clean.reserve(s.size());
  for (char c : s) {
    if (c != ',') clean += c;
  }
  char* end = nullptr;
  out = std::strtod(clean.c_str(), &end);
  return end == clean.c_str() + clean.size() && std::isfinite(out);
}

namespace {

bool read_int(std::string_view s, size_t& p, size_t min_digits, size_t max_digits, int& out) {
  size_t n = 0;
  out = 0;
  while (p < s.size() && n < max_digits && s[p] >= '0' && s[p] <= '9') {
    out = out * 10 + (s[p] - '0');
    ++p;
    ++n;
  }
  return n >= min_digits;
}

// "MM/DD/YYYY[ h:mm[:ss] AM|PM]" (EIA-930 balance files).
std::string parse_us(std::string_view s, double& epoch) {
  size_t p = 0;
  int mo, d, y, h = 0, mi = 0, sec = 0;
  if (!read_int(s, p, 1, 2, mo) || p >= s.size() || s[p++] != '/' || !read_int(s, p, 1, 2, d) || p >= s.size() ||
      s[p++] != '/' || !read_int(s, p, 4, 4, y)) {
    return "expected MM/DD/YYYY";
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return "month or day out of range";
  if (p < s.size()) {
    while (p < s.size() && s[p] == ' ') ++p;
    if (!read_int(s, p, 1, 2, h) || p >= s.size() || s[p++] != ':' || !read_int(s, p, 2, 2, mi)) {
      return "expected a time h:mm[:ss] AM|PM after the date";
    }
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!read_int(s, p, 2, 2, sec)) return "seconds must be two digits";
    }
    while (p < s.size() && s[p] == ' ') ++p;
    const std::string_view ampm = s.substr(p);
    if (ampm == "AM" || ampm == "am") {
      if (h < 1 || h > 12) return "hour out of range";
      if (h == 12) h = 0;
    } else if (ampm == "PM" || ampm == "pm") {
      if (h < 1 || h > 12) return "hour out of range";
      if (h != 12) h += 12;
    } else if (!ampm.empty()) {
      return "expected AM or PM after the time";
    }
    if (h > 23 || mi > 59 || sec > 59) return "time out of range";
  }
  epoch = static_cast<double>(scenario::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) *
              86400.0 +
          h * 3600.0 + mi * 60.0 + sec;
  return "";
}

}  // namespace

std::string parse_timestamp(std::string_view s, double& epoch_s) {
  s = trim_view(s);
  if (s.empty()) return "empty time stamp";
  if (s.find('/') != std::string_view::npos) return parse_us(s, epoch_s);
  std::string iso(s);
  // EIA API period "YYYY-MM-DDTHH": add the minutes.
  if (iso.size() == 13 && (iso[10] == 'T' || iso[10] == ' ')) iso += ":00";
  try {
    epoch_s = scenario::parse_datetime(iso);
  } catch (const std::invalid_argument& e) {
    return "expected an ISO date-time such as '2023-07-17T05' or '2023-07-17T05:00:00Z', or '07/17/2023 5:00:00 AM'";
  }
  return "";
}

}  // namespace dcsim::grid
