// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session_receive.cpp
// -----------------------------------------------------------------------------
//
// session_impl's handling of what the peer sends for one document, and of
// pings, errors and goodbyes (sync/session_impl.hpp). A server checks that
// a peer writes only where its role allows and only under the replica ids
// it is bound to; a client takes the server's word.

#include <string>
#include <variant>

#include "fmt/format.h"
#include "sync/session_impl.hpp"
#include "weft/internal/saturating.hpp"

namespace weft::sync::internal {

result<channel*> session_impl::usable(std::uint32_t id) {
  channel* ch = at(id);
  if (ch != nullptr && ch->active() && bound(*ch)) return ch;
  if (options_.this_side == side::client) return static_cast<channel*>(nullptr);
  const auto r = violation(error_code::unauthorized, fmt::format("channel {} is not open", id), id);
  return r.error();
}

result<void> session_impl::on(version_message& m) {
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
    c.dirty_since = ::weft::internal::earlier_by(now_, options_.debounce);
  } else {
    advance_known(c, m.version);
  }
  c.expect = expected(c, m.version);
  if (m.reply_wanted) send(version_message{c.id, c.d->version(), false});
  return {};
}

version_vector session_impl::expected(const channel& c, const version_vector& v) const {
  if (options_.this_side == side::client) return v;
  version_vector out;
  if (c.granted < role::write) return out;
  for (const auto& e : v.entries()) {
    if (peer_bound(e.replica)) out.set_count(e.replica, e.count);
  }
  return out;
}

void session_impl::advance_known(channel& c, const version_vector& v) {
  if (c.known.includes(v)) return;
  c.known.merge(v);
  c.last_progress = now_;
}

result<void> session_impl::on(delta_message& m) {
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

result<void> session_impl::on(ack_message& m) {
  auto ch = usable(m.channel);
  if (!ch) return ch.error();
  if (*ch == nullptr) return {};
  advance_known(**ch, m.version);
  return {};
}

result<void> session_impl::on(presence_message& m) {
  auto ch = usable(m.channel);
  if (!ch) return ch.error();
  if (*ch == nullptr) return {};
  channel& c = **ch;
  if (c.p == nullptr) return {};
  if (options_.this_side == side::server) {
    // The whole message is checked before any of it is applied: a refused
    // one closes the connection and must leave nothing behind.
    for (const presence_update& u : m.updates) {
      if (!peer_bound(u.client)) {
        return violation(error_code::impersonation,
                         fmt::format("a presence update for client {:x}, not bound to this peer",
                                     static_cast<std::uint64_t>(u.client)),
                         c.id);
      }
      const auto r = c.p->validate(u);
      if (!r) return violation(code_of(r.code()), "presence: " + r.error().message, c.id);
    }
    for (const presence_update& u : m.updates) {
      // What apply refuses now depends on the entries held (the client
      // limit): dropped, as on the client side; presence is ephemeral.
      if (!c.p->apply(u, now_)) continue;
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

presence_update session_impl::full_of(const channel& c, replica_id client) const {
  for (auto& u : c.p->full_updates()) {
    if (u.client == client) return u;
  }
  presence_update none;
  none.client = client;
  return none;
}

result<void> session_impl::on(ping_message& m) {
  send(pong_message{m.nonce});
  return {};
}

result<void> session_impl::on(error_message& m) {
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

result<void> session_impl::on(goodbye_message& m) {
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

}  // namespace weft::sync::internal
