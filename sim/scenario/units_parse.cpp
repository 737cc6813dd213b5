// Units: parse() and parse_unit(), the reading of "value [unit]" text declared in units.hpp.
//
// How parsing works. parse("1.2e6 /h", Quantity::rate):
//   1. The number: [+-] digits ['_' digits]... ['.' digits] [(e|E) [+-] digits]. '_' only separates
//      digit groups ("1_000_000"). It is converted with std::from_chars (locale independent).
//      "nan", "inf", "1.2.3", "1,5" are rejected here.
//   2. The rest, trimmed, is the unit. Nothing means the internal unit of the quantity. A whole unit
//      that is a temperature symbol (degC, °C, C, degF, °F, F, K) is applied as an affine map.
//   3. Otherwise it is a unit expression: an optional leading '/', then terms joined by '*', '·' or
//      '/', evaluated left to right ("USD/MWh", "kW*h", "/h"). A term is "1" or a symbol with an
//      optional integer exponent ("s^-1", "m^3").
//   4. A symbol is resolved by an exact match in kUnits first ("min", "m3"),
//      then as a prefix of kPrefixes followed by an exact symbol that accepts that kind of prefix
//      ("mL", "kWh", "GiB", "Gbps", "TFLOPS"). Unknown symbols get a "did you mean" from the same
//      tables (edit distance <= 2, case-insensitive first).
//   5. The Dim of the expression must be info(q).dim; the value is number * num / den, where the
//      factor is kept as a numerator and a denominator so that "367 g/kWh" is 367 / 3.6e6 exactly.
//
// The tables are in units_tables.cpp, the error messages in units_errors.cpp, format() in
// units_format.cpp.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <system_error>

#include "sim/scenario/units_internal.hpp"

namespace dcsim::units::internal {
namespace {

// ---- Factors --------------------------------------------------------------------------------------

double integer_power(double base, int power) {
  double result = 1;
  for (int i = 0; i < power; ++i) result *= base;
  return result;
}

// into *= factor^power
void multiply(Factor& into, const Factor& factor, int power) {
  const double up = integer_power(factor.num, std::abs(power));
  const double down = integer_power(factor.den, std::abs(power));
  into.num *= power >= 0 ? up : down;
  into.den *= power >= 0 ? down : up;
  into.dim = add_scaled(into.dim, factor.dim, power);
}

// ---- Unit expressions -----------------------------------------------------------------------------

// Resolves one symbol (no exponent) to its factor, or throws the most helpful error.
Factor resolve_symbol(std::string_view symbol, const Context& ctx) {
  if (const UnitSymbol* unit = find_unit(symbol)) return factor_of(*unit, nullptr);
  if (std::optional<Factor> prefixed = split_prefix(symbol)) return *prefixed;
  if (find_temperature(symbol) != nullptr) throw temperature_in_compound(ctx, symbol);
  if (auto ambiguous = find_ambiguous(symbol))
    throw ambiguous_unit(ctx, symbol, ambiguous->first, *ambiguous->second);
  throw unknown_unit(ctx, symbol);
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

constexpr std::string_view kMiddleDot = "\u00B7";  // '·', a multiplication sign

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses "term (op term)*" left to right; see the file comment.
class UnitExpression {
 public:
  UnitExpression(std::string_view unit, Context ctx) : unit_(unit), ctx_(ctx) {}

  Factor evaluate() {
    skip_spaces();
    if (at_end()) throw empty_text(ctx_);
    Factor result;
    const int first_power = take("/") ? -1 : 1;
    multiply(result, term(), first_power);
    for (skip_spaces(); !at_end(); skip_spaces()) {
      const int power = operator_power();
      skip_spaces();
      multiply(result, term(), power);
    }
    return result;
  }

 private:
  // '*' or '·' -> +1, '/' -> -1.
  int operator_power() {
    if (take("*") || take(kMiddleDot)) return 1;
    if (take("/")) return -1;
    throw syntax_error("expected '*' or '/' before " + quoted(rest()));
  }

  // "1", or a symbol with an optional "^int".
  Factor term() {
    if (!at_end() && is_digit(unit_[pos_])) return one();
    const std::string_view symbol = take_symbol();
    const int power = take("^") ? exponent() : 1;
    // "m^3" is written with the exponent but stored as the symbol "m3".
    if (std::abs(power) > 1) {
      if (const UnitSymbol* unit = find_unit(std::string(symbol) + std::to_string(std::abs(power)))) {
        Factor result;
        multiply(result, factor_of(*unit, nullptr), power > 0 ? 1 : -1);
        return result;
      }
    }
    Factor result;
    multiply(result, resolve_symbol(symbol, ctx_), power);
    return result;
  }

  // The "1" of "1/s".
  Factor one() {
    if (!take("1") || (!at_end() && (is_digit(unit_[pos_]) || unit_[pos_] == '.')))
      throw syntax_error("unexpected number " + quoted(rest()) +
                         " (only '1' may stand for a unit, as in '1/s')");
    return Factor{};
  }

  std::string_view take_symbol() {
    const std::size_t start = pos_;
    if (!at_end() && (unit_[pos_] == '%' || unit_[pos_] == '$')) {
      ++pos_;
      return unit_.substr(start, 1);
    }
    while (!at_end() && is_symbol_char(pos_ == start)) ++pos_;
    if (pos_ == start)
      throw syntax_error(at_end() ? std::string("missing unit at the end")
                                  : "expected a unit symbol at " + quoted(rest()));
    return unit_.substr(start, pos_ - start);
  }

  bool is_symbol_char(bool first) const {
    const char c = unit_[pos_];
    if (unit_.substr(pos_).starts_with(kMiddleDot)) return false;
    return is_ascii_letter(c) || is_non_ascii(c) || (!first && is_digit(c));
  }

  // [+-] one or two digits.
  int exponent() {
    const int sign = take("-") ? -1 : 1;
    if (sign > 0) take("+");
    int value = 0;
    std::size_t digits = 0;
    for (; !at_end() && is_digit(unit_[pos_]) && digits < 3; ++pos_, ++digits)
      value = value * 10 + (unit_[pos_] - '0');
    if (digits == 0 || digits > 2)
      throw syntax_error("expected an integer exponent (at most two digits) after '^'");
    return sign * value;
  }

  bool take(std::string_view token) {
    if (!unit_.substr(pos_).starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  void skip_spaces() {
    while (!at_end() && is_space(unit_[pos_])) ++pos_;
  }

  bool at_end() const { return pos_ >= unit_.size(); }
  std::string_view rest() const { return unit_.substr(pos_); }

  UnitError syntax_error(const std::string& problem) const {
    return UnitError("malformed unit " + quoted(unit_) + in_text(ctx_, unit_) + ": " + problem);
  }

  std::string_view unit_;
  Context ctx_;
  std::size_t pos_ = 0;
};

}  // namespace

Factor evaluate_unit(std::string_view unit, const Context& ctx) { return UnitExpression(unit, ctx).evaluate(); }

// ---- Numbers --------------------------------------------------------------------------------------

double read_number(std::string_view digits) {
  double value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

namespace {

// digit ('_'? digit)*, advancing i; false if no digit.
bool scan_digit_groups(std::string_view s, std::size_t& i) {
  if (i >= s.size() || !is_digit(s[i])) return false;
  ++i;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      ++i;
    } else if (s[i] == '_' && i + 1 < s.size() && is_digit(s[i + 1])) {
      i += 2;
    } else {
      break;
    }
  }
  return true;
}

// (e|E) [+-] digits, advancing i only if well formed.
void scan_exponent(std::string_view s, std::size_t& i) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return;
  std::size_t j = i + 1;
  if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
  if (scan_digit_groups(s, j)) i = j;
}

// "nan", "inf", "infinity" in any case.
bool is_non_finite_word(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && is_ascii_letter(s[end])) ++end;
  const std::string word = lowercase(s.substr(0, end));
  return word == "nan" || word == "inf" || word == "infinity";
}

// Characters that continue a malformed number, for the error message: "1.2.3", "1,5".
std::string_view number_like_prefix(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && std::string_view("0123456789._,eE+-").find(s[end]) != std::string_view::npos)
    ++end;
  return s.substr(0, end);
}

bool continues_number(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  const char c = s[i];
  if (is_digit(c) || c == '.' || c == '_' || c == ',') return true;
  return (c == 'e' || c == 'E') && i + 1 < s.size() && is_digit(s[i + 1]);
}

struct NumberScan {
  double value;
  std::string_view rest;
};

// The leading number of text (already trimmed); the rest is the unit.
NumberScan scan_number(std::string_view text, const Context& ctx) {
  const std::size_t sign = text[0] == '+' || text[0] == '-' ? 1 : 0;
  std::size_t i = sign;
  if (is_non_finite_word(text.substr(i))) throw not_finite(ctx);
  const bool integer_digits = scan_digit_groups(text, i);
  bool fraction_digits = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction_digits = scan_digit_groups(text, i);
  }
  if (!integer_digits && !fraction_digits) {
    if (i > sign) throw malformed_number(ctx, number_like_prefix(text));  // ".", "-.e5"
    throw not_a_number(ctx);
  }
  scan_exponent(text, i);
  if (continues_number(text, i)) throw malformed_number(ctx, number_like_prefix(text));

