// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::doc as a whole: roots, identity, the JSON rendering that the
// other tests compare replicas with, transactions and their origins, the
// update stream, delta replication (round trips, idempotence, out-of-order
// delivery), refusal of hand-built hostile deltas, and how many operations
// each kind of edit costs.

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "support/random_doc.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/event.hpp"
#include "weft/origin.hpp"
#include "weft/snapshot.hpp"
#include "weft/value.hpp"

namespace {

using weft::container_desc;
using weft::container_slot;
using weft::container_type;
using weft::counter_add;
using weft::delta_value;
using weft::doc;
using weft::doc_delta;
using weft::doc_op;
using weft::errc;
using weft::list_insert_run;
using weft::map_write;
using weft::op_id;
using weft::origin;
using weft::replica_id;
using weft::text_delete_run;
using weft::text_insert_run;
using weft::value;
using weft::version_vector;

using weft::testing::kA;
using weft::testing::kB;
using weft::testing::kC;
using weft::testing::kD;
using weft::testing::ok;
using weft::testing::replica_of;
using weft::testing::require_sound;
using weft::testing::sync;
using weft::testing::take;

// fresh_copy builds a replica of `from` under `r` through a delta, without
// relying on fork.
doc fresh_copy(const doc& from, replica_id r) {
  doc d = replica_of(from, r);
  REQUIRE(d.to_json() == from.to_json());
  return d;
}

container_desc root(container_type type, std::string name) {
  container_desc c;
  c.how = container_desc::kind::root;
  c.type = type;
  c.name = std::move(name);
  return c;
}

container_desc derived(container_type type, std::string key, std::uint32_t parent) {
  container_desc c;
  c.how = container_desc::kind::derived;
  c.type = type;
  c.name = std::move(key);
  c.parent = parent;
  return c;
}

container_desc created(container_type type, op_id creator) {
  container_desc c;
  c.how = container_desc::kind::created;
  c.type = type;
  c.creator = creator;
  return c;
}

delta_value dint(std::int64_t i) { return delta_value{i}; }

map_write write(op_id id, std::uint64_t lamport, std::string key,
                std::optional<delta_value> v, std::vector<op_id> preds = {}) {
  map_write w;
  w.id = id;
  w.lamport = lamport;
  w.key = std::move(key);
  w.preds = std::move(preds);
  w.value = std::move(v);
  return w;
}

// ---------------------------------------------------------------------------
// Roots and identity
// ---------------------------------------------------------------------------

TEST_CASE("doc: roots are named by name and type") {
  doc d(kA);
  CHECK(d.to_json() == "{}");
  const auto t1 = d.get_text("x");
  const auto t2 = d.get_text("x");
  CHECK(t1 == t2);
  auto m = d.get_map("x");
  const auto l = d.get_list("x");
  const auto c = d.get_counter("x");
  const auto r = d.get_register("x");
  CHECK(t1.type() == container_type::text);
  CHECK(m.type() == container_type::map);
  CHECK(l.type() == container_type::list);
  CHECK(c.type() == container_type::counter);
  CHECK(r.type() == container_type::reg);
  // Same name, other types: other containers.
  CHECK_FALSE(weft::container(m) == weft::container(t1));
  CHECK_FALSE(weft::container(l) == weft::container(m));
  CHECK_FALSE(weft::container(c) == weft::container(r));
  CHECK(d.get_map("y") == d.get_map("y"));
  CHECK_FALSE(d.get_map("y") == m);
  // Getting roots records nothing and shows nothing.
  CHECK(d.version().empty());
  CHECK(d.op_count() == 0);
  CHECK(d.to_json() == "{}");
  require_sound(d);

  // Root paths are their names.
  const auto p = t1.path();
  REQUIRE(p);
  REQUIRE(p->size() == 1);
  CHECK(std::get<std::string>((*p)[0]) == "x");

  // One type under a name: keyed by the plain name.
  ok(d.get_text("x").insert(0, "hi"));
  CHECK(d.to_json() == R"({"x":"hi"})");
  // Two types under one name: name:type, sorted as strings.
  ok(m.set("k", 1));
  CHECK(d.to_json() == R"({"x:map":{"k":1},"x:text":"hi"})");
  ok(d.get_counter("x").add(3));
  CHECK(d.to_json() == R"({"x:counter":3,"x:map":{"k":1},"x:text":"hi"})");
  require_sound(d);
  CHECK(weft::container_type_name(container_type::reg) == std::string("register"));
  CHECK(weft::container_type_name(container_type::text) == std::string("text"));
}

TEST_CASE("doc: replicas asking for the same root share it") {
  doc a(kA);
  doc b(kB);
  ok(a.get_text("title").insert(0, "ab"));
  ok(b.get_text("title").insert(0, "cd"));
  ok(a.get_map("meta").set("by", "a"));
  ok(b.get_map("meta").set("lang", "en"));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() == b.to_json());
  const std::string title = a.get_text("title").to_string();
  CHECK((title == "abcd" || title == "cdab"));
  CHECK(a.get_map("meta").to_json() == R"({"by":"a","lang":"en"})");
  CHECK(a.version() == b.version());
  CHECK(a.version().get(kA) == 3);
  CHECK(b.version().get(kB) == 3);
}

TEST_CASE("doc: replica, id and options") {
  doc a(kA);
  CHECK(a.replica() == kA);
  CHECK_FALSE(a.id().empty());
  weft::doc_options opts;
  opts.id = "doc-1";
  doc named(kB, opts);
  CHECK(named.id() == "doc-1");
  CHECK(named.replica() == kB);
  // A fork is the same document under another replica.
  doc f = named.fork(kC);
  CHECK(f.replica() == kC);
  CHECK(f.id() == "doc-1");
  // Default documents get random ids and replicas.
  doc r1;
  doc r2;
  CHECK_FALSE(r1.id().empty());
  CHECK(r1.id() != r2.id());
  CHECK(r1.replica() != r2.replica());
}

TEST_CASE("doc: handles survive moving the document") {
  doc a(kA);
  auto t = a.get_text("t");
  auto m = a.get_map("m");
  doc b = std::move(a);
  ok(t.insert(0, "x"));
  ok(m.set("k", true));
  CHECK(b.to_json() == R"({"m":{"k":true},"t":"x"})");
  doc c(kC);
  c = std::move(b);
  ok(t.insert(1, "y"));
  CHECK(c.to_json() == R"({"m":{"k":true},"t":"xy"})");
  require_sound(c);
}

TEST_CASE("doc: fork is an independent deep copy") {
  doc a(kA);
  auto m = a.get_map("m");
  auto t = take(m.set_text("t"));
  ok(t.insert(0, "abc"));
  ok(a.get_counter("n").add(7));
  int a_updates = 0;
  auto sub = a.observe_updates([&](const doc_delta&, const origin&) { ++a_updates; });

  doc f = a.fork(kB);
  require_sound(f);
  CHECK(f.to_json() == a.to_json());
  CHECK(f.version() == a.version());
  CHECK(f.replica() == kB);
  ok(f.get_map("m").get("t")->as_container().as_text().insert(3, "d"));
  ok(f.get_counter("n").add(1));
  CHECK(a_updates == 0);  // observers stay with the original
  CHECK(a.to_json() == R"({"m":{"t":"abc"},"n":7})");
  CHECK(f.to_json() == R"({"m":{"t":"abcd"},"n":8})");
  CHECK(f.version().get(kB) == 2);
  CHECK(f.version().get(kA) == a.version().get(kA));
  ok(t.insert(0, ">"));
  sync(f, a);
  sync(a, f);
  CHECK(a.to_json() == R"({"m":{"t":">abcd"},"n":8})");
  CHECK(f.to_json() == a.to_json());
  require_sound(a);
}

