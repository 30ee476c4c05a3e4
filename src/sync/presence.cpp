// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/presence.cpp
// -----------------------------------------------------------------------------
//
// Remote entries are kept as two maps with the same keys: `states_`, which
// presence::states() hands out by reference, and `meta_`, the clock and the
// time each entry was last heard of. A client that left (goodbye or timeout)
// leaves a tombstone with its last clock for `timeout`, so that an update
// which was overtaken by the goodbye cannot bring the entry back.
//
// The local client is a small state machine: `announced_` is what the
// application wants (set_local ... leave), `sent_` is what peers were last
// told (nullopt: that we are absent), and take_updates() moves the second
// towards the first with at most a goodbye and one full or patch.

#include "weft/presence.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include "doc/observer_registry.hpp"
#include "fmt/format.h"
#include "weft/doc.hpp"
#include "weft/internal/saturating.hpp"
#include "weft/internal/utf8.hpp"
#include "weft/text_ref.hpp"

namespace weft {
namespace internal {

namespace {

using kind = presence_update::kind;

result<void> check_string(std::string_view field, const std::string& s,
                          const presence_options& o) {
  if (s.size() > o.max_field_bytes) {
    return make_error(errc::too_large,
                      fmt::format("presence field {} has {} bytes (limit {})", field,
                                  s.size(), o.max_field_bytes));
  }
  if (!validate_utf8(s)) {
    return make_error(errc::invalid_utf8,
                      fmt::format("presence field {} is not valid UTF-8", field));
  }
  return {};
}

result<void> check_anchor(std::string_view field, const anchor& a) {
  if (a.side != affinity::left && a.side != affinity::right) {
    return make_error(errc::malformed,
                      fmt::format("presence cursor {} has an unknown affinity", field));
  }
  return {};
}

result<void> check_cursor(const presence_cursor& c, const presence_options& o) {
  WEFT_TRY(check_string("cursor.text", c.text, o));
  WEFT_TRY(check_anchor("anchor", c.anchor_pos));
  return check_anchor("head", c.head);
}

result<void> check_custom_key(const std::string& key, const presence_options& o) {
  return check_string("custom key", key, o);
}

// check_state holds a whole entry to the limits (used for the custom field
// count after a patch, and by the invariant checker).
result<void> check_state(const presence_state& s, const presence_options& o) {
  WEFT_TRY(check_string("user_id", s.user_id, o));
  WEFT_TRY(check_string("name", s.name, o));
  WEFT_TRY(check_string("color", s.color, o));
  WEFT_TRY(check_string("avatar_url", s.avatar_url, o));
  if (s.cursor) WEFT_TRY(check_cursor(*s.cursor, o));
  if (s.custom.size() > o.max_custom_fields) {
    return make_error(errc::too_large,
                      fmt::format("presence entry has {} custom fields (limit {})",
                                  s.custom.size(), o.max_custom_fields));
  }
  for (const auto& [key, value] : s.custom) {
    WEFT_TRY(check_custom_key(key, o));
    WEFT_TRY(check_string("custom value", value, o));
  }
  return {};
}

// check_update validates everything an update carries on its own, before
// anything is looked up or changed.
result<void> check_update(const presence_update& u, const presence_options& o) {
  if (u.what != kind::patch && u.what != kind::full && u.what != kind::goodbye) {
    return make_error(errc::malformed,
                      fmt::format("presence update of unknown kind {}",
                                  static_cast<unsigned>(u.what)));
  }
  if (u.clock == 0) {
    return make_error(errc::malformed, "presence update with clock 0 (clocks start at 1)");
  }
  const bool any_field = u.user_id || u.name || u.color || u.avatar_url || u.cursor ||
                         !u.custom.empty();
  if (u.what == kind::goodbye) {
    if (any_field) return make_error(errc::malformed, "presence goodbye carries fields");
    return {};
  }
  if (u.what == kind::full) {
    // A full update replaces the entry, so "leave this field as it is" and
    // "erase this key" mean nothing in it: a sender that omits them is broken.
    if (!u.user_id || !u.name || !u.color || !u.avatar_url || !u.cursor) {
      return make_error(errc::malformed, "presence full update lacks a field");
    }
    for (const auto& [key, value] : u.custom) {
      if (!value) return make_error(errc::malformed, "presence full update erases a key");
    }
  }
  if (u.user_id) WEFT_TRY(check_string("user_id", *u.user_id, o));
  if (u.name) WEFT_TRY(check_string("name", *u.name, o));
  if (u.color) WEFT_TRY(check_string("color", *u.color, o));
  if (u.avatar_url) WEFT_TRY(check_string("avatar_url", *u.avatar_url, o));
  if (u.cursor && *u.cursor) WEFT_TRY(check_cursor(**u.cursor, o));
  if (u.custom.size() > o.max_custom_fields) {
    return make_error(errc::too_large,
                      fmt::format("presence update has {} custom fields (limit {})",
                                  u.custom.size(), o.max_custom_fields));
  }
  for (const auto& [key, value] : u.custom) {
    WEFT_TRY(check_custom_key(key, o));
    if (value) WEFT_TRY(check_string("custom value", *value, o));
  }
  return {};
}

// apply_fields writes the fields `u` sets into `s`.
void apply_fields(const presence_update& u, presence_state& s) {
  if (u.user_id) s.user_id = *u.user_id;
  if (u.name) s.name = *u.name;
  if (u.color) s.color = *u.color;
  if (u.avatar_url) s.avatar_url = *u.avatar_url;
  if (u.cursor) s.cursor = *u.cursor;
  for (const auto& [key, value] : u.custom) {
    if (value) {
      s.custom.insert_or_assign(key, *value);
    } else {
      s.custom.erase(key);
    }
  }
}

presence_update make_full(replica_id client, std::uint64_t clock, const presence_state& s) {
  presence_update u;
  u.client = client;
  u.clock = clock;
  u.what = kind::full;
  u.user_id = s.user_id;
  u.name = s.name;
  u.color = s.color;
  u.avatar_url = s.avatar_url;
  u.cursor = s.cursor;
  for (const auto& [key, value] : s.custom) u.custom.emplace(key, value);
  return u;
}

// make_patch returns the fields of `to` that differ from `from`.
presence_update make_patch(replica_id client, std::uint64_t clock, const presence_state& from,
                           const presence_state& to) {
  presence_update u;
  u.client = client;
  u.clock = clock;
  u.what = kind::patch;
  if (from.user_id != to.user_id) u.user_id = to.user_id;
  if (from.name != to.name) u.name = to.name;
  if (from.color != to.color) u.color = to.color;
  if (from.avatar_url != to.avatar_url) u.avatar_url = to.avatar_url;
  if (from.cursor != to.cursor) u.cursor = to.cursor;
  for (const auto& [key, value] : from.custom) {
    if (!to.custom.contains(key)) u.custom.emplace(key, std::nullopt);
  }
  for (const auto& [key, value] : to.custom) {
    auto it = from.custom.find(key);
    if (it == from.custom.end() || it->second != value) u.custom.emplace(key, value);
  }
  return u;
}

}  // namespace

class presence_impl {
 public:
  presence_impl(replica_id self, presence_options options)
      : self_(self),
        options_(options),
        clock_(options.start_clock),
        observers_(std::make_shared<observer_registry>()) {
    // Leaves room for more updates than any process sends; a start clock
    // near the top is a caller's mistake, not input.
    WEFT_ASSERT(options.start_clock < (std::uint64_t{1} << 63),
                "presence_options::start_clock must be below 2^63");
  }

