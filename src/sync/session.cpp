// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session.cpp
// -----------------------------------------------------------------------------
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

#include "weft/sync/session.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "fmt/format.h"
#include "sync/chunk.hpp"
#include "weft/sync/message.hpp"

namespace weft::sync {

const char* state_name(state s) noexcept {
  switch (s) {
    case state::connecting: return "connecting";
    case state::handshaking: return "handshaking";
    case state::syncing: return "syncing";
    case state::live: return "live";
    case state::offline: return "offline";
    case state::degraded: return "degraded";
    case state::closed: return "closed";
  }
  return "unknown";
}

namespace internal {
namespace {

std::atomic<std::uint64_t> g_next_session{1};

errc errc_of(error_code c) {
  switch (c) {
    case error_code::malformed:
    case error_code::protocol: return errc::malformed;
    case error_code::too_large:
    case error_code::rate_limited: return errc::too_large;
    case error_code::unsupported: return errc::unsupported;
    case error_code::overloaded: return errc::capacity_exceeded;
    default: return errc::invalid_argument;
  }
}

error_code code_of(errc e) {
  switch (e) {
    case errc::too_large: return error_code::too_large;
    case errc::unsupported: return error_code::unsupported;
    default: return error_code::malformed;
  }
}

// diff returns the patch from `old` to `now` (both full updates of one
// client), at now's clock.
presence_update diff(const presence_update& old, const presence_update& now) {
  presence_update p;
  p.client = now.client;
  p.clock = now.clock;
  p.what = presence_update::kind::patch;
  if (old.user_id != now.user_id) p.user_id = now.user_id.value_or(std::string());
  if (old.name != now.name) p.name = now.name.value_or(std::string());
  if (old.color != now.color) p.color = now.color.value_or(std::string());
  if (old.avatar_url != now.avatar_url) p.avatar_url = now.avatar_url.value_or(std::string());
  const auto old_cursor = old.cursor.value_or(std::nullopt);
  const auto new_cursor = now.cursor.value_or(std::nullopt);
  if (old_cursor != new_cursor) p.cursor = new_cursor;
  for (const auto& [k, v] : now.custom) {
    auto it = old.custom.find(k);
    if (it == old.custom.end() || it->second != v) p.custom[k] = v;
  }
  for (const auto& [k, v] : old.custom) {
    if (!now.custom.contains(k)) p.custom[k] = std::nullopt;
  }
  return p;
}

}  // namespace

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
  session_impl(session_options options, callbacks cb)
      : options_(std::move(options)),
        cb_(std::move(cb)),
        backoff_(options_.backoff),
        messages_(options_.message_rate),
        bytes_(options_.byte_rate),
        origin_(origin::user(fmt::format("weft.sync/{}", g_next_session.fetch_add(1)))) {
    limits_ = options_.limits;
    limits_.max_message_bytes = std::min(limits_.max_message_bytes, options_.max_message_bytes);
  }

  // --- documents -------------------------------------------------------------

  result<void> add(doc& d, presence* p) {
    if (state_ == state::closed) return make_error(errc::invalid_argument, "session is closed");
    if (d.id().empty()) return make_error(errc::invalid_argument, "a synced document needs an id");
    if (find(d.id()) != nullptr) {
      return make_error(errc::invalid_argument, "document '" + d.id() + "' is already added");
    }
    auto ch = std::make_unique<channel>();
    ch->id = next_channel_++;
    ch->doc_id = d.id();
    ch->d = &d;
    ch->p = p;
    if (options_.this_side == side::server) {
      // A server serves added documents to peers that ask (when there is
      // no resolve hook); channels come from the peer.
      hosted_.emplace(d.id(), std::make_pair(&d, p));
      return {};
    }
    watch(*ch);
    channels_.emplace(ch->id, std::move(ch));
    if (connected_ && handshake_done_) {
      if (std::find(announced_.begin(), announced_.end(), d.replica()) == announced_.end()) {
        // The connection's replica ids are fixed by its first hello: a new
        // one needs a new connection, at once.
        drop_connection(now_, false);
        reconnect_at_ = now_;
        call(cb_.close);
        return {};
      }
      send_hello();
      update_state();
    }
    return {};
  }

  void remove(std::string_view doc_id) {
    if (options_.this_side == side::server) {
      hosted_.erase(std::string(doc_id));
      return;
    }
    channel* ch = find(doc_id);
    if (ch == nullptr) return;
    const std::uint32_t id = ch->id;
    channels_.erase(id);
    if (connected_ && handshake_done_) send(goodbye_message{{id}});
    update_state();
  }

