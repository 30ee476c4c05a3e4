// Copyright 2026 The weft Authors. MIT License.
//
// Tests of weft::sync::relay against real client sessions over a lossless
// in-memory transport that this file drives by hand: fan-out, catch-up from
// the relay alone, authorization, replica-id binding, persistence across a
// relay restart, hosting an existing document, and the relay's limits.

#include "weft/sync/relay.hpp"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/sync/persistence.hpp"
#include "weft/sync/session.hpp"
#include "weft/sync/storage.hpp"

using namespace std::chrono_literals;
using weft::doc;
using weft::replica_id;
using weft::sync::connection_id;
using weft::sync::relay;
using weft::sync::relay_options;
using weft::sync::role;
using weft::sync::time_point;

namespace {

using bytes = std::vector<std::uint8_t>;

// net connects client sessions to one relay: messages are queued and
// delivered in order by pump(); connects are answered at once.
class net {
 public:
  struct peer {
    std::unique_ptr<doc> d;
    std::unique_ptr<weft::presence> p;
    std::unique_ptr<weft::sync::session> s;
    std::deque<bytes> up, down;
    connection_id conn = 0;
    bool open = false;
    bool wants_connect = false;
    int refused_by_relay = 0;
  };

  explicit net(relay& r) : r_(&r) {}

  peer& join(replica_id id, std::string credentials, std::vector<std::string> doc_ids = {"doc"},
             std::vector<replica_id> extra_replicas = {}) {
    auto p = std::make_unique<peer>();
    peer* raw = p.get();
    p->d = std::make_unique<doc>(id, weft::doc_options{doc_ids.front()});
    p->p = std::make_unique<weft::presence>(id);
    weft::sync::session_options o;
    o.credentials = std::move(credentials);
    o.replicas = std::move(extra_replicas);
    o.replicas.push_back(id);
    o.debounce = 0ms;
    o.backoff.seed = static_cast<std::uint64_t>(id);
    weft::sync::callbacks cb;
    cb.send = [raw](std::span<const std::uint8_t> b) {
      if (raw->open) raw->up.emplace_back(b.begin(), b.end());
    };
    cb.connect = [raw] { raw->wants_connect = true; };
    cb.close = [this, raw] { drop(*raw); };
    p->s = std::make_unique<weft::sync::session>(o, cb);
    REQUIRE(p->s->add(*p->d, p->p.get()));
    p->s->start(now);
    peers_.push_back(std::move(p));
    return *raw;
  }

  void drop(peer& p) {
    if (!p.open) return;
    p.open = false;
    p.up.clear();
    p.down.clear();
    r_->disconnected(p.conn, now);
  }

  // leave closes a peer's transport from the client side.
  void leave(peer& p) {
    drop(p);
    p.s->disconnected(now);
  }

  void set_relay(relay& r) {
    r_ = &r;
    for (auto& p : peers_) {
      p->open = false;
      p->up.clear();
      p->down.clear();
      p->s->disconnected(now);
    }
  }

  // run advances time by `d` in steps of 10 ms, delivering everything.
  void run(std::chrono::milliseconds d) {
    const time_point end = now + d;
    while (now < end) {
      pump();
      now += 10ms;
      for (auto& p : peers_) p->s->tick(now);
      r_->tick(now);
    }
    pump();
  }

 private:
  void pump() {
    for (bool any = true; any;) {
      any = false;
      for (auto& up : peers_) {
        peer& p = *up;
        if (p.wants_connect) {
          p.wants_connect = false;
          weft::sync::callbacks cb;
          peer* raw = &p;
          cb.send = [raw](std::span<const std::uint8_t> b) {
            if (raw->open) raw->down.emplace_back(b.begin(), b.end());
          };
          cb.close = [this, raw] {
            if (!raw->open) return;
            raw->open = false;
            r_->disconnected(raw->conn, now);
            raw->s->disconnected(now);
          };
          p.open = true;
          p.conn = r_->accept(cb, now);
          p.s->connected(now);
          any = true;
        }
        while (p.open && !p.up.empty()) {
          bytes b = std::move(p.up.front());
          p.up.pop_front();
          if (!r_->receive(p.conn, b, now)) ++p.refused_by_relay;
          any = true;
        }
        while (p.open && !p.down.empty()) {
          bytes b = std::move(p.down.front());
          p.down.pop_front();
          (void)p.s->receive(b, now);
          any = true;
        }
      }
    }
  }

