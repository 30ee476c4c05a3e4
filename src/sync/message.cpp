// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/message.cpp
// -----------------------------------------------------------------------------
//
// Sync messages to and from the `sync_message` table of weft.fbs. The
// delta and version vectors inside go through the wire format's own codecs
// (wire/delta_codec.hpp), so they are checked exactly as decode_delta and
// decode_version check them.

#include "weft/sync/message.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "fmt/format.h"
#include "weft/internal/utf8.hpp"
#include "wire/column.hpp"
#include "wire/delta_codec.hpp"
#include "wire/envelope.hpp"

namespace weft::sync {

const char* message_type_name(message_type t) noexcept {
  switch (t) {
    case message_type::hello: return "hello";
    case message_type::version: return "version";
    case message_type::delta: return "delta";
    case message_type::ack: return "ack";
    case message_type::presence: return "presence";
    case message_type::ping: return "ping";
    case message_type::pong: return "pong";
    case message_type::error: return "error";
    case message_type::goodbye: return "goodbye";
  }
  return "unknown";
}

const char* error_code_name(error_code c) noexcept {
  switch (c) {
    case error_code::protocol: return "protocol";
    case error_code::malformed: return "malformed";
    case error_code::too_large: return "too_large";
    case error_code::rate_limited: return "rate_limited";
    case error_code::unauthorized: return "unauthorized";
    case error_code::read_only: return "read_only";
    case error_code::impersonation: return "impersonation";
    case error_code::refused: return "refused";
    case error_code::overloaded: return "overloaded";
    case error_code::unsupported: return "unsupported";
  }
  return "unknown";
}

message_type type_of(const message& m) noexcept {
  return static_cast<message_type>(m.index() + 1);
}

namespace {

namespace fbw = weft::internal::wire;
using fb_builder = flatbuffers::FlatBufferBuilder;
using msg_table = fbw::sync_message;

// Field bits of sync_message, in schema order: a kind allows a set of them.
enum field : std::uint32_t {
  f_kind = 1u << 0,
  f_channel = 1u << 1,
  f_ops = 1u << 2,
  f_version = 1u << 3,
  f_flags = 1u << 4,
  f_presence = 1u << 5,
  f_nonce = 1u << 6,
  f_code = 1u << 7,
  f_text = 1u << 8,
  f_protocol = 1u << 9,
  f_replicas = 1u << 10,
  f_credentials = 1u << 11,
  f_capabilities = 1u << 12,
  f_docs = 1u << 13,
  f_channels = 1u << 14,
};
constexpr int kFieldCount = 15;

constexpr std::uint32_t allowed_fields(message_type t) {
  switch (t) {
    case message_type::hello:
      return f_kind | f_flags | f_protocol | f_replicas | f_credentials | f_capabilities | f_docs;
    case message_type::version: return f_kind | f_channel | f_version | f_flags;
    case message_type::delta: return f_kind | f_channel | f_ops;
    case message_type::ack: return f_kind | f_channel | f_version;
    case message_type::presence: return f_kind | f_channel | f_presence;
    case message_type::ping:
    case message_type::pong: return f_kind | f_nonce;
    case message_type::error: return f_kind | f_channel | f_flags | f_code | f_text;
    case message_type::goodbye: return f_kind | f_channels;
  }
  return 0;
}

// present_fields reads the table's vtable: which fields are stored. The
// generated class hides flatbuffers::Table (private base), whose layout it is.
std::uint32_t present_fields(const msg_table& m) {
  const auto& t = reinterpret_cast<const flatbuffers::Table&>(m);
  std::uint32_t bits = 0;
  for (int i = 0; i < kFieldCount; ++i) {
    if (t.GetOptionalFieldOffset(static_cast<flatbuffers::voffset_t>(4 + 2 * i)) != 0) {
      bits |= 1u << i;
    }
  }
  return bits;
}

// --- encoding ---------------------------------------------------------------

flatbuffers::Offset<flatbuffers::String> opt_string(fb_builder& b,
                                                    const std::optional<std::string>& s) {
  return s ? b.CreateString(*s) : flatbuffers::Offset<flatbuffers::String>();
}

flatbuffers::Offset<fbw::sync_anchor> build_anchor(fb_builder& b, const anchor& a) {
  const op_id id = a.target.value_or(op_id{});
  return fbw::Createsync_anchor(b, static_cast<std::uint64_t>(id.replica), id.seq,
                                a.target.has_value(), static_cast<std::uint8_t>(a.side));
}

flatbuffers::Offset<fbw::sync_presence_update> build_update(fb_builder& b,
                                                            const presence_update& u) {
  flatbuffers::Offset<fbw::sync_cursor> cursor;
  if (u.cursor && *u.cursor) {
    const presence_cursor& c = **u.cursor;
    const auto text = b.CreateString(c.text);
    const auto a = build_anchor(b, c.anchor_pos);
    const auto h = build_anchor(b, c.head);
    cursor = fbw::Createsync_cursor(b, text, a, h);
  }
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fbw::sync_custom_field>>> custom;
  if (!u.custom.empty()) {
    std::vector<flatbuffers::Offset<fbw::sync_custom_field>> fields;
    fields.reserve(u.custom.size());
    for (const auto& [key, value] : u.custom) {
      const auto k = b.CreateString(key);
      const auto v = opt_string(b, value);
      fields.push_back(fbw::Createsync_custom_field(b, k, v));
    }
    custom = b.CreateVector(fields);
  }
  const auto user_id = opt_string(b, u.user_id);
  const auto name = opt_string(b, u.name);
  const auto color = opt_string(b, u.color);
  const auto avatar = opt_string(b, u.avatar_url);
  return fbw::Createsync_presence_update(b, static_cast<std::uint64_t>(u.client), u.clock,
                                         static_cast<std::uint8_t>(u.what), user_id, name, color,
                                         avatar, u.cursor.has_value(), cursor, custom);
}

error malformed(std::string what) { return make_error(errc::malformed, std::move(what)); }

// --- packed deltas ----------------------------------------------------------
//
// A delta message carries the `delta` table of weft.fbs packed: a uvarint
// mask of the table's fields that are present (bit i: field i in schema
// order), then each present field in order: `runs` and `tombstones` a
// uvarint (not 0),
// `replicas` a uvarint count (not 0) and that many 8-byte little-endian ids,
// `omit_deleted` nothing (present means true), every [ubyte] column a
// uvarint length (not 0) and its bytes. Unpacking rebuilds the table and
// checks it with the FlatBuffers verifier and read_delta, like any delta.

constexpr int kDeltaFields = 28;
constexpr int kRunsField = 0;
constexpr int kTombstonesField = 24;
constexpr int kReplicasField = 1;
constexpr int kOmitField = 14;

constexpr flatbuffers::voffset_t delta_voffset(int field) {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * field);
}
static_assert(delta_voffset(kOmitField) == fbw::delta::VT_OMIT_DELETED);
static_assert(delta_voffset(kTombstonesField) == fbw::delta::VT_TOMBSTONES);
static_assert(delta_voffset(kDeltaFields - 1) == fbw::delta::VT_TOMBSTONE_LENGTHS);

std::vector<std::uint8_t> pack_delta(const doc_delta& d) {
  fb_builder b(512);
  b.Finish(weft::internal::build_delta(b, d));
  const auto& t = reinterpret_cast<const flatbuffers::Table&>(
      *flatbuffers::GetRoot<fbw::delta>(b.GetBufferPointer()));
  std::uint64_t mask = 0;
  for (int i = 0; i < kDeltaFields; ++i) {
    if (t.GetOptionalFieldOffset(delta_voffset(i)) != 0) mask |= std::uint64_t{1} << i;
  }
  weft::internal::byte_writer w;
  w.put_uvarint(mask);
  for (int i = 0; i < kDeltaFields; ++i) {
    if ((mask >> i & 1) == 0 || i == kOmitField) continue;
    if (i == kRunsField || i == kTombstonesField) {
      w.put_uvarint(t.GetField<std::uint64_t>(delta_voffset(i), 0));
    } else if (i == kReplicasField) {
      const auto* v = t.GetPointer<const flatbuffers::Vector<std::uint64_t>*>(delta_voffset(i));
      w.put_uvarint(v->size());
      for (const std::uint64_t r : *v) {
        for (int k = 0; k < 8; ++k) w.put_u8(static_cast<std::uint8_t>(r >> (8 * k)));
      }
    } else {
      const auto* v = t.GetPointer<const flatbuffers::Vector<std::uint8_t>*>(delta_voffset(i));
      w.put_uvarint(v->size());
      w.put_bytes({v->data(), v->size()});
    }
  }
  return w.take();
}

result<doc_delta> unpack_delta(std::span<const std::uint8_t> packed, const decode_limits& limits) {
  weft::internal::byte_reader r(packed);
  auto mask = r.uvarint();
  if (!mask) return mask.error();
  if (*mask >> kDeltaFields != 0) return malformed("packed delta names a field the table lacks");
  if ((*mask >> kOmitField & 1) != 0 && *mask == (std::uint64_t{1} << kOmitField)) {
    // omit_deleted alone is a table the encoder never writes; harmless, but
    // not canonical.
    return malformed("packed delta with nothing but omit_deleted");
  }
  fb_builder b(packed.size() + 256);
  std::uint64_t runs = 0;
  std::uint64_t tombstones = 0;
  flatbuffers::uoffset_t offsets[kDeltaFields] = {};
  for (int i = 0; i < kDeltaFields; ++i) {
    if ((*mask >> i & 1) == 0 || i == kOmitField) continue;
    auto n = r.uvarint();
    if (!n) return n.error();
    if (*n == 0) return malformed(fmt::format("packed delta field {} present but empty", i));
    if (i == kRunsField || i == kTombstonesField) {
      (i == kRunsField ? runs : tombstones) = *n;
      continue;
    }
    const std::uint64_t width = i == kReplicasField ? 8 : 1;
    if (*n > r.remaining() / width) return malformed("packed delta field runs past its end");
    auto bytes = r.bytes(*n * width);
    if (!bytes) return bytes.error();
    if (i == kReplicasField) {
      std::vector<std::uint64_t> ids(static_cast<std::size_t>(*n));
      for (std::size_t j = 0; j < ids.size(); ++j) {
        std::uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= std::uint64_t{(*bytes)[j * 8 + static_cast<std::size_t>(k)]} << (8 * k);
        ids[j] = v;
      }
      offsets[i] = b.CreateVector(ids).o;
    } else {
      offsets[i] = b.CreateVector(bytes->data(), bytes->size()).o;
    }
  }
  if (!r.done()) return malformed("bytes after the packed delta");
  const auto start = b.StartTable();
  if ((*mask >> kRunsField & 1) != 0) b.AddElement<std::uint64_t>(delta_voffset(kRunsField), runs, 0);
  if ((*mask >> kTombstonesField & 1) != 0) {
    b.AddElement<std::uint64_t>(delta_voffset(kTombstonesField), tombstones, 0);
  }
  if ((*mask >> kOmitField & 1) != 0) b.AddElement<std::uint8_t>(delta_voffset(kOmitField), 1, 0);
  for (int i = 0; i < kDeltaFields; ++i) {
    if (offsets[i] != 0) b.AddOffset(delta_voffset(i), flatbuffers::Offset<void>(offsets[i]));
  }
  b.Finish(flatbuffers::Offset<fbw::delta>(b.EndTable(start)));
  flatbuffers::Verifier v(b.GetBufferPointer(), b.GetSize(), limits.max_depth, limits.max_tables);
  if (!v.VerifyBuffer<fbw::delta>(nullptr)) return malformed("packed delta fails verification");
  return weft::internal::read_delta(*flatbuffers::GetRoot<fbw::delta>(b.GetBufferPointer()),
                                    limits);
}

// A version vector packed: a uvarint entry count, then per entry, in
// strictly ascending replica order, the replica id as 8 bytes little-endian
// and its count as a uvarint (not 0). Nine or ten bytes for the one entry
// of a keystroke's ack, against ~40 for a nested version_vector table.
std::vector<std::uint8_t> pack_version(const version_vector& v) {
  weft::internal::byte_writer w;
  w.put_uvarint(v.size());
  for (const auto& e : v.entries()) {
    const auto r = static_cast<std::uint64_t>(e.replica);
    for (int k = 0; k < 8; ++k) w.put_u8(static_cast<std::uint8_t>(r >> (8 * k)));
    w.put_uvarint(e.count);
  }
  return w.take();
}

result<version_vector> unpack_version(std::span<const std::uint8_t> packed) {
  weft::internal::byte_reader r(packed);
  auto n = r.uvarint();
  if (!n) return n.error();
  if (*n > r.remaining() / 9) return malformed("packed version vector runs past its end");
  version_vector v;
  std::optional<std::uint64_t> last;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto id = r.bytes(8);
    if (!id) return id.error();
    std::uint64_t replica = 0;
    for (int k = 0; k < 8; ++k) replica |= std::uint64_t{(*id)[static_cast<std::size_t>(k)]} << (8 * k);
    if (last && replica <= *last) return malformed("version vector replicas not ascending");
    last = replica;
    auto count = r.uvarint();
    if (!count) return count.error();
    if (*count == 0) return malformed("version vector entry with count 0");
    v.set_count(replica_id{replica}, *count);
  }
  if (!r.done()) return malformed("bytes after the packed version vector");
  return v;
}

