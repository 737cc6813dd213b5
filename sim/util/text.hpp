// Small text helpers used by error messages: edit distance and "did you mean".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dcsim {

size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo
// (distance <= max(2, |word|/3)), else "".
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// "'a', 'b' or 'c'"
std::string quoted_list(const std::vector<std::string>& items, std::string_view last_sep = " or ");

}  // namespace dcsim
