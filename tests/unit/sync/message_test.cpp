// Copyright 2026 The weft Authors. MIT License.
//
// Sync messages: every kind survives encode and decode, a keystroke's delta
// and its ack stay small, and damaged or out-of-place bytes are refused with
// the right code.

#include "weft/sync/message.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "flatbuffers/flatbuffers.h"
#include "fuzz/fuzz_sync.hpp"
#include "weft/doc.hpp"
#include "weft/wire.hpp"
#include "weft_generated.h"

namespace {

using namespace weft;
using namespace weft::sync;
namespace fbw = weft::internal::wire;
using bytes_t = std::vector<std::uint8_t>;

presence_update full_update() {
  presence_update u;
  u.client = replica_id{0xABCDEF};
  u.clock = 7;
  u.what = presence_update::kind::full;
  u.user_id = "u-1";
  u.name = "Ada";
  u.color = "#ff0000";
  u.avatar_url = "https://example.com/a.png";
  presence_cursor c;
  c.text = "body";
  c.anchor_pos = anchor{op_id{replica_id{3}, 40}, affinity::left};
  c.head = anchor{std::nullopt, affinity::right};
  u.cursor = std::optional<presence_cursor>(c);
  u.custom["mood"] = "busy";
  u.custom["gone"] = std::nullopt;
  u.custom["empty"] = "";
  return u;
}

std::vector<message> samples() {
  doc d(replica_id{0x2A}, {.id = "ex"});
  REQUIRE(d.get_text("t").insert(0, "h\xC3\xA9llo"));
  REQUIRE(d.get_map("m").set("k", value(std::int64_t{7})));
  version_vector v;
  v.set_count(replica_id{1}, 5);
  v.set_count(replica_id{0xFFFFFFFFFFFFFFFFull}, 1);

  presence_update patch;
  patch.client = replica_id{9};
  patch.clock = 2;
  patch.cursor = std::optional<presence_cursor>();  // cleared
  patch.name = "";                                    // set to empty
  presence_update bye;
  bye.client = replica_id{9};
  bye.clock = 3;
  bye.what = presence_update::kind::goodbye;

  return {
      hello_message{},
      hello_message{protocol_version, {replica_id{1}, replica_id{2}}, "token", 0x5, {{0, "doc-a", role::none}, {7, "doc-\xC3\xA9", role::none}}, false},
      hello_message{protocol_version, {}, "", 0, {{0, "doc-a", role::write}, {7, "b", role::none}, {9, "c", role::admin}}, true},
      version_message{3, v, true},
      version_message{0, {}, false},
      delta_message{2, d.delta_since({})},
      delta_message{0, {}},
      ack_message{1, v},
      presence_message{4, {full_update(), patch, bye}},
      presence_message{0, {}},
      ping_message{0},
      ping_message{0xFFFFFFFFFFFFFFFFull},
      pong_message{42},
      error_message{error_code::read_only, "no writing here", 3},
      error_message{error_code::rate_limited, "", std::nullopt},
      error_message{error_code::unauthorized, "x", 0},
      goodbye_message{},
      goodbye_message{{1, 2, 0xFFFFFFFFu}},
  };
}

// raw builds an envelope around a sync_message made by `fill`.
template <class Fill>
bytes_t raw(Fill&& fill) {
  flatbuffers::FlatBufferBuilder b;
  const auto off = fill(b);
  b.Finish(fbw::Createenvelope(b, 1, fbw::compression::none, 0, fbw::payload::sync_message,
                               off.Union()),
           fbw::envelopeIdentifier());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace

TEST_CASE("sync message: every kind survives encode and decode", "[sync][message]") {
  for (const message& m : samples()) {
    INFO(message_type_name(type_of(m)));
    const bytes_t bytes = encode_message(m);
    CHECK(peek_message(bytes).value() == message_kind::sync);
    auto back = decode_message(bytes);
    REQUIRE(back);
    CHECK(*back == m);
    CHECK(encode_message(*back) == bytes);  // deterministic
    // Compressed (when it pays) decodes to the same.
    auto z = decode_message(encode_message(m, {compression::zstd, 0}));
    REQUIRE(z);
    CHECK(*z == m);
  }
}

TEST_CASE("sync message: a keystroke and its ack are small", "[sync][message]") {
  doc d(replica_id{0x1234567890ABCDEFull}, {.id = "d"});
  auto t = d.get_text("body");
  for (int i = 0; i < 500; ++i) REQUIRE(t.insert(static_cast<std::size_t>(i), "x"));
  const version_vector before = d.version();
  REQUIRE(t.insert(500, "y"));
  const bytes_t delta = encode_message(delta_message{0, d.delta_since(before)});
  version_vector acked;
  acked.set_count(d.replica(), d.version().get(d.replica()));
  const bytes_t ack = encode_message(ack_message{0, acked});
  const bytes_t ping = encode_message(ping_message{1});
  UNSCOPED_INFO("keystroke delta " << delta.size() << " bytes, ack " << ack.size()
                                    << " bytes, ping " << ping.size() << " bytes");
  CHECK(delta.size() <= 120);
  CHECK(ack.size() <= 80);
  CHECK(ping.size() <= 80);
}

TEST_CASE("sync message: another payload is malformed, damage is refused", "[sync][message]") {
  CHECK(decode_message(encode_delta(doc_delta{})).code() == errc::malformed);
  CHECK(decode_message(encode_version(version_vector{})).code() == errc::malformed);
  CHECK(decode_message(bytes_t{}).code() == errc::malformed);
  // A sync message is no delta for the document decoders.
  const bytes_t ping = encode_message(ping_message{5});
  CHECK(decode_delta(ping).code() == errc::malformed);
  CHECK(decode_version(ping).code() == errc::malformed);

  // Every truncation and every bit flip of a delta message: refused with a
  // clear code, or (a flip in a value) decoded to a message that encodes.
  doc d(replica_id{5}, {.id = "d"});
  REQUIRE(d.get_text("t").insert(0, "hello"));
  const bytes_t good = encode_message(delta_message{1, d.delta_since({})});
  const message original = *decode_message(good);
  for (std::size_t n = 0; n < good.size(); ++n) {
    const bytes_t cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    // Refused, or (the padding FlatBuffers may leave at the end cut off)
    // the same message.
    const auto r = decode_message(cut);
    CHECK((!r || (n >= good.size() - 3 && *r == original)));
  }
  std::size_t refused = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      bytes_t bad = good;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = decode_message(bad);
      if (!r) {
        ++refused;
        CHECK(r.code() != errc::ok);
        continue;
      }
      CHECK(decode_message(encode_message(*r)));
    }
  }
  CHECK(refused > good.size());
}

