// Copyright 2026 The weft Authors. MIT License.
//
// Convergence under a hostile network, over many seeds: 5 clients and a
// relay edit text, maps, lists, counters and presence cursors for 8
// simulated seconds while every link drops 10% of messages, duplicates
// 10%, reorders 10%, and links are cut, transports closed and client
// processes crashed and restarted at random. Then the network heals (cuts
// healed, crashed clients restarted, faults off; latency and jitter stay)
// and, for every seed:
//
//   - every replica and the relay converge (same version, same to_json)
//     within a bounded number of sync rounds of the heal (below);
//   - no acknowledged op is lost: every op the relay acknowledged to its
//     author, and every op a client's persistence reported durable, is in
//     every final replica (and every restart brought back at least what
//     was durable: the simulator records a violation otherwise);
//   - presence converges: every client shows every other with the state
//     that client set;
//   - presence expires on time: a client cut off silently is gone from the
//     others, and they from it, within the presence timeout plus the bound.
//
// A sync round is simulator::round(): the longest round trip of any link
// plus the session debounce and one tick (about 250 ms here). The bound,
// in rounds, is
//
//   ceil((heartbeat * missed_heartbeats + backoff cap + resend) / round) + 8
//
// because, after the heal, a client may first have to notice that its
// connection died silently during a cut (heartbeat * missed), then wait out
// its backoff (at most the cap, also when the circuit breaker is open), and
// a client whose connection survived may hold a delta lost before the heal
// until its resend timer fires (resend); then 8 rounds cover connect,
// hello, the version exchange, the upload and its fan-out, with room for
// the catch-up's chunks. Those timers are not rounds of the protocol but
// waits; they are stated separately so the bound says what they cost.
//
// WEFT_SIM_SEEDS sets the number of seeds (default 300; long runs use up to
// 100,000); WEFT_SIM_SEED_BASE shifts them, to reproduce one failure:
// WEFT_SIM_SEEDS=1 WEFT_SIM_SEED_BASE=<seed>.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <catch2/catch_test_macros.hpp>

#include "support/sim_options.hpp"
#include "weft/testing/simulator.hpp"

using namespace std::chrono_literals;
using weft::testing::link_options;
using weft::testing::sim_options;
using weft::testing::sim_time;
using weft::testing::simulator;
using weft::testing::workload;

namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

constexpr std::size_t kClients = 5;

