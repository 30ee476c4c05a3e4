// Copyright 2026 The weft Authors. MIT License.
//
// Sessions connected through an in-memory network this test controls: what
// is delivered, dropped, duplicated or reordered, when a connection opens or
// fails, and what time it is. Servers are plain server sessions (one per
// connection, as a relay makes them) sharing the server's documents, so
// fan-out between two clients is tested too. Hostile peers are driven by
// hand-made messages. The network is support/session_net.hpp.

#include "weft/sync/session.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/session_net.hpp"
#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/snapshot.hpp"
#include "weft/sync/message.hpp"

namespace {

using namespace std::chrono_literals;
using namespace weft;
using namespace weft::sync;
using bytes_t = std::vector<std::uint8_t>;
using weft::testing::client_options;
using weft::testing::raw_peer;
using weft::testing::server_side;
using weft::testing::world;

// one_doc is the fixture of most tests: the server and clients A and B
// each hold a document "doc"; nothing is connected yet.
struct one_doc {
  world w;
  doc& sd = w.server.add("doc");
  doc a{replica_id{0xA}, {.id = "doc"}};
  doc b{replica_id{0xB}, {.id = "doc"}};
};

void type(doc& d, const std::string& root, std::string_view s) {
  auto t = d.get_text(root);
  for (char c : s) REQUIRE(t.insert(t.size(), std::string(1, c)));
}

// decoded_log decodes what a side sent.
std::vector<message> decoded(const std::vector<bytes_t>& log) {
  std::vector<message> out;
  for (const auto& b : log) {
    auto m = decode_message(b);
    REQUIRE(m);
    out.push_back(std::move(*m));
  }
  return out;
}

std::uint64_t ops_in(const std::vector<bytes_t>& log, std::size_t from = 0) {
  std::uint64_t n = 0;
  for (std::size_t i = from; i < log.size(); ++i) {
    auto m = decode_message(log[i]);
    REQUIRE(m);
    if (auto* d = std::get_if<delta_message>(&*m)) n += d->ops.op_count();
  }
  return n;
}

presence_update full_entry(replica_id client, std::uint64_t clock, std::string name) {
  presence_update u;
  u.client = client;
  u.clock = clock;
  u.what = presence_update::kind::full;
  u.user_id = "user";
  u.name = std::move(name);
  u.color = "#000";
  u.avatar_url = "";
  u.cursor = std::optional<presence_cursor>();
  return u;
}

}  // namespace

TEST_CASE("session: handshake, version exchange, live", "[sync][session]") {
  world w;
  doc& sd = w.server.add("notes");
  type(sd, "body", "from the server");
  doc cd(replica_id{0xC1}, {.id = "notes"});
  type(cd, "body", "offline edit ");
  auto& l = w.link();
  REQUIRE(l.client->add(cd));
  CHECK(l.client->add(cd).code() == errc::invalid_argument);
  CHECK(l.client->current() == state::offline);
  l.client->start(w.now);
  CHECK(l.client->current() == state::connecting);
  w.settle();
  CHECK(l.client->current() == state::live);
  CHECK(l.srv->current() == state::live);
  CHECK(l.client->role_of("notes") == role::write);
  CHECK(l.srv->role_of("notes") == role::write);
  CHECK(l.srv->peer().replicas == std::vector<replica_id>{replica_id{0xC1}});
  CHECK(cd.to_json() == sd.to_json());
  CHECK(l.client->acknowledged("notes").get(cd.replica()) == cd.version().get(cd.replica()));
  const std::vector<state> want{state::connecting, state::handshaking, state::syncing, state::live};
  CHECK(l.states == want);
  // Nothing of the server's own ops went back up: the client sent only its own.
  CHECK(l.client->stats().ops_sent == cd.version().get(cd.replica()));
  CHECK(l.client->stats().resent == 0);
}