  std::string digits;
  for (char c : text.substr(0, i))
    if (c != '_' && c != '+') digits += c;
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) throw out_of_range(ctx);
  if (ec != std::errc() || end != digits.data() + digits.size())
    throw malformed_number(ctx, text.substr(0, i));
  return {value, text.substr(i)};
}

double finite_or_throw(double value, const Context& ctx) {
  if (!std::isfinite(value)) throw out_of_range(ctx);
  return value;
}

double to_celsius(double value, const TemperatureUnit& t) { return (value + t.offset) * t.num / t.den; }

}  // namespace
}  // namespace dcsim::units::internal

namespace dcsim::units {

using namespace internal;

double parse(std::string_view text, Quantity q) {
  const QuantityInfo& want = info(q);
  const Context ctx{text, &want};
  const std::string_view trimmed = trim(text);
  if (trimmed.empty()) throw empty_text(ctx);
  const NumberScan number = scan_number(trimmed, ctx);
  const std::string_view unit = trim(number.rest);
  if (unit.empty()) return finite_or_throw(number.value, ctx);
  if (const TemperatureUnit* t = find_temperature(unit)) {
    if (q != Quantity::temperature) throw wrong_dimension(ctx, unit, kTemperatureDim);
    return finite_or_throw(to_celsius(number.value, *t), ctx);
  }
  const Factor factor = UnitExpression(unit, ctx).evaluate();
  if (factor.dim != want.dim) throw wrong_dimension(ctx, unit, factor.dim);
  return finite_or_throw(number.value * factor.num / factor.den, ctx);
}

UnitFactor parse_unit(std::string_view unit) {
  const std::string_view trimmed = trim(unit);
  if (find_temperature(trimmed) != nullptr) throw temperature_alone(trimmed);
  const Factor factor = UnitExpression(trimmed, Context{trimmed, nullptr}).evaluate();
  return {factor.num / factor.den, factor.dim};
}

}  // namespace dcsim::units