// ---------------------------------------------------------------------------
// to_json
// ---------------------------------------------------------------------------

TEST_CASE("doc: to_json renders every kind of value") {
  doc d(kA);
  auto m = d.get_map("m");
  ok(m.set("b", true));
  ok(m.set("a", nullptr));
  ok(m.set("z", false));
  ok(m.set("i", std::numeric_limits<std::int64_t>::min()));
  ok(m.set("j", std::int64_t{42}));
  ok(m.set("d", 0.1));
  ok(m.set("e", -2.25));
  ok(m.set("n", std::numeric_limits<double>::quiet_NaN()));
  ok(m.set("inf", std::numeric_limits<double>::infinity()));
  ok(m.set("s", "q\"b\\"));
  ok(m.set("y", weft::bytes{0x00, 0xff, 0x1a}));
  ok(m.set("w", weft::bytes{}));
  require_sound(d);
  const std::string map_json =
      R"({"a":null,"b":true,"d":0.1,"e":-2.25,"i":-9223372036854775808,"inf":null,)"
      R"("j":42,"n":null,"s":"q\"b\\","w":{"bytes":""},"y":{"bytes":"00ff1a"},"z":false})";
  CHECK(m.to_json() == map_json);
  CHECK(d.to_json() == R"({"m":)" + map_json + "}");

  auto l = d.get_list("l");
  ok(l.push_back(1));
  auto lt = take(l.insert_text(1));
  ok(lt.insert(0, "tx"));
  auto ll = take(l.insert_list(2));
  ok(ll.push_back(2));
  auto lm = take(l.insert_map(3));
  ok(lm.set("k", "v"));
  auto lc = take(l.insert_counter(4));
  ok(lc.add(-3));
  auto lr = take(l.insert_register(5));
  ok(lr.set(1.5));
  ok(d.get_counter("c").add(5));
  ok(d.get_register("r").set("v"));
  auto r2 = d.get_register("r2");
  ok(r2.set(1));
  ok(r2.clear());
  // A text whose content is all erased still had operations: it shows as "".
  auto t = d.get_text("t");
  ok(t.insert(0, "gone"));
  ok(t.erase(0, 4));
  require_sound(d);

  const std::string list_json = R"([1,"tx",[2],{"k":"v"},-3,1.5])";
  CHECK(l.to_json() == list_json);
  CHECK(lt.to_json() == R"("tx")");
  CHECK(lc.to_json() == "-3");
  CHECK(r2.to_json() == "null");
  CHECK(d.to_json() == R"({"c":5,"l":)" + list_json + R"(,"m":)" + map_json +
                           R"(,"r":"v","r2":null,"t":""})");
  // A value holding a container renders the container in place.
  CHECK(l.get(3)->to_json() == R"({"k":"v"})");
  CHECK(value(std::int64_t{-7}).to_json() == "-7");
  CHECK(value("x").to_json() == R"("x")");

  // The rendering survives replication byte for byte.
  doc copy = fresh_copy(d, kB);
  CHECK(copy.to_json() == d.to_json());
}

TEST_CASE("doc: to_json nests containers in place") {
  doc d(kA);
  auto root = d.get_map("root");
  auto a = take(root.set_map("a"));
  auto b = take(a.get_or_create_map("b"));
  auto items = take(b.set_list("items"));
  ok(items.insert(0, std::vector<value>{1, 2}));
  auto note = take(items.insert_text(1));
  ok(note.insert(0, "n"));
  CHECK(d.to_json() == R"({"root":{"a":{"b":{"items":[1,"n",2]}}}})");
  const auto p = note.path();
  REQUIRE(p);
  REQUIRE(p->size() == 5);
  CHECK(std::get<std::string>((*p)[0]) == "root");
  CHECK(std::get<std::string>((*p)[1]) == "a");
  CHECK(std::get<std::string>((*p)[2]) == "b");
  CHECK(std::get<std::string>((*p)[3]) == "items");
  CHECK(std::get<std::size_t>((*p)[4]) == 1);
  // Overwriting detaches: the old subtree is no longer reachable.
  ok(root.set("a", 0));
  CHECK_FALSE(note.path());
  CHECK_FALSE(b.path());
  CHECK(d.to_json() == R"({"root":{"a":0}})");
  // Edits to a detached container still work; they just do not show.
  ok(note.insert(1, "!"));
  CHECK(note.to_string() == "n!");
  CHECK(d.to_json() == R"({"root":{"a":0}})");
  require_sound(d);
}

// ---------------------------------------------------------------------------
// Transactions, origins and the update stream
// ---------------------------------------------------------------------------

TEST_CASE("doc: nested transactions join the outer one and keep its origin") {
  doc d(kA);
  auto t = d.get_text("t");
  auto m = d.get_map("m");
  std::vector<origin> text_origins;
  std::vector<origin> map_origins;
  std::vector<std::pair<std::uint64_t, origin>> updates;
  auto s1 = t.observe([&](const weft::text_event& e) { text_origins.push_back(e.origin); });
  auto s2 = m.observe([&](const weft::map_event& e) { map_origins.push_back(e.origin); });
  auto s3 = d.observe_updates([&](const doc_delta& dd, const origin& o) {
    updates.emplace_back(dd.op_count(), o);
  });

  CHECK_FALSE(d.in_transaction());
  d.transact(
      [&] {
        CHECK(d.in_transaction());
        ok(t.insert(0, "ab"));
        d.transact(
            [&] {
              CHECK(d.in_transaction());
              ok(t.insert(2, "cd"));
              ok(m.set("k", 1));
            },
            origin::user("inner"));
        CHECK(d.in_transaction());
        // Nothing is raised before the outermost transaction ends.
        CHECK(text_origins.empty());
        CHECK(map_origins.empty());
        CHECK(updates.empty());
      },
      origin::user("outer"));
  CHECK_FALSE(d.in_transaction());
  REQUIRE(text_origins.size() == 1);
  CHECK(text_origins[0] == origin::user("outer"));
  REQUIRE(map_origins.size() == 1);
  CHECK(map_origins[0] == origin::user("outer"));
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].first == 5);
  CHECK(updates[0].second == origin::user("outer"));
  CHECK(updates[0].second.tag() == "outer");

  // Outside transact, every edit is its own local transaction.
  ok(t.insert(0, "x"));
  ok(t.insert(0, "y"));
  REQUIRE(text_origins.size() == 3);
  CHECK(text_origins[1] == origin::local());
  CHECK(text_origins[2] == origin::local());
  REQUIRE(updates.size() == 3);
  CHECK(updates[2].first == 1);
  CHECK(updates[2].second.type() == origin::kind::local);

  // The default origin of transact is local.
  d.transact([&] { ok(m.set("k", 2)); });
  REQUIRE(map_origins.size() == 2);
  CHECK(map_origins[1] == origin::local());

  // apply is a transaction of origin remote, or the one passed.
  doc e(kB);
  auto et = e.get_text("t");
  std::vector<origin> e_origins;
  auto s4 = et.observe([&](const weft::text_event& ev) { e_origins.push_back(ev.origin); });
  std::vector<origin> e_updates;
  auto s5 = e.observe_updates([&](const doc_delta&, const origin& o) { e_updates.push_back(o); });
  const auto v = d.version();
  ok(e.apply(d.delta_since({})));
  ok(d.get_text("t").insert(0, "z"));
  ok(e.apply(d.delta_since(v), origin::user("sync")));
  REQUIRE(e_origins.size() == 2);
  CHECK(e_origins[0] == origin::remote());
  CHECK(e_origins[1] == origin::user("sync"));
  REQUIRE(e_updates.size() == 2);
  CHECK(e_updates[0] == origin::remote());
  CHECK(e_updates[1] == origin::user("sync"));
  require_sound(d);
  require_sound(e);
}

