// Copyright 2026 The weft Authors. MIT License.

#include "weft/text.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

namespace {

using weft::affinity;
using weft::anchor;
using weft::errc;
using weft::op_id;
using weft::replica_id;
using weft::text;
using weft::text_change;
using weft::text_delete_run;
using weft::text_delta;
using weft::text_insert_run;
using weft::version_vector;

constexpr replica_id kA{1};
constexpr replica_id kB{2};
constexpr replica_id kC{3};

void require_sound(const text& t) {
  const auto r = weft::internal::check(t, true);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
}

void ok(const weft::result<void>& r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
}

// sync sends `from` everything `to` lacks and returns the changes.
std::vector<text_change> sync(const text& from, text& to) {
  auto r = to.apply(from.delta_since(to.version()));
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  require_sound(to);
  return *r;
}

// apply_changes replays reported changes on a plain string (ASCII only).
void apply_changes(std::string& s, const std::vector<text_change>& changes) {
  for (const auto& c : changes) {
    if (c.type == text_change::kind::insert) {
      s.insert(c.pos, c.text);
    } else {
      s.erase(c.pos, c.len);
    }
  }
}

TEST_CASE("text: local inserts and erases") {
  text t(kA);
  CHECK(t.empty());
  ok(t.insert(0, "world"));
  ok(t.insert(0, "hello "));
  ok(t.insert(11, "!"));
  require_sound(t);
  CHECK(t.to_string() == "hello world!");
  CHECK(t.size() == 12);
  ok(t.erase(5, 6));
  require_sound(t);
  CHECK(t.to_string() == "hello!");
  ok(t.erase(0, 6));
  CHECK(t.to_string().empty());
  ok(t.insert(0, "again"));
  require_sound(t);
  CHECK(t.to_string() == "again");
  CHECK(t.slice(1, 3).value() == "gai");
  CHECK(t.slice(3, 100).value() == "in");
  CHECK(t.slice(6, 1).code() == errc::out_of_range);
  // Every op consumes an id: 5 + 6 + 1 inserted, 6 + 6 erased, 5 inserted.
  CHECK(t.version().get(kA) == 29);
}

TEST_CASE("text: bad local input is refused and changes nothing") {
  text t(kA);
  ok(t.insert(0, "abc"));
  const auto before = t.version();

  CHECK(t.insert(4, "x").code() == errc::out_of_range);
  CHECK(t.insert(0, "\xC3").code() == errc::invalid_utf8);
  CHECK(t.insert(1, "ok\xED\xA0\x80").code() == errc::invalid_utf8);  // surrogate
  CHECK(t.erase(2, 2).code() == errc::out_of_range);
  CHECK(t.erase(4, 0).code() == errc::out_of_range);
  CHECK(t.erase(1, static_cast<std::size_t>(-1)).code() == errc::out_of_range);

  CHECK(t.to_string() == "abc");
  CHECK(t.version() == before);
  require_sound(t);

  // Empty edits are accepted and consume nothing.
  ok(t.insert(1, ""));
  ok(t.erase(1, 0));
  CHECK(t.version() == before);
}

TEST_CASE("text: positions count code points; UTF-16 conversion") {
  text t(kA);
  // a é 😀 b 日 — 😀 is two UTF-16 units.
  ok(t.insert(0, "a\xC3\xA9\xF0\x9F\x98\x80" "b\xE6\x97\xA5"));
  CHECK(t.size() == 5);
  CHECK(t.size_utf16() == 6);
  CHECK(t.to_utf16(0).value() == 0);
  CHECK(t.to_utf16(2).value() == 2);
  CHECK(t.to_utf16(3).value() == 4);
  CHECK(t.to_utf16(5).value() == 6);
  CHECK(t.to_utf16(6).code() == errc::out_of_range);
  CHECK(t.from_utf16(4).value() == 3);
  CHECK(t.from_utf16(3).code() == errc::not_char_boundary);
  CHECK(t.from_utf16(6).value() == 5);
  CHECK(t.from_utf16(7).code() == errc::out_of_range);

  // Edits inside runs with astral characters keep widths exact.
  ok(t.insert(3, "\xF0\x9F\x8E\x89"));  // 🎉 after 😀
  ok(t.erase(1, 1));
  require_sound(t);
  CHECK(t.to_string() == "a\xF0\x9F\x98\x80\xF0\x9F\x8E\x89" "b\xE6\x97\xA5");
  CHECK(t.size_utf16() == 7);
  for (std::size_t pos = 0; pos <= t.size(); ++pos) {
    const std::size_t u = t.to_utf16(pos).value();
    CHECK(t.from_utf16(u).value() == pos);
  }
}

TEST_CASE("text: a run typed in sequence stays one run") {
  text t(kA);
  const std::string para(2000, 'x');
  for (std::size_t i = 0; i < para.size(); ++i) ok(t.insert(i, "x"));
  CHECK(t.to_string() == para);
  const text_delta d = t.delta_since({});
  REQUIRE(d.runs.size() == 1);
  CHECK(std::get<text_insert_run>(d.runs[0]).content == para);
  CHECK(d.op_count() == 2000);

  // Holding backspace over the last 500 is one backward delete run.
  const auto v = t.version();
  for (std::size_t i = 0; i < 500; ++i) ok(t.erase(t.size() - 1, 1));
  const text_delta del = t.delta_since(v);
  REQUIRE(del.runs.size() == 1);
  const auto& run = std::get<text_delete_run>(del.runs[0]);
  CHECK(run.length == 500);
  CHECK(run.backward);
  CHECK(run.target == op_id{kA, 1999});
  require_sound(t);
}

TEST_CASE("text: delta_since sends exactly what is missing") {
  text a(kA);
  text b(kB);
  ok(a.insert(0, "hello"));
  sync(a, b);
  CHECK(b.to_string() == "hello");
  CHECK(b.version() == a.version());
  CHECK(a.delta_since(b.version()).empty());

  ok(a.insert(5, " world"));
  ok(a.erase(0, 1));
  const text_delta d = a.delta_since(b.version());
  CHECK(d.op_count() == 7);
  const auto changes = sync(a, b);
  CHECK(b.to_string() == "ello world");
  std::string mirror = "hello";
  apply_changes(mirror, changes);
  CHECK(mirror == b.to_string());
}

TEST_CASE("text: apply is idempotent, commutative and associative") {
  text base(kC);
  ok(base.insert(0, "0123456789"));
  text a = base.fork(kA);
  text b = base.fork(kB);
  const auto v0 = base.version();
  ok(a.insert(3, "AAA"));
  ok(a.erase(7, 2));
  ok(b.insert(3, "BB"));
  ok(b.erase(0, 4));
  const text_delta da = a.delta_since(v0);
  const text_delta db = b.delta_since(v0);

  text x = base.fork(replica_id{10});
  text y = base.fork(replica_id{11});
  REQUIRE(x.apply(da));
  REQUIRE(x.apply(db));
  REQUIRE(y.apply(db));
  REQUIRE(y.apply(da));
  CHECK(x.to_string() == y.to_string());
  CHECK(x.version() == y.version());

  // Idempotent: applying again changes nothing and reports nothing.
  const std::string s = x.to_string();
  auto again = x.apply(da);
  REQUIRE(again);
  CHECK(again->empty());
  CHECK(x.to_string() == s);

  // Associative: a delta that already merges da and db lands the same.
  text merged = base.fork(replica_id{12});
  REQUIRE(merged.apply(da));
  REQUIRE(merged.apply(db));
  text z = base.fork(replica_id{13});
  REQUIRE(z.apply(merged.delta_since(v0)));
  CHECK(z.to_string() == s);
  require_sound(x);
  require_sound(y);
  require_sound(z);
}

TEST_CASE("text: concurrent runs at one place never interleave") {
  text base(kC);
  ok(base.insert(0, "[]"));
  text a = base.fork(kA);
  text b = base.fork(kB);
  // Typed one character at a time, as an editor would send them.
  for (const char* ch : {"a", "b", "c", "d"}) ok(a.insert(a.size() - 1, ch));
  for (const char* ch : {"w", "x", "y", "z"}) ok(b.insert(b.size() - 1, ch));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_string() == b.to_string());
  CHECK((a.to_string() == "[abcdwxyz]" || a.to_string() == "[wxyzabcd]"));

