// Copyright 2026 The weft Authors. MIT License.
//
// The sequence engine's bulk paths against its one-run-at-a-time ones:
// rebuild must leave exactly the tree that integrating a log run by run
// (and erasing its deletes) leaves, and assign must hold what it is given.

#include "weft/internal/sequence.hpp"

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/internal/op_log.hpp"

namespace {

using weft::internal::delete_entry;
using weft::internal::insert_entry;
using weft::internal::lv_span;
using weft::internal::lv_t;
using weft::internal::no_lv;
using weft::internal::op_log;
using weft::internal::seq_item;
using weft::internal::sequence;
using weft::internal::sequence_hooks;
using weft::testing::rng;

// Every element is one unit wide; the FugueMax tie break is a scrambled
// order of lvs, so that it is not the order runs arrive in.
std::uint64_t scramble(lv_t lv) { return (std::uint64_t{lv} * 0x9E3779B97F4A7C15ull) >> 17; }
const sequence_hooks kHooks{
    [](const void*, lv_t, std::uint32_t len) { return len; },
    [](const void*, lv_t, std::uint32_t len, std::uint32_t width) -> std::int64_t {
      return width <= len ? width : -1;
    },
    [](const void*, lv_t a, lv_t b) { return scramble(a) < scramble(b); }};

struct element {
  lv_t lv;
  bool deleted;
  bool operator==(const element&) const = default;
};

std::vector<element> elements(const sequence& s) {
  std::vector<element> out;
  s.for_each([&](const seq_item& it) {
    for (std::uint32_t k = 0; k < it.len(); ++k) out.push_back({it.lv + k, it.deleted()});
    return true;
  });
  return out;
}

void require_checked(const sequence& s) {
  const std::string why = s.check(true);
  INFO(why);
  REQUIRE(why.empty());
}

// history is a random log and the sequence integrating it run by run made.
struct history {
  op_log log;
  sequence built{kHooks, nullptr};
  lv_t next = 0;
  bool odd = false;  // a right origin placed before its left one
};

// make_history inserts runs whose origins are neighbours at some earlier
// moment (elements landed between them since: FugueMax scans), often the
// very origins of an earlier run (concurrent siblings), and deletes
// visible stretches and, sometimes, characters deleted already.
void make_history(history& h, rng& r, int steps, bool allow_odd) {
  std::vector<std::pair<lv_t, lv_t>> used;  // origins of earlier runs
  for (int step = 0; step < steps; ++step) {
    std::vector<element> order = elements(h.built);
    if (order.empty() || r.chance(65)) {
      lv_t left = no_lv;
      lv_t right = no_lv;
      if (!used.empty() && r.chance(20)) {
        std::tie(left, right) = used[r.below(used.size())];
      } else if (!order.empty()) {
        const std::size_t i = r.below(order.size() + 1);
        const std::size_t gap = r.chance(70) ? 1 : r.between(2, 4);
        left = i > 0 ? order[i - 1].lv : no_lv;
        right = i + gap - 1 < order.size() ? order[i + gap - 1].lv : no_lv;
        if (allow_odd && i >= 2 && r.chance(3)) {
          right = order[r.below(i - 1)].lv;  // before the left origin
          h.odd = true;
        }
      }
      const auto len = static_cast<std::uint32_t>(r.between(1, 4));
      h.built.integrate(h.next, len, len, left, right, false);
      h.log.add_insert(h.next, len, left, right, h.next, len);
      used.emplace_back(left, right);
      h.next += len;
      continue;
    }
    if (r.chance(15)) {
      const lv_t target = order[r.below(order.size())].lv;  // maybe deleted already
      h.built.erase_lvs(target, target + 1, nullptr);
      h.log.add_delete(h.next++, 1, target, false);
      continue;
    }
    if (h.built.size() == 0) continue;
    const auto pos = static_cast<std::uint32_t>(r.below(h.built.size()));
    const auto len = static_cast<std::uint32_t>(
        r.between(1, std::min<std::size_t>(3, h.built.size() - pos)));
    std::vector<lv_span> spans;
    h.built.visible_spans(pos, len, spans);
    for (const lv_span& s : spans) {
      h.built.erase_lvs(s.begin, s.end, nullptr);
      h.log.add_delete(h.next, s.end - s.begin, s.begin, false);
      h.next += s.end - s.begin;
    }
  }
}

TEST_CASE("sequence: rebuild places a log as integrating it run by run does") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    INFO("seed " << seed);
    rng r(seed);
    history h;
    make_history(h, r, static_cast<int>(r.between(1, 120)), /*allow_odd=*/false);
    require_checked(h.built);
    sequence rebuilt(kHooks, nullptr);
    REQUIRE(rebuilt.rebuild(h.log));
    require_checked(rebuilt);
    REQUIRE(elements(rebuilt) == elements(h.built));
    REQUIRE(rebuilt.size() == h.built.size());
    REQUIRE(rebuilt.width() == h.built.width());
    // The rebuilt tree keeps working: both take the same further runs.
    const lv_t left = rebuilt.size() > 0 ? rebuilt.lv_at(0) : no_lv;
    rebuilt.integrate(h.next, 3, 3, left, no_lv, false);
    h.built.integrate(h.next, 3, 3, left, no_lv, false);
    require_checked(rebuilt);
    REQUIRE(elements(rebuilt) == elements(h.built));
  }
}

TEST_CASE("sequence: rebuild declines, changing nothing, what it does not place") {
  SECTION("a right origin before the left one") {
    int declined = 0;
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
      INFO("seed " << seed);
      rng r(seed);
      history h;
      make_history(h, r, 80, /*allow_odd=*/true);
      sequence rebuilt(kHooks, nullptr);
      if (rebuilt.rebuild(h.log)) {
        // Such a run can still land where no scan looks at its origins.
        REQUIRE(elements(rebuilt) == elements(h.built));
        continue;
      }
      ++declined;
      REQUIRE(rebuilt.raw_size() == 0);
      require_checked(rebuilt);
    }
    REQUIRE(declined > 10);
  }
  SECTION("scans longer than the budget") {
    rng r(7);
    history h;
    make_history(h, r, 200, /*allow_odd=*/false);
    sequence rebuilt(kHooks, nullptr);
    REQUIRE_FALSE(rebuilt.rebuild(h.log, {}, 0));
    REQUIRE(rebuilt.raw_size() == 0);
    REQUIRE(rebuilt.rebuild(h.log, {}, 1u << 20));
    REQUIRE(elements(rebuilt) == elements(h.built));
  }
}

TEST_CASE("sequence: assign holds exactly the items it is given") {
  for (const std::size_t count : {0u, 1u, 23u, 24u, 25u, 300u, 5000u}) {
    INFO("items " << count);
    std::vector<seq_item> items;
    lv_t lv = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t len = 1 + i % 3;
      const bool deleted = i % 4 == 1;
      // Far from lv order, as a document's items are.
      const lv_t at = (i % 2 == 0) ? lv : static_cast<lv_t>(2000000 - 4 * i);
      items.push_back(seq_item{at, no_lv, no_lv, deleted ? len | seq_item::deleted_bit : len,
                               deleted ? 0 : len});
      lv += len;
    }
    sequence s(kHooks, nullptr);
    s.assign(items);
    require_checked(s);
    std::vector<seq_item> back;
    s.for_each([&](const seq_item& it) {
      back.push_back(it);
      return true;
    });
    REQUIRE(back.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      REQUIRE(back[i].lv == items[i].lv);
      REQUIRE(back[i].len_flags == items[i].len_flags);
    }
  }
}

}  // namespace
