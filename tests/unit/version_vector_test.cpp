// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: version_vector_test.cpp
// -----------------------------------------------------------------------------

#include "weft/version_vector.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>

#include "support/printers.hpp"


namespace {

using weft::causal_order;
using weft::id_range;
using weft::op_id;
using weft::replica_id;
using weft::version_vector;

constexpr replica_id kA{0x0a};
constexpr replica_id kB{0x0b};
constexpr replica_id kC{0x0c};
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

version_vector make(
    std::initializer_list<std::pair<replica_id, std::uint64_t>> counts) {
  version_vector v;
  for (const auto& [r, n] : counts) v.set_count(r, n);
  return v;
}

version_vector merged(version_vector a, const version_vector& b) {
  a.merge(b);
  return a;
}

// check_well_formed verifies the representation invariant through the public
// entries(): strictly ascending replica ids and no zero counts.
void check_well_formed(const version_vector& v) {
  const auto inv = weft::internal::check(v);
  INFO((inv ? std::string() : inv.error().message));
  CHECK(inv);
  const auto& es = v.entries();
  for (std::size_t i = 0; i < es.size(); ++i) {
    CHECK(es[i].count > 0);
    if (i > 0) CHECK(es[i - 1].replica < es[i].replica);
  }
}

}  // namespace

TEST_CASE("an empty version vector", "[version_vector]") {
  const version_vector v;
  CHECK(v.empty());
  CHECK(v.size() == 0);
  CHECK(v.get(kA) == 0);
  CHECK_FALSE(v.contains(op_id{kA, 0}));
  CHECK(v.to_string() == "{}");
  auto total = v.total();
  REQUIRE(total);
  CHECK(*total == 0);
}

TEST_CASE("set_count stores counts sorted by replica", "[version_vector]") {
  version_vector v;
  v.set_count(kC, 3);
  v.set_count(kA, 1);
  v.set_count(kB, 2);
  REQUIRE(v.size() == 3);
  CHECK(v.entries() ==
        std::vector<version_vector::entry>{{kA, 1}, {kB, 2}, {kC, 3}});
  CHECK(v.get(kA) == 1);
  CHECK(v.get(kB) == 2);
  CHECK(v.get(kC) == 3);
  CHECK(v.get(replica_id{0x0d}) == 0);
  CHECK(v.get(replica_id{0}) == 0);

  // set_count may lower a count; it is not a merge.
  v.set_count(kC, 1);
  CHECK(v.get(kC) == 1);
  check_well_formed(v);
}

TEST_CASE("set_count to 0 removes the entry", "[version_vector]") {
  version_vector v = make({{kA, 1}, {kB, 2}});
  v.set_count(kA, 0);
  CHECK(v.size() == 1);
  CHECK(v.get(kA) == 0);
  CHECK(v == make({{kB, 2}}));

  // Removing an absent replica is a no-op and does not store a 0 entry.
  v.set_count(kC, 0);
  CHECK(v.size() == 1);
  v.set_count(kB, 0);
  CHECK(v.empty());
  CHECK(v == version_vector{});
}

TEST_CASE("contains follows the count", "[version_vector]") {
  const version_vector v = make({{kA, 3}});
  CHECK(v.contains(op_id{kA, 0}));
  CHECK(v.contains(op_id{kA, 2}));
  CHECK_FALSE(v.contains(op_id{kA, 3}));
  CHECK_FALSE(v.contains(op_id{kB, 0}));

  const version_vector top = make({{kA, kU64Max}});
  CHECK(top.contains(op_id{kA, weft::max_seq}));
  CHECK_FALSE(top.contains(op_id{kA, kU64Max}));
}

TEST_CASE("advance only raises counts", "[version_vector]") {
  version_vector v;
  v.advance(kB, 5);
  CHECK(v.get(kB) == 5);
  v.advance(kB, 3);
  CHECK(v.get(kB) == 5);
  v.advance(kB, 9);
  CHECK(v.get(kB) == 9);
  v.advance(kA, 0);
  CHECK(v.size() == 1);  // advancing to 0 stores nothing
  v.advance(kA, 1);
  v.advance(kC, kU64Max);
  CHECK(v.entries() ==
        std::vector<version_vector::entry>{{kA, 1}, {kB, 9}, {kC, kU64Max}});
}

