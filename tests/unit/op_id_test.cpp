// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: op_id_test.cpp
// -----------------------------------------------------------------------------

#include "weft/op_id.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <unordered_set>

#include <catch2/catch_test_macros.hpp>

namespace {

using weft::id_range;
using weft::op_id;
using weft::replica_id;

constexpr replica_id kA{1};
constexpr replica_id kB{2};
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

}  // namespace

TEST_CASE("max_seq leaves room for a count of max_seq + 1", "[op_id]") {
  STATIC_REQUIRE(weft::max_seq == kU64Max - 1);
  STATIC_REQUIRE(weft::max_seq + 1 == kU64Max);
}

TEST_CASE("op_id orders by replica, then by seq", "[op_id]") {
  STATIC_REQUIRE(op_id{kA, 5} < op_id{kB, 0});
  STATIC_REQUIRE(op_id{kA, 1} < op_id{kA, 2});
  STATIC_REQUIRE(op_id{kB, 0} > op_id{kA, weft::max_seq});
  STATIC_REQUIRE(op_id{kA, 3} == op_id{kA, 3});
  STATIC_REQUIRE(op_id{kA, 3} != op_id{kB, 3});
  STATIC_REQUIRE(op_id{} == op_id{replica_id{0}, 0});
}

TEST_CASE("std::hash<op_id> separates replica and seq", "[op_id]") {
  const std::hash<op_id> h;
  CHECK(h(op_id{kA, 7}) == h(op_id{kA, 7}));
  // Swapping replica and seq must not collide for this common shape.
  CHECK(h(op_id{replica_id{1}, 2}) != h(op_id{replica_id{2}, 1}));

  std::unordered_set<op_id> ids;
  for (std::uint64_t r = 1; r <= 16; ++r) {
    for (std::uint64_t s = 0; s < 64; ++s) ids.insert(op_id{replica_id{r}, s});
  }
  CHECK(ids.size() == 16 * 64);
  CHECK(ids.contains(op_id{replica_id{16}, 63}));
  CHECK_FALSE(ids.contains(op_id{replica_id{17}, 0}));
}

TEST_CASE("id_range is half-open", "[op_id]") {
  constexpr id_range r{kA, 3, 6};
  STATIC_REQUIRE(r.size() == 3);
  STATIC_REQUIRE_FALSE(r.empty());
  STATIC_REQUIRE(r.contains(op_id{kA, 3}));
  STATIC_REQUIRE(r.contains(op_id{kA, 5}));
  STATIC_REQUIRE_FALSE(r.contains(op_id{kA, 6}));
  STATIC_REQUIRE_FALSE(r.contains(op_id{kA, 2}));
  STATIC_REQUIRE_FALSE(r.contains(op_id{kB, 4}));
}

TEST_CASE("id_range with end <= begin is empty", "[op_id]") {
  STATIC_REQUIRE(id_range{kA, 4, 4}.empty());
  STATIC_REQUIRE(id_range{kA, 5, 4}.empty());
  STATIC_REQUIRE(id_range{}.empty());
  STATIC_REQUIRE_FALSE(id_range{kA, 4, 4}.contains(op_id{kA, 4}));
  STATIC_REQUIRE_FALSE(id_range{kA, 5, 4}.contains(op_id{kA, 4}));
}

TEST_CASE("id_range reaches the top of the sequence space", "[op_id]") {
  constexpr id_range top{kA, weft::max_seq, kU64Max};
  STATIC_REQUIRE(top.size() == 1);
  STATIC_REQUIRE(top.contains(op_id{kA, weft::max_seq}));
  STATIC_REQUIRE_FALSE(top.contains(op_id{kA, kU64Max}));
  constexpr id_range all{kA, 0, kU64Max};
  STATIC_REQUIRE(all.size() == kU64Max);
  STATIC_REQUIRE(all.contains(op_id{kA, 0}));
}

TEST_CASE("random_replica_id is non-zero and varies", "[op_id]") {
  std::set<replica_id> seen;
  for (int i = 0; i < 64; ++i) {
    const replica_id r = weft::random_replica_id();
    CHECK(r != replica_id{0});
    seen.insert(r);
  }
  // 64 draws of 64 bits collide with probability ~1e-16.
  CHECK(seen.size() == 64);
  // Both halves carry entropy, not just the low 32 bits.
  bool high_bits_used = false;
  for (const replica_id r : seen) {
    if ((static_cast<std::uint64_t>(r) >> 32) != 0) high_bits_used = true;
  }
  CHECK(high_bits_used);
}