  replica_id self() const noexcept { return self_; }
  std::uint64_t clock() const noexcept { return clock_; }
  const presence_state& local() const noexcept { return local_; }
  const std::map<replica_id, presence_state>& states() const noexcept { return states_; }

  void set_local(const presence_state& state, presence_time now) {
    local_ = state;
    if (!announced_) {
      announced_ = true;
      full_pending_ = true;
      last_full_ = now;
    }
  }

  void set_cursor(std::optional<presence_cursor> cursor) { local_.cursor = std::move(cursor); }

  void leave() {
    if (!announced_) return;
    announced_ = false;
    full_pending_ = false;
    // Peers that were never told about us need no goodbye.
    if (sent_) goodbye_pending_ = true;
  }

  std::vector<presence_update> take_updates() {
    std::vector<presence_update> out;
    if (goodbye_pending_) {
      presence_update bye;
      bye.client = self_;
      bye.clock = next_clock();
      bye.what = kind::goodbye;
      out.push_back(std::move(bye));
      sent_.reset();
      goodbye_pending_ = false;
    }
    if (!announced_) return out;
    if (!sent_ || full_pending_) {
      out.push_back(make_full(self_, next_clock(), local_));
    } else if (local_ != *sent_) {
      presence_update p = make_patch(self_, clock_ + 1, *sent_, local_);
      // A patch that swaps many custom keys could exceed what a peer takes
      // in one update; the full entry never does.
      if (p.custom.size() > options_.max_custom_fields) p = make_full(self_, clock_ + 1, local_);
      ++clock_;
      out.push_back(std::move(p));
    } else {
      return out;
    }
    sent_ = local_;
    full_pending_ = false;
    return out;
  }

