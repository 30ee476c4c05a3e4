// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: value.hpp
// -----------------------------------------------------------------------------
//
// weft::value is what a map entry, a list element or a register holds:
// null, a boolean, a 64-bit integer, a double, a UTF-8 string, bytes, or a
// nested container. Values are immutable; only containers are edited.

#ifndef WEFT_VALUE_HPP_
#define WEFT_VALUE_HPP_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "weft/container.hpp"

namespace weft {

// bytes is an opaque binary value.
using bytes = std::vector<std::uint8_t>;

// value_kind names what a value holds. Values are only appended (they appear
// on the wire).
enum class value_kind : std::uint8_t {
  null = 0,
  boolean = 1,
  integer = 2,
  real = 3,
  string = 4,
  binary = 5,
  container = 6,
};

class value {
 public:
  value() noexcept = default;  // null
  value(std::nullptr_t) noexcept {}  // NOLINT: null
  value(bool b) noexcept : v_(b) {}  // NOLINT
  // Every integer type converts to int64; unsigned values above INT64_MAX
  // wrap, as static_cast does.
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> &&
             !std::is_same_v<T, char>)
  value(T i) noexcept : v_(static_cast<std::int64_t>(i)) {}  // NOLINT
  value(double d) noexcept : v_(d) {}                        // NOLINT
  value(std::string s) noexcept : v_(std::move(s)) {}        // NOLINT
  value(std::string_view s) : v_(std::string(s)) {}          // NOLINT
  value(const char* s) : v_(std::string(s)) {}               // NOLINT
  value(weft::bytes b) noexcept : v_(std::move(b)) {}        // NOLINT
  value(weft::container c) noexcept : v_(c) {}               // NOLINT

  value_kind kind() const noexcept { return static_cast<value_kind>(v_.index()); }
  bool is_null() const noexcept { return kind() == value_kind::null; }
  bool is_container() const noexcept { return kind() == value_kind::container; }

  // as_* return the held value; the kind must match.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_double() const;
  const std::string& as_string() const;
  const weft::bytes& as_bytes() const;
  weft::container as_container() const;

  // to_json renders the value as JSON (containers with their contents;
  // bytes as {"bytes":"<hex>"}; NaN and infinities as null).
  std::string to_json() const;

  using variant_type = std::variant<std::monostate, bool, std::int64_t, double,
                                    std::string, weft::bytes, weft::container>;
  const variant_type& get() const noexcept { return v_; }

  friend bool operator==(const value&, const value&) = default;

 private:
  variant_type v_;
};

}  // namespace weft

#endif  // WEFT_VALUE_HPP_