TEST_CASE("session: a large catch-up travels in chunks", "[sync][session]") {
  world w;
  doc& sd = w.server.add("big");
  std::mt19937 rng(3);
  auto t = sd.get_text("body");
  for (int i = 0; i < 3000; ++i) {
    const std::size_t at = t.size() == 0 ? 0 : rng() % t.size();
    REQUIRE(t.insert(at, std::string(1 + rng() % 30, static_cast<char>('a' + i % 26))));
  }
  w.server.options.chunk_bytes = 8192;
  doc cd(replica_id{0xC1}, {.id = "big"});
  auto& l = w.join(cd);
  w.settle();
  CHECK(l.client->current() == state::live);
  CHECK(cd.to_json() == sd.to_json());
  std::size_t deltas = 0;
  for (const auto& b : l.sent_down_log) {
    auto m = decode_message(b);
    REQUIRE(m);
    if (std::holds_alternative<delta_message>(*m)) {
      ++deltas;
      CHECK(b.size() <= 8192);
    }
  }
  CHECK(deltas > 5);
  CHECK(l.srv->stats().deltas_sent == deltas);
  CHECK(l.srv->acknowledged("big") == sd.version());
}

TEST_CASE("session: a server loaded from a state-only snapshot brings any peer up to date",
          "[sync][session][shallow]") {
  // The server's document was compacted to a state-only snapshot: its
  // deletes are shallow. One client holds part of that history (and edits
  // of its own), another none of it; both catch up in small chunks.
  std::mt19937 rng(5);
  doc original(replica_id{0x0A}, {.id = "big"});
  auto t = original.get_text("body");
  doc half(replica_id{0xC1}, {.id = "big"});
  for (int i = 0; i < 3000; ++i) {
    const std::size_t len = t.size();
    if (len > 10 && rng() % 3 == 0) {
      const std::size_t at = rng() % (len - 5);
      REQUIRE(t.erase(at, 1 + rng() % 5));
    } else {
      REQUIRE(t.insert(len == 0 ? 0 : rng() % len, std::string(1 + rng() % 20, 'a' + i % 26)));
    }
    if (i == 1500) REQUIRE(half.apply(original.delta_since({})));
  }
  world w;
  w.server.options.chunk_bytes = 4096;
  doc& sd = w.server.add("big");
  auto loaded = load(save(original, {snapshot_kind::state_only, {}}), replica_id{0x5E});
  REQUIRE(loaded);
  sd = std::move(*loaded);
  type(half, "body", " offline");
  doc fresh(replica_id{0xC2}, {.id = "big"});
  auto& l1 = w.join(half);
  auto& l2 = w.join(fresh);
  w.settle();
  CHECK(l1.client->current() == state::live);
  CHECK(l2.client->current() == state::live);
  CHECK(half.to_json() == sd.to_json());
  CHECK(fresh.to_json() == sd.to_json());
  CHECK(half.version() == sd.version());
  CHECK(fresh.version() == sd.version());
  std::size_t deltas = 0, with_tombstones = 0;
  for (const auto& b : l2.sent_down_log) {
    auto m = decode_message(b);
    REQUIRE(m);
    if (auto* d = std::get_if<delta_message>(&*m)) {
      ++deltas;
      with_tombstones += !d->ops.tombstones.empty();
      CHECK(b.size() <= 4096);
    }
  }
  CHECK(deltas > 5);
  CHECK(with_tombstones > 1);
  // The client halfway there got the shallow deletes it lacked.
  bool shallow_down = false;
  for (const auto& b : l1.sent_down_log) {
    auto m = decode_message(b);
    REQUIRE(m);
    const auto* d = std::get_if<delta_message>(&*m);
    if (d == nullptr) continue;
    for (const doc_op& op : d->ops.ops) {
      shallow_down = shallow_down || std::holds_alternative<shallow_delete_run>(op.op);
    }
  }
  CHECK(shallow_down);
  for (doc* d : {&half, &fresh, &sd}) REQUIRE(weft::internal::check(*d, true));
}

