// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session_impl.hpp
// -----------------------------------------------------------------------------
//
// session_impl is the state behind weft::sync::session: per document (a
// channel) what the peer holds and what is in flight, per connection the
// handshake and the timers. Private to the library; its members are defined
// by concern:
//
//   session.cpp            documents, transport events, inspection, plumbing
//   session_handshake.cpp  hello and its answer, the first version exchange
//   session_receive.cpp    the per-document messages the peer sends
//   session_send.cpp       what goes out: presence, acks, deltas, chunks
//
// The session's state per document (a channel) is three version vectors:
//
//   known   what the peer is known to hold: its announced version, merged
//           with its acks and with every delta it sent us;
//   queued  what we have handed to the transport or to the catch-up queue;
//   expect  what we expect to receive (the peer's announced version, as far
//           as the peer may send it to us).
//
// What goes out is always doc.delta_since(queued ∪ known), restricted on a
// client to the ops authored under its own replicas: the computation is the
// same for a live keystroke, a catch-up and a resend, so nothing is sent
// twice unless it must be. A resend (nothing acknowledged for `resend`)
// sets queued back to known and sends the difference again (go-back-n); a
// reconnect does the same through the version exchange. On a server, the
// ops a peer uploads are in known as soon as they arrive, so fan-out to the
// other sessions of the document happens through the document's update
// events and nothing echoes back.
//
// Callbacks may re-enter the session (a transport that reports the close it
// was asked for from inside `close`): state is updated before any callback
// is called, and nothing is touched after a callback that may have ended
// the connection except through checks of that state.

#ifndef WEFT_SRC_SYNC_SESSION_IMPL_HPP_
#define WEFT_SRC_SYNC_SESSION_IMPL_HPP_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/chunk.hpp"
#include "weft/sync/message.hpp"
#include "weft/sync/session.hpp"

namespace weft::sync::internal {

// errc_of maps an error code a peer sent to the errc the application sees.
errc errc_of(error_code c);
// code_of maps a decoding error to the error code the peer is sent.
error_code code_of(errc e);

// channel is one document carried by the session: what holds across
// connections, then what holds for the current one.
struct channel {
  std::uint32_t id = 0;
  std::string doc_id;
  doc* d = nullptr;
  presence* p = nullptr;
  subscription updates;

  role granted = role::none;
  bool answered = false;  // client: the server answered for it
  bool refused = false;   // role none, or the peer ended it

  // Per connection.
  bool have_peer_version = false;
  time_point version_sent_at{-1};
  bool caught_up = false;
  version_vector known, queued, expect;
  version_vector received;  // tops of the peer's deltas on this connection
  struct chunk {
    doc_delta ops;
    std::uint64_t count = 0;
  };
  std::deque<chunk> queue;
  std::uint64_t queue_ops = 0;
  time_point last_progress{0};
  bool dirty = false;
  time_point dirty_since{0};
  std::set<replica_id> to_ack;
  bool presence_announced = false;
  std::map<replica_id, presence_update> presence_sent;  // server: what the peer was told

  bool active() const { return !refused && granted != role::none; }

  // reset_connection forgets what held for the last connection only. A
  // client asks for every document again (roles may have changed); what
  // the peer acknowledged stays as the best guess until its version comes.
  void reset_connection() {
    answered = false;
    refused = false;
    have_peer_version = false;
    version_sent_at = time_point{-1};
    caught_up = false;
    queue.clear();
    queue_ops = 0;
    to_ack.clear();
    presence_announced = false;
    presence_sent.clear();
    expect = version_vector();
    received = version_vector();
    queued = known;
  }
};

class session_impl {
 public:
  session_impl(session_options options, callbacks cb);

  // --- documents (session.cpp) ------------------------------------------------

  result<void> add(doc& d, presence* p);
  void remove(std::string_view doc_id);

  // --- transport events (session.cpp) -----------------------------------------

  void start(time_point now);
  void connected(time_point now);
  void connect_failed(time_point now);
  void disconnected(time_point now);
  result<void> receive(std::span<const std::uint8_t> bytes, time_point now);
  void tick(time_point now);
  void close(time_point now);

  // --- inspection (session.cpp) -----------------------------------------------

  state current() const noexcept { return state_; }
  role role_of(std::string_view doc_id) const noexcept;
  version_vector acknowledged(std::string_view doc_id) const;
  const peer_info& peer() const noexcept { return peer_; }
  const session_stats& stats() const noexcept { return stats_; }
  result<void> check() const;

 private:
  // --- plumbing (session.cpp) -------------------------------------------------

  channel* find(std::string_view doc_id);
  const channel* find(std::string_view doc_id) const;
  channel* at(std::uint32_t id);

