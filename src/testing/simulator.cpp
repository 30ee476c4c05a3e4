// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/simulator.cpp
// -----------------------------------------------------------------------------
//
// The simulator is a discrete-event loop over one ordered queue keyed by
// (time, sequence number), so simultaneous events run in the order they
// were scheduled and a seed replays exactly. Between events, every `tick`
// runs the timers of everything and draws the workloads.
//
// A link carries at most one connection at a time, numbered by `conn_no`;
// every event in flight carries the number of the connection it belongs
// to, so a message or a close notice from a connection that has since
// ended is dropped instead of reaching its successor. Server endpoints (the
// relay, or a mesh client's host) carry a generation for the same reason:
// after a restart, their old connection ids mean nothing.

#include "weft/testing/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "weft/assert.hpp"
#include "weft/internal/splitmix.hpp"
#include "weft/value.hpp"

namespace weft::testing {

// --- sim_random ----------------------------------------------------------------

namespace {

using weft::internal::splitmix64;

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

constexpr std::uint64_t fnv_offset = 1469598103934665603ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

std::uint64_t fnv_bytes(std::span<const std::uint8_t> bytes) noexcept {
  std::uint64_t h = fnv_offset;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= fnv_prime;
  }
  return h;
}

void fnv_mix(std::uint64_t& h, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;
    h *= fnv_prime;
  }
}

constexpr std::size_t no_server = std::numeric_limits<std::size_t>::max();

}  // namespace

