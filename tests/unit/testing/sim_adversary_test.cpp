// Copyright 2026 The weft Authors. MIT License.
//
// Hostile peers against a relay serving honest clients in the simulator.
// The rogue speaks to the relay directly (a raw connection fed hand-made
// messages), the honest clients go through the simulated network. For each
// attack: the relay refuses it (an error to the rogue and a close), nothing
// of it is applied to the relay's document or forwarded to anyone, and the
// honest clients keep syncing as if nothing happened.

#include <string>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/sim_options.hpp"
#include "weft/sync/message.hpp"
#include "weft/testing/simulator.hpp"

using namespace std::chrono_literals;
using weft::replica_id;
using weft::sync::error_code;
using weft::sync::message;
using weft::sync::role;
using weft::testing::sim_options;
using weft::testing::simulator;
using weft::testing::workload;

namespace {

sim_options honest_world(std::uint64_t seed) {
  // make_sim_options's short timers (presence is not acknowledged: a lost
  // update waits for the next heartbeat, so a short one keeps the test
  // short), with the library's backoff base.
  sim_options o = weft::testing::make_sim_options(
      seed, 3, {.backoff_base = weft::sync::backoff_options{}.base});
  o.link.drop = 0.05;
  o.link.duplicate = 0.05;
  o.relay_options.session.max_message_bytes = 64 << 10;
  o.relay_options.session.message_rate = {50, 100};
  o.relay_options.authorize = [](std::string_view user, std::string_view) {
    return user == "reader" ? role::read : role::write;
  };
  return o;
}

// rogue is a raw connection to the relay.
struct rogue {
  weft::sync::relay* relay = nullptr;
  weft::sync::connection_id id = 0;
  std::vector<message> got;
  bool closed = false;

  rogue(simulator& sim) : relay(sim.relay()) {
    weft::sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      auto m = weft::sync::decode_message(b);
      CHECK(m);
      if (m) got.push_back(std::move(*m));
    };
    cb.close = [this] { closed = true; };
    id = relay->accept(cb, sim.now());
  }

  weft::result<void> send(simulator& sim, const message& m) {
    return send_bytes(sim, weft::sync::encode_message(m));
  }
  weft::result<void> send_bytes(simulator& sim, const std::vector<std::uint8_t>& b) {
    return relay->receive(id, b, sim.now());
  }

  // hello asks for "doc" on channel 0 and returns the granted role.
  role hello(simulator& sim, std::string credentials, std::vector<replica_id> replicas) {
    weft::sync::hello_message h;
    h.credentials = std::move(credentials);
    h.replicas = std::move(replicas);
    h.docs.push_back({0, "doc", role::none});
    REQUIRE(send(sim, h));
    for (const message& m : got) {
      if (const auto* a = std::get_if<weft::sync::hello_message>(&m); a && a->answer) {
        for (const auto& b : a->docs) {
          if (b.channel == 0) return b.granted;
        }
      }
    }
    return role::none;
  }

  bool got_error(error_code c) const {
    for (const message& m : got) {
      if (const auto* e = std::get_if<weft::sync::error_message>(&m); e && e->code == c) {
        return true;
      }
    }
    return false;
  }
};

// ops_by returns a delta of `n` text inserts authored under `author`.
weft::doc_delta ops_by(replica_id author, const std::string& text) {
  weft::doc d(author, {"doc"});
  REQUIRE(d.get_text("text").insert(0, text));
  return d.delta_since({});
}

// settle lets the honest clients edit and converge; returns the relay's
// version afterwards.
void settle(simulator& sim) {
  workload w;
  w.text_edits_per_s = 5;
  w.cursor_moves_per_s = 2;
  sim.set_workload_all(w);
  sim.run_for(2s);
  sim.set_workload_all({});
  REQUIRE(sim.run_until_converged(20s));
}

