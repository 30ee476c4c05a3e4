// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: event_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of the events observers receive: their exact shape for each
// container type (text deltas with code point and UTF-16 lengths, list
// deltas, map key changes, counter increments, register changes), one event
// per container and transaction, deep observers, the order of the observer
// phases, and events for remote deltas.
//
// The mirror test is the strongest: plain std::u32string / std::vector /
// std::map / integer mirrors are updated ONLY from events, through random
// local and remote transactions delivered out of order, and must equal the
// real state after every step.
//
// Randomness is a fixed splitmix64 stream so that runs are identical
// natively and under wasm.

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"
#include "weft/event.hpp"
#include "weft/value.hpp"

template <>
struct Catch::StringMaker<weft::text_delta_op> {
  static std::string convert(const weft::text_delta_op& op) {
    const char* k = op.kind == weft::delta_kind::retain   ? "retain"
                    : op.kind == weft::delta_kind::insert ? "insert"
                                                          : "erase";
    std::string out = k;
    out += '(';
    out += std::to_string(op.len);
    out += '/';
    out += std::to_string(op.len_utf16);
    if (!op.text.empty()) {
      out += " \"";
      out += op.text;
      out += '"';
    }
    out += ')';
    return out;
  }
};

template <>
struct Catch::StringMaker<weft::list_delta_op> {
  static std::string convert(const weft::list_delta_op& op) {
    const char* k = op.kind == weft::delta_kind::retain   ? "retain"
                    : op.kind == weft::delta_kind::insert ? "insert"
                                                          : "erase";
    std::string out = k;
    out += '(';
    out += std::to_string(op.len);
    for (const auto& v : op.values) {
      out += ' ';
      out += v.to_json();
    }
    out += ')';
    return out;
  }
};

namespace {

using weft::counter_event;
using weft::delta_kind;
using weft::doc;
using weft::doc_delta;
using weft::errc;
using weft::event;
using weft::list_delta_op;
using weft::list_event;
using weft::map_event;
using weft::origin;
using weft::register_event;
using weft::replica_id;
using weft::text_delta_op;
using weft::text_event;
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
using weft::testing::utf16_len;
using weft::testing::utf8;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

const std::string kGrin = "\xF0\x9F\x98\x80";  // 😀, two UTF-16 units
const std::string kE = "\xC3\xA9";            // é

text_delta_op retain(std::size_t len, std::size_t len16) {
  return text_delta_op{delta_kind::retain, len, len16, {}};
}
text_delta_op insert(std::string s, std::size_t len, std::size_t len16) {
  return text_delta_op{delta_kind::insert, len, len16, std::move(s)};
}
text_delta_op erase(std::size_t len, std::size_t len16) {
  return text_delta_op{delta_kind::erase, len, len16, {}};
}
list_delta_op lretain(std::size_t len) { return list_delta_op{delta_kind::retain, len, {}}; }
list_delta_op linsert(std::vector<value> vs) {
  const std::size_t n = vs.size();
  return list_delta_op{delta_kind::insert, n, std::move(vs)};
}
list_delta_op lerase(std::size_t len) { return list_delta_op{delta_kind::erase, len, {}}; }

// decode decodes the UTF-8 the library hands out (a malformed sequence
// throws, failing the test).
std::u32string decode(std::string_view s) { return weft::testing::utf8_decode(s).value(); }

// apply_text_event replays a text delta on `s`, checking the delta's form
// on the way: no empty steps, no two adjacent steps of one kind, no
// trailing retain, lengths in both units consistent with the content.
void apply_text_event(std::u32string& s, const std::vector<text_delta_op>& delta) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < delta.size(); ++i) {
    const text_delta_op& op = delta[i];
    INFO("step " << i << " " << Catch::StringMaker<text_delta_op>::convert(op));
    REQUIRE(op.len > 0);
    if (i > 0) CHECK(delta[i - 1].kind != op.kind);
    switch (op.kind) {
      case delta_kind::retain:
        REQUIRE(at + op.len <= s.size());
        CHECK(op.len_utf16 == utf16_len(std::u32string_view(s).substr(at, op.len)));
        CHECK(op.text.empty());
        at += op.len;
        break;
      case delta_kind::insert: {
        const std::u32string ins = decode(op.text);
        CHECK(ins.size() == op.len);
        CHECK(op.len_utf16 == utf16_len(ins));
        s.insert(at, ins);
        at += ins.size();
        break;
      }
      case delta_kind::erase:
        REQUIRE(at + op.len <= s.size());
        CHECK(op.len_utf16 == utf16_len(std::u32string_view(s).substr(at, op.len)));
        CHECK(op.text.empty());
        s.erase(at, op.len);
        break;
    }
  }
  if (!delta.empty()) CHECK(delta.back().kind != delta_kind::retain);
}