TEST_CASE("doc: a transaction that throws keeps and commits its edits") {
  doc d(kA);
  auto t = d.get_text("t");
  int events = 0;
  std::vector<std::uint64_t> updates;
  auto s1 = t.observe([&](const weft::text_event&) { ++events; });
  auto s2 = d.observe_updates(
      [&](const doc_delta& dd, const origin&) { updates.push_back(dd.op_count()); });
  CHECK_THROWS_AS(d.transact([&] {
    ok(t.insert(0, "ab"));
    throw std::runtime_error("boom");
  }),
                  std::runtime_error);
  CHECK_FALSE(d.in_transaction());
  CHECK(t.to_string() == "ab");
  CHECK(events == 1);
  CHECK(updates == std::vector<std::uint64_t>{2});
  CHECK(d.version().get(kA) == 2);
  require_sound(d);
  // The document keeps working.
  ok(t.insert(2, "c"));
  CHECK(events == 2);
  CHECK(t.to_string() == "abc");
}

TEST_CASE("doc: observe_updates delivers exactly each transaction's ops") {
  doc a(kA);
  std::vector<doc_delta> updates;
  std::vector<std::uint64_t> counts;
  auto sub = a.observe_updates([&](const doc_delta& dd, const origin& o) {
    CHECK(o == origin::local());
    updates.push_back(dd);
  });
  doc mirror(kB);
  auto m = a.get_map("m");
  auto t = a.get_text("t");
  auto l = a.get_list("l");
  auto c = a.get_counter("c");
  auto r = a.get_register("r");

  // Each step is one transaction; the mirror applies each update as it
  // comes and must then equal the source exactly.
  std::vector<std::function<void()>> steps = {
      [&] { ok(t.insert(0, "hello")); },
      [&] { a.transact([&] {
              ok(t.insert(5, " world"));
              ok(t.erase(0, 1));
              ok(m.set("a", 1));
            }); },
      [&] { a.transact([&] {
              auto n = take(m.set_map("n"));
              ok(n.set("x", "y"));
              auto nt = take(n.get_or_create_text("body"));
              ok(nt.insert(0, "\xF0\x9F\x98\x80!"));
            }); },
      [&] { ok(l.insert(0, std::vector<value>{1, 2, 3})); },
      [&] { a.transact([&] {
              auto lt = take(l.insert_text(1));
              ok(lt.insert(0, "in list"));
              ok(l.erase(2, 1));
              ok(c.add(-4));
            }); },
      [&] { ok(r.set(weft::bytes{1, 2})); },
      [&] { a.transact([&] {
              ok(m.erase("a"));
              ok(r.clear());
              ok(c.add(10));
            }); },
  };
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    INFO("step " << i);
    const std::uint64_t before = a.op_count();
    const std::size_t n_updates = updates.size();
    steps[i]();
    require_sound(a);
    REQUIRE(updates.size() == n_updates + 1);
    const std::uint64_t made = a.op_count() - before;
    CHECK(updates.back().op_count() == made);
    total += made;
    ok(mirror.apply(updates.back()));
    require_sound(mirror);
    CHECK(mirror.pending_ops() == 0);
    CHECK(mirror.to_json() == a.to_json());
    CHECK(mirror.version() == a.version());
  }
  CHECK(a.version().get(kA) == total);
  CHECK(a.op_count() == total);

  // Transactions that change nothing send nothing.
  const std::size_t n_updates = updates.size();
  ok(m.erase("absent"));
  ok(c.add(0));
  ok(t.insert(0, ""));
  ok(r.clear());
  a.transact([&] { ok(t.erase(0, 0)); });
  CHECK(updates.size() == n_updates);

  // The same updates delivered newest first reach the same state once the
  // first arrives; until then they wait.
  doc backwards(kC);
  for (std::size_t i = updates.size(); i-- > 1;) {
    ok(backwards.apply(updates[i]));
    CHECK(backwards.to_json() == "{}");
  }
  CHECK(backwards.pending_ops() == total - updates[0].op_count());
  ok(backwards.apply(updates[0]));
  CHECK(backwards.pending_ops() == 0);
  CHECK(backwards.to_json() == a.to_json());
  CHECK(backwards.version() == a.version());
  require_sound(backwards);
}

TEST_CASE("doc: a remote apply reports the integrated ops to its observers") {
  doc a(kA);
  ok(a.get_text("t").insert(0, "abc"));
  const auto v1 = a.version();
  ok(a.get_text("t").insert(3, "def"));
  const doc_delta first = a.delta_since({});
  const doc_delta second = a.delta_since(v1);

  doc b(kB);
  std::vector<doc_delta> b_updates;
  auto sub = b.observe_updates([&](const doc_delta& dd, const origin& o) {
    CHECK(o == origin::remote());
    b_updates.push_back(dd);
  });
  // Only waiting: nothing was integrated, so nothing is reported.
  ok(b.apply(second));
  CHECK(b.pending_ops() == 3);
  CHECK(b_updates.empty());
  // The release integrates all six at once, in one transaction.
  ok(b.apply(first));
  REQUIRE(b_updates.size() == 1);
  CHECK(b_updates[0].op_count() == 6);
  // A duplicate integrates nothing and reports nothing.
  ok(b.apply(first));
  ok(b.apply(a.delta_since({})));
  CHECK(b_updates.size() == 1);

  // Forwarding what b reported reproduces the state elsewhere.
  doc c(kC);
  ok(c.apply(b_updates[0]));
  CHECK(c.to_json() == a.to_json());
  require_sound(c);
}

TEST_CASE("doc: unsubscribing stops callbacks; subscriptions may outlive the doc") {
  doc d(kA);
  int calls = 0;
  auto sub = d.observe_updates([&](const doc_delta&, const origin&) { ++calls; });
  CHECK(sub.active());
  ok(d.get_counter("c").add(1));
  CHECK(calls == 1);
  sub.reset();
  CHECK_FALSE(sub.active());
  ok(d.get_counter("c").add(1));
  CHECK(calls == 1);

  weft::subscription outliving;
  {
    doc gone(kB);
    outliving = gone.get_text("t").observe([&](const weft::text_event&) { ++calls; });
    CHECK(outliving.active());
  }
  CHECK_FALSE(outliving.active());
  outliving.reset();
}

