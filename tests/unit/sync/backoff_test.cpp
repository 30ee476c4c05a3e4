// Copyright 2026 The weft Authors. MIT License.

#include "weft/sync/backoff.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace std::chrono_literals;
using weft::sync::backoff;
using weft::sync::backoff_options;

TEST_CASE("backoff: delays stay under an exponentially growing ceiling, then the cap", "[sync][backoff]") {
  backoff b({.base = 100ms, .cap = 3'000ms, .stable = 10'000ms, .seed = 42});
  std::int64_t ceiling = 100;
  std::int64_t max_seen_late = 0;
  for (int i = 0; i < 200; ++i) {
    const auto d = b.next_delay().count();
    REQUIRE(d >= 0);
    REQUIRE(d <= ceiling);
    if (i >= 10) max_seen_late = std::max(max_seen_late, d);
    ceiling = std::min<std::int64_t>(ceiling * 2, 3'000);
  }
  // Full jitter: late delays spread over the whole [0, cap] range.
  CHECK(max_seen_late > 2'000);
  CHECK(b.attempts() == 200);
}

TEST_CASE("backoff: the same seed gives the same delays; different seeds differ", "[sync][backoff]") {
  backoff a({.seed = 7}), b({.seed = 7}), c({.seed = 8});
  bool differs = false;
  for (int i = 0; i < 20; ++i) {
    const auto x = a.next_delay();
    REQUIRE(x == b.next_delay());
    differs |= x != c.next_delay();
  }
  CHECK(differs);
}

TEST_CASE("backoff: a stable connection resets the attempts, a short one does not", "[sync][backoff]") {
  backoff b({.base = 100ms, .cap = 60'000ms, .stable = 5'000ms, .seed = 1});
  for (int i = 0; i < 8; ++i) (void)b.next_delay();
  b.connected_for(4'999ms);
  CHECK(b.attempts() == 8);
  b.connected_for(5'000ms);
  CHECK(b.attempts() == 0);
  CHECK(b.next_delay() <= 100ms);
}

TEST_CASE("backoff: huge attempt counts neither overflow nor exceed the cap", "[sync][backoff]") {
  backoff b({.base = 1ms, .cap = 1'000'000ms, .seed = 3});
  for (int i = 0; i < 5'000; ++i) REQUIRE(b.next_delay() <= 1'000'000ms);
}