 public:
  time_point now{0};

 private:
  relay* r_;
  std::vector<std::unique_ptr<peer>> peers_;
};

relay_options options(std::uint64_t replica = 0x5e) {
  relay_options o;
  o.replica = replica_id{replica};
  o.session.debounce = 0ms;
  std::uint64_t next = 0x1000;
  o.fresh_replica = [next]() mutable { return replica_id{++next}; };
  return o;
}

std::string text_of(doc& d) { return d.get_text("text").to_string(); }

}  // namespace

TEST_CASE("relay: what one peer writes reaches every other peer of the doc", "[sync][relay]") {
  relay r(options());
  net n(r);
  auto& a = n.join(replica_id{1}, "alice");
  auto& b = n.join(replica_id{2}, "bob");
  auto& c = n.join(replica_id{3}, "carol");
  n.run(100ms);
  REQUIRE(a.s->current() == weft::sync::state::live);
  REQUIRE(r.connections().size() == 3);

  REQUIRE(a.d->get_text("text").insert(0, "hello"));
  n.run(100ms);
  CHECK(text_of(*b.d) == "hello");
  CHECK(text_of(*c.d) == "hello");
  CHECK(text_of(*r.find("doc")) == "hello");

  // Concurrent edits from two peers: everyone ends with the same state.
  REQUIRE(b.d->get_text("text").insert(5, " world"));
  REQUIRE(c.d->get_map("m").set("k", 1));
  n.run(100ms);
  for (auto* p : {&a, &b, &c}) {
    CHECK(p->d->to_json() == r.find("doc")->to_json());
    CHECK(p->d->version() == r.find("doc")->version());
  }
  // Every peer's own ops are acknowledged by the relay.
  CHECK(a.s->acknowledged("doc").get(replica_id{1}) == 5);
  CHECK(b.s->acknowledged("doc").get(replica_id{2}) == 6);
  CHECK(r.stats().refused == 0);
}

TEST_CASE("relay: a late peer catches up from the relay alone", "[sync][relay]") {
  relay r(options());
  net n(r);
  auto& a = n.join(replica_id{1}, "alice");
  n.run(50ms);
  std::string typed;
  for (int i = 0; i < 200; ++i) {
    REQUIRE(a.d->get_text("text").insert(a.d->get_text("text").size(), "x"));
    typed += "x";
    if (i % 20 == 0) n.run(20ms);
  }
  n.run(100ms);
  n.leave(a);
  n.run(50ms);
  REQUIRE(r.connections().empty());

  auto& late = n.join(replica_id{9}, "zed");
  n.run(200ms);
  CHECK(text_of(*late.d) == typed);
  CHECK(late.d->version() == r.find("doc")->version());
  CHECK(late.s->current() == weft::sync::state::live);
}

TEST_CASE("relay: the authorization hook decides each user's role per doc", "[sync][relay]") {
  relay_options o = options();
  o.authorize = [](std::string_view user, std::string_view doc_id) {
    if (doc_id == "secret") return user == "admin" ? role::admin : role::none;
    if (user == "reader") return role::read;
    if (user == "nobody") return role::none;
    return role::write;
  };
  relay r(o);
  net n(r);
  auto& w = n.join(replica_id{1}, "writer");
  auto& rd = n.join(replica_id{2}, "reader");
  auto& nb = n.join(replica_id{3}, "nobody");
  auto& snoop = n.join(replica_id{4}, "writer", {"secret"});
  n.run(100ms);
  CHECK(w.s->role_of("doc") == role::write);
  CHECK(rd.s->role_of("doc") == role::read);
  CHECK(nb.s->role_of("doc") == role::none);
  CHECK(snoop.s->role_of("secret") == role::none);
  // A refused join creates nothing.
  CHECK(r.find("secret") == nullptr);
  CHECK(r.stats().denied >= 2);

  REQUIRE(w.d->get_text("text").insert(0, "public"));
  REQUIRE(rd.d->get_text("text").insert(0, "ignored "));
  n.run(100ms);
  // The reader sees the writer's text; its own edit stays local.
  CHECK(text_of(*r.find("doc")) == "public");
  CHECK(text_of(*w.d) == "public");
  // (Concurrent inserts at 0: their order is the CRDT's; both are there.)
  CHECK(text_of(*rd.d).size() == std::string("ignored public").size());
  CHECK(text_of(*rd.d).find("ignored ") != std::string::npos);
  CHECK(text_of(*nb.d).empty());
  // A read-only peer's ids are not bound: it authored nothing here.
  CHECK_FALSE(r.user_of(replica_id{2}).has_value());
  CHECK(r.user_of(replica_id{1}) == "writer");
}