  // Typing backwards (each character at the start) does not interleave
  // either: FugueMax is maximally non-interleaving in both directions.
  text c = base.fork(replica_id{5});
  text d = base.fork(replica_id{6});
  for (const char* ch : {"3", "2", "1"}) ok(c.insert(1, ch));
  for (const char* ch : {"9", "8", "7"}) ok(d.insert(1, ch));
  sync(c, d);
  sync(d, c);
  CHECK(c.to_string() == d.to_string());
  CHECK((c.to_string() == "[123789]" || c.to_string() == "[789123]"));
}

TEST_CASE("text: ops whose dependencies are missing wait, then integrate") {
  text a(kA);
  text b(kB);
  ok(a.insert(0, "abc"));
  const text_delta first = a.delta_since({});
  const auto v1 = a.version();
  ok(a.insert(3, "def"));
  const auto v2 = a.version();
  ok(a.erase(1, 3));
  const text_delta second = a.delta_since(v1);
  const text_delta third = a.delta_since(v2);
  REQUIRE(first.op_count() == 3);

  // Deliver the later deltas first: nothing shows, nothing is lost.
  auto r = b.apply(third);
  REQUIRE(r);
  CHECK(r->empty());
  CHECK(b.pending_ops() == 3);
  r = b.apply(second);
  REQUIRE(r);
  CHECK(b.pending_ops() == 6);
  CHECK(b.to_string().empty());
  require_sound(b);

  // Only the missing piece arrives; it releases everything, in causal order.
  r = b.apply(first);
  REQUIRE(r);
  CHECK(b.pending_ops() == 0);
  CHECK(b.to_string() == a.to_string());
  std::string mirror;
  apply_changes(mirror, *r);
  CHECK(mirror == "aef");
  require_sound(b);
}

