// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/sync.hpp
// -----------------------------------------------------------------------------
//
// What the sync entry points (sync.cpp: options, peers, sessions; relay.cpp)
// share: the options and peer structs, and `sync_handle`, the bookkeeping
// that keeps the C++ session's and relay's rule (callbacks must not call
// back in) from turning into undefined behaviour: every entry point runs
// through `with_sync`, which refuses a call made from inside one of the
// handle's own callbacks and defers a free made there until the outermost
// call returns.

#ifndef WEFT_BINDINGS_C_SRC_SYNC_HPP_
#define WEFT_BINDINGS_C_SRC_SYNC_HPP_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "c_api.hpp"
#include "weft/sync/session.hpp"

struct weft_sync_peer {
  const weft::sync::peer_info* info = nullptr;
};

namespace weft::c {

// c_callback is a C function pointer and its user data.
template <class Fn>
struct c_callback {
  Fn fn = nullptr;
  void* data = nullptr;
};

// sync_hooks are the server hooks a C application sets on its options; a
// session keeps its own copy, read by the C++ hooks install_hooks sets.
struct sync_hooks {
  c_callback<weft_sync_authorize_fn> authorize;
  c_callback<weft_sync_resolve_fn> resolve;
  c_callback<weft_sync_durable_fn> durable;
};

// size_option sets a size option of a session or relay: 1 to SIZE_MAX.
inline result<void> size_option(std::size_t& field, std::uint64_t v) {
  if (v == 0 || v > std::numeric_limits<std::size_t>::max()) {
    return make_error(errc::invalid_argument, "a size is out of range");
  }
  field = static_cast<std::size_t>(v);
  return {};
}

struct sync_handle {
  error_slot last_error;
  int depth = 0;        // calls on the handle in progress
  int in_close = 0;     // close callbacks running
  bool free_pending = false;
};

// held is a document (and presence) a session or relay keeps alive.
struct held {
  std::string id;
  box_ptr doc;
  presence_ptr presence;
};

// with_sync runs `body(handle)` for an entry point: null check, the
// reentrancy rule (a call from inside the handle's callbacks is refused,
// except one `during_close_ok` made from a close callback), exception
// guard, and the deferred free.
template <class H, class F>
weft_status with_sync(const H* handle, bool during_close_ok, F&& body) noexcept {
  if (handle == nullptr) return null_argument(nullptr, "handle");
  H* h = const_cast<H*>(handle);
  if (h->depth > 0 && !(during_close_ok && h->in_close > 0)) {
    return fail_in(&h->last_error, WEFT_ERR_INVALID_STATE,
                   "called from inside one of the handle's own callbacks");
  }
  ++h->depth;
  const weft_status s = guard_in(&h->last_error, [&]() -> weft_status { return body(*h); });
  if (--h->depth == 0 && h->free_pending) delete h;
  return s;
}

template <class H, class F>
weft_status with_sync(const H* handle, F&& body) noexcept {
  return with_sync(handle, false, std::forward<F>(body));
}

// fail_h records an error for the thread and the handle (may be null).
template <class H>
weft_status fail_h(const H* h, weft_status status, std::string_view msg) noexcept {
  return fail_in(h == nullptr ? nullptr : &const_cast<H*>(h)->last_error, status, msg);
}

// set_slot sets one callback slot of a handle.
template <class H, class Fn>
weft_status set_slot(H* handle, c_callback<Fn> H::*slot, Fn fn, void* user_data) noexcept {
  return with_sync(handle, [&](H& h) {
    h.*slot = c_callback<Fn>{fn, user_data};
    return WEFT_OK;
  });
}

// free_sync frees a handle now, or once the outermost call on it returns.
template <class H>
void free_sync(H* h) noexcept {
  if (h == nullptr) return;
  if (h->depth > 0) {
    h->free_pending = true;
    return;
  }
  delete h;
}

// role_from reads a role a C hook returned; anything else is none.
inline sync::role role_from(std::int32_t r) noexcept {
  return r >= WEFT_SYNC_ROLE_NONE && r <= WEFT_SYNC_ROLE_ADMIN ? static_cast<sync::role>(r)
                                                               : sync::role::none;
}

inline sync::time_point ms_time(std::int64_t now_ms) noexcept { return sync::time_point(now_ms); }

// held_of keeps what a weft_doc and weft_presence (may be null) share.
inline held held_of(const weft_doc& d, const weft_presence* p) {
  return held{d.box->doc.id(), d.box, p == nullptr ? nullptr : p->box};
}

}  // namespace weft::c

struct weft_sync_options {
  // o carries everything but the hooks, which are the C ones.
  weft::sync::session_options o;
  weft::c::sync_hooks hooks;
};

#endif  // WEFT_BINDINGS_C_SRC_SYNC_HPP_