sim_random::sim_random(std::uint64_t seed) noexcept {
  std::uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t sim_random::next() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t sim_random::below(std::uint64_t n) noexcept {
  if (n == 0) return 0;
  // Lemire's multiply-shift would need 128-bit arithmetic, which the wasm
  // build lacks in portable form; rejection keeps it unbiased.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = next();
  while (x >= limit) x = next();
  return x % n;
}

double sim_random::unit() noexcept {
  return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

sim_time sim_random::between(sim_time lo, sim_time hi) noexcept {
  if (hi <= lo) return lo;
  return lo + sim_time{static_cast<std::int64_t>(
                  below(static_cast<std::uint64_t>((hi - lo).count()) + 1))};
}

// --- simulator -------------------------------------------------------------------

struct simulator::impl {
  struct doc_state {
    std::unique_ptr<doc> d;
    std::unique_ptr<presence> p;
    // Destroyed before the doc it observes.
    std::optional<sync::persistence> persist;
  };

  struct node {
    bool up = false;
    replica_id replica{};
    std::vector<replica_id> authored;
    std::unique_ptr<sync::memory_storage> store;
    // What the persistence had reported durable when the process crashed:
    // the restart must bring back at least that.
    std::map<std::string, version_vector> durable_at_crash;
    std::map<std::string, doc_state> docs;
    // Mesh: serves this client's documents to the clients below it.
    std::unique_ptr<sync::relay> host;
    std::uint64_t host_gen = 0;
    workload w;
    double carry[5] = {0, 0, 0, 0, 0};
  };

  struct link_t {
    std::size_t client = 0;
    std::size_t server = no_server;  // no_server: the relay
    link_options opt;
    bool cut = false;
    std::unique_ptr<sync::session> s;
    bool open = false;
    bool connecting = false;
    std::uint64_t conn_no = 0;
    sync::connection_id server_conn = 0;
    std::uint64_t server_gen = 0;  // the endpoint's generation at accept
    sim_time floor_up{0}, floor_down{0};
    link_stats up, down;
  };

  enum class ev_kind : std::uint8_t { deliver, connect_done, client_notice, server_notice };
  struct event {
    ev_kind k = ev_kind::deliver;
    std::size_t link = 0;
    std::uint64_t conn_no = 0;
    bool up = true;
    std::vector<std::uint8_t> bytes;
    sync::connection_id server_conn = 0;
    std::uint64_t server_gen = 0;
  };

  explicit impl(sim_options opts) : o(std::move(opts)), rng(o.seed) {
    WEFT_ASSERT(o.tick.count() > 0, "the simulator needs a positive tick");
    if (!o.credentials) {
      o.credentials = [](std::size_t i) { return "user-" + std::to_string(i); };
    }
    nodes.resize(o.clients);
    for (node& n : nodes) {
      n.store = std::make_unique<sync::memory_storage>(sync::memory_storage_options{rng.next() | 1});
    }
    if (o.relay) {
      if (o.persist_relay) {
        relay_store =
            std::make_unique<sync::memory_storage>(sync::memory_storage_options{rng.next() | 1});
      }
      for (std::size_t i = 0; i < o.clients; ++i) {
        link_t l;
        l.client = i;
        l.opt = o.link;
        links.push_back(std::move(l));
      }
      build_relay();
    } else {
      for (std::size_t i = 0; i < o.clients; ++i) {
        for (std::size_t j = i + 1; j < o.clients; ++j) {
          link_t l;
          l.client = i;
          l.server = j;
          l.opt = o.link;
          links.push_back(std::move(l));
        }
      }
    }
    for (std::size_t i = 0; i < o.clients; ++i) recover(i);
  }

  ~impl() {
    // Sessions observe documents: they go first.
    for (link_t& l : links) l.s.reset();
    the_relay.reset();
    for (node& n : nodes) n.host.reset();
  }

  // --- ids and endpoints ---------------------------------------------------------

  replica_id fresh_id() {
    for (;;) {
      const replica_id r{rng.next()};
      if (r == replica_id{} || used_ids.count(r) != 0) continue;
      used_ids.insert(r);
      return r;
    }
  }

  sync::relay* endpoint(const link_t& l) {
    if (l.server == no_server) return the_relay.get();
    node& n = nodes[l.server];
    return n.up ? n.host.get() : nullptr;
  }
  std::uint64_t endpoint_gen(const link_t& l) const {
    return l.server == no_server ? relay_gen : nodes[l.server].host_gen;
  }

  void build_relay() {
    sync::relay_options ro = o.relay_options;
    ro.replica = fresh_id();
    ro.fresh_replica = [this] { return fresh_id(); };
    ro.presence = o.presence;
    the_relay = std::make_unique<sync::relay>(std::move(ro), relay_store.get());
    ++relay_gen;
    if (auto r = the_relay->open(); !r) violation("relay: open failed: " + r.error().message);
  }

  // --- the event queue -----------------------------------------------------------

  void schedule(sim_time at, event e) { queue.emplace(std::make_pair(at, seq++), std::move(e)); }

  void note(trace_event::kind k, std::size_t link, bool up, std::span<const std::uint8_t> bytes) {
    trace_event t{now, k, link, up, bytes.size(), bytes.empty() ? 0 : fnv_bytes(bytes)};
    fnv_mix(hash, static_cast<std::uint64_t>(t.at.count()));
    fnv_mix(hash, static_cast<std::uint64_t>(k));
    fnv_mix(hash, link * 2 + (up ? 1 : 0));
    fnv_mix(hash, t.bytes);
    fnv_mix(hash, t.hash);
    if (o.record_trace) trace.push_back(t);
  }

  // transmit puts one message on a link, with the link's faults.
  void transmit(std::size_t li, bool up, std::span<const std::uint8_t> bytes) {
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

  void run_event(event& e) {
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

  // --- connections ---------------------------------------------------------------

  sync::callbacks client_callbacks(std::size_t li) {
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

  // client_closes: the client side drops the connection (its own close, or
  // its process died); the server hears of it one latency later.
  void client_closes(std::size_t li) {
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

  // server_closes: the server side drops connection `conn`; the client
  // hears of it one latency later.
  void server_closes(std::size_t li, std::uint64_t conn) {
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

  void disconnect(std::size_t li) {
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

  // --- processes -----------------------------------------------------------------

  void crash(std::size_t i) {
    node& n = nodes[i];
    if (!n.up) return;
    note(trace_event::kind::crash, i, true, {});
    for (std::size_t li = 0; li < links.size(); ++li) {
      link_t& l = links[li];
      if (l.client == i) {
        client_closes(li);
        l.s.reset();
      } else if (l.server == i && l.open) {
        // The host dies with the process: its clients hear of it later.
        l.open = false;
        event e;
        e.k = ev_kind::client_notice;
        e.link = li;
        e.conn_no = l.conn_no;
        schedule(now + l.opt.latency, std::move(e));
      }
    }
    n.host.reset();
    ++n.host_gen;
    for (auto& [id, ds] : n.docs) {
      if (ds.persist) n.durable_at_crash[id] = ds.persist->durable_version();
      ds.persist.reset();
      ds.p.reset();
      ds.d.reset();
    }
    n.docs.clear();
    n.up = false;
  }

  void recover(std::size_t i) {
    node& n = nodes[i];
    if (n.up) return;
    if (!nodes.empty() && now.count() > 0) note(trace_event::kind::recover, i, true, {});
    n.replica = fresh_id();
    n.up = true;
    std::vector<replica_id> authored = n.authored;
    for (const std::string& id : o.docs) {
      doc_state& ds = n.docs[id];
      doc_options dopt;
      dopt.id = id;
      bool restored = false;
      if (o.persist_clients) {
        auto d = sync::restore(*n.store, id, n.replica, dopt);
        if (d) {
          ds.d = std::make_unique<doc>(std::move(*d));
          restored = true;
        } else if (d.code() != errc::unknown_id) {
          violation("client " + std::to_string(i) + ": restore failed: " + d.error().message);
        }
      }
      if (!ds.d) ds.d = std::make_unique<doc>(n.replica, dopt);
      auto it = n.durable_at_crash.find(id);
      if (it != n.durable_at_crash.end() && !ds.d->version().includes(it->second)) {
        violation("client " + std::to_string(i) + ": restart lost durable ops of '" + id +
                  "': durable " + it->second.to_string() + ", restored " +
                  ds.d->version().to_string());
      }
      if (o.persist_clients) {
        auto p = sync::persistence::attach(*ds.d, *n.store,
                                           restored ? ds.d->version() : version_vector{});
        if (!p) {
          violation("client " + std::to_string(i) + ": attach failed: " + p.error().message);
        } else {
          ds.persist.emplace(std::move(*p));
          for (replica_id r : ds.persist->authored_replicas()) {
            if (std::find(authored.begin(), authored.end(), r) == authored.end()) {
              authored.push_back(r);
            }
          }
          const std::string doc_id = id;
          ds.persist->on_durable([this, i, doc_id](const version_vector& v) {
            version_vector& dv = durable_ops[doc_id];
            for (replica_id r : nodes[i].authored) dv.advance(r, v.get(r));
          });
        }
      }
      if (o.use_presence) {
        ds.p = std::make_unique<presence>(n.replica, o.presence);
        presence_state st;
        st.user_id = o.credentials(i);
        st.name = "client " + std::to_string(i);
        st.color = "#";
        st.color += std::to_string(100000 + rng.below(900000));
        ds.p->set_local(st, now);
      }
    }
    if (std::find(authored.begin(), authored.end(), n.replica) == authored.end()) {
      authored.push_back(n.replica);
    }
    n.authored = std::move(authored);
    n.durable_at_crash.clear();
    if (!o.relay) {
      sync::relay_options ro = o.relay_options;
      ro.replica = n.replica;
      ro.fresh_replica = [this] { return fresh_id(); };
      ro.presence = o.presence;
      n.host = std::make_unique<sync::relay>(std::move(ro));
      ++n.host_gen;
      for (auto& [id, ds] : n.docs) {
        if (auto r = n.host->host(*ds.d, ds.p.get()); !r) violation("host: " + r.error().message);
      }
    }
    for (std::size_t li = 0; li < links.size(); ++li) {
      link_t& l = links[li];
      if (l.client != i) continue;
      sync::session_options so = o.session;
      so.this_side = sync::side::client;
      so.replicas = n.authored;
      so.credentials = o.credentials(i);
      so.backoff.seed = rng.next() | 1;
      l.s = std::make_unique<sync::session>(std::move(so), client_callbacks(li));
      for (auto& [id, ds] : n.docs) {
        if (auto r = l.s->add(*ds.d, ds.p.get()); !r) violation("add: " + r.error().message);
      }
      l.s->start(now);
    }
  }

  void restart_relay() {
    if (!o.relay) return;
    for (std::size_t li = 0; li < links.size(); ++li) {
      link_t& l = links[li];
      if (!l.open) continue;
      l.open = false;
      event e;
      e.k = ev_kind::client_notice;
      e.link = li;
      e.conn_no = l.conn_no;
      schedule(now + l.opt.latency, std::move(e));
    }
    the_relay.reset();
    if (relay_store) (void)relay_store->restart();
    build_relay();
    // A relay with a storage must still hold everything it acknowledged.
    if (relay_store) {
      for (const auto& [id, v] : acked_ops) {
        doc* d = the_relay->find(id);
        if (!v.empty() && (d == nullptr || !d->version().includes(v))) {
          violation("relay restart lost acknowledged ops of '" + id + "'");
        }
      }
    }
  }

  // --- time ----------------------------------------------------------------------

  void run_until(sim_time t) {
    while (true) {
      const sim_time next_event = queue.empty() ? sim_time::max() : queue.begin()->first.first;
      const sim_time next = std::min(next_event, next_tick);
      if (next > t) break;
      now = next;
      if (next_event <= next_tick) {
        auto it = queue.begin();
        event e = std::move(it->second);
        queue.erase(it);
        run_event(e);
      } else {
        tick();
        next_tick += o.tick;
      }
    }
    now = std::max(now, t);
  }

  void tick() {
    for (std::size_t li = 0; li < links.size(); ++li) {
      if (links[li].s) links[li].s->tick(now);
    }
    if (the_relay) the_relay->tick(now);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!nodes[i].up) continue;
      if (nodes[i].host) nodes[i].host->tick(now);
      // Sessions tick the presences they carry; a mesh client that only
      // hosts has none, and its entry must still renew and expire others.
      for (auto& [id, ds] : nodes[i].docs) {
        if (ds.p) ds.p->tick(now);
      }
      edit(i);
    }
    track_acks();
  }

  void track_acks() {
    for (const link_t& l : links) {
      if (!l.s) continue;
      const node& n = nodes[l.client];
      for (const std::string& id : o.docs) {
        const version_vector v = l.s->acknowledged(id);
        version_vector& a = acked_ops[id];
        for (replica_id r : n.authored) a.advance(r, v.get(r));
      }
    }
  }

  // --- workloads -----------------------------------------------------------------

  // due returns how many events of rate `per_s` fall in this tick, carrying
  // fractions over so that low rates still happen.
  std::uint64_t due(double& carry, double per_s) {
    if (per_s <= 0) return 0;
    carry += per_s * static_cast<double>(o.tick.count()) / 1000.0;
    std::uint64_t n = 0;
    while (carry >= 1.0) {
      carry -= 1.0;
      ++n;
    }
    // The fraction left happens now with its probability, then is spent.
    if (carry > 0 && rng.chance(carry)) {
      ++n;
      carry -= 1.0;
    }
    return n;
  }

  std::string random_word(std::size_t max_len) {
    const std::size_t len = 1 + rng.below(std::max<std::size_t>(1, max_len));
    std::string s;
    for (std::size_t k = 0; k < len; ++k) s.push_back(static_cast<char>('a' + rng.below(26)));
    return s;
  }

  doc_state& random_doc(node& n) {
    auto it = n.docs.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng.below(n.docs.size())));
    return it->second;
  }

  void edit(std::size_t i) {
    node& n = nodes[i];
    const workload& w = n.w;
    if (n.docs.empty()) return;
    for (std::uint64_t k = due(n.carry[0], w.text_edits_per_s); k > 0; --k) {
      doc_state& ds = random_doc(n);
      text_ref t = ds.d->get_text("text");
      const std::size_t size = t.size();
      if (size > 0 && rng.chance(w.delete_ratio)) {
        const std::size_t pos = rng.below(size);
        const std::size_t len = 1 + rng.below(std::min<std::size_t>(size - pos, 4));
        (void)t.erase(pos, len);
      } else {
        (void)t.insert(rng.below(size + 1), random_word(w.max_insert));
      }
    }
    for (std::uint64_t k = due(n.carry[1], w.map_edits_per_s); k > 0; --k) {
      doc_state& ds = random_doc(n);
      map_ref m = ds.d->get_map("map");
      // (Built by append: g++ 12 warns falsely on "k" + std::string.)
      std::string key = "k";
      key += std::to_string(rng.below(8));
      const std::uint64_t c = rng.below(10);
      if (c < 2) {
        (void)m.erase(key);
      } else if (c < 6) {
        (void)m.set(key, static_cast<std::int64_t>(rng.below(1000)));
      } else {
        (void)m.set(key, random_word(8));
      }
    }
    for (std::uint64_t k = due(n.carry[2], w.list_edits_per_s); k > 0; --k) {
      doc_state& ds = random_doc(n);
      list_ref l = ds.d->get_list("list");
      const std::size_t size = l.size();
      if (size > 0 && rng.chance(w.delete_ratio)) {
        (void)l.erase(rng.below(size), 1);
      } else {
        (void)l.insert(rng.below(size + 1), static_cast<std::int64_t>(rng.below(100)));
      }
    }
    for (std::uint64_t k = due(n.carry[3], w.counter_adds_per_s); k > 0; --k) {
      doc_state& ds = random_doc(n);
      (void)ds.d->get_counter("counter").add(static_cast<std::int64_t>(rng.below(11)) - 5);
    }
    for (std::uint64_t k = due(n.carry[4], w.cursor_moves_per_s); k > 0; --k) {
      doc_state& ds = random_doc(n);
      if (!ds.p) continue;
      text_ref t = ds.d->get_text("text");
      const std::size_t pos = rng.below(t.size() + 1);
      auto a = t.anchor_at(pos, affinity::right);
      if (!a) continue;
      ds.p->set_cursor(presence_cursor{"text", *a, *a}, now);
    }
  }

  // --- queries -------------------------------------------------------------------

  bool converged() const {
    for (const std::string& id : o.docs) {
      const doc* first = nullptr;
      if (the_relay) first = const_cast<sync::relay&>(*the_relay).find(id);
      std::vector<const doc*> all;
      if (first != nullptr) all.push_back(first);
      for (const node& n : nodes) {
        if (!n.up) continue;
        all.push_back(n.docs.at(id).d.get());
      }
      if (all.empty()) continue;
      for (const doc* d : all) {
        if (d->version() != all.front()->version()) return false;
      }
      const std::string json = all.front()->to_json();
      for (const doc* d : all) {
        if (d->to_json() != json) return false;
      }
    }
    return true;
  }

  bool connected(std::size_t i) const {
    for (const link_t& l : links) {
      if (l.client != i && l.server != i) continue;
      if (!l.open || !l.s) return false;
      if (l.s->current() != sync::state::live && l.s->current() != sync::state::syncing) {
        return false;
      }
    }
    return nodes[i].up;
  }

  bool presence_converged() const {
    if (!o.use_presence) return true;
    for (const std::string& id : o.docs) {
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!connected(i)) continue;
        const presence& mine = *nodes[i].docs.at(id).p;
        std::size_t expected = 0;
        for (std::size_t j = 0; j < nodes.size(); ++j) {
          if (j == i || !connected(j)) continue;
          ++expected;
          const presence& theirs = *nodes[j].docs.at(id).p;
          auto it = mine.states().find(nodes[j].replica);
          if (it == mine.states().end() || !(it->second == theirs.local())) return false;
        }
        // A relay's presence has no entry of its own; a mesh host's is its
        // client's.
        if (mine.states().size() != expected) return false;
      }
    }
    return true;
  }

  bool all_live() const {
    for (const link_t& l : links) {
      if (!nodes[l.client].up || (l.server != no_server && !nodes[l.server].up)) continue;
      if (!l.s || l.s->current() != sync::state::live) return false;
    }
    return true;
  }

  sim_time round() const {
    sim_time rtt{0};
    for (const link_t& l : links) rtt = std::max(rtt, 2 * (l.opt.latency + l.opt.jitter));
    return rtt + o.session.debounce + o.tick;
  }

  void log_error(std::size_t li, const char* side, const error& err, bool from_peer) {
    std::string line = "t=";
    line += std::to_string(now.count());
    line += "ms link ";
    line += std::to_string(li);
    line += ' ';
    line += side;
    line += from_peer ? " heard: " : " said: ";
    line += err.message;
    errors.push_back(std::move(line));
  }

  void violation(std::string what) {
    violations.push_back("t=" + std::to_string(now.count()) + "ms: " + std::move(what));
  }

  sim_options o;
  sim_random rng;
  sim_time now{0};
  sim_time next_tick{0};
  std::uint64_t seq = 0;
  std::map<std::pair<sim_time, std::uint64_t>, event> queue;
  std::vector<node> nodes;
  std::vector<link_t> links;
  std::unique_ptr<sync::memory_storage> relay_store;
  std::unique_ptr<sync::relay> the_relay;
  std::uint64_t relay_gen = 0;
  std::set<replica_id> used_ids;
  std::map<std::string, version_vector> acked_ops, durable_ops;
  std::vector<std::string> violations;
  std::vector<std::string> errors;
  std::uint64_t hash = fnv_offset;
  std::vector<trace_event> trace;
};

simulator::simulator(sim_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
simulator::~simulator() = default;

const sim_options& simulator::options() const noexcept { return impl_->o; }
sim_time simulator::now() const noexcept { return impl_->now; }
sim_random& simulator::random() noexcept { return impl_->rng; }

void simulator::run_for(sim_time d) { impl_->run_until(impl_->now + d); }
void simulator::run_until(sim_time t) { impl_->run_until(t); }

std::optional<sim_time> simulator::run_until_converged(sim_time limit) {
  const sim_time start = impl_->now;
  const bool done = run_while([this] { return !impl_->converged(); }, limit);
  if (!done) return std::nullopt;
  return impl_->now - start;
}

bool simulator::run_while(const std::function<bool()>& pred, sim_time limit) {
  const sim_time end = impl_->now + limit;
  while (pred()) {
    if (impl_->now >= end) return false;
    // One tick at a time: the predicate is checked at tick resolution.
    impl_->run_until(std::min(end, impl_->now + impl_->o.tick));
  }
  return true;
}

std::size_t simulator::clients() const noexcept { return impl_->nodes.size(); }
std::size_t simulator::links() const noexcept { return impl_->links.size(); }

std::size_t simulator::link_index(std::size_t client, std::size_t server) const {
  for (std::size_t li = 0; li < impl_->links.size(); ++li) {
    const auto& l = impl_->links[li];
    if (impl_->o.relay ? l.client == client
                       : (l.client == std::min(client, server) &&
                          l.server == std::max(client, server))) {
      return li;
    }
  }
  WEFT_ASSERT(false, "no such link");
  return 0;
}

bool simulator::up(std::size_t client) const { return impl_->nodes.at(client).up; }

doc& simulator::client_doc(std::size_t client, std::string_view doc_id) {
  auto& n = impl_->nodes.at(client);
  WEFT_ASSERT(n.up, "client_doc of a crashed client");
  auto it = n.docs.find(std::string(doc_id));
  WEFT_ASSERT(it != n.docs.end(), "client_doc: no such document");
  return *it->second.d;
}

presence* simulator::client_presence(std::size_t client, std::string_view doc_id) {
  auto& n = impl_->nodes.at(client);
  auto it = n.docs.find(std::string(doc_id));
  return it == n.docs.end() ? nullptr : it->second.p.get();
}

sync::session& simulator::client_session(std::size_t client, std::size_t server) {
  auto& l = impl_->links[link_index(client, server)];
  WEFT_ASSERT(l.s != nullptr, "client_session of a crashed client");
  return *l.s;
}

sync::persistence* simulator::client_persistence(std::size_t client, std::string_view doc_id) {
  auto& n = impl_->nodes.at(client);
  auto it = n.docs.find(std::string(doc_id));
  return it == n.docs.end() || !it->second.persist ? nullptr : &*it->second.persist;
}

sync::memory_storage& simulator::client_storage(std::size_t client) {
  return *impl_->nodes.at(client).store;
}
replica_id simulator::client_replica(std::size_t client) const {
  return impl_->nodes.at(client).replica;
}
const std::vector<replica_id>& simulator::authored(std::size_t client) const {
  return impl_->nodes.at(client).authored;
}
sync::relay* simulator::relay() noexcept { return impl_->the_relay.get(); }

void simulator::set_workload(std::size_t client, const workload& w) {
  impl_->nodes.at(client).w = w;
}
void simulator::set_workload_all(const workload& w) {
  for (auto& n : impl_->nodes) n.w = w;
}

void simulator::set_link(std::size_t link, const link_options& o) { impl_->links.at(link).opt = o; }
void simulator::set_link_all(const link_options& o) {
  for (auto& l : impl_->links) l.opt = o;
}
const link_options& simulator::link(std::size_t link) const { return impl_->links.at(link).opt; }
void simulator::cut(std::size_t link) { impl_->links.at(link).cut = true; }
void simulator::heal(std::size_t link) { impl_->links.at(link).cut = false; }
void simulator::heal_all() {
  for (auto& l : impl_->links) l.cut = false;
}
bool simulator::is_cut(std::size_t link) const { return impl_->links.at(link).cut; }
void simulator::disconnect(std::size_t link) { impl_->disconnect(link); }
void simulator::crash(std::size_t client) { impl_->crash(client); }
void simulator::recover(std::size_t client) { impl_->recover(client); }
void simulator::restart(std::size_t client) {
  impl_->crash(client);
  impl_->recover(client);
}
void simulator::restart_relay() { impl_->restart_relay(); }

bool simulator::converged() const { return impl_->converged(); }
bool simulator::presence_converged() const { return impl_->presence_converged(); }
bool simulator::all_live() const { return impl_->all_live(); }
sim_time simulator::round() const { return impl_->round(); }

version_vector simulator::acknowledged(std::string_view doc_id) const {
  auto it = impl_->acked_ops.find(std::string(doc_id));
  return it == impl_->acked_ops.end() ? version_vector() : it->second;
}
version_vector simulator::durable(std::string_view doc_id) const {
  auto it = impl_->durable_ops.find(std::string(doc_id));
  return it == impl_->durable_ops.end() ? version_vector() : it->second;
}
const std::vector<std::string>& simulator::violations() const noexcept {
  return impl_->violations;
}
const std::vector<std::string>& simulator::errors() const noexcept { return impl_->errors; }
const link_stats& simulator::stats(std::size_t link, bool up) const {
  const auto& l = impl_->links.at(link);
  return up ? l.up : l.down;
}
std::uint64_t simulator::trace_hash() const noexcept { return impl_->hash; }
const std::vector<trace_event>& simulator::trace() const noexcept { return impl_->trace; }

}  // namespace weft::testing
