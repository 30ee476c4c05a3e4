// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: list_ref_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::list_ref: local edits against a std::vector model, nested
// containers as elements, anchors through concurrent edits, FugueMax's
// non-interleaving of concurrent runs, and refused input.
//
// Randomness is a fixed splitmix64 stream so that runs are identical
// natively and under wasm.

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"
#include "weft/value.hpp"

namespace {

using weft::affinity;
using weft::anchor;
using weft::doc;
using weft::errc;
using weft::list_ref;
using weft::replica_id;
using weft::value;

using weft::testing::kA;
using weft::testing::kB;
using weft::testing::kC;
using weft::testing::ok;
using weft::testing::replica_of;
using weft::testing::require_sound;
using weft::testing::rng;
using weft::testing::sync;
using weft::testing::take;

value random_scalar(rng& g) {
  switch (g.below(6)) {
    case 0:
      return value();
    case 1:
      return value(g.chance(50));
    case 2:
      return value(static_cast<std::int64_t>(g.next()));
    case 3:
      return value(static_cast<double>(g.below(1000)) / 8.0);
    case 4: {
      static const char* strings[] = {"", "s", "\xC3\xA9", "\xF0\x9F\x8E\x89 party"};
      return value(strings[g.below(4)]);
    }
    default: {
      const std::size_t n = g.below(3);  // drawn first, on every compiler
      return value(weft::bytes(n, static_cast<std::uint8_t>(g.below(256))));
    }
  }
}

std::string model_json(const std::vector<value>& model) {
  std::string out = "[";
  for (std::size_t i = 0; i < model.size(); ++i) {
    if (i > 0) out += ",";
    out += model[i].to_json();
  }
  return out + "]";
}

std::vector<value> ints(std::initializer_list<std::int64_t> xs) {
  std::vector<value> out;
  for (auto x : xs) out.emplace_back(x);
  return out;
}

TEST_CASE("list: sequential random edits match a std::vector") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    rng g(seed);
    doc d(kA);
    auto l = d.get_list("l");
    doc mirror(kB);
    std::vector<value> model;
    std::uint64_t ops = 0;
    for (int step = 0; step < 500; ++step) {
      INFO("seed " << seed << " step " << step);
      const std::size_t what = g.below(10);
      if (what < 4 || model.empty()) {
        const std::size_t at = g.below(model.size() + 1);
        const value v = random_scalar(g);
        if (g.chance(50)) {
          ok(l.insert(at, v));
        } else if (at == model.size()) {
          ok(l.push_back(v));
        } else {
          ok(l.insert(at, std::vector<value>{v}));
        }
        model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), v);
        ops += 1;
      } else if (what < 6) {
        const std::size_t at = g.below(model.size() + 1);
        std::vector<value> vs;
        const std::size_t n = g.below(6);
        for (std::size_t i = 0; i < n; ++i) vs.push_back(random_scalar(g));
        ok(l.insert(at, vs));
        model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), vs.begin(), vs.end());
        ops += n;
      } else if (what < 8) {
        const std::size_t at = g.below(model.size());
        const std::size_t n = 1 + g.below(std::min<std::size_t>(4, model.size() - at));
        ok(l.erase(at, n));
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(at),
                    model.begin() + static_cast<std::ptrdiff_t>(at + n));
        ops += n;
      } else {
        const std::size_t at = g.below(model.size());
        CHECK(take(l.get(at)) == model[at]);
      }
      CHECK(l.size() == model.size());
      CHECK(d.version().get(kA) == ops);
      if (step % 50 == 49) {
        require_sound(d);
        CHECK(l.values() == model);
        CHECK(l.to_json() == model_json(model));
        sync(d, mirror);
        CHECK(mirror.get_list("l").values() == model);
        CHECK(mirror.to_json() == d.to_json());
      }
    }
  }
}

TEST_CASE("list: inserting several values at once") {
  doc d(kA);
  auto l = d.get_list("l");
  ok(l.insert(0, ints({1, 5})));
  ok(l.insert(1, std::vector<value>{value(2), value("three"), value(4.5)}));
  CHECK(l.to_json() == R"([1,2,"three",4.5,5])");
  CHECK(d.version().get(kA) == 5);
  CHECK(take(l.get(2)) == value("three"));
  ok(l.erase(1, 3));
  CHECK(l.values() == ints({1, 5}));
  ok(l.erase(0, 0));
  CHECK(d.version().get(kA) == 8);
  require_sound(d);
}