struct encoder {
  fb_builder& b;

  flatbuffers::Offset<msg_table> operator()(const hello_message& m) const {
    std::vector<std::uint64_t> replicas;
    replicas.reserve(m.replicas.size());
    for (const replica_id r : m.replicas) replicas.push_back(static_cast<std::uint64_t>(r));
    std::vector<flatbuffers::Offset<fbw::sync_doc>> docs;
    docs.reserve(m.docs.size());
    for (const doc_binding& d : m.docs) {
      const auto id = b.CreateString(d.doc_id);
      docs.push_back(fbw::Createsync_doc(b, d.channel, id, static_cast<std::uint8_t>(d.granted)));
    }
    const auto r = replicas.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint64_t>>()
                                    : b.CreateVector(replicas);
    const auto c = m.credentials.empty() ? flatbuffers::Offset<flatbuffers::String>()
                                         : b.CreateString(m.credentials);
    const auto d = docs.empty()
                       ? flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fbw::sync_doc>>>()
                       : b.CreateVector(docs);
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::hello));
    mb.add_flags(m.answer ? 1 : 0);
    mb.add_protocol(m.protocol);
    mb.add_replicas(r);
    mb.add_credentials(c);
    mb.add_capabilities(m.capabilities);
    mb.add_docs(d);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const version_message& m) const {
    const auto v = b.CreateVector(pack_version(m.version));
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::version));
    mb.add_channel(m.channel);
    mb.add_version(v);
    mb.add_flags(m.reply_wanted ? 1 : 0);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const delta_message& m) const {
    const auto packed = pack_delta(m.ops);
    const auto ops = b.CreateVector(packed);
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::delta));
    mb.add_channel(m.channel);
    mb.add_ops(ops);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const ack_message& m) const {
    const auto v = b.CreateVector(pack_version(m.version));
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::ack));
    mb.add_channel(m.channel);
    mb.add_version(v);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const presence_message& m) const {
    std::vector<flatbuffers::Offset<fbw::sync_presence_update>> updates;
    updates.reserve(m.updates.size());
    for (const presence_update& u : m.updates) updates.push_back(build_update(b, u));
    const auto v = b.CreateVector(updates);
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::presence));
    mb.add_channel(m.channel);
    mb.add_presence(v);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const ping_message& m) const {
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::ping));
    mb.add_nonce(m.nonce);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const pong_message& m) const {
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::pong));
    mb.add_nonce(m.nonce);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const error_message& m) const {
    const auto text = m.text.empty() ? flatbuffers::Offset<flatbuffers::String>()
                                     : b.CreateString(m.text);
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::error));
    if (m.channel) mb.add_channel(*m.channel);
    mb.add_flags(m.channel ? 1 : 0);
    mb.add_code(static_cast<std::uint16_t>(m.code));
    mb.add_text(text);
    return mb.Finish();
  }
  flatbuffers::Offset<msg_table> operator()(const goodbye_message& m) const {
    const auto c = m.channels.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint32_t>>()
                                      : b.CreateVector(m.channels);
    fbw::sync_messageBuilder mb(b);
    mb.add_kind(static_cast<std::uint8_t>(message_type::goodbye));
    mb.add_channels(c);
    return mb.Finish();
  }
};

