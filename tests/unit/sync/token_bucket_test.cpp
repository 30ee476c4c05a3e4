// Copyright 2026 The weft Authors. MIT License.

#include "weft/sync/token_bucket.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace std::chrono_literals;
using weft::sync::token_bucket;

TEST_CASE("token_bucket: a burst passes, then the rate holds", "[sync][token_bucket]") {
  token_bucket b({.rate = 10, .burst = 5});
  int passed = 0;
  for (int i = 0; i < 100; ++i) passed += b.take(1, 1'000ms) ? 1 : 0;
  CHECK(passed == 5);
  // One second later: ten more tokens, but never more than the burst.
  passed = 0;
  for (int i = 0; i < 100; ++i) passed += b.take(1, 2'000ms) ? 1 : 0;
  CHECK(passed == 5);
  // 300 ms: three tokens.
  passed = 0;
  for (int i = 0; i < 100; ++i) passed += b.take(1, 2'300ms) ? 1 : 0;
  CHECK(passed == 3);
}

TEST_CASE("token_bucket: a request larger than what is left takes nothing", "[sync][token_bucket]") {
  token_bucket b({.rate = 100, .burst = 100});
  CHECK(b.take(60, 0ms));
  CHECK_FALSE(b.take(60, 0ms));
  CHECK(b.available(0ms) == 40);
  CHECK(b.take(40, 0ms));
}

TEST_CASE("token_bucket: a clock stepping back neither refills nor breaks it", "[sync][token_bucket]") {
  token_bucket b({.rate = 1, .burst = 1});
  CHECK(b.take(1, 10'000ms));
  CHECK_FALSE(b.take(1, 5'000ms));
  CHECK_FALSE(b.take(1, 10'500ms));
  CHECK(b.take(1, 11'000ms));
}

TEST_CASE("token_bucket: rate zero disables the limit", "[sync][token_bucket]") {
  token_bucket b;
  for (int i = 0; i < 1000; ++i) REQUIRE(b.take(1e9, 0ms));
}

TEST_CASE("token_bucket: clock readings at the ends of the 64-bit range", "[sync][token_bucket]") {
  // The application's clock is its own: the wait between the earliest and
  // the latest reading does not fit in 64 bits, and refills to the burst.
  token_bucket b({.rate = 1, .burst = 2});
  CHECK(b.take(2, std::chrono::milliseconds::min()));
  CHECK_FALSE(b.take(1, std::chrono::milliseconds::min()));
  CHECK(b.take(2, std::chrono::milliseconds::max()));
  CHECK_FALSE(b.take(1, std::chrono::milliseconds::max()));
}
