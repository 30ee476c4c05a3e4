// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: id_set_test.cpp
// -----------------------------------------------------------------------------

#include "weft/id_set.hpp"

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>

#include "support/printers.hpp"

#include "weft/version_vector.hpp"


namespace {

using weft::id_range;
using weft::id_set;
using weft::op_id;
using weft::replica_id;

constexpr replica_id kA{0x0a};
constexpr replica_id kB{0x0b};
constexpr replica_id kC{0x0c};
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

using ranges_t = std::vector<id_range>;

// check_canonical verifies the representation invariant through ranges():
// ordered by (replica, begin), non-empty, and neither overlapping nor adjacent.
void check_canonical(const id_set& s) {
  const auto inv = weft::internal::check(s);
  INFO((inv ? std::string() : inv.error().message));
  CHECK(inv);
  const ranges_t rs = s.ranges();
  CHECK(s.empty() == rs.empty());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].begin < rs[i].end);
    if (i > 0 && rs[i - 1].replica == rs[i].replica) {
      CHECK(rs[i - 1].end < rs[i].begin);
    } else if (i > 0) {
      CHECK(rs[i - 1].replica < rs[i].replica);
    }
  }
}

}  // namespace

TEST_CASE("an empty id_set", "[id_set]") {
  const id_set s;
  CHECK(s.empty());
  CHECK(s.count() == 0);
  CHECK(s.ranges().empty());
  CHECK(s.ranges_of(kA).empty());
  CHECK_FALSE(s.contains(op_id{kA, 0}));
  CHECK(s.contains_all(id_range{kA, 3, 3}));  // vacuously
  CHECK_FALSE(s.contains_all(id_range{kA, 0, 1}));
  CHECK(s.covered_by(weft::version_vector{}));
  CHECK(s.to_string() == "{}");
}

TEST_CASE("insert single ids and ranges", "[id_set]") {
  id_set s;
  s.insert(op_id{kA, 5});
  CHECK(s.contains(op_id{kA, 5}));
  CHECK_FALSE(s.contains(op_id{kA, 4}));
  CHECK_FALSE(s.contains(op_id{kA, 6}));
  CHECK_FALSE(s.contains(op_id{kB, 5}));
  CHECK(s.count() == 1);

  s.insert(id_range{kA, 10, 20});
  CHECK(s.ranges() == ranges_t{{kA, 5, 6}, {kA, 10, 20}});
  CHECK(s.count() == 11);
  CHECK(s.contains(op_id{kA, 10}));
  CHECK(s.contains(op_id{kA, 19}));
  CHECK_FALSE(s.contains(op_id{kA, 20}));
  CHECK_FALSE(s.contains(op_id{kA, 9}));
}

TEST_CASE("empty ranges are no-ops", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 4, 4});
  s.insert(id_range{kA, 9, 2});
  CHECK(s.empty());
  CHECK(s == id_set{});

  s.insert(id_range{kA, 0, 10});
  s.erase(id_range{kA, 5, 5});
  s.erase(id_range{kA, 8, 1});
  CHECK(s.ranges() == ranges_t{{kA, 0, 10}});
}

TEST_CASE("adjacent ranges coalesce", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 0, 3});
  s.insert(id_range{kA, 3, 6});  // touches the right end
  CHECK(s.ranges() == ranges_t{{kA, 0, 6}});
  s.insert(id_range{kA, 8, 10});
  s.insert(id_range{kA, 6, 8});  // bridges the gap exactly
  CHECK(s.ranges() == ranges_t{{kA, 0, 10}});

  id_set t;
  t.insert(id_range{kA, 5, 9});
  t.insert(id_range{kA, 2, 5});  // touches the left begin
  CHECK(t.ranges() == ranges_t{{kA, 2, 9}});

  // Single ids typed in order coalesce into one run.
  id_set typed;
  for (std::uint64_t i = 0; i < 100; ++i) typed.insert(op_id{kB, i});
  CHECK(typed.ranges() == ranges_t{{kB, 0, 100}});

  // ... and so do ids inserted in reverse.
  id_set reversed;
  for (std::uint64_t i = 100; i-- > 0;) reversed.insert(op_id{kB, i});
  CHECK(reversed == typed);
}