// untouched checks that nothing authored by `who` reached the relay or any
// client, and that the honest clients still converge.
void untouched(simulator& sim, replica_id who, const std::string& marker) {
  settle(sim);
  CHECK(sim.relay()->find("doc")->version().get(who) == 0);
  for (std::size_t i = 0; i < sim.clients(); ++i) {
    CHECK(sim.client_doc(i).version().get(who) == 0);
    CHECK(sim.client_doc(i).to_json().find(marker) == std::string::npos);
  }
  CHECK(sim.violations().empty());
}

}  // namespace

TEST_CASE("adversary: a read-only peer's delta is refused and never forwarded",
          "[testing][simulator][adversary]") {
  simulator sim(honest_world(1));
  settle(sim);
  const auto before = sim.relay()->find("doc")->version();
  rogue r(sim);
  const replica_id me{0xbad1};
  REQUIRE(r.hello(sim, "reader", {me}) == role::read);
  // A reader is served the document...
  REQUIRE(r.send(sim, weft::sync::version_message{0, {}, true}));
  bool served = false;
  for (const message& m : r.got) served |= std::holds_alternative<weft::sync::delta_message>(m);
  CHECK(served);
  // ...but may not write to it.
  const auto res = r.send(sim, weft::sync::delta_message{0, ops_by(me, "READONLYWRITE")});
  CHECK_FALSE(res);
  CHECK(r.got_error(error_code::read_only));
  CHECK(r.closed);
  CHECK(sim.relay()->find("doc")->version() == before);
  untouched(sim, me, "READONLYWRITE");
}

TEST_CASE("adversary: ops forged under another peer's replica id are refused",
          "[testing][simulator][adversary]") {
  simulator sim(honest_world(2));
  settle(sim);
  const replica_id victim = sim.client_replica(0);
  const auto victim_count = sim.relay()->find("doc")->version().get(victim);

  SECTION("claiming the victim's id in the hello gets no role") {
    rogue r(sim);
    CHECK(r.hello(sim, "mallory", {victim}) == role::none);
    CHECK_FALSE(r.send(sim, weft::sync::delta_message{0, ops_by(victim, "FORGED")}));
    CHECK(r.closed);
  }
  SECTION("ops under an id the peer was not bound to are refused") {
    rogue r(sim);
    const replica_id me{0xbad2};
    REQUIRE(r.hello(sim, "mallory", {me}) == role::write);
    REQUIRE(r.send(sim, weft::sync::version_message{0, {}, true}));
    // Ops that continue the victim's own sequence: they would apply.
    weft::doc fake(victim, {"doc"});
    REQUIRE(fake.apply(sim.relay()->find("doc")->delta_since({})));
    REQUIRE(fake.get_text("text").insert(0, "FORGED"));
    weft::version_vector known = sim.relay()->find("doc")->version();
    CHECK_FALSE(r.send(sim, weft::sync::delta_message{0, fake.delta_since(known)}));
    CHECK(r.got_error(error_code::impersonation));
    CHECK(r.closed);
  }
  CHECK(sim.relay()->find("doc")->version().get(victim) == victim_count);
  for (std::size_t i = 0; i < sim.clients(); ++i) {
    CHECK(sim.client_doc(i).to_json().find("FORGED") == std::string::npos);
  }
  settle(sim);
  CHECK(sim.violations().empty());
}

