// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: seed_docs.hpp
// -----------------------------------------------------------------------------
//
// The documents behind the fuzzers' seed corpora (tests/fuzz/make_seeds.cpp)
// and the fixed document fuzz_delta applies its inputs to (base_doc). Built
// only through weft's public API, with fixed replica ids and a fixed random
// generator, so every build on every platform makes the same documents.
//
// Several seed documents are forks of base_doc: their deltas since it name
// containers and origins the base already has, so fuzz_delta starts from
// inputs that integrate instead of only waiting for dependencies.
//
// No test framework: a refused edit aborts, since every edit made here is
// valid and a refusal is a bug either here or in weft.

#ifndef WEFT_TESTS_FUZZ_SEED_DOCS_HPP_
#define WEFT_TESTS_FUZZ_SEED_DOCS_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/doc.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"

namespace weft::fuzz {

inline constexpr replica_id kReplicaA{1};
inline constexpr replica_id kReplicaB{2};
inline constexpr replica_id kReplicaC{3};
// kFuzzReplica edits the documents the fuzz targets build; it is not one of
// the seed replicas, so a decoded delta never collides with it by accident.
inline constexpr replica_id kFuzzReplica{0xF022};

// small_doc_options keeps every document a fuzz input can grow small: a
// decoded delta or snapshot beyond these caps is refused instead of making
// one slow input. A fixed id keeps documents deterministic (an empty one is
// random).
inline doc_options small_doc_options(std::string id = "fuzz") {
  doc_options o;
  o.id = std::move(id);
  o.max_ops = std::uint64_t{1} << 16;
  o.max_pending_ops = std::uint64_t{1} << 14;
  return o;
}

inline void must(const result<void>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "seed_docs: %s refused: %s: %s\n", what,
                 std::string(errc_name(r.code())).c_str(), r.error().message.c_str());
    std::abort();
  }
}

template <class T>
T must(result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "seed_docs: %s refused: %s: %s\n", what,
                 std::string(errc_name(r.code())).c_str(), r.error().message.c_str());
    std::abort();
  }
  return std::move(*r);
}

