// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/c_api.hpp
// -----------------------------------------------------------------------------
//
// What the C entry points share: the structs behind the opaque handles, the
// error slots, and `guard`, which every entry point runs its body through so
// that no exception leaves the library.
//
// A weft_doc owns a doc_box through a shared_ptr; every other handle holds a
// weak_ptr to it, except sync sessions and relays, which share it (the C++
// session keeps raw references to the documents it carries). An entry point
// locks the box for the length of the call, so a document freed from inside
// a callback is destroyed only when the outermost call returns, and a handle
// whose document is gone reports WEFT_ERR_DOC_FREED instead of touching
// freed memory. A weft_presence shares its presence_box the same way.

#ifndef WEFT_BINDINGS_C_SRC_C_API_HPP_
#define WEFT_BINDINGS_C_SRC_C_API_HPP_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "weft.h"
#include "weft/doc.hpp"
#include "weft/event.hpp"
#include "weft/presence.hpp"
#include "weft/result.hpp"
#include "weft/subscription.hpp"
#include "weft/undo_manager.hpp"
#include "weft/wire.hpp"

namespace weft::c {

// error_slot holds a last-error message. Storing one may itself run out of
// memory; the slot then shows a fixed message instead of throwing.
class error_slot {
 public:
  void set(std::string_view msg) noexcept {
    try {
      msg_.assign(msg);
      fixed_ = nullptr;
    } catch (...) {
      fixed_ = "out of memory (while recording an error)";
    }
  }
  const char* get() const noexcept { return fixed_ != nullptr ? fixed_ : msg_.c_str(); }

