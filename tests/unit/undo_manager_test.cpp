// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: undo_manager_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::undo_manager: collaborative undo reverts only this
// replica's ops of a step, whatever peers did concurrently or since, on
// every container type; steps are grouped by a capture window that the
// tests drive with a fake clock, so that nothing depends on wall time.

#include "weft/undo_manager.hpp"

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"
#include "weft/event.hpp"
#include "weft/origin.hpp"
#include "weft/value.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::affinity;
using weft::doc;
using weft::errc;
using weft::origin;
using weft::replica_id;
using weft::saved_cursor;
using weft::undo_manager;
using weft::undo_options;
using weft::value;
using weft::version_vector;

using weft::testing::kA;
using weft::testing::kB;
using weft::testing::ok;
using weft::testing::require_sound;
using weft::testing::take;

// sync is weft::testing::sync that also requires nothing left pending.
void sync(const doc& from, doc& to) {
  weft::testing::sync(from, to);
  REQUIRE(to.pending_ops() == 0);
}

void sync_both(doc& a, doc& b) {
  sync(a, b);
  sync(b, a);
  REQUIRE(a.to_json() == b.to_json());
  REQUIRE(a.version() == b.version());
}

// The capture window is measured on options.now_ms; a fake clock makes
// "100 ms later" exact and the tests independent of the machine's speed.
struct fake_clock {
  std::int64_t now = 1'000'000;
  // later moves the clock past the capture window, so that the next
  // tracked transaction starts a new step.
  void later() { now += 10'000; }
};

undo_options with_clock(fake_clock& clock) {
  undo_options o;
  o.now_ms = [&clock] { return clock.now; };
  return o;
}

bool undo(undo_manager& um, doc& d) {
  const bool did = take(um.undo());
  require_sound(d);
  return did;
}

bool redo(undo_manager& um, doc& d) {
  const bool did = take(um.redo());
  require_sound(d);
  return did;
}

std::string json(const std::optional<value>& v) { return v ? v->to_json() : "absent"; }

TEST_CASE("undo: concurrent typing, only this replica's text is reverted") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ta = a.get_text("t");
  auto tb = b.get_text("t");

  ok(ta.insert(0, "hello"));
  ok(tb.insert(0, "world"));
  require_sound(a);
  require_sound(b);
  sync_both(a, b);
  const std::string merged = ta.to_string();
  REQUIRE(merged.size() == 10);
  // B's edit arrived as a remote transaction: not A's to undo.
  CHECK(um.undo_depth() == 1);

  REQUIRE(undo(um, a));
  CHECK(ta.to_string() == "world");
  sync_both(a, b);
  CHECK(tb.to_string() == "world");
  CHECK_FALSE(um.can_undo());
  CHECK(um.can_redo());

  // The redone text goes back where it was relative to B's.
  REQUIRE(redo(um, a));
  CHECK(ta.to_string() == merged);
  sync_both(a, b);
  CHECK(tb.to_string() == merged);
  CHECK(um.can_undo());
  CHECK_FALSE(um.can_redo());
}

TEST_CASE("undo: text a peer typed inside the step's insert stays") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ta = a.get_text("t");
  auto tb = b.get_text("t");

  ok(ta.insert(0, "hello"));
  sync_both(a, b);
  ok(tb.insert(2, "XY"));
  sync_both(a, b);
  REQUIRE(ta.to_string() == "heXYllo");

  REQUIRE(undo(um, a));
  CHECK(ta.to_string() == "XY");
  sync_both(a, b);
  CHECK(tb.to_string() == "XY");
}