// numbered returns `prefix` followed by `n` in decimal. (Spelled out because
// g++ 12 warns falsely (-Wrestrict) about "literal" + std::to_string(n).)
inline std::string numbered(std::string_view prefix, std::uint64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

// sync sends `to` everything of `from` that it lacks.
inline void sync(const doc& from, doc& to) {
  must(to.apply(from.delta_since(to.version())), "sync");
}

// seed_rng is splitmix64: the same stream with every standard library.
class seed_rng {
 public:
  explicit seed_rng(std::uint64_t seed) : state_(seed * 0x2545F4914F6CDD1Dull + 1) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// Snippets of 1 to 4 UTF-8 bytes per code point, so that positions in code
// points and bytes differ.
inline constexpr std::string_view kSnippets[] = {
    "a", "hello ", "x", "\xC3\xA9t\xC3\xA9",       // été
    "\xE2\x98\x83",                                 // snowman
    "\xF0\x9F\x98\x80!",                            // emoji
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",         // 日本語
    "\xF0\x9D\x84\x9E \xCE\xA9", "\n", "  ", "end.",
};

// scalar_for returns one of the values worth having on the wire: every
// kind, with the edges of each (extreme integers, -0.0, infinities, NaN,
// empty and multi-byte strings, bytes with 0x00 and 0xFF).
inline value scalar_for(std::size_t k) {
  switch (k % 16) {
    case 0: return value();
    case 1: return value(true);
    case 2: return value(false);
    case 3: return value(std::int64_t{0});
    case 4: return value(std::int64_t{-1});
    case 5: return value(std::numeric_limits<std::int64_t>::min());
    case 6: return value(std::numeric_limits<std::int64_t>::max());
    case 7: return value(3.25);
    case 8: return value(-0.0);
    case 9: return value(std::numeric_limits<double>::infinity());
    case 10: return value(std::numeric_limits<double>::quiet_NaN());
    case 11: return value(std::string());
    case 12: return value(std::string("h\xC3\xA9llo \xF0\x9F\x98\x80"));
    case 13: return value(weft::bytes{0x00, 0xFF, 0x10, 0x80});
    case 14: return value(std::string(40, 'z'));
    default: return value(std::int64_t{1} << 40);
  }
}

// make_base_doc is the document fuzz_delta applies every input to (besides
// an empty one): a text, a map holding scalars and nested containers, a
// list with a nested map, a counter and a register, edited concurrently by
// replicas A and B and merged.
inline doc make_base_doc() {
  doc a(kReplicaA, small_doc_options("base"));
  doc b(kReplicaB, small_doc_options("base"));
  must(a.get_text("t").insert(0, "hello w\xC3\xB6rld"), "base text");
  auto m = a.get_map("m");
  must(m.set("n", value(std::int64_t{7})), "base map set");
  must(m.set("s", value("str")), "base map set");
  auto nested = must(m.set_map("inner"), "base set_map");
  must(nested.set("deep", value(true)), "base nested set");
  must(must(m.get_or_create_text("note"), "base note").insert(0, "\xE2\x98\x83"), "base note");
  auto l = a.get_list("l");
  must(l.insert(0, std::vector<value>{value(std::int64_t{1}), value("two"), value(3.0)}), "base list");
  must(must(l.insert_map(1), "base list map").set("k", value("v")), "base list map set");
  must(a.get_counter("c").add(5), "base counter");
  must(a.get_register("r").set(value("first")), "base register");
  sync(a, b);
  // Concurrent edits, then a merge both ways.
  must(a.get_text("t").insert(5, ","), "base concurrent text");
  must(b.get_text("t").erase(0, 1), "base concurrent erase");
  must(b.get_text("t").insert(0, "H"), "base concurrent text");
  must(a.get_counter("c").add(-2), "base concurrent counter");
  must(b.get_counter("c").add(10), "base concurrent counter");
  must(a.get_register("r").set(value(std::int64_t{1})), "base concurrent register");
  must(b.get_register("r").set(value(std::int64_t{2})), "base concurrent register");
  must(b.get_list("l").push_back(value(false)), "base concurrent list");
  must(b.get_map("m").erase("s"), "base concurrent map erase");
  sync(b, a);
  return a;
}

// random_edit makes one valid random edit of `d` on its roots, on children
// made with get_or_create_* (the same on every replica) and on containers
// found in the map "m" (made by set_*, possibly by another replica).
inline void random_edit(doc& d, seed_rng& r) {
  const std::string_view snippet = kSnippets[r.below(std::size(kSnippets))];
  auto m = d.get_map("m");
  const std::string key(1, static_cast<char>('a' + r.below(5)));
  auto edit_text = [&](text_ref t) {
    if (t.size() > 0 && r.chance(35)) {
      const std::size_t pos = r.below(t.size());
      must(t.erase(pos, 1 + r.below(std::min<std::size_t>(t.size() - pos, 6))), "text erase");
    } else {
      must(t.insert(r.below(t.size() + 1), snippet), "text insert");
    }
  };
  auto edit_list = [&](list_ref l) {
    const std::size_t at = r.below(l.size() + 1);
    switch (r.below(6)) {
      case 0:
        if (l.size() > 0) {
          const std::size_t pos = r.below(l.size());
          must(l.erase(pos, 1 + r.below(std::min<std::size_t>(l.size() - pos, 3))), "list erase");
          break;
        }
        [[fallthrough]];
      case 1: must(l.insert(at, scalar_for(r.next())), "list insert"); break;
      case 2:
        must(l.insert(at, std::vector<value>{scalar_for(r.next()), scalar_for(r.next())}),
             "list insert run");
        break;
      case 3: must(must(l.insert_text(at), "insert_text").insert(0, snippet), "list text"); break;
      case 4: must(must(l.insert_map(at), "insert_map").set(key, scalar_for(r.next())), "list map"); break;
      default: must(must(l.insert_counter(at), "insert_counter").add(3), "list counter"); break;
    }
  };
  switch (r.below(12)) {
    case 0:
    case 1:
    case 2: edit_text(d.get_text("t")); break;
    case 3: edit_list(d.get_list("l")); break;
    case 4: must(m.set(key, scalar_for(r.next())), "map set"); break;
    case 5: must(m.erase(key), "map erase"); break;
    case 6:
      switch (r.below(5)) {
        case 0: must(must(m.set_text(key), "set_text").insert(0, snippet), "set_text insert"); break;
        case 1: must(must(m.set_map(key), "set_map").set("x", scalar_for(r.next())), "set_map set"); break;
        case 2: must(must(m.set_list(key), "set_list").push_back(value(std::int64_t{9})), "set_list"); break;
        case 3: must(must(m.set_counter(key), "set_counter").add(-4), "set_counter add"); break;
        default: must(must(m.set_register(key), "set_register").set(value("rv")), "set_register"); break;
      }
      break;
    case 7: edit_text(must(m.get_or_create_text("shared_text"), "get_or_create_text")); break;
    case 8: {
      auto inner = must(m.get_or_create_map("shared_map"), "get_or_create_map");
      auto deeper = must(inner.get_or_create_list("items"), "nested get_or_create_list");
      edit_list(deeper);
      break;
    }
    case 9: {
      const auto amount = static_cast<std::int64_t>(r.below(200)) - 100;
      must(d.get_counter("c").add(amount), "counter add");
      break;
    }
    case 10:
      if (r.chance(20)) {
        must(d.get_register("r").clear(), "register clear");
      } else {
        must(d.get_register("r").set(scalar_for(r.next())), "register set");
      }
      break;
    default: {
      // Edit a container some replica put under a key of "m" with set_*.
      const auto v = m.get(key);
      if (!v || !v->is_container()) {
        edit_text(d.get_text("t"));
        break;
      }
      const container c = v->as_container();
      switch (c.type()) {
        case container_type::text: edit_text(c.as_text()); break;
        case container_type::list: edit_list(c.as_list()); break;
        case container_type::map: must(c.as_map().set(key, scalar_for(r.next())), "nested set"); break;
        case container_type::counter: must(c.as_counter().add(1), "nested add"); break;
        case container_type::reg: must(c.as_register().set(value(2.5)), "nested reg"); break;
      }
      break;
    }
  }
}

struct seed_doc {
  std::string name;
  doc d;
  // since: a version of d's past; the seeds include the delta from it.
  std::optional<version_vector> since;
};

// make_seed_docs builds the seed documents, a few dozen, always the same.
inline std::vector<seed_doc> make_seed_docs() {
  std::vector<seed_doc> out;
  auto add = [&](std::string name, doc d, std::optional<version_vector> since = std::nullopt) {
    out.push_back(seed_doc{std::move(name), std::move(d), std::move(since)});
  };

  add("empty", doc(kReplicaA, small_doc_options("empty")));
  add("base", make_base_doc());

  {  // Typing with forward and backward delete runs.
    doc d(kReplicaA, small_doc_options("typing"));
    auto t = d.get_text("t");
    must(t.insert(0, "The quick brown fox jumps over the lazy dog."), "typing");
    must(t.erase(4, 6), "typing forward delete");
    for (int k = 0; k < 5; ++k) must(t.erase(t.size() - 2, 1), "typing backspace");
    must(t.insert(4, "slow "), "typing");
    add("typing", std::move(d));
  }
  {  // Multi-byte UTF-8 of every length, inserted and deleted.
    doc d(kReplicaA, small_doc_options("utf8"));
    auto t = d.get_text("t");
    must(t.insert(0, "h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC"), "utf8");
    must(t.erase(1, 1), "utf8 erase");
    must(t.insert(3, "\xF0\x9D\x84\x9E"), "utf8 insert");
    must(t.erase(6, 3), "utf8 erase");
    add("utf8", std::move(d));
  }
  {  // Nested maps and lists, three levels, every scalar kind.
    doc d(kReplicaA, small_doc_options("nested"));
    auto m = d.get_map("root");
    for (std::size_t k = 0; k < 16; ++k) must(m.set(numbered("k", k), scalar_for(k)), "nested scalars");
    auto l1 = must(m.set_list("list"), "nested set_list");
    auto m2 = must(l1.insert_map(0), "nested insert_map");
    auto l3 = must(m2.set_list("inner"), "nested set_list");
    must(l3.insert(0, std::vector<value>{value(std::int64_t{1}), value("\xE2\x82\xAC")}), "nested list");
    must(must(l3.insert_text(1), "nested insert_text").insert(0, "deep text"), "nested text");
    must(must(m2.get_or_create_counter("count"), "nested counter").add(42), "nested counter add");
    must(must(l1.insert_register(1), "nested register").set(value(-0.0)), "nested register set");
    must(must(l1.insert_list(0), "nested list in list").push_back(value(true)), "nested list in list");
    must(m.erase("k3"), "nested erase");
    must(l1.erase(0), "nested list erase");
    add("nested", std::move(d));
  }
  {  // Counters: extremes and concurrent adds that wrap.
    doc a(kReplicaA, small_doc_options("counters"));
    doc b(kReplicaB, small_doc_options("counters"));
    must(a.get_counter("c").add(std::numeric_limits<std::int64_t>::max()), "counter max");
    must(b.get_counter("c").add(std::numeric_limits<std::int64_t>::max()), "counter max");
    must(b.get_counter("d").add(std::numeric_limits<std::int64_t>::min()), "counter min");
    sync(b, a);
    sync(a, b);
    add("counters", std::move(a));
  }
  {  // Registers: concurrent sets (multi-value), then an overwrite and a clear.
    doc a(kReplicaA, small_doc_options("registers"));
    doc b(kReplicaB, small_doc_options("registers"));
    doc c(kReplicaC, small_doc_options("registers"));
    must(a.get_register("r").set(value("a")), "register a");
    must(b.get_register("r").set(value(std::int64_t{2})), "register b");
    must(c.get_register("r").set(value(weft::bytes{1, 2, 3})), "register c");
    must(c.get_register("q").set(value(1.5)), "register q");
    sync(b, a);
    sync(c, a);
    add("registers_mv", a.fork(kReplicaA));
    must(a.get_register("q").clear(), "register clear");
    must(a.get_register("r").set(value(true)), "register overwrite");
    add("registers", std::move(a));
  }
  {  // Three replicas typing at the same place concurrently, then merged.
    doc a(kReplicaA, small_doc_options("concurrent"));
    must(a.get_text("t").insert(0, "[]"), "concurrent base");
    doc b = a.fork(kReplicaB);
    doc c = a.fork(kReplicaC);
    must(a.get_text("t").insert(1, "aaa"), "concurrent a");
    must(b.get_text("t").insert(1, "\xC3\x9F\xC3\x9F"), "concurrent b");
    must(c.get_text("t").insert(1, "\xF0\x9F\x8C\x8D"), "concurrent c");
    must(c.get_text("t").erase(0, 1), "concurrent c erase");
    must(b.get_map("m").set("k", value("b")), "concurrent map b");
    must(c.get_map("m").set("k", value("c")), "concurrent map c");
    const version_vector before = a.version();
    sync(b, a);
    sync(c, a);
    add("concurrent", std::move(a), before);
  }
  {  // Pending operations: B's edits on top of A's, without A's.
    doc a(kReplicaA, small_doc_options("pending"));
    must(a.get_text("t").insert(0, "abc"), "pending a");
    doc b = a.fork(kReplicaB);
    must(b.get_text("t").insert(2, "XY"), "pending b");
    must(b.get_list("l").push_back(value(std::int64_t{1})), "pending b list");
    doc c(kReplicaC, small_doc_options("pending"));
    version_vector only_b = c.version();
    only_b.set_count(kReplicaA, a.version().get(kReplicaA));
    must(c.apply(b.delta_since(only_b)), "pending apply");
    must(c.get_text("u").insert(0, "own"), "pending own edit");
    add("pending", std::move(c));
  }
  {  // Forks of the base document: deltas since it land on fuzz_delta's base.
    const doc base = make_base_doc();
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      doc d = base.fork(replica_id{10 + seed});
      seed_rng r(seed);
      for (std::size_t k = 0; k < 4 + 3 * seed; ++k) random_edit(d, r);
      add(numbered("base_fork", seed), std::move(d), base.version());
    }
  }
  // Random documents: three replicas editing with occasional syncs.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    seed_rng r(1000 + seed);
    const std::string id = numbered("random", seed);
    std::vector<doc> replicas;
    replicas.emplace_back(kReplicaA, small_doc_options(id));
    replicas.emplace_back(kReplicaB, small_doc_options(id));
    replicas.emplace_back(kReplicaC, small_doc_options(id));
    const std::size_t steps = 10 + r.below(10 * seed);
    std::optional<version_vector> midpoint;
    for (std::size_t step = 0; step < steps; ++step) {
      if (r.chance(15)) {
        sync(replicas[r.below(3)], replicas[r.below(3)]);
      } else if (r.chance(10)) {
        // One transaction of several edits.
        doc& d = replicas[r.below(3)];
        d.transact([&] {
          for (int k = 0; k < 3; ++k) random_edit(d, r);
        });
      } else {
        random_edit(replicas[r.below(3)], r);
      }
      if (step == steps / 2) midpoint = replicas[0].version();
    }
    // Odd seeds end fully merged; even ones keep some concurrency unseen.
    if (seed % 2 == 1) {
      sync(replicas[1], replicas[0]);
      sync(replicas[2], replicas[0]);
    }
    add(id, std::move(replicas[0]), midpoint);
  }
  return out;
}

}  // namespace weft::fuzz

#endif  // WEFT_TESTS_FUZZ_SEED_DOCS_HPP_
