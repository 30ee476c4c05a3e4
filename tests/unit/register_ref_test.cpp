// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: register_ref_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::register_ref, which is both a last-writer-wins register
// (get) and a multi-value register (get_all): concurrent writes keep every
// value until a write that has seen them replaces them all; clear removes
// what it has seen.

#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_tostring.hpp>
#include <cstdint>
#include <limits>
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
using weft::register_ref;
using weft::replica_id;
using weft::value;

using weft::testing::kA;
using weft::testing::kB;
using weft::testing::kC;
using weft::testing::ok;
using weft::testing::replica_of;
using weft::testing::require_sound;
using weft::testing::sync;
using weft::testing::sync_all;

TEST_CASE("register: set, get, clear on one replica") {
  doc d(kA);
  auto r = d.get_register("r");
  CHECK_FALSE(r.get());
  CHECK(r.get_all().empty());
  CHECK(r.to_json() == "null");
  CHECK(d.to_json() == "{}");

  const std::vector<value> values = {
      value(), value(true), value(std::numeric_limits<std::int64_t>::min()), value(2.5),
      value("\xE6\x97\xA5\xE6\x9C\xAC"), value(weft::bytes{0xde, 0xad}), value(""),
      value(weft::bytes{})};
  std::uint64_t ops = 0;
  for (const value& v : values) {
    ok(r.set(v));
    ++ops;
    CHECK(r.get() == v);
    CHECK(r.get_all() == std::vector<value>{v});
    CHECK(r.to_json() == v.to_json());
    CHECK(d.version().get(kA) == ops);
  }
  // A null value is a value: get is not empty.
  ok(r.set(nullptr));
  ++ops;
  REQUIRE(r.get());
  CHECK(r.get()->is_null());
  CHECK(d.to_json() == R"({"r":null})");
  ok(r.set(42));
  ++ops;
  CHECK(d.to_json() == R"({"r":42})");
  ok(r.clear());
  ++ops;
  CHECK_FALSE(r.get());
  CHECK(r.get_all().empty());
  CHECK(d.to_json() == R"({"r":null})");
  ok(r.clear());  // nothing left to clear: no op
  CHECK(d.version().get(kA) == ops);
  require_sound(d);

  // Refused: containers, invalid UTF-8.
  CHECK(r.set(value(weft::container(d.get_map("m")))).code() == errc::invalid_argument);
  CHECK(r.set(value("\xF8\x88\x80\x80\x80")).code() == errc::invalid_utf8);
  CHECK(d.version().get(kA) == ops);
  CHECK_FALSE(r.get());
}

TEST_CASE("register: concurrent writes keep every value, the winner first") {
  doc base(kC);
  ok(base.get_register("r").set("base"));
  doc a = replica_of(base, kA);
  doc b = replica_of(base, kB);
  ok(a.get_register("r").set("a"));
  ok(b.get_register("r").set("b"));
  // Before syncing each sees only its own.
  CHECK(a.get_register("r").get_all() == std::vector<value>{value("a")});
  sync(a, b);
  sync(b, a);
  for (doc* d : {&a, &b}) {
    auto r = d->get_register("r");
    CHECK(r.get() == value("b"));  // equal Lamport times: higher replica wins
    CHECK(r.get_all() == std::vector<value>{value("b"), value("a")});
  }
  CHECK(a.to_json() == R"({"r":"b"})");
  CHECK(b.to_json() == a.to_json());

  // A write that saw both replaces both.
  ok(a.get_register("r").set("merged"));
  sync(a, b);
  CHECK(b.get_register("r").get_all() == std::vector<value>{value("merged")});

  // Three-way conflict, then a clear that saw it all.
  doc c = replica_of(a, kC);
  ok(a.get_register("r").set(1));
  ok(b.get_register("r").set(2));
  ok(c.get_register("r").set(3));
  sync_all({&a, &b, &c});
  for (doc* d : {&a, &b, &c}) {
    const auto all = d->get_register("r").get_all();
    REQUIRE(all.size() == 3);
    CHECK(all[0] == value(3));
    CHECK(d->get_register("r").get() == value(3));
    CHECK(d->to_json() == a.to_json());
  }
  ok(b.get_register("r").clear());
  sync_all({&a, &b, &c});
  for (doc* d : {&a, &b, &c}) {
    CHECK_FALSE(d->get_register("r").get());
    CHECK(d->get_register("r").get_all().empty());
    CHECK(d->to_json() == R"({"r":null})");
  }
  require_sound(a);
}

TEST_CASE("register: a clear only removes what it saw") {
  doc base(kC);
  ok(base.get_register("r").set("old"));
  doc a = replica_of(base, kA);
  doc b = replica_of(base, kB);
  ok(a.get_register("r").clear());
  ok(b.get_register("r").set("new"));
  sync(a, b);
  sync(b, a);
  CHECK(a.get_register("r").get() == b.get_register("r").get());
  CHECK(a.get_register("r").get_all() == b.get_register("r").get_all());
  // "old" was seen and cleared by a and overwritten by b: it is gone.
  for (const value& v : a.get_register("r").get_all()) CHECK(v != value("old"));
  CHECK(a.to_json() == b.to_json());
}

TEST_CASE("register: the later Lamport time wins whatever the replica ids") {
  doc a(kA);
  doc b(kB);
  auto ar = a.get_register("r");
  for (int i = 0; i < 5; ++i) ok(ar.set(i));  // a's clock runs ahead
  ok(ar.set("a"));
  ok(b.get_register("r").set("b"));
  sync(a, b);
  sync(b, a);
  CHECK(ar.get() == value("a"));
  CHECK(b.get_register("r").get() == value("a"));
  CHECK(ar.get_all() == std::vector<value>{value("a"), value("b")});
}

TEST_CASE("register: nested registers") {
  doc a(kA);
  doc b(kB);
  auto ar = a.get_map("m").get_or_create_register("r").value();
  auto br = b.get_map("m").get_or_create_register("r").value();
  ok(ar.set(1));
  ok(br.set(2));
  sync(a, b);
  sync(b, a);
  // One register, two concurrent values.
  CHECK(ar.get_all().size() == 2);
  CHECK(ar.get() == br.get());
  CHECK(a.to_json() == b.to_json());
  auto sr = a.get_map("m").set_register("s").value();
  CHECK_FALSE(sr.get());
  CHECK(a.get_map("m").to_json() == R"({"r":2,"s":null})");
  ok(sr.set("x"));
  sync(a, b);
  CHECK(b.to_json() == R"({"m":{"r":2,"s":"x"}})");
  require_sound(b);
}

}  // namespace