TEST_CASE("list: elements may be new containers") {
  doc a(kA);
  auto l = a.get_list("l");
  ok(l.push_back("first"));
  auto t = take(l.insert_text(1));
  ok(t.insert(0, "note"));
  auto m = take(l.insert_map(0));
  ok(m.set("k", 1));
  auto inner = take(l.insert_list(3));
  ok(inner.insert(0, ints({7, 8})));
  auto c = take(l.insert_counter(4));
  ok(c.add(9));
  auto r = take(l.insert_register(5));
  ok(r.set("reg"));
  CHECK(l.to_json() == R"([{"k":1},"first","note",[7,8],9,"reg"])");
  const auto vs = l.values();
  REQUIRE(vs.size() == 6);
  CHECK(vs[0].is_container());
  CHECK(vs[0].kind() == weft::value_kind::container);
  CHECK(vs[0].as_container() == weft::container(m));
  CHECK(vs[2].as_container().as_text().to_string() == "note");
  CHECK(vs[3].as_container().type() == weft::container_type::list);
  CHECK(vs[4].as_container().as_counter().value() == 9);
  CHECK(vs[5].as_container().as_register().get() == value("reg"));
  CHECK(take(l.get(2)).as_container() == weft::container(t));
  // Paths of elements name their index, and follow it as it moves.
  auto p = t.path();
  REQUIRE(p);
  REQUIRE(p->size() == 2);
  CHECK(std::get<std::size_t>((*p)[1]) == 2);
  ok(l.erase(0, 1));
  p = t.path();
  REQUIRE(p);
  CHECK(std::get<std::size_t>((*p)[1]) == 1);
  require_sound(a);

  // Replicated, the containers come along with their content, and both
  // sides can keep editing them.
  doc b(kB);
  sync(a, b);
  CHECK(b.to_json() == a.to_json());
  auto bt = take(b.get_list("l").get(1)).as_container().as_text();
  ok(bt.insert(4, "s"));
  ok(t.insert(0, "my "));
  sync(a, b);
  sync(b, a);
  CHECK(t.to_string() == "my notes");
  CHECK(a.to_json() == b.to_json());
  // Erasing the element detaches its container.
  ok(l.erase(1, 1));
  CHECK_FALSE(t.path());
  CHECK(l.to_json() == R"(["first",[7,8],9,"reg"])");
  require_sound(a);
}

TEST_CASE("list: anchors resolve after concurrent edits") {
  doc a(kA);
  auto l = a.get_list("l");
  ok(l.insert(0, ints({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})));
  doc b = replica_of(a, kB);
  const anchor before5 = take(l.anchor_at(5, affinity::right));  // sticks to 5
  const anchor after4 = take(l.anchor_at(5, affinity::left));    // sticks to 4
  const anchor start = take(l.anchor_at(0, affinity::left));
  const anchor end = take(l.anchor_at(10, affinity::right));
  CHECK(take(l.resolve(before5)) == 5);
  CHECK(take(l.resolve(after4)) == 5);

  auto bl = b.get_list("l");
  ok(bl.insert(0, ints({-2, -1})));  // [-2 -1 0 1 2 3 4 5 ...]
  ok(bl.insert(7, ints({100})));     // between 4 and 5
  ok(l.erase(0, 2));                 // a drops 0 and 1 concurrently
  sync(b, a);
  sync(a, b);
  CHECK(l.to_json() == "[-2,-1,2,3,4,100,5,6,7,8,9]");
  CHECK(take(l.resolve(before5)) == 6);
  CHECK(take(l.resolve(after4)) == 5);
  CHECK(take(l.resolve(start)) == 0);
  CHECK(take(l.resolve(end)) == l.size());
  // The other replica resolves the same anchors to the same places.
  CHECK(take(bl.resolve(before5)) == 6);
  CHECK(take(bl.resolve(after4)) == 5);

  // Deleting the anchored elements keeps the anchors at their place.
  ok(bl.erase(4, 3));  // 4, 100, 5
  sync(b, a);
  CHECK(l.to_json() == "[-2,-1,2,3,6,7,8,9]");
  CHECK(take(l.resolve(before5)) == 4);
  CHECK(take(l.resolve(after4)) == 4);

  // A replica that never saw the element cannot resolve it.
  doc c(kC);
  CHECK(c.get_list("l").resolve(before5).code() == errc::unknown_id);
  CHECK(l.anchor_at(l.size() + 1, affinity::left).code() == errc::out_of_range);
  require_sound(a);
}

