// Copyright 2026 The weft Authors. MIT License.

#include "weft/internal/utf8.hpp"

#include <cstring>

namespace weft::internal {

namespace {

// lead_length returns the sequence length a lead byte announces (0: invalid).
constexpr int lead_length(unsigned char c) noexcept {
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // continuation bytes and overlong 2-byte leads
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF5) return 4;
  return 0;
}

// ascii_run returns how many leading bytes of [p, end) are ASCII, eight at a
// time; typing traces are mostly ASCII, so this is the hot loop.
std::size_t ascii_run(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char* q = p;
  while (end - q >= 8) {
    std::uint64_t word;
    std::memcpy(&word, q, 8);
    if (word & 0x8080808080808080ull) break;
    q += 8;
  }
  while (q < end && *q < 0x80) ++q;
  return static_cast<std::size_t>(q - p);
}

}  // namespace

std::optional<utf8_counts> validate_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  utf8_counts counts;
  while (p < end) {
    const std::size_t ascii = ascii_run(p, end);
    p += ascii;
    counts.code_points += ascii;
    counts.utf16_units += ascii;
    if (p >= end) break;
    const unsigned char c = *p;
    const int len = lead_length(c);
    if (len < 2 || end - p < len) return std::nullopt;
    for (int i = 1; i < len; ++i) {
      if (!utf8_is_continuation(p[i])) return std::nullopt;
    }
    if (len == 3) {
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      if (c == 0xE0 && p[1] < 0xA0) return std::nullopt;
      if (c == 0xED && p[1] > 0x9F) return std::nullopt;
    } else if (len == 4) {
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (<= U+10FFFF).
      if (c == 0xF0 && p[1] < 0x90) return std::nullopt;
      if (c == 0xF4 && p[1] > 0x8F) return std::nullopt;
    }
    p += len;
    counts.code_points += 1;
    counts.utf16_units += (len == 4) ? 2 : 1;
  }
  return counts;
}

std::size_t utf8_advance(std::string_view s, std::size_t n) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const auto* q = p;
  while (n > 0 && q < end) {
    if (*q < 0x80) {
      // Bound the scan by n: at most n bytes can be taken.
      const auto* stop = static_cast<std::size_t>(end - q) < n ? end : q + n;
      const std::size_t run = ascii_run(q, stop);
      q += run;
      n -= run;
      continue;
    }
    const int len = lead_length(*q);
    q += len > 0 ? len : 1;  // input is valid; never stall regardless
    --n;
  }
  return static_cast<std::size_t>(q - p);
}

std::size_t utf8_utf16_units(std::string_view s, std::size_t n) noexcept {
  const auto* q = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = q + s.size();
  std::size_t units = 0;
  while (n > 0 && q < end) {
    const int len = lead_length(*q);
    units += (len == 4) ? 2 : 1;
    q += len > 0 ? len : 1;
    --n;
  }
  return units;
}

namespace {

// Eight bytes at a time: a byte is marked by bit 7, each mark is moved to
// bit 0 of its byte, and all eight bytes are summed by a multiply (no
// popcount instruction needed). A continuation byte has bit 7 set and bit 6
// clear: shifting the inverted word left by one lines "bit 6 clear" up with
// bit 7 of the same byte. A four-byte lead has bits 7 to 4 set.
constexpr std::uint64_t high_bits = 0x8080808080808080ull;

std::size_t sum_marks(std::uint64_t marks) noexcept {
  return static_cast<std::size_t>((((marks & high_bits) >> 7) * 0x0101010101010101ull) >> 56);
}

std::size_t continuations_in(std::uint64_t w) noexcept { return sum_marks(w & (~w << 1)); }

std::size_t leads4_in(std::uint64_t w) noexcept {
  return sum_marks(w & (w << 1) & (w << 2) & (w << 3));
}

// count measures valid UTF-8: code points always, four-byte leads (one
// more UTF-16 unit each) only when asked, which costs a little per word.
template <bool kLeads4>
utf8_counts count(std::string_view s) noexcept {
  std::size_t continuations = 0;
  std::size_t leads4 = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    continuations += continuations_in(w);
    if constexpr (kLeads4) leads4 += leads4_in(w);
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    continuations += utf8_is_continuation(c);
    if constexpr (kLeads4) leads4 += c >= 0xF0;
  }
  const std::size_t points = s.size() - continuations;
  return utf8_counts{points, points + leads4};
}

}  // namespace

std::size_t utf8_count_code_points(std::string_view s) noexcept {
  return count<false>(s).code_points;
}

utf8_counts utf8_count(std::string_view s) noexcept { return count<true>(s); }

std::optional<std::size_t> utf8_prefix_for_utf16(std::string_view s,
                                                 std::size_t units) noexcept {
  const auto* q = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = q + s.size();
  std::size_t cps = 0;
  while (units > 0 && q < end) {
    const int len = lead_length(*q);
    const std::size_t w = (len == 4) ? 2 : 1;
    if (w > units) return std::nullopt;
    units -= w;
    q += len > 0 ? len : 1;
    ++cps;
  }
  return cps;
}

}  // namespace weft::internal