TEST_CASE("merge takes the per-replica maximum", "[version_vector]") {
  version_vector a = make({{kA, 5}, {kB, 1}});
  const version_vector b = make({{kB, 4}, {kC, 2}});
  a.merge(b);
  CHECK(a == make({{kA, 5}, {kB, 4}, {kC, 2}}));
  check_well_formed(a);

  // Merging disjoint vectors interleaves them in order.
  version_vector d = make({{replica_id{1}, 1}, {replica_id{5}, 5}});
  d.merge(make({{replica_id{3}, 3}, {replica_id{7}, 7}}));
  CHECK(d.entries() == std::vector<version_vector::entry>{{replica_id{1}, 1},
                                                          {replica_id{3}, 3},
                                                          {replica_id{5}, 5},
                                                          {replica_id{7}, 7}});
}

TEST_CASE("merge with empty and with itself", "[version_vector]") {
  const version_vector a = make({{kA, 2}, {kC, 7}});
  CHECK(merged(a, version_vector{}) == a);
  CHECK(merged(version_vector{}, a) == a);
  version_vector self = a;
  self.merge(self);
  CHECK(self == a);
}

TEST_CASE("compare covers all four outcomes", "[version_vector]") {
  const version_vector a = make({{kA, 2}, {kB, 1}});

  SECTION("equal") {
    CHECK(a.compare(make({{kA, 2}, {kB, 1}})) == causal_order::equal);
    CHECK(version_vector{}.compare(version_vector{}) == causal_order::equal);
  }
  SECTION("before: lower count") {
    CHECK(a.compare(make({{kA, 3}, {kB, 1}})) == causal_order::before);
  }
  SECTION("before: missing replica") {
    CHECK(a.compare(make({{kA, 2}, {kB, 1}, {kC, 1}})) == causal_order::before);
    CHECK(version_vector{}.compare(a) == causal_order::before);
  }
  SECTION("after") {
    CHECK(a.compare(make({{kA, 1}, {kB, 1}})) == causal_order::after);
    CHECK(a.compare(make({{kB, 1}})) == causal_order::after);
    CHECK(a.compare(version_vector{}) == causal_order::after);
  }
  SECTION("concurrent: counts cross") {
    CHECK(a.compare(make({{kA, 1}, {kB, 2}})) == causal_order::concurrent);
  }
  SECTION("concurrent: disjoint replicas") {
    CHECK(make({{kA, 1}}).compare(make({{kB, 1}})) == causal_order::concurrent);
  }
  SECTION("concurrent: detected only by a trailing entry") {
    CHECK(make({{kA, 1}, {kC, 1}}).compare(make({{kA, 2}})) ==
          causal_order::concurrent);
    CHECK(make({{kA, 2}}).compare(make({{kA, 1}, {kC, 1}})) ==
          causal_order::concurrent);
  }
}

TEST_CASE("includes", "[version_vector]") {
  const version_vector a = make({{kA, 2}, {kB, 3}});
  CHECK(a.includes(a));
  CHECK(a.includes(version_vector{}));
  CHECK(a.includes(make({{kB, 3}})));
  CHECK(a.includes(make({{kA, 1}, {kB, 2}})));
  CHECK_FALSE(a.includes(make({{kA, 3}})));
  CHECK_FALSE(a.includes(make({{kC, 1}})));
  CHECK_FALSE(a.includes(make({{kA, 1}, {kC, 1}})));
  CHECK_FALSE(version_vector{}.includes(a));
  CHECK(version_vector{}.includes(version_vector{}));
}

TEST_CASE("missing_from lists what the other side has extra",
          "[version_vector]") {
  const version_vector mine = make({{kA, 2}, {kB, 5}});
  const version_vector theirs = make({{kA, 4}, {kB, 3}, {kC, 2}});
  CHECK(mine.missing_from(theirs) ==
        std::vector<id_range>{{kA, 2, 4}, {kC, 0, 2}});
  CHECK(theirs.missing_from(mine) == std::vector<id_range>{{kB, 3, 5}});
  CHECK(mine.missing_from(mine).empty());
  CHECK(mine.missing_from(version_vector{}).empty());
  CHECK(version_vector{}.missing_from(mine) ==
        std::vector<id_range>{{kA, 0, 2}, {kB, 0, 5}});
}

