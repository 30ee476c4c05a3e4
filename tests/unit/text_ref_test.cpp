// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_ref_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft::text_ref, text inside a document: local edits against a
// std::u32string model with UTF-16 conversions and slices, anchors, texts
// nested in maps and lists, concurrent editing across documents, and refused
// input.
//
// Randomness is a fixed splitmix64 stream so that runs are identical
// natively and under wasm.

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/doc_testing.hpp"
#include "weft/doc.hpp"

namespace {

using weft::affinity;
using weft::anchor;
using weft::doc;
using weft::errc;
using weft::replica_id;
using weft::text_ref;

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

// random_piece draws 1-6 code points of 1, 2, 3 and 4 UTF-8 bytes.
std::u32string random_piece(rng& g) {
  static const char32_t alphabet[] = {U'a', U'b', U' ', U'\n', U'\u00E9', U'\u03A9',
                                      U'\u65E5', U'\u2764', U'\U0001F600', U'\U0001F389'};
  std::u32string s;
  for (std::size_t i = 0, n = 1 + g.below(6); i < n; ++i) s.push_back(alphabet[g.below(10)]);
  return s;
}

TEST_CASE("text_ref: sequential random edits match a u32string") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    rng g(seed);
    doc d(kA);
    auto t = d.get_text("t");
    doc mirror(kB);
    std::u32string model;
    std::uint64_t ops = 0;
    for (int step = 0; step < 400; ++step) {
      INFO("seed " << seed << " step " << step);
      if (model.empty() || g.chance(60)) {
        const std::size_t at = g.below(model.size() + 1);
        const std::u32string piece = random_piece(g);
        ok(t.insert(at, utf8(piece)));
        model.insert(at, piece);
        ops += piece.size();
      } else {
        const std::size_t at = g.below(model.size());
        const std::size_t n = 1 + g.below(std::min<std::size_t>(5, model.size() - at));
        ok(t.erase(at, n));
        model.erase(at, n);
        ops += n;
      }
      CHECK(t.size() == model.size());
      CHECK(t.size_utf16() == utf16_len(model));
      CHECK(t.empty() == model.empty());
      CHECK(d.version().get(kA) == ops);
      // A random slice and a random position's UTF-16 offset.
      const std::size_t p = g.below(model.size() + 1);
      const std::size_t len = g.below(8);
      CHECK(take(t.slice(p, len)) == utf8(model.substr(p, len)));
      const std::size_t u = utf16_len(std::u32string_view(model).substr(0, p));
      CHECK(take(t.to_utf16(p)) == u);
      CHECK(take(t.from_utf16(u)) == p);
      if (p < model.size() && model[p] >= 0x10000) {
        CHECK(t.from_utf16(u + 1).code() == errc::not_char_boundary);
      }
      if (step % 50 == 49) {
        require_sound(d);
        CHECK(t.to_string() == utf8(model));
        sync(d, mirror);
        CHECK(mirror.get_text("t").to_string() == utf8(model));
      }
    }
  }
}

TEST_CASE("text_ref: positions count code points; UTF-16 on the side") {
  doc d(kA);
  auto t = d.get_text("t");
  // a é 😀 b 日: 5 code points, 6 UTF-16 units.
  ok(t.insert(0, "a\xC3\xA9\xF0\x9F\x98\x80" "b\xE6\x97\xA5"));
  CHECK(t.size() == 5);
  CHECK(t.size_utf16() == 6);
  CHECK(take(t.to_utf16(3)) == 4);
  CHECK(take(t.from_utf16(4)) == 3);
  CHECK(t.from_utf16(3).code() == errc::not_char_boundary);
  CHECK(t.to_utf16(6).code() == errc::out_of_range);
  CHECK(t.from_utf16(7).code() == errc::out_of_range);
  CHECK(take(t.slice(2, 2)) == "\xF0\x9F\x98\x80" "b");
  CHECK(take(t.slice(4, 100)) == "\xE6\x97\xA5");
  CHECK(take(t.slice(5, 1)).empty());
  CHECK(t.slice(6, 0).code() == errc::out_of_range);
  // Without the emoji both counts agree again (sequence::width_at and
  // pos_at_width take a shortcut then), and the ends still hold.
  ok(t.erase(2, 1));
  CHECK(t.size_utf16() == t.size());
  for (std::size_t p = 0; p <= t.size(); ++p) {
    CHECK(take(t.to_utf16(p)) == p);
    CHECK(take(t.from_utf16(p)) == p);
  }
  CHECK(t.to_utf16(5).code() == errc::out_of_range);
  CHECK(t.from_utf16(5).code() == errc::out_of_range);
  ok(t.insert(2, "\xF0\x9F\x98\x80"));
  CHECK(take(t.from_utf16(4)) == 3);
  CHECK(d.to_json() == "{\"t\":\"a\xC3\xA9\xF0\x9F\x98\x80" "b\xE6\x97\xA5\"}");
  ok(t.erase(2, 1));
  CHECK(t.size_utf16() == 4);
  CHECK(t.to_string() == "a\xC3\xA9" "b\xE6\x97\xA5");
  require_sound(d);
}

