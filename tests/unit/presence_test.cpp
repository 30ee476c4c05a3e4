// Copyright 2026 The weft Authors. MIT License.

#include "weft/presence.hpp"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "weft/doc.hpp"
#include "weft/text_ref.hpp"

using namespace std::chrono_literals;
using weft::affinity;
using weft::errc;
using weft::presence;
using weft::presence_cursor;
using weft::presence_event;
using weft::presence_options;
using weft::presence_state;
using weft::presence_time;
using weft::presence_update;
using weft::replica_id;
using kind = weft::presence_update::kind;

namespace {

constexpr replica_id kA{1};
constexpr replica_id kB{2};
constexpr replica_id kC{3};

void require_sound(const presence& p) {
  auto r = weft::internal::check(p);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.has_value());
}

void ok(const weft::result<void>& r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.has_value());
}

template <class T>
T take(weft::result<T> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.has_value());
  return std::move(r).value();
}

presence_state someone(std::string name) {
  presence_state s;
  s.user_id = "u-" + name;
  s.name = std::move(name);
  s.color = "#ff8800";
  s.avatar_url = "https://example.com/a.png";
  s.custom = {{"status", "\"typing\""}, {"tool", "\"pen\""}};
  return s;
}

presence_cursor caret(std::uint64_t seq) {
  const weft::anchor a{weft::op_id{kA, seq}, affinity::right};
  return presence_cursor{"body", a, a};
}

// recorder keeps a presence's events as short strings ("joined 2").
struct recorder {
  std::vector<std::string> log;
  weft::subscription sub;

  explicit recorder(presence& p)
      : sub(p.observe([this](const presence_event& e) { log.push_back(render(e)); })) {}

  static std::string render(const presence_event& e) {
    const char* what = e.what == presence_event::kind::joined    ? "joined"
                       : e.what == presence_event::kind::updated ? "updated"
                                                                 : "left";
    std::string s = std::string(what) + " " + std::to_string(static_cast<std::uint64_t>(e.client));
    if (e.timed_out) s += " timeout";
    return s;
  }
  std::vector<std::string> take() { return std::exchange(log, {}); }
};

using events = std::vector<std::string>;

// apply_all hands `updates` to `to` in order, checking `to` after each.
void apply_all(presence& to, const std::vector<presence_update>& updates, presence_time now) {
  for (const presence_update& u : updates) {
    ok(to.apply(u, now));
    require_sound(to);
  }
}

// one_update takes the single update `p` has to send.
presence_update one_update(presence& p) {
  auto updates = p.take_updates();
  require_sound(p);
  REQUIRE(updates.size() == 1);
  return updates.front();
}

}  // namespace

