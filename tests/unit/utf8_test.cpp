// Copyright 2026 The weft Authors. MIT License.

#include "weft/internal/utf8.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>

namespace {

using weft::internal::utf8_advance;
using weft::internal::utf8_count_code_points;
using weft::internal::utf8_prefix_for_utf16;
using weft::internal::utf8_utf16_units;
using weft::internal::validate_utf8;

TEST_CASE("utf8: valid strings are measured in code points and UTF-16 units") {
  auto c = validate_utf8("");
  REQUIRE(c);
  CHECK(c->code_points == 0);

  c = validate_utf8("plain ascii, long enough to take the 8-byte path");
  REQUIRE(c);
  CHECK(c->code_points == 48);
  CHECK(c->utf16_units == 48);

  // é (2 bytes), 日 (3 bytes), 😀 (4 bytes, a surrogate pair in UTF-16).
  c = validate_utf8("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80z");
  REQUIRE(c);
  CHECK(c->code_points == 5);
  CHECK(c->utf16_units == 6);

  // Boundaries: U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF.
  CHECK(validate_utf8("\x7F"));
  CHECK(validate_utf8("\xC2\x80"));
  CHECK(validate_utf8("\xDF\xBF"));
  CHECK(validate_utf8("\xE0\xA0\x80"));
  CHECK(validate_utf8("\xEF\xBF\xBF"));
  CHECK(validate_utf8("\xF0\x90\x80\x80"));
  CHECK(validate_utf8("\xF4\x8F\xBF\xBF"));
  CHECK(validate_utf8(std::string("nul\0inside", 10))->code_points == 10);
}

TEST_CASE("utf8: malformed input is rejected") {
  const char* bad[] = {
      "\x80",                  // lone continuation
      "\xC0\xAF",              // overlong '/'
      "\xC1\xBF",              // overlong
      "\xE0\x80\xAF",          // overlong 3-byte
      "\xF0\x80\x80\xAF",      // overlong 4-byte
      "\xED\xA0\x80",          // U+D800, a surrogate
      "\xED\xBF\xBF",          // U+DFFF, a surrogate
      "\xF4\x90\x80\x80",      // U+110000, past the last code point
      "\xF5\x80\x80\x80",      // invalid lead
      "\xFF",                  // invalid byte
      "\xC3",                  // truncated 2-byte
      "\xE6\x97",              // truncated 3-byte
      "\xF0\x9F\x98",          // truncated 4-byte
      "ok\xC3(",               // bad continuation
      "abcdefgh\xE6\x97(",     // bad continuation after the fast path
  };
  for (const char* s : bad) {
    INFO("input: " << s);
    CHECK_FALSE(validate_utf8(s));
  }
}

TEST_CASE("utf8: counting code points eight bytes at a time agrees with counting one by one") {
  // Every length from 0 to 40 and every alignment of multi-byte sequences
  // across the eight-byte words, on any bytes (the count is defined for
  // invalid input too: lead bytes).
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 200; ++round) {
    std::string s;
    const std::size_t n = static_cast<std::size_t>(round % 41);
    for (std::size_t i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      s.push_back(static_cast<char>(x));
    }
    std::size_t want = 0;
    std::size_t leads4 = 0;
    for (const char c : s) {
      want += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      leads4 += static_cast<unsigned char>(c) >= 0xF0;
    }
    INFO("round " << round);
    CHECK(utf8_count_code_points(s) == want);
    CHECK(weft::internal::utf8_count(s).utf16_units == want + leads4);
  }
  CHECK(utf8_count_code_points("\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5" "abc") == 6);
}

TEST_CASE("utf8: advance, UTF-16 units and prefixes agree") {
  const std::string s = "ab\xC3\xA9\xF0\x9F\x98\x80" "cd\xE6\x97\xA5";  // a b é 😀 c d 日
  CHECK(utf8_count_code_points(s) == 7);
  CHECK(weft::internal::utf8_count(s).utf16_units == validate_utf8(s)->utf16_units);
  CHECK(utf8_advance(s, 0) == 0);
  CHECK(utf8_advance(s, 2) == 2);
  CHECK(utf8_advance(s, 3) == 4);
  CHECK(utf8_advance(s, 4) == 8);
  CHECK(utf8_advance(s, 7) == s.size());
  CHECK(utf8_advance(s, 100) == s.size());
  CHECK(utf8_utf16_units(s, 3) == 3);
  CHECK(utf8_utf16_units(s, 4) == 5);
  CHECK(utf8_utf16_units(s, 7) == 8);

  CHECK(utf8_prefix_for_utf16(s, 0) == 0u);
  CHECK(utf8_prefix_for_utf16(s, 3) == 3u);
  CHECK_FALSE(utf8_prefix_for_utf16(s, 4));  // inside the surrogate pair
  CHECK(utf8_prefix_for_utf16(s, 5) == 4u);
  CHECK(utf8_prefix_for_utf16(s, 8) == 7u);

  // The ASCII fast path must stop at n even with more ASCII after it.
  const std::string ascii(1000, 'x');
  CHECK(utf8_advance(ascii, 3) == 3);
  CHECK(utf8_advance(ascii, 999) == 999);
}

}  // namespace