TEST_CASE("sync message: fields a kind does not use, and bad values, are refused", "[sync][message]") {
  // A ping with an error code.
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(6);
          m.add_code(3);
          return m.Finish();
        })).code() == errc::malformed);
  // No kind; an unknown one (a newer peer).
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_nonce(1);
          return m.Finish();
        })).code() == errc::malformed);
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(77);
          return m.Finish();
        })).code() == errc::unsupported);
  // A delta message without ops; a version without a vector.
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(3);
          return m.Finish();
        })).code() == errc::malformed);
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(2);
          return m.Finish();
        })).code() == errc::malformed);
  // A hello without a protocol; with a role past admin; binding a channel
  // twice; with a document id that is not UTF-8.
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(1);
          return m.Finish();
        })).code() == errc::malformed);
  auto hello_with = [](std::vector<std::pair<std::uint32_t, std::string>> docs, std::uint8_t role_value) {
    return raw([&](auto& b) {
      std::vector<flatbuffers::Offset<fbw::sync_doc>> v;
      for (auto& [ch, id] : docs) v.push_back(fbw::Createsync_doc(b, ch, b.CreateString(id), role_value));
      const auto vec = b.CreateVector(v);
      fbw::sync_messageBuilder m(b);
      m.add_kind(1);
      m.add_protocol(1);
      m.add_docs(vec);
      return m.Finish();
    });
  };
  CHECK(decode_message(hello_with({{0, "a"}}, 2)));
  CHECK(decode_message(hello_with({{0, "a"}}, 4)).code() == errc::malformed);
  CHECK(decode_message(hello_with({{0, "a"}, {0, "b"}}, 0)).code() == errc::malformed);
  CHECK(decode_message(hello_with({{0, ""}}, 0)).code() == errc::malformed);
  CHECK(decode_message(hello_with({{0, "\xC3"}}, 0)).code() == errc::invalid_utf8);
  // Error without a code; naming a channel without the flag.
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(8);
          return m.Finish();
        })).code() == errc::malformed);
  CHECK(decode_message(raw([](auto& b) {
          fbw::sync_messageBuilder m(b);
          m.add_kind(8);
          m.add_code(1);
          m.add_channel(4);
          return m.Finish();
        })).code() == errc::malformed);
}

