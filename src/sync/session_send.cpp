// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/session_send.cpp
// -----------------------------------------------------------------------------
//
// session_impl's sending side (sync/session_impl.hpp): what goes out on
// each pump, in priority order (presence, acks, live deltas, then catch-up
// chunks round-robin across documents, under flow control), presence
// patches and goodbyes, and the state the session reports once all is sent.

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sync/chunk.hpp"
#include "sync/session_impl.hpp"
#include "weft/internal/saturating.hpp"

namespace weft::sync::internal {

namespace {

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

void session_impl::pump() {
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

void session_impl::transmit(const delta_message& m, std::uint64_t ops) {
  ++stats_.deltas_sent;
  stats_.ops_sent += ops;
  send(m);
}

void session_impl::send_live(channel& c) {
  if (!c.dirty || !c.have_peer_version) return;
  if (::weft::internal::elapsed(now_, c.dirty_since) < options_.debounce) return;
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

sync::internal::chunk_limits session_impl::chunk_limits() const {
  sync::internal::chunk_limits l;
  l.max_bytes = options_.chunk_bytes;
  // Flow control lets one chunk go whenever nothing is in flight, so a
  // chunk need not fit in max_unacked_ops; it must fit the peer's limits
  // (assumed to be ours).
  l.max_ops = std::max<std::uint64_t>(1, limits_.max_ops / 2);
  l.max_items = std::max<std::uint64_t>(4, limits_.max_items / 2);
  return l;
}

void session_impl::send_presence(channel& c) {
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

void session_impl::say_goodbye_for_peer(time_point now) {
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

void session_impl::update_state() {
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

}  // namespace weft::sync::internal