// --- decoding ---------------------------------------------------------------


result<std::string> read_string(const flatbuffers::String* s, const decode_limits& limits,
                                std::string_view what) {
  if (s == nullptr) return std::string();
  if (s->size() > limits.max_string_bytes) {
    return make_error(errc::too_large, fmt::format("{} of {} bytes exceeds the limit of {}", what,
                                                   s->size(), limits.max_string_bytes));
  }
  const std::string_view v(s->data(), s->size());
  if (!weft::internal::validate_utf8(v)) {
    return make_error(errc::invalid_utf8, fmt::format("{} is not UTF-8", what));
  }
  return std::string(v);
}

result<std::optional<std::string>> read_opt_string(const flatbuffers::String* s,
                                                   const decode_limits& limits,
                                                   std::string_view what) {
  if (s == nullptr) return std::optional<std::string>();
  auto v = read_string(s, limits, what);
  if (!v) return v.error();
  return std::optional<std::string>(std::move(*v));
}

result<void> check_count(std::size_t n, const decode_limits& limits, std::string_view what) {
  if (n > limits.max_items) {
    return make_error(errc::too_large, fmt::format("{} {} exceed the limit of {}", n, what,
                                                   limits.max_items));
  }
  return {};
}

result<anchor> read_anchor(const fbw::sync_anchor* a) {
  if (a == nullptr) return malformed("presence cursor without an anchor");
  if (a->side() > 1) return malformed(fmt::format("anchor side {} is unknown", a->side()));
  anchor out;
  out.side = static_cast<affinity>(a->side());
  if (a->has_target()) {
    out.target = op_id{replica_id{a->replica()}, a->seq()};
  } else if (a->replica() != 0 || a->seq() != 0) {
    return malformed("anchor without a target names one");
  }
  return out;
}

