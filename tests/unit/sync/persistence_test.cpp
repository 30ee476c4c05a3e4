// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/persistence_test.cpp
// -----------------------------------------------------------------------------
//
// Tests of weft/sync/persistence.hpp: a doc edited under persistence is
// rebuilt by restore() under a new replica id with the same state and
// version, on memory and on file storage; compaction (explicit and
// automatic) keeps the state; a doc edited offline, restarted, and synced
// to a peer gives the peer everything, including ops that reached the peer
// but never the disk; failed writes are reported, not thrown, and written
// once the storage recovers; a snapshot that does not fit falls back to
// appends and backs off; restore refuses a replica id the doc was
// authored under, skips damaged and undecodable records and counts them.

#include "weft/sync/persistence.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/random_doc.hpp"
#include "support/temp_dir.hpp"
#include "weft/doc.hpp"
#include "weft/sync/file_storage.hpp"
#include "weft/sync/storage.hpp"
#include "weft/wire.hpp"

namespace {

using weft::doc;
using weft::errc;
using weft::replica_id;
using weft::sync::memory_storage;
using weft::sync::persistence;
using weft::sync::restore;
using weft::testing::ok;
using weft::testing::require_sound;
using weft::testing::take;

void sound(const persistence& p) { ok(weft::sync::internal::check(p)); }

void type(doc& d, const std::string& s) {
  auto t = d.get_text("body");
  ok(t.insert(t.size(), s));
}

// edit_randomly makes `n` transactions of random edits.
void edit_randomly(doc& d, weft::testing::rng& r, int n) {
  for (int i = 0; i < n; ++i) {
    d.transact([&] {
      const std::size_t k = r.between(1, 3);
      for (std::size_t j = 0; j < k; ++j) weft::testing::random_edit(d, r);
    });
  }
}

}  // namespace

TEST_CASE("persistence: restore under a new replica gives the same doc", "[sync][persistence]") {
  memory_storage store;
  weft::testing::rng r(5);
  std::string json;
  weft::version_vector version;
  std::uint64_t appends = 0;
  {
    doc d(replica_id{10}, {.id = "notes"});
    auto p = take(persistence::attach(d, store));
    edit_randomly(d, r, 60);
    sound(p);
    CHECK(p.healthy());
    CHECK(p.durable_version() == d.version());
    // One append per transaction that made ops (a random edit may make none).
    CHECK(p.stats().appends >= 50);
    CHECK(p.stats().appends <= 60);
    appends = p.stats().appends;
    CHECK(p.authored_replicas() == std::vector<replica_id>{replica_id{10}});
    json = d.to_json();
    version = d.version();
  }  // the process "dies"
  (void)store.restart();
  ok(weft::sync::internal::check(store));

  CHECK(restore(store, "notes", replica_id{10}).code() == errc::invalid_argument);
  CHECK(restore(store, "absent", replica_id{11}).code() == errc::unknown_id);
  CHECK(restore(store, "notes", replica_id{11}, {.id = "other"}).code() == errc::invalid_argument);

  weft::sync::restore_report report;
  doc d = take(restore(store, "notes", replica_id{11}, {}, {}, &report));
  require_sound(d);
  CHECK(d.id() == "notes");
  CHECK(d.replica() == replica_id{11});
  CHECK(d.to_json() == json);
  CHECK(d.version() == version);
  CHECK(report.records == appends);
  CHECK(report.damaged == 0);
  CHECK(report.undecodable == 0);

  auto p = take(persistence::attach(d, store, d.version()));
  CHECK(p.stats().appends == 0);  // nothing to write: the store has it all
  CHECK(p.authored_replicas() == std::vector<replica_id>{replica_id{10}, replica_id{11}});
  CHECK(take(weft::sync::authored_replicas(store, "notes")) == p.authored_replicas());
  type(d, "more");
  sound(p);
  CHECK(restore(store, "notes", replica_id{11}).code() == errc::invalid_argument);
  doc again = take(restore(store, "notes", replica_id{12}));
  CHECK(again.to_json() == d.to_json());
}

TEST_CASE("persistence: on file storage, across reopening", "[sync][persistence]") {
  const weft::testing::temp_dir tmp("weft-persistence");
  const std::string& dir = tmp.path();
  weft::testing::rng r(6);
  std::string json;
  {
    auto store = take(weft::sync::file_storage::open(dir));
    doc d(replica_id{1}, {.id = "a/../b"});
    type(d, "before attach");
    auto p = take(persistence::attach(d, store, {}, {.compact_records = 16}));
    edit_randomly(d, r, 40);
    CHECK(p.stats().compactions >= 2);
    json = d.to_json();
  }
  {
    auto store = take(weft::sync::file_storage::open(dir));
    doc d = take(restore(store, "a/../b", replica_id{2}));
    CHECK(d.to_json() == json);
  }
}