TEST_CASE("undo: map overwrite restores the old value, erase restores the key") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto m = a.get_map("m");

  ok(m.set("k", 1));
  clock.later();
  ok(m.set("k", "two"));
  clock.later();
  ok(m.erase("k"));
  require_sound(a);
  REQUIRE(um.undo_depth() == 3);

  REQUIRE(undo(um, a));
  CHECK(json(m.get("k")) == "\"two\"");
  REQUIRE(undo(um, a));
  CHECK(json(m.get("k")) == "1");
  REQUIRE(undo(um, a));
  CHECK_FALSE(m.contains("k"));
  CHECK_FALSE(undo(um, a));

  REQUIRE(redo(um, a));
  CHECK(json(m.get("k")) == "1");
  REQUIRE(redo(um, a));
  CHECK(json(m.get("k")) == "\"two\"");
  REQUIRE(redo(um, a));
  CHECK_FALSE(m.contains("k"));
  CHECK_FALSE(redo(um, a));
}

TEST_CASE("undo: a key another replica wrote since the step is left alone") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ma = a.get_map("m");
  auto mb = b.get_map("m");

  ok(ma.set("k", 1));
  ok(ma.set("j", 1));
  clock.later();
  // One step writes both keys; B then overwrites only k, having seen it.
  ok(ma.set("k", 2));
  ok(ma.set("j", 2));
  REQUIRE(um.undo_depth() == 2);
  sync_both(a, b);
  ok(mb.set("k", 3));
  sync_both(a, b);

  REQUIRE(undo(um, a));
  CHECK(json(ma.get("k")) == "3");
  CHECK(json(ma.get("j")) == "1");
  sync_both(a, b);
  CHECK(json(mb.get("k")) == "3");
  CHECK(json(mb.get("j")) == "1");
}

TEST_CASE("undo: counter increments are negated, concurrent adds kept") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ca = a.get_counter("c");
  auto cb = b.get_counter("c");

  ok(ca.add(5));
  clock.later();
  // Two adds in one step: undo takes back their sum.
  ok(ca.add(3));
  clock.now += 100;
  ok(ca.add(-1));
  ok(cb.add(10));
  sync_both(a, b);
  REQUIRE(ca.value() == 17);
  REQUIRE(um.undo_depth() == 2);

  REQUIRE(undo(um, a));
  CHECK(ca.value() == 15);
  REQUIRE(undo(um, a));
  CHECK(ca.value() == 10);
  sync_both(a, b);
  CHECK(cb.value() == 10);

  REQUIRE(redo(um, a));
  CHECK(ca.value() == 15);
  sync_both(a, b);
  CHECK(cb.value() == 15);
}

TEST_CASE("undo: register gets its previous value back") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto r = a.get_register("r");

  ok(r.set("x"));
  clock.later();
  ok(r.set(2.5));
  clock.later();
  ok(r.clear());
  require_sound(a);

  REQUIRE(undo(um, a));
  CHECK(json(r.get()) == "2.5");
  REQUIRE(undo(um, a));
  CHECK(json(r.get()) == "\"x\"");
  REQUIRE(undo(um, a));
  CHECK_FALSE(r.get().has_value());
  REQUIRE(redo(um, a));
  CHECK(json(r.get()) == "\"x\"");
  REQUIRE(redo(um, a));
  CHECK(json(r.get()) == "2.5");
}

TEST_CASE("undo: list inserts are removed, deletes restored in place") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto la = a.get_list("l");
  auto lb = b.get_list("l");

  ok(la.insert(0, std::vector<value>{1, 2, 3}));
  sync_both(a, b);
  clock.later();
  ok(la.erase(1));
  ok(la.insert(0, "x"));
  // B, concurrently, puts 8 just before the 2 that A deletes and 9 just
  // after it: the restored 2 must come back between them.
  ok(lb.insert(1, 8));
  ok(lb.insert(3, 9));
  REQUIRE(lb.values() == std::vector<value>{1, 8, 2, 9, 3});
  sync_both(a, b);
  REQUIRE(la.values() == std::vector<value>{"x", 1, 8, 9, 3});

  REQUIRE(undo(um, a));
  CHECK(la.values() == std::vector<value>{1, 8, 2, 9, 3});
  sync_both(a, b);
  CHECK(lb.values() == std::vector<value>{1, 8, 2, 9, 3});

  REQUIRE(redo(um, a));
  CHECK(la.values() == std::vector<value>{"x", 1, 8, 9, 3});
  sync_both(a, b);

  // The first step too: every element A inserted goes, B's stay.
  REQUIRE(undo(um, a));
  REQUIRE(undo(um, a));
  CHECK(la.values() == std::vector<value>{8, 9});
  sync_both(a, b);
}