  result<void> validate(const presence_update& u) const {
    if (u.client == self_) {
      return make_error(errc::invalid_argument,
                        "presence update for this client: only its owner changes an entry");
    }
    return check_update(u, options_);
  }

  result<void> apply(const presence_update& u, presence_time now) {
    WEFT_TRY(validate(u));

    auto meta = meta_.find(u.client);
    std::uint64_t known = 0;
    if (meta != meta_.end()) {
      known = meta->second.clock;
    } else if (auto t = tombstones_.find(u.client); t != tombstones_.end()) {
      known = t->second.clock;
    }
    // Stale, duplicated or overtaken by a goodbye: nothing to do.
    if (u.clock <= known) return {};

    std::vector<presence_event> events;
    switch (u.what) {
      case kind::full: {
        presence_state next;
        apply_fields(u, next);
        if (meta == meta_.end()) {
          if (states_.size() >= options_.max_clients) {
            return make_error(errc::too_large,
                              fmt::format("presence has {} clients (limit {})", states_.size(),
                                          options_.max_clients));
          }
          unbury(u.client);
          states_.emplace(u.client, std::move(next));
          meta_.emplace(u.client, remote_meta{u.clock, now});
          events.push_back({presence_event::kind::joined, u.client, false});
        } else {
          presence_state& s = states_.at(u.client);
          const bool changed = s != next;
          s = std::move(next);
          meta->second = remote_meta{u.clock, std::max(meta->second.heard, now)};
          if (changed) events.push_back({presence_event::kind::updated, u.client, false});
        }
        break;
      }
      case kind::patch: {
        // A patch is a difference from clock-1: for an unknown entry or after
        // a gap it cannot be applied, and the next full repairs the entry.
        if (meta == meta_.end() || u.clock != meta->second.clock + 1) return {};
        presence_state& s = states_.at(u.client);
        presence_state next = s;
        apply_fields(u, next);
        if (next.custom.size() > options_.max_custom_fields) {
          return make_error(errc::too_large,
                            fmt::format("presence patch leaves {} custom fields (limit {})",
                                        next.custom.size(), options_.max_custom_fields));
        }
        const bool changed = s != next;
        s = std::move(next);
        meta->second = remote_meta{u.clock, std::max(meta->second.heard, now)};
        if (changed) events.push_back({presence_event::kind::updated, u.client, false});
        break;
      }
      case kind::goodbye: {
        if (meta != meta_.end()) {
          meta_.erase(meta);
          states_.erase(u.client);
          events.push_back({presence_event::kind::left, u.client, false});
        }
        // Also for an unknown client: its goodbye may have overtaken its full.
        bury(u.client, u.clock, now);
        break;
      }
    }
    emit(events);
    return {};
  }