TEST_CASE("doc: an observer unsubscribed by an earlier one is not called in the same round") {
  doc d(kA);
  auto t = d.get_text("t");
  weft::subscription second;
  int first_calls = 0;
  int second_calls = 0;
  auto first = t.observe([&](const weft::text_event&) {
    ++first_calls;
    second.reset();  // its owner may free what the second one uses
  });
  second = t.observe([&](const weft::text_event&) { ++second_calls; });
  int updates = 0;
  weft::subscription later_update;
  auto first_update = d.observe_updates([&](const doc_delta&, const origin&) {
    ++updates;
    later_update.reset();
  });
  later_update = d.observe_updates([&](const doc_delta&, const origin&) { ++updates; });
  ok(t.insert(0, "x"));
  CHECK(first_calls == 1);
  CHECK(second_calls == 0);
  CHECK(updates == 1);
  // One subscribed during a round is not called until the next.
  weft::subscription added;
  int added_calls = 0;
  auto adder = t.observe([&](const weft::text_event&) {
    if (!added.active()) added = t.observe([&](const weft::text_event&) { ++added_calls; });
  });
  ok(t.insert(0, "y"));
  CHECK(added_calls == 0);
  ok(t.insert(0, "z"));
  CHECK(added_calls == 1);
}

// ---------------------------------------------------------------------------
// Replication
// ---------------------------------------------------------------------------

TEST_CASE("doc: delta_since and apply round-trip between three docs") {
  doc a(kA);
  doc b(kB);
  doc c(kC);
  ok(a.get_text("t").insert(0, "base"));
  auto am = a.get_map("m");
  auto list = take(am.get_or_create_list("items"));
  ok(list.insert(0, std::vector<value>{"x", "y"}));
  sync(a, b);
  sync(b, c);
  CHECK(c.to_json() == a.to_json());
  CHECK(a.delta_since(c.version()).empty());
  CHECK(a.delta_since(a.version()).empty());

  // Concurrent edits on all three.
  ok(a.get_text("t").insert(4, "-a"));
  ok(b.get_text("t").insert(0, "b-"));
  ok(b.get_map("m").set("by", "b"));
  ok(c.get_counter("n").add(3));
  auto clist = take(c.get_map("m").get_or_create_list("items"));
  ok(clist.push_back("z"));
  ok(a.get_counter("n").add(4));

  // delta_since(v) sends exactly what v lacks.
  const doc_delta ab = a.delta_since(b.version());
  CHECK(ab.op_count() == 3);

  sync(a, b);
  sync(b, c);
  sync(c, a);
  sync(a, b);
  CHECK(a.to_json() == b.to_json());
  CHECK(b.to_json() == c.to_json());
  CHECK(a.version() == c.version());
  CHECK(a.get_counter("n").value() == 7);
  CHECK(a.get_text("t").to_string() == "b-base-a");
  const auto items = take(a.get_map("m").get_or_create_list("items"));
  CHECK(items.to_json() == R"(["x","y","z"])");
  CHECK(a.get_map("m").get("by") == value("b"));
  require_sound(a);
  require_sound(b);
  require_sound(c);

  // Partial versions: a delta from an older version carries the rest.
  doc d(kD);
  ok(d.apply(a.delta_since({})));
  CHECK(d.to_json() == a.to_json());
}

// require_same_text requires the texts "t" of two docs to hold the same characters, deleted ones
// included: equal strings, equal anchors (op ids) at every position, and
// equal results of the same concurrent edits `later` applied to both.
void require_same_text(doc& x, doc& y, const doc_delta& later) {
  auto tx = x.get_text("t");
  auto ty = y.get_text("t");
  REQUIRE(tx.to_string() == ty.to_string());
  for (std::size_t i = 0; i < tx.size(); ++i) {
    REQUIRE(*tx.anchor_at(i, weft::affinity::right) == *ty.anchor_at(i, weft::affinity::right));
  }
  ok(x.apply(later));
  ok(y.apply(later));
  REQUIRE(tx.to_string() == ty.to_string());
  require_sound(x);
  require_sound(y);
}

TEST_CASE("doc: a whole history applied to an empty text lands as run by run") {
  // An empty text nobody observes takes a delta's runs in one pass; one
  // with an observer integrates them one by one (it reports each).
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    INFO("seed " << seed);
    weft::testing::rng r(seed);
    doc a(kA, {"d"});
    doc b(kB, {"d"});
    doc c(kC, {"d"});
    std::vector<doc*> docs{&a, &b, &c};
    const int rounds = static_cast<int>(r.between(1, 60));
    for (int i = 0; i < rounds; ++i) {
      doc& d = *docs[r.below(3)];
      auto t = d.get_text("t");
      if (t.size() > 0 && r.chance(35)) {
        const std::size_t pos = r.below(t.size());
        ok(t.erase(pos, r.between(1, std::min<std::size_t>(4, t.size() - pos))));
      } else {
        ok(t.insert(r.below(t.size() + 1), weft::testing::random_text(r, r.between(1, 6))));
      }
      if (r.chance(30)) sync(*docs[r.below(3)], *docs[r.below(3)]);
    }
    // c's later edits, concurrent with some of the history.
    const version_vector before = c.version();
    ok(c.get_text("t").insert(0, "<"));
    ok(c.get_text("t").insert(c.get_text("t").size(), ">"));
    const doc_delta later = c.delta_since(before);
    weft::testing::sync_all({&a, &b});
    const doc_delta full = a.delta_since({});

    doc bulk(kD, {"d"});
    doc single(replica_id{9}, {"d"});
    int reports = 0;
    auto sub = single.get_text("t").observe([&](const weft::text_event&) { ++reports; });
    ok(bulk.apply(full));
    ok(single.apply(full));
    REQUIRE(bulk.get_text("t").to_string() == a.get_text("t").to_string());
    if (!full.ops.empty()) REQUIRE(reports > 0);
    require_same_text(bulk, single, later);
  }
}

TEST_CASE("doc: an empty text takes runs whose right origin precedes the left one") {
  // Only a hand-made delta says so; the one-pass placement declines it and
  // the runs are integrated one by one, as in a text that is observed.
  const container_desc t = root(container_type::text, "t");
  const doc_delta odd{{t},
                      {doc_op{0, text_insert_run{op_id{kA, 0}, std::nullopt, std::nullopt, "abc"}},
                       doc_op{0, text_insert_run{op_id{kB, 0}, op_id{kA, 1}, op_id{kA, 0}, "X"}},
                       doc_op{0, text_insert_run{op_id{kC, 0}, op_id{kA, 1}, op_id{kA, 2}, "Y"}},
                       doc_op{0, text_delete_run{op_id{kC, 1}, 1, op_id{kA, 2}, false}}}};
  const doc_delta later{{t}, {doc_op{0, text_insert_run{op_id{kD, 0}, op_id{kA, 1},
                                                        std::nullopt, "Z"}}}};
  doc bulk(replica_id{20}, {"d"});
  doc single(replica_id{21}, {"d"});
  auto sub = single.get_text("t").observe([](const weft::text_event&) {});
  ok(bulk.apply(odd));
  ok(single.apply(odd));
  require_same_text(bulk, single, later);
}