TEST_CASE("presence: the first announcement is full, later changes are patches of changed fields",
          "[presence]") {
  presence a(kA);
  CHECK(a.take_updates().empty());  // nothing announced yet

  presence_state s = someone("ada");
  a.set_local(s, 0ms);
  require_sound(a);
  const presence_update first = one_update(a);
  CHECK(first.client == kA);
  CHECK(first.clock == 1);
  CHECK(first.what == kind::full);
  CHECK(first.user_id == "u-ada");
  CHECK(first.name == "ada");
  CHECK(first.color == "#ff8800");
  CHECK(first.avatar_url == "https://example.com/a.png");
  REQUIRE(first.cursor.has_value());
  CHECK_FALSE(first.cursor->has_value());  // full says "no cursor" explicitly
  CHECK(first.custom.size() == 2);
  CHECK(first.custom.at("status") == "\"typing\"");
  CHECK(a.clock() == 1);
  CHECK(a.take_updates().empty());

  // Several changes between two calls go out as one patch holding only what
  // differs from what was sent: the name, the cursor and the custom keys.
  s.name = "Ada L.";
  a.set_local(s, 10ms);
  a.set_cursor(caret(4), 20ms);
  s = a.local();
  s.custom.erase("tool");
  s.custom["status"] = "\"idle\"";
  s.custom["mood"] = "1";
  s.color = "#000000";
  a.set_local(s, 30ms);
  s.color = "#ff8800";  // changed and changed back: not sent
  a.set_local(s, 40ms);
  require_sound(a);
  const presence_update patch = one_update(a);
  CHECK(patch.what == kind::patch);
  CHECK(patch.clock == 2);
  CHECK_FALSE(patch.user_id);
  CHECK(patch.name == "Ada L.");
  CHECK_FALSE(patch.color);
  CHECK_FALSE(patch.avatar_url);
  REQUIRE(patch.cursor.has_value());
  CHECK(*patch.cursor == caret(4));
  const std::map<std::string, std::optional<std::string>> custom = {
      {"mood", "1"}, {"status", "\"idle\""}, {"tool", std::nullopt}};
  CHECK(patch.custom == custom);

  // Clearing the cursor is an engaged nullopt; setting the same state is
  // nothing.
  a.set_cursor(std::nullopt, 50ms);
  a.set_local(a.local(), 60ms);
  const presence_update clear = one_update(a);
  CHECK(clear.what == kind::patch);
  CHECK(clear.clock == 3);
  REQUIRE(clear.cursor.has_value());
  CHECK_FALSE(clear.cursor->has_value());
  CHECK_FALSE(clear.name);
  CHECK(clear.custom.empty());
  a.set_local(a.local(), 70ms);
  CHECK(a.take_updates().empty());

  // The patches rebuild the entry exactly at a peer.
  presence b(kB);
  apply_all(b, {first, patch, clear}, 80ms);
  REQUIRE(b.states().size() == 1);
  CHECK(b.states().at(kA) == a.local());
}

TEST_CASE("presence: a patch swapping more custom keys than a peer takes goes out full",
          "[presence]") {
  presence_options o;
  o.max_custom_fields = 3;
  presence a(kA, o);
  presence b(kB, o);
  presence_state s;
  s.custom = {{"a", "1"}, {"b", "2"}};
  a.set_local(s, 0ms);
  apply_all(b, a.take_updates(), 0ms);
  s.custom = {{"c", "3"}, {"d", "4"}};  // four keys change
  a.set_local(s, 1ms);
  const presence_update u = one_update(a);
  CHECK(u.what == kind::full);
  CHECK(u.clock == 2);
  apply_all(b, {u}, 1ms);
  CHECK(b.states().at(kA) == s);
}

