// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/simulator.cpp
// -----------------------------------------------------------------------------
//
// sim_random, and the public face of weft::testing::simulator with the
// parts of simulator::impl (testing/sim_impl.hpp) that set the world up,
// run its clock and answer queries about it.

#include "weft/testing/simulator.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "testing/sim_impl.hpp"
#include "weft/assert.hpp"
#include "weft/internal/splitmix.hpp"

namespace weft::testing {

// --- sim_random ----------------------------------------------------------------

namespace {

using weft::internal::splitmix64;

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

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

simulator::impl::impl(sim_options opts) : o(std::move(opts)), rng(o.seed) {
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

simulator::impl::~impl() {
  // Sessions observe documents: they go first.
  for (link_t& l : links) l.s.reset();
  the_relay.reset();
  for (node& n : nodes) n.host.reset();
}

// --- ids and endpoints -------------------------------------------------------

replica_id simulator::impl::fresh_id() {
  for (;;) {
    const replica_id r{rng.next()};
    if (r == replica_id{} || used_ids.count(r) != 0) continue;
    used_ids.insert(r);
    return r;
  }
}

sync::relay* simulator::impl::endpoint(const link_t& l) {
  if (l.server == no_server) return the_relay.get();
  node& n = nodes[l.server];
  return n.up ? n.host.get() : nullptr;
}

std::uint64_t simulator::impl::endpoint_gen(const link_t& l) const {
  return l.server == no_server ? relay_gen : nodes[l.server].host_gen;
}

void simulator::impl::build_relay() {
  sync::relay_options ro = o.relay_options;
  ro.replica = fresh_id();
  ro.fresh_replica = [this] { return fresh_id(); };
  ro.presence = o.presence;
  the_relay = std::make_unique<sync::relay>(std::move(ro), relay_store.get());
  ++relay_gen;
  if (auto r = the_relay->open(); !r) violation("relay: open failed: " + r.error().message);
}

// --- time --------------------------------------------------------------------

void simulator::impl::run_until(sim_time t) {
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

void simulator::impl::tick() {
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

void simulator::impl::track_acks() {
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

// --- queries -----------------------------------------------------------------

bool simulator::impl::converged() const {
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

bool simulator::impl::connected(std::size_t i) const {
  for (const link_t& l : links) {
    if (l.client != i && l.server != i) continue;
    if (!l.open || !l.s) return false;
    if (l.s->current() != sync::state::live && l.s->current() != sync::state::syncing) {
      return false;
    }
  }
  return nodes[i].up;
}

bool simulator::impl::presence_converged() const {
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

bool simulator::impl::all_live() const {
  for (const link_t& l : links) {
    if (!nodes[l.client].up || (l.server != no_server && !nodes[l.server].up)) continue;
    if (!l.s || l.s->current() != sync::state::live) return false;
  }
  return true;
}

sim_time simulator::impl::round() const {
  sim_time rtt{0};
  for (const link_t& l : links) rtt = std::max(rtt, 2 * (l.opt.latency + l.opt.jitter));
  return rtt + o.session.debounce + o.tick;
}

void simulator::impl::log_error(std::size_t li, const char* side, const error& err,
                                bool from_peer) {
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

void simulator::impl::violation(std::string what) {
  violations.push_back("t=" + std::to_string(now.count()) + "ms: " + std::move(what));
}

// --- the public API ----------------------------------------------------------

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