TEST_CASE("relay: a replica id bound to one user cannot be claimed by another", "[sync][relay]") {
  relay r(options());
  net n(r);
  auto& alice = n.join(replica_id{7}, "alice");
  n.run(50ms);
  REQUIRE(alice.d->get_text("text").insert(0, "mine"));
  n.run(50ms);
  REQUIRE(r.user_of(replica_id{7}) == "alice");
  n.leave(alice);
  n.run(20ms);

  // Mallory announces alice's id (and her own): no role at all, on any doc.
  auto& mallory = n.join(replica_id{8}, "mallory", {"doc"}, {replica_id{7}});
  n.run(100ms);
  CHECK(mallory.s->role_of("doc") == role::none);
  CHECK_FALSE(r.user_of(replica_id{8}).has_value());
  // The relay's own replica id cannot be claimed either.
  auto& fake = n.join(replica_id{0x5e}, "eve");
  n.run(50ms);
  CHECK(fake.s->role_of("doc") == role::none);
  CHECK(text_of(*r.find("doc")) == "mine");

  // Alice herself may come back with the same id on a new connection.
  auto& again = n.join(replica_id{7}, "alice", {"doc"});
  n.run(100ms);
  CHECK(again.s->role_of("doc") == role::write);
  CHECK(text_of(*again.d) == "mine");
}

TEST_CASE("relay: documents and bindings survive a relay restart on its storage", "[sync][relay]") {
  weft::sync::memory_storage store;
  weft::version_vector before;
  std::string json;
  {
    relay r(options(), &store);
    REQUIRE(r.open());
    net n(r);
    auto& a = n.join(replica_id{1}, "alice");
    auto& b = n.join(replica_id{2}, "bob", {"other"});
    n.run(50ms);
    REQUIRE(a.d->get_text("text").insert(0, "persisted"));
    REQUIRE(b.d->get_counter("c").add(3));
    n.run(100ms);
    REQUIRE(a.s->acknowledged("doc").get(replica_id{1}) == 9);
    before = r.find("doc")->version();
    json = r.find("doc")->to_json();
  }
  (void)store.restart();

  relay r2(options(0x77), &store);
  REQUIRE(r2.open());
  REQUIRE(r2.find("doc") != nullptr);
  REQUIRE(r2.find("other") != nullptr);
  CHECK(r2.find("doc")->version() == before);
  CHECK(r2.find("doc")->to_json() == json);
  CHECK(r2.find("other")->get_counter("c").value() == 3);
  CHECK(r2.stats().docs_restored == 2);
  // The restored docs edit under a fresh id, not the old relay's.
  CHECK(r2.find("doc")->replica() != replica_id{0x5e});
  CHECK(r2.user_of(replica_id{1}) == "alice");

  net n(r2);
  auto& thief = n.join(replica_id{3}, "mallory", {"doc"}, {replica_id{1}});
  auto& late = n.join(replica_id{4}, "dave");
  n.run(200ms);
  CHECK(thief.s->role_of("doc") == role::none);
  CHECK(text_of(*late.d) == "persisted");
  REQUIRE(late.d->get_text("text").insert(0, ">"));
  n.run(100ms);
  CHECK(text_of(*r2.find("doc")) == ">persisted");
}

TEST_CASE("relay: with a storage, nothing is granted before open", "[sync][relay]") {
  weft::sync::memory_storage store;
  relay r(options(), &store);
  net n(r);
  auto& a = n.join(replica_id{1}, "alice");
  n.run(50ms);
  CHECK(a.s->role_of("doc") == role::none);
  CHECK(r.doc_ids().empty());
  REQUIRE(r.open());
  auto& b = n.join(replica_id{2}, "bob");
  n.run(50ms);
  CHECK(b.s->role_of("doc") == role::write);
}