TEST_CASE("overlapping inserts merge", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 10, 20});
  s.insert(id_range{kA, 30, 40});
  s.insert(id_range{kA, 50, 60});

  SECTION("already contained") {
    s.insert(id_range{kA, 12, 18});
    s.insert(id_range{kA, 10, 20});
    CHECK(s.ranges() == ranges_t{{kA, 10, 20}, {kA, 30, 40}, {kA, 50, 60}});
  }
  SECTION("extending left") {
    s.insert(id_range{kA, 25, 35});
    CHECK(s.ranges() == ranges_t{{kA, 10, 20}, {kA, 25, 40}, {kA, 50, 60}});
  }
  SECTION("extending right") {
    s.insert(id_range{kA, 35, 45});
    CHECK(s.ranges() == ranges_t{{kA, 10, 20}, {kA, 30, 45}, {kA, 50, 60}});
  }
  SECTION("swallowing several runs") {
    s.insert(id_range{kA, 15, 55});
    CHECK(s.ranges() == ranges_t{{kA, 10, 60}});
  }
  SECTION("covering everything from before the first run") {
    s.insert(id_range{kA, 0, 100});
    CHECK(s.ranges() == ranges_t{{kA, 0, 100}});
  }
  SECTION("starting before a run and ending inside a later one") {
    s.insert(id_range{kA, 5, 31});
    CHECK(s.ranges() == ranges_t{{kA, 5, 40}, {kA, 50, 60}});
  }
  SECTION("filling a gap without touching") {
    s.insert(id_range{kA, 22, 28});
    CHECK(s.ranges() ==
          ranges_t{{kA, 10, 20}, {kA, 22, 28}, {kA, 30, 40}, {kA, 50, 60}});
  }
  check_canonical(s);
}

TEST_CASE("replicas are kept apart", "[id_set]") {
  id_set s;
  s.insert(id_range{kB, 0, 5});
  s.insert(id_range{kA, 5, 10});
  s.insert(id_range{kC, 0, 1});
  CHECK(s.ranges() == ranges_t{{kA, 5, 10}, {kB, 0, 5}, {kC, 0, 1}});
  CHECK(s.ranges_of(kB) == ranges_t{{kB, 0, 5}});
  CHECK(s.ranges_of(replica_id{0x0d}).empty());
  CHECK_FALSE(s.contains(op_id{kA, 0}));
  CHECK_FALSE(s.contains(op_id{kB, 5}));
  CHECK(s.count() == 11);
}

TEST_CASE("erase splits and trims ranges", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 10, 20});

  SECTION("splitting a range in two") {
    s.erase(id_range{kA, 13, 17});
    CHECK(s.ranges() == ranges_t{{kA, 10, 13}, {kA, 17, 20}});
    CHECK(s.count() == 6);
    CHECK(s.contains(op_id{kA, 12}));
    CHECK_FALSE(s.contains(op_id{kA, 13}));
    CHECK_FALSE(s.contains(op_id{kA, 16}));
    CHECK(s.contains(op_id{kA, 17}));
  }
  SECTION("a single id from the middle") {
    s.erase(id_range{kA, 15, 16});
    CHECK(s.ranges() == ranges_t{{kA, 10, 15}, {kA, 16, 20}});
  }
  SECTION("trimming the head") {
    s.erase(id_range{kA, 5, 12});
    CHECK(s.ranges() == ranges_t{{kA, 12, 20}});
  }
  SECTION("trimming the head exactly") {
    s.erase(id_range{kA, 10, 12});
    CHECK(s.ranges() == ranges_t{{kA, 12, 20}});
  }
  SECTION("trimming the tail") {
    s.erase(id_range{kA, 18, 30});
    CHECK(s.ranges() == ranges_t{{kA, 10, 18}});
  }
  SECTION("trimming the tail exactly") {
    s.erase(id_range{kA, 18, 20});
    CHECK(s.ranges() == ranges_t{{kA, 10, 18}});
  }
  SECTION("erasing outside the range") {
    s.erase(id_range{kA, 0, 10});
    s.erase(id_range{kA, 20, 30});
    s.erase(id_range{kB, 10, 20});
    CHECK(s.ranges() == ranges_t{{kA, 10, 20}});
  }
  SECTION("erasing exactly the whole range drops the replica") {
    s.insert(id_range{kB, 0, 1});
    s.erase(id_range{kA, 10, 20});
    CHECK(s.ranges() == ranges_t{{kB, 0, 1}});
    s.erase(id_range{kB, 0, 1});
    CHECK(s.empty());
    CHECK(s == id_set{});
  }
  SECTION("erasing across several runs") {
    s.insert(id_range{kA, 30, 40});
    s.insert(id_range{kA, 50, 60});
    s.erase(id_range{kA, 15, 55});
    CHECK(s.ranges() == ranges_t{{kA, 10, 15}, {kA, 55, 60}});
  }
  check_canonical(s);
}

TEST_CASE("contains_all", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 10, 20});
  s.insert(id_range{kA, 21, 30});
  CHECK(s.contains_all(id_range{kA, 10, 20}));
  CHECK(s.contains_all(id_range{kA, 12, 15}));
  CHECK(s.contains_all(id_range{kA, 21, 30}));
  CHECK_FALSE(s.contains_all(id_range{kA, 10, 21}));  // 20 is missing
  CHECK_FALSE(s.contains_all(id_range{kA, 15, 25}));
  CHECK_FALSE(s.contains_all(id_range{kA, 9, 12}));
  CHECK_FALSE(s.contains_all(id_range{kA, 29, 31}));
  CHECK_FALSE(s.contains_all(id_range{kB, 10, 11}));
  CHECK(s.contains_all(id_range{kB, 10, 10}));  // empty range
}

