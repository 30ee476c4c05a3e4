// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: map_ref_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::map_ref: local edits against a std::map model, last-writer-
// wins resolution of concurrent writes (with the losers readable through
// get_all), the two ways of nesting containers (set_* conflicts,
// get_or_create_* merges) and refused input.
//
// Randomness is a fixed splitmix64 stream so that runs are identical
// natively and under wasm.

#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"
#include "weft/value.hpp"

namespace {

using weft::doc;
using weft::errc;
using weft::map_ref;
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
using weft::testing::sync_all;
using weft::testing::take;

// random_scalar draws a value of any scalar kind (no NaN: a model compares
// values with ==).
value random_scalar(rng& g) {
  switch (g.below(6)) {
    case 0:
      return value();
    case 1:
      return value(g.chance(50));
    case 2: {
      static const std::int64_t edge[] = {0, 1, -1, std::numeric_limits<std::int64_t>::max(),
                                          std::numeric_limits<std::int64_t>::min()};
      if (g.chance(30)) return value(edge[g.below(5)]);
      return value(static_cast<std::int64_t>(g.next()));
    }
    case 3:
      return value(static_cast<double>(static_cast<std::int64_t>(g.below(20000)) - 10000) / 64.0);
    case 4: {
      static const char* strings[] = {"", "x", "hello world", "\xC3\xA9t\xC3\xA9",
                                      "\xF0\x9F\x98\x80", "quote\"back\\slash"};
      return value(strings[g.below(6)]);
    }
    default: {
      weft::bytes b(g.below(5));
      for (auto& byte : b) byte = static_cast<std::uint8_t>(g.below(256));
      return value(std::move(b));
    }
  }
}

// model_json renders the model as doc::to_json renders a map.
std::string model_json(const std::map<std::string, value>& model) {
  std::string out = "{";
  for (const auto& [k, v] : model) {
    if (out.size() > 1) out += ",";
    out += "\"" + k + "\":" + v.to_json();
  }
  return out + "}";
}

TEST_CASE("map: sequential random edits match a std::map") {
  const std::vector<std::string> keys = {"a", "b", "c", "key", "z",
                                         "\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87",  // ключ
                                         "\xF0\x9F\x98\x80", "a b"};
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    rng g(seed);
    doc d(kA);
    auto m = d.get_map("m");
    doc mirror(kB);
    std::map<std::string, value> model;
    std::uint64_t ops = 0;
    for (int step = 0; step < 400; ++step) {
      INFO("seed " << seed << " step " << step);
      const std::string& k = keys[g.below(keys.size())];
      const std::size_t what = g.below(10);
      if (what < 5) {
        const value v = random_scalar(g);
        ok(m.set(k, v));
        model[k] = v;
        ++ops;
      } else if (what < 7) {
        const bool had = model.erase(k) > 0;
        ok(m.erase(k));
        if (had) ++ops;
      }
      // Reads after every step.
      CHECK(d.version().get(kA) == ops);
      CHECK(m.size() == model.size());
      const auto it = model.find(k);
      CHECK(m.contains(k) == (it != model.end()));
      if (it == model.end()) {
        CHECK_FALSE(m.get(k));
        CHECK(m.get_all(k).empty());
      } else {
        CHECK(m.get(k) == it->second);
        CHECK(m.get_all(k) == std::vector<value>{it->second});
      }
      if (step % 25 == 24) {
        require_sound(d);
        std::vector<std::string> model_keys;
        std::vector<std::pair<std::string, value>> model_entries;
        for (const auto& [mk, mv] : model) {
          model_keys.push_back(mk);
          model_entries.emplace_back(mk, mv);
        }
        CHECK(m.keys() == model_keys);
        CHECK(m.entries() == model_entries);
        CHECK(m.to_json() == model_json(model));
        sync(d, mirror);
        CHECK(mirror.to_json() == d.to_json());
        CHECK(mirror.get_map("m").entries() == model_entries);
      }
    }
  }
}

