// Calendar date-times in scenario files ("2025-03-25", "2025-03-25T06:00Z",
// "2025-03-25 06:00:00+09:00"), converted to seconds since 1970-01-01T00:00:00Z (UTC), and back.
// Civil-date arithmetic after H. Hinnant's days_from_civil (proleptic Gregorian calendar).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dcsim::scenario {

// Throws std::invalid_argument with a sentence saying what is wrong.
double parse_datetime(std::string_view text);
std::string format_datetime(double epoch_s);  // "2025-03-25T06:00:00Z"

int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// Day of week of an epoch time: 0 = Monday ... 6 = Sunday.
int weekday(double epoch_s);

}  // namespace dcsim::scenario