TEST_CASE("merge and subtract", "[id_set]") {
  id_set a;
  a.insert(id_range{kA, 0, 5});
  a.insert(id_range{kB, 10, 20});
  id_set b;
  b.insert(id_range{kA, 5, 8});
  b.insert(id_range{kB, 15, 25});
  b.insert(id_range{kC, 1, 2});

  id_set u = a;
  u.merge(b);
  CHECK(u.ranges() == ranges_t{{kA, 0, 8}, {kB, 10, 25}, {kC, 1, 2}});
  id_set u2 = b;
  u2.merge(a);
  CHECK(u == u2);

  id_set self = a;
  self.merge(self);
  CHECK(self == a);

  id_set d = u;
  d.subtract(b);
  CHECK(d.ranges() == ranges_t{{kA, 0, 5}, {kB, 10, 15}});

  id_set d2 = a;
  d2.subtract(a);
  CHECK(d2.empty());
  id_set d3 = a;
  d3.subtract(d3);
  CHECK(d3.empty());
  id_set d4 = a;
  d4.subtract(id_set{});
  CHECK(d4 == a);
}

TEST_CASE("covered_by compares the highest id of each replica", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 2, 5});
  s.insert(id_range{kA, 7, 9});
  s.insert(id_range{kB, 0, 1});

  weft::version_vector v;
  v.set_count(kA, 9);
  v.set_count(kB, 1);
  CHECK(s.covered_by(v));  // every range end <= count

  v.set_count(kA, 8);
  CHECK_FALSE(s.covered_by(v));  // op kA:8 is not in v
  v.set_count(kA, 100);
  v.set_count(kB, 0);
  CHECK_FALSE(s.covered_by(v));  // kB missing entirely
  v.set_count(kB, 1);
  v.set_count(kC, 5);
  CHECK(s.covered_by(v));  // extra replicas in v do not matter
}

TEST_CASE("ids at the top of the sequence space", "[id_set]") {
  id_set s;
  s.insert(op_id{kA, weft::max_seq});
  CHECK(s.contains(op_id{kA, weft::max_seq}));
  CHECK(s.ranges() == ranges_t{{kA, weft::max_seq, kU64Max}});
  s.insert(op_id{kA, weft::max_seq - 1});
  CHECK(s.ranges() == ranges_t{{kA, weft::max_seq - 1, kU64Max}});
  CHECK(s.count() == 2);

  weft::version_vector v;
  v.set_count(kA, kU64Max);
  CHECK(s.covered_by(v));
  v.set_count(kA, kU64Max - 1);
  CHECK_FALSE(s.covered_by(v));

  s.erase(id_range{kA, weft::max_seq, kU64Max});
  CHECK(s.ranges() == ranges_t{{kA, weft::max_seq - 1, weft::max_seq}});
}

TEST_CASE("count saturates", "[id_set]") {
  id_set s;
  s.insert(id_range{kA, 0, kU64Max});
  CHECK(s.count() == kU64Max);
  s.insert(id_range{kB, 0, 1});
  CHECK(s.count() == kU64Max);
  s.insert(id_range{kC, 0, kU64Max});
  CHECK(s.count() == kU64Max);
  s.erase(id_range{kA, 0, kU64Max});
  s.erase(id_range{kC, 1, kU64Max});
  CHECK(s.count() == 2);
}

TEST_CASE("to_string lists runs per replica", "[id_set]") {
  id_set s;
  s.insert(id_range{replica_id{0x100}, 1, 2});
  s.insert(id_range{replica_id{0xff}, 0, 3});
  s.insert(id_range{replica_id{0xff}, 5, 7});
  CHECK(s.to_string() ==
        "{00000000000000ff:[0,3) [5,7), 0000000000000100:[1,2)}");
}