TEST_CASE("map: empty keys, absent keys and refused input") {
  doc d(kA);
  auto m = d.get_map("m");
  CHECK(m.size() == 0);
  CHECK_FALSE(m.get("nope"));
  CHECK(m.get_all("nope").empty());
  CHECK_FALSE(m.contains("nope"));
  ok(m.set("", "empty key"));
  CHECK(m.get("") == value("empty key"));
  ok(m.set("k", 1));
  auto other = d.get_map("other");
  const auto v = d.version();
  const std::string json = d.to_json();

  // Containers cannot be written as values: set_* or get_or_create_* make them.
  CHECK(m.set("c", value(weft::container(other))).code() == errc::invalid_argument);
  CHECK(m.set("k", value(weft::container(d.get_text("t")))).code() == errc::invalid_argument);
  CHECK(m.set("\xFF", 1).code() == errc::invalid_utf8);
  CHECK(m.set("ok\xC3", 1).code() == errc::invalid_utf8);
  CHECK(m.set("s", "\xED\xA0\x80").code() == errc::invalid_utf8);  // a surrogate
  CHECK(m.set_text("\xFF").code() == errc::invalid_utf8);
  CHECK(m.get_or_create_map("\xFF").code() == errc::invalid_utf8);
  CHECK(d.version() == v);
  CHECK(d.to_json() == json);
  CHECK(m.get("k") == value(1));
  require_sound(d);
}

TEST_CASE("map: concurrent writes resolve last-writer-wins on every replica") {
  doc base(kC);
  ok(base.get_map("m").set("k", "base"));

  SECTION("equal Lamport times: the higher replica id wins") {
    doc a = replica_of(base, kA);
    doc b = replica_of(base, kB);
    ok(a.get_map("m").set("k", "from a"));
    ok(b.get_map("m").set("k", "from b"));
    sync(a, b);
    sync(b, a);
    for (doc* d : {&a, &b}) {
      auto m = d->get_map("m");
      CHECK(m.get("k") == value("from b"));
      CHECK(m.get_all("k") == std::vector<value>{value("from b"), value("from a")});
      CHECK(m.size() == 1);
    }
    CHECK(a.to_json() == b.to_json());
  }

  SECTION("the later Lamport time wins whatever the replica ids") {
    doc a = replica_of(base, kA);
    doc b = replica_of(base, kB);
    auto am = a.get_map("m");
    // a has made more writes before: its clock is ahead.
    for (int i = 0; i < 5; ++i) ok(am.set("other", i));
    ok(am.set("k", "from a"));
    ok(b.get_map("m").set("k", "from b"));
    sync(a, b);
    sync(b, a);
    for (doc* d : {&a, &b}) {
      auto m = d->get_map("m");
      CHECK(m.get("k") == value("from a"));
      CHECK(m.get_all("k") == std::vector<value>{value("from a"), value("from b")});
    }
  }

  SECTION("a write that saw the conflict wins and clears it") {
    doc a = replica_of(base, kA);
    doc b = replica_of(base, kB);
    // b's clock is far ahead, so b wins the conflict...
    for (int i = 0; i < 10; ++i) ok(b.get_map("m").set("other", i));
    ok(a.get_map("m").set("k", "a1"));
    ok(b.get_map("m").set("k", "b1"));
    sync(a, b);
    sync(b, a);
    CHECK(a.get_map("m").get("k") == value("b1"));
    CHECK(a.get_map("m").get_all("k").size() == 2);
    // ...but a's next write has seen b's, so it overwrites both values.
    ok(a.get_map("m").set("k", "a2"));
    CHECK(a.get_map("m").get_all("k") == std::vector<value>{value("a2")});
    sync(a, b);
    for (doc* d : {&a, &b}) {
      CHECK(d->get_map("m").get("k") == value("a2"));
      CHECK(d->get_map("m").get_all("k") == std::vector<value>{value("a2")});
    }
    CHECK(a.to_json() == b.to_json());
    require_sound(a);
    require_sound(b);
  }

  SECTION("erase removes every value it has seen") {
    doc a = replica_of(base, kA);
    doc b = replica_of(base, kB);
    ok(a.get_map("m").set("k", "a"));
    ok(b.get_map("m").set("k", "b"));
    sync(a, b);
    sync(b, a);
    ok(b.get_map("m").erase("k"));
    CHECK_FALSE(b.get_map("m").get("k"));
    CHECK(b.get_map("m").get_all("k").empty());
    sync(b, a);
    CHECK_FALSE(a.get_map("m").contains("k"));
    CHECK(a.get_map("m").get_all("k").empty());
    CHECK(a.to_json() == R"({"m":{}})");
    CHECK(b.to_json() == a.to_json());
  }

  SECTION("a concurrent set and erase converge") {
    doc a = replica_of(base, kA);
    doc b = replica_of(base, kB);
    ok(a.get_map("m").erase("k"));
    ok(b.get_map("m").set("k", "b"));
    sync(a, b);
    sync(b, a);
    CHECK(a.get_map("m").get("k") == b.get_map("m").get("k"));
    CHECK(a.get_map("m").get_all("k") == b.get_map("m").get_all("k"));
    CHECK(a.to_json() == b.to_json());
  }
}