TEST_CASE("doc: applying a delta twice changes nothing") {
  doc a(kA);
  auto m = a.get_map("m");
  auto t = take(m.set_text("t"));
  ok(t.insert(0, "abc"));
  ok(t.erase(1, 1));
  ok(a.get_counter("c").add(5));
  ok(a.get_list("l").insert(0, std::vector<value>{1, 2}));
  ok(a.get_register("r").set("v"));
  const doc_delta all = a.delta_since({});

  doc b(kB);
  ok(b.apply(all));
  const std::string json = b.to_json();
  const version_vector v = b.version();
  CHECK(json == a.to_json());
  int events = 0;
  auto s = b.get_counter("c").observe([&](const weft::counter_event&) { ++events; });
  ok(b.apply(all));
  ok(b.apply(all));
  CHECK(b.to_json() == json);
  CHECK(b.version() == v);
  CHECK(b.get_counter("c").value() == 5);  // adds are not counted twice
  CHECK(events == 0);
  CHECK(b.op_count() == a.op_count());
  require_sound(b);

  // Overlapping deltas too: the union lands once.
  ok(a.get_counter("c").add(1));
  doc c(kC);
  ok(c.apply(all));
  ok(c.apply(a.delta_since({})));
  ok(c.apply(all));
  CHECK(c.to_json() == a.to_json());
  CHECK(c.get_counter("c").value() == 6);
}

TEST_CASE("doc: ops wait for missing dependencies, then integrate") {
  doc a(kA);
  std::vector<doc_delta> txns;
  auto sub = a.observe_updates([&](const doc_delta& dd, const origin&) { txns.push_back(dd); });
  auto m = a.get_map("m");
  auto t = take(m.set_text("t"));  // 1 op: the container's creator
  ok(t.insert(0, "abc"));          // 3 ops on a container b does not have yet
  a.transact([&] {
    ok(t.erase(1, 1));
    ok(a.get_counter("c").add(2));
  });
  REQUIRE(txns.size() == 3);
  CHECK(txns[0].op_count() == 1);
  CHECK(txns[1].op_count() == 3);
  CHECK(txns[2].op_count() == 2);

  doc b(kB);
  ok(b.apply(txns[2]));
  CHECK(b.pending_ops() == 2);
  CHECK(b.to_json() == "{}");
  CHECK(b.version().empty());
  require_sound(b);
  // The whole history, overlapping what waits, integrates everything once.
  ok(b.apply(a.delta_since({})));
  CHECK(b.pending_ops() == 0);
  CHECK(b.to_json() == a.to_json());

  doc c(kC);
  ok(c.apply(txns[2]));
  ok(c.apply(txns[1]));
  ok(c.apply(txns[2]));  // waiting ops are not counted twice
  CHECK(c.pending_ops() == 5);
  CHECK(c.to_json() == "{}");
  require_sound(c);
  // Only the creator is missing: it releases everything.
  ok(c.apply(txns[0]));
  CHECK(c.pending_ops() == 0);
  CHECK(c.to_json() == a.to_json());
  CHECK(c.version() == a.version());
  CHECK(c.to_json() == R"({"c":2,"m":{"t":"ac"}})");
  require_sound(c);
}

TEST_CASE("doc: ops on another replica's container wait for its creation") {
  doc a(kA);
  auto t = take(a.get_map("m").set_text("t"));
  ok(t.insert(0, "a"));
  doc c = fresh_copy(a, kC);
  auto ct = c.get_map("m").get("t")->as_container().as_text();
  ok(ct.insert(1, "c"));
  // d sees c's edit before a's ops: it waits on a's, not just c's own.
  doc d(kD);
  ok(d.apply(c.delta_since(a.version())));
  CHECK(d.pending_ops() == 1);
  CHECK(d.to_json() == "{}");
  ok(d.apply(a.delta_since({})));
  CHECK(d.pending_ops() == 0);
  CHECK(d.to_json() == R"({"m":{"t":"ac"}})");
  require_sound(d);
}

TEST_CASE("doc: get_or_create children replicate by name") {
  doc a(kA);
  doc b(kB);
  auto at = take(a.get_map("m").get_or_create_text("t"));
  auto bt = take(b.get_map("m").get_or_create_text("t"));
  ok(at.insert(0, "aa"));
  ok(bt.insert(0, "bb"));
  sync(a, b);
  sync(b, a);
  CHECK(a.to_json() == b.to_json());
  const std::string s = at.to_string();
  CHECK((s == "aabb" || s == "bbaa"));
  CHECK(bt.to_string() == s);
}

// ---------------------------------------------------------------------------
// Hostile deltas
// ---------------------------------------------------------------------------

// base_doc makes a document whose first ops are known:
//   (kA,0) map write m["w"] = 1
//   (kA,1..3) text t "abc"
//   (kA,4) map write m["sub"] = new map (the creator of a nested map)
//   (kA,5) list l [7]
//   (kA,6) text erase of 'b' (kA,2)
//   (kA,7) counter c += 1
doc base_doc() {
  doc a(kA);
  ok(a.get_map("m").set("w", 1));
  ok(a.get_text("t").insert(0, "abc"));
  (void)take(a.get_map("m").set_map("sub"));
  ok(a.get_list("l").push_back(7));
  ok(a.get_text("t").erase(1, 1));
  ok(a.get_counter("c").add(1));
  REQUIRE(a.version().get(kA) == 8);
  return a;
}

struct hostile_case {
  const char* what;
  doc_delta delta;
  std::vector<errc> codes;  // any of these is accepted; empty: any error
};

