// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/message.hpp
// -----------------------------------------------------------------------------
//
// The messages of the sync protocol as plain C++ values, and their bytes.
// weft::sync::session speaks them; they are public so that tools, tests and
// other transports can inspect and produce traffic. docs/sync-protocol.md
// describes every message field by field and the flow between them.
//
// Each message is one wire-format envelope (docs/wire-format.md) whose
// payload is a `sync_message` table; a large one (a catch-up chunk) is
// compressed with zstd when the encode options ask for it. Documents are
// named by a small per-connection `channel` bound in the hello, not by their
// id, so that a keystroke's delta stays small.
//
// decode_message treats its input as hostile: the envelope is verified, the
// kind must be known, every field the kind does not use must be absent, the
// fields it needs present, strings UTF-8 and within `max_string_bytes`,
// lists within `max_items`, and the delta and version vectors are checked as
// decode_delta and decode_version check them.

#ifndef WEFT_SYNC_MESSAGE_HPP_
#define WEFT_SYNC_MESSAGE_HPP_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "weft/doc_delta.hpp"
#include "weft/op_id.hpp"
#include "weft/presence.hpp"
#include "weft/result.hpp"
#include "weft/sync/session.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

namespace weft::sync {

// message_type numbers the messages on the wire. Values are only appended.
enum class message_type : std::uint8_t {
  hello = 1,
  version = 2,
  delta = 3,
  ack = 4,
  presence = 5,
  ping = 6,
  pong = 7,
  error = 8,
  goodbye = 9,
};
const char* message_type_name(message_type t) noexcept;

// error_code says why a peer refused something. Values are only appended.
enum class error_code : std::uint16_t {
  protocol = 1,       // a message out of place or a protocol version not spoken
  malformed = 2,      // bytes that do not decode
  too_large = 3,      // over max_message_bytes or a decode limit
  rate_limited = 4,   // over the message or byte rate
  unauthorized = 5,   // the document is refused (role none, or no such doc)
  read_only = 6,      // a delta for a document the peer may only read
  impersonation = 7,  // an op or presence entry under a replica not bound to the peer
  refused = 8,        // the document refused the delta (doc::apply's error)
  overloaded = 9,     // too many unacknowledged or pending ops
  unsupported = 10,   // a message kind or feature this side does not know
};
const char* error_code_name(error_code c) noexcept;

// doc_binding binds `doc_id` to `channel` for one connection (client hello)
// and carries the role the server granted (server hello).
struct doc_binding {
  std::uint32_t channel = 0;
  std::string doc_id;
  role granted = role::none;

  friend bool operator==(const doc_binding&, const doc_binding&) = default;
};

// hello opens a connection (client) or answers one (server, `answer` set).
// A client may send another hello later on the same connection to bind more
// documents; its other fields must not change.
struct hello_message {
  std::uint32_t protocol = protocol_version;
  std::vector<replica_id> replicas;
  std::string credentials;
  std::uint64_t capabilities = 0;
  std::vector<doc_binding> docs;
  bool answer = false;

  friend bool operator==(const hello_message&, const hello_message&) = default;
};

// version_message announces the sender's version of a channel's document.
// `reply_wanted`: the sender has not heard the receiver's version yet.
struct version_message {
  std::uint32_t channel = 0;
  version_vector version;
  bool reply_wanted = false;

  friend bool operator==(const version_message&, const version_message&) = default;
};

// delta_message carries operations of a channel's document (a live batch or
// one chunk of a catch-up; each is self-contained).
struct delta_message {
  std::uint32_t channel = 0;
  doc_delta ops;

  friend bool operator==(const delta_message&, const delta_message&) = default;
};

// ack_message acknowledges deltas: for each replica whose ops the sender
// received, how many of that replica's ops its document now holds.
struct ack_message {
  std::uint32_t channel = 0;
  version_vector version;

  friend bool operator==(const ack_message&, const ack_message&) = default;
};

struct presence_message {
  std::uint32_t channel = 0;
  std::vector<presence_update> updates;

  friend bool operator==(const presence_message&, const presence_message&) = default;
};

struct ping_message {
  std::uint64_t nonce = 0;
  friend bool operator==(const ping_message&, const ping_message&) = default;
};

struct pong_message {
  std::uint64_t nonce = 0;
  friend bool operator==(const pong_message&, const pong_message&) = default;
};

// error_message: `channel` names the document it is about; none means the
// whole connection.
struct error_message {
  error_code code = error_code::protocol;
  std::string text;
  std::optional<std::uint32_t> channel;

  friend bool operator==(const error_message&, const error_message&) = default;
};

// goodbye_message ends the listed channels, or (empty) the connection.
struct goodbye_message {
  std::vector<std::uint32_t> channels;
  friend bool operator==(const goodbye_message&, const goodbye_message&) = default;
};

// message is any one of them; the alternatives are in message_type order.
using message = std::variant<hello_message, version_message, delta_message, ack_message,
                             presence_message, ping_message, pong_message, error_message,
                             goodbye_message>;

message_type type_of(const message& m) noexcept;

// encode_message returns the bytes of `m`, compressed as `options` ask.
std::vector<std::uint8_t> encode_message(const message& m, const encode_options& options = {});

// decode_message parses one message. Refusals: errc::malformed (damaged, a
// field the kind does not use, a missing one, another payload than a sync
// message), errc::too_large (a limit), errc::invalid_utf8, errc::unsupported
// (a newer format or an unknown kind).
result<message> decode_message(std::span<const std::uint8_t> bytes,
                               const decode_limits& limits = {});

}  // namespace weft::sync

#endif  // WEFT_SYNC_MESSAGE_HPP_
