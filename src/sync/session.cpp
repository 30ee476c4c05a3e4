// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session.cpp
// -----------------------------------------------------------------------------
//
// The public face of weft::sync::session, and the parts of session_impl
// (sync/session_impl.hpp) that every message passes through: adding and
// removing documents, the transport's events and the clock, inspection and
// the invariant check, and the plumbing the other parts share (sending,
// state changes, reconnect planning, refusing a peer).

#include "weft/sync/session.hpp"

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>

#include "fmt/format.h"
#include "sync/session_impl.hpp"
#include "weft/internal/saturating.hpp"
#include "weft/sync/message.hpp"

namespace weft::sync {

using ::weft::internal::earlier_by;
using ::weft::internal::elapsed;
using ::weft::internal::later_by;

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

}  // namespace

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

session_impl::session_impl(session_options options, callbacks cb)
    : options_(std::move(options)),
      cb_(std::move(cb)),
      backoff_(options_.backoff),
      messages_(options_.message_rate),
      bytes_(options_.byte_rate),
      origin_(origin::user(fmt::format("weft.sync/{}", g_next_session.fetch_add(1)))) {
  limits_ = options_.limits;
  limits_.max_message_bytes = std::min(limits_.max_message_bytes, options_.max_message_bytes);
}

// --- documents ---------------------------------------------------------------