void apply_list_event(std::vector<value>& l, const std::vector<list_delta_op>& delta) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < delta.size(); ++i) {
    const list_delta_op& op = delta[i];
    INFO("step " << i << " " << Catch::StringMaker<list_delta_op>::convert(op));
    REQUIRE(op.len > 0);
    if (i > 0) CHECK(delta[i - 1].kind != op.kind);
    const auto pos = static_cast<std::ptrdiff_t>(at);
    switch (op.kind) {
      case delta_kind::retain:
        REQUIRE(at + op.len <= l.size());
        CHECK(op.values.empty());
        at += op.len;
        break;
      case delta_kind::insert:
        REQUIRE(op.values.size() == op.len);
        l.insert(l.begin() + pos, op.values.begin(), op.values.end());
        at += op.len;
        break;
      case delta_kind::erase:
        REQUIRE(at + op.len <= l.size());
        CHECK(op.values.empty());
        l.erase(l.begin() + pos, l.begin() + pos + static_cast<std::ptrdiff_t>(op.len));
        break;
    }
  }
  if (!delta.empty()) CHECK(delta.back().kind != delta_kind::retain);
}

void apply_map_event(std::map<std::string, value>& m, const map_event& e) {
  for (std::size_t i = 0; i < e.keys.size(); ++i) {
    const auto& k = e.keys[i];
    INFO("key " << k.key);
    if (i > 0) CHECK(e.keys[i - 1].key < k.key);
    CHECK(k.old_value != k.new_value);
    const auto it = m.find(k.key);
    if (it == m.end()) {
      CHECK_FALSE(k.old_value);
    } else {
      CHECK(k.old_value == it->second);
    }
    if (k.new_value) {
      m[k.key] = *k.new_value;
    } else {
      m.erase(k.key);
    }
  }
}

// ---------------------------------------------------------------------------
// Text events
// ---------------------------------------------------------------------------

struct text_log {
  std::vector<text_event> events;
  weft::subscription sub;
  explicit text_log(const weft::text_ref& t)
      : sub(t.observe([this](const text_event& e) { events.push_back(e); })) {}
};

TEST_CASE("events: text retain, insert and erase in both units") {
  doc d(kA);
  auto t = d.get_text("t");
  ok(t.insert(0, "hello"));
  text_log log(t);

  ok(t.insert(5, " world"));
  REQUIRE(log.events.size() == 1);
  CHECK(log.events[0].target == t);
  CHECK(log.events[0].origin == origin::local());
  CHECK(log.events[0].delta == std::vector<text_delta_op>{retain(5, 5), insert(" world", 6, 6)});

  ok(t.erase(0, 1));
  REQUIRE(log.events.size() == 2);
  CHECK(log.events[1].delta == std::vector<text_delta_op>{erase(1, 1)});

  // Emoji count one code point and two UTF-16 units.
  ok(t.erase(0, t.size()));
  ok(t.insert(0, "a" + kGrin + "b"));
  log.events.clear();
  ok(t.insert(2, kE));
  REQUIRE(log.events.size() == 1);
  CHECK(log.events[0].delta == std::vector<text_delta_op>{retain(2, 3), insert(kE, 1, 1)});
  ok(t.erase(1, 1));
  REQUIRE(log.events.size() == 2);
  CHECK(log.events[1].delta == std::vector<text_delta_op>{retain(1, 1), erase(1, 2)});
  ok(t.insert(3, kGrin + kGrin));
  REQUIRE(log.events.size() == 3);
  CHECK(log.events[2].delta == std::vector<text_delta_op>{retain(3, 3), insert(kGrin + kGrin, 2, 4)});
  CHECK(t.to_string() == "a" + kE + "b" + kGrin + kGrin);
  require_sound(d);
}

