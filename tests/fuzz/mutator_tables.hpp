// The batch fuzzer's mutation material (mutator.hpp): odd numbers, units, strings and --set paths,
// the same lists as tests/fuzz/scenario_fuzz.py's.
#pragma once

#include <string>
#include <vector>

#include "tests/fuzz/mutator.hpp"

namespace dcsim::fuzz {

template <class T>
const T& pick(Rng& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

inline const std::vector<std::string> kNumbers = {
    "0", "-1", "-0", "1e308", "-1e308", "1.8e308", "1e400", "1e-320", "4.9e-324", ".nan", "nan", ".inf", "-.inf",
    "inf", "NaN", std::string(40, '9'), "0x1F", "1_000_000", "1e6", "99999999999999999999", "2147483648",
    "-2147483649", "18446744073709551616", "0." + std::string(400, '0') + "1", "1e-9", "3.5", "1000000",
    "100000000", "2.5", "+7", "007", "1e", "1..2", "", "~", "true", "null"};

inline const std::vector<std::string> kUnits = {
    "s", "ms", "us", "ns", "min", "h", "d", "W", "kW", "MW", "J", "kWh", "B", "GB", "GiB", "TB", "B/s", "GB/s",
    "Gbps", "/s", "/h", "/d", "%", "FLOP", "TFLOP/s", "degC", "g/kWh", "kg", "L", "USD", "USD/MWh", "parsecs",
    "W/s", "s/s", "1/s", "/", "\xc2\xb0" "C", "\xc2\xb5s", "\xce\xa9", "", "  ", "e3 W"};

inline const std::vector<std::string> kStrings = {
    "", " ", std::string(5000, 'a'), "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xe2\x80\xae", std::string(1, '\0'),
    "\x7f", "\xf0\x9f\x92\xa5", "a/b", "../..", "*x", "&x", "!!binary", "- a", "{", "[", "'", "\"", "\\", "%TAG",
    "---", "...", "a: b", "NaN", "\xef\xbb\xbf", "/dev/zero", "/dev/stdin", "/proc/self/mem", "/", ".",
    "/nonexistent/file.csv"};

// Put inside a line by the text mutations: unicode, control characters, an escape sequence.
inline const std::vector<std::string> kInserts = {
    "\xc3\xa9", "\xe6\x97\xa5", "\xe2\x80\xae", std::string(1, '\0'), "\x7f", "\xf0\x9f\x92\xa5", "a/b", "../..",
    "*x", "\t", "\r", "\x1b[31m"};

inline const std::vector<std::string> kSetPaths = {
    "name", "horizon", "seed", "start", "record.step", "record.requests", "sites[0].name",
    "sites[0].pools[0].servers", "sites[0].pools[0].gpus_per_server", "sites[0].pools[0].serving",
    "workloads[0].arrivals.rate", "workloads[0].arrivals.model", "workloads[0].pool", "sites[99].x",
    "sites[99999999999999999999].name", "sites[-1].name", "sites[].name", "sites[0", "a..b", ".",
    "sites.a.pools.p.servers", "workloads.w.arrivals", "catalog.gpus.h100-sxm.tdp", std::string(3000, 'x'),
    "sites[0].pools[0].llm.max_batch", "workloads[0].class.model", "\xc3\xa9.\xc3\xbc", "sites[0][0]"};

inline const std::vector<std::string> kAliases = {
    "x: &a [*a]", "y: &b {k: *b}", "a: &a [1, 2]\nb: [*a, *a, *a]",
    "l0: &l0 [x, x]\nl1: &l1 [*l0, *l0]\nl2: &l2 [*l1, *l1]\nl3: [*l2, *l2]", "sites: *nope", "<<: *a",
    "name: &n x\nhorizon: *n"};

inline const std::vector<std::string> kOddSetValues = {
    "&a [*a]", "&a {x: *a}", std::string(3000, '['), "{a: 1", "*x", "!!python/object:os.system"};

}  // namespace dcsim::fuzz
