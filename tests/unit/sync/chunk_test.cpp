// Copyright 2026 The weft Authors. MIT License.
//
// Catch-up chunks: each is self-contained (its own container table, nothing
// more), decodes and applies on its own, stays within its byte, op and item
// bounds, and all of them, applied in any order, give the document they came
// from.

#include "sync/chunk.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "doc/doc_impl.hpp"
#include "weft/doc.hpp"
#include "weft/snapshot.hpp"
#include "weft/sync/message.hpp"
#include "weft/wire.hpp"

namespace {

using namespace weft;
namespace si = weft::sync::internal;

// busy_doc edits text, a nested map with lists and counters, with deletes
// and long runs, from two replicas.
doc busy_doc(std::uint32_t seed, int rounds) {
  std::mt19937 rng(seed);
  doc a(replica_id{1}, {.id = "busy"});
  doc b = a.fork(replica_id{2});
  for (int i = 0; i < rounds; ++i) {
    doc& d = (i % 3 == 0) ? b : a;
    auto t = d.get_text("body");
    const std::size_t len = t.size();
    switch (rng() % 6) {
      case 0:
      case 1: {
        const std::size_t at = len == 0 ? 0 : rng() % (len + 1);
        const std::string run(1 + rng() % 40, static_cast<char>('a' + rng() % 26));
        // Two- and four-byte code points too (a separate insert: g++ 12
        // warns falsely about appending a literal to a sized string).
        REQUIRE(t.insert(at, run));
        if (rng() % 4 == 0) REQUIRE(t.insert(at, "\xC3\xA9\xF0\x9F\x98\x80"));
        break;
      }
      case 2:
        if (len > 2) {
          const std::size_t at = rng() % (len - 1);
          REQUIRE(t.erase(at, 1 + rng() % std::min<std::size_t>(len - at, 30)));
        }
        break;
      case 3: {
        auto m = d.get_map("meta");
        auto l = m.get_or_create_list("items");
        REQUIRE(l);
        REQUIRE(l->insert(0, value(std::string(rng() % 20, 'v'))));
        auto c = m.get_or_create_counter("n");
        REQUIRE(c);
        REQUIRE(c->add(static_cast<std::int64_t>(rng() % 9) - 4));
        break;
      }
      case 4: {
        auto m = d.get_map("meta");
        // Keys from a table: g++ 12 warns falsely (-Wrestrict) about "k" +
        // std::to_string(...).
        static const char* const keys[] = {"k0", "k1", "k2", "k3", "k4"};
        REQUIRE(m.set(keys[rng() % 5], value(std::int64_t(rng() % 1000))));
        if (rng() % 2 == 0) {
          // A created container, held as a value: its row travels with it.
          static const char* const notes[] = {"note0", "note1", "note2"};
          auto note = m.set_text(notes[rng() % 3]);
          REQUIRE(note);
          REQUIRE(note->insert(0, "n"));
        }
        break;
      }
      default:
        // Exchange: concurrent runs interleave in the log.
        REQUIRE(a.apply(b.delta_since(a.version())));
        REQUIRE(b.apply(a.delta_since(b.version())));
    }
  }
  REQUIRE(a.apply(b.delta_since(a.version())));
  // One long paste: a run larger than any chunk.
  auto t = a.get_text("body");
  REQUIRE(t.insert(0, std::string(30000, 'P')));
  REQUIRE(t.erase(10, 20000));
  return a;
}

void check_chunks(const doc& src, const si::chunk_limits& limits, std::uint32_t seed) {
  const doc_delta all = src.delta_since({});
  const auto chunks = si::split_delta(all, limits);
  REQUIRE(chunks.size() > 1);
  std::uint64_t ops = 0;
  for (const doc_delta& c : chunks) {
    REQUIRE(si::check(c));
    REQUIRE_FALSE(c.empty());
    ops += c.op_count();
    CHECK(c.op_count() <= limits.max_ops);
    const auto bytes = sync::encode_message(sync::delta_message{0, c});
    CHECK(bytes.size() <= limits.max_bytes);
    CHECK(bytes.size() <= si::estimated_bytes(c));
    // Alone: it decodes, and applies to an empty document (what it cannot
    // integrate yet waits).
    auto back = sync::decode_message(bytes);
    INFO((back ? std::string() : back.error().message));
    REQUIRE(back);
    doc alone(replica_id{9}, {.id = "busy"});
    REQUIRE(alone.apply(std::get<sync::delta_message>(*back).ops));
    REQUIRE(internal::check(alone, true));
  }
  CHECK(ops == all.op_count());

  // In order, reversed and shuffled: the same document.
  std::vector<std::size_t> order(chunks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(seed);
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) std::reverse(order.begin(), order.end());
    if (pass == 2) std::shuffle(order.begin(), order.end(), rng);
    doc d(replica_id{9}, {.id = "busy"});
    for (std::size_t i : order) REQUIRE(d.apply(chunks[i]));
    const auto sound = internal::check(d, true);
    INFO("pass " << pass << ": " << (sound ? std::string() : sound.error().message));
    REQUIRE(sound);
    CHECK(d.pending_ops() == 0);
    CHECK(d.version() == src.version());
    CHECK(d.to_json() == src.to_json());
  }