  // --- transport events --------------------------------------------------------

  void start(time_point now) {
    now_ = now;
    if (state_ == state::closed || options_.this_side == side::server || connected_) return;
    attempt(now);
  }

  void connected(time_point now) {
    now_ = now;
    if (state_ == state::closed) return;
    connected_ = true;
    connect_requested_ = false;
    connected_at_ = now;
    last_heard_ = now;
    last_ping_ = now;
    handshake_done_ = false;
    hello_sent_at_ = time_point{-1};
    for (auto& [id, ch] : channels_) ch->reset_connection();
    set_state(state::handshaking);
    if (options_.this_side == side::client) send_hello();
  }

  void connect_failed(time_point now) {
    now_ = now;
    if (state_ == state::closed || options_.this_side == side::server) return;
    connect_requested_ = false;
    connected_ = false;
    ++failures_;
    schedule_reconnect(now);
  }

  void disconnected(time_point now) {
    now_ = now;
    if (!connected_) return;
    drop_connection(now, /*failed=*/!handshake_done_);
  }

  result<void> receive(std::span<const std::uint8_t> bytes, time_point now) {
    now_ = now;
    if (state_ == state::closed) return make_error(errc::invalid_argument, "session is closed");
    if (!connected_) {
      if (options_.this_side == side::client) {
        return make_error(errc::invalid_argument, "session is not connected");
      }
      connected(now);  // a server learns of its connection from the first message
    }
    ++stats_.messages_received;
    stats_.bytes_received += bytes.size();
    if (bytes.size() > options_.max_message_bytes) {
      return violation(error_code::too_large,
                       fmt::format("message of {} bytes exceeds the limit of {}", bytes.size(),
                                   options_.max_message_bytes));
    }
    if (!messages_.take(1, now) || !bytes_.take(static_cast<double>(bytes.size()), now)) {
      return violation(error_code::rate_limited, "message or byte rate exceeded");
    }
    auto m = decode_message(bytes, limits_);
    if (!m) return violation(code_of(m.code()), m.error().message);
    last_heard_ = now;
    const result<void> r = std::visit([&](auto& msg) { return on(msg); }, *m);
    if (r && connected_) pump();
    return r;
  }

  void tick(time_point now) {
    now_ = now;
    if (state_ == state::closed) return;
    // Presence expires and renews whether or not a connection is up.
    for (auto& [id, ch] : channels_) {
      if (ch->p != nullptr) ch->p->tick(now);
    }
    if (!connected_) {
      if (options_.this_side == side::client && reconnect_at_ && now >= *reconnect_at_ &&
          !connect_requested_) {
        attempt(now);
      }
      return;
    }
    // Heartbeat: silence long enough means the peer is gone.
    const auto silence = now - last_heard_;
    if (silence >= options_.heartbeat * std::max(1, options_.missed_heartbeats)) {
      report(make_error(errc::invalid_argument, "peer silent: declared offline"), false);
      if (options_.this_side == side::server) {
        shut(now);
      } else {
        drop_connection(now, !handshake_done_);
        call(cb_.close);
      }
      return;
    }
    if (silence >= options_.heartbeat && now - last_ping_ >= options_.heartbeat) {
      last_ping_ = now;
      send(ping_message{++ping_nonce_});
    }
    if (handshake_done_ && now - connected_at_ >= options_.backoff.stable) backoff_.reset();
    // Handshake and version retries.
    if (options_.this_side == side::client && now - hello_sent_at_ >= options_.resend) {
      bool unanswered = !handshake_done_;
      for (auto& [id, ch] : channels_) unanswered |= !ch->answered && !ch->refused;
      if (unanswered) send_hello();
    }
    if (!connected_) return;
    for (auto& [id, ch] : channels_) {
      if (!ch->active() || !bound(*ch)) continue;
      if (!ch->have_peer_version && now - ch->version_sent_at >= options_.resend) {
        send_version(*ch);
      }
      // Resend: nothing acknowledged for `resend` while ops are in flight.
      if (ch->have_peer_version && inflight(*ch) > 0 && now - ch->last_progress >= options_.resend) {
        stats_.resent += inflight(*ch);
        ch->queue.clear();
        ch->queue_ops = 0;
        ch->queued = ch->known;
        ch->dirty = true;
        ch->dirty_since = now - options_.debounce;
        ch->last_progress = now;
      }
    }
    pump();
  }