TEST_CASE("events: a transaction's text edits make one merged delta over the old text") {
  doc d(kA);
  auto t = d.get_text("t");
  ok(t.insert(0, "abcdef"));
  text_log log(t);

  d.transact([&] {
    ok(t.insert(0, "X"));
    ok(t.erase(3, 2));  // "cd"
  });
  REQUIRE(log.events.size() == 1);
  CHECK(log.events[0].delta ==
        std::vector<text_delta_op>{insert("X", 1, 1), retain(2, 2), erase(2, 2)});
  CHECK(t.to_string() == "Xabef");

  // Adjacent steps of one kind merge.
  d.transact([&] {
    ok(t.insert(5, "1"));
    ok(t.insert(6, kGrin));
    ok(t.insert(7, "2"));
  });
  REQUIRE(log.events.size() == 2);
  CHECK(log.events[1].delta ==
        std::vector<text_delta_op>{retain(5, 5), insert("1" + kGrin + "2", 3, 4)});
  d.transact([&] {
    ok(t.erase(1, 1));
    ok(t.erase(1, 1));
  });
  REQUIRE(log.events.size() == 3);
  CHECK(log.events[2].delta == std::vector<text_delta_op>{retain(1, 1), erase(2, 2)});

  // Many edits, one event; the event replays on the old text.
  std::u32string mirror = decode(t.to_string());
  d.transact([&] {
    for (int i = 0; i < 10; ++i) ok(t.insert(static_cast<std::size_t>(i) % (t.size() + 1), "z"));
    ok(t.erase(2, 3));
    ok(t.insert(0, kGrin));
  });
  REQUIRE(log.events.size() == 4);
  apply_text_event(mirror, log.events[3].delta);
  CHECK(utf8(mirror) == t.to_string());

  // Text inserted and erased within one transaction is no change.
  d.transact([&] {
    ok(t.insert(1, "tmp"));
    ok(t.erase(1, 3));
  });
  CHECK(log.events.size() == 4);
  // Neither is an empty edit.
  ok(t.insert(0, ""));
  ok(t.erase(0, 0));
  CHECK(log.events.size() == 4);
}

TEST_CASE("events: remote text edits raise one event with origin remote") {
  doc a(kA);
  auto t = a.get_text("t");
  ok(t.insert(0, "abc" + kGrin));
  doc b = replica_of(a, kB);
  auto bt = b.get_text("t");
  text_log log(bt);
  const auto v = a.version();
  ok(t.insert(4, "!"));
  ok(t.erase(0, 1));
  ok(t.insert(1, kE));
  ok(b.apply(a.delta_since(v)));
  REQUIRE(log.events.size() == 1);
  CHECK(log.events[0].origin == origin::remote());
  CHECK(log.events[0].target == bt);
  // a: "abc😀" -> "abc😀!" -> "bc😀!" -> "béc😀!".
  CHECK(log.events[0].delta == std::vector<text_delta_op>{erase(1, 1), retain(1, 1),
                                                          insert(kE, 1, 1), retain(2, 3),
                                                          insert("!", 1, 1)});
  CHECK(bt.to_string() == "b" + kE + "c" + kGrin + "!");

  // A delete of a character the receiver has already deleted raises nothing.
  doc c = replica_of(b, kC);
  ok(bt.erase(0, 1));
  ok(c.get_text("t").erase(0, 1));
  sync(c, b);
  CHECK(log.events.size() == 2);  // only b's own erase
  // The same delta again raises nothing either.
  ok(b.apply(c.delta_since({})));
  CHECK(log.events.size() == 2);
  ok(b.apply(a.delta_since({}), origin::user("replay")));
  CHECK(log.events.size() == 2);
  // A passed origin is carried.
  ok(t.insert(0, "<"));
  ok(b.apply(a.delta_since(b.version()), origin::user("sync")));
  REQUIRE(log.events.size() == 3);
  CHECK(log.events[2].origin == origin::user("sync"));
  CHECK(log.events[2].delta == std::vector<text_delta_op>{insert("<", 1, 1)});
}

