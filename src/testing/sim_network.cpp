// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/sim_network.cpp
// -----------------------------------------------------------------------------
//
// simulator::impl's network (testing/sim_impl.hpp): the event queue, the
// trace hash, links with their faults (drop, duplicate, reorder, jitter,
// cuts) and the connections they carry, opened and closed from either end.

#include <algorithm>
#include <span>
#include <utility>

#include "testing/sim_impl.hpp"

namespace weft::testing {

// --- the event queue ---------------------------------------------------------

std::uint64_t simulator::impl::fnv_bytes(std::span<const std::uint8_t> bytes) noexcept {
  std::uint64_t h = fnv_offset;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= fnv_prime;
  }
  return h;
}

void simulator::impl::fnv_mix(std::uint64_t& h, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;
    h *= fnv_prime;
  }
}

void simulator::impl::note(trace_event::kind k, std::size_t link, bool up,
                           std::span<const std::uint8_t> bytes) {
  trace_event t{now, k, link, up, bytes.size(), bytes.empty() ? 0 : fnv_bytes(bytes)};
  fnv_mix(hash, static_cast<std::uint64_t>(t.at.count()));
  fnv_mix(hash, static_cast<std::uint64_t>(k));
  fnv_mix(hash, link * 2 + (up ? 1 : 0));
  fnv_mix(hash, t.bytes);
  fnv_mix(hash, t.hash);
  if (o.record_trace) trace.push_back(t);
}

void simulator::impl::transmit(std::size_t li, bool up, std::span<const std::uint8_t> bytes) {
  link_t& l = links[li];
  link_stats& st = up ? l.up : l.down;
  ++st.messages;
  st.bytes += bytes.size();
  note(trace_event::kind::send, li, up, bytes);
  if (l.cut || rng.chance(l.opt.drop)) {
    ++st.dropped;
    note(trace_event::kind::drop, li, up, {});
    return;
  }
  sim_time at = now + l.opt.latency + rng.between(sim_time{0}, l.opt.jitter);
  sim_time& floor = up ? l.floor_up : l.floor_down;
  if (rng.chance(l.opt.reorder)) {
    ++st.reordered;
    at += rng.between(sim_time{1}, std::max(sim_time{1}, l.opt.reorder_delay));
  } else {
    at = std::max(at, floor);
    floor = at;
  }
  event e;
  e.k = ev_kind::deliver;
  e.link = li;
  e.conn_no = l.conn_no;
  e.up = up;
  e.bytes.assign(bytes.begin(), bytes.end());
  if (rng.chance(l.opt.duplicate)) {
    ++st.duplicated;
    note(trace_event::kind::duplicate, li, up, {});
    schedule(at + rng.between(sim_time{0}, l.opt.jitter), e);
  }
  schedule(at, std::move(e));
}

