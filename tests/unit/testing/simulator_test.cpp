// Copyright 2026 The weft Authors. MIT License.
//
// Tests of weft::testing::simulator itself: a seed replays exactly, and
// each network fault does what simulator.hpp says it does.

#include "weft/testing/simulator.hpp"

#include <set>
#include <string>

#include <catch2/catch_test_macros.hpp>

#include "support/sim_options.hpp"

using namespace std::chrono_literals;
using weft::testing::link_options;
using weft::testing::sim_options;
using weft::testing::sim_random;
using weft::testing::simulator;
using weft::testing::trace_event;
using weft::testing::workload;

namespace {

sim_options base(std::uint64_t seed, std::size_t clients = 3) {
  sim_options o = weft::testing::make_sim_options(seed, clients);
  o.record_trace = true;
  return o;
}

workload busy() {
  workload w;
  w.text_edits_per_s = 5;
  w.map_edits_per_s = 2;
  w.list_edits_per_s = 1;
  w.counter_adds_per_s = 1;
  w.cursor_moves_per_s = 2;
  return w;
}

// messy runs a workload under every fault and returns the simulator.
void messy(simulator& sim) {
  link_options l;
  l.drop = 0.1;
  l.duplicate = 0.1;
  l.reorder = 0.1;
  sim.set_link_all(l);
  sim.set_workload_all(busy());
  sim.run_for(2s);
  sim.cut(0);
  sim.run_for(1s);
  sim.disconnect(1);
  sim.restart(2);
  sim.run_for(1s);
  sim.heal_all();
  sim.set_workload_all({});
  sim.set_link_all(link_options{});
}

}  // namespace

TEST_CASE("sim_random: a seed gives one sequence; values stay in range", "[testing][simulator]") {
  sim_random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    REQUIRE(x == b.next());
    differs |= x != c.next();
  }
  CHECK(differs);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto v = a.below(7);
    REQUIRE(v < 7);
    seen.insert(v);
    const double u = a.unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const auto d = a.between(10ms, 20ms);
    REQUIRE(d >= 10ms);
    REQUIRE(d <= 20ms);
  }
  CHECK(seen.size() == 7);
  CHECK(a.below(0) == 0);
  CHECK_FALSE(a.chance(0.0));
}

TEST_CASE("simulator: the same seed replays the same trace, byte for byte", "[testing][simulator]") {
  simulator x(base(7)), y(base(7)), z(base(8));
  messy(x);
  messy(y);
  messy(z);
  REQUIRE(x.trace().size() > 100);
  CHECK(x.trace() == y.trace());
  CHECK(x.trace_hash() == y.trace_hash());
  CHECK(x.trace_hash() != z.trace_hash());
  CHECK(x.client_doc(0).to_json() == y.client_doc(0).to_json());
  CHECK(x.client_replica(2) == y.client_replica(2));
  // And the run converges once the faults stop.
  REQUIRE(x.run_until_converged(30s));
  CHECK(x.violations().empty());
}

TEST_CASE("simulator: a clean network delivers in order after the latency", "[testing][simulator]") {
  sim_options o = base(1, 2);
  o.link.latency = 50ms;
  o.link.jitter = 0ms;
  simulator sim(o);
  sim.run_for(1s);
  REQUIRE(sim.all_live());
  REQUIRE(sim.client_doc(0).get_text("text").insert(0, "hi"));
  sim.run_for(1s);
  CHECK(sim.client_doc(1).get_text("text").to_string() == "hi");
  // Every message is delivered exactly one latency after its send, in the
  // order sent; only the last 50 ms of sends may still be in flight.
  for (std::size_t link = 0; link < sim.links(); ++link) {
    for (bool up : {true, false}) {
      std::vector<trace_event> sends, delivers;
      for (const auto& e : sim.trace()) {
        if (e.link != link || e.up != up) continue;
        if (e.what == trace_event::kind::send) sends.push_back(e);
        if (e.what == trace_event::kind::deliver) delivers.push_back(e);
      }
      REQUIRE(sends.size() > 3);
      REQUIRE(delivers.size() <= sends.size());
      for (std::size_t i = 0; i < delivers.size(); ++i) {
        CHECK(delivers[i].at - sends[i].at == 50ms);
        CHECK(delivers[i].hash == sends[i].hash);
      }
      for (std::size_t i = delivers.size(); i < sends.size(); ++i) {
        CHECK(sends[i].at > sim.now() - 50ms);
      }
      CHECK(sim.stats(link, up).dropped == 0);
    }
  }
}

