// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/sim_impl.hpp
// -----------------------------------------------------------------------------
//
// simulator::impl is the state behind weft::testing::simulator: the
// clients (nodes), the links between them and the relay, and the event
// queue. Private to the library; its members are defined by concern:
//
//   simulator.cpp     the public API, ids and endpoints, time, queries
//   sim_network.cpp   the event queue, links and their faults, connections
//   sim_process.cpp   crashing and recovering clients, restarting the relay
//   sim_workload.cpp  the random edits a workload makes each tick
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

#ifndef WEFT_SRC_TESTING_SIM_IMPL_HPP_
#define WEFT_SRC_TESTING_SIM_IMPL_HPP_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "weft/testing/simulator.hpp"

namespace weft::testing {

struct simulator::impl {
  // no_server marks a link to the relay (its server is no client).
  static constexpr std::size_t no_server = std::numeric_limits<std::size_t>::max();
  // FNV-1a parameters of the trace hash.
  static constexpr std::uint64_t fnv_offset = 1469598103934665603ull;
  static constexpr std::uint64_t fnv_prime = 1099511628211ull;

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

  explicit impl(sim_options opts);
  ~impl();

  // --- ids and endpoints (simulator.cpp) -------------------------------------

  replica_id fresh_id();
  sync::relay* endpoint(const link_t& l);
  std::uint64_t endpoint_gen(const link_t& l) const;
  void build_relay();

  // --- the event queue (sim_network.cpp) -------------------------------------

  void schedule(sim_time at, event e) { queue.emplace(std::make_pair(at, seq++), std::move(e)); }

  static std::uint64_t fnv_bytes(std::span<const std::uint8_t> bytes) noexcept;
  static void fnv_mix(std::uint64_t& h, std::uint64_t v) noexcept;

  // note adds a network event to the trace hash (and the trace).
  void note(trace_event::kind k, std::size_t link, bool up, std::span<const std::uint8_t> bytes);

  // transmit puts one message on a link, with the link's faults.
  void transmit(std::size_t li, bool up, std::span<const std::uint8_t> bytes);

  void run_event(event& e);

  // --- connections (sim_network.cpp) -----------------------------------------

  sync::callbacks client_callbacks(std::size_t li);

  // client_closes: the client side drops the connection (its own close, or
  // its process died); the server hears of it one latency later.
  void client_closes(std::size_t li);

  // server_closes: the server side drops connection `conn`; the client
  // hears of it one latency later.
  void server_closes(std::size_t li, std::uint64_t conn);

  // server_vanishes: the server end of open link `li` is gone without a
  // close (its process crashed, or the relay restarted); the client hears
  // of it one latency later.
  void server_vanishes(std::size_t li);

  void disconnect(std::size_t li);

  // --- processes (sim_process.cpp) -------------------------------------------

  void crash(std::size_t i);
  void recover(std::size_t i);
  void restart_relay();

  // --- time (simulator.cpp) --------------------------------------------------

  void run_until(sim_time t);
  void tick();
  void track_acks();

  // --- workloads (sim_workload.cpp) ------------------------------------------

  // due returns how many events of rate `per_s` fall in this tick, carrying
  // fractions over so that low rates still happen.
  std::uint64_t due(double& carry, double per_s);

  std::string random_word(std::size_t max_len);
  doc_state& random_doc(node& n);
  void edit(std::size_t i);

  // --- queries (simulator.cpp) -----------------------------------------------

  bool converged() const;
  bool connected(std::size_t i) const;
  bool presence_converged() const;
  bool all_live() const;
  sim_time round() const;
  void log_error(std::size_t li, const char* side, const error& err, bool from_peer);
  void violation(std::string what);

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

}  // namespace weft::testing

#endif  // WEFT_SRC_TESTING_SIM_IMPL_HPP_