TEST_CASE("text: malformed deltas are refused whole") {
  text a(kA);
  ok(a.insert(0, "abc"));
  ok(a.erase(0, 1));  // op (kA, 3) is a delete
  text b(kB);
  sync(a, b);
  const std::string before = b.to_string();
  const auto v = b.version();

  auto refuse = [&](const text_delta& d, errc code) {
    INFO("refusing a delta of " << d.runs.size() << " runs, expecting "
                                << weft::errc_name(code));
    auto r = b.apply(d);
    REQUIRE_FALSE(r);
    CHECK(r.code() == code);
    CHECK(b.to_string() == before);
    CHECK(b.version() == v);
    CHECK(b.pending_ops() == 0);
    require_sound(b);
  };

  // A good run first, then a bad one: the good one must not land either.
  text_insert_run good{op_id{kC, 0}, std::nullopt, std::nullopt, "ok"};
  text_insert_run bad_utf8{op_id{kC, 2}, std::nullopt, std::nullopt, "\xC3("};
  refuse(text_delta{{good, bad_utf8}}, errc::invalid_utf8);

  // An origin that names a delete op, not a character.
  text_insert_run bad_origin{op_id{kC, 2}, op_id{kA, 3}, std::nullopt, "x"};
  refuse(text_delta{{good, bad_origin}}, errc::malformed);

  // A delete whose target is a delete op.
  text_delete_run bad_target{op_id{kC, 0}, 1, op_id{kA, 3}, false};
  refuse(text_delta{{bad_target}}, errc::malformed);

  // Empty runs, origins inside the run, ids past the seq space.
  refuse(text_delta{{text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, ""}}},
         errc::malformed);
  refuse(text_delta{{text_delete_run{op_id{kC, 0}, 0, op_id{kA, 0}, false}}},
         errc::malformed);
  refuse(text_delta{{text_insert_run{op_id{kC, 5}, op_id{kC, 5}, std::nullopt, "x"}}},
         errc::malformed);
  refuse(text_delta{{text_insert_run{op_id{kC, weft::max_seq}, std::nullopt,
                                     std::nullopt, "xy"}}},
         errc::malformed);
  refuse(text_delta{{text_delete_run{op_id{kC, 0}, 3, op_id{kA, 1}, true}}},
         errc::malformed);  // backward from seq 1 by 3 underflows
  refuse(text_delta{{text_insert_run{op_id{kC, 0}, op_id{kA, 0}, op_id{kA, 0}, "x"}}},
         errc::malformed);

  // Targets that span a delete op arriving in the same delta: the ops
  // (kC, 0..4) are "ab", a delete, "cd", so (kC, 2) is no character.
  text_insert_run ab{op_id{kC, 0}, std::nullopt, std::nullopt, "ab"};
  text_delete_run del_a{op_id{kC, 2}, 1, op_id{kC, 0}, false};
  text_insert_run cd{op_id{kC, 3}, op_id{kC, 1}, std::nullopt, "cd"};
  text_delete_run across{op_id{replica_id{4}, 0}, 5, op_id{kC, 0}, false};
  refuse(text_delta{{ab, del_a, cd, across}}, errc::malformed);
  // The same targets, once integrated, are refused the same way.
  REQUIRE(b.apply(text_delta{{ab, del_a, cd}}));
  require_sound(b);
  CHECK(b.size() == before.size() + 3);  // "b" and "cd" joined the text
  const std::string with_c = b.to_string();
  auto r_across = b.apply(text_delta{{across}});
  CHECK(r_across.code() == errc::malformed);
  CHECK(b.to_string() == with_c);
  require_sound(b);
}