result<void> session_impl::add(doc& d, presence* p) {
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

void session_impl::remove(std::string_view doc_id) {
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

void session_impl::start(time_point now) {
  now_ = now;
  if (state_ == state::closed || options_.this_side == side::server || connected_) return;
  attempt(now);
}

void session_impl::connected(time_point now) {
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

void session_impl::connect_failed(time_point now) {
  now_ = now;
  if (state_ == state::closed || options_.this_side == side::server) return;
  connect_requested_ = false;
  connected_ = false;
  ++failures_;
  schedule_reconnect(now);
}

void session_impl::disconnected(time_point now) {
  now_ = now;
  if (!connected_) return;
  drop_connection(now, /*failed=*/!handshake_done_);
}

result<void> session_impl::receive(std::span<const std::uint8_t> bytes, time_point now) {
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

void session_impl::tick(time_point now) {
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
  const auto silence = elapsed(now, last_heard_);
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
  if (silence >= options_.heartbeat && elapsed(now, last_ping_) >= options_.heartbeat) {
    last_ping_ = now;
    send(ping_message{++ping_nonce_});
  }
  if (handshake_done_ && elapsed(now, connected_at_) >= options_.backoff.stable) backoff_.reset();
  // Handshake and version retries.
  if (options_.this_side == side::client && elapsed(now, hello_sent_at_) >= options_.resend) {
    bool unanswered = !handshake_done_;
    for (auto& [id, ch] : channels_) unanswered |= !ch->answered && !ch->refused;
    if (unanswered) send_hello();
  }
  if (!connected_) return;
  for (auto& [id, ch] : channels_) {
    if (!ch->active() || !bound(*ch)) continue;
    if (!ch->have_peer_version && elapsed(now, ch->version_sent_at) >= options_.resend) {
      send_version(*ch);
    }
    // Resend: nothing acknowledged for `resend` while ops are in flight.
    if (ch->have_peer_version && inflight(*ch) > 0 &&
        elapsed(now, ch->last_progress) >= options_.resend) {
      stats_.resent += inflight(*ch);
      ch->queue.clear();
      ch->queue_ops = 0;
      ch->queued = ch->known;
      ch->dirty = true;
      ch->dirty_since = earlier_by(now, options_.debounce);
      ch->last_progress = now;
    }
  }
  pump();
}

void session_impl::close(time_point now) {
  now_ = now;
  if (state_ == state::closed) return;
  if (connected_) send(goodbye_message{});
  shut(now);
}

// --- inspection --------------------------------------------------------------

role session_impl::role_of(std::string_view doc_id) const noexcept {
  const channel* ch = find(doc_id);
  return ch == nullptr ? role::none : ch->granted;
}

version_vector session_impl::acknowledged(std::string_view doc_id) const {
  const channel* ch = find(doc_id);
  return ch == nullptr ? version_vector() : ch->known;
}

result<void> session_impl::check() const {
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

// --- plumbing ----------------------------------------------------------------

channel* session_impl::find(std::string_view doc_id) {
  for (auto& [id, ch] : channels_) {
    if (ch->doc_id == doc_id) return ch.get();
  }
  return nullptr;
}

const channel* session_impl::find(std::string_view doc_id) const {
  return const_cast<session_impl*>(this)->find(doc_id);
}

channel* session_impl::at(std::uint32_t id) {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

void session_impl::watch(channel& ch) {
  channel* c = &ch;
  ch.updates = ch.d->observe_updates([this, c](const doc_delta&, const origin&) {
    if (!c->dirty) {
      c->dirty = true;
      c->dirty_since = now_;
    }
  });
}

void session_impl::set_state(state s) {
  if (s == state_) return;
  state_ = s;
  call(cb_.state_changed, s);
}

void session_impl::send(const message& m) {
  if (!connected_) return;
  const auto bytes = encode_message(m, options_.encoding);
  ++stats_.messages_sent;
  stats_.bytes_sent += bytes.size();
  call(cb_.send, std::span<const std::uint8_t>(bytes));
}

bool session_impl::bound(const channel& ch) const {
  return handshake_done_ && (options_.this_side == side::server || ch.answered);
}

bool session_impl::own(const channel& ch, replica_id r) const {
  if (options_.this_side == side::server) return true;
  return r == ch.d->replica() ||
         std::find(options_.replicas.begin(), options_.replicas.end(), r) !=
             options_.replicas.end();
}

bool session_impl::peer_bound(replica_id r) const {
  return std::find(peer_.replicas.begin(), peer_.replicas.end(), r) != peer_.replicas.end();
}

std::vector<replica_id> session_impl::own_replicas() const {
  std::vector<replica_id> out = options_.replicas;
  for (const auto& [id, ch] : channels_) {
    if (std::find(out.begin(), out.end(), ch->d->replica()) == out.end()) {
      out.push_back(ch->d->replica());
    }
  }
  return out;
}

version_vector session_impl::since(const channel& ch) const {
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

std::uint64_t session_impl::inflight(const channel& ch) const {
  std::uint64_t n = 0;
  for (const auto& e : ch.queued.entries()) {
    if (!own(ch, e.replica)) continue;
    const seq_t k = ch.known.get(e.replica);
    if (e.count > k) n += e.count - k;
  }
  return n > ch.queue_ops ? n - ch.queue_ops : 0;
}

void session_impl::attempt(time_point now) {
  reconnect_at_.reset();
  connect_requested_ = true;
  if (state_ != state::degraded) set_state(state::connecting);
  (void)now;
  call(cb_.connect);
}

void session_impl::schedule_reconnect(time_point now) {
  if (options_.this_side == side::server || state_ == state::closed) return;
  if (failures_ >= options_.breaker_threshold) {
    reconnect_at_ = later_by(now, options_.backoff.cap);
    set_state(state::degraded);
  } else {
    reconnect_at_ = later_by(now, backoff_.next_delay());
    set_state(state::offline);
  }
}

void session_impl::drop_connection(time_point now, bool failed) {
  if (!connected_) return;
  connected_ = false;
  backoff_.connected_for(elapsed(now, connected_at_));
  if (failed) ++failures_;
  for (auto& [id, ch] : channels_) ch->reset_connection();
  if (options_.this_side == side::server) {
    say_goodbye_for_peer(now);
    set_state(state::closed);
    return;
  }
  schedule_reconnect(now);
}

void session_impl::shut(time_point now) {
  const bool was_connected = connected_;
  if (options_.this_side == side::server && connected_) say_goodbye_for_peer(now);
  connected_ = false;
  for (auto& [id, ch] : channels_) ch->reset_connection();
  reconnect_at_.reset();
  set_state(state::closed);
  if (was_connected) call(cb_.close);
}

result<void> session_impl::violation(error_code code, std::string text,
                                     std::optional<std::uint32_t> ch) {
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