TEST_CASE_METHOD(one_doc, "session: live typing is debounced, acknowledged and fanned out",
                 "[sync][session]") {
  auto& la = w.join(a, client_options(1));
  auto& lb = w.join(b, client_options(2));
  w.settle();
  REQUIRE(la.client->current() == state::live);
  REQUIRE(lb.client->current() == state::live);

  const auto deltas_before = la.client->stats().deltas_sent;
  // Five keystrokes inside one debounce window go out as one delta.
  type(a, "body", "hello");
  w.settle();
  CHECK(la.client->stats().deltas_sent == deltas_before);  // not yet: debounce
  w.run(50ms);
  CHECK(la.client->stats().deltas_sent == deltas_before + 1);
  CHECK(b.to_json() == a.to_json());
  CHECK(w.server.docs["doc"]->to_json() == a.to_json());
  CHECK(la.client->acknowledged("doc").get(a.replica()) == 5);
  // B got A's ops from the server; A got none of its own back.
  CHECK(lb.client->stats().ops_applied == 5);
  CHECK(la.client->stats().ops_applied == 0);

  // Keystroke by keystroke, both typing.
  for (int i = 0; i < 20; ++i) {
    type(a, "body", "a");
    type(b, "body", "b");
    w.run(30ms);
  }
  w.run(100ms);
  CHECK(a.to_json() == b.to_json());
  CHECK(la.client->acknowledged("doc").get(a.replica()) == a.version().get(a.replica()));
  CHECK(lb.client->acknowledged("doc").get(b.replica()) == b.version().get(b.replica()));
  CHECK(la.client->current() == state::live);
  CHECK(la.client->stats().resent == 0);
}