TEST_CASE("doc: malformed deltas are refused whole") {
  const doc a = base_doc();
  const container_desc m = root(container_type::map, "m");
  const container_desc t = root(container_type::text, "t");
  const container_desc l = root(container_type::list, "l");
  const container_desc c = root(container_type::counter, "c");
  const container_desc r = root(container_type::reg, "r");
  const op_id w0{kA, 0};  // a map write: no character
  const op_id ch_a{kA, 1};
  const op_id ch_c{kA, 3};
  const op_id sub_creator{kA, 4};
  const op_id elem7{kA, 5};
  const op_id del_b{kA, 6};
  const op_id add1{kA, 7};
  const text_insert_run good_text{op_id{kC, 0}, ch_c, std::nullopt, "ok"};
  const std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
  const errc malformed = errc::malformed;

  std::vector<hostile_case> cases;
  auto add = [&](const char* what, std::vector<container_desc> cs, std::vector<doc_op> ops,
                 std::vector<errc> codes = {errc::malformed}) {
    cases.push_back(hostile_case{what, doc_delta{std::move(cs), std::move(ops)},
                                 std::move(codes)});
  };

  // Origins naming ops that exist but are no characters.
  add("origin_left is a map write", {t},
      {doc_op{0, text_insert_run{op_id{kC, 0}, w0, std::nullopt, "x"}}});
  add("origin_right is a counter add", {t},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, add1, "x"}}});
  add("origin_left is a text delete", {t},
      {doc_op{0, text_insert_run{op_id{kC, 0}, del_b, std::nullopt, "x"}}});
  add("origin_left is a container creator", {l},
      {doc_op{0, list_insert_run{op_id{kC, 0}, sub_creator, std::nullopt, {dint(1)}}}});
  add("origin is a map write arriving in the same delta", {m, t},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})},
       doc_op{1, text_insert_run{op_id{kC, 1}, op_id{kC, 0}, std::nullopt, "x"}}});
  add("origin is a character of another container", {l},
      {doc_op{0, list_insert_run{op_id{kC, 0}, ch_a, std::nullopt, {dint(1)}}}});
  add("delete targets a map write", {t},
      {doc_op{0, text_delete_run{op_id{kC, 0}, 1, w0, false}}});
  add("list delete targets a text character", {l},
      {doc_op{0, text_delete_run{op_id{kC, 0}, 1, ch_a, false}}});
  add("text delete targets a list element", {t},
      {doc_op{0, text_delete_run{op_id{kC, 0}, 1, elem7, false}}});

  // Ops of the wrong kind for their container.
  add("text run on a map", {m},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("list run on a text", {t},
      {doc_op{0, list_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, {dint(1)}}}});
  add("map write on a text", {t},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})}});
  add("counter add on a list", {l}, {doc_op{0, counter_add{op_id{kC, 0}, 5}}});
  add("text delete on a counter", {c},
      {doc_op{0, text_delete_run{op_id{kC, 0}, 1, ch_a, false}}});
  add("keyed write on a register", {r},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})}});
  add("created entry of the wrong type", {created(container_type::text, sub_creator)},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("created entry whose creator holds a scalar", {created(container_type::map, w0)},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})}});
  add("derived child of a text", {t, derived(container_type::map, "k", 0)},
      {doc_op{1, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})}});
  add("register value is a new container", {r, created(container_type::map, op_id{kC, 0})},
      {doc_op{0, write(op_id{kC, 0}, 100, "", delta_value{container_slot{1}})}});

  // Containers that could only ever wait for themselves, or would leave
  // the tree.
  add("text run on a container its own run creates",
      {created(container_type::text, op_id{kC, 1})},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "xyz"}}});
  add("list element holds a container a later element makes",
      {l, created(container_type::map, op_id{kC, 1})},
      {doc_op{0, list_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt,
                                 {delta_value{container_slot{1}}, dint(2)}}}});
  add("map value is a container of another parent",
      {root(container_type::map, "other"), created(container_type::map, sub_creator)},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{container_slot{1}})}});
  add("map value is a root", {m, t},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{container_slot{1}})}});

  {
    // 200 derived maps, each the child of the one before: deeper than any
    // container may nest.
    std::vector<container_desc> chain{m};
    for (std::uint32_t k = 0; k < 200; ++k) {
      chain.push_back(derived(container_type::map, "k", static_cast<std::uint32_t>(k)));
    }
    add("derived chain deeper than the nesting limit", std::move(chain),
        {doc_op{200, write(op_id{kC, 0}, 100, "k", delta_value{std::int64_t{1}})}});
  }

  // A broken container table.
  add("derived parent is itself", {m, derived(container_type::text, "k", 1)},
      {doc_op{1, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("derived parent is later", {m, derived(container_type::text, "k", 2), m},
      {doc_op{1, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("derived parent past the table", {m, derived(container_type::text, "k", 9)},
      {doc_op{1, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("op container past the table", {t},
      {doc_op{0, good_text},
       doc_op{1, text_insert_run{op_id{kC, 2}, std::nullopt, std::nullopt, "x"}}});
  add("op container in an empty table", {},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}});
  add("list value slot past the table", {l},
      {doc_op{0, list_insert_run{op_id{kC, 0}, elem7, std::nullopt,
                                 {delta_value{container_slot{5}}}}}});
  add("map value slot past the table", {m},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{container_slot{1}})}});

  // Invalid UTF-8, after a good op that must not land either.
  const std::vector<errc> utf8_codes{errc::invalid_utf8, malformed};
  add("text content", {t},
      {doc_op{0, good_text},
       doc_op{0, text_insert_run{op_id{kC, 2}, std::nullopt, std::nullopt, "\xC3("}}},
      {errc::invalid_utf8});
  add("text content with a surrogate", {t},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "\xED\xA0\x80"}}},
      {errc::invalid_utf8});
  add("map key", {m},
      {doc_op{0, write(op_id{kC, 0}, 100, "fine", dint(2))},
       doc_op{0, write(op_id{kC, 1}, 100, "\xFF", delta_value{std::int64_t{1}})}},
      utf8_codes);
  add("map string value", {m},
      {doc_op{0, write(op_id{kC, 0}, 100, "k", delta_value{std::string("\xC3")})}},
      utf8_codes);
  add("list string value", {l},
      {doc_op{0, list_insert_run{op_id{kC, 0}, elem7, std::nullopt,
                                 {delta_value{std::string("ok")},
                                  delta_value{std::string("\xF5\x80\x80\x80")}}}}},
      utf8_codes);
  add("root name", {root(container_type::text, "\xC0\xAF")},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, "x"}}},
      utf8_codes);

  // Ids past the sequence space.
  add("text run past max_seq", {t},
      {doc_op{0, text_insert_run{op_id{kC, weft::max_seq}, std::nullopt, std::nullopt, "xy"}}});
  add("list run past max_seq", {l},
      {doc_op{0, list_insert_run{op_id{kC, weft::max_seq}, std::nullopt, std::nullopt,
                                 {dint(1), dint(2)}}}});
  add("delete run past max_seq", {t},
      {doc_op{0, text_delete_run{op_id{kC, weft::max_seq}, 2, ch_a, false}}});
  add("delete targets past max_seq", {t},
      {doc_op{0, text_delete_run{op_id{kC, 0}, 3, op_id{kA, weft::max_seq - 1}, false}}});
  add("map write at 2^64-1", {m},
      {doc_op{0, write(op_id{kC, kMax64}, 100, "k", delta_value{std::int64_t{1}})}});
  add("counter add at 2^64-1", {c}, {doc_op{0, counter_add{op_id{kC, kMax64}, 1}}});

  // Empty runs.
  add("empty text run", {t},
      {doc_op{0, text_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, ""}}});
  add("empty list run", {l},
      {doc_op{0, list_insert_run{op_id{kC, 0}, std::nullopt, std::nullopt, {}}}});
  add("empty delete run", {t}, {doc_op{0, text_delete_run{op_id{kC, 0}, 0, ch_a, false}}});
  add("origin inside its own run", {t},
      {doc_op{0, text_insert_run{op_id{kC, 5}, op_id{kC, 5}, std::nullopt, "x"}}});

  for (const hostile_case& hc : cases) {
    INFO("case: " << hc.what);
    doc b = fresh_copy(a, kB);
    // Something waiting already, which a refused delta must not disturb.
    ok(b.apply(doc_delta{{t}, {doc_op{0, text_insert_run{op_id{kD, 3}, std::nullopt,
                                                         std::nullopt, "later"}}}}));
    const std::uint64_t pending = b.pending_ops();
    CHECK(pending == 5);
    const std::string json = b.to_json();
    const version_vector v = b.version();
    const std::uint64_t count = b.op_count();
    int updates = 0;
    auto sub = b.observe_updates([&](const doc_delta&, const origin&) { ++updates; });

    const auto res = b.apply(hc.delta);
    REQUIRE_FALSE(res);
    INFO("code: " << weft::errc_name(res.code()) << " (" << res.error().message << ")");
    if (!hc.codes.empty()) {
      bool expected = false;
      for (errc e : hc.codes) expected = expected || res.code() == e;
      CHECK(expected);
    }
    CHECK(b.to_json() == json);
    CHECK(b.version() == v);
    CHECK(b.pending_ops() == pending);
    CHECK(b.op_count() == count);
    CHECK(updates == 0);
    require_sound(b);

    // The document still takes good deltas afterwards.
    ok(b.apply(doc_delta{{t}, {doc_op{0, good_text}}}));
    CHECK(b.get_text("t").to_string() == "acok");
    require_sound(b);
  }
}