TEST_CASE("text_ref: refused edits change nothing") {
  doc d(kA);
  auto t = d.get_text("t");
  ok(t.insert(0, "abc"));
  const auto v = d.version();
  const std::string json = d.to_json();
  CHECK(t.insert(4, "x").code() == errc::out_of_range);
  CHECK(t.insert(0, "\xC3").code() == errc::invalid_utf8);
  CHECK(t.insert(1, "ok\xED\xA0\x80").code() == errc::invalid_utf8);
  CHECK(t.insert(1, "\xC0\x80").code() == errc::invalid_utf8);  // overlong NUL
  CHECK(t.erase(2, 2).code() == errc::out_of_range);
  CHECK(t.erase(4, 0).code() == errc::out_of_range);
  CHECK(t.erase(1, std::numeric_limits<std::size_t>::max()).code() == errc::out_of_range);
  CHECK(t.anchor_at(4, affinity::left).code() == errc::out_of_range);
  CHECK(t.slice(4, 1).code() == errc::out_of_range);
  CHECK(d.version() == v);
  CHECK(d.to_json() == json);
  // Refused inside a transaction: the rest of it stands.
  d.transact([&] {
    ok(t.insert(3, "d"));
    CHECK(t.insert(9, "x").code() == errc::out_of_range);
    ok(t.insert(4, "e"));
  });
  CHECK(t.to_string() == "abcde");
  ok(t.insert(1, ""));
  ok(t.erase(1, 0));
  CHECK(d.version().get(kA) == 5);
  require_sound(d);
}

TEST_CASE("text_ref: anchors follow their character through concurrent edits") {
  doc a(kA);
  auto t = a.get_text("t");
  ok(t.insert(0, "hello world"));
  doc b = replica_of(a, kB);
  auto bt = b.get_text("t");
  const anchor before_w = take(t.anchor_at(6, affinity::right));
  const anchor after_o = take(t.anchor_at(5, affinity::left));
  const anchor start = take(t.anchor_at(0, affinity::left));
  const anchor end = take(t.anchor_at(11, affinity::right));
  CHECK_FALSE(start.target);
  CHECK_FALSE(end.target);

  ok(bt.insert(0, ">> "));
  ok(bt.insert(8, ","));
  ok(t.insert(11, "!"));
  sync(b, a);
  sync(a, b);
  CHECK(t.to_string() == ">> hello, world!");
  CHECK(take(t.resolve(before_w)) == 10);
  CHECK(take(t.resolve(after_o)) == 8);
  CHECK(take(t.resolve(start)) == 0);
  CHECK(take(t.resolve(end)) == t.size());
  CHECK(take(bt.resolve(before_w)) == 10);

  ok(bt.erase(7, 3));  // 'o', ',' and ' '
  sync(b, a);
  CHECK(t.to_string() == ">> hellworld!");
  CHECK(take(t.resolve(before_w)) == 7);
  CHECK(take(t.resolve(after_o)) == 7);

  doc c(kC);
  CHECK(c.get_text("t").resolve(before_w).code() == errc::unknown_id);
  // An anchor into one text does not resolve in another.
  ok(c.get_text("other").insert(0, "zzz"));
  sync(a, c);
  CHECK(take(c.get_text("t").resolve(before_w)) == 7);
  CHECK_FALSE(c.get_text("other").resolve(before_w).has_value());
}

TEST_CASE("text_ref: texts nested in maps and lists") {
  doc a(kA);
  auto title = take(a.get_map("doc").get_or_create_text("title"));
  auto paras = take(a.get_map("doc").get_or_create_list("paras"));
  auto p0 = take(paras.insert_text(0));
  auto p1 = take(paras.insert_text(1));
  ok(title.insert(0, "Title"));
  ok(p0.insert(0, "first"));
  ok(p1.insert(0, "second"));
  CHECK(a.to_json() == R"({"doc":{"paras":["first","second"],"title":"Title"}})");
  doc b = replica_of(a, kB);
  auto bp1 = take(b.get_map("doc").get_or_create_list("paras")).get(1)->as_container().as_text();
  ok(bp1.insert(6, " para"));
  ok(p1.insert(0, "the "));
  sync(a, b);
  sync(b, a);
  CHECK(p1.to_string() == "the second para");
  CHECK(a.to_json() == b.to_json());
  require_sound(a);
}

TEST_CASE("text_ref: random concurrent editing across documents converges") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    rng g(seed * 1000 + 7);
    doc a(kA);
    doc b(kB);
    doc c(kC);
    std::vector<doc*> docs{&a, &b, &c};
    for (int step = 0; step < 300; ++step) {
      doc& d = *docs[g.below(3)];
      auto t = d.get_text("t");
      const std::size_t n = t.size();
      if (n == 0 || g.chance(60)) {
        const std::size_t at = g.below(n + 1);  // drawn first, on every compiler
        ok(t.insert(at, utf8(random_piece(g))));
      } else {
        const std::size_t at = g.below(n);
        ok(t.erase(at, 1 + g.below(std::min<std::size_t>(4, n - at))));
      }
      if (g.chance(30)) {
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
    CHECK(a.get_text("t").to_string() == b.get_text("t").to_string());
    CHECK(b.get_text("t").to_string() == c.get_text("t").to_string());
    CHECK(a.to_json() == c.to_json());
    CHECK(a.version() == c.version());
  }
}

}  // namespace