TEST_CASE("relay: a storage that refuses writes denies the join", "[sync][relay]") {
  weft::sync::memory_storage store;
  relay r(options(), &store);
  REQUIRE(r.open());
  store.fail_writes_after(0);
  net n(r);
  auto& a = n.join(replica_id{1}, "alice");
  n.run(50ms);
  CHECK(a.s->role_of("doc") == role::none);
  CHECK(r.find("doc") == nullptr);
  CHECK(r.stats().storage_failures >= 1);
}

TEST_CASE("relay: what its storage could not take is not acknowledged, then is", "[sync][relay]") {
  weft::sync::memory_storage store;
  relay r(options(), &store);
  REQUIRE(r.open());
  net n(r);
  auto& a = n.join(replica_id{1}, "alice");
  n.run(50ms);
  REQUIRE(a.s->role_of("doc") == role::write);
  REQUIRE(a.d->get_text("text").insert(0, "safe"));
  n.run(100ms);
  REQUIRE(a.s->acknowledged("doc").get(replica_id{1}) == 4);

  // The relay applies the next edit but cannot store it: the ack must not
  // claim it, so alice keeps it as unacknowledged.
  store.fail_writes_after(0);
  REQUIRE(a.d->get_text("text").insert(4, "!!"));
  n.run(100ms);
  CHECK(r.find("doc")->version().get(replica_id{1}) == 6);
  CHECK(a.s->acknowledged("doc").get(replica_id{1}) == 4);

  // Once the storage works again, a resend gets the ops written and acked.
  store.fail_writes_after(std::nullopt);
  n.run(5'000ms);
  CHECK(a.s->acknowledged("doc").get(replica_id{1}) == 6);
  (void)store.restart();
  auto back = weft::sync::restore(store, "doc", replica_id{0x99});
  REQUIRE(back);
  CHECK(back->version().get(replica_id{1}) == 6);
}

TEST_CASE("relay: host serves an existing document", "[sync][relay]") {
  doc mine(replica_id{50}, {"shared"});
  weft::presence pres(replica_id{50});
  REQUIRE(mine.get_text("text").insert(0, "from the host"));
  relay r(options());
  REQUIRE(r.host(mine, &pres));
  CHECK(r.host(mine, &pres).code() == weft::errc::invalid_argument);
  net n(r);
  auto& a = n.join(replica_id{1}, "alice", {"shared"});
  n.run(100ms);
  CHECK(text_of(*a.d) == "from the host");
  REQUIRE(a.d->get_text("text").insert(0, "> "));
  n.run(100ms);
  CHECK(text_of(mine) == "> from the host");
  // The host's own id is the relay's: nobody may claim it.
  auto& fake = n.join(replica_id{50}, "eve", {"shared"});
  n.run(50ms);
  CHECK(fake.s->role_of("shared") == role::none);
}

TEST_CASE("relay: doc ids and doc counts are bounded", "[sync][relay]") {
  relay_options o = options();
  o.max_docs = 2;
  relay r(o);
  net n(r);
  auto& a = n.join(replica_id{1}, "alice", {std::string(200, 'x')});
  auto& b = n.join(replica_id{2}, "bob", {"one"});
  auto& c = n.join(replica_id{3}, "carol", {"two"});
  n.run(50ms);
  auto& d = n.join(replica_id{4}, "dave", {"three"});
  n.run(50ms);
  CHECK(a.s->role_of(std::string(200, 'x')) == role::none);
  CHECK(b.s->role_of("one") == role::write);
  CHECK(c.s->role_of("two") == role::write);
  CHECK(d.s->role_of("three") == role::none);
  CHECK(r.doc_ids() == std::vector<std::string>{"one", "two"});
}

TEST_CASE("relay: receive on an unknown connection is refused", "[sync][relay]") {
  relay r(options());
  const bytes junk{1, 2, 3};
  CHECK(r.receive(42, junk, 0ms).code() == weft::errc::invalid_argument);
  // Garbage on a real connection is refused and closes it.
  bool closed = false;
  weft::sync::callbacks cb;
  cb.close = [&] { closed = true; };
  const connection_id id = r.accept(cb, 0ms);
  CHECK_FALSE(r.receive(id, junk, 0ms));
  CHECK(closed);
  r.disconnected(id, 0ms);
  CHECK(r.connections().empty());
  CHECK(r.stats().refused == 1);
}