  void close(time_point now) {
    now_ = now;
    if (state_ == state::closed) return;
    if (connected_) send(goodbye_message{});
    shut(now);
  }

  // --- inspection --------------------------------------------------------------

  state current() const noexcept { return state_; }
  role role_of(std::string_view doc_id) const noexcept {
    const channel* ch = find(doc_id);
    return ch == nullptr ? role::none : ch->granted;
  }
  version_vector acknowledged(std::string_view doc_id) const {
    const channel* ch = find(doc_id);
    return ch == nullptr ? version_vector() : ch->known;
  }
  const peer_info& peer() const noexcept { return peer_; }
  const session_stats& stats() const noexcept { return stats_; }

  result<void> check() const {
    auto fail = [](std::string what) {
      return make_error(errc::corrupted, "session invariant: " + std::move(what));
    };
    const bool up = state_ == state::handshaking || state_ == state::syncing ||
                    state_ == state::live;
    if (up != connected_) {
      return fail(fmt::format("state {} with connected {}", state_name(state_), connected_));
    }
    if (connected_ && (state_ == state::handshaking) == handshake_done_) {
      return fail("handshaking state and handshake flag disagree");
    }
    if (reconnect_at_ && (connected_ || options_.this_side == side::server)) {
      return fail("a reconnect planned while connected, or on a server");
    }
    if (state_ == state::degraded && failures_ < options_.breaker_threshold) {
      return fail("degraded with the breaker closed");
    }
    for (const auto& [id, ch] : channels_) {
      const channel& c = *ch;
      if (c.id != id) return fail(fmt::format("channel {} filed under {}", c.id, id));
      if (c.d == nullptr && c.active()) return fail("an active channel without a document");
      WEFT_TRY(weft::internal::check(c.known));
      WEFT_TRY(weft::internal::check(c.queued));
      WEFT_TRY(weft::internal::check(c.expect));
      std::uint64_t n = 0;
      for (const auto& k : c.queue) {
        if (k.ops.empty() || k.count != k.ops.op_count()) return fail("a queued chunk miscounted");
        n += k.count;
      }
      if (n != c.queue_ops) return fail(fmt::format("queue holds {} ops, counted {}", n, c.queue_ops));
      if (!c.have_peer_version && !c.queue.empty()) return fail("a queue before the peer's version");
      if (!connected_ && (c.have_peer_version || c.caught_up || !c.to_ack.empty())) {
        return fail("per-connection state without a connection");
      }
      if (options_.this_side == side::server && connected_ && !c.answered) {
        return fail("a server channel unanswered");
      }
    }
    return {};
  }

 private:
  // --- plumbing ------------------------------------------------------------------

  channel* find(std::string_view doc_id) {
    for (auto& [id, ch] : channels_) {
      if (ch->doc_id == doc_id) return ch.get();
    }
    return nullptr;
  }
  const channel* find(std::string_view doc_id) const {
    return const_cast<session_impl*>(this)->find(doc_id);
  }
  channel* at(std::uint32_t id) {
    auto it = channels_.find(id);
    return it == channels_.end() ? nullptr : it->second.get();
  }

  void watch(channel& ch) {
    channel* c = &ch;
    ch.updates = ch.d->observe_updates([this, c](const doc_delta&, const origin&) {
      if (!c->dirty) {
        c->dirty = true;
        c->dirty_since = now_;
      }
    });
  }

  template <class F, class... A>
  static void call(const F& f, A&&... args) {
    if (f) {
      auto copy = f;  // the callback may destroy what holds it
      copy(std::forward<A>(args)...);
    }
  }

  void set_state(state s) {
    if (s == state_) return;
    state_ = s;
    call(cb_.state_changed, s);
  }

  void report(const error& e, bool from_peer) { call(cb_.error, e, from_peer); }

  void send(const message& m) {
    if (!connected_) return;
    const auto bytes = encode_message(m, options_.encoding);
    ++stats_.messages_sent;
    stats_.bytes_sent += bytes.size();
    call(cb_.send, std::span<const std::uint8_t>(bytes));
  }

  // bound: the channel is in use on this connection.
  bool bound(const channel& ch) const {
    return handshake_done_ && (options_.this_side == side::server || ch.answered);
  }

  // own: the ops of `r` are this side's to send. A client sends only what
  // it authored; a server sends everything.
  bool own(const channel& ch, replica_id r) const {
    if (options_.this_side == side::server) return true;
    return r == ch.d->replica() ||
           std::find(options_.replicas.begin(), options_.replicas.end(), r) !=
               options_.replicas.end();
  }