 private:
  std::string msg_;
  const char* fixed_ = nullptr;
};

// error_slot of the calling thread: weft_last_error().
error_slot& thread_error() noexcept;

struct doc_settings {
  doc_options options;  // as given at creation (max_ops, max_pending_ops)
  decode_limits limits;
  encode_options encoding;
};

struct doc_box {
  explicit doc_box(weft::doc d, doc_settings s) : doc(std::move(d)), settings(std::move(s)) {}
  weft::doc doc;
  doc_settings settings;
  error_slot last_error;
};

using box_ptr = std::shared_ptr<doc_box>;
using weak_box = std::weak_ptr<doc_box>;

// presence_box is what a weft_presence shares with the sync sessions and
// relays it is given to, which keep it alive.
struct presence_box {
  explicit presence_box(weft::presence p) : presence(std::move(p)) {}
  weft::presence presence;
  error_slot last_error;
};
using presence_ptr = std::shared_ptr<presence_box>;

// fail_in records `msg` for the thread and in `slot` (the handle's own last
// error, may be null), and returns `status`; fail does so for a document.
weft_status fail_in(error_slot* slot, weft_status status, std::string_view msg) noexcept;
weft_status fail_in(error_slot* slot, const weft::error& e) noexcept;
weft_status fail(doc_box* box, weft_status status, std::string_view msg) noexcept;
weft_status fail(doc_box* box, const weft::error& e) noexcept;
weft_status from_errc(errc code) noexcept;

template <class T>
weft_status check(doc_box* box, const result<T>& r) noexcept {
  return r ? WEFT_OK : fail(box, r.error());
}

// guard_in runs `body` (returning weft_status) and turns every exception
// into a status recorded in `slot`: no C++ exception crosses the ABI. guard
// does so for a document.
template <class F>
weft_status guard_in(error_slot* slot, F&& body) noexcept {
  try {
    return std::forward<F>(body)();
  } catch (const std::bad_alloc&) {
    return fail_in(slot, WEFT_ERR_NO_MEMORY, "out of memory");
  } catch (const std::length_error&) {
    return fail_in(slot, WEFT_ERR_NO_MEMORY, "allocation too large");
  } catch (const std::exception& e) {
    return fail_in(slot, WEFT_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail_in(slot, WEFT_ERR_INTERNAL, "unknown exception");
  }
}
template <class F>
weft_status guard(doc_box* box, F&& body) noexcept {
  return guard_in(box == nullptr ? nullptr : &box->last_error, std::forward<F>(body));
}

weft_status null_argument(doc_box* box, const char* what) noexcept;

// bytes_out fills `out` with a malloc'ed, NUL-terminated copy of `s`.
weft_status bytes_out(doc_box* box, std::string_view s, weft_bytes* out) noexcept;
weft_status bytes_out(doc_box* box, const std::vector<std::uint8_t>& v, weft_bytes* out) noexcept;
// bytes_out_in records a failure in `slot` (a handle's own last error).
weft_status bytes_out_in(error_slot* slot, std::string_view s, weft_bytes* out) noexcept;
weft_status bytes_out_in(error_slot* slot, const std::vector<std::uint8_t>& v,
                         weft_bytes* out) noexcept;

// value_in converts a borrowed C value (a scalar); value_out makes an owned
// copy of `v` (which may be a container: its type only).
result<value> value_in(const weft_value* in);
weft_status value_out(doc_box* box, const value& v, weft_value* out) noexcept;
// value_list_out fills `out` with owned copies of `vs`.
template <class It, class Get>
weft_status value_list_out(doc_box* box, It begin, It end, Get get, weft_value_list* out) noexcept;

// span_ok checks a borrowed (pointer, length) input: NULL is allowed only with
// length 0.
inline bool span_ok(const void* p, std::size_t len) noexcept { return p != nullptr || len == 0; }
inline std::string_view sv(const char* p, std::size_t len) noexcept {
  return p == nullptr ? std::string_view() : std::string_view(p, len);
}

result<void> utf8_ok(std::string_view s, const char* what);

// anchor_in checks and converts a C anchor; anchor_to_c converts back.
result<anchor> anchor_in(const weft_anchor* in);
weft_anchor anchor_to_c(const anchor& a) noexcept;

// Options shared by documents and sync sessions (doc.cpp): set_option
// applies one (key, value) pair, refusing creation options unless
// `creating`; get_option reads one. is_io_option says whether a key is a
// decode limit or an encoding option (what a sync session takes too).
result<void> set_option(doc_settings& s, std::uint64_t key, std::uint64_t v, bool creating);
result<std::uint64_t> get_option(const doc_settings& s, std::int64_t key);
bool is_io_option(std::int64_t key) noexcept;
// set_presence_option applies one weft_presence_option (presence.cpp).
result<void> set_presence_option(presence_options& o, std::uint64_t key, std::uint64_t v);

// origin_from builds a user origin from a tag, or `fallback` when tag is NULL.
weft::origin origin_from(const char* tag, std::size_t tag_len, weft::origin fallback);
std::int32_t origin_kind(const weft::origin& o) noexcept;

}  // namespace weft::c

// The handles. Container handles keep the typed C++ handle next to a weak
// reference to their document's box.
struct weft_doc {
  weft::c::box_ptr box;
};

template <class Ref>
struct weft_container_handle {
  weft::c::weak_box box;
  Ref ref;
};

struct weft_text : weft_container_handle<weft::text_ref> {};
struct weft_map : weft_container_handle<weft::map_ref> {};
struct weft_list : weft_container_handle<weft::list_ref> {};
struct weft_counter : weft_container_handle<weft::counter_ref> {};
struct weft_register : weft_container_handle<weft::register_ref> {};

struct weft_subscription {
  weft::subscription sub;
};

struct weft_presence {
  weft::c::presence_ptr box;
};

struct weft_undo_manager {
  weft::c::weak_box box;
  // Shared so that a call holds it: an observer run by undo() may free the
  // handle before undo() returns.
  std::shared_ptr<weft::undo_manager> um;
};

// weft_event wraps one C++ event for the length of a callback.
struct weft_event {
  std::variant<const weft::text_event*, const weft::list_event*, const weft::map_event*,
               const weft::counter_event*, const weft::register_event*>
      ev;
  weft::c::weak_box box;
};

namespace weft::c {

// box_hint names the document of a handle for error reporting (nullptr when
// the handle is NULL or its document is gone). The weft_doc keeps it alive.
template <class H>
doc_box* box_hint(const H* h) noexcept {
  return h == nullptr ? nullptr : h->box.lock().get();
}

// make_handle allocates the C handle for a C++ container handle.
template <class H, class Ref>
weft_status make_handle(const box_ptr& box, Ref ref, H** out) noexcept {
  H* h = new (std::nothrow) H{};
  if (h == nullptr) return fail(box.get(), WEFT_ERR_NO_MEMORY, "out of memory");
  h->box = box;
  h->ref = std::move(ref);
  *out = h;
  return WEFT_OK;
}

// with_container runs `body(box, ref)` for a container handle: null check,
// document liveness, exception guard.
template <class H, class F>
weft_status with_container(const H* h, F&& body) noexcept {
  if (h == nullptr) return null_argument(nullptr, "handle");
  box_ptr box = h->box.lock();
  if (!box) return fail(nullptr, WEFT_ERR_DOC_FREED, "the handle's document was freed");
  return guard(box.get(), [&]() -> weft_status { return body(box, h->ref); });
}

template <class F>
weft_status with_doc(const weft_doc* d, F&& body) noexcept {
  if (d == nullptr || !d->box) return null_argument(nullptr, "doc");
  box_ptr box = d->box;
  return guard(box.get(), [&]() -> weft_status { return body(box); });
}

template <class It, class Get>
weft_status value_list_out(doc_box* box, It begin, It end, Get get, weft_value_list* out) noexcept {
  const std::size_t n = static_cast<std::size_t>(end - begin);
  weft_value_list list{nullptr, 0};
  if (n > 0) {
    list.items = static_cast<weft_value*>(std::calloc(n, sizeof(weft_value)));
    if (list.items == nullptr) return fail(box, WEFT_ERR_NO_MEMORY, "out of memory");
  }
  for (It it = begin; it != end; ++it) {
    const weft_status s = value_out(box, get(*it), &list.items[list.len]);
    if (s != WEFT_OK) {
      weft_value_list_free(&list);
      return s;
    }
    ++list.len;
  }
  *out = list;
  return WEFT_OK;
}

}  // namespace weft::c

#endif  // WEFT_BINDINGS_C_SRC_C_API_HPP_