TEST_CASE("undo: a text delete comes back where it was despite remote inserts") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ta = a.get_text("t");
  auto tb = b.get_text("t");

  ok(ta.insert(0, "hello world"));
  sync_both(a, b);
  clock.later();
  ok(ta.erase(3, 4));  // "lo w"
  // B, concurrently, brackets exactly the range A deletes.
  ok(tb.insert(3, "["));
  ok(tb.insert(8, "]"));
  REQUIRE(tb.to_string() == "hel[lo w]orld");
  sync_both(a, b);
  REQUIRE(ta.to_string() == "hel[]orld");

  REQUIRE(undo(um, a));
  CHECK(ta.to_string() == "hel[lo w]orld");
  sync_both(a, b);
  CHECK(tb.to_string() == "hel[lo w]orld");

  REQUIRE(redo(um, a));
  CHECK(ta.to_string() == "hel[]orld");
  sync_both(a, b);
}

TEST_CASE("undo: deleted characters come back each at its own place") {
  // Undo re-inserts deleted elements "at their place": text a peer typed
  // between two deleted characters stays between them.
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ta = a.get_text("t");
  auto tb = b.get_text("t");

  ok(ta.insert(0, "abcdef"));
  sync_both(a, b);
  clock.later();
  ok(ta.erase(1, 4));  // "bcde"
  ok(tb.insert(3, "*"));
  REQUIRE(tb.to_string() == "abc*def");
  sync_both(a, b);
  REQUIRE(ta.to_string() == "a*f");

  REQUIRE(undo(um, a));
  CHECK(ta.to_string() == "abc*def");
  sync_both(a, b);
}

TEST_CASE("undo: capture window groups transactions by time") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");

  ok(t.insert(0, "a"));
  clock.now += 100;
  ok(t.insert(1, "b"));
  CHECK(um.undo_depth() == 1);
  clock.now += 600;
  ok(t.insert(2, "c"));
  CHECK(um.undo_depth() == 2);
  // The window runs from the previous tracked transaction, not from the
  // start of the step: a burst of typing stays one step.
  for (int i = 0; i < 5; ++i) {
    clock.now += 400;
    ok(t.insert(t.size(), "d"));
  }
  CHECK(um.undo_depth() == 2);
  REQUIRE(t.to_string() == "abcddddd");

  REQUIRE(undo(um, a));
  CHECK(t.to_string() == "ab");
  REQUIRE(undo(um, a));
  CHECK(t.to_string().empty());
  CHECK_FALSE(um.can_undo());
}

TEST_CASE("undo: window size comes from the options") {
  doc a(kA);
  fake_clock clock;
  undo_options o = with_clock(clock);
  o.capture_window_ms = 50;
  undo_manager um(a, std::move(o));
  auto t = a.get_text("t");
  ok(t.insert(0, "a"));
  clock.now += 100;
  ok(t.insert(1, "b"));
  CHECK(um.undo_depth() == 2);
}

TEST_CASE("undo: clock readings at the ends of the 64-bit range") {
  // The clock is the application's: from its earliest to its latest
  // reading is longer than any window (the distance does not fit in 64
  // bits), and a clock stepping back joins the step.
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");
  clock.now = std::numeric_limits<std::int64_t>::min();
  ok(t.insert(0, "a"));
  clock.now = std::numeric_limits<std::int64_t>::max();
  ok(t.insert(1, "b"));
  CHECK(um.undo_depth() == 2);
  clock.now = 0;
  ok(t.insert(2, "c"));
  CHECK(um.undo_depth() == 2);
}

