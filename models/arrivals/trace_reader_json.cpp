// The Mooncake row of TraceReader (trace_reader.hpp): a minimal hand-written parser for one flat
// JSON object a line, reading timestamp (ms), input_length and output_length, and counting the
// elements of the hash_ids list as prefix blocks (kept: non-negative integer ids); other keys are
// skipped, nested values rejected.
#include <string>
#include <string_view>

#include "models/arrivals/trace_reader.hpp"
#include "models/arrivals/trace_reader_internal.hpp"

namespace dcsim::arrivals {

using namespace trace;

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
  row.hash_ids.clear();
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
          if (key == "hash_ids" && !nonempty) {
            // One id: a non-negative integer.
            uint64_t v = 0;
            const size_t d0 = i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - d0 < 19) v = v * 10 + uint64_t(s[i++] - '0');
            if (i == d0 || (i < s.size() && s[i] != ',' && s[i] != ']' && s[i] != ' ' && s[i] != '\t'))
              return "hash_ids element at column " + std::to_string(d0 + 1) + " is not a non-negative integer";
            row.hash_ids.push_back(v);
            nonempty = true;
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

}  // namespace dcsim::arrivals