// ---------------------------------------------------------------------------
// Operation accounting
// ---------------------------------------------------------------------------

TEST_CASE("doc: every kind of edit costs the documented number of ops") {
  doc d(kA);
  std::uint64_t expect = 0;
  auto costs = [&](std::uint64_t n) {
    expect += n;
    CHECK(d.version().get(kA) == expect);
    CHECK(d.op_count() == expect);
    require_sound(d);
  };
  auto t = d.get_text("t");
  auto m = d.get_map("m");
  auto l = d.get_list("l");
  auto c = d.get_counter("c");
  auto r = d.get_register("r");
  costs(0);  // roots are free

  ok(t.insert(0, "h\xC3\xA9llo\xF0\x9F\x98\x80"));  // 6 code points
  costs(6);
  ok(t.erase(1, 2));
  costs(2);
  ok(t.insert(0, ""));
  costs(0);
  ok(t.erase(0, 0));
  costs(0);

  ok(m.set("k", 1));
  costs(1);
  ok(m.set("k", 1));  // same value: still a write
  costs(1);
  ok(m.erase("k"));
  costs(1);
  ok(m.erase("k"));  // nothing to erase
  costs(0);
  ok(m.erase("never"));
  costs(0);

  auto mt = take(m.set_text("st"));
  costs(1);
  ok(mt.insert(0, "ab"));
  costs(2);
  auto g1 = take(m.get_or_create_text("g"));
  costs(1);
  auto g2 = take(m.get_or_create_text("g"));
  costs(0);
  CHECK(g1 == g2);
  // A key holding a container of the asked type is reused, however it was made.
  auto st = take(m.get_or_create_text("st"));
  costs(0);
  CHECK(st == mt);
  // A key holding something else gets the named child attached.
  ok(m.set("s", "scalar"));
  costs(1);
  auto gs = take(m.get_or_create_map("s"));
  costs(1);
  auto gl = take(m.get_or_create_list("st"));  // held a text
  costs(1);
  (void)gs;
  (void)gl;
  (void)take(m.set_map("sm"));
  (void)take(m.set_list("sl"));
  (void)take(m.set_counter("sc"));
  (void)take(m.set_register("sr"));
  costs(4);
  (void)take(m.get_or_create_counter("gc"));
  (void)take(m.get_or_create_register("gr"));
  costs(2);

  ok(l.insert(0, std::vector<value>{1, "two", 3.0}));
  costs(3);
  ok(l.insert(0, std::vector<value>{}));
  costs(0);
  ok(l.push_back(4));
  costs(1);
  ok(l.erase(1, 2));
  costs(2);
  ok(l.erase(0, 0));
  costs(0);
  (void)take(l.insert_text(0));
  (void)take(l.insert_map(0));
  (void)take(l.insert_list(0));
  (void)take(l.insert_counter(0));
  (void)take(l.insert_register(0));
  costs(5);

  ok(c.add(5));
  costs(1);
  ok(c.add(0));
  costs(0);
  ok(c.add(-5));
  costs(1);

  ok(r.clear());  // nothing to clear
  costs(0);
  ok(r.set("v"));
  costs(1);
  ok(r.set("v"));
  costs(1);
  ok(r.clear());
  costs(1);
  ok(r.clear());
  costs(0);

  // Refused edits cost nothing.
  CHECK(t.insert(100, "x").code() == errc::out_of_range);
  CHECK(m.set("\xFF", 1).code() == errc::invalid_utf8);
  CHECK(l.erase(0, 100).code() == errc::out_of_range);
  CHECK(c.add(std::numeric_limits<std::int64_t>::min()).code() == errc::ok);
  costs(1);
  CHECK(c.add(-1).code() == errc::out_of_range);
  costs(0);

  // Only the doc's own replica counts.
  CHECK(d.version().size() == 1);
}

TEST_CASE("doc: capacity limits refuse edits and deltas whole") {
  weft::doc_options opts;
  opts.max_ops = 5;
  doc d(kA, opts);
  ok(d.get_text("t").insert(0, "abcd"));
  CHECK(d.get_text("t").insert(0, "xy").code() == errc::capacity_exceeded);
  CHECK(d.get_text("t").to_string() == "abcd");
  CHECK(d.op_count() == 4);
  ok(d.get_map("m").set("k", 1));
  CHECK(d.get_map("m").set("k", 2).code() == errc::capacity_exceeded);
  CHECK(d.get_counter("c").add(1).code() == errc::capacity_exceeded);
  CHECK(d.to_json() == R"({"m":{"k":1},"t":"abcd"})");
  require_sound(d);

  doc big(kB);
  ok(big.get_text("t").insert(0, "123456"));
  doc small(kC, opts);
  CHECK(small.apply(big.delta_since({})).code() == errc::capacity_exceeded);
  CHECK(small.to_json() == "{}");
  CHECK(small.version().empty());

  weft::doc_options few_pending;
  few_pending.max_pending_ops = 4;
  doc p(kD, few_pending);
  const doc_delta waits{{root(container_type::text, "t")},
                        {doc_op{0, text_insert_run{op_id{kC, 10}, std::nullopt,
                                                   std::nullopt, "hello"}}}};
  CHECK(p.apply(waits).code() == errc::capacity_exceeded);
  CHECK(p.pending_ops() == 0);
  require_sound(p);
}