result<presence_update> read_update(const fbw::sync_presence_update& t,
                                    const decode_limits& limits) {
  presence_update u;
  u.client = replica_id{t.client()};
  u.clock = t.clock();
  if (t.what() > 2) return malformed(fmt::format("presence update kind {} is unknown", t.what()));
  u.what = static_cast<presence_update::kind>(t.what());
  auto user_id = read_opt_string(t.user_id(), limits, "presence user id");
  if (!user_id) return user_id.error();
  u.user_id = std::move(*user_id);
  auto name = read_opt_string(t.name(), limits, "presence name");
  if (!name) return name.error();
  u.name = std::move(*name);
  auto color = read_opt_string(t.color(), limits, "presence color");
  if (!color) return color.error();
  u.color = std::move(*color);
  auto avatar = read_opt_string(t.avatar_url(), limits, "presence avatar url");
  if (!avatar) return avatar.error();
  u.avatar_url = std::move(*avatar);
  if (t.cursor() != nullptr && !t.cursor_set()) return malformed("a cursor without cursor_set");
  if (t.cursor_set()) {
    if (t.cursor() == nullptr) {
      u.cursor = std::optional<presence_cursor>();
    } else {
      presence_cursor c;
      if (t.cursor()->text() == nullptr) return malformed("presence cursor without a text name");
      auto text = read_string(t.cursor()->text(), limits, "presence cursor text name");
      if (!text) return text.error();
      c.text = std::move(*text);
      auto a = read_anchor(t.cursor()->anchor());
      if (!a) return a.error();
      auto h = read_anchor(t.cursor()->head());
      if (!h) return h.error();
      c.anchor_pos = *a;
      c.head = *h;
      u.cursor = std::optional<presence_cursor>(std::move(c));
    }
  }
  if (const auto* custom = t.custom(); custom != nullptr) {
    WEFT_TRY(check_count(custom->size(), limits, "custom presence fields"));
    for (const auto* f : *custom) {
      if (f->key() == nullptr) return malformed("custom presence field without a key");
      auto key = read_string(f->key(), limits, "custom presence key");
      if (!key) return key.error();
      auto value = read_opt_string(f->value(), limits, "custom presence value");
      if (!value) return value.error();
      if (!u.custom.emplace(std::move(*key), std::move(*value)).second) {
        return malformed("custom presence key listed twice");
      }
    }
  }
  return u;
}