TEST_CASE("total sums counts and reports overflow", "[version_vector]") {
  auto small = make({{kA, 2}, {kB, 5}}).total();
  REQUIRE(small);
  CHECK(*small == 7);

  auto exact = make({{kA, kU64Max - 1}, {kB, 1}}).total();
  REQUIRE(exact);
  CHECK(*exact == kU64Max);

  auto over = make({{kA, kU64Max - 1}, {kB, 2}}).total();
  REQUIRE_FALSE(over);
  CHECK(over.code() == weft::errc::capacity_exceeded);

  auto over_many =
      make({{kA, kU64Max / 2}, {kB, kU64Max / 2}, {kC, 2}}).total();
  CHECK(over_many.code() == weft::errc::capacity_exceeded);
}

TEST_CASE("to_string renders zero-padded hex replicas", "[version_vector]") {
  CHECK(make({{replica_id{0xff}, 3}}).to_string() == "{00000000000000ff:3}");
  CHECK(make({{replica_id{0x100}, 7}, {replica_id{0xff}, 3}}).to_string() ==
        "{00000000000000ff:3, 0000000000000100:7}");
  CHECK(make({{replica_id{kU64Max}, kU64Max}}).to_string() ==
        "{ffffffffffffffff:18446744073709551615}");
}

TEST_CASE("merge is commutative, associative and idempotent",
          "[version_vector][property]") {
  for (const std::uint64_t seed : {1u, 2u, 3u, 42u, 1234u}) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint64_t> pick_replica(1, 8);
    std::uniform_int_distribution<std::uint64_t> pick_count(0, 6);
    std::uniform_int_distribution<int> pick_size(0, 8);
    const auto random_vector = [&] {
      version_vector v;
      std::map<replica_id, std::uint64_t> model;
      const int n = pick_size(rng);
      for (int i = 0; i < n; ++i) {
        const replica_id r{pick_replica(rng)};
        const std::uint64_t c = pick_count(rng);
        v.set_count(r, c);
        if (c == 0) {
          model.erase(r);
        } else {
          model[r] = c;
        }
      }
      for (const auto& [r, c] : model) REQUIRE(v.get(r) == c);
      REQUIRE(v.size() == model.size());
      return v;
    };

    for (int iter = 0; iter < 400; ++iter) {
      const version_vector a = random_vector();
      const version_vector b = random_vector();
      const version_vector c = random_vector();
      INFO("seed " << seed << " iter " << iter << ": a=" << a.to_string()
                   << " b=" << b.to_string() << " c=" << c.to_string());

      const version_vector ab = merged(a, b);
      check_well_formed(ab);
      REQUIRE(ab == merged(b, a));
      REQUIRE(merged(ab, c) == merged(a, merged(b, c)));
      REQUIRE(merged(a, a) == a);
      REQUIRE(merged(ab, b) == ab);

      // The merge is the least upper bound.
      REQUIRE(ab.includes(a));
      REQUIRE(ab.includes(b));
      for (std::uint64_t r = 1; r <= 8; ++r) {
        const replica_id id{r};
        REQUIRE(ab.get(id) == std::max(a.get(id), b.get(id)));
      }

      // compare, includes and missing_from agree with each other.
      const causal_order ord = a.compare(b);
      REQUIRE((ord == causal_order::equal) == (a == b));
      REQUIRE((a.includes(b) && b.includes(a)) == (ord == causal_order::equal));
      REQUIRE((ord == causal_order::after) ==
              (a.includes(b) && !b.includes(a)));
      REQUIRE((ord == causal_order::before) ==
              (b.includes(a) && !a.includes(b)));
      REQUIRE(a.missing_from(b).empty() == a.includes(b));
      const causal_order rev = b.compare(a);
      if (ord == causal_order::before) REQUIRE(rev == causal_order::after);
      if (ord == causal_order::after) REQUIRE(rev == causal_order::before);
      if (ord == causal_order::equal) REQUIRE(rev == causal_order::equal);
      if (ord == causal_order::concurrent) {
        REQUIRE(rev == causal_order::concurrent);
      }

      // Advancing a by what it misses from b yields exactly a ∪ b.
      version_vector filled = a;
      for (const id_range& m : a.missing_from(b)) {
        REQUIRE(m.begin == a.get(m.replica));
        REQUIRE(m.end == b.get(m.replica));
        REQUIRE_FALSE(m.empty());
        filled.advance(m.replica, m.end);
      }
      REQUIRE(filled == ab);
    }
  }
}
