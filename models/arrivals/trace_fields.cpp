// The field parsers of the trace readers (trace_reader_internal.hpp): a token count ("123",
// "123.0"), a decimal timestamp as exact integer nanoseconds (seconds for BurstGPT, milliseconds for
// Mooncake) and an Azure "YYYY-MM-DD HH:MM:SS.fffffff" UTC date-time as integer nanoseconds since
// 1970, never through a float; and the text helpers of their error messages.
#include <charconv>
#include <cstdio>
#include <limits>
#include <string_view>

#include "models/arrivals/trace_reader_internal.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::arrivals::trace {

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

namespace {

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

}  // namespace

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

}  // namespace dcsim::arrivals::trace