// ---------------------------------------------------------------------------
// List, map, counter and register events
// ---------------------------------------------------------------------------

TEST_CASE("events: list deltas") {
  doc d(kA);
  auto l = d.get_list("l");
  ok(l.insert(0, std::vector<value>{1, 2, 3}));
  std::vector<list_event> events;
  auto sub = l.observe([&](const list_event& e) { events.push_back(e); });

  d.transact([&] {
    ok(l.insert(1, std::vector<value>{"a", "b"}));
    ok(l.erase(4, 1));  // the 3
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0].target == l);
  CHECK(events[0].delta == std::vector<list_delta_op>{lretain(1), linsert({"a", "b"}),
                                                      lretain(1), lerase(1)});
  ok(l.push_back(true));
  REQUIRE(events.size() == 2);
  CHECK(events[1].delta == std::vector<list_delta_op>{lretain(4), linsert({true})});
  auto t = take(l.insert_text(0));
  REQUIRE(events.size() == 3);
  CHECK(events[2].delta ==
        std::vector<list_delta_op>{linsert({value(weft::container(t))})});
  ok(l.erase(0, 2));
  REQUIRE(events.size() == 4);
  CHECK(events[3].delta == std::vector<list_delta_op>{lerase(2)});

  // Remote: same form, origin remote.
  doc b = replica_of(d, kB);
  auto bl = b.get_list("l");
  std::vector<list_event> b_events;
  auto bsub = bl.observe([&](const list_event& e) { b_events.push_back(e); });
  std::vector<value> mirror = bl.values();
  const auto v = d.version();
  ok(l.insert(1, value(9)));
  ok(l.erase(0, 1));
  ok(b.apply(d.delta_since(v)));
  REQUIRE(b_events.size() == 1);
  CHECK(b_events[0].origin == origin::remote());
  apply_list_event(mirror, b_events[0].delta);
  CHECK(mirror == bl.values());
}

TEST_CASE("events: map key changes with old and new values") {
  doc d(kA);
  auto m = d.get_map("m");
  ok(m.set("b", 1));
  ok(m.set("z", "keep"));
  std::vector<map_event> events;
  auto sub = m.observe([&](const map_event& e) { events.push_back(e); });

  d.transact([&] {
    ok(m.set("c", 3));
    ok(m.set("a", 2));
    ok(m.erase("b"));
    ok(m.set("d", 4));  // set and erased again: no visible change
    ok(m.erase("d"));
    ok(m.set("z", 0));  // changed and changed back
    ok(m.set("z", "keep"));
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0].target == m);
  const auto& keys = events[0].keys;
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].key == "a");
  CHECK_FALSE(keys[0].old_value);
  CHECK(keys[0].new_value == value(2));
  CHECK(keys[1].key == "b");
  CHECK(keys[1].old_value == value(1));
  CHECK_FALSE(keys[1].new_value);
  CHECK(keys[2].key == "c");
  CHECK(keys[2].new_value == value(3));

  // Writing the value a key already shows changes nothing visible.
  ok(m.set("a", 2));
  CHECK(events.size() == 1);
  ok(m.erase("nothing"));
  CHECK(events.size() == 1);

  // A new container shows as a container value.
  auto t = take(m.set_text("t"));
  REQUIRE(events.size() == 2);
  REQUIRE(events[1].keys.size() == 1);
  CHECK(events[1].keys[0].key == "t");
  REQUIRE(events[1].keys[0].new_value);
  CHECK(events[1].keys[0].new_value->as_container() == weft::container(t));
  // Edits inside it are the text's events, not the map's.
  ok(t.insert(0, "x"));
  CHECK(events.size() == 2);
}