sim_options options_for(std::uint64_t seed) {
  sim_options o = weft::testing::make_sim_options(seed, kClients,
                                                  {.resend = 1'000ms,
                                                   .backoff_cap = 2'000ms,
                                                   .backoff_stable = 3'000ms,
                                                   .presence_heartbeat = 2'000ms,
                                                   .presence_timeout = 5'000ms});
  o.tick = 10ms;
  o.link.latency = 40ms;
  o.link.jitter = 20ms;
  o.link.drop = 0.1;
  o.link.duplicate = 0.1;
  o.link.reorder = 0.1;
  o.link.reorder_delay = 200ms;
  return o;
}

workload editing() {
  workload w;
  w.text_edits_per_s = 4;
  w.map_edits_per_s = 1;
  w.list_edits_per_s = 0.5;
  w.counter_adds_per_s = 0.5;
  w.cursor_moves_per_s = 1;
  return w;
}

struct outcome {
  sim_time round{0};
  sim_time converge{0};
  sim_time presence{0};
  sim_time expiry{0};
  std::uint64_t ops = 0;
  std::uint64_t restarts = 0;
};

// run_seed runs one seed and checks everything; a failed REQUIRE names
// the seed through the enclosing INFO.
outcome run_seed(std::uint64_t seed, bool check_presence) {
  simulator sim(options_for(seed));
  auto& rng = sim.random();
  outcome out;
  // Links differ: latency 20..80 ms.
  for (std::size_t l = 0; l < sim.links(); ++l) {
    link_options lo = sim.link(l);
    lo.latency = rng.between(20ms, 80ms);
    sim.set_link(l, lo);
  }
  sim.set_workload_all(editing());

  // Editing phase: every 250 ms, maybe a fault.
  std::vector<sim_time> heal_at(kClients, sim_time::max());
  std::vector<sim_time> recover_at(kClients, sim_time::max());
  const sim_time editing_end = 8s;
  while (sim.now() < editing_end) {
    sim.run_for(250ms);
    for (std::size_t i = 0; i < kClients; ++i) {
      if (sim.now() >= heal_at[i]) {
        sim.heal(i);
        heal_at[i] = sim_time::max();
      }
      if (sim.now() >= recover_at[i]) {
        sim.recover(i);
        recover_at[i] = sim_time::max();
      }
    }
    const std::size_t who = rng.below(kClients);
    const std::uint64_t roll = rng.below(100);
    if (roll < 6 && !sim.is_cut(who)) {
      sim.cut(who);  // a partition of 0.5 to 3 s
      heal_at[who] = sim.now() + rng.between(500ms, 3'000ms);
    } else if (roll < 10) {
      sim.disconnect(who);
    } else if (roll < 13 && sim.up(who)) {
      sim.restart(who);
      ++out.restarts;
    } else if (roll < 15 && sim.up(who)) {
      sim.crash(who);  // down for 0.5 to 2 s
      recover_at[who] = sim.now() + rng.between(500ms, 2'000ms);
      ++out.restarts;
    }
  }

  // Heal: cuts healed, processes back, faults off.
  sim.set_workload_all({});
  sim.heal_all();
  for (std::size_t i = 0; i < kClients; ++i) sim.recover(i);
  for (std::size_t l = 0; l < sim.links(); ++l) {
    link_options lo = sim.link(l);
    lo.drop = lo.duplicate = lo.reorder = 0;
    sim.set_link(l, lo);
  }

  const sim_options& o = sim.options();
  const sim_time round = sim.round();
  out.round = round;
  const sim_time waits =
      o.session.heartbeat * o.session.missed_heartbeats + o.session.backoff.cap + o.session.resend;
  const auto bound_rounds = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(waits.count()) / static_cast<double>(round.count())) + 8);
  const sim_time bound = round * bound_rounds;

  const auto took = sim.run_until_converged(bound);
  INFO("rounds bound " << bound_rounds << " (" << bound.count() << " ms)");
  REQUIRE(took.has_value());
  out.converge = *took;
  REQUIRE(sim.violations().empty());

  // No acknowledged or durable op is lost.
  weft::doc& final_doc = *sim.relay()->find("doc");
  const weft::version_vector acked = sim.acknowledged();
  const weft::version_vector durable = sim.durable();
  REQUIRE(!acked.empty());
  INFO("acknowledged " << acked.to_string() << " durable " << durable.to_string()
                       << " final " << final_doc.version().to_string());
  REQUIRE(final_doc.version().includes(acked));
  REQUIRE(final_doc.version().includes(durable));
  for (std::size_t i = 0; i < kClients; ++i) {
    REQUIRE(sim.client_doc(i).version() == final_doc.version());
  }
  auto total = final_doc.version().total();
  REQUIRE(total.has_value());
  out.ops = *total;
  if (!check_presence) return out;

  // Presence converges. A reconnected client's entry may have been
  // removed at the relay when its old connection died; it comes back with
  // the client's next presence heartbeat at the latest.
  const sim_time presence_bound = 2 * o.presence.heartbeat + 8 * round;
  const sim_time p0 = sim.now();
  REQUIRE(sim.run_while([&] { return !sim.presence_converged(); }, presence_bound));
  out.presence = sim.now() - p0;

  // Presence expires on time: client `gone` is cut off without a word.
  const std::size_t gone = rng.below(kClients);
  const weft::replica_id gone_id = sim.client_replica(gone);
  sim.cut(gone);
  const sim_time e0 = sim.now();
  const sim_time expiry_bound = o.presence.timeout + bound;
  auto everyone_forgot = [&] {
    for (std::size_t i = 0; i < kClients; ++i) {
      if (i == gone) continue;
      if (sim.client_presence(i)->states().count(gone_id) != 0) return false;
    }
    return sim.client_presence(gone)->states().empty();
  };
  REQUIRE(sim.run_while([&] { return !everyone_forgot(); }, expiry_bound));
  out.expiry = sim.now() - e0;
  // ...and the others still see each other.
  for (std::size_t i = 0; i < kClients; ++i) {
    if (i != gone) REQUIRE(sim.client_presence(i)->states().size() == kClients - 2);
  }
  return out;
}


void run_seeds(bool check_presence) {
  const std::uint64_t seeds = env_or("WEFT_SIM_SEEDS", 300);
  const std::uint64_t base = env_or("WEFT_SIM_SEED_BASE", 1);
  sim_time worst_converge{0}, worst_presence{0}, worst_expiry{0};
  std::uint64_t ops = 0, restarts = 0;
  sim_time round{0};
  for (std::uint64_t s = base; s < base + seeds; ++s) {
    INFO("seed " << s << " (reproduce: WEFT_SIM_SEEDS=1 WEFT_SIM_SEED_BASE=" << s << ")");
    const outcome o = run_seed(s, check_presence);
    worst_converge = std::max(worst_converge, o.converge);
    worst_presence = std::max(worst_presence, o.presence);
    worst_expiry = std::max(worst_expiry, o.expiry);
    ops += o.ops;
    restarts += o.restarts;
    round = std::max(round, o.round);
  }
  std::printf(
      "sim convergence%s: %llu seeds, %llu ops, %llu crashes/restarts; worst: converged %lld ms "
      "after the heal (%.1f rounds of up to %lld ms), presence %lld ms later, expiry %lld ms\n",
      check_presence ? " + presence" : "", static_cast<unsigned long long>(seeds),
      static_cast<unsigned long long>(ops), static_cast<unsigned long long>(restarts),
      static_cast<long long>(worst_converge.count()),
      static_cast<double>(worst_converge.count()) / static_cast<double>(round.count()),
      static_cast<long long>(round.count()), static_cast<long long>(worst_presence.count()),
      static_cast<long long>(worst_expiry.count()));
}

}  // namespace

TEST_CASE("sim convergence: 5 clients and a relay over a lossy, partitioned network",
          "[testing][simulator][convergence]") {
  run_seeds(false);
}

// The same seeds again, also checking that presence converges and expires
// on time.
TEST_CASE("sim convergence: presence converges and expires on time",
          "[testing][simulator][convergence]") {
  run_seeds(true);
}
