// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: session_net.hpp
// -----------------------------------------------------------------------------
//
// An in-memory network for the tests of weft::sync::session
// (tests/unit/sync/session_test): client sessions joined to server
// sessions (one per connection, as a relay makes them) that share one
// server's documents, over links whose every message the test may drop,
// duplicate, reorder or watch, with connects that succeed or fail as the
// test says, all on one clock the test moves; and raw_peer, a hostile peer
// that feeds a server session hand-made messages.
//
// Test-only: the sessions' invariants are checked after every step
// (Catch2 FAIL), and a message that does not decode fails the test.

#ifndef WEFT_TESTS_SUPPORT_SESSION_NET_HPP_
#define WEFT_TESTS_SUPPORT_SESSION_NET_HPP_

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "weft/doc.hpp"
#include "weft/presence.hpp"
#include "weft/sync/message.hpp"
#include "weft/sync/session.hpp"

namespace weft::testing {

// server_side holds the server's documents, and the role each doc grants.
struct server_side {
  std::map<std::string, std::unique_ptr<doc>> docs;
  std::map<std::string, std::unique_ptr<presence>> presences;
  std::map<std::string, sync::role> roles;  // default write
  sync::session_options options;

  server_side() {
    options.this_side = sync::side::server;
    options.backoff.seed = 1;
    options.authorize = [this](const sync::peer_info&, std::string_view id) {
      auto it = roles.find(std::string(id));
      return it == roles.end() ? sync::role::write : it->second;
    };
    options.resolve = [this](std::string_view id) -> std::pair<doc*, presence*> {
      auto it = docs.find(std::string(id));
      if (it == docs.end()) return {nullptr, nullptr};
      auto p = presences.find(std::string(id));
      return {it->second.get(), p == presences.end() ? nullptr : p->second.get()};
    };
  }

  doc& add(const std::string& id) {
    docs[id] = std::make_unique<doc>(replica_id{0x5E}, doc_options{.id = id});
    presences[id] = std::make_unique<presence>(replica_id{0x5E});
    return *docs[id];
  }
};

// connection joins one client session to server sessions over an
// in-memory link: each direction a queue the test may tamper with.
struct connection {
  using bytes_t = std::vector<std::uint8_t>;

  server_side& server;
  std::unique_ptr<sync::session> client;
  std::unique_ptr<sync::session> srv;  // the current connection's server session
  std::deque<bytes_t> up, down;  // client -> server, server -> client
  bool network = true;           // connects succeed
  bool blackhole = false;        // the link swallows everything silently
  bool drop_down = false;        // everything the server sends is lost
  bool drop_up = false;          // everything the client sends is lost
  bool connect_asked = false;
  bool drop_asked = false;       // one side asked to close
  int connects = 0, failed_connects = 0;
  std::vector<sync::state> states;
  std::vector<error> client_errors, server_errors;
  std::vector<bytes_t> sent_up_log, sent_down_log;
  // tamper decides what happens to a message put on a queue: 0 drop, 1
  // deliver, 2 deliver twice; reorder swaps it with the one before.
  std::function<int()> tamper;
  std::function<bool()> reorder;
  std::function<void(const bytes_t&)> on_down;  // sees what the server sends

  connection(server_side& s, sync::session_options copts) : server(s) {
    sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      sent_up_log.emplace_back(b.begin(), b.end());
      if (!drop_up) put(up, bytes_t(b.begin(), b.end()));
    };
    cb.connect = [this] { connect_asked = true; };
    cb.close = [this] { drop_asked = true; };
    cb.state_changed = [this](sync::state st) { states.push_back(st); };
    cb.error = [this](const error& e, bool) { client_errors.push_back(e); };
    client = std::make_unique<sync::session>(std::move(copts), std::move(cb));
  }

  void put(std::deque<bytes_t>& q, bytes_t b) {
    if (blackhole) return;
    const int n = tamper ? tamper() : 1;
    for (int i = 0; i < n; ++i) {
      q.push_back(b);
      if (reorder && q.size() > 1 && reorder()) std::swap(q[q.size() - 1], q[q.size() - 2]);
    }
  }