  void tick(presence_time now) {
    if (announced_ && elapsed(now, last_full_) >= options_.heartbeat) {
      full_pending_ = true;
      last_full_ = now;
    }
    std::vector<presence_event> events;
    for (auto it = meta_.begin(); it != meta_.end();) {
      if (elapsed(now, it->second.heard) >= options_.timeout) {
        const replica_id client = it->first;
        const std::uint64_t clock = it->second.clock;
        it = meta_.erase(it);
        states_.erase(client);
        bury(client, clock, now);
        events.push_back({presence_event::kind::left, client, true});
      } else {
        ++it;
      }
    }
    while (!tomb_order_.empty() && elapsed(now, tomb_order_.begin()->first) >= options_.timeout) {
      tombstones_.erase(tomb_order_.begin()->second);
      tomb_order_.erase(tomb_order_.begin());
    }
    emit(events);
  }

  std::vector<presence_update> full_updates() const {
    std::vector<presence_update> out;
    // What peers were last told, at the clock they were told it: pending
    // local changes go out through take_updates as usual.
    if (announced_ && sent_) out.push_back(make_full(self_, clock_, *sent_));
    for (const auto& [client, state] : states_) {
      out.push_back(make_full(client, meta_.at(client).clock, state));
    }
    return out;
  }

  subscription observe(std::function<void(const presence_event&)> fn) {
    const std::uint64_t id = observers_->add(
        observer_registry::no_target, observer_registry::presence_fn(std::move(fn)));
    return subscription(observers_, id);
  }

  result<void> check() const;

 private:
  struct remote_meta {
    std::uint64_t clock = 0;
    presence_time heard{};
  };
  struct tombstone {
    std::uint64_t clock = 0;
    presence_time at{};
  };

  std::uint64_t next_clock() {
    WEFT_ASSERT(clock_ < std::numeric_limits<std::uint64_t>::max(), "presence clock exhausted");
    return ++clock_;
  }

  // bury records that `client` left at `clock`. Tombstones are bounded like
  // entries; past the bound the oldest goes, which only weakens protection
  // against very late packets of a client long gone.
  void bury(replica_id client, std::uint64_t clock, presence_time now) {
    auto it = tombstones_.find(client);
    if (it != tombstones_.end()) {
      tomb_order_.erase({it->second.at, client});
      it->second = tombstone{std::max(it->second.clock, clock), now};
      tomb_order_.emplace(now, client);
      return;
    }
    if (tombstones_.size() >= options_.max_clients && !tomb_order_.empty()) {
      tombstones_.erase(tomb_order_.begin()->second);
      tomb_order_.erase(tomb_order_.begin());
    }
    if (options_.max_clients == 0) return;
    tombstones_.emplace(client, tombstone{clock, now});
    tomb_order_.emplace(now, client);
  }

  void unbury(replica_id client) {
    auto it = tombstones_.find(client);
    if (it == tombstones_.end()) return;
    tomb_order_.erase({it->second.at, client});
    tombstones_.erase(it);
  }

  // emit runs after the state is complete, so observers may read it or
  // call back into the presence.
  void emit(const std::vector<presence_event>& events) {
    if (events.empty() || observers_->empty()) return;
    const auto reg = observers_;  // a callback may drop the last subscription
    for (const presence_event& e : events) {
      reg->notify<observer_registry::presence_fn>(observer_registry::no_target, e);
    }
  }

  replica_id self_;
  presence_options options_;

  presence_state local_;
  std::uint64_t clock_ = 0;  // of the last update produced
  bool announced_ = false;
  std::optional<presence_state> sent_;
  bool goodbye_pending_ = false;
  bool full_pending_ = false;
  presence_time last_full_{};  // when the last full update was queued

  std::map<replica_id, presence_state> states_;
  std::map<replica_id, remote_meta> meta_;
  std::map<replica_id, tombstone> tombstones_;
  std::set<std::pair<presence_time, replica_id>> tomb_order_;