TEST_CASE("doc: a refused nested write leaves no container behind") {
  // A peer's write at the top of the Lamport range leaves this replica one
  // write; the next map write is refused.
  doc d(kA);
  ok(d.apply(doc_delta{{root(container_type::map, "m")},
                       {doc_op{0, write(op_id{kB, 0}, std::numeric_limits<std::uint64_t>::max() - 2,
                                        "k", delta_value{std::int64_t{1}})}}}));
  auto m = d.get_map("m");
  ok(m.set("x", 1));
  const std::string json = d.to_json();
  const version_vector v = d.version();
  const auto made = m.set_text("t");
  REQUIRE_FALSE(made);
  CHECK(made.code() == errc::seq_exhausted);
  CHECK_FALSE(m.get_or_create_list("l"));
  CHECK(d.to_json() == json);
  CHECK(d.version() == v);
  require_sound(d);
  // The op id the refused write would have taken goes to the next edit,
  // which makes a container of its own.
  auto list = d.get_list("l");
  auto inner = take(list.insert_text(0));
  ok(inner.insert(0, "ok"));
  CHECK(list.get(0)->as_container() == weft::container(inner));
  CHECK(json == R"({"m":{"k":1,"x":1}})");
  CHECK(d.to_json() == R"({"l":["ok"],"m":{"k":1,"x":1}})");
  require_sound(d);
}

TEST_CASE("doc: memory_usage grows with content") {
  doc d(kA);
  const std::size_t empty = d.memory_usage();
  ok(d.get_text("t").insert(0, std::string(5000, 'x')));
  CHECK(d.memory_usage() > empty);
}

}  // namespace

// ---------------------------------------------------------------------------
// Shallow deletes and tombstones
// ---------------------------------------------------------------------------

namespace {

// mirror keeps a copy of an ASCII text from its events alone.
struct mirror {
  std::string text;
  void apply(const weft::text_event& e) {
    std::size_t at = 0;
    for (const weft::text_delta_op& op : e.delta) {
      switch (op.kind) {
        case weft::delta_kind::retain:
          at += op.len;
          break;
        case weft::delta_kind::insert:
          text.insert(at, op.text);
          at += op.len;
          break;
        case weft::delta_kind::erase:
          text.erase(at, op.len);
          break;
      }
    }
  }
};

}  // namespace

TEST_CASE("doc: tombstones delete what they name, at once or when it arrives", "[doc][shallow]") {
  doc a(kA, {.id = "t"});
  ok(a.get_text("t").insert(0, "hello world"));  // ops kA:0..10
  const doc_delta text = a.delta_since({});
  doc_delta tombs;
  tombs.tombstones = {weft::id_range{kA, 0, 6}};  // "hello "

  // A replica holding the text erases them at once, with events.
  doc b(kB, {.id = "t"});
  ok(b.apply(text));
  mirror seen{b.get_text("t").to_string()};
  auto sub = b.get_text("t").observe([&](const weft::text_event& e) { seen.apply(e); });
  const version_vector before = b.version();
  ok(b.apply(tombs));
  require_sound(b);
  CHECK(b.get_text("t").to_string() == "world");
  CHECK(seen.text == "world");
  CHECK(b.version() == before);  // tombstones are no ops

  // One that has not seen them refuses them: a tombstone never comes
  // before its element (it would delete what its author still shows).
  doc c(kC, {.id = "t"});
  CHECK(c.apply(tombs).code() == errc::malformed);
  CHECK(c.to_json() == "{}");
  // An element that waits for a dependency has been seen: its tombstone
  // waits with it and deletes it as it lands.
  doc_delta later = text;
  auto& run = std::get<text_insert_run>(later.ops[0].op);
  run.id = op_id{kA, 3};
  run.origin_left = op_id{kA, 2};
  run.content = "lo world";
  later.tombstones = {weft::id_range{kA, 3, 6}};  // "lo "
  ok(c.apply(later));
  require_sound(c);
  CHECK(c.pending_ops() == 8);
  ok(c.apply(text));
  require_sound(c);
  CHECK(c.get_text("t").to_string() == "helworld");
  ok(c.apply(tombs));
  CHECK(c.get_text("t").to_string() == "world");

  // It keeps them, and passes them on with the elements they name and with
  // its shallow deletes.
  const std::vector<weft::id_range> all{weft::id_range{kA, 0, 6}};
  CHECK(c.delta_since({}).tombstones == all);
  CHECK(c.delta_since(c.version()).tombstones.empty());
  doc_delta shallow;
  shallow.ops.push_back(doc_op{0, weft::shallow_delete_run{op_id{kA, 11}, 2}});
  shallow.tombstones = {weft::id_range{kA, 0, 6}};
  ok(c.apply(shallow));
  require_sound(c);
  CHECK(c.version().get(kA) == 13);
  CHECK(c.op_count() == 13);
  const doc_delta passed = c.delta_since(b.version());
  REQUIRE(passed.ops.size() == 1);
  CHECK(std::holds_alternative<weft::shallow_delete_run>(passed.ops[0].op));
  CHECK(passed.tombstones == shallow.tombstones);
  // One that comes early waits like any op, and snapshots keep it waiting.
  doc_delta early;
  early.ops.push_back(doc_op{0, weft::shallow_delete_run{op_id{kA, 20}, 2}});
  ok(c.apply(early));
  CHECK(c.pending_ops() == 2);
  for (const auto kind : {weft::snapshot_kind::full, weft::snapshot_kind::state_only}) {
    const doc back = take(weft::load(weft::save(c, {kind, {}}), kD));
    require_sound(back);
    CHECK(back.pending_ops() == 2);
    CHECK(back.to_json() == c.to_json());
  }
  // After them, the replica's later ops land as usual.
  ok(a.get_text("t").erase(0, 2));  // kA:11, 12 (unknown to c as such)
  ok(a.get_text("t").insert(0, "!"));  // kA:13
  ok(c.apply(a.delta_since(c.version())));
  require_sound(c);
  CHECK(c.get_text("t").to_string() == "!world");
}

TEST_CASE("doc: malformed shallow deletes and tombstones change nothing", "[doc][shallow]") {
  doc d(kA, {.id = "t"});
  ok(d.get_text("t").insert(0, "abcdef"));
  const std::string json = d.to_json();
  const version_vector v = d.version();
  auto refused = [&](doc_delta bad) {
    const auto r = d.apply(bad);
    CHECK(r.code() == errc::malformed);
    CHECK(d.to_json() == json);
    CHECK(d.version() == v);
    CHECK(d.delta_since({}).tombstones.empty());
    require_sound(d);
  };
  auto with = [](std::vector<weft::id_range> t) {
    doc_delta x;
    x.tombstones = std::move(t);
    return x;
  };
  refused(with({weft::id_range{kA, 3, 3}}));                                   // empty
  refused(with({weft::id_range{kA, 3, 5}, weft::id_range{kA, 0, 1}}));         // unordered
  refused(with({weft::id_range{kA, 0, 2}, weft::id_range{kA, 2, 4}}));         // adjacent
  refused(with({weft::id_range{kB, 0, 2}, weft::id_range{kA, 0, 2}}));         // replicas unordered
  doc_delta named;
  container_desc t;
  t.type = container_type::text;
  t.name = "t";
  named.containers.push_back(t);
  named.ops.push_back(doc_op{0, weft::shallow_delete_run{op_id{kB, 0}, 1}});
  named.ops.front().container = 1;
  refused(named);  // a shallow delete names no container
  doc_delta none;
  none.ops.push_back(doc_op{0, weft::shallow_delete_run{op_id{kB, 0}, 0}});
  refused(none);
  doc_delta overflow;
  overflow.ops.push_back(
      doc_op{0, weft::shallow_delete_run{op_id{kB, weft::max_seq}, 2}});
  refused(overflow);
}