TEST_CASE("events: a remote write raises a map event only where it wins") {
  doc base(kC);
  ok(base.get_map("m").set("k", "base"));
  doc a = replica_of(base, kA);
  doc b = replica_of(base, kB);
  std::vector<map_event> a_events;
  std::vector<map_event> b_events;
  auto sa = a.get_map("m").observe([&](const map_event& e) { a_events.push_back(e); });
  auto sb = b.get_map("m").observe([&](const map_event& e) { b_events.push_back(e); });
  ok(a.get_map("m").set("k", "a"));
  ok(b.get_map("m").set("k", "b"));  // wins: same Lamport time, higher replica
  REQUIRE(a_events.size() == 1);
  REQUIRE(b_events.size() == 1);
  sync(b, a);
  sync(a, b);
  REQUIRE(a_events.size() == 2);
  CHECK(a_events[1].origin == origin::remote());
  REQUIRE(a_events[1].keys.size() == 1);
  CHECK(a_events[1].keys[0].old_value == value("a"));
  CHECK(a_events[1].keys[0].new_value == value("b"));
  // b keeps showing "b": a's losing value adds to get_all but changes
  // nothing visible.
  CHECK(b_events.size() == 1);
  CHECK(b.get_map("m").get_all("k").size() == 2);
}

TEST_CASE("events: counter increments") {
  doc d(kA);
  auto c = d.get_counter("n");
  std::vector<counter_event> events;
  auto sub = c.observe([&](const counter_event& e) { events.push_back(e); });
  d.transact([&] {
    ok(c.add(5));
    ok(c.add(-2));
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0].increment == 3);
  CHECK(events[0].target == c);
  // Adds that cancel out raise nothing, nor does add(0).
  d.transact([&] {
    ok(c.add(4));
    ok(c.add(-4));
  });
  ok(c.add(0));
  CHECK(events.size() == 1);
  ok(c.add(-10));
  REQUIRE(events.size() == 2);
  CHECK(events[1].increment == -10);

  // Remote adds from two replicas arriving in one delta: the increment is
  // their wrapping sum.
  doc a(kA);
  doc b(kB);
  ok(a.get_counter("n").add(kMax));
  ok(b.get_counter("n").add(kMax));
  sync(a, b);
  doc e(kC);
  std::vector<counter_event> e_events;
  auto esub = e.get_counter("n").observe([&](const counter_event& ev) { e_events.push_back(ev); });
  ok(e.apply(b.delta_since({})));
  REQUIRE(e_events.size() == 1);
  CHECK(e_events[0].increment == -2);
  CHECK(e_events[0].origin == origin::remote());
  CHECK(e.get_counter("n").value() == -2);
}

TEST_CASE("events: register changes") {
  doc d(kA);
  auto r = d.get_register("r");
  std::vector<register_event> events;
  auto sub = r.observe([&](const register_event& e) { events.push_back(e); });
  ok(r.set(1));
  REQUIRE(events.size() == 1);
  CHECK(events[0].target == r);
  CHECK_FALSE(events[0].old_value);
  CHECK(events[0].new_value == value(1));
  ok(r.set(1));  // same value: no change
  CHECK(events.size() == 1);
  ok(r.set("two"));
  REQUIRE(events.size() == 2);
  CHECK(events[1].old_value == value(1));
  CHECK(events[1].new_value == value("two"));
  ok(r.clear());
  REQUIRE(events.size() == 3);
  CHECK(events[2].old_value == value("two"));
  CHECK_FALSE(events[2].new_value);
  ok(r.clear());
  CHECK(events.size() == 3);
  d.transact([&] {
    ok(r.set(5));
    ok(r.clear());
  });
  CHECK(events.size() == 3);

  // A remote loser raises nothing; a remote winner does.
  doc a = replica_of(d, kC);
  std::vector<register_event> a_events;
  auto asub = a.get_register("r").observe([&](const register_event& e) { a_events.push_back(e); });
  ok(r.set("from A"));
  ok(a.get_register("r").set("from C"));  // same Lamport time, higher replica
  sync(d, a);
  CHECK(a_events.size() == 1);  // only its own write
  sync(a, d);
  REQUIRE(events.size() == 5);
  CHECK(events[4].old_value == value("from A"));
  CHECK(events[4].new_value == value("from C"));
  CHECK(events[4].origin == origin::remote());
}