TEST_CASE("id_set matches a std::set reference model", "[id_set][property]") {
  // Small domains make overlaps, adjacency and splits frequent.
  constexpr std::uint64_t kReplicas = 3;
  constexpr std::uint64_t kSeqs = 64;

  for (const std::uint64_t seed : {7u, 99u, 2024u, 31337u}) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint64_t> pick_replica(1, kReplicas);
    std::uniform_int_distribution<std::uint64_t> pick_seq(0, kSeqs);
    std::uniform_int_distribution<int> pick_op(0, 9);

    id_set s;
    std::set<op_id> model;

    const auto random_range = [&] {
      const replica_id r{pick_replica(rng)};
      std::uint64_t b = pick_seq(rng);
      std::uint64_t e = pick_seq(rng);
      if (b > e && pick_op(rng) < 8) std::swap(b, e);  // some stay empty
      // Keep most ranges short so sets stay fragmented.
      if (e > b + 12 && pick_op(rng) < 7) e = b + (e - b) % 12;
      return id_range{r, b, e};
    };
    const auto model_insert = [&](const id_range& rg) {
      for (std::uint64_t q = rg.begin; q < rg.end; ++q) {
        model.insert(op_id{rg.replica, q});
      }
    };
    const auto model_erase = [&](const id_range& rg) {
      for (std::uint64_t q = rg.begin; q < rg.end; ++q) {
        model.erase(op_id{rg.replica, q});
      }
    };

    for (int step = 0; step < 3000; ++step) {
      const int op = pick_op(rng);
      const id_range rg = random_range();
      INFO("seed " << seed << " step " << step << " op " << op << " range "
                   << static_cast<std::uint64_t>(rg.replica) << ":[" << rg.begin
                   << "," << rg.end << ") set " << s.to_string());
      if (op < 4) {
        s.insert(rg);
        model_insert(rg);
      } else if (op < 5) {
        const op_id id{rg.replica, rg.begin};
        s.insert(id);
        model.insert(id);
      } else if (op < 8) {
        s.erase(rg);
        model_erase(rg);
      } else if (op < 9) {
        // Merge or subtract a small random set.
        id_set other;
        std::set<op_id> other_model;
        for (int k = 0; k < 3; ++k) {
          const id_range part = random_range();
          other.insert(part);
          for (std::uint64_t q = part.begin; q < part.end; ++q) {
            other_model.insert(op_id{part.replica, q});
          }
        }
        if (pick_op(rng) < 5) {
          s.merge(other);
          model.insert(other_model.begin(), other_model.end());
        } else {
          s.subtract(other);
          for (const op_id& id : other_model) model.erase(id);
        }
      } else {
        // contains_all must agree with the model on a random range.
        bool all = true;
        for (std::uint64_t q = rg.begin; q < rg.end; ++q) {
          all = all && model.contains(op_id{rg.replica, q});
        }
        REQUIRE(s.contains_all(rg) == all);
      }

      // Full comparison with the model after every step.
      REQUIRE(s.count() == model.size());
      REQUIRE(s.empty() == model.empty());
      for (std::uint64_t r = 1; r <= kReplicas; ++r) {
        for (std::uint64_t q = 0; q <= kSeqs; ++q) {
          const op_id id{replica_id{r}, q};
          REQUIRE(s.contains(id) == model.contains(id));
        }
      }
      // ranges() expands to exactly the model, in order.
      std::vector<op_id> expanded;
      for (const id_range& part : s.ranges()) {
        for (std::uint64_t q = part.begin; q < part.end; ++q) {
          expanded.push_back(op_id{part.replica, q});
        }
      }
      REQUIRE(expanded == std::vector<op_id>(model.begin(), model.end()));
      check_canonical(s);

      // The representation is canonical: rebuilding from the model id by id
      // gives an equal set.
      if (step % 50 == 0) {
        id_set rebuilt;
        for (const op_id& id : model) rebuilt.insert(id);
        REQUIRE(rebuilt == s);
      }
    }
  }
}

TEST_CASE("id_set merge is commutative, associative and idempotent",
          "[id_set][property]") {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::uint64_t> pick_replica(1, 3);
  std::uniform_int_distribution<std::uint64_t> pick_seq(0, 40);
  const auto random_set = [&] {
    id_set s;
    for (int i = 0; i < 5; ++i) {
      const std::uint64_t b = pick_seq(rng);
      s.insert(
          id_range{replica_id{pick_replica(rng)}, b, b + pick_seq(rng) % 8});
    }
    return s;
  };
  const auto merged = [](id_set a, const id_set& b) {
    a.merge(b);
    return a;
  };
  for (int iter = 0; iter < 500; ++iter) {
    const id_set a = random_set();
    const id_set b = random_set();
    const id_set c = random_set();
    INFO("a=" << a.to_string() << " b=" << b.to_string()
              << " c=" << c.to_string());
    REQUIRE(merged(a, b) == merged(b, a));
    REQUIRE(merged(merged(a, b), c) == merged(a, merged(b, c)));
    REQUIRE(merged(a, a) == a);
    id_set diff = merged(a, b);
    diff.subtract(b);
    for (const id_range& part : diff.ranges()) {
      for (std::uint64_t q = part.begin; q < part.end; ++q) {
        REQUIRE_FALSE(b.contains(op_id{part.replica, q}));
        REQUIRE(a.contains(op_id{part.replica, q}));
      }
    }
    REQUIRE(merged(diff, b) == merged(a, b));
  }
}