result<version_vector> read_required_version(const msg_table& t) {
  if (t.version() == nullptr) return malformed("version message without a version vector");
  return unpack_version({t.version()->data(), t.version()->size()});
}

result<message> read_message(const msg_table& t, const decode_limits& limits) {
  const auto kind = static_cast<message_type>(t.kind());
  if (t.kind() == 0) return malformed("sync message without a kind");
  if (t.kind() > static_cast<std::uint8_t>(message_type::goodbye)) {
    return make_error(errc::unsupported,
                      fmt::format("sync message kind {} is unknown", t.kind()));
  }
  const std::uint32_t extra = present_fields(t) & ~allowed_fields(kind);
  if (extra != 0) {
    return malformed(fmt::format("a {} message with fields it does not use (mask {:#x})",
                                 message_type_name(kind), extra));
  }
  switch (kind) {
    case message_type::hello: {
      hello_message m;
      if (t.flags() > 1) return malformed("hello flags other than answer");
      m.answer = t.flags() == 1;
      m.protocol = t.protocol();
      if (m.protocol == 0) return malformed("hello without a protocol version");
      if (const auto* r = t.replicas(); r != nullptr) {
        WEFT_TRY(check_count(r->size(), limits, "replicas"));
        for (const std::uint64_t id : *r) m.replicas.push_back(replica_id{id});
      }
      auto creds = read_string(t.credentials(), limits, "credentials");
      if (!creds) return creds.error();
      m.credentials = std::move(*creds);
      m.capabilities = t.capabilities();
      if (const auto* docs = t.docs(); docs != nullptr) {
        WEFT_TRY(check_count(docs->size(), limits, "documents"));
        std::set<std::uint32_t> channels;
        for (const auto* d : *docs) {
          doc_binding b;
          b.channel = d->channel();
          if (!channels.insert(b.channel).second) {
            return malformed(fmt::format("channel {} bound twice", b.channel));
          }
          if (d->doc_id() == nullptr || d->doc_id()->size() == 0) {
            return malformed("document binding without a document id");
          }
          auto id = read_string(d->doc_id(), limits, "document id");
          if (!id) return id.error();
          b.doc_id = std::move(*id);
          if (d->role() > static_cast<std::uint8_t>(role::admin)) {
            return malformed(fmt::format("role {} is unknown", d->role()));
          }
          b.granted = static_cast<role>(d->role());
          m.docs.push_back(std::move(b));
        }
      }
      return message(std::move(m));
    }
    case message_type::version: {
      if (t.flags() > 1) return malformed("version flags other than reply wanted");
      auto v = read_required_version(t);
      if (!v) return v.error();
      return message(version_message{t.channel(), std::move(*v), t.flags() == 1});
    }
    case message_type::delta: {
      if (t.ops() == nullptr) return malformed("delta message without operations");
      auto d = unpack_delta({t.ops()->data(), t.ops()->size()}, limits);
      if (!d) return d.error();
      return message(delta_message{t.channel(), std::move(*d)});
    }
    case message_type::ack: {
      auto v = read_required_version(t);
      if (!v) return v.error();
      return message(ack_message{t.channel(), std::move(*v)});
    }
    case message_type::presence: {
      if (t.presence() == nullptr) return malformed("presence message without updates");
      WEFT_TRY(check_count(t.presence()->size(), limits, "presence updates"));
      presence_message m;
      m.channel = t.channel();
      for (const auto* u : *t.presence()) {
        auto update = read_update(*u, limits);
        if (!update) return update.error();
        m.updates.push_back(std::move(*update));
      }
      return message(std::move(m));
    }
    case message_type::ping:
      return message(ping_message{t.nonce()});
    case message_type::pong:
      return message(pong_message{t.nonce()});
    case message_type::error: {
      error_message m;
      if (t.code() == 0) return malformed("error message without a code");
      m.code = static_cast<error_code>(t.code());
      if (t.flags() > 1) return malformed("error flags other than about a channel");
      if (t.flags() == 1) {
        m.channel = t.channel();
      } else if (t.channel() != 0) {
        return malformed("an error names a channel without saying it is about one");
      }
      auto text = read_string(t.text(), limits, "error text");
      if (!text) return text.error();
      m.text = std::move(*text);
      return message(std::move(m));
    }
    case message_type::goodbye: {
      goodbye_message m;
      if (const auto* c = t.channels(); c != nullptr) {
        WEFT_TRY(check_count(c->size(), limits, "channels"));
        m.channels.assign(c->begin(), c->end());
      }
      return message(std::move(m));
    }
  }
  return make_error(errc::unsupported, "sync message kind is unknown");
}

}  // namespace

std::vector<std::uint8_t> encode_message(const message& m, const encode_options& options) {
  const std::size_t hint = std::holds_alternative<delta_message>(m) ? 1024 : 256;
  fb_builder b(hint);
  const auto t = std::visit(encoder{b}, m);
  return weft::internal::seal(b, fbw::payload::sync_message, t.Union(), options);
}

result<message> decode_message(std::span<const std::uint8_t> bytes, const decode_limits& limits) {
  auto env = weft::internal::open(bytes, limits);
  if (!env) return env.error();
  const auto kind = weft::internal::kind_of(env->get());
  if (!kind) return kind.error();
  if (*kind != message_kind::sync) {
    return malformed(fmt::format("expected a sync message, got payload kind {}",
                                 static_cast<int>(*kind)));
  }
  const auto* t = (*env)->payload_as_sync_message();
  if (t == nullptr) return malformed("envelope names a sync message but holds none");
  return read_message(*t, limits);
}

}  // namespace weft::sync
