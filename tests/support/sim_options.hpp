// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sim_options.hpp
// -----------------------------------------------------------------------------
//
// Options for the simulator tests (tests/unit/testing): a world of clients
// and a relay whose session and presence timers are short, so that a lost
// message is resent, a dead connection noticed and a client reconnected
// within a few simulated seconds. Each test adds its links, workloads and
// faults to what make_sim_options returns.

#ifndef WEFT_TESTS_SUPPORT_SIM_OPTIONS_HPP_
#define WEFT_TESTS_SUPPORT_SIM_OPTIONS_HPP_

#include <cstddef>
#include <cstdint>

#include "weft/sync/backoff.hpp"
#include "weft/sync/session.hpp"
#include "weft/testing/simulator.hpp"

namespace weft::testing {

// sim_timers are the timers of the sessions (clients and relay alike) and
// presences of a simulated world. A field left out keeps the default here;
// missed_heartbeats and backoff_stable default to the library's own.
struct sim_timers {
  sim_time debounce{20};
  sim_time heartbeat{1'000};
  int missed_heartbeats = sync::session_options{}.missed_heartbeats;
  sim_time resend{500};
  sim_time backoff_base{100};
  sim_time backoff_cap{1'000};
  sim_time backoff_stable = sync::backoff_options{}.stable;
  // Presence updates are not acknowledged; heartbeats repair what is lost.
  sim_time presence_heartbeat{1'000};
  sim_time presence_timeout{3'000};
};

// make_sim_options returns the options of `clients` clients and a relay on
// `timers`. The relay's sessions get the clients' session options: change
// both, or set o.session before copying it to o.relay_options.session.
inline sim_options make_sim_options(std::uint64_t seed, std::size_t clients,
                                    const sim_timers& timers = {}) {
  sim_options o;
  o.seed = seed;
  o.clients = clients;
  o.session.debounce = timers.debounce;
  o.session.heartbeat = timers.heartbeat;
  o.session.missed_heartbeats = timers.missed_heartbeats;
  o.session.resend = timers.resend;
  o.session.backoff.base = timers.backoff_base;
  o.session.backoff.cap = timers.backoff_cap;
  o.session.backoff.stable = timers.backoff_stable;
  o.presence.heartbeat = timers.presence_heartbeat;
  o.presence.timeout = timers.presence_timeout;
  o.relay_options.session = o.session;
  return o;
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_SIM_OPTIONS_HPP_