  std::shared_ptr<observer_registry> observers_;
};

result<void> presence_impl::check() const {
  auto fail = [](std::string message) {
    return make_error(errc::corrupted, "presence: " + std::move(message));
  };
  if (states_.size() != meta_.size()) return fail("states and clocks disagree in size");
  if (states_.size() > options_.max_clients) return fail("more entries than max_clients");
  for (const auto& [client, state] : states_) {
    if (client == self_) return fail("an entry for this client among the remote ones");
    auto m = meta_.find(client);
    if (m == meta_.end()) return fail("an entry without a clock");
    if (m->second.clock == 0) return fail("an entry with clock 0");
    if (tombstones_.contains(client)) return fail("a live entry with a tombstone");
    if (auto r = check_state(state, options_); !r) {
      return fail("an entry outside the limits: " + r.error().message);
    }
  }
  if (tombstones_.size() != tomb_order_.size()) return fail("tombstone index out of step");
  if (tombstones_.size() > options_.max_clients) return fail("more tombstones than max_clients");
  for (const auto& [client, t] : tombstones_) {
    if (client == self_) return fail("a tombstone for this client");
    if (t.clock == 0) return fail("a tombstone with clock 0");
    if (!tomb_order_.contains({t.at, client})) return fail("a tombstone missing from the index");
  }
  if (clock_ < options_.start_clock) return fail("the local clock went below start_clock");
  if (goodbye_pending_ && !sent_) return fail("a goodbye pending for a client never announced");
  if (!announced_ && !goodbye_pending_ && sent_) {
    return fail("peers think this client is here, but no goodbye is pending");
  }
  if (sent_ && clock_ == options_.start_clock) return fail("an update sent without a clock");
  if (full_pending_ && !announced_) return fail("a full update pending while absent");
  return {};
}

result<void> check(const presence& p) { return p.impl().check(); }

}  // namespace internal

presence::presence(replica_id self, presence_options options)
    : impl_(std::make_unique<internal::presence_impl>(self, options)) {}
presence::~presence() = default;
presence::presence(presence&&) noexcept = default;
presence& presence::operator=(presence&&) noexcept = default;

replica_id presence::self() const noexcept { return impl_->self(); }
std::uint64_t presence::clock() const noexcept { return impl_->clock(); }

void presence::set_local(const presence_state& state, presence_time now) {
  impl_->set_local(state, now);
}
void presence::set_cursor(std::optional<presence_cursor> cursor, presence_time /*now*/) {
  impl_->set_cursor(std::move(cursor));
}
const presence_state& presence::local() const noexcept { return impl_->local(); }
void presence::leave(presence_time /*now*/) { impl_->leave(); }

std::vector<presence_update> presence::take_updates() { return impl_->take_updates(); }

result<void> presence::apply(const presence_update& update, presence_time now) {
  return impl_->apply(update, now);
}

result<void> presence::validate(const presence_update& update) const {
  return impl_->validate(update);
}

void presence::tick(presence_time now) { impl_->tick(now); }

const std::map<replica_id, presence_state>& presence::states() const noexcept {
  return impl_->states();
}
std::vector<presence_update> presence::full_updates() const { return impl_->full_updates(); }

subscription presence::observe(std::function<void(const presence_event&)> fn) {
  return impl_->observe(std::move(fn));
}

result<std::pair<std::size_t, std::size_t>> resolve_cursor(doc& d, const presence_cursor& cursor) {
  const text_ref t = d.get_text(cursor.text);
  auto anchor_pos = t.resolve(cursor.anchor_pos);
  if (!anchor_pos) {
    return make_error(anchor_pos.code(), "presence cursor anchor: " + anchor_pos.error().message);
  }
  auto head = t.resolve(cursor.head);
  if (!head) return make_error(head.code(), "presence cursor head: " + head.error().message);
  return std::pair<std::size_t, std::size_t>{*anchor_pos, *head};
}

}  // namespace weft
