// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: counter_ref_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::counter_ref: several replicas add concurrently and deliver
// each other's updates in random order (so that some wait for earlier ones);
// at every point a replica's value must be the sum of the adds its version
// holds. Also the overflow rule: local adds that would overflow are refused,
// remote adds wrap modulo 2^64 and every replica agrees.
//
// Randomness is a fixed splitmix64 stream so that runs are identical
// natively and under wasm.

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"

namespace {

using weft::doc;
using weft::doc_delta;
using weft::errc;
using weft::op_id;
using weft::origin;
using weft::replica_id;

using weft::testing::kA;
using weft::testing::kB;
using weft::testing::kC;
using weft::testing::ok;
using weft::testing::require_sound;
using weft::testing::rng;
using weft::testing::sync;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// wrapping_add is the counter's arithmetic: two's complement modulo 2^64.
std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

struct add_record {
  op_id id;
  std::int64_t amount;
};

TEST_CASE("counter: replicas sum every add they have seen, in any order") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    rng g(seed);
    constexpr std::size_t kReplicas = 4;
    std::vector<doc> docs;
    docs.reserve(kReplicas);
    for (std::size_t i = 0; i < kReplicas; ++i) docs.emplace_back(replica_id{i + 1});
    // Each replica's updates go to every other replica's inbox; inboxes are
    // drained in random order, so later updates often arrive first.
    std::vector<std::vector<doc_delta>> inbox(kReplicas);
    std::vector<weft::subscription> subs;
    for (std::size_t i = 0; i < kReplicas; ++i) {
      subs.push_back(docs[i].observe_updates([&, i](const doc_delta& d, const origin& o) {
        if (o != origin::local()) return;
        for (std::size_t j = 0; j < kReplicas; ++j) {
          if (j != i) inbox[j].push_back(d);
        }
      }));
    }
    std::vector<add_record> adds;
    auto expected = [&](const doc& d) {
      std::int64_t sum = 0;
      for (const auto& a : adds) {
        if (d.version().contains(a.id)) sum = wrapping_add(sum, a.amount);
      }
      return sum;
    };
    for (int step = 0; step < 300; ++step) {
      INFO("step " << step);
      const std::size_t who = g.below(kReplicas);
      doc& d = docs[who];
      if (g.chance(55)) {
        auto c = d.get_counter("n");
        const std::int64_t amount = static_cast<std::int64_t>(g.below(2001)) - 1000;
        const op_id id{d.replica(), d.version().get(d.replica())};
        ok(c.add(amount));
        if (amount != 0) adds.push_back({id, amount});
      } else if (!inbox[who].empty()) {
        const std::size_t k = g.below(inbox[who].size());
        ok(d.apply(inbox[who][k]));
        if (g.chance(10)) ok(d.apply(inbox[who][k]));  // a duplicate
        inbox[who].erase(inbox[who].begin() + static_cast<std::ptrdiff_t>(k));
      }
      CHECK(d.get_counter("n").value() == expected(d));
      if (step % 50 == 0) require_sound(d);
    }
    // Deliver everything left, newest first.
    for (std::size_t i = 0; i < kReplicas; ++i) {
      for (std::size_t k = inbox[i].size(); k-- > 0;) ok(docs[i].apply(inbox[i][k]));
    }
    std::int64_t total = 0;
    for (const auto& a : adds) total = wrapping_add(total, a.amount);
    for (auto& d : docs) {
      CHECK(d.pending_ops() == 0);
      CHECK(d.get_counter("n").value() == total);
      CHECK(d.to_json() == docs[0].to_json());
      require_sound(d);
    }
  }
}

TEST_CASE("counter: a local add that would overflow is refused") {
  doc d(kA);
  auto c = d.get_counter("n");
  CHECK(c.value() == 0);
  ok(c.add(kMax));
  CHECK(c.value() == kMax);
  const auto v = d.version();
  CHECK(c.add(1).code() == errc::out_of_range);
  CHECK(c.add(kMax).code() == errc::out_of_range);
  CHECK(c.value() == kMax);
  CHECK(d.version() == v);
  CHECK(d.to_json() == R"({"n":9223372036854775807})");
  ok(c.add(kMin));  // max + min = -1
  CHECK(c.value() == -1);
  ok(c.add(kMin + 1));
  CHECK(c.value() == kMin);
  CHECK(c.add(-1).code() == errc::out_of_range);
  CHECK(c.add(kMin).code() == errc::out_of_range);
  CHECK(c.value() == kMin);
  ok(c.add(kMax));
  CHECK(c.value() == -1);
  ok(c.add(0));
  CHECK(d.version().get(kA) == 4);
  require_sound(d);

  // Refused inside a transaction: the rest of the transaction stands.
  d.transact([&] {
    ok(c.add(kMax));  // -1 + max
    CHECK(c.add(2).code() == errc::out_of_range);
    ok(c.add(1));
  });
  CHECK(c.value() == kMax);
  CHECK(d.version().get(kA) == 6);
}

TEST_CASE("counter: concurrent remote adds wrap and every replica agrees") {
  doc a(kA);
  doc b(kB);
  doc c(kC);
  // Each add is fine where it is made...
  ok(a.get_counter("n").add(kMax));
  ok(b.get_counter("n").add(kMax));
  ok(c.get_counter("n").add(3));
  // ...and together they wrap: 2 * max + 3 = 1 (mod 2^64).
  sync(a, b);
  sync(b, c);
  sync(c, a);
  sync(a, b);
  CHECK(a.get_counter("n").value() == 1);
  CHECK(b.get_counter("n").value() == 1);
  CHECK(c.get_counter("n").value() == 1);
  CHECK(a.to_json() == R"({"n":1})");

  // Wrapping downwards too, delivered in another order.
  doc d(replica_id{4});
  doc e(replica_id{5});
  ok(d.get_counter("n").add(kMin));
  ok(e.get_counter("n").add(-1));
  sync(d, e);  // e: -1 + min wraps to max
  CHECK(e.get_counter("n").value() == kMax);
  sync(e, d);
  CHECK(d.get_counter("n").value() == kMax);
  // The local rule applies to the wrapped value.
  CHECK(d.get_counter("n").add(1).code() == errc::out_of_range);
  ok(d.get_counter("n").add(-kMax));
  CHECK(d.get_counter("n").value() == 0);
  require_sound(d);
  require_sound(e);
}

TEST_CASE("counter: nested counters merge when made with get_or_create") {
  doc a(kA);
  doc b(kB);
  auto ac = a.get_map("stats").get_or_create_counter("views").value();
  auto bc = b.get_map("stats").get_or_create_counter("views").value();
  for (int i = 0; i < 10; ++i) ok(ac.add(1));
  for (int i = 0; i < 5; ++i) ok(bc.add(-2));
  sync(a, b);
  sync(b, a);
  CHECK(ac.value() == 0);
  CHECK(bc.value() == 0);
  ok(ac.add(7));
  sync(a, b);
  CHECK(b.to_json() == R"({"stats":{"views":7}})");
  CHECK(a.to_json() == b.to_json());
  // Counters in lists are independent elements.
  auto l = a.get_list("l");
  auto c0 = l.insert_counter(0).value();
  auto c1 = l.insert_counter(1).value();
  ok(c0.add(1));
  ok(c1.add(2));
  CHECK(l.to_json() == "[1,2]");
  require_sound(a);
}

}  // namespace