// ---------------------------------------------------------------------------
// Deep observers and ordering
// ---------------------------------------------------------------------------

TEST_CASE("events: deep observers see nested events, parents first") {
  doc d(kA);
  auto m = d.get_map("m");
  auto t = take(m.set_text("t"));
  auto n = take(m.set_map("n"));
  auto l = take(n.set_list("l"));
  std::vector<std::vector<event>> deep_m;
  std::vector<std::vector<event>> deep_n;
  int shallow_m = 0;
  auto s1 = m.observe_deep([&](const std::vector<event>& es) { deep_m.push_back(es); });
  auto s2 = n.observe_deep([&](const std::vector<event>& es) { deep_n.push_back(es); });
  auto s3 = m.observe([&](const map_event&) { ++shallow_m; });

  // Only the nested text changes: the deep observer hears of it, the
  // shallow one does not.
  ok(t.insert(0, "hi"));
  REQUIRE(deep_m.size() == 1);
  REQUIRE(deep_m[0].size() == 1);
  CHECK(deep_m[0][0].target() == weft::container(t));
  REQUIRE(std::holds_alternative<text_event>(deep_m[0][0].data));
  CHECK(std::get<text_event>(deep_m[0][0].data).delta ==
        std::vector<text_delta_op>{insert("hi", 2, 2)});
  CHECK(deep_m[0][0].origin() == origin::local());
  CHECK(shallow_m == 0);
  CHECK(deep_n.empty());

  // One transaction over three levels: one call, events in creation order.
  d.transact(
      [&] {
        ok(l.push_back(1));
        ok(t.insert(2, "!"));
        ok(m.set("x", 1));
      },
      origin::user("batch"));
  REQUIRE(deep_m.size() == 2);
  REQUIRE(deep_m[1].size() == 3);
  CHECK(deep_m[1][0].target() == weft::container(m));
  CHECK(deep_m[1][1].target() == weft::container(t));
  CHECK(deep_m[1][2].target() == weft::container(l));
  CHECK(std::holds_alternative<map_event>(deep_m[1][0].data));
  CHECK(std::holds_alternative<list_event>(deep_m[1][2].data));
  for (const auto& e : deep_m[1]) CHECK(e.origin() == origin::user("batch"));
  CHECK(shallow_m == 1);
  REQUIRE(deep_n.size() == 1);
  REQUIRE(deep_n[0].size() == 1);
  CHECK(deep_n[0][0].target() == weft::container(l));

  // Changes elsewhere do not reach these observers.
  ok(d.get_text("other").insert(0, "x"));
  CHECK(deep_m.size() == 2);

  // Remote changes deep inside reach them too.
  doc b = replica_of(d, kB);
  auto bl = b.get_map("m").get("n")->as_container().as_map().get("l")->as_container().as_list();
  ok(bl.push_back(2));
  sync(b, d);
  REQUIRE(deep_m.size() == 3);
  REQUIRE(deep_m[2].size() == 1);
  CHECK(deep_m[2][0].target() == weft::container(l));
  CHECK(deep_m[2][0].origin() == origin::remote());
  REQUIRE(deep_n.size() == 2);

  // A detached container no longer reports to its old ancestors.
  ok(m.erase("n"));
  REQUIRE(deep_m.size() == 4);
  ok(l.push_back(3));
  CHECK(deep_m.size() == 4);
}

