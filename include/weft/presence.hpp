// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: presence.hpp
// -----------------------------------------------------------------------------
//
// weft::presence is the ephemeral side of a shared document: who is here,
// what they are called, where their cursor is. Unlike document state it is
// not merged or kept: each client owns one entry, only its owner changes it,
// and it disappears when the owner leaves or stops renewing it.
//
// Every client (keyed by its replica id) has an entry with its own clock.
// Local changes produce `presence_update`s that carry only the fields that
// changed since the previous update; a heartbeat (every `heartbeat`, by
// default 15 s) carries the whole entry, which both renews it at every peer
// and repairs a peer that missed a partial update. A peer drops an entry it
// has not heard from for `timeout` (default 30 s); a goodbye removes it at
// once. Observers see joined, updated and left events.
//
// Time is whatever monotonic clock the application passes to `tick` and
// `apply`; presence has no clock or thread of its own. Not thread-safe.

#ifndef WEFT_PRESENCE_HPP_
#define WEFT_PRESENCE_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weft/anchor.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/subscription.hpp"

namespace weft {

class doc;

namespace internal {
class presence_impl;
}  // namespace internal

// presence_time is a point on the application's monotonic clock.
using presence_time = std::chrono::milliseconds;

// presence_cursor is a caret or selection in the root text `text` of the
// document, as stable anchors: it follows concurrent edits. The selection
// runs from `anchor_pos` (where it started) to `head` (where the caret is);
// they are equal for a plain caret.
struct presence_cursor {
  std::string text;
  anchor anchor_pos;
  anchor head;

  friend bool operator==(const presence_cursor&, const presence_cursor&) = default;
};

// presence_state is one client's entry. The well-known fields are typed;
// `custom` holds application fields (values are opaque UTF-8, JSON say).
struct presence_state {
  std::string user_id;
  std::string name;
  std::string color;
  std::string avatar_url;
  std::optional<presence_cursor> cursor;
  std::map<std::string, std::string> custom;

  friend bool operator==(const presence_state&, const presence_state&) = default;
};

// presence_update is what travels: a change to one client's entry.
struct presence_update {
  enum class kind : std::uint8_t {
    // patch sets the fields present below; it applies only on top of clock-1.
    patch = 0,
    // full replaces the entry (heartbeats and first announcements).
    full = 1,
    // goodbye removes the entry.
    goodbye = 2,
  };

  replica_id client{};
  // clock counts the owner's updates (1 for the first); a receiver ignores
  // any update whose clock is not above the entry's.
  std::uint64_t clock = 0;
  kind what = kind::patch;
  // Fields set by this update (patch: only changed ones; full: all).
  std::optional<std::string> user_id;
  std::optional<std::string> name;
  std::optional<std::string> color;
  std::optional<std::string> avatar_url;
  // cursor: nullopt leaves it; an engaged nullopt clears it.
  std::optional<std::optional<presence_cursor>> cursor;
  // custom: value nullopt erases the key.
  std::map<std::string, std::optional<std::string>> custom;

  friend bool operator==(const presence_update&, const presence_update&) = default;
};

// presence_event tells observers what happened to one client's entry.
struct presence_event {
  enum class kind : std::uint8_t { joined, updated, left };
  kind what = kind::joined;
  replica_id client{};
  // why an entry left: a goodbye, or its owner went silent for `timeout`.
  bool timed_out = false;
};

struct presence_options {
  std::chrono::milliseconds heartbeat{15'000};
  std::chrono::milliseconds timeout{30'000};
  // Limits on what a remote update may carry (bigger ones are refused with
  // errc::too_large and change nothing).
  std::size_t max_field_bytes = 4096;
  std::size_t max_custom_fields = 64;
  std::size_t max_clients = 10'000;
  // start_clock is the clock this client's updates continue from (its first
  // update carries start_clock + 1). Peers ignore updates whose clock is not
  // above what they last saw of a client, so a process that restarts under
  // the same replica id within `timeout` passes a value above any clock it
  // sent before (a saved clock(), or a wall-clock count of milliseconds).
  std::uint64_t start_clock = 0;
};

class presence {
 public:
  // presence for the client `self` (normally the local doc's replica id).
  explicit presence(replica_id self, presence_options options = {});
  ~presence();
  presence(presence&&) noexcept;
  presence& operator=(presence&&) noexcept;
  presence(const presence&) = delete;
  presence& operator=(const presence&) = delete;

  replica_id self() const noexcept;
  // clock returns the clock of the last update this client produced.
  std::uint64_t clock() const noexcept;

  // set_local replaces this client's entry; the fields that differ from the
  // previous one go out in the next update (see take_updates).
  void set_local(const presence_state& state, presence_time now);
  // set_cursor changes only the cursor (nullopt: none).
  void set_cursor(std::optional<presence_cursor> cursor, presence_time now);
  const presence_state& local() const noexcept;

  // leave queues a goodbye for this client; set_local announces it again.
  void leave(presence_time now);

  // take_updates returns the updates to send to peers since the last call:
  // local patches, heartbeats and goodbyes. (A session calls it; so may an
  // application that carries presence on its own transport.)
  std::vector<presence_update> take_updates();

  // apply takes an update from a peer. Updates for `self` are refused
  // (errc::invalid_argument): only the owner changes an entry. An update
  // that is stale (clock not above the entry's) or a patch that does not
  // follow the entry's clock (a lost update) changes nothing and returns ok;
  // the next heartbeat repairs the entry.
  result<void> apply(const presence_update& update, presence_time now);
  // validate returns what apply would refuse in `update` on its own (an
  // update for `self`, a malformed or oversized field) without changing
  // anything, so that a batch can be refused whole. apply may still refuse
  // it for what the presence holds (too many clients or custom fields).
  result<void> validate(const presence_update& update) const;

  // tick queues a heartbeat when one is due and expires silent entries.
  void tick(presence_time now);

  // states returns every live entry but this client's, by client.
  const std::map<replica_id, presence_state>& states() const noexcept;
  // full_updates returns one full update per live entry including this
  // client's, to bring a newly connected peer up to date.
  std::vector<presence_update> full_updates() const;

  subscription observe(std::function<void(const presence_event&)> fn);

  const internal::presence_impl& impl() const noexcept { return *impl_; }

 private:
  std::unique_ptr<internal::presence_impl> impl_;
};

// resolve_cursor returns the (anchor, head) positions of `cursor` in `d`, in
// code points as text_ref counts them, after whatever edits `d` has seen.
result<std::pair<std::size_t, std::size_t>> resolve_cursor(doc& d, const presence_cursor& cursor);

namespace internal {
// check verifies every invariant of `p` (entries, clocks, tombstones, the
// local announcement state). Tests call it after every mutation.
result<void> check(const presence& p);
}  // namespace internal

}  // namespace weft

#endif  // WEFT_PRESENCE_HPP_