TEST_CASE("map: random concurrent edits on three replicas converge") {
  const std::vector<std::string> keys = {"a", "b", "c", "d"};
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    rng g(seed * 77);
    doc a(kA);
    doc b(kB);
    doc c(kC);
    std::vector<doc*> docs{&a, &b, &c};
    for (int step = 0; step < 150; ++step) {
      doc& d = *docs[g.below(3)];
      auto m = d.get_map("m");
      const std::string& k = keys[g.below(keys.size())];
      if (g.chance(75)) {
        ok(m.set(k, random_scalar(g)));
      } else {
        ok(m.erase(k));
      }
      // get is always the first of get_all.
      const auto all = m.get_all(k);
      if (all.empty()) {
        CHECK_FALSE(m.get(k));
      } else {
        CHECK(m.get(k) == all.front());
      }
      if (g.chance(15)) {
        doc& from = *docs[g.below(3)];
        doc& to = *docs[g.below(3)];
        if (&from != &to) sync(from, to);
      }
    }
    sync_all(docs);
    CHECK(a.to_json() == b.to_json());
    CHECK(b.to_json() == c.to_json());
    for (const auto& k : keys) {
      CHECK(a.get_map("m").get_all(k) == b.get_map("m").get_all(k));
      CHECK(b.get_map("m").get_all(k) == c.get_map("m").get_all(k));
    }
    // One more write from anyone clears every conflict.
    for (const auto& k : keys) ok(a.get_map("m").set(k, k));
    sync_all(docs);
    for (const auto& k : keys) CHECK(c.get_map("m").get_all(k) == std::vector<value>{value(k)});
  }
}

TEST_CASE("map: get_or_create on two replicas gives one shared container") {
  doc a(kA);
  doc b(kB);
  auto at = take(a.get_map("m").get_or_create_text("t"));
  auto bt = take(b.get_map("m").get_or_create_text("t"));
  ok(at.insert(0, "aaa"));
  ok(bt.insert(0, "bbb"));
  auto al = take(a.get_map("m").get_or_create_list("l"));
  auto bl = take(b.get_map("m").get_or_create_list("l"));
  ok(al.push_back(1));
  ok(bl.push_back(2));
  auto ac = take(a.get_map("m").get_or_create_counter("n"));
  auto bc = take(b.get_map("m").get_or_create_counter("n"));
  ok(ac.add(2));
  ok(bc.add(3));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() == b.to_json());
  const std::string s = at.to_string();
  CHECK((s == "aaabbb" || s == "bbbaaa"));
  CHECK(bt.to_string() == s);
  CHECK(ac.value() == 5);
  CHECK(bc.value() == 5);
  CHECK(al.size() == 2);
  // The handle each side holds is the container the key shows.
  CHECK(a.get_map("m").get("t")->as_container() == weft::container(at));
  CHECK(b.get_map("m").get("t")->as_container() == weft::container(bt));
  CHECK(take(a.get_map("m").get_or_create_text("t")) == at);
  // Edits made afterwards through either handle meet in one text.
  ok(at.insert(0, "<"));
  ok(bt.insert(bt.size(), ">"));
  sync(a, b);
  sync(b, a);
  CHECK(at.to_string() == "<" + s + ">");
  CHECK(bt.to_string() == at.to_string());
  require_sound(a);
  require_sound(b);
}

