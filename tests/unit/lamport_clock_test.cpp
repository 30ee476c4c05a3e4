// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: lamport_clock_test.cpp
// -----------------------------------------------------------------------------

#include "weft/lamport_clock.hpp"

#include <cstdint>
#include <limits>

#include <catch2/catch_test_macros.hpp>

namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

}  // namespace

TEST_CASE("a new clock starts at 0 and ticks upward", "[lamport_clock]") {
  weft::lamport_clock clock;
  CHECK(clock.now() == 0);
  auto t1 = clock.tick();
  REQUIRE(t1);
  CHECK(*t1 == 1);
  CHECK(clock.now() == 1);
  auto t2 = clock.tick();
  REQUIRE(t2);
  CHECK(*t2 == 2);
  CHECK(clock.now() == 2);
}

TEST_CASE("a clock can start from a stored time", "[lamport_clock]") {
  weft::lamport_clock clock(41);
  CHECK(clock.now() == 41);
  auto t = clock.tick();
  REQUIRE(t);
  CHECK(*t == 42);
}

TEST_CASE("observe only moves the clock forward", "[lamport_clock]") {
  weft::lamport_clock clock(10);
  clock.observe(5);
  CHECK(clock.now() == 10);
  clock.observe(10);
  CHECK(clock.now() == 10);
  clock.observe(100);
  CHECK(clock.now() == 100);

  // A tick after observing is larger than the observed time.
  auto t = clock.tick();
  REQUIRE(t);
  CHECK(*t == 101);
}

TEST_CASE("tick reaches UINT64_MAX, then reports exhaustion",
          "[lamport_clock]") {
  weft::lamport_clock clock(kU64Max - 2);
  auto a = clock.tick();
  REQUIRE(a);
  CHECK(*a == kU64Max - 1);
  auto b = clock.tick();
  REQUIRE(b);
  CHECK(*b == kU64Max);
  CHECK(clock.now() == kU64Max);

  auto c = clock.tick();
  REQUIRE_FALSE(c);
  CHECK(c.code() == weft::errc::seq_exhausted);
  CHECK_FALSE(c.error().message.empty());
  CHECK(clock.now() == kU64Max);

  // Exhaustion is sticky and never wraps around to small timestamps.
  auto d = clock.tick();
  CHECK(d.code() == weft::errc::seq_exhausted);
  CHECK(clock.now() == kU64Max);
}

TEST_CASE("observing UINT64_MAX exhausts the clock", "[lamport_clock]") {
  weft::lamport_clock clock;
  clock.observe(kU64Max);
  CHECK(clock.now() == kU64Max);
  auto t = clock.tick();
  CHECK(t.code() == weft::errc::seq_exhausted);
  CHECK(clock.now() == kU64Max);
}