TEST_CASE("simulator: drops, duplicates and reordering happen at their rates", "[testing][simulator]") {
  sim_options o = base(3, 2);
  o.link.drop = 0.2;
  o.link.duplicate = 0.2;
  o.link.reorder = 0.2;
  o.link.jitter = 0ms;
  simulator sim(o);
  sim.set_workload_all(busy());
  sim.run_for(20s);
  std::uint64_t messages = 0, dropped = 0, duplicated = 0, reordered = 0;
  for (std::size_t l = 0; l < sim.links(); ++l) {
    for (bool up : {true, false}) {
      messages += sim.stats(l, up).messages;
      dropped += sim.stats(l, up).dropped;
      duplicated += sim.stats(l, up).duplicated;
      reordered += sim.stats(l, up).reordered;
    }
  }
  REQUIRE(messages > 500);
  const double m = static_cast<double>(messages);
  // Drops also count messages lost on closed connections, so >= the rate.
  CHECK(static_cast<double>(dropped) / m > 0.15);
  CHECK(static_cast<double>(duplicated) / m > 0.1);
  CHECK(static_cast<double>(duplicated) / m < 0.3);
  CHECK(static_cast<double>(reordered) / m > 0.1);
  CHECK(static_cast<double>(reordered) / m < 0.3);
  // Reordering is visible: some delivery overtakes an earlier send.
  bool overtaken = false;
  std::vector<std::uint64_t> sent, got;
  for (const auto& e : sim.trace()) {
    if (e.link != 0 || !e.up) continue;
    if (e.what == trace_event::kind::send) sent.push_back(e.hash);
    if (e.what == trace_event::kind::deliver) got.push_back(e.hash);
  }
  for (std::size_t i = 1; i < got.size() && !overtaken; ++i) {
    auto a = std::find(sent.begin(), sent.end(), got[i - 1]);
    auto b = std::find(sent.begin(), sent.end(), got[i]);
    overtaken = b < a;
  }
  CHECK(overtaken);
  // Still lossy, but no more edits: the resends get everything through.
  sim.set_workload_all({});
  REQUIRE(sim.run_until_converged(60s));
}

TEST_CASE("simulator: a cut link loses everything and refuses connects until healed",
          "[testing][simulator]") {
  simulator sim(base(5, 2));
  sim.run_for(1s);
  REQUIRE(sim.all_live());
  sim.cut(0);
  CHECK(sim.is_cut(0));
  const auto delivered = sim.stats(0, true).delivered;
  REQUIRE(sim.client_doc(0).get_text("text").insert(0, "lost for now"));
  sim.run_for(10s);
  CHECK(sim.stats(0, true).delivered == delivered);
  CHECK(sim.client_doc(1).get_text("text").to_string().empty());
  // The silent connection is given up and reconnects keep failing.
  const auto st = sim.client_session(0).current();
  CHECK((st == weft::sync::state::offline || st == weft::sync::state::degraded ||
         st == weft::sync::state::connecting));
  bool failed = false;
  for (const auto& e : sim.trace()) failed |= e.what == trace_event::kind::connect_failed;
  CHECK(failed);
  sim.heal(0);
  REQUIRE(sim.run_until_converged(10s));
  CHECK(sim.client_doc(1).get_text("text").to_string() == "lost for now");
}