TEST_CASE("sync message: packed deltas and version vectors are checked", "[sync][message]") {
  auto with_version = [](std::uint8_t kind, bytes_t packed) {
    return raw([&](auto& b) {
      const auto v = b.CreateVector(packed);
      fbw::sync_messageBuilder m(b);
      m.add_kind(kind);
      m.add_version(v);
      return m.Finish();
    });
  };
  auto id = [](std::uint8_t low) { return bytes_t{low, 0, 0, 0, 0, 0, 0, 0}; };
  auto cat = [](std::initializer_list<bytes_t> parts) {
    bytes_t out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  // {1: 5, 2: 1} decodes; out of order, a zero count, trailing bytes, a
  // count past the end do not.
  auto ok = decode_message(with_version(4, cat({{2}, id(1), {5}, id(2), {1}})));
  REQUIRE(ok);
  CHECK(std::get<ack_message>(*ok).version.get(replica_id{1}) == 5);
  CHECK(decode_message(with_version(4, cat({{2}, id(2), {5}, id(1), {1}}))).code() == errc::malformed);
  CHECK(decode_message(with_version(4, cat({{2}, id(1), {5}, id(1), {1}}))).code() == errc::malformed);
  CHECK(decode_message(with_version(4, cat({{1}, id(1), {0}}))).code() == errc::malformed);
  CHECK(decode_message(with_version(2, cat({{1}, id(1), {3}, {9}}))).code() == errc::malformed);
  CHECK(decode_message(with_version(2, cat({{3}, id(1), {3}}))).code() == errc::malformed);
  CHECK(decode_message(with_version(2, {0x80})).code() == errc::malformed);

  auto with_ops = [](bytes_t packed) {
    return raw([&](auto& b) {
      const auto v = b.CreateVector(packed);
      fbw::sync_messageBuilder m(b);
      m.add_kind(3);
      m.add_ops(v);
      return m.Finish();
    });
  };
  // The empty delta is mask 0; a field past the table, a present field of
  // length 0, trailing bytes and a column past the end are refused.
  CHECK(decode_message(with_ops({0})));
  CHECK(decode_message(with_ops({0x80, 0x80, 0x80, 0x08})).code() == errc::malformed);
  CHECK(decode_message(with_ops({0x04, 0x00})).code() == errc::malformed);
  CHECK(decode_message(with_ops({0x00, 0x01})).code() == errc::malformed);
  CHECK(decode_message(with_ops({0x04, 0x05, 0x01})).code() == errc::malformed);
  // runs = 1 and nothing else: the columns the run needs are missing.
  CHECK(decode_message(with_ops({0x01, 0x01})).code() == errc::malformed);
}

TEST_CASE("sync message: presence fields are checked", "[sync][message]") {
  auto presence_with = [](auto&& make_update) {
    return raw([&](auto& b) {
      std::vector<flatbuffers::Offset<fbw::sync_presence_update>> v{make_update(b)};
      const auto vec = b.CreateVector(v);
      fbw::sync_messageBuilder m(b);
      m.add_kind(5);
      m.add_presence(vec);
      return m.Finish();
    });
  };
  // Unknown update kind.
  CHECK(decode_message(presence_with([](auto& b) {
          return fbw::Createsync_presence_update(b, 1, 1, 3);
        })).code() == errc::malformed);
  // A cursor without cursor_set.
  CHECK(decode_message(presence_with([](auto& b) {
          const auto t = b.CreateString("t");
          const auto a = fbw::Createsync_anchor(b);
          const auto c = fbw::Createsync_cursor(b, t, a, a);
          return fbw::Createsync_presence_update(b, 1, 1, 0, 0, 0, 0, 0, false, c);
        })).code() == errc::malformed);
  // An anchor without target that names one; an unknown side.
  CHECK(decode_message(presence_with([](auto& b) {
          const auto t = b.CreateString("t");
          const auto a = fbw::Createsync_anchor(b, 5, 0, false, 0);
          const auto c = fbw::Createsync_cursor(b, t, a, a);
          return fbw::Createsync_presence_update(b, 1, 1, 0, 0, 0, 0, 0, true, c);
        })).code() == errc::malformed);
  CHECK(decode_message(presence_with([](auto& b) {
          const auto t = b.CreateString("t");
          const auto a = fbw::Createsync_anchor(b, 0, 0, false, 2);
          const auto c = fbw::Createsync_cursor(b, t, a, a);
          return fbw::Createsync_presence_update(b, 1, 1, 0, 0, 0, 0, 0, true, c);
        })).code() == errc::malformed);
  // A custom key twice.
  CHECK(decode_message(presence_with([](auto& b) {
          std::vector<flatbuffers::Offset<fbw::sync_custom_field>> f{
              fbw::Createsync_custom_field(b, b.CreateString("k"), b.CreateString("1")),
              fbw::Createsync_custom_field(b, b.CreateString("k"), b.CreateString("2"))};
          const auto v = b.CreateVector(f);
          return fbw::Createsync_presence_update(b, 1, 1, 0, 0, 0, 0, 0, false, 0, v);
        })).code() == errc::malformed);
  // A name over max_string_bytes.
  decode_limits small;
  small.max_string_bytes = 4;
  CHECK(decode_message(presence_with([](auto& b) {
          const auto n = b.CreateString("too long");
          return fbw::Createsync_presence_update(b, 1, 1, 0, 0, n);
        }), small).code() == errc::too_large);
}

TEST_CASE("sync message: limits apply", "[sync][message]") {
  decode_limits l;
  l.max_items = 2;
  hello_message h;
  h.replicas = {replica_id{1}, replica_id{2}, replica_id{3}};
  CHECK(decode_message(encode_message(h), l).code() == errc::too_large);
  l = {};
  l.max_message_bytes = 64;
  doc d(replica_id{5}, {.id = "d"});
  REQUIRE(d.get_text("t").insert(0, std::string(200, 'a')));
  CHECK(decode_message(encode_message(delta_message{0, d.delta_since({})}), l).code() ==
        errc::too_large);
}

TEST_CASE("sync message: the fuzz target's checks hold on valid and damaged messages", "[sync][message]") {
  // fuzz_sync_message's own checks (they abort on a broken property), run
  // here without libFuzzer: every message above, every truncation of a
  // small delta and of a presence message, and bit flips of their headers.
  for (const message& m : samples()) {
    const bytes_t b = encode_message(m);
    CHECK(weft::fuzz::one_sync_message(b.data(), b.size()) == 0);
  }
  doc d(weft::fuzz::kReplicaA, {.id = "fuzz"});
  REQUIRE(d.get_text("t").insert(0, "hey"));
  presence_message pm{0, {full_update()}};
  pm.updates[0].client = weft::fuzz::kReplicaB;
  for (const bytes_t& good : {encode_message(delta_message{0, d.delta_since({})}), encode_message(pm)}) {
    for (std::size_t n = 0; n < good.size(); n += 3) {
      CHECK(weft::fuzz::one_sync_message(good.data(), n) == 0);
    }
    bytes_t flipped = good;
    for (std::size_t i = 0; i < std::min<std::size_t>(good.size(), 40); ++i) {
      for (int bit = 0; bit < 8; bit += 3) {
        flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
        CHECK(weft::fuzz::one_sync_message(flipped.data(), flipped.size()) == 0);
        flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
      }
    }
  }
}
