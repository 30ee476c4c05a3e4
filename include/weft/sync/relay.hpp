// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/relay.hpp
// -----------------------------------------------------------------------------
//
// weft::sync::relay is the server side of many sessions: it accepts
// connections (one server session each), keeps one document and one
// presence per document id, answers every peer's catch-up from its own
// replica, and fans what one peer uploads out to every other peer of the
// same document. Fan-out needs no routing table: every server session
// observes the shared document, so a delta that one session applies is
// what the others send on.
//
// Like a session, a relay owns no socket, thread or clock. The server's
// transport calls `accept` for a new connection (with the callbacks that
// send on it and close it), `receive` for each message, `disconnected` when
// it closes, and `tick` with the time.
//
// Who may do what: `authenticate` names the user a peer speaks for (from its
// hello: credentials, replica ids), `authorize` gives that user a role per
// document. A replica id is bound to the first user that authored under it
// here: a later hello from another user that claims it gets no role at all,
// so a peer cannot impersonate another one across connections (the session
// then refuses any op authored under an id the peer was not granted).
//
// Documents are created on the first authorized join. With a storage, each
// is bound to it through `persistence`: what a peer's delta added is
// written before the delta is acknowledged, and a relay built again on the
// same storage restores (in `open`, which must come before any `accept`)
// every document, under a fresh replica id, and the replica bindings, which
// are kept in the metadata of the document they were first used on.
//
// Not thread-safe.

#ifndef WEFT_SYNC_RELAY_HPP_
#define WEFT_SYNC_RELAY_HPP_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/result.hpp"
#include "weft/sync/persistence.hpp"
#include "weft/sync/session.hpp"
#include "weft/sync/storage.hpp"

namespace weft::sync {

namespace internal {
class relay_impl;
}  // namespace internal

// connection_id names one accepted connection; ids are never reused.
using connection_id = std::uint64_t;

struct relay_options {
  // session is the template for every server session (timers, limits,
  // encoding); the relay sets its side, authorize and resolve.
  session_options session;
  // authenticate returns the user a peer speaks for, or nullopt to refuse
  // it every document. Unset: the peer's credentials are its user name.
  std::function<std::optional<std::string>(const peer_info&)> authenticate;
  // authorize returns a user's role for a document. Unset: every
  // authenticated user may write every document.
  std::function<role(std::string_view user, std::string_view doc_id)> authorize;
  // replica is the relay's own replica id (its documents author nothing but
  // need one; its presences use it as `self`). 0: a random one.
  replica_id replica{};
  // fresh_replica gives the replica id for documents restored from storage
  // (persistence hands a restored document a fresh one). Unset: random.
  std::function<replica_id()> fresh_replica;
  // doc is the template for the documents the relay creates (id set per
  // document).
  doc_options doc;
  presence_options presence;
  // persistence tunes how documents are written to the storage, if any.
  persistence_options persistence;
  // Limits on what peers may make the relay create.
  std::size_t max_docs = 100'000;
  std::size_t max_doc_id_bytes = sync::max_doc_id_bytes;
  std::size_t max_bindings = 1'000'000;
};

struct relay_stats {
  std::uint64_t accepted = 0;
  std::uint64_t messages_received = 0, bytes_received = 0;
  std::uint64_t messages_sent = 0, bytes_sent = 0;
  // refused counts messages a session refused; denied counts joins that
  // got no role (unauthenticated, unauthorized or an impersonation).
  std::uint64_t refused = 0;
  std::uint64_t denied = 0;
  std::uint64_t docs_created = 0;
  std::uint64_t docs_restored = 0;
  // storage_failures counts documents or bindings the storage could not
  // take (the join that needed them was denied).
  std::uint64_t storage_failures = 0;
};

class relay {
 public:
  // relay serves from memory, or, with `store` (which must outlive it),
  // persists every document and restores what the store already holds.
  explicit relay(relay_options options, storage* store = nullptr);
  ~relay();
  relay(relay&&) noexcept;
  relay& operator=(relay&&) noexcept;
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  // open restores what the storage holds (a no-op without one). Until it
  // has succeeded, a relay with a storage grants no role to anyone: it
  // would not know which replica ids are bound.
  [[nodiscard]] result<void> open();

  // accept takes a new connection; `cb.send` and `cb.close` act on it
  // (connect is not used on the server side).
  connection_id accept(callbacks cb, time_point now);
  // receive takes one message from the connection's peer. An error means
  // the session refused it and nothing of it was applied or forwarded.
  result<void> receive(connection_id id, std::span<const std::uint8_t> bytes, time_point now);
  // disconnected tells the relay the transport closed the connection.
  void disconnected(connection_id id, time_point now);
  // tick runs every session's and presence's timers.
  void tick(time_point now);

  // host serves an existing document (and presence, may be null) under
  // its id instead of one the relay would create; both must outlive the
  // relay. Fails with invalid_argument if the id is already served.
  result<void> host(doc& d, presence* p = nullptr);

  // Inspection, for applications and tests.
  doc* find(std::string_view doc_id) noexcept;
  presence* find_presence(std::string_view doc_id) noexcept;
  std::vector<std::string> doc_ids() const;
  std::vector<connection_id> connections() const;
  const session* connection(connection_id id) const noexcept;
  // user_of returns the user `r` is bound to, if any.
  std::optional<std::string> user_of(replica_id r) const;
  const relay_stats& stats() const noexcept;

 private:
  std::unique_ptr<internal::relay_impl> impl_;
};

}  // namespace weft::sync

#endif  // WEFT_SYNC_RELAY_HPP_