TEST_CASE("events: observers run per transaction in phases") {
  doc d(kA);
  auto m = d.get_map("m");
  auto t = take(m.set_text("t"));
  std::vector<std::string> log;
  auto s1 = t.observe([&](const text_event&) { log.push_back("text"); });
  auto s2 = m.observe([&](const map_event&) { log.push_back("map"); });
  auto s3 = m.observe_deep([&](const std::vector<event>& es) {
    log.push_back("deep" + std::to_string(es.size()));
  });
  auto s4 = d.observe_updates([&](const doc_delta&, const origin&) { log.push_back("update"); });
  auto s5 = t.observe([&](const text_event&) { log.push_back("text2"); });
  d.transact([&] {
    ok(t.insert(0, "a"));
    ok(m.set("k", 1));
    ok(t.insert(1, "b"));
    CHECK(log.empty());
  });
  // Shallow observers in container order (the map was made first), then
  // deep ones, then the update.
  CHECK(log == std::vector<std::string>{"map", "text", "text2", "deep2", "update"});

  // A transaction that changes nothing visible raises only its update.
  log.clear();
  d.transact([&] {
    ok(t.insert(0, "x"));
    ok(t.erase(0, 1));
  });
  CHECK(log == std::vector<std::string>{"update"});
  // One that makes no ops raises nothing at all.
  log.clear();
  d.transact([&] { ok(m.erase("absent")); });
  CHECK(log.empty());
  // Unsubscribed observers stay quiet.
  s1.reset();
  s3.reset();
  ok(t.insert(0, "y"));
  CHECK(log == std::vector<std::string>{"text2", "update"});
}

// ---------------------------------------------------------------------------
// The mirror test
// ---------------------------------------------------------------------------

struct mirror {
  std::u32string text;
  std::vector<value> list;
  std::map<std::string, value> map;
  std::int64_t counter = 0;
  std::optional<value> reg;
  std::vector<weft::subscription> subs;
  int events_without_change = 0;
};

value small_scalar(rng& g) {
  switch (g.below(5)) {
    case 0:
      return value(static_cast<std::int64_t>(g.below(100)));
    case 1:
      return value(g.chance(50));
    case 2:
      return value(std::string(1, static_cast<char>('0' + g.below(10))));
    case 3:
      return value();
    default:
      return value(static_cast<double>(g.below(64)) / 4.0);
  }
}

std::string random_text(rng& g) {
  static const char* pieces[] = {"a", "b", " ", "\xC3\xA9", "\xE6\x97\xA5",
                                 "\xF0\x9F\x98\x80", "\xF0\x9F\x8E\x89", "xy"};
  std::string s;
  for (std::size_t i = 0, n = 1 + g.below(4); i < n; ++i) s += pieces[g.below(8)];
  return s;
}

void random_edit(rng& g, doc& d) {
  auto t = d.get_text("t");
  auto l = d.get_list("l");
  auto m = d.get_map("m");
  static const char* keys[] = {"a", "b", "c", "d", "e"};
  switch (g.below(9)) {
    case 0:
    case 1: {
      // Draws are sequenced explicitly: argument evaluation order differs
      // between compilers, and the stream must not.
      const std::size_t at = g.below(t.size() + 1);
      ok(t.insert(at, random_text(g)));
      break;
    }
    case 2:
      if (t.size() > 0) {
        const std::size_t at = g.below(t.size());
        ok(t.erase(at, 1 + g.below(std::min<std::size_t>(5, t.size() - at))));
      }
      break;
    case 3: {
      std::vector<value> vs;
      for (std::size_t i = 0, n = 1 + g.below(3); i < n; ++i) vs.push_back(small_scalar(g));
      ok(l.insert(g.below(l.size() + 1), vs));
      break;
    }
    case 4:
      if (l.size() > 0) {
        const std::size_t at = g.below(l.size());
        ok(l.erase(at, 1 + g.below(std::min<std::size_t>(3, l.size() - at))));
      }
      break;
    case 5: {
      const char* key = keys[g.below(5)];
      ok(m.set(key, small_scalar(g)));
      break;
    }
    case 6:
      ok(m.erase(keys[g.below(5)]));
      break;
    case 7:
      ok(d.get_counter("c").add(static_cast<std::int64_t>(g.below(21)) - 10));
      break;
    default:
      if (g.chance(25)) {
        ok(d.get_register("r").clear());
      } else {
        ok(d.get_register("r").set(small_scalar(g)));
      }
      break;
  }
}

