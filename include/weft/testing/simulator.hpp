// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/simulator.hpp
// -----------------------------------------------------------------------------
//
// weft::testing::simulator runs a whole deployment in one thread: N client
// processes (each with its documents, presence, client sessions and a
// memory_storage that survives its restarts) and either a relay that every
// client connects to, or a full mesh in which client i connects to every
// client j > i (j serves its own documents through a relay that hosts
// them). Time is simulated; so is the network between them: per-link
// latency and jitter, drops, duplicates, reordering, partitions (a cut link
// loses everything and refuses connects), disconnects (the transport closes
// both ends) and process crashes and restarts (documents rebuilt from the
// storage under a fresh replica id, as persistence.hpp prescribes).
//
// Everything that varies comes from one seeded generator: the network's
// decisions, the random workloads, every session's backoff, every replica
// id. Nothing reads a wall clock or iterates an unordered container, so a
// seed replays exactly (trace_hash() is the proof a test compares).
//
// Applications use it to test their own sync code the same way weft's
// tests do; docs/simulator.md has an example. Not thread-safe.

#ifndef WEFT_TESTING_SIMULATOR_HPP_
#define WEFT_TESTING_SIMULATOR_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/sync/persistence.hpp"
#include "weft/sync/relay.hpp"
#include "weft/sync/session.hpp"
#include "weft/sync/storage.hpp"
#include "weft/version_vector.hpp"

namespace weft::testing {

// sim_time is the simulated clock (milliseconds since the start).
using sim_time = std::chrono::milliseconds;

// sim_random is the simulator's generator: xoshiro256** seeded through
// splitmix64. Exposed so that tests derive their own choices from the same
// seed.
class sim_random {
 public:
  explicit sim_random(std::uint64_t seed) noexcept;
  std::uint64_t next() noexcept;
  // below returns a value in [0, n) (0 if n is 0).
  std::uint64_t below(std::uint64_t n) noexcept;
  // unit returns a value in [0, 1).
  double unit() noexcept;
  bool chance(double p) noexcept { return p > 0 && unit() < p; }
  // between returns a duration in [lo, hi].
  sim_time between(sim_time lo, sim_time hi) noexcept;

 private:
  std::uint64_t s_[4];
};

// link_options describe one client's link (both directions). A transport
// is ordered: a message is delivered after `latency` plus up to `jitter`,
// never before one sent earlier on the same direction, unless it is
// reordered, which holds it back up to `reorder_delay` more and lets later
// messages pass it. Connecting takes one round trip.
struct link_options {
  sim_time latency{40};
  sim_time jitter{10};
  double drop = 0;       // probability that a message is lost
  double duplicate = 0;  // probability that it is delivered twice
  double reorder = 0;    // probability that it is held back
  sim_time reorder_delay{250};
};

// workload is a random editing load, in events per simulated second, on
// the roots "text" (text), "map" (map), "list" (list), "counter" (counter)
// of each of a client's documents, and on its presence cursor.
struct workload {
  double text_edits_per_s = 0;
  double map_edits_per_s = 0;
  double list_edits_per_s = 0;
  double counter_adds_per_s = 0;
  double cursor_moves_per_s = 0;
  double delete_ratio = 0.3;      // share of text and list edits that delete
  std::size_t max_insert = 6;     // characters per text insert, at most
};

struct sim_options {
  std::uint64_t seed = 1;
  std::size_t clients = 3;
  // relay: every client connects to one relay; false: a full mesh.
  bool relay = true;
  // docs are the ids every client opens (and syncs).
  std::vector<std::string> docs = {"doc"};
  link_options link;
  // tick is how often every session, presence and the relay see the time;
  // workloads are drawn per tick.
  sim_time tick{10};
  // session is the template of the client sessions; the simulator sets
  // replicas, credentials and the backoff seed.
  sync::session_options session;
  // relay_options is the template of the relay (and, in a mesh, of each
  // client's host); the simulator sets its replica ids.
  sync::relay_options relay_options;
  presence_options presence;
  bool use_presence = true;
  // persist_clients binds every client document to the client's storage,
  // so a restart keeps what was durable; without it a restart starts empty.
  bool persist_clients = true;
  // persist_relay gives the relay a storage that survives restart_relay().
  bool persist_relay = true;
  // credentials of client i; default "user-<i>".
  std::function<std::string(std::size_t client)> credentials;
  // record_trace keeps every network event for trace().
  bool record_trace = false;
};

// link_stats counts one direction of a link (up: client to server).
struct link_stats {
  std::uint64_t messages = 0, bytes = 0;  // handed to the link by the sender
  std::uint64_t delivered = 0, delivered_bytes = 0;
  std::uint64_t dropped = 0;     // lost: drop, partition or closed connection
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t refused = 0;     // delivered, and refused by the receiver
};

// trace_event is one thing that happened on the network.
struct trace_event {
  enum class kind : std::uint8_t {
    send, deliver, drop, duplicate, connect, connect_failed, close, crash, recover
  };
  sim_time at{0};
  kind what = kind::send;
  std::size_t link = 0;
  bool up = true;
  std::size_t bytes = 0;
  std::uint64_t hash = 0;  // of the message bytes (FNV-1a)