  bool peer_bound(replica_id r) const {
    return std::find(peer_.replicas.begin(), peer_.replicas.end(), r) != peer_.replicas.end();
  }

  std::vector<replica_id> own_replicas() const {
    std::vector<replica_id> out = options_.replicas;
    for (const auto& [id, ch] : channels_) {
      if (std::find(out.begin(), out.end(), ch->d->replica()) == out.end()) {
        out.push_back(ch->d->replica());
      }
    }
    return out;
  }

  // since returns the version whose delta is what this side still owes the
  // peer: queued ∪ known, and on a client the local version for every
  // replica it does not author (so that only its own ops go out).
  version_vector since(const channel& ch) const {
    version_vector base = ch.queued;
    base.merge(ch.known);
    if (options_.this_side == side::server) return base;
    version_vector v = ch.d->version();
    std::vector<replica_id> mine;
    for (const auto& e : v.entries()) {
      if (own(ch, e.replica)) mine.push_back(e.replica);
    }
    for (const replica_id r : mine) v.set_count(r, base.get(r));
    return v;
  }

  // inflight counts ops handed to the transport and not acknowledged.
  std::uint64_t inflight(const channel& ch) const {
    std::uint64_t n = 0;
    for (const auto& e : ch.queued.entries()) {
      if (!own(ch, e.replica)) continue;
      const seq_t k = ch.known.get(e.replica);
      if (e.count > k) n += e.count - k;
    }
    return n > ch.queue_ops ? n - ch.queue_ops : 0;
  }

  void attempt(time_point now) {
    reconnect_at_.reset();
    connect_requested_ = true;
    if (state_ != state::degraded) set_state(state::connecting);
    (void)now;
    call(cb_.connect);
  }

  void schedule_reconnect(time_point now) {
    if (options_.this_side == side::server || state_ == state::closed) return;
    if (failures_ >= options_.breaker_threshold) {
      reconnect_at_ = now + options_.backoff.cap;
      set_state(state::degraded);
    } else {
      reconnect_at_ = now + backoff_.next_delay();
      set_state(state::offline);
    }
  }

  // drop_connection forgets the connection (the transport closed it, or we
  // are about to) and plans the next attempt.
  void drop_connection(time_point now, bool failed) {
    if (!connected_) return;
    connected_ = false;
    backoff_.connected_for(now - connected_at_);
    if (failed) ++failures_;
    for (auto& [id, ch] : channels_) ch->reset_connection();
    if (options_.this_side == side::server) {
      say_goodbye_for_peer(now);
      set_state(state::closed);
      return;
    }
    schedule_reconnect(now);
  }

  // shut ends the session for good.
  void shut(time_point now) {
    const bool was_connected = connected_;
    if (options_.this_side == side::server && connected_) say_goodbye_for_peer(now);
    connected_ = false;
    for (auto& [id, ch] : channels_) ch->reset_connection();
    reconnect_at_.reset();
    set_state(state::closed);
    if (was_connected) call(cb_.close);
  }

  // violation refuses what the peer sent: an error to it and to the
  // application, then a close (a client reconnects later, counting it as a
  // server error).
  result<void> violation(error_code code, std::string text,
                         std::optional<std::uint32_t> ch = std::nullopt) {
    error e = make_error(errc_of(code), fmt::format("{}: {}", error_code_name(code), text));
    send(error_message{code, text, ch});
    report(e, false);
    if (options_.this_side == side::server) {
      shut(now_);
    } else if (connected_) {
      drop_connection(now_, true);
      call(cb_.close);
    }
    return e;
  }

  // --- handshake ----------------------------------------------------------------

  void send_hello() {
    hello_message h;
    if (!handshake_done_ && hello_sent_at_ < connected_at_) announced_ = own_replicas();
    h.replicas = announced_;
    h.credentials = options_.credentials;
    for (auto& [id, ch] : channels_) {
      if (ch->answered || ch->refused) continue;
      h.docs.push_back(doc_binding{id, ch->doc_id, role::none});
    }
    hello_sent_at_ = now_;
    send(h);
  }