TEST_CASE_METHOD(one_doc, "session: a reconnect resends exactly what was not acknowledged",
                 "[sync][session]") {
  auto& l = w.join(a);
  w.settle();
  type(a, "body", "12345");
  w.run(50ms);
  REQUIRE(l.client->acknowledged("doc").get(a.replica()) == 5);

  // Three keystrokes reach the server, but every ack is lost.
  l.drop_down = true;
  type(a, "body", "678");
  w.run(50ms);
  CHECK(sd.version().get(a.replica()) == 8);
  CHECK(l.client->acknowledged("doc").get(a.replica()) == 5);

  // The connection drops; seven more keystrokes offline.
  l.network = false;
  l.drop_down = false;
  l.drop_asked = true;
  l.step(w.now);
  CHECK(l.client->current() == state::offline);
  type(a, "body", "abcdefg");
  w.run(200ms);
  const std::size_t sent_before = l.sent_up_log.size();
  l.network = true;
  w.run(60'000ms);
  for (const auto& e : l.client_errors) UNSCOPED_INFO("client error: " << e.message);
  for (const auto& e : l.server_errors) UNSCOPED_INFO("server error: " << e.message);
  for (state st : l.states) UNSCOPED_INFO("state " << state_name(st));
  UNSCOPED_INFO("connects " << l.connects << " failed " << l.failed_connects);
  REQUIRE(l.client->current() == state::live);
  // Exactly the seven the server lacked: the three unacknowledged ones it
  // already held are not sent again.
  CHECK(ops_in(l.sent_up_log, sent_before) == 7);
  CHECK(sd.to_json() == a.to_json());
  CHECK(l.client->acknowledged("doc").get(a.replica()) == 15);
}

TEST_CASE_METHOD(one_doc, "session: unacknowledged deltas are resent after `resend`",
                 "[sync][session]") {
  auto& l = w.join(a);
  w.settle();
  // The next message up is lost.
  bool lose = true;
  l.tamper = [&] {
    const int n = lose ? 0 : 1;
    lose = false;
    return n;
  };
  type(a, "body", "xyz");
  w.run(100ms);
  CHECK(sd.version().get(a.replica()) == 0);
  w.run(2'500ms);
  CHECK(sd.to_json() == a.to_json());
  CHECK(l.client->stats().resent == 3);
  CHECK(l.client->acknowledged("doc").get(a.replica()) == 3);
}

TEST_CASE("session: converges through drops, duplicates and reordering", "[sync][session]") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    world w;
    doc& sd = w.server.add("doc");
    type(sd, "body", "seeded text ");
    doc a(replica_id{0xA}, {.id = "doc"});
    doc b(replica_id{0xB}, {.id = "doc"});
    // Connecting only asks for a connection: the tampering set next
    // applies from the first message on.
    auto& la = w.join(a, client_options(seed));
    auto& lb = w.join(b, client_options(seed + 100));
    std::mt19937 rng(seed);
    for (auto* l : {&la, &lb}) {
      l->tamper = [&rng] {
        const auto r = rng() % 10;
        return r == 0 ? 0 : r == 1 ? 2 : 1;
      };
      l->reorder = [&rng] { return rng() % 5 == 0; };
    }
    for (int i = 0; i < 60; ++i) {
      auto ta = a.get_text("body");
      auto tb = b.get_text("body");
      REQUIRE(ta.insert(rng() % (ta.size() + 1), "a"));
      REQUIRE(tb.insert(rng() % (tb.size() + 1), "b"));
      if (i % 7 == 0 && ta.size() > 3) REQUIRE(ta.erase(1, 2));
      w.run(20ms);
      // What a client counts as acknowledged, the server holds.
      CHECK(sd.version().includes(la.client->acknowledged("doc")));
      CHECK(sd.version().includes(lb.client->acknowledged("doc")));
    }
    // Heal: no more tampering.
    la.tamper = lb.tamper = nullptr;
    la.reorder = lb.reorder = nullptr;
    w.run(10'000ms);
    CHECK(a.to_json() == sd.to_json());
    CHECK(b.to_json() == sd.to_json());
    CHECK(la.client->acknowledged("doc").get(a.replica()) == a.version().get(a.replica()));
    CHECK(la.client->current() == state::live);
    CHECK(lb.client->current() == state::live);
    REQUIRE(weft::internal::check(sd, true));
  }
}

TEST_CASE_METHOD(one_doc, "session: silence means offline, then a backoff reconnect",
                 "[sync][session]") {
  session_options o = client_options();
  o.heartbeat = 1'000ms;
  o.missed_heartbeats = 3;
  o.backoff.base = 200ms;
  o.backoff.cap = 5'000ms;
  auto& l = w.join(a, o);
  w.settle();
  REQUIRE(l.client->current() == state::live);
  // A quiet but healthy link: pings and pongs keep it up.
  w.run(5'000ms);
  CHECK(l.client->current() == state::live);
  CHECK(l.connects == 1);

  l.blackhole = true;
  w.run(2'900ms);
  CHECK(l.client->current() == state::live);
  w.run(200ms);
  // Offline, and (backoff base 200 ms) already trying again.
  CHECK(std::count(l.states.begin(), l.states.end(), state::offline) == 1);
  CHECK(l.client->current() != state::live);
  type(a, "body", "written offline");
  l.blackhole = false;
  // The hello that went into the black hole is sent again after `resend`
  // (or the attempt times out and the next one gets through).
  w.run(10'000ms);
  CHECK(l.connects >= 2);
  CHECK(l.client->current() == state::live);
  CHECK(sd.to_json() == a.to_json());
}

TEST_CASE("session: clock readings at the ends of the 64-bit range", "[sync][session]") {
  // The application's clock is its own: silence from its earliest to its
  // latest reading does not fit in 64 bits, and is long past the heartbeat;
  // the reconnect after it is as late as the clock goes.
  constexpr time_point first = time_point::min();
  constexpr time_point last = time_point::max();
  std::vector<state> states;
  int connects = 0;
  callbacks cb;
  cb.send = [](std::span<const std::uint8_t>) {};
  cb.connect = [&] { ++connects; };
  cb.close = [] {};
  cb.state_changed = [&](state s) { states.push_back(s); };
  session_options o = client_options();
  session s(o, cb);
  doc d(replica_id{0xA}, {.id = "doc"});
  REQUIRE(s.add(d));
  s.start(first);
  REQUIRE(connects == 1);
  s.connected(first);
  s.tick(first);
  CHECK(s.current() == state::handshaking);
  s.tick(last);
  CHECK(std::count(states.begin(), states.end(), state::offline) == 1);
  s.tick(last);  // the reconnect, due at the latest time point
  CHECK(connects == 2);
}

TEST_CASE_METHOD(one_doc, "session: the breaker opens after failed connects, probes, and recovers",
                 "[sync][session]") {
  session_options o = client_options();
  o.breaker_threshold = 3;
  o.backoff.base = 100ms;
  o.backoff.cap = 2'000ms;
  auto& l = w.join(a, o);
  l.network = false;  // before the first connect is handled
  w.run(2'000ms);
  CHECK(l.failed_connects >= 3);
  CHECK(l.client->current() == state::degraded);
  // Degraded: one probe per cap interval.
  const int failed = l.failed_connects;
  w.run(10'000ms);
  CHECK(l.failed_connects - failed >= 4);
  CHECK(l.failed_connects - failed <= 6);
  // Editing goes on meanwhile.
  type(a, "body", "still editing");
  l.network = true;
  w.run(2'100ms);
  CHECK(l.client->current() == state::live);
  CHECK(sd.to_json() == a.to_json());
  // A later failure starts from scratch (the breaker closed).
  l.network = false;
  l.drop_asked = true;
  w.run(300ms);
  CHECK(l.client->current() == state::offline);
}

TEST_CASE("session: a reader's edits stay local; a document refused is reported", "[sync][session]") {
  world w;
  doc& sd = w.server.add("ro");
  type(sd, "body", "read me");
  w.server.add("secret");
  w.server.roles["ro"] = role::read;
  w.server.roles["secret"] = role::none;
  doc a(replica_id{0xA}, {.id = "ro"});
  doc s(replica_id{0xA}, {.id = "secret"});
  doc missing(replica_id{0xA}, {.id = "missing"});
  auto& l = w.link();
  REQUIRE(l.client->add(a));
  REQUIRE(l.client->add(s));
  REQUIRE(l.client->add(missing));
  l.client->start(w.now);
  w.settle();
  CHECK(l.client->role_of("ro") == role::read);
  CHECK(l.client->role_of("secret") == role::none);
  CHECK(l.client->role_of("missing") == role::none);
  CHECK(l.client->current() == state::live);
  CHECK(a.to_json() == sd.to_json());
  REQUIRE(l.client_errors.size() == 2);  // one per refused document
  type(a, "body", "!");
  w.run(3'000ms);
  CHECK(sd.get_text("body").to_string() == "read me");
  CHECK(l.client->current() == state::live);
}


TEST_CASE("session: hostile peers are refused, and nothing of theirs applied", "[sync][session]") {
  server_side server;
  doc& sd = server.add("doc");
  type(sd, "body", "original");
  const std::string json = sd.to_json();
  const version_vector version = sd.version();

  doc mallory(replica_id{0x666}, {.id = "doc"});
  type(mallory, "body", "evil");
  doc victim(replica_id{0xB0B}, {.id = "doc"});
  type(victim, "body", "forged");

  SECTION("a read-only peer's delta") {
    server.roles["doc"] = role::read;
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    CHECK(p.srv->role_of("doc") == role::read);
    auto r = p.send(delta_message{0, mallory.delta_since({})});
    CHECK_FALSE(r);
    REQUIRE(p.last_error());
    CHECK(p.last_error()->code == error_code::read_only);
    CHECK(p.last_error()->channel == 0u);
    CHECK(p.closed);
    CHECK(p.srv->current() == state::closed);
  }
  SECTION("ops under a replica not bound to the peer") {
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    doc_delta both = mallory.delta_since({});
    // One op of its own and one of the victim's: refused whole.
    const doc_delta forged = victim.delta_since({});
    REQUIRE(sd.apply(doc_delta{}));
    auto r = p.send(delta_message{0, forged});
    CHECK_FALSE(r);
    CHECK(p.last_error()->code == error_code::impersonation);
    CHECK(p.closed);
  }
  SECTION("a presence update for another client") {
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    const presence_update u = full_entry(victim.replica(), 1, "not me");
    const presence_update mine = full_entry(mallory.replica(), 1, "me");
    auto r = p.send(presence_message{0, {mine, u}});
    CHECK_FALSE(r);
    CHECK(p.last_error()->code == error_code::impersonation);
    CHECK(server.presences["doc"]->states().empty());  // not even its own entry
  }
  SECTION("a presence message whose second update is malformed") {
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    const presence_update mine = full_entry(mallory.replica(), 1, "me");
    presence_update bad = full_entry(mallory.replica(), 2, "me again");
    bad.clock = 0;  // clocks start at 1
    // Closing says goodbye for the peer's entries, so an empty presence
    // afterwards proves nothing: the first update must not even join.
    int events = 0;
    const auto watch = server.presences["doc"]->observe([&](const presence_event&) { ++events; });
    auto r = p.send(presence_message{0, {mine, bad}});
    CHECK_FALSE(r);
    REQUIRE(p.last_error());
    CHECK(p.last_error()->code == error_code::malformed);
    CHECK(p.closed);
    CHECK(events == 0);  // the first is not applied either
    CHECK(server.presences["doc"]->states().empty());
  }
  SECTION("a presence update over the server's client limit is dropped, not a violation") {
    // The limit is the server's state, not the peer's fault: the update is
    // dropped as a client would drop it, and the connection stays.
    weft::presence_options full;
    full.max_clients = 0;
    server.presences["doc"] = std::make_unique<weft::presence>(replica_id{0x5E}, full);
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    REQUIRE(p.send(presence_message{0, {full_entry(mallory.replica(), 1, "me")}}));
    CHECK_FALSE(p.closed);
    CHECK_FALSE(p.last_error());
    CHECK(server.presences["doc"]->states().empty());
    CHECK(p.send(ping_message{1}));
  }
  SECTION("an oversized message") {
    session_options o = server.options;
    o.max_message_bytes = 512;
    raw_peer p(server, o);
    p.join({mallory.replica()}, "doc");
    doc big(mallory.replica(), {.id = "doc"});
    REQUIRE(big.get_text("body").insert(0, std::string(2000, 'x')));
    auto r = p.send(delta_message{0, big.delta_since({})});
    CHECK(r.code() == errc::too_large);
    CHECK(p.last_error()->code == error_code::too_large);
    CHECK(p.closed);
  }
  SECTION("a flood") {
    session_options o = server.options;
    o.message_rate = {10, 20};
    raw_peer p(server, o);
    p.join({mallory.replica()}, "doc");
    int refused = 0;
    for (int i = 0; i < 40 && !p.closed; ++i) refused += p.send(ping_message{1}) ? 0 : 1;
    CHECK(refused == 1);
    CHECK(p.last_error()->code == error_code::rate_limited);
    CHECK(p.closed);
    CHECK_FALSE(p.send(ping_message{2}));  // closed for good
  }
  SECTION("garbage, and a delta before any hello") {
    raw_peer p(server);
    auto r = p.srv->receive(bytes_t{1, 2, 3, 4, 5, 6, 7, 8, 9}, p.now);
    CHECK(r.code() == errc::malformed);
    CHECK(p.last_error()->code == error_code::malformed);
    raw_peer q(server);
    CHECK_FALSE(q.send(delta_message{0, mallory.delta_since({})}));
    CHECK(q.last_error()->code == error_code::unauthorized);
  }
  SECTION("a writer's own ops are taken") {
    raw_peer p(server);
    p.join({mallory.replica()}, "doc");
    REQUIRE(p.send(delta_message{0, mallory.delta_since({})}));
    CHECK(sd.version().get(mallory.replica()) == 4);
    return;
  }
  CHECK(sd.to_json() == json);
  CHECK(sd.version() == version);
}

TEST_CASE("session: presence and small documents go before a big catch-up", "[sync][session]") {
  world w;
  doc& big = w.server.add("big");
  auto t = big.get_text("body");
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    REQUIRE(t.insert(t.size() == 0 ? 0 : rng() % t.size(), std::string(1 + rng() % 20, 'q')));
  }
  w.server.add("small");
  w.server.options.chunk_bytes = 4096;
  // Flow control keeps most of the catch-up queued: one chunk in flight.
  w.server.options.max_unacked_ops = 1;
  doc cbig(replica_id{0xC}, {.id = "big"});
  doc csmall(replica_id{0xC}, {.id = "small"});
  presence cp(replica_id{0xC});
  auto& l = w.link();
  REQUIRE(l.client->add(cbig));
  REQUIRE(l.client->add(csmall, &cp));
  l.client->start(w.now);
  // Handshake and the first chunk; from then on the client's acks are lost,
  // so the rest of the catch-up waits in the server's queue.
  l.on_down = [&l](const bytes_t& b) {
    auto m = decode_message(b);
    if (m && std::holds_alternative<delta_message>(*m)) l.drop_up = true;
  };
  w.run(world::kStep);
  l.on_down = nullptr;
  w.run(50ms);
  for (const auto& e : l.server_errors) UNSCOPED_INFO("server error: " << e.message);
  for (const auto& e : l.client_errors) UNSCOPED_INFO("client error: " << e.message);
  REQUIRE(l.srv->current() == state::syncing);
  // The server gets a presence update and a small-doc edit from another
  // client (applied directly here), while the big catch-up waits on acks.
  const presence_update other = full_entry(replica_id{0xD}, 1, "Dee");
  REQUIRE(w.server.presences["small"]->apply(other, w.now));
  doc d(replica_id{0xD}, {.id = "small"});
  type(d, "body", "hi");
  REQUIRE(w.server.docs["small"]->apply(d.delta_since({})));
  const std::size_t mark = l.sent_down_log.size();
  w.run(100ms);
  l.drop_up = false;
  w.run(3'000ms);  // the unacknowledged chunk is resent, and the rest follow
  const auto sent = decoded(l.sent_down_log);
  // After the mark: the presence update first, then the small doc's delta,
  // and only then chunks of the big document.
  std::vector<int> order;  // 0 presence, 1 small delta, 2 big chunk
  const std::uint32_t small_channel = 1;
  for (std::size_t i = mark; i < sent.size(); ++i) {
    if (std::holds_alternative<presence_message>(sent[i])) order.push_back(0);
    if (auto* dm = std::get_if<delta_message>(&sent[i])) {
      order.push_back(dm->channel == small_channel ? 1 : 2);
    }
  }
  REQUIRE(order.size() >= 3);
  CHECK(order[0] == 0);
  CHECK(order[1] == 1);
  CHECK(std::count(order.begin(), order.end(), 2) > 5);
  CHECK(cbig.to_json() == big.to_json());
  CHECK(csmall.to_json() == w.server.docs["small"]->to_json());
  CHECK(cp.states().count(replica_id{0xD}) == 1);
}

TEST_CASE_METHOD(one_doc, "session: presence goes through the server to the other clients",
                 "[sync][session]") {
  presence pa(a.replica());
  presence pb(b.replica());
  auto& la = w.join(a, client_options(1), &pa);
  w.join(b, client_options(2), &pb);
  w.settle();
  type(a, "body", "hello");
  w.run(50ms);
  presence_state s;
  s.name = "Ada";
  s.color = "#f00";
  auto anchor_pos = a.get_text("body").anchor_at(2, affinity::left);
  REQUIRE(anchor_pos);
  s.cursor = presence_cursor{"body", *anchor_pos, *anchor_pos};
  pa.set_local(s, w.now);
  w.run(50ms);
  REQUIRE(pb.states().count(a.replica()) == 1);
  CHECK(pb.states().at(a.replica()) == s);
  // A change travels as a patch and lands.
  s.custom["typing"] = "yes";
  pa.set_local(s, w.now);
  w.run(50ms);
  CHECK(pb.states().at(a.replica()) == s);
  CHECK(pa.states().count(b.replica()) == 0);
  // A goes away: its entry leaves B at once.
  la.client->close(w.now);
  w.run(50ms);
  CHECK(la.client->current() == state::closed);
  CHECK(pb.states().count(a.replica()) == 0);
}

TEST_CASE("session: documents added while live; a new replica id reconnects", "[sync][session]") {
  world w;
  doc& s1 = w.server.add("one");
  doc& s2 = w.server.add("two");
  doc& s3 = w.server.add("three");
  doc a(replica_id{0xA}, {.id = "one"});
  doc b(replica_id{0xA}, {.id = "two"});
  doc c(replica_id{0xC}, {.id = "three"});
  auto& l = w.join(a);
  w.settle();
  REQUIRE(l.client->current() == state::live);
  // Same replica id: a second hello on the same connection.
  type(b, "body", "two");
  REQUIRE(l.client->add(b));
  w.run(100ms);
  CHECK(l.connects == 1);
  CHECK(s2.to_json() == b.to_json());
  // Another replica id: the connection is made again, announcing it.
  type(c, "body", "three");
  REQUIRE(l.client->add(c));
  w.run(100ms);
  CHECK(l.connects == 2);
  CHECK(l.client->current() == state::live);
  CHECK(s3.to_json() == c.to_json());
  CHECK(l.srv->peer().replicas.size() == 2);
  // Removing a document ends its channel on the server too.
  l.client->remove("one");
  type(a, "body", "not sent");
  w.run(100ms);
  CHECK(s1.to_json() == "{}");
  CHECK(l.srv->role_of("one") == role::none);
}

TEST_CASE("session: a later hello may not change the peer's replicas", "[sync][session]") {
  server_side server;
  server.add("doc");
  server.add("other");
  raw_peer p(server);
  p.join({replica_id{1}}, "doc");
  hello_message h;
  h.replicas = {replica_id{1}, replica_id{2}};
  h.docs = {{1, "other", role::none}};
  CHECK_FALSE(p.send(h));
  CHECK(p.last_error()->code == error_code::protocol);
  CHECK(p.closed);
}