  friend bool operator==(const trace_event&, const trace_event&) = default;
};

class simulator {
 public:
  explicit simulator(sim_options options);
  ~simulator();
  simulator(const simulator&) = delete;
  simulator& operator=(const simulator&) = delete;

  const sim_options& options() const noexcept;
  sim_time now() const noexcept;
  sim_random& random() noexcept;

  // Running. Events (deliveries, connects) happen at their exact times;
  // every `tick`, all timers run and workloads edit.
  void run_for(sim_time d);
  void run_until(sim_time t);
  // run_until_converged runs until converged() holds or `limit` passes,
  // and returns how long it took (nullopt: it did not converge).
  std::optional<sim_time> run_until_converged(sim_time limit);
  // run_while runs until `pred` is false or `limit` passes; returns whether
  // `pred` became false.
  bool run_while(const std::function<bool()>& pred, sim_time limit);

  // Clients. Links are numbered like clients in a relay deployment; in a
  // mesh, link_index(i, j) numbers them.
  std::size_t clients() const noexcept;
  std::size_t links() const noexcept;
  std::size_t link_index(std::size_t client, std::size_t server) const;
  bool up(std::size_t client) const;
  doc& client_doc(std::size_t client, std::string_view doc_id = "doc");
  presence* client_presence(std::size_t client, std::string_view doc_id = "doc");
  // client_session is the session of `client`'s link to the relay (or, in
  // a mesh, to client `server`).
  sync::session& client_session(std::size_t client, std::size_t server = 0);
  sync::persistence* client_persistence(std::size_t client, std::string_view doc_id = "doc");
  sync::memory_storage& client_storage(std::size_t client);
  replica_id client_replica(std::size_t client) const;
  // authored lists every replica id `client` has edited under, oldest first.
  const std::vector<replica_id>& authored(std::size_t client) const;
  // relay is null in a mesh.
  sync::relay* relay() noexcept;

  // Workloads.
  void set_workload(std::size_t client, const workload& w);
  void set_workload_all(const workload& w);

  // Faults. Links are cut and healed (a cut link loses everything and
  // refuses connects; an open connection over it stays open until a side
  // gives up on it). A disconnect closes the transport at both ends now.
  // crash stops a client process (its peers learn of it one latency
  // later), recover starts it again from its storage under a fresh replica
  // id; restart is both.
  void set_link(std::size_t link, const link_options& o);
  void set_link_all(const link_options& o);
  const link_options& link(std::size_t link) const;
  void cut(std::size_t link);
  void heal(std::size_t link);
  void heal_all();
  bool is_cut(std::size_t link) const;
  void disconnect(std::size_t link);
  void crash(std::size_t client);
  void recover(std::size_t client);
  void restart(std::size_t client);
  // restart_relay rebuilds the relay from its storage (persist_relay) or
  // empty; every connection to it closes.
  void restart_relay();

  // Queries.
  // converged: every running client and the relay hold, for every
  // document, the same version and the same to_json.
  bool converged() const;
  // presence_converged: every running client's presence of each document
  // shows exactly the other running clients that are connected, each with
  // the state that client set.
  bool presence_converged() const;
  // all_live: every running client's sessions are live.
  bool all_live() const;
  // round is one sync round: the longest round trip of any link (latency
  // and jitter both ways) plus the session debounce and one tick. Bounds
  // are stated in rounds.
  sim_time round() const;
  // acknowledged: per document, per replica, the most ops the server ever
  // acknowledged to that replica's author. durable: per document, per
  // replica, the most ops of a client's own replicas that its persistence
  // reported durable.
  version_vector acknowledged(std::string_view doc_id = "doc") const;
  version_vector durable(std::string_view doc_id = "doc") const;
  // violations lists broken guarantees the simulator checks as it runs
  // (a restart that lost durable ops, a relay that lost acknowledged ones).
  const std::vector<std::string>& violations() const noexcept;
  // errors lists every error a session reported (sent or heard), with the
  // time and link: what a test prints when something does not converge.
  const std::vector<std::string>& errors() const noexcept;
  const link_stats& stats(std::size_t link, bool up) const;
  // trace_hash digests every network event so far; equal seeds give equal
  // hashes. trace() holds the events when record_trace is set.
  std::uint64_t trace_hash() const noexcept;
  const std::vector<trace_event>& trace() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTING_SIMULATOR_HPP_
