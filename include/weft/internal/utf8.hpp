// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/utf8.hpp
// -----------------------------------------------------------------------------
//
// UTF-8 helpers. Text enters weft from editors and from the network, so it is
// validated once at the boundary (well-formed, no surrogates, no overlongs)
// and every later helper may assume valid input.

#ifndef WEFT_INTERNAL_UTF8_HPP_
#define WEFT_INTERNAL_UTF8_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace weft::internal {

// utf8_counts measures a valid UTF-8 string.
struct utf8_counts {
  std::size_t code_points = 0;
  std::size_t utf16_units = 0;
};

// validate_utf8 returns the counts of `s`, or nullopt if `s` is not
// well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values past
// U+10FFFF).
std::optional<utf8_counts> validate_utf8(std::string_view s) noexcept;

// utf8_is_continuation reports whether `byte` continues a code point.
constexpr bool utf8_is_continuation(unsigned char byte) noexcept {
  return (byte & 0xC0) == 0x80;
}

// utf8_advance returns the byte length of the first `n` code points of the
// valid UTF-8 at `s` (which holds at least that many).
std::size_t utf8_advance(std::string_view s, std::size_t n) noexcept;

// utf8_utf16_units returns how many UTF-16 units the first `n` code points
// of the valid UTF-8 `s` take.
std::size_t utf8_utf16_units(std::string_view s, std::size_t n) noexcept;

// utf8_count_code_points counts code points of valid UTF-8. It counts lead
// bytes without validating, so on any input the count is bounded by the size.
std::size_t utf8_count_code_points(std::string_view s) noexcept;

// utf8_count measures valid UTF-8 as validate_utf8 does, without checking
// it again: lead bytes, and one more UTF-16 unit per four-byte lead.
utf8_counts utf8_count(std::string_view s) noexcept;

// utf8_prefix_for_utf16 returns the number of code points that span exactly
// `units` UTF-16 units of `s`, or nullopt if `units` ends inside a surrogate
// pair. `s` holds at least that many units.
std::optional<std::size_t> utf8_prefix_for_utf16(std::string_view s,
                                                 std::size_t units) noexcept;

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_UTF8_HPP_