TEST_CASE("persistence: compaction keeps the state and bounds the log", "[sync][persistence]") {
  memory_storage store;
  weft::testing::rng r(7);
  doc d(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(d, store, {}, {.compact_records = 10, .compact_bytes = 0}));
  for (int i = 0; i < 10; ++i) {
    edit_randomly(d, r, 10);
    sound(p);
    CHECK(p.stats().log_records <= 11);
    CHECK(take(store.info("d")).records == p.stats().log_records);
  }
  CHECK(p.stats().compactions >= 5);
  ok(p.compact());
  CHECK(take(store.info("d")).records == 1);
  CHECK(p.durable_version() == d.version());
  doc back = take(restore(store, "d", replica_id{2}));
  CHECK(back.to_json() == d.to_json());
  CHECK(back.version() == d.version());

  // The byte trigger waits for a quarter of the snapshot's size, so a big
  // doc is not rewritten every few keystrokes.
  memory_storage store2;
  doc big(replica_id{3}, {.id = "big"});
  ok(big.get_text("t").insert(0, std::string(200'000, 'x')));
  weft::sync::persistence_options eager{.compact_records = 0, .compact_bytes = 1};
  eager.snapshot.encoding.compress = weft::compression::none;
  auto p2 = take(persistence::attach(big, store2, {}, eager));
  ok(p2.compact());
  CHECK(p2.stats().log_bytes > 200'000);
  for (int i = 0; i < 20; ++i) type(big, "y");
  CHECK(p2.stats().compactions == 1);
  CHECK(p2.stats().log_records == 21);
}

TEST_CASE("persistence: offline edits are restored and reach the peer", "[sync][persistence]") {
  memory_storage store;
  weft::testing::rng r(8);
  doc server(replica_id{100}, {.id = "d"});
  edit_randomly(server, r, 10);

  doc client = take(weft::load(weft::save(server), replica_id{1}, {.id = "d"}));
  auto p = take(persistence::attach(client, store));
  // Online for a while.
  edit_randomly(client, r, 10);
  ok(server.apply(client.delta_since(server.version())));
  // Offline: the client edits, the server edits too; then the client dies.
  edit_randomly(client, r, 25);
  edit_randomly(server, r, 5);
  const std::string offline = client.to_json();
  {
    auto dying = std::move(p);  // the process dies
  }

  (void)store.restart();
  doc back = take(restore(store, "d", replica_id{2}));
  CHECK(back.to_json() == offline);
  auto p2 = take(persistence::attach(back, store, back.version()));
  // Reconnect: the version-vector exchange.
  ok(server.apply(back.delta_since(server.version())));
  ok(back.apply(server.delta_since(back.version())));
  require_sound(server);
  CHECK(back.to_json() == server.to_json());
  CHECK(back.version() == server.version());
  CHECK(server.version().includes(client.version()));
  CHECK(p2.durable_version() == back.version());  // the server's ops are durable too
}

TEST_CASE("persistence: ops sent but never durable come back from the peer", "[sync][persistence]") {
  memory_storage store;
  weft::testing::rng r(9);
  doc server(replica_id{100}, {.id = "d"});
  doc client(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(client, store));
  type(client, "durable ");
  store.fail_writes_after(0);
  type(client, "sent, not durable");
  CHECK(!p.healthy());
  CHECK(p.durable_version() != client.version());
  ok(server.apply(client.delta_since(server.version())));  // the session sent it
  const std::string before_crash = client.to_json();

  // Crash; the disk works again after the restart.
  store.fail_writes_after(std::nullopt);
  (void)store.restart();
  doc back = take(restore(store, "d", replica_id{2}));
  CHECK(back.to_json() != before_crash);  // lost locally...
  auto p2 = take(persistence::attach(back, store, back.version()));
  // ...but the server has them and sends them back. The hello names both
  // replica ids, so the server would also accept old ops of replica 1 that
  // it lacked.
  CHECK(p2.authored_replicas() == std::vector<replica_id>{replica_id{1}, replica_id{2}});
  type(back, " after");
  ok(server.apply(back.delta_since(server.version())));
  ok(back.apply(server.delta_since(back.version())));
  CHECK(back.to_json() == server.to_json());
  CHECK(back.get_text("body").to_string().find("sent, not durable") != std::string::npos);
  CHECK(p2.durable_version() == back.version());
  sound(p2);
}

TEST_CASE("persistence: failed writes are reported and written once the storage recovers",
          "[sync][persistence]") {
  memory_storage store;
  doc d(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(d, store));
  std::vector<weft::version_vector> seen;
  p.on_durable([&](const weft::version_vector& v) { seen.push_back(v); });
  type(d, "a");
  REQUIRE(seen.size() == 1);
  CHECK(seen.back() == d.version());

  store.fail_writes_after(0);
  const auto durable = p.durable_version();
  type(d, "b");
  type(d, "c");
  CHECK(!p.healthy());
  REQUIRE(p.last_error().has_value());
  CHECK(p.last_error()->code == errc::io_error);
  CHECK(p.durable_version() == durable);
  CHECK(p.stats().failures == 2);
  CHECK(p.flush().code() == errc::io_error);
  CHECK(seen.size() == 1);
  sound(p);

  store.fail_writes_after(std::nullopt);
  ok(p.flush());
  CHECK(p.healthy());
  CHECK(p.durable_version() == d.version());
  CHECK(seen.size() == 2);
  ok(p.flush());  // nothing left: no write
  CHECK(seen.size() == 2);
  sound(p);
  (void)store.restart();
  CHECK(take(restore(store, "d", replica_id{2})).get_text("body").to_string() == "abc");

  // A failing attach binds nothing.
  memory_storage broken;
  broken.fail_writes_after(0);
  doc e(replica_id{1}, {.id = "e"});
  CHECK(persistence::attach(e, broken).code() == errc::io_error);
}

TEST_CASE("persistence: edits made in on_durable are written too", "[sync][persistence]") {
  memory_storage store;
  doc d(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(d, store));
  int echoes = 0;
  p.on_durable([&](const weft::version_vector&) {
    if (echoes < 3) {
      ++echoes;
      type(d, "!");
    }
  });
  type(d, "x");
  CHECK(echoes == 3);
  CHECK(p.durable_version() == d.version());
  sound(p);
  CHECK(take(restore(store, "d", replica_id{2})).get_text("body").to_string() == "x!!!");
}

TEST_CASE("persistence: restore skips damaged and undecodable records", "[sync][persistence]") {
  memory_storage store;
  doc d(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(d, store));
  for (int i = 0; i < 5; ++i) type(d, std::to_string(i));
  // A record that passes the checksums but is not a message.
  ok(store.append("d", std::vector<std::uint8_t>{1, 2, 3}));
  type(d, "5");

  weft::sync::restore_report report;
  doc back = take(restore(store, "d", replica_id{2}, {}, {}, &report));
  CHECK(report.undecodable == 1);
  CHECK(report.records == 6);
  CHECK(back.to_json() == d.to_json());

  // Flip a bit of the second delta: it is dropped, and the ops after it
  // wait for it (a peer that has it supplies it).
  std::vector<std::uint8_t>& image = *store.image("d");
  const auto contents = take(store.read("d"));
  // Find the payload of the second data record in the image.
  const auto& second = contents.records[1];
  auto at = std::search(image.begin(), image.end(), second.begin(), second.end());
  REQUIRE(at != image.end());
  *(at + static_cast<std::ptrdiff_t>(second.size() / 2)) ^= 0x40;
  (void)store.restart();
  doc partial = take(restore(store, "d", replica_id{3}, {}, {}, &report));
  CHECK(report.damaged == 1);
  CHECK(report.pending_ops > 0);
  CHECK(partial.get_text("body").to_string() == "0");
  ok(partial.apply(d.delta_since(partial.version())));
  CHECK(partial.to_json() == d.to_json());
  CHECK(partial.pending_ops() == 0);
}

TEST_CASE("persistence: a record the limits refuse fails the restore, not skipped",
          "[sync][persistence]") {
  // Skipping it would silently lose what it holds; the same goes for a
  // record from a newer format (errc::unsupported).
  memory_storage store;
  doc d(replica_id{1}, {.id = "d"});
  auto p = take(persistence::attach(d, store));
  type(d, "short");
  type(d, std::string(5000, 'x'));
  weft::sync::restore_options tight;
  tight.limits.max_message_bytes = 1000;
  CHECK(restore(store, "d", replica_id{2}, {}, tight).code() == errc::too_large);
  CHECK(take(restore(store, "d", replica_id{2})).to_json() == d.to_json());
}

namespace {

// no_room_storage is a memory_storage on a nearly full disk: small appends
// fit, a whole snapshot (replace) does not.
class no_room_storage final : public weft::sync::storage {
 public:
  bool full = true;
  memory_storage inner;

  weft::result<void> append(std::string_view id, std::span<const std::uint8_t> r) override {
    return inner.append(id, r);
  }
  weft::result<void> replace(std::string_view id, std::span<const std::uint8_t> r) override {
    if (full) return weft::make_error(errc::io_error, "no space left for a snapshot");
    return inner.replace(id, r);
  }
  weft::result<weft::sync::log_contents> read(std::string_view id) override {
    return inner.read(id);
  }
  weft::result<weft::sync::log_info> info(std::string_view id) override { return inner.info(id); }
  weft::result<std::vector<std::string>> list() override { return inner.list(); }
  weft::result<void> set_meta(std::string_view id, std::string_view key,
                              std::span<const std::uint8_t> value) override {
    return inner.set_meta(id, key, value);
  }
  weft::result<std::optional<std::vector<std::uint8_t>>> get_meta(std::string_view id,
                                                                  std::string_view key) override {
    return inner.get_meta(id, key);
  }
  weft::result<void> erase(std::string_view id) override { return inner.erase(id); }
};

}  // namespace

TEST_CASE("persistence: a snapshot that cannot be written does not stop the appends",
          "[sync][persistence]") {
  no_room_storage store;
  doc d(replica_id{1}, {.id = "d"});
  const weft::sync::persistence_options eager{.compact_records = 2, .compact_bytes = 0};
  auto p = take(persistence::attach(d, store, {}, eager));
  for (char c = 'a'; c <= 'l'; ++c) {
    type(d, std::string(1, c));
    // Every keystroke is durable although no compaction succeeds.
    REQUIRE(p.durable_version() == d.version());
    CHECK(p.healthy());
    sound(p);
  }
  CHECK(p.stats().compactions == 0);
  REQUIRE(p.last_error().has_value());
  CHECK(p.last_error()->code == errc::io_error);
  // Compaction backs off as the log grows instead of costing a snapshot
  // per keystroke: 12 appends, far fewer tries.
  CHECK(p.stats().appends == 12);
  CHECK(p.stats().failures >= 1);
  CHECK(p.stats().failures <= 4);
  // An explicit compaction reports the failure, and the log still restores.
  CHECK(p.compact().code() == errc::io_error);
  CHECK(p.healthy());
  CHECK(take(restore(store.inner, "d", replica_id{2})).get_text("body").to_string() ==
        "abcdefghijkl");

  // Once there is room, the next compaction goes through.
  store.full = false;
  ok(p.compact());
  CHECK(p.stats().compactions == 1);
  CHECK(take(store.info("d")).records == 1);
  type(d, "m");
  CHECK(p.durable_version() == d.version());
  CHECK(take(restore(store.inner, "d", replica_id{3})).get_text("body").to_string() ==
        "abcdefghijklm");
}

TEST_CASE("persistence: a failed snapshot then a failed append leaves the ops at risk, reported",
          "[sync][persistence]") {
  memory_storage store;
  doc d(replica_id{1}, {.id = "d"});
  const weft::sync::persistence_options eager{.compact_records = 2, .compact_bytes = 0};
  auto p = take(persistence::attach(d, store, {}, eager));
  type(d, "a");
  type(d, "b");
  REQUIRE(p.stats().appends == 2);
  const auto durable = p.durable_version();

  // The next write is a compaction; it fails, and so does the append after it.
  store.fail_writes_after(0);
  type(d, "c");
  CHECK(!p.healthy());
  CHECK(p.durable_version() == durable);
  CHECK(p.durable_version() != d.version());
  REQUIRE(p.last_error().has_value());
  CHECK(p.last_error()->code == errc::io_error);
  CHECK(p.stats().failures == 2);
  CHECK(p.stats().compactions == 0);
  CHECK(p.stats().appends == 2);
  CHECK(p.compact().code() == errc::io_error);
  CHECK(!p.healthy());
  CHECK(p.durable_version() == durable);
  sound(p);

  store.fail_writes_after(std::nullopt);
  ok(p.flush());
  CHECK(p.healthy());
  CHECK(p.durable_version() == d.version());
  sound(p);
  (void)store.restart();
  CHECK(take(restore(store, "d", replica_id{2})).get_text("body").to_string() == "abc");
}