TEST_CASE("presence: observers see joined, updated and left exactly", "[presence]") {
  presence a(kA);
  presence b(kB);
  recorder seen(b);

  a.set_local(someone("ada"), 0ms);
  apply_all(b, a.take_updates(), 0ms);
  CHECK(seen.take() == events{"joined 1"});

  a.set_cursor(caret(1), 1ms);
  apply_all(b, a.take_updates(), 1ms);
  CHECK(seen.take() == events{"updated 1"});

  // A heartbeat that changes nothing renews the entry without an event.
  a.tick(15'000ms);
  const presence_update beat = one_update(a);
  CHECK(beat.what == kind::full);
  apply_all(b, {beat}, 15'000ms);
  CHECK(seen.take().empty());
  apply_all(b, {beat}, 15'001ms);  // duplicate
  CHECK(seen.take().empty());

  a.leave(16'000ms);
  const presence_update bye = one_update(a);
  CHECK(bye.what == kind::goodbye);
  CHECK(bye.clock == beat.clock + 1);
  CHECK_FALSE(bye.name);
  CHECK(bye.custom.empty());
  apply_all(b, {bye}, 16'000ms);
  CHECK(seen.take() == events{"left 1"});
  CHECK(b.states().empty());

  // After a reset the observer hears nothing more.
  seen.sub.reset();
  a.set_local(someone("ada"), 17'000ms);
  apply_all(b, a.take_updates(), 17'000ms);
  CHECK(seen.take().empty());
  CHECK(b.states().size() == 1);
}

TEST_CASE("presence: clock readings at the ends of the 64-bit range", "[presence]") {
  // The application's clock is its own: silence from its earliest to its
  // latest reading does not fit in 64 bits, and is long past the timeout.
  constexpr presence_time first = presence_time::min();
  constexpr presence_time last = presence_time::max();
  presence a(kA);
  presence b(kB);
  recorder seen(b);
  a.set_local(someone("ada"), first);
  apply_all(b, a.take_updates(), first);
  CHECK(seen.take() == events{"joined 1"});
  b.tick(last);
  CHECK(seen.take() == events{"left 1 timeout"});
  require_sound(b);
  a.tick(last);  // a heartbeat is due
  CHECK(one_update(a).what == kind::full);
}

TEST_CASE("presence: leave then set_local says goodbye and announces again", "[presence]") {
  presence a(kA);
  presence b(kB);
  recorder seen(b);

  // Leaving before anyone heard of us sends nothing.
  a.set_local(someone("ada"), 0ms);
  a.leave(0ms);
  require_sound(a);
  CHECK(a.take_updates().empty());

  a.set_local(someone("ada"), 1ms);
  apply_all(b, a.take_updates(), 1ms);
  CHECK(seen.take() == events{"joined 1"});

  a.leave(2ms);
  a.set_local(someone("bea"), 3ms);
  require_sound(a);
  const auto updates = a.take_updates();
  require_sound(a);
  REQUIRE(updates.size() == 2);
  CHECK(updates[0].what == kind::goodbye);
  CHECK(updates[1].what == kind::full);
  CHECK(updates[1].clock == updates[0].clock + 1);
  apply_all(b, updates, 3ms);
  CHECK(seen.take() == events{"left 1", "joined 1"});
  CHECK(b.states().at(kA).name == "bea");

  // set_cursor does not announce an absent client; set_local does.
  a.leave(4ms);
  apply_all(b, a.take_updates(), 4ms);
  a.set_cursor(caret(2), 5ms);
  CHECK(a.take_updates().empty());
  a.set_local(a.local(), 6ms);
  apply_all(b, a.take_updates(), 6ms);
  CHECK(b.states().at(kA).cursor == caret(2));
  CHECK(seen.take() == events{"left 1", "joined 1"});
}

TEST_CASE("presence: updates for this client are refused", "[presence]") {
  presence a(kA);
  presence forger(kA);  // another process claiming a's id
  recorder seen(a);
  a.set_local(someone("ada"), 0ms);
  forger.set_local(someone("mallory"), 0ms);
  for (const presence_update& u : forger.take_updates()) {
    CHECK(a.validate(u).code() == errc::invalid_argument);
    CHECK(a.apply(u, 0ms).code() == errc::invalid_argument);
  }
  presence_update bye;
  bye.client = kA;
  bye.clock = 99;
  bye.what = kind::goodbye;
  CHECK(a.apply(bye, 0ms).code() == errc::invalid_argument);
  require_sound(a);
  CHECK(a.states().empty());
  CHECK(a.local().name == "ada");
  CHECK(seen.take().empty());
}

TEST_CASE("presence: an invalid update is refused and changes nothing", "[presence]") {
  presence_options o;
  o.max_field_bytes = 16;
  o.max_custom_fields = 2;
  o.max_clients = 2;
  presence b(kB, o);
  recorder seen(b);

  presence_state s;
  s.name = "ada";
  s.custom = {{"k", "v"}};
  presence a(kA, o);
  a.set_local(s, 0ms);
  const presence_update good = one_update(a);
  apply_all(b, {good}, 0ms);
  CHECK(seen.take() == events{"joined 1"});

  // A field of exactly the limit is fine.
  presence_update at_limit = good;
  at_limit.clock = 2;
  at_limit.name = std::string(16, 'x');
  ok(b.apply(at_limit, 1ms));
  CHECK(seen.take() == events{"updated 1"});

  const std::string bad_utf8 = "ab\xC0\xAF";  // an overlong '/'
  struct bad_case {
    const char* what;
    presence_update update;
    errc code;
  };
  std::vector<bad_case> cases;
  auto next_full = [&] {
    presence_update u = good;
    u.clock = 3;
    return u;
  };
  auto next_patch = [&] {
    presence_update u;
    u.client = kA;
    u.clock = 3;
    u.what = kind::patch;
    return u;
  };
  {
    auto u = next_full();
    u.name = std::string(17, 'x');
    cases.push_back({"oversized name", u, errc::too_large});
  }
  {
    auto u = next_patch();
    u.avatar_url = std::string(17, 'x');
    cases.push_back({"oversized avatar in a patch", u, errc::too_large});
  }
  {
    auto u = next_patch();
    u.custom[std::string(17, 'k')] = "v";
    cases.push_back({"oversized custom key", u, errc::too_large});
  }
  {
    auto u = next_patch();
    u.custom["k"] = std::string(17, 'v');
    cases.push_back({"oversized custom value", u, errc::too_large});
  }
  {
    auto u = next_patch();
    presence_cursor c = caret(1);
    c.text = std::string(17, 't');
    u.cursor = c;
    cases.push_back({"oversized cursor text name", u, errc::too_large});
  }
  {
    auto u = next_full();
    u.custom = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
    cases.push_back({"too many custom fields", u, errc::too_large});
  }
  {
    auto u = next_patch();
    u.custom = {{"a", "1"}, {"b", "2"}};  // with "k": three
    cases.push_back({"a patch leaving too many custom fields", u, errc::too_large});
  }
  {
    auto u = next_full();
    u.user_id = bad_utf8;
    cases.push_back({"invalid UTF-8 user id", u, errc::invalid_utf8});
  }
  {
    auto u = next_patch();
    u.color = bad_utf8;
    cases.push_back({"invalid UTF-8 color", u, errc::invalid_utf8});
  }
  {
    auto u = next_patch();
    u.custom[bad_utf8] = "v";
    cases.push_back({"invalid UTF-8 custom key", u, errc::invalid_utf8});
  }
  {
    auto u = next_patch();
    u.custom["k"] = "\xED\xA0\x80";  // a surrogate
    cases.push_back({"invalid UTF-8 custom value", u, errc::invalid_utf8});
  }
  {
    auto u = next_patch();
    presence_cursor c = caret(1);
    c.text = bad_utf8;
    u.cursor = c;
    cases.push_back({"invalid UTF-8 cursor text name", u, errc::invalid_utf8});
  }
  {
    auto u = next_patch();
    presence_cursor c = caret(1);
    c.head.side = static_cast<affinity>(7);
    u.cursor = c;
    cases.push_back({"unknown affinity", u, errc::malformed});
  }
  {
    auto u = next_full();
    u.color.reset();
    cases.push_back({"a full update without a field", u, errc::malformed});
  }
  {
    auto u = next_full();
    u.cursor.reset();
    cases.push_back({"a full update without the cursor", u, errc::malformed});
  }
  {
    auto u = next_full();
    u.custom["k"] = std::nullopt;
    cases.push_back({"a full update erasing a key", u, errc::malformed});
  }
  {
    presence_update u;
    u.client = kA;
    u.clock = 3;
    u.what = kind::goodbye;
    u.name = "x";
    cases.push_back({"a goodbye with fields", u, errc::malformed});
  }
  {
    auto u = next_full();
    u.clock = 0;
    cases.push_back({"clock 0", u, errc::malformed});
  }
  {
    auto u = next_full();
    u.what = static_cast<kind>(3);
    cases.push_back({"unknown kind", u, errc::malformed});
  }

  const auto before_states = b.states();
  const auto before_full = b.full_updates();
  for (const bad_case& c : cases) {
    INFO(c.what);
    // validate refuses the same, except what depends on the entry held.
    const bool on_its_own = std::string_view(c.what) != "a patch leaving too many custom fields";
    CHECK(b.validate(c.update).code() == (on_its_own ? c.code : errc::ok));
    CHECK(b.apply(c.update, 2ms).code() == c.code);
    require_sound(b);
    CHECK(b.states() == before_states);
    CHECK(b.full_updates() == before_full);  // clocks unchanged too
    CHECK(seen.take().empty());
  }
  // Nothing was consumed: the next valid patch still follows clock 2.
  auto next = next_patch();
  next.name = "ada";
  ok(b.apply(next, 3ms));
  CHECK(b.states().at(kA).name == "ada");
  CHECK(seen.take() == events{"updated 1"});

  // The client limit: kA and kC fit, a third client is refused.
  auto c_full = next_full();
  c_full.client = kC;
  c_full.clock = 1;
  ok(b.apply(c_full, 4ms));
  auto d_full = c_full;
  d_full.client = replica_id{4};
  const auto two = b.states();
  ok(b.validate(d_full));
  CHECK(b.apply(d_full, 4ms).code() == errc::too_large);
  require_sound(b);
  CHECK(b.states() == two);
  CHECK(seen.take() == events{"joined 3"});
}

TEST_CASE("presence: stale, duplicate and out-of-order updates are ignored until a full repairs",
          "[presence]") {
  presence a(kA);
  presence b(kB);
  recorder seen(b);
  presence_state s = someone("ada");
  a.set_local(s, 0ms);
  const presence_update u1 = one_update(a);
  s.name = "n2";
  a.set_local(s, 1ms);
  const presence_update u2 = one_update(a);
  s.name = "n3";
  a.set_local(s, 2ms);
  const presence_update u3 = one_update(a);
  REQUIRE(u2.what == kind::patch);
  REQUIRE(u3.what == kind::patch);

  // A patch for an unknown client cannot apply: it waits for a full.
  apply_all(b, {u2, u3}, 3ms);
  CHECK(b.states().empty());
  CHECK(seen.take().empty());

  apply_all(b, {u1}, 3ms);
  CHECK(seen.take() == events{"joined 1"});
  // u3 skips u2: not applied.
  apply_all(b, {u3}, 4ms);
  CHECK(b.states().at(kA).name == "ada");
  CHECK(seen.take().empty());
  apply_all(b, {u2, u2, u1}, 5ms);  // in order, then a duplicate, then stale
  CHECK(b.states().at(kA).name == "n2");
  CHECK(seen.take() == events{"updated 1"});
  apply_all(b, {u3, u3}, 6ms);
  CHECK(b.states().at(kA).name == "n3");
  CHECK(seen.take() == events{"updated 1"});

  // A lost patch is repaired by the next heartbeat.
  s.name = "n4";
  a.set_local(s, 7ms);
  (void)one_update(a);  // lost
  s.name = "n5";
  a.set_local(s, 8ms);
  apply_all(b, a.take_updates(), 8ms);  // gap: ignored
  CHECK(b.states().at(kA).name == "n3");
  a.tick(15'000ms);
  const presence_update beat = one_update(a);
  CHECK(beat.what == kind::full);
  apply_all(b, {beat}, 15'000ms);
  CHECK(b.states().at(kA) == a.local());
  CHECK(seen.take() == events{"updated 1"});
}

TEST_CASE("presence: a goodbye removes at once and stale updates do not resurrect",
          "[presence]") {
  presence a(kA);
  presence_state s = someone("ada");
  a.set_local(s, 0ms);
  const presence_update u1 = one_update(a);
  s.name = "n2";
  a.set_local(s, 1ms);
  const presence_update u2 = one_update(a);
  a.leave(2ms);
  const presence_update bye = one_update(a);
  REQUIRE(bye.what == kind::goodbye);
  REQUIRE(bye.clock == 3);

  SECTION("goodbye after the entry") {
    presence b(kB);
    recorder seen(b);
    apply_all(b, {u1, bye}, 10ms);
    CHECK(seen.take() == events{"joined 1", "left 1"});
    apply_all(b, {u2, u1, bye}, 20ms);
    CHECK(b.states().empty());
    CHECK(seen.take().empty());
  }
  SECTION("goodbye overtaking the entry") {
    presence b(kB);
    recorder seen(b);
    apply_all(b, {bye, u1, u2}, 10ms);
    CHECK(b.states().empty());
    CHECK(seen.take().empty());
  }
  SECTION("the tombstone lasts the timeout, a newer announcement gets through at once") {
    presence b(kB);
    recorder seen(b);
    apply_all(b, {u1, bye}, 10ms);
    CHECK(seen.take() == events{"joined 1", "left 1"});
    b.tick(30'009ms);
    apply_all(b, {u1}, 30'009ms);
    CHECK(b.states().empty());
    // Once the tombstone is gone, a very late packet is an ordinary entry
    // again, and expires like one.
    b.tick(30'010ms);
    require_sound(b);
    apply_all(b, {u1}, 30'010ms);
    CHECK(seen.take() == events{"joined 1"});
    b.tick(60'010ms);
    CHECK(seen.take() == events{"left 1 timeout"});

    a.set_local(s, 60'020ms);
    const presence_update again = one_update(a);
    CHECK(again.clock == 4);
    apply_all(b, {again}, 60'020ms);
    CHECK(seen.take() == events{"joined 1"});
    CHECK(b.states().at(kA) == s);
  }
}

TEST_CASE("presence: entries expire exactly at the timeout; any update renews them",
          "[presence]") {
  presence a(kA);
  presence b(kB);
  recorder seen(b);
  a.set_local(someone("ada"), 0ms);
  apply_all(b, a.take_updates(), 1'000ms);

  b.tick(30'999ms);
  require_sound(b);
  CHECK(b.states().size() == 1);
  CHECK(seen.take() == events{"joined 1"});

  // A patch at 20 s moves the deadline to 50 s.
  a.set_cursor(caret(3), 20'000ms);
  apply_all(b, a.take_updates(), 20'000ms);
  CHECK(seen.take() == events{"updated 1"});
  b.tick(31'000ms);
  b.tick(49'999ms);
  CHECK(b.states().size() == 1);
  CHECK(seen.take().empty());
  b.tick(50'000ms);
  require_sound(b);
  CHECK(b.states().empty());
  CHECK(seen.take() == events{"left 1 timeout"});

  // A stale update after the timeout does not bring it back; the owner's
  // next heartbeat does.
  presence_update old = a.full_updates().front();
  apply_all(b, {old}, 50'001ms);
  CHECK(b.states().empty());
  a.tick(50'001ms);
  apply_all(b, a.take_updates(), 50'002ms);
  CHECK(b.states().size() == 1);
  CHECK(seen.take() == events{"joined 1"});
}

TEST_CASE("presence: a heartbeat goes out every interval, patches or not", "[presence]") {
  presence a(kA);
  a.set_local(someone("ada"), 1'000ms);
  CHECK(one_update(a).what == kind::full);
  a.tick(15'999ms);
  CHECK(a.take_updates().empty());
  // A patch does not postpone the heartbeat: the heartbeat is also what
  // repairs a peer that lost a patch, so a client that keeps moving its
  // cursor must still send one.
  a.set_cursor(caret(1), 10'000ms);
  CHECK(one_update(a).what == kind::patch);
  a.tick(16'000ms);
  const presence_update beat = one_update(a);
  CHECK(beat.what == kind::full);
  CHECK(beat.cursor == std::optional<std::optional<presence_cursor>>(caret(1)));
  a.tick(30'999ms);
  CHECK(a.take_updates().empty());
  a.tick(31'000ms);
  CHECK(one_update(a).what == kind::full);
  // An absent client sends no heartbeat.
  a.leave(32'000ms);
  CHECK(one_update(a).what == kind::goodbye);
  a.tick(100'000ms);
  CHECK(a.take_updates().empty());
  require_sound(a);
}

TEST_CASE("presence: full_updates brings a new peer up to date", "[presence]") {
  presence a(kA), b(kB), c(kC);
  a.set_local(someone("ada"), 0ms);
  b.set_local(someone("bob"), 0ms);
  apply_all(a, b.take_updates(), 0ms);
  (void)a.take_updates();
  a.set_cursor(caret(5), 1ms);  // not sent yet

  const auto fulls = a.full_updates();
  REQUIRE(fulls.size() == 2);
  CHECK(fulls[0].client == kA);
  CHECK(fulls[0].clock == 1);
  CHECK(fulls[1].client == kB);
  CHECK(fulls[1].clock == 1);
  for (const presence_update& u : fulls) CHECK(u.what == kind::full);

  apply_all(c, fulls, 2ms);
  CHECK(c.states().at(kB) == b.local());
  CHECK_FALSE(c.states().at(kA).cursor);
  // The pending change follows as the patch on top of what c has.
  apply_all(c, a.take_updates(), 3ms);
  CHECK(c.states().at(kA) == a.local());
}

TEST_CASE("presence: start_clock lets a restarted client be heard at once", "[presence]") {
  presence b(kB);
  std::uint64_t last = 0;
  {
    presence a(kA);
    a.set_local(someone("ada"), 0ms);
    for (int i = 0; i < 5; ++i) {
      a.set_cursor(caret(static_cast<std::uint64_t>(i)), 0ms);
      apply_all(b, a.take_updates(), 0ms);
    }
    last = a.clock();
    REQUIRE(last == 5);
  }
  presence fresh(kA);
  fresh.set_local(someone("ada again"), 1ms);
  apply_all(b, fresh.take_updates(), 1ms);
  CHECK(b.states().at(kA).name == "ada");  // clock 1 is stale

  presence_options o;
  o.start_clock = last;
  presence resumed(kA, o);
  resumed.set_local(someone("ada again"), 2ms);
  const presence_update u = one_update(resumed);
  CHECK(u.clock == last + 1);
  apply_all(b, {u}, 2ms);
  CHECK(b.states().at(kA).name == "ada again");
}

namespace {

// lossy_net carries updates between presences with drops, duplicates and
// reordering, all drawn from one seeded generator.
struct lossy_net {
  struct packet {
    std::size_t to;
    presence_update update;
  };
  std::mt19937_64 rng;
  std::vector<packet> in_flight;

  explicit lossy_net(std::uint64_t seed) : rng(seed) {}

  bool chance(int percent) {
    return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
  }

  void send(std::size_t from, std::size_t peers, const std::vector<presence_update>& updates) {
    for (const presence_update& u : updates) {
      for (std::size_t to = 0; to < peers; ++to) {
        if (to == from || chance(20)) continue;
        in_flight.push_back({to, u});
        if (chance(10)) in_flight.push_back({to, u});
      }
    }
  }

  // deliver hands over a random part of what is in flight, in random order.
  void deliver(std::vector<presence>& ps, presence_time now, bool all) {
    std::shuffle(in_flight.begin(), in_flight.end(), rng);
    std::vector<packet> kept;
    for (packet& p : in_flight) {
      if (!all && chance(40)) {
        kept.push_back(std::move(p));
        continue;
      }
      ok(ps[p.to].apply(p.update, now));
      require_sound(ps[p.to]);
    }
    in_flight = std::move(kept);
  }
};

// broadcast hands every update each peer has to all others, reliably.
void broadcast(std::vector<presence>& ps, presence_time now) {
  for (std::size_t i = 0; i < ps.size(); ++i) {
    for (const presence_update& u : ps[i].take_updates()) {
      for (std::size_t to = 0; to < ps.size(); ++to) {
        if (to == i) continue;
        ok(ps[to].apply(u, now));
        require_sound(ps[to]);
      }
    }
  }
}

void run_convergence(std::size_t n, std::uint64_t seed) {
  INFO("peers " << n << ", seed " << seed);
  std::vector<presence> ps;
  std::vector<bool> present(n, true);
  for (std::size_t i = 0; i < n; ++i) ps.emplace_back(replica_id{i + 1});
  lossy_net net(seed);
  presence_time now = 0ms;
  for (std::size_t i = 0; i < n; ++i) ps[i].set_local(someone("p" + std::to_string(i)), now);

  for (int step = 0; step < 200; ++step) {
    now += std::chrono::milliseconds(std::uniform_int_distribution<int>(10, 900)(net.rng));
    const std::size_t who = std::uniform_int_distribution<std::size_t>(0, n - 1)(net.rng);
    presence& p = ps[who];
    presence_state s = p.local();
    switch (std::uniform_int_distribution<int>(0, 9)(net.rng)) {
      case 0:
        p.leave(now);
        present[who] = false;
        break;
      case 1:
        s.name = "p" + std::to_string(who) + "." + std::to_string(step);
        p.set_local(s, now);
        present[who] = true;
        break;
      case 2:
        s.custom.erase("tool");
        s.custom["k" + std::to_string(step % 5)] = std::to_string(step);
        p.set_local(s, now);
        present[who] = true;
        break;
      case 3:
        p.set_cursor(std::nullopt, now);
        break;
      default:
        p.set_cursor(caret(static_cast<std::uint64_t>(step)), now);
        break;
    }
    require_sound(p);
    for (std::size_t i = 0; i < n; ++i) {
      ps[i].tick(now);
      require_sound(ps[i]);
      net.send(i, n, ps[i].take_updates());
      require_sound(ps[i]);
    }
    net.deliver(ps, now, false);
  }

  // Quiet: what is in flight lands (in any order), then two heartbeat
  // rounds over a reliable network. The first repairs every present entry;
  // by the second, an absent client whose goodbye was lost has been silent
  // for the timeout and is gone.
  net.deliver(ps, now, true);
  for (int round = 0; round < 2; ++round) {
    now += presence_options{}.heartbeat;
    for (std::size_t i = 0; i < n; ++i) ps[i].tick(now);
    broadcast(ps, now);
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::map<replica_id, presence_state> expected;
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i && present[j]) expected.emplace(ps[j].self(), ps[j].local());
    }
    require_sound(ps[i]);
    CHECK(ps[i].states() == expected);
  }
}

}  // namespace

TEST_CASE("presence: peers converge through drops, duplicates and reordering", "[presence]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    run_convergence(2, seed);
    run_convergence(3, seed);
  }
}

TEST_CASE("presence: a cursor resolves to its place after concurrent edits", "[presence]") {
  weft::doc da(kA);
  weft::doc db(kB);
  auto ta = da.get_text("body");
  ok(ta.insert(0, "hello world"));
  ok(db.apply(da.delta_since(db.version())));

  // a selects "world" (anchor before 'w', caret at the end of the text).
  presence pa(kA);
  presence pb(kB);
  presence_cursor sel{"body", take(ta.anchor_at(6, affinity::right)),
                      take(ta.anchor_at(11, affinity::left))};
  presence_state s = someone("ada");
  s.cursor = sel;
  pa.set_local(s, 0ms);
  apply_all(pb, pa.take_updates(), 0ms);

  // Concurrently, b and a type before the selection.
  auto tb = db.get_text("body");
  ok(tb.insert(0, ">> "));
  ok(ta.insert(5, ","));
  ok(db.apply(da.delta_since(db.version())));
  ok(da.apply(db.delta_since(da.version())));
  REQUIRE(tb.to_string() == ">> hello, world");
  REQUIRE(ta.to_string() == tb.to_string());

  const presence_cursor& seen = *pb.states().at(kA).cursor;
  CHECK(take(weft::resolve_cursor(db, seen)) == std::pair<std::size_t, std::size_t>{10, 15});
  CHECK(take(weft::resolve_cursor(da, sel)) == std::pair<std::size_t, std::size_t>{10, 15});
  // Typing at the caret (left affinity) leaves it before the new text.
  ok(tb.insert(15, "!"));
  CHECK(take(weft::resolve_cursor(db, seen)) == std::pair<std::size_t, std::size_t>{10, 15});

  // A cursor into characters this doc has never seen is an error, not a
  // guess.
  weft::doc dc(kC);
  CHECK(weft::resolve_cursor(dc, seen).code() == errc::unknown_id);
  presence_cursor bad = seen;
  bad.head.target = weft::op_id{kA, 1'000};
  CHECK(weft::resolve_cursor(db, bad).code() == errc::unknown_id);
}