  result<void> on(hello_message& h) {
    if (options_.this_side == side::client) return on_answer(h);
    if (h.answer) return violation(error_code::protocol, "a server does not take an answer");
    if (!handshake_done_) {
      peer_.protocol = std::min(h.protocol, protocol_version);
      peer_.replicas = h.replicas;
      peer_.credentials = h.credentials;
      peer_.capabilities = h.capabilities;
    } else if (h.credentials != peer_.credentials || h.replicas != peer_.replicas) {
      // What the peer is bound to was authorized with the first hello: a
      // later one may only ask for more documents.
      return violation(error_code::protocol, "a later hello changes the credentials or replicas");
    }
    hello_message answer;
    answer.answer = true;
    answer.protocol = peer_.protocol;
    answer.replicas = options_.replicas;
    std::vector<std::pair<std::uint32_t, std::string>> refusals;
    std::vector<channel*> fresh;
    for (const doc_binding& b : h.docs) {
      if (channel* ch = at(b.channel); ch != nullptr) {
        if (ch->doc_id != b.doc_id) {
          return violation(error_code::protocol,
                           fmt::format("channel {} is already bound to another document", b.channel));
        }
        answer.docs.push_back(doc_binding{b.channel, b.doc_id, ch->granted});
        continue;
      }
      // Authorization first: it may create the document (a relay does).
      role r = options_.authorize ? options_.authorize(peer_, b.doc_id) : role::write;
      doc* d = nullptr;
      presence* p = nullptr;
      if (r != role::none) std::tie(d, p) = resolve(b.doc_id);
      if (d == nullptr) r = role::none;
      auto ch = std::make_unique<channel>();
      ch->id = b.channel;
      ch->doc_id = b.doc_id;
      ch->d = d;
      ch->p = p;
      ch->granted = r;
      ch->answered = true;
      if (r == role::none) {
        ch->refused = true;
        refusals.emplace_back(b.channel, d == nullptr ? "no such document" : "not authorized");
      } else {
        watch(*ch);
        fresh.push_back(ch.get());
      }
      answer.docs.push_back(doc_binding{b.channel, b.doc_id, r});
      channels_.emplace(b.channel, std::move(ch));
    }
    handshake_done_ = true;
    send(answer);
    for (const auto& [id, text] : refusals) {
      send(error_message{error_code::unauthorized, text, id});
    }
    for (channel* ch : fresh) send_version(*ch);
    update_state();
    return {};
  }

  std::pair<doc*, presence*> resolve(std::string_view doc_id) {
    if (options_.resolve) return options_.resolve(doc_id);
    auto it = hosted_.find(std::string(doc_id));
    return it == hosted_.end() ? std::pair<doc*, presence*>{nullptr, nullptr} : it->second;
  }

  result<void> on_answer(hello_message& h) {
    if (!h.answer) return violation(error_code::protocol, "a client does not take a hello");
    if (h.protocol > protocol_version) {
      return violation(error_code::unsupported,
                       fmt::format("protocol {} is newer than this side's {}", h.protocol,
                                   protocol_version));
    }
    peer_.protocol = h.protocol;
    peer_.replicas = h.replicas;
    peer_.capabilities = h.capabilities;
    const bool first = !handshake_done_;
    handshake_done_ = true;
    if (first) failures_ = 0;
    for (const doc_binding& b : h.docs) {
      channel* ch = at(b.channel);
      if (ch == nullptr) continue;  // removed meanwhile
      if (ch->doc_id != b.doc_id) {
        return violation(error_code::protocol,
                         fmt::format("answer for channel {} names another document", b.channel));
      }
      if (ch->answered) continue;  // a duplicate answer
      ch->answered = true;
      ch->granted = b.granted;
      if (b.granted == role::none) {
        ch->refused = true;
        continue;
      }
      send_version(*ch);
    }
    update_state();
    return {};
  }

  void send_version(channel& ch) {
    ch.version_sent_at = now_;
    send(version_message{ch.id, ch.d->version(), !ch.have_peer_version});
  }

  // --- per-document messages ----------------------------------------------------

  // usable finds the channel a message is for. A message for a channel
  // this side does not (yet) use is ignored on a client (reordering can
  // bring a server's message before its answer) and a violation from a
  // client.
  result<channel*> usable(std::uint32_t id) {
    channel* ch = at(id);
    if (ch != nullptr && ch->active() && bound(*ch)) return ch;
    if (options_.this_side == side::client) return static_cast<channel*>(nullptr);
    const auto r = violation(error_code::unauthorized, fmt::format("channel {} is not open", id), id);
    return r.error();
  }