void simulator::impl::run_event(event& e) {
  link_t& l = links[e.link];
  switch (e.k) {
    case ev_kind::deliver: {
      link_stats& st = e.up ? l.up : l.down;
      if (!l.open || l.cut || e.conn_no != l.conn_no) {
        ++st.dropped;
        note(trace_event::kind::drop, e.link, e.up, {});
        return;
      }
      ++st.delivered;
      st.delivered_bytes += e.bytes.size();
      note(trace_event::kind::deliver, e.link, e.up, e.bytes);
      bool ok = true;
      if (e.up) {
        sync::relay* server = endpoint(l);
        if (server == nullptr) return;
        ok = server->receive(l.server_conn, e.bytes, now).has_value();
      } else if (l.s) {
        ok = l.s->receive(e.bytes, now).has_value();
      }
      if (!ok) ++st.refused;
      return;
    }
    case ev_kind::connect_done: {
      if (e.conn_no != l.conn_no || !l.connecting || !l.s) return;
      l.connecting = false;
      sync::relay* server = endpoint(l);
      if (l.cut || server == nullptr) {
        note(trace_event::kind::connect_failed, e.link, true, {});
        l.s->connect_failed(now);
        return;
      }
      l.open = true;
      l.floor_up = l.floor_down = now;
      l.server_gen = endpoint_gen(l);
      note(trace_event::kind::connect, e.link, true, {});
      const std::size_t li = e.link;
      const std::uint64_t conn = l.conn_no;
      sync::callbacks cb;
      cb.send = [this, li, conn](std::span<const std::uint8_t> bytes) {
        if (links[li].open && links[li].conn_no == conn) transmit(li, false, bytes);
      };
      cb.close = [this, li, conn] { server_closes(li, conn); };
      cb.error = [this, li](const error& err, bool from_peer) {
        log_error(li, "server", err, from_peer);
      };
      l.server_conn = server->accept(std::move(cb), now);
      l.s->connected(now);
      return;
    }
    case ev_kind::client_notice:
      // The server ended the connection; the client hears of it now.
      if (e.conn_no == l.conn_no && l.s) l.s->disconnected(now);
      return;
    case ev_kind::server_notice: {
      // The client ended the connection; the server hears of it now.
      sync::relay* server = endpoint(l);
      if (server != nullptr && e.server_gen == endpoint_gen(l)) {
        server->disconnected(e.server_conn, now);
      }
      return;
    }
  }
}

// --- connections -------------------------------------------------------------

sync::callbacks simulator::impl::client_callbacks(std::size_t li) {
  sync::callbacks cb;
  cb.send = [this, li](std::span<const std::uint8_t> bytes) {
    if (links[li].open) transmit(li, true, bytes);
  };
  cb.connect = [this, li] {
    link_t& l = links[li];
    if (l.open || l.connecting) return;
    l.connecting = true;
    ++l.conn_no;
    event e;
    e.k = ev_kind::connect_done;
    e.link = li;
    e.conn_no = l.conn_no;
    schedule(now + 2 * l.opt.latency + rng.between(sim_time{0}, l.opt.jitter), std::move(e));
  };
  cb.close = [this, li] { client_closes(li); };
  cb.error = [this, li](const error& err, bool from_peer) {
    log_error(li, "client", err, from_peer);
  };
  return cb;
}

void simulator::impl::client_closes(std::size_t li) {
  link_t& l = links[li];
  if (l.connecting) {
    l.connecting = false;
    ++l.conn_no;
  }
  if (!l.open) return;
  l.open = false;
  note(trace_event::kind::close, li, true, {});
  event e;
  e.k = ev_kind::server_notice;
  e.link = li;
  e.server_conn = l.server_conn;
  e.server_gen = l.server_gen;
  schedule(now + l.opt.latency, std::move(e));
  ++l.conn_no;
}

void simulator::impl::server_closes(std::size_t li, std::uint64_t conn) {
  link_t& l = links[li];
  if (!l.open || l.conn_no != conn) return;
  l.open = false;
  note(trace_event::kind::close, li, false, {});
  if (sync::relay* server = endpoint(l); server != nullptr) {
    server->disconnected(l.server_conn, now);
  }
  event e;
  e.k = ev_kind::client_notice;
  e.link = li;
  e.conn_no = conn;
  schedule(now + l.opt.latency, std::move(e));
}

void simulator::impl::server_vanishes(std::size_t li) {
  link_t& l = links[li];
  l.open = false;
  event e;
  e.k = ev_kind::client_notice;
  e.link = li;
  e.conn_no = l.conn_no;
  schedule(now + l.opt.latency, std::move(e));
}

void simulator::impl::disconnect(std::size_t li) {
  link_t& l = links[li];
  if (!l.open) return;
  l.open = false;
  ++l.conn_no;
  note(trace_event::kind::close, li, true, {});
  if (sync::relay* server = endpoint(l); server != nullptr) {
    server->disconnected(l.server_conn, now);
  }
  if (l.s) l.s->disconnected(now);
}

}  // namespace weft::testing
