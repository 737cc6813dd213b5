#include "sim/scenario/datetime.hpp"

#include "sim/scenario/diagnostics.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace dcsim::scenario {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly n digits at pos.
bool digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw std::invalid_argument(quote_value(text) + " is not a date-time (" + why +
                              "); expected e.g. '2025-03-25', '2025-03-25T06:00Z' or '2025-03-25 06:00:00+09:00'");
}

}  // namespace

double parse_datetime(std::string_view text) {
  size_t p = 0;
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!digits(text, p, 4, y) || p >= text.size() || text[p++] != '-' || !digits(text, p, 2, mo) ||
      p >= text.size() || text[p++] != '-' || !digits(text, p, 2, d)) {
    bad(text, "the date must be YYYY-MM-DD");
  }
  if (mo < 1 || mo > 12) bad(text, "month " + std::to_string(mo) + " is not in 1..12");
  if (d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(mo))) {
    bad(text, "day " + std::to_string(d) + " is not in that month");
  }
  double frac = 0;
  int offset_s = 0;
  if (p < text.size()) {
    if (text[p] != 'T' && text[p] != ' ') bad(text, "expected 'T' or a space after the date");
    ++p;
    if (!digits(text, p, 2, h) || p >= text.size() || text[p++] != ':' || !digits(text, p, 2, mi)) {
      bad(text, "the time must be HH:MM or HH:MM:SS");
    }
    if (p < text.size() && text[p] == ':') {
      ++p;
      if (!digits(text, p, 2, s)) bad(text, "seconds must be two digits");
      if (p < text.size() && text[p] == '.') {
        // Digits beyond the 15th are below a double's resolution of a second: read, not used
        // (std::stod would throw on the underflow of "0.<400 zeros>1").
        ++p;
        double scale = 0.1;
        for (int n = 0; p < text.size() && text[p] >= '0' && text[p] <= '9'; ++p, ++n) {
          if (n < 15) frac += (text[p] - '0') * scale;
          scale *= 0.1;
        }
      }
    }
    if (h > 23 || mi > 59 || s > 60) bad(text, "hour, minute or second out of range");
    if (p < text.size()) {
      const char z = text[p];
      if (z == 'Z' && p + 1 == text.size()) {
        ++p;
      } else if (z == '+' || z == '-') {
        ++p;
        int oh, om;
        if (!digits(text, p, 2, oh) || p >= text.size() || text[p++] != ':' || !digits(text, p, 2, om) ||
            p != text.size()) {
          bad(text, "the UTC offset must be +HH:MM or -HH:MM");
        }
        offset_s = (z == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        bad(text, "unexpected text after the time");
      }
    }
  }
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + s + frac - offset_s;
}

std::string format_datetime(double epoch_s) {
  const auto secs = static_cast<int64_t>(std::floor(epoch_s));
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>((rem / 60) % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

int weekday(double epoch_s) {
  const auto days = static_cast<int64_t>(std::floor(epoch_s / 86400.0));
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

}  // namespace dcsim::scenario