void attach(mirror& mi, doc& d) {
  mi.subs.push_back(d.get_text("t").observe([&mi](const text_event& e) {
    CHECK_FALSE(e.delta.empty());
    apply_text_event(mi.text, e.delta);
  }));
  mi.subs.push_back(d.get_list("l").observe([&mi](const list_event& e) {
    CHECK_FALSE(e.delta.empty());
    apply_list_event(mi.list, e.delta);
  }));
  mi.subs.push_back(d.get_map("m").observe([&mi](const map_event& e) {
    CHECK_FALSE(e.keys.empty());
    apply_map_event(mi.map, e);
  }));
  mi.subs.push_back(d.get_counter("c").observe([&mi](const counter_event& e) {
    CHECK(e.increment != 0);
    mi.counter = static_cast<std::int64_t>(static_cast<std::uint64_t>(mi.counter) +
                                           static_cast<std::uint64_t>(e.increment));
  }));
  mi.subs.push_back(d.get_register("r").observe([&mi](const register_event& e) {
    CHECK(e.old_value != e.new_value);
    CHECK(e.old_value == mi.reg);
    mi.reg = e.new_value;
  }));
}

void compare(const mirror& mi, doc& d) {
  CHECK(utf8(mi.text) == d.get_text("t").to_string());
  CHECK(mi.list == d.get_list("l").values());
  std::vector<std::pair<std::string, value>> entries(mi.map.begin(), mi.map.end());
  CHECK(entries == d.get_map("m").entries());
  CHECK(mi.counter == d.get_counter("c").value());
  CHECK(mi.reg == d.get_register("r").get());
}

TEST_CASE("events: mirrors kept only from events match the documents") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    rng g(seed * 0x51ED);
    constexpr std::size_t kDocs = 3;
    std::vector<doc> docs;
    docs.reserve(kDocs);
    for (std::size_t i = 0; i < kDocs; ++i) docs.emplace_back(replica_id{i + 1});
    std::vector<mirror> mirrors(kDocs);
    std::vector<std::vector<doc_delta>> inbox(kDocs);
    std::vector<weft::subscription> update_subs;
    for (std::size_t i = 0; i < kDocs; ++i) {
      attach(mirrors[i], docs[i]);
      update_subs.push_back(docs[i].observe_updates([&, i](const doc_delta& dd, const origin& o) {
        if (o.type() == origin::kind::remote) return;
        for (std::size_t j = 0; j < kDocs; ++j) {
          if (j != i) inbox[j].push_back(dd);
        }
      }));
    }
    for (int step = 0; step < 250; ++step) {
      INFO("step " << step);
      const std::size_t who = g.below(kDocs);
      doc& d = docs[who];
      if (g.chance(50)) {
        const std::size_t n = 1 + g.below(4);
        d.transact(
            [&] {
              for (std::size_t k = 0; k < n; ++k) random_edit(g, d);
            },
            g.chance(20) ? origin::user("tool") : origin::local());
      } else if (!inbox[who].empty()) {
        // Usually the oldest, sometimes any: some updates wait.
        const std::size_t k = g.chance(60) ? 0 : g.below(inbox[who].size());
        ok(d.apply(inbox[who][k]));
        inbox[who].erase(inbox[who].begin() + static_cast<std::ptrdiff_t>(k));
      }
      require_sound(d);
      compare(mirrors[who], d);
    }
    for (std::size_t i = 0; i < kDocs; ++i) {
      while (!inbox[i].empty()) {
        ok(docs[i].apply(inbox[i].back()));
        inbox[i].pop_back();
      }
    }
    for (std::size_t i = 0; i < kDocs; ++i) {
      INFO("doc " << i);
      CHECK(docs[i].pending_ops() == 0);
      compare(mirrors[i], docs[i]);
      CHECK(docs[i].to_json() == docs[0].to_json());
    }
  }
}

}  // namespace