TEST_CASE("adversary: a presence entry forged for another client is refused",
          "[testing][simulator][adversary]") {
  sim_options o = honest_world(3);
  o.link.drop = 0;  // about forgery, not loss: every honest update arrives
  simulator sim(o);
  settle(sim);
  REQUIRE(sim.run_while([&] { return !sim.presence_converged(); }, 10s));
  const replica_id victim = sim.client_replica(0);
  const weft::presence_state real = sim.client_presence(0)->local();
  rogue r(sim);
  const replica_id me{0xbad3};
  REQUIRE(r.hello(sim, "mallory", {me}) == role::write);
  weft::presence_update u;
  u.client = victim;
  u.clock = 1'000'000;
  u.what = weft::presence_update::kind::full;
  u.name = std::string("HACKED");
  u.user_id = std::string("mallory");
  CHECK_FALSE(r.send(sim, weft::sync::presence_message{0, {u}}));
  CHECK(r.got_error(error_code::impersonation));
  CHECK(r.closed);
  // A goodbye for the victim is refused the same way.
  rogue r2(sim);
  REQUIRE(r2.hello(sim, "mallory2", {replica_id{0xbad4}}) == role::write);
  u.what = weft::presence_update::kind::goodbye;
  CHECK_FALSE(r2.send(sim, weft::sync::presence_message{0, {u}}));
  sim.run_for(1s);
  for (std::size_t i = 1; i < sim.clients(); ++i) {
    auto it = sim.client_presence(i)->states().find(victim);
    REQUIRE(it != sim.client_presence(i)->states().end());
    CHECK(it->second == real);
  }
  CHECK(sim.relay()->find_presence("doc")->states().at(victim).name == real.name);
}

TEST_CASE("adversary: oversized messages are refused before decoding",
          "[testing][simulator][adversary]") {
  simulator sim(honest_world(4));
  settle(sim);
  const auto before = sim.relay()->find("doc")->version();
  rogue r(sim);
  const replica_id me{0xbad5};
  REQUIRE(r.hello(sim, "mallory", {me}) == role::write);
  // A real delta, just too big: 100 kB of text against a 64 kB limit.
  const auto big =
      weft::sync::encode_message(weft::sync::delta_message{0, ops_by(me, std::string(100'000, 'Z'))});
  REQUIRE(big.size() > (64u << 10));
  CHECK(r.send_bytes(sim, big).code() == weft::errc::too_large);
  CHECK(r.got_error(error_code::too_large));
  CHECK(r.closed);
  CHECK(sim.relay()->find("doc")->version() == before);
  untouched(sim, me, "ZZZZZZZZ");
}

TEST_CASE("adversary: a flood is cut off by the rate limit", "[testing][simulator][adversary]") {
  simulator sim(honest_world(5));
  settle(sim);
  rogue r(sim);
  const replica_id me{0xbad6};
  REQUIRE(r.hello(sim, "mallory", {me}) == role::write);
  int accepted = 0;
  for (int i = 0; i < 1000 && !r.closed; ++i) {
    if (r.send(sim, weft::sync::ping_message{static_cast<std::uint64_t>(i)})) ++accepted;
  }
  CHECK(r.closed);
  CHECK(r.got_error(error_code::rate_limited));
  // The burst (100) passes, not much more.
  CHECK(accepted <= 100);
  // Once closed, the connection takes nothing more.
  r.relay->disconnected(r.id, sim.now());
  CHECK_FALSE(r.send(sim, weft::sync::ping_message{1}));
  untouched(sim, me, "never");
}

TEST_CASE("adversary: garbage and out-of-place messages are refused",
          "[testing][simulator][adversary]") {
  simulator sim(honest_world(6));
  settle(sim);
  const auto before = sim.relay()->find("doc")->version();
  SECTION("bytes that are no message") {
    rogue r(sim);
    CHECK_FALSE(r.send_bytes(sim, {0x57, 0x45, 0x46, 0x54, 1, 2, 3, 4}));
    CHECK(r.closed);
  }
  SECTION("a delta on a channel never opened") {
    rogue r(sim);
    REQUIRE(r.hello(sim, "mallory", {replica_id{0xbad7}}) == role::write);
    CHECK_FALSE(r.send(sim, weft::sync::delta_message{9, ops_by(replica_id{0xbad7}, "X")}));
    CHECK(r.got_error(error_code::unauthorized));
  }
  SECTION("a server's answer sent to the server") {
    rogue r(sim);
    weft::sync::hello_message h;
    h.answer = true;
    CHECK_FALSE(r.send(sim, h));
    CHECK(r.got_error(error_code::protocol));
  }
  CHECK(sim.relay()->find("doc")->version() == before);
  settle(sim);
  CHECK(sim.violations().empty());
}
