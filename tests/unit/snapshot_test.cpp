// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: snapshot_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft/snapshot.hpp on random multi-replica documents (with
// operations still pending): a full snapshot loads back with the same
// state, version, pending and integrated operations; a state-only one with
// the same state and version, and the loaded replica keeps converging with
// its peers in both directions; a replica that reloads its own snapshot
// continues its sequence; a loaded document takes later deltas. Saving is
// deterministic: replicas that received the same operations in different
// orders and pieces save the same bytes. State-only snapshots really drop
// deleted content. load refuses snapshots that contradict themselves with
// the errc the headers promise.

#include "weft/snapshot.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "doc/doc_impl.hpp"
#include "flatbuffers/flatbuffers.h"
#include "support/doc_testing.hpp"
#include "support/random_doc.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/result.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"
#include "weft_generated.h"
#include "wire/delta_codec.hpp"

namespace {

namespace fbw = weft::internal::wire;

using weft::compression;
using weft::decode_limits;
using weft::doc;
using weft::doc_delta;
using weft::doc_options;
using weft::encode_options;
using weft::errc;
using weft::load;
using weft::replica_id;
using weft::save;
using weft::save_options;
using weft::snapshot_kind;
using weft::version_vector;
using weft::testing::ok;
using weft::testing::random_network;
using weft::testing::require_sound;
using weft::testing::rng;
using weft::testing::take;

using byte_vec = std::vector<std::uint8_t>;

constexpr const char* kDocId = "random-doc";  // random_network's default

save_options options_for(snapshot_kind kind, bool zstd) {
  save_options o;
  o.kind = kind;
  if (zstd) {
    o.encoding.compress = compression::zstd;
    o.encoding.compress_min_bytes = 0;
  }
  return o;
}

// Every kind and encoding a snapshot can be saved with.
const save_options kAllOptions[] = {
    options_for(snapshot_kind::full, false), options_for(snapshot_kind::full, true),
    options_for(snapshot_kind::state_only, false), options_for(snapshot_kind::state_only, true)};

std::string describe(const save_options& o) {
  return std::string(o.kind == snapshot_kind::full ? "full" : "state_only") +
         (o.encoding.compress == compression::zstd ? " zstd" : "");
}

bool is_compressed(const byte_vec& bytes) {
  return fbw::Getenvelope(bytes.data())->compression() == fbw::compression::zstd;
}

doc_options with_id(std::string id) {
  doc_options o;
  o.id = std::move(id);
  return o;
}

// contains reports whether `needle` occurs in `bytes`.
bool contains(const byte_vec& bytes, std::string_view needle) {
  return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

// require_same_state: what every snapshot keeps.
void require_same_state(const doc& loaded, const doc& original) {
  require_sound(loaded);
  REQUIRE(loaded.to_json() == original.to_json());
  INFO(loaded.version().to_string() << " vs " << original.version().to_string());
  REQUIRE(loaded.version() == original.version());
  REQUIRE(loaded.id() == original.id());
}

// converge_with exchanges deltas between `d` and every replica of `net`
// (already settled among themselves), then requires that all agree.
void converge_with(doc& d, random_network& net) {
  for (std::size_t j = 0; j < net.size(); ++j) {
    ok(d.apply(net.at(j).delta_since(d.version())));
    ok(net.at(j).apply(d.delta_since(net.at(j).version())));
  }
  net.settle();
  require_sound(d);
  for (std::size_t j = 0; j < net.size(); ++j) {
    INFO("replica " << j);
    require_sound(net.at(j));
    REQUIRE(net.at(j).to_json() == d.to_json());
    REQUIRE(net.at(j).version() == d.version());
    REQUIRE(net.at(j).pending_ops() == 0);
  }
  REQUIRE(d.pending_ops() == 0);
}

// craft_snapshot builds a snapshot message field by field, through the
// generated code and the delta codec, so that it can say what the encoder
// never would.
struct snapshot_spec {
  std::optional<std::string> id = std::string(kDocId);
  fbw::snapshot_kind kind = fbw::snapshot_kind::full;
  const version_vector* version = nullptr;
  const doc_delta* ops = nullptr;
  const doc_delta* pending = nullptr;
  std::uint16_t format = weft::wire_format_version;
  // The ops' text in their column, or placeholders and this live_text.
  weft::internal::text_column text = weft::internal::text_column::included;
  std::optional<std::string> live = std::nullopt;
  bool shallow_gaps = false;
};

byte_vec craft_snapshot(const snapshot_spec& s) {
  flatbuffers::FlatBufferBuilder b;
  flatbuffers::Offset<flatbuffers::String> id;
  if (s.id) id = b.CreateString(*s.id);
  flatbuffers::Offset<fbw::version_vector> version;
  if (s.version != nullptr) version = weft::internal::build_version(b, *s.version);
  flatbuffers::Offset<fbw::delta> ops, pending;
  if (s.ops != nullptr) ops = weft::internal::build_delta(b, *s.ops, s.text);
  if (s.pending != nullptr) pending = weft::internal::build_delta(b, *s.pending);
  flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> live;
  if (s.live) {
    live = b.CreateVector(reinterpret_cast<const std::uint8_t*>(s.live->data()), s.live->size());
  }
  const auto snap =
      fbw::Createsnapshot(b, id, s.kind, version, ops, pending, live, s.shallow_gaps);
  b.Finish(fbw::Createenvelope(b, s.format, fbw::compression::none, 0, fbw::payload::snapshot,
                               snap.Union()),
           fbw::envelopeIdentifier());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

TEST_CASE("snapshot: full snapshots of random documents load back the same", "[snapshot][random]") {
  std::uint64_t pending_seen = 0, compressed = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    random_network net(seed, 3 + seed % 2);
    net.run(100 + 10 * seed);
    pending_seen += net.pending_total();
    for (std::size_t i = 0; i < net.size(); ++i) {
      INFO("replica " << i);
      const doc& d = net.at(i);
      for (const bool zstd : {false, true}) {
        INFO((zstd ? "zstd" : "plain"));
        const save_options o = options_for(snapshot_kind::full, zstd);
        const byte_vec bytes = save(d, o);
        compressed += is_compressed(bytes);
        REQUIRE(*weft::peek_message(bytes) == weft::message_kind::snapshot);
        doc loaded = take(load(bytes, replica_id{0xE0}));
        require_same_state(loaded, d);
        REQUIRE(loaded.pending_ops() == d.pending_ops());
        REQUIRE(loaded.op_count() == d.op_count());
        REQUIRE(save(loaded, o) == bytes);
        // What the loaded document sends a newcomer is what the original
        // would: the same state, the same ops still waiting.
        doc from_loaded(replica_id{0xE1}, with_id(kDocId));
        ok(from_loaded.apply(loaded.delta_since({})));
        doc from_original(replica_id{0xE2}, with_id(kDocId));
        ok(from_original.apply(d.delta_since({})));
        REQUIRE(from_loaded.to_json() == d.to_json());
        REQUIRE(from_loaded.to_json() == from_original.to_json());
        REQUIRE(from_loaded.pending_ops() == from_original.pending_ops());
      }
    }
  }
  CHECK(pending_seen > 0);
  CHECK(compressed > 0);
}

// delta_bytes finishes a buffer holding just one delta table.
template <class F>
byte_vec delta_bytes(F&& build) {
  flatbuffers::FlatBufferBuilder b;
  b.Finish(build(b));
  return byte_vec(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST_CASE("snapshot: save encodes the document's storage as its canonical doc_delta would be",
          "[snapshot][random]") {
  // save reads runs straight from the containers (snapshot_runs); the
  // reference is the doc_delta of snapshot_ops through the ordinary encoder.
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    INFO("seed " << seed);
    random_network net(seed, 2 + seed % 3);
    net.run(80 + 15 * seed);
    for (std::size_t i = 0; i < net.size(); ++i) {
      INFO("replica " << i);
      const auto& impl = net.at(i).impl();
      for (const bool state_only : {false, true}) {
        INFO((state_only ? "state_only" : "full"));
        doc_delta ops, pending;
        impl.snapshot_ops(state_only, ops, pending);
        std::vector<weft::container_desc> table;
        weft::internal::enc_delta runs;
        impl.snapshot_runs(state_only, table, runs);
        REQUIRE(table == ops.containers);
        REQUIRE(runs.runs.size() == ops.ops.size());
        const auto text = state_only ? weft::internal::text_column::elsewhere
                                     : weft::internal::text_column::included;
        const byte_vec want =
            delta_bytes([&](auto& b) { return weft::internal::build_delta(b, ops, text); });
        const byte_vec got =
            delta_bytes([&](auto& b) { return weft::internal::build_delta(b, runs, text); });
        REQUIRE(got == want);
        doc_delta alone;
        impl.snapshot_pending(alone);
        REQUIRE(alone == pending);
      }
    }
  }
}

TEST_CASE("snapshot: state-only snapshots load the same state and keep converging",
          "[snapshot][random]") {
  std::uint64_t pending_seen = 0;
  for (std::uint64_t seed = 11; seed <= 22; ++seed) {
    for (const bool zstd : {false, true}) {
      INFO("seed " << seed << (zstd ? " zstd" : " plain"));
      random_network net(seed, 3);
      net.run(120);
      // A peer left behind at this point, to be brought up to date by the
      // loaded replica alone: a copy of the replica that will be saved, so
      // that it holds nothing the snapshot lacks.
      doc stale = net.at(0).fork(replica_id{0x5A});
      net.run(40);
      pending_seen += net.at(0).pending_ops();
      const byte_vec bytes = save(net.at(0), options_for(snapshot_kind::state_only, zstd));
      doc loaded = take(load(bytes, replica_id{0xE3}));
      require_same_state(loaded, net.at(0));
      REQUIRE(loaded.pending_ops() == net.at(0).pending_ops());
      REQUIRE(loaded.op_count() == net.at(0).op_count());

      // Peers that lack what it dropped get placeholders, already deleted.
      doc fresh(replica_id{0xE4}, with_id(kDocId));
      ok(fresh.apply(loaded.delta_since({})));
      require_sound(fresh);
      REQUIRE(fresh.to_json() == loaded.to_json());
      ok(stale.apply(loaded.delta_since(stale.version())));
      require_sound(stale);
      REQUIRE(stale.to_json() == loaded.to_json());

      // Everyone edits on concurrently, then all of it meets.
      rng r(seed);
      net.run(60);
      for (int k = 0; k < 8; ++k) weft::testing::random_edit(loaded, r);
      for (int k = 0; k < 4; ++k) weft::testing::random_edit(stale, r);
      ok(loaded.apply(stale.delta_since(loaded.version())));
      net.settle();
      converge_with(loaded, net);
      ok(stale.apply(loaded.delta_since(stale.version())));
      REQUIRE(stale.to_json() == loaded.to_json());
      REQUIRE(stale.version() == loaded.version());
    }
  }
  CHECK(pending_seen > 0);
}

TEST_CASE("snapshot: a replica that reloads its own snapshot continues its sequence",
          "[snapshot][random]") {
  for (const save_options& o : kAllOptions) {
    for (std::uint64_t seed = 21; seed <= 24; ++seed) {
      INFO("seed " << seed << ", " << describe(o));
      random_network net(seed, 3);
      net.run(100);
      net.settle();
      const doc& original = net.at(0);
      const replica_id me = original.replica();
      const std::uint64_t used = original.version().get(me);
      doc reloaded = take(load(save(original, o), me));
      REQUIRE(reloaded.replica() == me);

      // Its peers already hold its old ops: a reused seq would look like an
      // op they have, be skipped, and the states would part.
      rng r(seed);
      for (int k = 0; k < 12; ++k) weft::testing::random_edit(reloaded, r);
      REQUIRE(reloaded.version().get(me) > used);
      for (std::size_t j = 1; j < net.size(); ++j) {
        ok(net.at(j).apply(reloaded.delta_since(net.at(j).version())));
        require_sound(net.at(j));
        REQUIRE(net.at(j).to_json() == reloaded.to_json());
        REQUIRE(net.at(j).version() == reloaded.version());
        REQUIRE(net.at(j).pending_ops() == 0);
      }
    }
  }
}

TEST_CASE("snapshot: a loaded document takes the deltas made after the snapshot",
          "[snapshot][random]") {
  for (const save_options& o : kAllOptions) {
    for (std::uint64_t seed = 31; seed <= 34; ++seed) {
      INFO("seed " << seed << ", " << describe(o));
      random_network net(seed, 3);
      net.run(80);
      doc loaded = take(load(save(net.at(1), o), replica_id{0xE5}));
      const std::size_t log_at = net.log().size();
      net.run(80);
      // First the transactions made since, one by one in random order
      // (some wait for others), then whatever the loaded one still lacks.
      std::vector<std::size_t> order;
      for (std::size_t k = log_at; k < net.log().size(); ++k) order.push_back(k);
      rng r(seed);
      weft::testing::shuffle(order, r);
      for (const std::size_t k : order) {
        ok(loaded.apply(net.log()[k].delta));
        require_sound(loaded);
      }
      net.settle();
      ok(loaded.apply(net.at(0).delta_since(loaded.version())));
      require_sound(loaded);
      REQUIRE(loaded.to_json() == net.at(0).to_json());
      REQUIRE(loaded.version() == net.at(0).version());
      REQUIRE(loaded.pending_ops() == 0);
    }
  }
}

// ---------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------

TEST_CASE("snapshot: replicas with the same ops save the same bytes, whatever the delivery",
          "[snapshot][random]") {
  std::uint64_t pending_seen = 0;
  for (std::uint64_t seed = 41; seed <= 50; ++seed) {
    INFO("seed " << seed);
    random_network net(seed, 3);
    net.run(150);
    net.settle();
    rng r(seed);
    const auto& log = net.log();
    REQUIRE(log.size() > 5);

    // deliver builds a replica from the log's transactions, all but the
    // `skip`ped one: either cut into trimmed single-op pieces in random
    // order, or glued into random batches delivered newest first.
    auto deliver = [&](replica_id who, bool cut, std::optional<std::size_t> skip) {
      doc d(who, with_id(kDocId));
      std::vector<doc_delta> parts;
      for (std::size_t k = 0; k < log.size(); ++k) {
        if (k == skip) continue;
        if (cut) {
          for (doc_delta& p : weft::testing::pieces(log[k].delta, r)) parts.push_back(std::move(p));
        } else {
          parts.push_back(log[k].delta);
        }
      }
      if (cut) {
        weft::testing::shuffle(parts, r);
        for (const doc_delta& p : parts) ok(d.apply(p));
      } else {
        std::vector<doc_delta> batches;
        for (std::size_t k = 0; k < parts.size();) {
          doc_delta batch;
          for (std::size_t n = r.between(1, 6); n > 0 && k < parts.size(); --n, ++k) {
            weft::testing::glue(batch, parts[k]);
          }
          batches.push_back(std::move(batch));
        }
        std::reverse(batches.begin(), batches.end());
        for (const doc_delta& b : batches) ok(d.apply(b));
      }
      require_sound(d);
      return d;
    };

    // Everything: in one delta, in pieces, in batches, and as the network's
    // own replicas got it (out of order, with full syncs in between).
    doc whole(replica_id{0x101}, with_id(kDocId));
    ok(whole.apply(net.at(0).delta_since({})));
    const doc pieces = deliver(replica_id{0x102}, true, std::nullopt);
    const doc batches = deliver(replica_id{0x103}, false, std::nullopt);
    for (const save_options& o : kAllOptions) {
      INFO(describe(o));
      const byte_vec want = save(whole, o);
      REQUIRE(save(pieces, o) == want);
      REQUIRE(save(batches, o) == want);
      for (std::size_t i = 0; i < net.size(); ++i) REQUIRE(save(net.at(i), o) == want);
    }

    // All but one transaction, whose replica made later ones: those wait.
    std::size_t skip = 0;
    for (std::size_t k = 0; k + 1 < log.size(); ++k) {
      const bool later = std::any_of(log.begin() + static_cast<std::ptrdiff_t>(k) + 1, log.end(),
                                     [&](const auto& e) { return e.replica == log[k].replica; });
      if (later && r.chance(40)) {
        skip = k;
        break;
      }
    }
    const doc cut_short = deliver(replica_id{0x104}, true, skip);
    const doc batched_short = deliver(replica_id{0x105}, false, skip);
    REQUIRE(cut_short.to_json() == batched_short.to_json());
    REQUIRE(cut_short.pending_ops() == batched_short.pending_ops());
    pending_seen += cut_short.pending_ops();
    for (const save_options& o : kAllOptions) {
      INFO(describe(o) << ", without transaction " << skip);
      REQUIRE(save(cut_short, o) == save(batched_short, o));
    }
  }
  CHECK(pending_seen > 0);
}

// ---------------------------------------------------------------------------
// What state-only snapshots leave out
// ---------------------------------------------------------------------------

TEST_CASE("snapshot: state-only snapshots drop deleted and overwritten content", "[snapshot]") {
  doc a(replica_id{1}, with_id("drop"));
  doc b(replica_id{2}, with_id("drop"));
  auto t = a.get_text("t");
  ok(t.insert(0, "keep:"));
  ok(t.insert(5, "SECRET-TEXT-1"));
  ok(t.erase(5, 13));
  ok(a.get_map("m").set("k", weft::value("SECRET-VALUE-2")));
  ok(a.get_map("m").set("k", weft::value("kept value")));
  ok(a.get_map("m").set("gone", weft::value("SECRET-VALUE-3")));
  ok(a.get_map("m").erase("gone"));
  ok(a.get_list("l").push_back(weft::value("SECRET-ELEMENT-4")));
  ok(a.get_list("l").push_back(weft::value("kept element")));
  ok(a.get_list("l").erase(0));
  ok(a.get_register("r").set(weft::value("SECRET-REGISTER-5")));
  ok(a.get_register("r").set(weft::value("kept register")));
  // b deletes some of a's text concurrently: deletions from any replica
  // drop the content.
  ok(t.insert(0, "SECRET-TEXT-6 "));
  weft::testing::sync(a, b);
  ok(b.get_text("t").erase(0, 14));
  weft::testing::sync(b, a);

  const char* secrets[] = {"SECRET-TEXT-1",     "SECRET-VALUE-2", "SECRET-VALUE-3",
                           "SECRET-ELEMENT-4", "SECRET-REGISTER-5", "SECRET-TEXT-6"};
  const byte_vec full = save(a);
  const byte_vec state = save(a, options_for(snapshot_kind::state_only, false));
  for (const char* s : secrets) {
    INFO(s);
    CHECK(contains(full, s));
    CHECK_FALSE(contains(state, s));
  }
  for (const char* kept : {"keep:", "kept value", "kept element", "kept register"}) {
    INFO(kept);
    CHECK(contains(state, kept));
  }
  CHECK(state.size() < full.size());

  doc loaded = take(load(state, replica_id{3}));
  require_same_state(loaded, a);
  // A peer that never saw the deleted text gets it as placeholders, deleted.
  doc fresh(replica_id{4}, with_id("drop"));
  ok(fresh.apply(loaded.delta_since({})));
  require_sound(fresh);
  REQUIRE(fresh.to_json() == a.to_json());
  // A concurrent insert into the middle of the deleted text lands where it
  // would have on the original.
  doc c = a.fork(replica_id{5});
  ok(c.get_text("t").insert(5, "mid"));
  ok(loaded.apply(c.delta_since(loaded.version())));
  ok(a.apply(c.delta_since(a.version())));
  REQUIRE(loaded.to_json() == a.to_json());
}

// ---------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------

TEST_CASE("snapshot: the document id is kept and checked", "[snapshot]") {
  doc a(replica_id{1}, with_id("the-doc"));
  ok(a.get_text("t").insert(0, "x"));
  const byte_vec bytes = save(a);
  CHECK(take(load(bytes, replica_id{2})).id() == "the-doc");
  CHECK(take(load(bytes, replica_id{2}, with_id("the-doc"))).id() == "the-doc");
  CHECK(load(bytes, replica_id{2}, with_id("another")).code() == errc::invalid_argument);
}

TEST_CASE("snapshot: load refuses snapshots that contradict themselves", "[snapshot]") {
  random_network net(51, 3);
  net.run(80);
  net.settle();
  const doc& d = net.at(0);
  const doc_delta all = d.delta_since({});
  const version_vector v = d.version();

  // The crafting is sound: a snapshot built from delta_since({}) and the
  // version loads.
  require_same_state(take(load(craft_snapshot({.version = &v, .ops = &all}), replica_id{9})), d);

  // A declared version that is not what the ops make.
  version_vector more = v;
  more.set_count(replica_id{0x77}, 1);
  CHECK(load(craft_snapshot({.version = &more, .ops = &all}), replica_id{9}).code() ==
        errc::malformed);
  version_vector less = v;
  less.set_count(v.entries().front().replica, v.entries().front().count - 1);
  CHECK(load(craft_snapshot({.version = &less, .ops = &all}), replica_id{9}).code() ==
        errc::malformed);
  // Ops that depend on ops the snapshot does not hold, outside `pending`.
  version_vector half;
  for (const auto& e : v.entries()) half.set_count(e.replica, e.count / 2);
  const doc_delta later = d.delta_since(half);
  REQUIRE(!later.empty());
  CHECK(load(craft_snapshot({.version = &v, .ops = &later}), replica_id{9}).code() ==
        errc::malformed);
  // Missing parts.
  CHECK(load(craft_snapshot({.ops = &all}), replica_id{9}).code() == errc::malformed);
  CHECK(load(craft_snapshot({.version = &v}), replica_id{9}).code() == errc::malformed);
  CHECK(load(craft_snapshot({.id = std::nullopt, .version = &v, .ops = &all}), replica_id{9})
            .code() == errc::malformed);
  // A kind or format from the future.
  CHECK(load(craft_snapshot({.kind = static_cast<fbw::snapshot_kind>(7), .version = &v, .ops = &all}),
             replica_id{9})
            .code() == errc::unsupported);
  CHECK(load(craft_snapshot({.version = &v,
                             .ops = &all,
                             .format = static_cast<std::uint16_t>(weft::wire_format_version + 1)}),
             replica_id{9})
            .code() == errc::unsupported);

  // Limits: the decoder's, and the document's own capacity.
  const byte_vec bytes = save(d);
  decode_limits l;
  l.max_ops = d.op_count() - 1;
  CHECK(load(bytes, replica_id{9}, {}, l).code() == errc::too_large);
  l = {};
  l.max_message_bytes = bytes.size() - 1;
  CHECK(load(bytes, replica_id{9}, {}, l).code() == errc::too_large);
  l = {};
  l.max_string_bytes = std::string_view(kDocId).size() - 1;
  CHECK(load(bytes, replica_id{9}, {}, l).code() == errc::too_large);
  doc_options small;
  small.max_ops = d.op_count() - 1;
  CHECK(load(bytes, replica_id{9}, small).code() == errc::capacity_exceeded);
}

TEST_CASE("snapshot: a state-only snapshot's live text must match its texts", "[snapshot]") {
  // Two texts (one with characters beyond the BMP, one emptied) and a list.
  doc d(replica_id{4}, doc_options{std::string(kDocId)});
  weft::text_ref a = d.get_text("a");
  REQUIRE(a.insert(0, "hello \U0001F600 world"));
  REQUIRE(a.erase(0, 2));
  REQUIRE(a.insert(4, "\xC3\xA9\U0001F9D1"));
  weft::text_ref gone = d.get_text("b");
  REQUIRE(gone.insert(0, "all of it"));
  REQUIRE(gone.erase(0, 9));
  REQUIRE(d.get_list("l").push_back(std::int64_t{7}));
  const std::string visible = a.to_string();
  REQUIRE(visible == "llo \xC3\xA9\U0001F9D1\U0001F600 world");

  save_options so;
  so.kind = snapshot_kind::state_only;
  doc loaded = take(load(save(d, so), replica_id{9}));
  require_same_state(loaded, d);
  CHECK(loaded.get_text("a").size_utf16() == a.size_utf16());
  CHECK(take(loaded.get_text("a").slice(5, 2)) == "\U0001F9D1\U0001F600");

  // ASCII text takes the fast path of the fill (in place), two texts of it
  // in one snapshot.
  doc ascii(replica_id{5}, doc_options{std::string(kDocId)});
  weft::text_ref x = ascii.get_text("x");
  weft::text_ref y = ascii.get_text("y");
  REQUIRE(x.insert(0, "typed, fixed, typed again"));
  REQUIRE(y.insert(0, "second text"));
  REQUIRE(x.erase(5, 7));
  REQUIRE(x.insert(3, "[mid]"));
  REQUIRE(y.erase(0, 7));
  require_same_state(take(load(save(ascii, so), replica_id{9})), ascii);

  // The same ops, crafted: placeholders in the ops, the characters apart.
  doc_delta ops, pending;
  d.impl().snapshot_ops(true, ops, pending);
  REQUIRE(pending.empty());
  const version_vector v = d.version();
  auto with_live = [&](std::optional<std::string> live, fbw::snapshot_kind kind =
                                                             fbw::snapshot_kind::state_only) {
    return load(craft_snapshot({.kind = kind,
                                .version = &v,
                                .ops = &ops,
                                .text = weft::internal::text_column::elsewhere,
                                .live = std::move(live),
                                .shallow_gaps = true}),
                replica_id{9});
  };
  require_same_state(take(with_live(visible)), d);
  // Too few or too many characters, or not UTF-8.
  CHECK(with_live(visible.substr(0, visible.size() - 1)).code() == errc::malformed);
  CHECK(with_live(visible + "!").code() == errc::malformed);
  CHECK(with_live(std::nullopt).code() == errc::malformed);
  CHECK(with_live(std::string(visible).replace(0, 1, "\xFF")).code() == errc::invalid_utf8);
  // live_text where it has no place: a full snapshot; beside a text column.
  CHECK(with_live(visible, fbw::snapshot_kind::full).code() == errc::malformed);
  CHECK(load(craft_snapshot({.kind = fbw::snapshot_kind::state_only,
                             .version = &v,
                             .ops = &ops,
                             .live = visible,
                             .shallow_gaps = true}),
             replica_id{9})
            .code() == errc::malformed);
  // The same text named twice in the container table.
  doc_delta twice = ops;
  twice.containers.push_back(twice.containers.front());
  CHECK(load(craft_snapshot({.kind = fbw::snapshot_kind::state_only,
                             .version = &v,
                             .ops = &twice,
                             .text = weft::internal::text_column::elsewhere,
                             .live = visible,
                             .shallow_gaps = true}),
             replica_id{9})
            .code() == errc::malformed);
}

TEST_CASE("snapshot: damaged snapshots are refused or load a sound document", "[snapshot][random]") {
  std::size_t refused = 0, loaded_ok = 0;
  for (std::uint64_t seed = 61; seed <= 64; ++seed) {
    random_network net(seed, 3);
    net.run(50);
    rng r(seed);
    for (const save_options& o : kAllOptions) {
      INFO("seed " << seed << ", " << describe(o));
      const byte_vec bytes = save(net.at(0), o);
      for (int k = 0; k < 60; ++k) {
        byte_vec bad = bytes;
        if (k % 4 == 0) {
          bad.resize(r.below(bad.size()));
        } else {
          bad[r.below(bad.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
        }
        auto res = load(bad, replica_id{0xEE});
        if (!res) {
          ++refused;
          CHECK(res.code() != errc::corrupted);
          continue;
        }
        ++loaded_ok;
        require_sound(*res);
        // Whatever loaded saves and loads back the same.
        doc again = take(load(save(*res), replica_id{0xEF}));
        REQUIRE(again.to_json() == res->to_json());
      }
    }
  }
  CHECK(refused > 0);
  INFO("damaged snapshots that still loaded: " << loaded_ok);
}
