// Internal to the trace readers (trace_reader*.cpp, trace_fields.cpp), not part of their interface:
// the parsers of one field of a trace row (token counts, exact fixed-point timestamps, UTC
// date-times to integer nanoseconds) and the text helpers of the error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::arrivals::trace {

// Without leading and trailing ' ', '\t', '\r'.
std::string_view trim(std::string_view s);

// A non-negative token count: "123" (or "123.0": integral decimals are accepted). false if not.
bool parse_count(std::string_view s, uint32_t& out);

// A decimal "[+]digits[.digits]" in units of 10^-exp10 of the stated unit, exactly, as an integer
// (exp10 = 9: seconds -> ns; 6: ms -> ns). Digits beyond the precision are dropped.
bool parse_fixed(std::string_view s, int exp10, int64_t& out);

// "YYYY-MM-DD HH:MM:SS[.fraction][Z]" (or 'T' between date and time), UTC, to integer ns since
// 1970. Returns "" or what is wrong.
std::string parse_timestamp_ns(std::string_view s, int64_t& out);

// "'a', 'b', 'c'": a header or a list of needed columns, for messages.
std::string join_header(const std::vector<std::string>& h);
// s, cut to 40 characters ("..." at the end) for messages.
std::string shorten(std::string_view s);
// "1.5 s", 9 significant digits.
std::string fmt_seconds(double s);

}  // namespace dcsim::arrivals::trace