TEST_CASE("undo: a clock that destroys its own manager") {
  doc a(kA);
  std::optional<undo_manager> um;
  int reads = 0;
  undo_options o;
  o.now_ms = [&] {
    ++reads;
    um.reset();
    return std::int64_t{0};
  };
  um.emplace(a, std::move(o));
  auto t = a.get_text("t");
  ok(t.insert(0, "a"));
  CHECK(reads == 1);
  CHECK_FALSE(um.has_value());
  ok(t.insert(1, "b"));
  CHECK(t.to_string() == "ab");
  require_sound(a);
}

TEST_CASE("undo: stop_capturing starts a new step") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");

  ok(t.insert(0, "a"));
  um.stop_capturing();
  ok(t.insert(1, "b"));
  ok(t.insert(2, "c"));
  CHECK(um.undo_depth() == 2);
  REQUIRE(undo(um, a));
  CHECK(t.to_string() == "a");
}

TEST_CASE("undo: max_depth drops the oldest steps") {
  doc a(kA);
  fake_clock clock;
  undo_options o = with_clock(clock);
  o.max_depth = 3;
  undo_manager um(a, std::move(o));
  auto t = a.get_text("t");

  for (const char* s : {"1", "2", "3", "4", "5"}) {
    ok(t.insert(t.size(), s));
    clock.later();
  }
  CHECK(um.undo_depth() == 3);
  REQUIRE(undo(um, a));
  REQUIRE(undo(um, a));
  REQUIRE(undo(um, a));
  CHECK(t.to_string() == "12");
  CHECK_FALSE(undo(um, a));
  CHECK(t.to_string() == "12");
  CHECK(um.redo_depth() == 3);
}

TEST_CASE("undo: a new edit clears the redo stack") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");

  ok(t.insert(0, "ab"));
  clock.later();
  ok(t.insert(2, "cd"));
  REQUIRE(undo(um, a));
  CHECK(um.can_redo());
  clock.later();
  ok(t.insert(2, "X"));
  CHECK_FALSE(um.can_redo());
  CHECK(um.redo_depth() == 0);
  CHECK_FALSE(redo(um, a));
  CHECK(t.to_string() == "abX");

  um.clear();
  CHECK_FALSE(um.can_undo());
  CHECK_FALSE(um.can_redo());
}

TEST_CASE("undo: undo and redo transactions carry their origins") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");

  std::vector<origin> updates;
  std::vector<origin> events;
  std::vector<weft::doc_delta> deltas;
  auto sub_u = a.observe_updates([&](const weft::doc_delta& d, const origin& o) {
    updates.push_back(o);
    deltas.push_back(d);
  });
  auto sub_e = t.observe([&](const weft::text_event& e) { events.push_back(e.origin); });

  ok(t.insert(0, "abc"));
  REQUIRE(updates == std::vector<origin>{origin::local()});
  REQUIRE(events == std::vector<origin>{origin::local()});

  REQUIRE(undo(um, a));
  CHECK(updates.back() == origin::undo());
  CHECK(events.back() == origin::undo());
  // The undo is not a step of its own: it moved to the redo stack.
  CHECK(um.undo_depth() == 0);
  CHECK(um.redo_depth() == 1);

  REQUIRE(redo(um, a));
  CHECK(updates.back() == origin::redo());
  CHECK(events.back() == origin::redo());
  CHECK(um.undo_depth() == 1);
  CHECK(um.redo_depth() == 0);
  CHECK(updates.size() == 3);
  CHECK(events.size() == 3);

  // The undo's ops replicate like any edit: replaying what observe_updates
  // handed out gives B the same text.
  for (const auto& d : deltas) ok(b.apply(d));
  require_sound(b);
  CHECK(b.get_text("t").to_string() == "abc");
  CHECK(b.version() == a.version());
}