TEST_CASE("simulator: a disconnect closes both ends and the client reconnects", "[testing][simulator]") {
  simulator sim(base(9, 2));
  sim.run_for(1s);
  REQUIRE(sim.all_live());
  const auto before = sim.relay()->stats().accepted;
  sim.disconnect(0);
  CHECK(sim.client_session(0).current() == weft::sync::state::offline);
  CHECK(sim.relay()->connections().size() == 1);
  REQUIRE(sim.run_while([&] { return !sim.all_live(); }, 5s));
  CHECK(sim.relay()->stats().accepted == before + 1);
}

TEST_CASE("simulator: a restart keeps what was durable and edits under a fresh id",
          "[testing][simulator]") {
  simulator sim(base(11, 2));
  sim.run_for(500ms);
  sim.cut(0);  // nothing of what follows reaches the relay
  REQUIRE(sim.client_doc(0).get_text("text").insert(0, "offline work"));
  const auto old_id = sim.client_replica(0);
  CHECK(sim.durable().get(old_id) == 12);
  sim.restart(0);
  CHECK(sim.client_replica(0) != old_id);
  CHECK(sim.client_doc(0).get_text("text").to_string() == "offline work");
  CHECK(sim.authored(0).size() == 2);
  sim.heal(0);
  REQUIRE(sim.run_until_converged(10s));
  CHECK(sim.client_doc(1).get_text("text").to_string() == "offline work");
  CHECK(sim.violations().empty());
}

TEST_CASE("simulator: without persistence a restart starts empty", "[testing][simulator]") {
  sim_options o = base(12, 1);
  o.persist_clients = false;
  simulator sim(o);
  sim.cut(0);
  REQUIRE(sim.client_doc(0).get_text("text").insert(0, "gone"));
  sim.restart(0);
  CHECK(sim.client_doc(0).get_text("text").to_string().empty());
}

TEST_CASE("simulator: a crashed client's peers hear of it one latency later", "[testing][simulator]") {
  simulator sim(base(13, 3));
  sim.run_for(1s);
  REQUIRE(sim.all_live());
  REQUIRE(sim.presence_converged());
  sim.crash(2);
  CHECK_FALSE(sim.up(2));
  CHECK(sim.relay()->connections().size() == 3);
  sim.run_for(sim.link(2).latency + sim.link(2).jitter + 20ms);
  CHECK(sim.relay()->connections().size() == 2);
  sim.run_for(500ms);
  CHECK(sim.presence_converged());
  CHECK(sim.client_presence(0)->states().size() == 1);
  sim.recover(2);
  REQUIRE(sim.run_while([&] { return !sim.all_live() || !sim.presence_converged(); }, 5s));
}

TEST_CASE("simulator: restart_relay restores the relay from its storage", "[testing][simulator]") {
  simulator sim(base(14, 2));
  sim.set_workload_all(busy());
  sim.run_for(3s);
  sim.set_workload_all({});
  REQUIRE(sim.run_until_converged(10s));
  const auto v = sim.relay()->find("doc")->version();
  sim.restart_relay();
  CHECK(sim.relay()->find("doc")->version() == v);
  REQUIRE(sim.run_while([&] { return !sim.all_live(); }, 10s));
  REQUIRE(sim.run_until_converged(5s));
  CHECK(sim.violations().empty());
}

TEST_CASE("simulator: a mesh without a relay converges too", "[testing][simulator]") {
  sim_options o = base(15, 4);
  o.relay = false;
  simulator sim(o);
  CHECK(sim.relay() == nullptr);
  CHECK(sim.links() == 6);
  sim.set_workload_all(busy());
  sim.run_for(3s);
  sim.cut(sim.link_index(0, 3));
  sim.run_for(2s);
  sim.heal_all();
  sim.set_workload_all({});
  REQUIRE(sim.run_until_converged(20s));
  CHECK(sim.violations().empty());
  // (Presence in a mesh is not asserted: a client's presence updates are
  // taken by whichever of its sessions pumps first, see docs/simulator.md.)
}