  // watch marks the channel dirty whenever its document changes.
  void watch(channel& ch);

  template <class F, class... A>
  static void call(const F& f, A&&... args) {
    if (f) {
      auto copy = f;  // the callback may destroy what holds it
      copy(std::forward<A>(args)...);
    }
  }

  void set_state(state s);
  void report(const error& e, bool from_peer) { call(cb_.error, e, from_peer); }
  void send(const message& m);

  // bound: the channel is in use on this connection.
  bool bound(const channel& ch) const;

  // own: the ops of `r` are this side's to send. A client sends only what
  // it authored; a server sends everything.
  bool own(const channel& ch, replica_id r) const;

  bool peer_bound(replica_id r) const;
  std::vector<replica_id> own_replicas() const;

  // since returns the version whose delta is what this side still owes the
  // peer: queued ∪ known, and on a client the local version for every
  // replica it does not author (so that only its own ops go out).
  version_vector since(const channel& ch) const;

  // inflight counts ops handed to the transport and not acknowledged.
  std::uint64_t inflight(const channel& ch) const;

  void attempt(time_point now);
  void schedule_reconnect(time_point now);

  // drop_connection forgets the connection (the transport closed it, or we
  // are about to) and plans the next attempt.
  void drop_connection(time_point now, bool failed);

  // shut ends the session for good.
  void shut(time_point now);

  // violation refuses what the peer sent: an error to it and to the
  // application, then a close (a client reconnects later, counting it as a
  // server error).
  result<void> violation(error_code code, std::string text,
                         std::optional<std::uint32_t> ch = std::nullopt);

  // --- handshake (session_handshake.cpp) --------------------------------------

  void send_hello();
  result<void> on(hello_message& h);
  std::pair<doc*, presence*> resolve(std::string_view doc_id);
  result<void> on_answer(hello_message& h);
  void send_version(channel& ch);

  // --- per-document messages (session_receive.cpp) ----------------------------

  // usable finds the channel a message is for. A message for a channel
  // this side does not (yet) use is ignored on a client (reordering can
  // bring a server's message before its answer) and a violation from a
  // client.
  result<channel*> usable(std::uint32_t id);

  result<void> on(version_message& m);

  // expected restricts what the peer announced to what it will send us.
  version_vector expected(const channel& c, const version_vector& v) const;

  void advance_known(channel& c, const version_vector& v);
  result<void> on(delta_message& m);
  result<void> on(ack_message& m);
  result<void> on(presence_message& m);

  // full_of returns the full update of `client`'s entry as the presence now
  // holds it (clock 0 if none).
  presence_update full_of(const channel& c, replica_id client) const;

  result<void> on(ping_message& m);
  result<void> on(pong_message&) { return {}; }
  result<void> on(error_message& m);
  result<void> on(goodbye_message& m);

  // --- sending (session_send.cpp) ---------------------------------------------

  // pump sends, in priority order: presence, acks, live deltas, then
  // catch-up chunks round-robin across documents.
  void pump();

  void transmit(const delta_message& m, std::uint64_t ops);

  // send_live sends what the document gained since the last flush, once the
  // debounce has passed; a batch bigger than a chunk joins the catch-up
  // queue in chunks.
  void send_live(channel& c);

  sync::internal::chunk_limits chunk_limits() const;
  void send_presence(channel& c);

  // say_goodbye_for_peer removes the peer's presence entries at once when
  // its connection ends (a server), instead of waiting for them to expire.
  void say_goodbye_for_peer(time_point now);

  void update_state();

  session_options options_;
  callbacks cb_;
  decode_limits limits_;
  backoff backoff_;
  token_bucket messages_;
  token_bucket bytes_;
  origin origin_;
  session_stats stats_;
  peer_info peer_;
  state state_ = state::offline;

  std::map<std::uint32_t, std::unique_ptr<channel>> channels_;
  std::map<std::string, std::pair<doc*, presence*>> hosted_;
  std::uint32_t next_channel_ = 0;

  time_point now_{0};
  bool connected_ = false;
  bool connect_requested_ = false;
  bool handshake_done_ = false;
  int failures_ = 0;
  std::optional<time_point> reconnect_at_;
  time_point connected_at_{0};
  time_point last_heard_{0};
  time_point last_ping_{0};
  time_point hello_sent_at_{-1};
  std::uint64_t ping_nonce_ = 0;
  std::vector<replica_id> announced_;  // client: the replica ids of this connection's hello
};

}  // namespace weft::sync::internal

#endif  // WEFT_SRC_SYNC_SESSION_IMPL_HPP_