TEST_CASE("list: concurrent inserts at one place do not interleave") {
  doc base(kC);
  ok(base.get_list("l").insert(0, std::vector<value>{"[", "]"}));
  doc a = replica_of(base, kA);
  doc b = replica_of(base, kB);
  auto al = a.get_list("l");
  auto bl = b.get_list("l");
  // One element at a time, as an application would append them.
  for (const char* s : {"a1", "a2", "a3", "a4"}) ok(al.insert(al.size() - 1, s));
  for (const char* s : {"b1", "b2", "b3", "b4"}) ok(bl.insert(bl.size() - 1, s));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() == b.to_json());
  const std::string got = al.to_json();
  CHECK((got == R"(["[","a1","a2","a3","a4","b1","b2","b3","b4","]"])" ||
         got == R"(["[","b1","b2","b3","b4","a1","a2","a3","a4","]"])"));

  // Prepending one by one does not interleave either.
  doc c = replica_of(base, replica_id{5});
  doc d = replica_of(base, replica_id{6});
  auto cl = c.get_list("l");
  auto dl = d.get_list("l");
  for (std::int64_t i : {3, 2, 1}) ok(cl.insert(1, value(i)));
  for (std::int64_t i : {9, 8, 7}) ok(dl.insert(1, value(i)));
  sync(c, d);
  sync(d, c);
  CHECK(c.to_json() == d.to_json());
  const std::string got2 = cl.to_json();
  CHECK((got2 == R"(["[",1,2,3,7,8,9,"]"])" || got2 == R"(["[",7,8,9,1,2,3,"]"])"));
}

TEST_CASE("list: refused edits change nothing") {
  doc d(kA);
  auto l = d.get_list("l");
  ok(l.insert(0, ints({1, 2, 3})));
  auto other = d.get_map("m");
  const auto v = d.version();
  const std::string json = d.to_json();

  CHECK(l.get(3).code() == errc::out_of_range);
  CHECK(l.get(std::numeric_limits<std::size_t>::max()).code() == errc::out_of_range);
  CHECK(l.insert(4, value(0)).code() == errc::out_of_range);
  CHECK(l.insert(4, ints({1, 2})).code() == errc::out_of_range);
  CHECK(l.erase(3, 1).code() == errc::out_of_range);
  CHECK(l.erase(2, 2).code() == errc::out_of_range);
  CHECK(l.erase(1, std::numeric_limits<std::size_t>::max()).code() == errc::out_of_range);
  CHECK(l.insert_text(4).code() == errc::out_of_range);
  CHECK(l.insert_map(5).code() == errc::out_of_range);
  CHECK(l.insert_list(4).code() == errc::out_of_range);
  CHECK(l.insert_counter(4).code() == errc::out_of_range);
  CHECK(l.insert_register(4).code() == errc::out_of_range);
  CHECK(l.anchor_at(4, affinity::right).code() == errc::out_of_range);
  // Containers go in through insert_*; a container value is refused, also
  // in the middle of a batch (nothing of which lands).
  CHECK(l.insert(0, value(weft::container(other))).code() == errc::invalid_argument);
  CHECK(l.insert(0, std::vector<value>{value(1), value(weft::container(other))}).code() ==
        errc::invalid_argument);
  CHECK(l.insert(0, std::vector<value>{value("ok"), value("\xC3\x28")}).code() ==
        errc::invalid_utf8);
  CHECK(d.version() == v);
  CHECK(d.to_json() == json);
  CHECK(l.values() == ints({1, 2, 3}));
  require_sound(d);

  // The ends are fine.
  ok(l.insert(3, value(4)));
  ok(l.erase(3, 1));
  ok(l.erase(3, 0));
  CHECK(l.values() == ints({1, 2, 3}));
}

TEST_CASE("list: random concurrent edits converge") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    rng g(seed * 31);
    doc a(kA);
    doc b(kB);
    doc c(kC);
    std::vector<doc*> docs{&a, &b, &c};
    std::int64_t next = 0;
    for (int step = 0; step < 200; ++step) {
      doc& d = *docs[g.below(3)];
      auto l = d.get_list("l");
      const std::size_t n = l.size();
      if (n == 0 || g.chance(60)) {
        std::vector<value> vs;
        for (std::size_t i = 0, k = 1 + g.below(3); i < k; ++i) vs.emplace_back(next++);
        ok(l.insert(g.below(n + 1), vs));
      } else {
        const std::size_t at = g.below(n);
        ok(l.erase(at, 1 + g.below(std::min<std::size_t>(3, n - at))));
      }
      if (g.chance(25)) {
        doc& from = *docs[g.below(3)];
        doc& to = *docs[g.below(3)];
        if (&from != &to) sync(from, to);
      }
    }
    for (doc* from : docs) {
      for (doc* to : docs) {
        if (from != to) sync(*from, *to);
      }
    }
    CHECK(a.to_json() == b.to_json());
    CHECK(b.to_json() == c.to_json());
    // Every element is distinct, so no element shows twice.
    auto vs = a.get_list("l").values();
    std::vector<std::int64_t> seen;
    for (const auto& v : vs) seen.push_back(v.as_int());
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  }
}

}  // namespace