TEST_CASE("undo: only tracked origins are recorded") {
  doc a(kA);
  doc b(kB);
  auto t = a.get_text("t");

  SECTION("default: user and remote transactions are not tracked") {
    fake_clock clock;
    undo_manager um(a, with_clock(clock));
    a.transact([&] { ok(t.insert(0, "fmt")); }, origin::user("format"));
    CHECK(um.undo_depth() == 0);
    ok(b.get_text("u").insert(0, "remote"));
    sync(b, a);
    CHECK(um.undo_depth() == 0);
    CHECK_FALSE(undo(um, a));
    ok(t.insert(0, "x"));
    CHECK(um.undo_depth() == 1);
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "fmt");
    CHECK(a.get_text("u").to_string() == "remote");
  }

  SECTION("listed user origins are tracked") {
    fake_clock clock;
    undo_options o = with_clock(clock);
    o.tracked = {origin::local(), origin::user("format")};
    undo_manager um(a, std::move(o));
    a.transact([&] { ok(t.insert(0, "fmt")); }, origin::user("format"));
    CHECK(um.undo_depth() == 1);
    a.transact([&] { ok(t.insert(0, "other")); }, origin::user("import"));
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "other");
  }

  SECTION("a manager that tracks only a user origin ignores local edits") {
    fake_clock clock;
    undo_options o = with_clock(clock);
    o.tracked = {origin::user("format")};
    undo_manager um(a, std::move(o));
    ok(t.insert(0, "typed"));
    CHECK(um.undo_depth() == 0);
    a.transact([&] { ok(t.insert(5, "!")); }, origin::user("format"));
    CHECK(um.undo_depth() == 1);
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "typed");
  }
}

TEST_CASE("undo: a transaction is one step whatever it touches") {
  doc a(kA);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");
  auto m = a.get_map("m");
  auto c = a.get_counter("c");
  ok(t.insert(0, "base"));
  clock.later();
  a.transact([&] {
    ok(t.insert(4, "!"));
    ok(m.set("k", true));
    ok(c.add(7));
  });
  CHECK(um.undo_depth() == 2);
  REQUIRE(undo(um, a));
  CHECK(t.to_string() == "base");
  CHECK_FALSE(m.contains("k"));
  CHECK(c.value() == 0);
}

TEST_CASE("undo: capture_cursors hands back the caret from before the step") {
  doc a(kA);
  fake_clock clock;
  auto t = a.get_text("t");
  std::size_t caret = 0;
  int captures = 0;
  undo_options o = with_clock(clock);
  o.capture_cursors = [&] {
    ++captures;
    return std::vector<saved_cursor>{{t, t.anchor_at(caret, affinity::left).value()}};
  };
  undo_manager um(a, std::move(o));

  // A step of several transactions captures once, before its first.
  for (const char* s : {"h", "e", "l", "l", "o"}) {
    ok(t.insert(caret, s));
    ++caret;
    clock.now += 50;
  }
  CHECK(captures == 1);
  clock.later();
  ok(t.insert(caret, " world"));
  caret += 6;
  CHECK(captures == 2);

  REQUIRE(undo(um, a));
  REQUIRE(t.to_string() == "hello");
  REQUIRE(um.cursors().size() == 1);
  CHECK(um.cursors()[0].target == t);
  caret = take(t.resolve(um.cursors()[0].at));
  CHECK(caret == 5);

  // capture_cursors runs before an undo too: the caret must be valid.
  REQUIRE(undo(um, a));
  REQUIRE(t.to_string().empty());
  REQUIRE(um.cursors().size() == 1);
  CHECK(take(t.resolve(um.cursors()[0].at)) == 0);
}

TEST_CASE("undo: after a sync round trip the step still reverts") {
  doc a(kA);
  doc b(kB);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto ta = a.get_text("t");
  auto ma = a.get_map("m");

  std::vector<weft::doc_delta> from_a;
  auto sub = a.observe_updates(
      [&](const weft::doc_delta& d, const origin&) { from_a.push_back(d); });
  ok(ta.insert(0, "abc"));
  ok(ma.set("k", 1));
  REQUIRE(from_a.size() == 2);
  for (const auto& d : from_a) ok(b.apply(d));
  require_sound(b);

  ok(b.get_text("t").insert(3, "Z"));
  ok(a.apply(b.delta_since(a.version())));
  // An echo of A's own ops coming back must not confuse the manager.
  ok(a.apply(b.delta_since(version_vector{})));
  require_sound(a);
  REQUIRE(ta.to_string() == "abcZ");
  CHECK(um.undo_depth() == 1);

  REQUIRE(undo(um, a));
  sync_both(a, b);
  CHECK(ta.to_string() == "Z");
  CHECK_FALSE(ma.contains("k"));
  CHECK(a.to_json() == R"({"m":{},"t":"Z"})");
}

