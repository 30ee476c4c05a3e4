// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/sim_process.cpp
// -----------------------------------------------------------------------------
//
// simulator::impl's processes (testing/sim_impl.hpp): a client crashes
// (its sessions, host and documents gone, its storage kept) and recovers
// under a new replica id from what its persistence made durable; the relay
// restarts from its storage. Both check that nothing durable or
// acknowledged was lost.

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "testing/sim_impl.hpp"

namespace weft::testing {

void simulator::impl::crash(std::size_t i) {
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
      server_vanishes(li);
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

void simulator::impl::recover(std::size_t i) {
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

void simulator::impl::restart_relay() {
  if (!o.relay) return;
  for (std::size_t li = 0; li < links.size(); ++li) {
    if (links[li].open) server_vanishes(li);
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

}  // namespace weft::testing
