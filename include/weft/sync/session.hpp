// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session.hpp
// -----------------------------------------------------------------------------
//
// weft::sync::session joins local documents to one remote peer over any
// transport. It owns no socket, thread or clock: the transport feeds it
// bytes (`receive`) and connection events (`connected`, `disconnected`,
// `connect_failed`), the application feeds it time (`tick`), and it hands
// bytes to send and requests (open or close a connection) to callbacks.
//
// One session carries many documents (rooms). For each: a handshake (hello
// both ways; the server's authorization hook decides the peer's role), both
// sides send version vectors, each sends what the other lacks (chunked, so
// one big catch-up does not starve the other documents), then live: local
// transactions are batched for `debounce` and sent, every delta is
// acknowledged, and on reconnect the version-vector exchange resends
// exactly what the peer has not acknowledged. Messages may be lost,
// duplicated or reordered by the transport: deltas are idempotent and
// unacknowledged ones are resent. docs/sync-protocol.md has the state
// machine and every message.
//
// A server session serves one connection: the transport (a relay, say)
// makes one per accepted connection, calls `connected`, then `receive` for
// each message; documents come from `session_options::resolve` (or, without
// it, from `add`). A client session lives across connections: `start` asks
// for the first one, and it reconnects by itself (backoff, circuit breaker).
//
// Callbacks may be called from inside any entry point. They must not call
// back into the session, except that `callbacks::close` may report the
// close at once through `disconnected`.
//
// Not thread-safe; docs and presences added must outlive the session or be
// removed first.

#ifndef WEFT_SYNC_SESSION_HPP_
#define WEFT_SYNC_SESSION_HPP_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc.hpp"
#include "weft/op_id.hpp"
#include "weft/presence.hpp"
#include "weft/result.hpp"
#include "weft/sync/backoff.hpp"
#include "weft/sync/token_bucket.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