TEST_CASE("undo: three steps undone and redone pass through the same states") {
  doc a(kA);
  doc b(kB);
  auto t = a.get_text("t");
  auto m = a.get_map("m");
  auto l = a.get_list("l");
  auto c = a.get_counter("c");
  auto r = a.get_register("r");
  // A base that every root already has ops in, so that undoing everything
  // gives back this state exactly (roots with ops stay in to_json).
  ok(t.insert(0, "base"));
  ok(m.set("k", 0));
  ok(l.push_back(0));
  ok(c.add(1));
  ok(r.set("r0"));

  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  std::vector<std::string> states{a.to_json()};

  ok(t.insert(4, " one"));
  ok(m.set("k", 1));
  auto nested = take(m.set_text("nested"));
  ok(nested.insert(0, "in"));
  states.push_back(a.to_json());
  clock.later();

  a.transact([&] {
    auto child = take(l.insert_map(0));
    ok(child.set("x", true));
    auto inner = take(child.get_or_create_list("xs"));
    ok(inner.insert(0, std::vector<value>{1.5, "s"}));
    ok(c.add(3));
    ok(t.erase(0, 1));
  });
  states.push_back(a.to_json());
  clock.later();

  ok(r.set(weft::bytes{0x0A, 0xFF}));
  ok(m.erase("k"));
  ok(t.insert(0, "Q"));
  ok(l.erase(1));
  ok(nested.erase(0, 1));
  states.push_back(a.to_json());
  require_sound(a);
  REQUIRE(um.undo_depth() == 3);

  for (int i = 3; i > 0; --i) {
    REQUIRE(undo(um, a));
    CHECK(a.to_json() == states[static_cast<std::size_t>(i - 1)]);
  }
  CHECK_FALSE(um.can_undo());
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(redo(um, a));
    CHECK(a.to_json() == states[static_cast<std::size_t>(i)]);
  }
  CHECK_FALSE(um.can_redo());

  sync_both(a, b);
  CHECK(b.to_json() == states[3]);
}

TEST_CASE("undo: a revert the document has no room for reports the error") {
  weft::doc_options opts;
  opts.max_ops = 10;
  doc a(kA, opts);
  fake_clock clock;
  undo_manager um(a, with_clock(clock));
  auto t = a.get_text("t");
  ok(t.insert(0, "hello"));
  clock.later();
  ok(t.erase(0, 5));  // 10 ops: the document is full
  const auto r = um.undo();
  REQUIRE_FALSE(r);
  CHECK(r.code() == errc::capacity_exceeded);
  CHECK(t.to_string().empty());
  CHECK_FALSE(a.in_transaction());
  // Refused before anything changed: the step is still there.
  CHECK(um.undo_depth() == 2);
  CHECK(um.redo_depth() == 0);
  require_sound(a);
}

TEST_CASE("undo: a step that would not fit changes nothing and stays") {
  weft::doc_options opts;
  opts.max_ops = 9;
  doc a(kA, opts);
  undo_manager um(a);
  auto t = a.get_text("t");
  auto c = a.get_counter("c");
  a.transact([&] {
    ok(t.insert(0, "efgh"));
    ok(c.add(5));
  });
  const std::string before = a.to_json();
  const auto version = a.version();
  // Reverting needs 4 deletes and one add: 10 ops against a limit of 9.
  const auto r = um.undo();
  REQUIRE_FALSE(r);
  CHECK(r.code() == errc::capacity_exceeded);
  CHECK(a.to_json() == before);
  CHECK(a.version() == version);
  CHECK(um.undo_depth() == 1);
  CHECK(um.redo_depth() == 0);
  require_sound(a);
}