  result<void> on(version_message& m) {
    auto ch = usable(m.channel);
    if (!ch) return ch.error();
    if (*ch == nullptr) return {};
    channel& c = **ch;
    if (!c.have_peer_version) {
      // The peer's version replaces whatever we believed: it may have lost
      // data since, and then we owe it again.
      c.have_peer_version = true;
      c.known = m.version;
      // Deltas the peer sent may have overtaken its version: it holds them.
      c.known.merge(c.received);
      c.queued = c.known;
      c.queue.clear();
      c.queue_ops = 0;
      c.last_progress = now_;
      c.dirty = true;
      c.dirty_since = now_ - options_.debounce;
    } else {
      advance_known(c, m.version);
    }
    c.expect = expected(c, m.version);
    if (m.reply_wanted) send(version_message{c.id, c.d->version(), false});
    return {};
  }

  // expected restricts what the peer announced to what it will send us.
  version_vector expected(const channel& c, const version_vector& v) const {
    if (options_.this_side == side::client) return v;
    version_vector out;
    if (c.granted < role::write) return out;
    for (const auto& e : v.entries()) {
      if (peer_bound(e.replica)) out.set_count(e.replica, e.count);
    }
    return out;
  }

  void advance_known(channel& c, const version_vector& v) {
    if (c.known.includes(v)) return;
    c.known.merge(v);
    c.last_progress = now_;
  }

  result<void> on(delta_message& m) {
    auto ch = usable(m.channel);
    if (!ch) return ch.error();
    if (*ch == nullptr) return {};
    channel& c = **ch;
    if (options_.this_side == side::server) {
      if (c.granted < role::write) {
        return violation(error_code::read_only,
                         fmt::format("document '{}' is read-only for this peer", c.doc_id), c.id);
      }
      for (const doc_op& op : m.ops.ops) {
        const op_id id = std::visit([](const auto& o) { return o.id; }, op.op);
        if (!peer_bound(id.replica)) {
          return violation(error_code::impersonation,
                           fmt::format("an op authored under replica {:x}, not bound to this peer",
                                       static_cast<std::uint64_t>(id.replica)),
                           c.id);
        }
      }
    }
    const auto applied = c.d->apply(m.ops, origin_);
    if (!applied) {
      return violation(applied.code() == errc::capacity_exceeded ? error_code::overloaded
                                                                 : error_code::refused,
                       applied.error().message, c.id);
    }
    ++stats_.deltas_applied;
    stats_.ops_applied += m.ops.op_count();
    const version_vector t = sync::internal::tops(m.ops);
    c.received.merge(t);
    advance_known(c, t);
    for (const auto& e : t.entries()) c.to_ack.insert(e.replica);
    return {};
  }

  result<void> on(ack_message& m) {
    auto ch = usable(m.channel);
    if (!ch) return ch.error();
    if (*ch == nullptr) return {};
    advance_known(**ch, m.version);
    return {};
  }

  result<void> on(presence_message& m) {
    auto ch = usable(m.channel);
    if (!ch) return ch.error();
    if (*ch == nullptr) return {};
    channel& c = **ch;
    if (c.p == nullptr) return {};
    if (options_.this_side == side::server) {
      for (const presence_update& u : m.updates) {
        if (!peer_bound(u.client)) {
          return violation(error_code::impersonation,
                           fmt::format("a presence update for client {:x}, not bound to this peer",
                                       static_cast<std::uint64_t>(u.client)),
                           c.id);
        }
      }
      for (const presence_update& u : m.updates) {
        const auto r = c.p->apply(u, now_);
        if (!r) return violation(code_of(r.code()), "presence: " + r.error().message, c.id);
        // The peer has what it sent: nothing to echo.
        c.presence_sent[u.client] = full_of(c, u.client);
      }
      return {};
    }
    for (const presence_update& u : m.updates) {
      // The server's word is taken; an update the presence refuses (its own
      // entry, over its limits) is only dropped: presence is ephemeral.
      (void)c.p->apply(u, now_);
    }
    return {};
  }

  // full_of returns the full update of `client`'s entry as the presence now
  // holds it (clock 0 if none).
  presence_update full_of(const channel& c, replica_id client) const {
    for (auto& u : c.p->full_updates()) {
      if (u.client == client) return u;
    }
    presence_update none;
    none.client = client;
    return none;
  }

  result<void> on(ping_message& m) {
    send(pong_message{m.nonce});
    return {};
  }
  result<void> on(pong_message&) { return {}; }