  // Chunks in order: after each, the receiver's version is a prefix per
  // replica of what the tops say.
  doc d(replica_id{9}, {.id = "busy"});
  version_vector seen;
  for (const doc_delta& c : chunks) {
    REQUIRE(d.apply(c));
    seen.merge(si::tops(c));
    CHECK(d.version() == seen);
  }
}

}  // namespace

TEST_CASE("chunk: a busy document splits into self-contained chunks", "[sync][chunk]") {
  const doc src = busy_doc(1, 400);
  si::chunk_limits l;
  l.max_bytes = 4096;
  check_chunks(src, l, 1);
  l.max_bytes = 1500;
  l.max_ops = 300;
  l.max_items = 40;
  check_chunks(src, l, 2);
}

TEST_CASE("chunk: shallow deletes and their tombstones split too", "[sync][chunk]") {
  // A document loaded from a state-only snapshot sends its deletes as
  // shallow runs and what they deleted as tombstones, which lead.
  const doc busy = busy_doc(3, 400);
  auto src = load(save(busy, {snapshot_kind::state_only, {}}), replica_id{5});
  REQUIRE(src);
  const doc_delta all = src->delta_since({});
  REQUIRE(all.tombstones.size() > 20);
  REQUIRE(std::any_of(all.ops.begin(), all.ops.end(), [](const doc_op& op) {
    return std::holds_alternative<shallow_delete_run>(op.op);
  }));
  si::chunk_limits l;
  l.max_bytes = 1500;
  l.max_ops = 300;
  l.max_items = 40;
  const auto chunks = si::split_delta(all, l);
  // Each tombstone travels with its op, so that a chunk applies alone.
  std::uint64_t named = 0, want = 0;
  for (const id_range& t : all.tombstones) want += t.size();
  for (const doc_delta& c : chunks) {
    for (const id_range& t : c.tombstones) {
      named += t.size();
      std::uint64_t covered = 0;  // the chunk's runs are disjoint
      for (const doc_op& op : c.ops) {
        const op_id id = internal::op_start(op);
        if (id.replica != t.replica) continue;
        const seq_t b = std::max(id.seq, t.begin);
        const seq_t e = std::min(id.seq + internal::op_size(op), t.end);
        if (b < e) covered += e - b;
      }
      CHECK(covered == t.size());
    }
  }
  CHECK(named == want);
  // For a peer halfway there, tombstones of ops it holds already come first.
  version_vector half;
  for (const auto& e : src->version().entries()) half.set_count(e.replica, e.count / 2);
  const doc_delta since = src->delta_since(half);
  const auto behind = si::split_delta(since, l);
  std::vector<id_range> leading;  // up to the first chunk with an op
  for (const doc_delta& c : behind) {
    leading.insert(leading.end(), c.tombstones.begin(), c.tombstones.end());
    if (!c.ops.empty()) break;
  }
  std::size_t held = 0;
  for (const id_range& t : since.tombstones) {
    if (t.end > half.get(t.replica)) continue;
    ++held;
    CHECK(std::find(leading.begin(), leading.end(), t) != leading.end());
  }
  CHECK(held > 10);
  check_chunks(*src, l, 3);
}

TEST_CASE("chunk: a delta within the limits is one chunk, an empty one none", "[sync][chunk]") {
  doc d(replica_id{3}, {.id = "x"});
  REQUIRE(d.get_text("t").insert(0, "hello"));
  const auto one = si::split_delta(d.delta_since({}), {});
  REQUIRE(one.size() == 1);
  CHECK(one[0] == d.delta_since({}));
  CHECK(si::split_delta(doc_delta{}, {}).empty());
}

TEST_CASE("chunk: a value bigger than a chunk travels alone", "[sync][chunk]") {
  doc d(replica_id{3}, {.id = "x"});
  auto m = d.get_map("m");
  REQUIRE(m.set("a", value(std::int64_t{1})));
  REQUIRE(m.set("big", value(std::string(10000, 'z'))));
  REQUIRE(m.set("b", value(std::int64_t{2})));
  si::chunk_limits l;
  l.max_bytes = 2048;
  const auto chunks = si::split_delta(d.delta_since({}), l);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[1].ops.size() == 1);
  doc e(replica_id{4}, {.id = "x"});
  for (const auto& c : chunks) REQUIRE(e.apply(c));
  CHECK(e.to_json() == d.to_json());
}

TEST_CASE("chunk: tops and check", "[sync][chunk]") {
  doc d(replica_id{3}, {.id = "x"});
  REQUIRE(d.get_text("t").insert(0, "abc"));
  REQUIRE(d.get_text("t").erase(0, 2));
  const version_vector t = si::tops(d.delta_since({}));
  CHECK(t == d.version());
  doc_delta broken = d.delta_since({});
  broken.containers.push_back(broken.containers.front());  // an unused row
  CHECK(si::check(broken).code() == errc::corrupted);
  broken.containers.pop_back();
  broken.ops.front().container = 5;
  CHECK(si::check(broken).code() == errc::corrupted);
}