TEST_CASE("undo: a clock that throws leaves no transaction open and the edit unmade") {
  doc a(kA);
  bool fail = false;
  undo_options o;
  o.now_ms = [&fail]() -> std::int64_t {
    if (fail) throw std::runtime_error("clock unavailable");
    return 1'000'000;
  };
  undo_manager um(a, o);
  auto t = a.get_text("t");
  ok(t.insert(0, "ab"));
  fail = true;
  CHECK_THROWS_AS((void)t.insert(2, "c"), std::runtime_error);
  CHECK_FALSE(a.in_transaction());
  CHECK(t.to_string() == "ab");
  require_sound(a);
  fail = false;
  ok(t.insert(2, "c"));
  CHECK(t.to_string() == "abc");
  CHECK(undo(um, a));
  CHECK(t.to_string().empty());
}

TEST_CASE("undo: nothing to undo is not an error") {
  doc a(kA);
  undo_manager um(a);
  CHECK_FALSE(um.can_undo());
  CHECK_FALSE(um.can_redo());
  CHECK(take(um.undo()) == false);
  CHECK(take(um.redo()) == false);
  CHECK(um.cursors().empty());
  CHECK(a.to_json() == "{}");
  CHECK(a.version().empty());
}

}  // namespace

TEST_CASE("undo: a step of several inserts or deletes comes back in order") {
  // Several records of one step restore their elements together: restored
  // one record at a time, the later elements would be placed relative to
  // tombstones the earlier ones were already re-inserted beside.
  SECTION("two inserts in one transaction, undone and redone") {
    doc a(kA);
    auto t = a.get_text("t");
    undo_manager um(a);
    a.transact([&] {
      ok(t.insert(0, "a"));
      ok(t.insert(1, "b"));
    });
    REQUIRE(undo(um, a));
    CHECK(t.to_string().empty());
    REQUIRE(redo(um, a));
    CHECK(t.to_string() == "ab");
    REQUIRE(undo(um, a));
    REQUIRE(redo(um, a));
    CHECK(t.to_string() == "ab");
  }
  SECTION("typing grouped by the capture window, with text around it") {
    fake_clock clock;
    doc a(kA);
    auto t = a.get_text("t");
    ok(t.insert(0, "[]"));
    undo_manager um(a, with_clock(clock));
    for (const char* s : {"x", "y", "z"}) {
      const std::size_t at = t.size() - 1;
      ok(t.insert(at, s));
    }
    CHECK(t.to_string() == "[xyz]");
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "[]");
    REQUIRE(redo(um, a));
    CHECK(t.to_string() == "[xyz]");
  }
  SECTION("deletes one at a time, undone") {
    fake_clock clock;
    doc a(kA);
    auto t = a.get_text("t");
    ok(t.insert(0, "abcdef"));
    clock.later();
    undo_manager um(a, with_clock(clock));
    ok(t.erase(1, 1));  // acdef
    ok(t.erase(1, 1));  // adef
    ok(t.erase(2, 1));  // adf
    CHECK(t.to_string() == "adf");
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "abcdef");
    REQUIRE(redo(um, a));
    CHECK(t.to_string() == "adf");
    REQUIRE(undo(um, a));
    CHECK(t.to_string() == "abcdef");
  }
  SECTION("a list") {
    doc a(kA);
    auto l = a.get_list("l");
    undo_manager um(a);
    a.transact([&] {
      ok(l.insert(0, value{std::int64_t{1}}));
      ok(l.insert(1, value{std::int64_t{2}}));
      ok(l.insert(2, value{std::int64_t{3}}));
    });
    REQUIRE(undo(um, a));
    REQUIRE(redo(um, a));
    CHECK(a.to_json() == R"({"l":[1,2,3]})");
  }
}