  std::unique_ptr<sync::session> make_server() {
    sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      sent_down_log.emplace_back(b.begin(), b.end());
      if (on_down) on_down(sent_down_log.back());
      if (!drop_down) put(down, bytes_t(b.begin(), b.end()));
    };
    cb.close = [this] { drop_asked = true; };
    cb.error = [this](const error& e, bool) { server_errors.push_back(e); };
    return std::make_unique<sync::session>(server.options, std::move(cb));
  }

  // step handles connection requests and closes, then delivers until both
  // queues are empty (or `max` messages).
  void step(sync::time_point now, int max = 100000) {
    for (int i = 0; i < max; ++i) {
      if (drop_asked) {
        drop_asked = false;
        up.clear();
        down.clear();
        if (srv) srv->disconnected(now);
        client->disconnected(now);
      }
      if (connect_asked) {
        connect_asked = false;
        if (network) {
          ++connects;
          up.clear();
          down.clear();
          srv = make_server();
          srv->connected(now);
          client->connected(now);
        } else {
          ++failed_connects;
          client->connect_failed(now);
        }
        continue;
      }
      if (!up.empty()) {
        bytes_t b = std::move(up.front());
        up.pop_front();
        if (srv) (void)srv->receive(b, now);
      } else if (!down.empty()) {
        bytes_t b = std::move(down.front());
        down.pop_front();
        (void)client->receive(b, now);
      } else if (!drop_asked && !connect_asked) {
        check();
        return;
      }
    }
  }

  void tick(sync::time_point now) {
    client->tick(now);
    if (srv) srv->tick(now);
    check();
  }

  void check() const {
    const auto c = sync::internal::check(*client);
    if (!c) FAIL("client: " << c.error().message);
    if (srv) {
      const auto s = sync::internal::check(*srv);
      if (!s) FAIL("server: " << s.error().message);
    }
  }
};

// client_options are a client session's defaults with its own backoff seed.
inline sync::session_options client_options(std::uint64_t seed = 7) {
  sync::session_options o;
  o.backoff.seed = seed;
  return o;
}

// world runs connections on one clock.
struct world {
  // kStep is how far run() moves the clock between ticks.
  static constexpr sync::time_point kStep{10};

  server_side server;
  std::vector<std::unique_ptr<connection>> links;
  sync::time_point now{1000};

  connection& link(sync::session_options o = client_options()) {
    links.push_back(std::make_unique<connection>(server, std::move(o)));
    return *links.back();
  }

  // join links a client that carries `d` (with presence `p`) and starts it.
  connection& join(doc& d, sync::session_options o = client_options(), presence* p = nullptr) {
    connection& l = link(std::move(o));
    REQUIRE(l.client->add(d, p));
    l.client->start(now);
    return l;
  }

  void settle() {
    for (int round = 0; round < 50; ++round) {
      bool busy = false;
      for (auto& l : links) {
        busy |= !l->up.empty() || !l->down.empty() || l->connect_asked || l->drop_asked;
        l->step(now);
      }
      if (!busy) break;
    }
  }

  // run advances time in steps, ticking and delivering.
  void run(sync::time_point duration) {
    const sync::time_point end = now + duration;
    while (now < end) {
      now += kStep;
      for (auto& l : links) l->tick(now);
      settle();
    }
  }
};

// raw_peer drives one server session with hand-made messages.
struct raw_peer {
  server_side& server;
  std::unique_ptr<sync::session> srv;
  std::vector<sync::message> got;
  std::vector<error> errors;
  bool closed = false;
  sync::time_point now{1000};

  explicit raw_peer(server_side& s) : raw_peer(s, s.options) {}
  raw_peer(server_side& s, sync::session_options o) : server(s) {
    sync::callbacks cb;
    cb.send = [this](std::span<const std::uint8_t> b) {
      auto m = sync::decode_message(b);
      REQUIRE(m);
      got.push_back(std::move(*m));
    };
    cb.close = [this] { closed = true; };
    cb.error = [this](const error& e, bool) { errors.push_back(e); };
    srv = std::make_unique<sync::session>(std::move(o), std::move(cb));
    srv->connected(now);
  }

  result<void> send(const sync::message& m) {
    auto r = srv->receive(sync::encode_message(m), now);
    const auto c = sync::internal::check(*srv);
    if (!c) FAIL("server: " << c.error().message);
    return r;
  }

  void join(std::vector<replica_id> replicas, const std::string& id) {
    sync::hello_message h;
    h.replicas = std::move(replicas);
    h.docs = {{0, id, sync::role::none}};
    REQUIRE(send(h));
    REQUIRE(send(sync::version_message{0, {}, false}));
  }

  std::optional<sync::error_message> last_error() const {
    for (auto it = got.rbegin(); it != got.rend(); ++it) {
      if (auto* e = std::get_if<sync::error_message>(&*it)) return *e;
    }
    return std::nullopt;
  }
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_SESSION_NET_HPP_