  result<void> on(error_message& m) {
    report(make_error(errc_of(m.code), fmt::format("{}: {}", error_code_name(m.code), m.text)),
           true);
    if (m.channel) {
      if (channel* ch = at(*m.channel); ch != nullptr) {
        ch->refused = true;
        if (m.code == error_code::unauthorized) ch->granted = role::none;
      }
      update_state();
      return {};
    }
    // A connection-wide error: the peer closes; so do we.
    if (options_.this_side == side::server) {
      shut(now_);
    } else {
      drop_connection(now_, true);
      call(cb_.close);
    }
    return {};
  }

  result<void> on(goodbye_message& m) {
    if (m.channels.empty()) {
      shut(now_);
      return {};
    }
    for (std::uint32_t id : m.channels) {
      channel* ch = at(id);
      if (ch == nullptr) continue;
      if (options_.this_side == side::server) {
        channels_.erase(id);
      } else {
        ch->refused = true;
      }
    }
    update_state();
    return {};
  }

  // --- sending -------------------------------------------------------------------

  // pump sends, in priority order: presence, acks, live deltas, then
  // catch-up chunks round-robin across documents.
  void pump() {
    if (!connected_ || !handshake_done_) return;
    std::vector<channel*> open;
    for (auto& [id, ch] : channels_) {
      if (ch->active() && bound(*ch)) open.push_back(ch.get());
    }
    for (channel* c : open) {
      if (!connected_) return;
      send_presence(*c);
    }
    for (channel* c : open) {
      if (!connected_) return;
      if (c->to_ack.empty()) continue;
      ack_message a{c->id, {}};
      const version_vector stored =
          options_.durable ? options_.durable(c->doc_id) : version_vector();
      for (replica_id r : c->to_ack) {
        const seq_t have = c->d->version().get(r);
        a.version.set_count(r, options_.durable ? std::min(have, stored.get(r)) : have);
      }
      c->to_ack.clear();
      send(a);
    }
    for (channel* c : open) {
      if (!connected_) return;
      send_live(*c);
    }
    for (bool sent = true; sent && connected_;) {
      sent = false;
      for (channel* c : open) {
        if (!connected_) return;
        if (c->queue.empty()) continue;
        const std::uint64_t n = c->queue.front().count;
        const std::uint64_t in = inflight(*c);
        if (in > 0 && in + n > options_.max_unacked_ops) continue;
        if (in == 0) c->last_progress = now_;
        delta_message m{c->id, std::move(c->queue.front().ops)};
        c->queue.pop_front();
        c->queue_ops -= n;
        transmit(m, n);
        sent = true;
      }
    }
    update_state();
  }

  void transmit(const delta_message& m, std::uint64_t ops) {
    ++stats_.deltas_sent;
    stats_.ops_sent += ops;
    send(m);
  }

  // send_live sends what the document gained since the last flush, once the
  // debounce has passed; a batch bigger than a chunk joins the catch-up
  // queue in chunks.
  void send_live(channel& c) {
    if (!c.dirty || !c.have_peer_version) return;
    if (now_ - c.dirty_since < options_.debounce) return;
    if (options_.this_side == side::client && c.granted < role::write) {
      c.dirty = false;  // a reader's edits stay local
      return;
    }
    const std::uint64_t in = inflight(c);
    if (in >= options_.max_unacked_ops) return;  // stays dirty: flow control
    c.dirty = false;
    doc_delta d = c.d->delta_since(since(c));
    if (d.empty()) return;
    c.queued = since(c);
    c.queued.merge(sync::internal::tops(d));
    const std::uint64_t n = d.op_count();
    if (sync::internal::estimated_bytes(d) <= options_.chunk_bytes && n <= chunk_limits().max_ops) {
      if (in == 0) c.last_progress = now_;
      transmit(delta_message{c.id, std::move(d)}, n);
      return;
    }
    for (doc_delta& part : sync::internal::split_delta(d, chunk_limits())) {
      const std::uint64_t k = part.op_count();
      c.queue.push_back(channel::chunk{std::move(part), k});
      c.queue_ops += k;
    }
  }

  sync::internal::chunk_limits chunk_limits() const {
    sync::internal::chunk_limits l;
    l.max_bytes = options_.chunk_bytes;
    // Flow control lets one chunk go whenever nothing is in flight, so a
    // chunk need not fit in max_unacked_ops; it must fit the peer's limits
    // (assumed to be ours).
    l.max_ops = std::max<std::uint64_t>(1, limits_.max_ops / 2);
    l.max_items = std::max<std::uint64_t>(4, limits_.max_items / 2);
    return l;
  }