namespace weft::sync {

class session;

namespace internal {
class session_impl;
// check verifies the session's invariants (state against connection,
// queues against their counts, version vectors). Tests call it after every
// step.
result<void> check(const session& s);
}  // namespace internal

// time_point is a point on the application's monotonic clock.
using time_point = std::chrono::milliseconds;

// protocol_version is what a session announces in its hello.
inline constexpr std::uint32_t protocol_version = 1;

// role is what a peer may do with one document. Values only appended.
enum class role : std::uint8_t { none = 0, read = 1, write = 2, admin = 3 };

// state is the connection as a UI indicator shows it. A session starts
// offline (a client stays so until `start`).
enum class state : std::uint8_t {
  connecting,   // waiting for the transport to open
  handshaking,  // hello sent, waiting for the peer's
  syncing,      // catching up: version vectors exchanged, deltas flowing
  live,         // caught up; local edits go out as they happen
  offline,      // no connection; edits are kept and sent on reconnect
  degraded,     // the circuit breaker is open: only probing connects
  closed,       // close() was called or the peer said goodbye
};
const char* state_name(state s) noexcept;

// peer_info is what the peer said about itself in its hello.
struct peer_info {
  std::uint32_t protocol = 0;
  std::vector<replica_id> replicas;  // ids the peer authors under
  std::string credentials;           // opaque (a token, say)
  std::uint64_t capabilities = 0;
};

enum class side : std::uint8_t { client, server };

struct session_options {
  side this_side = side::client;
  // replicas lists ids this side authors under (client), sent in hello
  // along with the replica id of every document added (older ids of this
  // device go here); a server binds them to the peer when its authorization
  // allows. They are fixed per connection: adding a document with a new
  // replica id while connected makes a new connection.
  std::vector<replica_id> replicas;
  std::string credentials;
  // debounce batches local transactions for this long before sending.
  std::chrono::milliseconds debounce{20};
  // heartbeat: a ping after this much silence; the peer is declared offline
  // after `missed_heartbeats` intervals without hearing from it.
  std::chrono::milliseconds heartbeat{5'000};
  int missed_heartbeats = 3;
  // resend: unacknowledged deltas are sent again after this long.
  std::chrono::milliseconds resend{2'000};
  backoff_options backoff;
  // The circuit breaker opens after this many consecutive failed connects
  // or server errors.
  int breaker_threshold = 5;
  // Limits on what the peer sends (a violation: an error message, then
  // close; nothing of the offending message is applied).
  token_bucket_options message_rate{200, 400};          // messages/s, burst
  token_bucket_options byte_rate{4 << 20, 16 << 20};    // bytes/s, burst
  std::size_t max_message_bytes = std::size_t{16} << 20;
  // max_unacked_ops: per document, ops sent and not yet acknowledged
  // (flow control on this side's sending).
  std::uint64_t max_unacked_ops = std::uint64_t{1} << 22;
  decode_limits limits;
  // chunk_bytes bounds one catch-up delta message (before compression).
  std::size_t chunk_bytes = 64 << 10;
  // encoding: messages of compress_min_bytes or more (catch-up chunks) are
  // compressed when that pays.
  encode_options encoding{compression::zstd};

  // Server side: authorize decides the peer's role for each document it
  // asks for (called first: it may create the document; unset: write);
  // resolve returns the document (and its presence, may be null) to serve
  // for an id, or null if there is none (unset: the documents added).
  std::function<role(const peer_info&, std::string_view doc_id)> authorize;
  std::function<std::pair<doc*, presence*>(std::string_view doc_id)> resolve;
  // durable, if set, returns what of `doc_id` is safely stored: acks never
  // claim more, so a peer keeps (and resends) whatever a failing store has
  // not taken. A server with persistence sets it; unset: what is applied.
  std::function<version_vector(std::string_view doc_id)> durable;
};

struct callbacks {
  // send hands the transport one message.
  std::function<void(std::span<const std::uint8_t>)> send;
  // connect asks the transport to open a connection (it answers with
  // connected or connect_failed); close asks it to drop the current one.
  std::function<void()> connect;
  std::function<void()> close;
  std::function<void(state)> state_changed;
  // error reports what the peer sent us, or what we sent it, before a close.
  std::function<void(const error&, bool from_peer)> error;
};

struct session_stats {
  std::uint64_t messages_sent = 0, messages_received = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;
  std::uint64_t deltas_sent = 0, deltas_applied = 0;
  // ops_sent counts the ops of every delta sent (resends included);
  // ops_applied those of every delta from the peer that applied.
  std::uint64_t ops_sent = 0, ops_applied = 0;
  // resent counts ops sent again because the peer did not acknowledge them
  // within `resend`.
  std::uint64_t resent = 0;
};

class session {
 public:
  session(session_options options, callbacks cb);
  ~session();
  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // add starts syncing `d` (and `p`, if not null) with the peer (client
  // side). A doc id may be added once.
  result<void> add(doc& d, presence* p = nullptr);
  void remove(std::string_view doc_id);

  // Transport events.
  void start(time_point now);  // asks for the first connection
  void connected(time_point now);
  void connect_failed(time_point now);
  void disconnected(time_point now);
  // receive takes one message from the peer. An error means the message
  // was refused (and nothing of it applied); the session has already sent
  // an error and asked to close when the violation warrants it.
  result<void> receive(std::span<const std::uint8_t> bytes, time_point now);
  // tick runs timers: debounce, heartbeat, resend, reconnect, presence.
  void tick(time_point now);
  // close says goodbye and stays closed.
  void close(time_point now);

  state current() const noexcept;
  // role returns the role granted for `doc_id` (the server's decision, as
  // the client learns it; on the server, the peer's role).
  role role_of(std::string_view doc_id) const noexcept;
  // acknowledged returns what the peer has acknowledged of `doc_id`.
  version_vector acknowledged(std::string_view doc_id) const;
  const peer_info& peer() const noexcept;
  const session_stats& stats() const noexcept;

 private:
  friend result<void> internal::check(const session& s);
  std::unique_ptr<internal::session_impl> impl_;
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_SESSION_HPP_