TEST_CASE("map: get_or_create replaces a scalar or a container of another type") {
  doc d(kA);
  auto m = d.get_map("m");
  ok(m.set("k", 5));
  auto t = take(m.get_or_create_text("k"));
  ok(t.insert(0, "now text"));
  CHECK(d.to_json() == R"({"m":{"k":"now text"}})");
  auto l = take(m.get_or_create_list("k"));
  CHECK(d.to_json() == R"({"m":{"k":[]}})");
  ok(l.push_back(true));
  // Asking for the text again names the same (map, key, text) child.
  auto t2 = take(m.get_or_create_text("k"));
  CHECK(t2 == t);
  CHECK(d.to_json() == R"({"m":{"k":"now text"}})");
  require_sound(d);
}

TEST_CASE("map: concurrent set_text makes one winner") {
  doc a(kA);
  doc b(kB);
  auto at = take(a.get_map("m").set_text("t"));
  auto bt = take(b.get_map("m").set_text("t"));
  CHECK(at.path().has_value());
  ok(at.insert(0, "aaa"));
  ok(bt.insert(0, "bbb"));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() == b.to_json());
  const std::string json = a.to_json();
  const bool a_won = json == R"({"m":{"t":"aaa"}})";
  const bool b_won = json == R"({"m":{"t":"bbb"}})";
  CHECK(a_won != b_won);
  CHECK(b_won);  // equal Lamport times: the higher replica id wins
  // Both containers are values of the key; the winner comes first.
  for (doc* d : {&a, &b}) {
    const auto all = d->get_map("m").get_all("t");
    REQUIRE(all.size() == 2);
    CHECK(all[0].as_container().as_text().to_string() == "bbb");
    CHECK(all[1].as_container().as_text().to_string() == "aaa");
  }
  // The winner's path leads to it.
  const auto p = bt.path();
  REQUIRE(p);
  REQUIRE(p->size() == 2);
  CHECK(std::get<std::string>((*p)[1]) == "t");
  // The loser still takes edits, which replicate without showing.
  ok(at.insert(3, "!"));
  sync(a, b);
  CHECK(b.to_json() == json);
  CHECK(b.get_map("m").get_all("t")[1].as_container().as_text().to_string() == "aaa!");
  require_sound(a);
  require_sound(b);
}

TEST_CASE("map: nested maps three deep") {
  doc a(kA);
  auto root = a.get_map("root");
  auto l1 = take(root.set_map("one"));
  auto l2 = take(l1.set_map("two"));
  auto l3 = take(l2.set_map("three"));
  ok(l3.set("x", 1));
  ok(l2.set("y", 2));
  CHECK(a.to_json() == R"({"root":{"one":{"two":{"three":{"x":1},"y":2}}}})");
  const auto p = l3.path();
  REQUIRE(p);
  REQUIRE(p->size() == 4);
  CHECK(std::get<std::string>((*p)[3]) == "three");
  CHECK(root.get("one")->as_container().as_map().get("two")->as_container().as_map()
            .get("three")->as_container() == weft::container(l3));

  doc b(kB);
  sync(a, b);
  CHECK(b.to_json() == a.to_json());
  // Reach the same deep map on b and edit both sides concurrently.
  auto b3 = b.get_map("root").get("one")->as_container().as_map().get("two")
                ->as_container().as_map().get("three")->as_container().as_map();
  ok(b3.set("from_b", "b"));
  ok(l3.set("from_a", "a"));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() ==
        R"({"root":{"one":{"two":{"three":{"from_a":"a","from_b":"b","x":1},"y":2}}}})");
  CHECK(b.to_json() == a.to_json());

  // get_or_create chains made concurrently merge all the way down.
  doc c(kC);
  auto c3 = take(take(take(c.get_map("g").get_or_create_map("p")).get_or_create_map("q"))
                     .get_or_create_map("r"));
  auto a3 = take(take(take(a.get_map("g").get_or_create_map("p")).get_or_create_map("q"))
                     .get_or_create_map("r"));
  ok(c3.set("c", 3));
  ok(a3.set("a", 1));
  sync(a, c);
  sync(c, a);
  CHECK(c.get_map("g").to_json() == R"({"p":{"q":{"r":{"a":1,"c":3}}}})");
  CHECK(a.to_json() == c.to_json());
  require_sound(a);
  require_sound(c);
}

}  // namespace