  void send_presence(channel& c) {
    if (c.p == nullptr) return;
    presence_message m{c.id, {}};
    if (options_.this_side == side::client) {
      if (!c.presence_announced) {
        // A new connection: the server may have dropped our entry.
        c.presence_announced = true;
        for (auto& u : c.p->full_updates()) {
          if (u.client == c.p->self()) m.updates.push_back(std::move(u));
        }
      }
      for (auto& u : c.p->take_updates()) m.updates.push_back(std::move(u));
    } else {
      std::set<replica_id> live;
      for (auto& u : c.p->full_updates()) {
        if (u.clock == 0 || peer_bound(u.client)) continue;
        live.insert(u.client);
        auto it = c.presence_sent.find(u.client);
        if (it != c.presence_sent.end() && it->second.clock >= u.clock) continue;
        // The next update after one the peer was sent goes as a patch of
        // what changed. Nothing changed means a heartbeat: that goes whole,
        // as the owner sent it, so that it repairs a peer that lost a patch
        // (presence messages are not resent).
        presence_update patch;
        if (it != c.presence_sent.end() && it->second.clock + 1 == u.clock) {
          patch = diff(it->second, u);
        }
        const bool changed = patch.user_id || patch.name || patch.color || patch.avatar_url ||
                             patch.cursor || !patch.custom.empty();
        m.updates.push_back(changed ? std::move(patch) : u);
        c.presence_sent[u.client] = std::move(u);
      }
      for (auto it = c.presence_sent.begin(); it != c.presence_sent.end();) {
        if (live.contains(it->first) || peer_bound(it->first)) {
          ++it;
          continue;
        }
        presence_update bye;
        bye.client = it->first;
        bye.clock = it->second.clock + 1;
        bye.what = presence_update::kind::goodbye;
        m.updates.push_back(std::move(bye));
        it = c.presence_sent.erase(it);
      }
    }
    if (!m.updates.empty()) send(m);
  }

  // say_goodbye_for_peer removes the peer's presence entries at once when
  // its connection ends (a server), instead of waiting for them to expire.
  void say_goodbye_for_peer(time_point now) {
    for (auto& [id, ch] : channels_) {
      if (ch->p == nullptr || ch->refused) continue;
      for (const auto& u : ch->p->full_updates()) {
        if (!peer_bound(u.client) || u.client == ch->p->self()) continue;
        presence_update bye;
        bye.client = u.client;
        bye.clock = u.clock + 1;
        bye.what = presence_update::kind::goodbye;
        (void)ch->p->apply(bye, now);
      }
    }
  }

  void update_state() {
    if (state_ == state::closed || !connected_) return;
    if (!handshake_done_) {
      set_state(state::handshaking);
      return;
    }
    bool all = true;
    for (auto& [id, ch] : channels_) {
      channel& c = *ch;
      if (!c.active() || c.caught_up) continue;
      if (!bound(c) || !c.have_peer_version || !c.queue.empty() || inflight(c) > 0 ||
          !c.d->version().includes(c.expect)) {
        all = false;
        continue;
      }
      c.caught_up = true;
    }
    set_state(all ? state::live : state::syncing);
  }

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

}  // namespace internal

session::session(session_options options, callbacks cb)
    : impl_(std::make_unique<internal::session_impl>(std::move(options), std::move(cb))) {}
session::~session() = default;
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

result<void> session::add(doc& d, presence* p) { return impl_->add(d, p); }
void session::remove(std::string_view doc_id) { impl_->remove(doc_id); }
void session::start(time_point now) { impl_->start(now); }
void session::connected(time_point now) { impl_->connected(now); }
void session::connect_failed(time_point now) { impl_->connect_failed(now); }
void session::disconnected(time_point now) { impl_->disconnected(now); }
result<void> session::receive(std::span<const std::uint8_t> bytes, time_point now) {
  return impl_->receive(bytes, now);
}
void session::tick(time_point now) { impl_->tick(now); }
void session::close(time_point now) { impl_->close(now); }
state session::current() const noexcept { return impl_->current(); }
role session::role_of(std::string_view doc_id) const noexcept { return impl_->role_of(doc_id); }
version_vector session::acknowledged(std::string_view doc_id) const {
  return impl_->acknowledged(doc_id);
}
const peer_info& session::peer() const noexcept { return impl_->peer(); }
const session_stats& session::stats() const noexcept { return impl_->stats(); }

result<void> internal::check(const session& s) { return s.impl_->check(); }

}  // namespace weft::sync