TEST_CASE("text: runs on unknown ids wait") {
  text a(kA);
  ok(a.insert(0, "abc"));
  text b(kB);
  sync(a, b);
  const std::string before = b.to_string();
  // Referring to ids never seen is not an error: the run waits.
  auto r = b.apply(text_delta{{text_insert_run{op_id{kC, 0}, op_id{replica_id{99}, 7},
                                               std::nullopt, "later"}}});
  REQUIRE(r);
  CHECK(b.pending_ops() == 5);
  CHECK(b.to_string() == before);
}

TEST_CASE("text: capacity limits are enforced without partial effects") {
  weft::text_options opts;
  opts.max_ops = 10;
  text t(kA, opts);
  ok(t.insert(0, "12345678"));
  CHECK(t.insert(0, "abc").code() == errc::capacity_exceeded);
  CHECK(t.erase(0, 3).code() == errc::capacity_exceeded);
  ok(t.erase(0, 2));
  CHECK(t.to_string() == "345678");
  CHECK(t.insert(0, "x").code() == errc::capacity_exceeded);
  require_sound(t);

  weft::text_options small_pending;
  small_pending.max_pending_ops = 4;
  text p(kB, small_pending);
  text_delta waits{{text_insert_run{op_id{kC, 10}, std::nullopt, std::nullopt, "hello"}}};
  auto r = p.apply(waits);
  REQUIRE_FALSE(r);
  CHECK(r.code() == errc::capacity_exceeded);
  CHECK(p.pending_ops() == 0);
}

TEST_CASE("text: anchors follow their character through concurrent edits") {
  text a(kA);
  ok(a.insert(0, "hello world"));
  text b = a.fork(kB);

  const anchor before_w = a.anchor_at(6, affinity::right).value();  // sticks to 'w'
  const anchor after_o = a.anchor_at(5, affinity::left).value();    // sticks to 'o'
  const anchor start = a.anchor_at(0, affinity::left).value();
  const anchor end = a.anchor_at(11, affinity::right).value();
  CHECK_FALSE(start.target);
  CHECK_FALSE(end.target);

  ok(b.insert(0, ">> "));
  ok(b.insert(8, ","));  // between "hello" and " world"
  sync(b, a);
  CHECK(a.to_string() == ">> hello, world");
  CHECK(a.resolve(before_w).value() == 10);
  CHECK(a.resolve(after_o).value() == 8);
  CHECK(a.resolve(start).value() == 0);
  CHECK(a.resolve(end).value() == a.size());

  // Deleting the anchored characters keeps the anchors where they were.
  ok(b.erase(7, 3));  // removes 'o', ',' and ' '
  sync(b, a);
  CHECK(a.to_string() == ">> hellworld");
  CHECK(a.resolve(before_w).value() == 7);
  CHECK(a.resolve(after_o).value() == 7);

  // Anchors resolve on any replica that has seen the character.
  text c(kC);
  CHECK(c.resolve(before_w).code() == errc::unknown_id);
  sync(a, c);
  CHECK(c.resolve(before_w).value() == 7);
  CHECK(a.anchor_at(a.size() + 1, affinity::left).code() == errc::out_of_range);
}

TEST_CASE("text: id_at, clone and fork") {
  text a(kA);
  ok(a.insert(0, "xyz"));
  CHECK(a.id_at(1).value() == op_id{kA, 1});
  CHECK(a.id_at(3).code() == errc::out_of_range);

  text c = a.clone();
  CHECK(c.replica() == kA);
  text f = a.fork(kB);
  CHECK(f.replica() == kB);
  ok(f.insert(3, "!"));
  ok(a.insert(0, "<"));
  CHECK(c.to_string() == "xyz");
  CHECK(f.to_string() == "xyz!");
  CHECK(a.to_string() == "<xyz");
  require_sound(c);
  require_sound(f);
  sync(f, a);
  CHECK(a.to_string() == "<xyz!");
  CHECK(a.memory_usage() > 0);
}

TEST_CASE("text: reported changes carry UTF-16 positions") {
  text a(kA);
  ok(a.insert(0, "\xF0\x9F\x98\x80x"));  // 😀x
  text b(kB);
  sync(a, b);
  ok(a.insert(2, "\xC3\xA9"));  // é after x
  ok(a.erase(0, 1));            // drop 😀
  const auto changes = sync(a, b);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].type == text_change::kind::insert);
  CHECK(changes[0].pos == 2);
  CHECK(changes[0].pos_utf16 == 3);
  CHECK(changes[0].len_utf16 == 1);
  CHECK(changes[1].type == text_change::kind::erase);
  CHECK(changes[1].pos == 0);
  CHECK(changes[1].len == 1);
  CHECK(changes[1].len_utf16 == 2);
  CHECK(b.to_string() == "x\xC3\xA9");
}

}  // namespace
