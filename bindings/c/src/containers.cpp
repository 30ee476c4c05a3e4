// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/containers.cpp
// -----------------------------------------------------------------------------
//
// Container handles: the operations every type shares, then text, map,
// list, counter and register.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "c_api.hpp"
#include "events.hpp"

namespace weft::c {
namespace {

template <class H>
weft_status to_json(const H* h, weft_bytes* out) noexcept {
  if (out == nullptr) return null_argument(box_hint(h), "out");
  return with_container(h, [&](const box_ptr& box, const auto& ref) {
    return bytes_out(box.get(), ref.to_json(), out);
  });
}

template <class H>
weft_status path(const H* h, weft_bytes* out) noexcept {
  if (out == nullptr) return null_argument(box_hint(h), "out");
  return with_container(h, [&](const box_ptr& box, const auto& ref) {
    return bytes_out(box.get(), path_json(ref), out);
  });
}

template <class H>
weft_status equal(const H* a, const H* b, bool* out) noexcept {
  if (b == nullptr || out == nullptr) return null_argument(box_hint(a), "b or out");
  return with_container(a, [&](const box_ptr& box, const auto& ref) -> weft_status {
    // Handles of a freed document never equal a live one's.
    box_ptr other = b->box.lock();
    *out = other == box && static_cast<const container&>(ref) == b->ref;
    return WEFT_OK;
  });
}

template <class E, class H>
weft_status observe(const H* h, weft_event_fn fn, void* user_data,
                    weft_subscription** out) noexcept {
  if (fn == nullptr || out == nullptr) return null_argument(box_hint(h), "fn or out");
  return with_container(h, [&](const box_ptr& box, const auto& ref) -> weft_status {
    auto s = std::make_unique<weft_subscription>();
    s->sub = ref.observe(event_observer<E>(box, fn, user_data));
    *out = s.release();
    return WEFT_OK;
  });
}

template <class H>
weft_status observe_deep(const H* h, weft_deep_fn fn, void* user_data,
                         weft_subscription** out) noexcept {
  if (fn == nullptr || out == nullptr) return null_argument(box_hint(h), "fn or out");
  return with_container(h, [&](const box_ptr& box, const auto& ref) -> weft_status {
    auto s = std::make_unique<weft_subscription>();
    s->sub = ref.observe_deep(deep_observer(box, fn, user_data));
    *out = s.release();
    return WEFT_OK;
  });
}

// make_from wraps a result<Ref> into a new handle.
template <class H, class Ref>
weft_status make_from(const box_ptr& box, result<Ref> r, H** out) noexcept {
  if (!r) return fail(box.get(), r.error());
  return make_handle<H, Ref>(box, *r, out);
}

template <class H>
weft_status container_out(const box_ptr& box, const std::optional<value>& v, container_type want,
                          H** out) noexcept {
  if (!v) return fail(box.get(), WEFT_ERR_NOT_FOUND, "no value");
  if (!v->is_container() || v->as_container().type() != want) {
    return fail(box.get(), WEFT_ERR_TYPE_MISMATCH,
                std::string("the value is not a ") + container_type_name(want));
  }
  const container c = v->as_container();
  if constexpr (std::is_same_v<H, weft_text>) return make_handle(box, c.as_text(), out);
  if constexpr (std::is_same_v<H, weft_map>) return make_handle(box, c.as_map(), out);
  if constexpr (std::is_same_v<H, weft_list>) return make_handle(box, c.as_list(), out);
  if constexpr (std::is_same_v<H, weft_counter>) return make_handle(box, c.as_counter(), out);
  if constexpr (std::is_same_v<H, weft_register>) return make_handle(box, c.as_register(), out);
}

template <class H>
weft_status key_op(const H* h, const char* key, std::size_t key_len, const void* out,
                   auto&& body) noexcept {
  if (!span_ok(key, key_len) || out == nullptr) return null_argument(box_hint(h), "key or out");
  return with_container(h, [&](const box_ptr& box, const auto& ref) -> weft_status {
    return body(box, ref, sv(key, key_len));
  });
}

weft_status anchor_out(const box_ptr& box, const result<anchor>& a, weft_anchor* out) noexcept {
  if (!a) return fail(box.get(), a.error());
  *out = anchor_to_c(*a);
  return WEFT_OK;
}

result<affinity> side_in(std::int32_t side) {
  if (side != WEFT_AFFINITY_LEFT && side != WEFT_AFFINITY_RIGHT) {
    return make_error(errc::invalid_argument, "side must be WEFT_AFFINITY_LEFT or _RIGHT");
  }
  return static_cast<affinity>(side);
}

template <class Ref>
weft_status anchor_at(const box_ptr& box, const Ref& ref, std::size_t pos, std::int32_t side,
                      weft_anchor* out) {
  auto s = side_in(side);
  if (!s) return fail(box.get(), s.error());
  return anchor_out(box, ref.anchor_at(pos, *s), out);
}

template <class Ref>
weft_status resolve(const box_ptr& box, const Ref& ref, const weft_anchor* a, std::size_t* out) {
  auto in = anchor_in(a);
  if (!in) return fail(box.get(), in.error());
  auto r = ref.resolve(*in);
  if (!r) return fail(box.get(), r.error());
  *out = *r;
  return WEFT_OK;
}

weft_status size_result(const box_ptr& box, const result<std::size_t>& r, std::size_t* out) {
  if (!r) return fail(box.get(), r.error());
  *out = *r;
  return WEFT_OK;
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

// The operations every container type has.
#define WEFT_C_COMMON(T, EVENT)                                                                  \
  void weft_##T##_free(weft_##T* h) { delete h; }                                                \
  weft_status weft_##T##_to_json(const weft_##T* h, weft_bytes* out) { return to_json(h, out); } \
  weft_status weft_##T##_path(const weft_##T* h, weft_bytes* out) { return path(h, out); }       \
  weft_status weft_##T##_equal(const weft_##T* a, const weft_##T* b, bool* out) {                \
    return equal(a, b, out);                                                                     \
  }                                                                                              \
  weft_status weft_##T##_observe(weft_##T* h, weft_event_fn fn, void* user_data,                 \
                                 weft_subscription** out) {                                      \
    return observe<weft::EVENT>(h, fn, user_data, out);                                          \
  }                                                                                              \
  weft_status weft_##T##_observe_deep(weft_##T* h, weft_deep_fn fn, void* user_data,             \
                                      weft_subscription** out) {                                 \
    return observe_deep(h, fn, user_data, out);                                                  \
  }

extern "C" {

WEFT_C_COMMON(text, text_event)
WEFT_C_COMMON(map, map_event)
WEFT_C_COMMON(list, list_event)
WEFT_C_COMMON(counter, counter_event)
WEFT_C_COMMON(register, register_event)

// ---------------------------------------------------------------------------
// Text

weft_status weft_text_size(const weft_text* text, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr&, const weft::text_ref& t) {
    *out = t.size();
    return WEFT_OK;
  });
}

weft_status weft_text_size_utf16(const weft_text* text, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr&, const weft::text_ref& t) {
    *out = t.size_utf16();
    return WEFT_OK;
  });
}

weft_status weft_text_to_string(const weft_text* text, weft_bytes* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) {
    return bytes_out(box.get(), t.to_string(), out);
  });
}

weft_status weft_text_slice(const weft_text* text, size_t pos, size_t len, weft_bytes* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) -> weft_status {
    auto s = t.slice(pos, len);
    if (!s) return fail(box.get(), s.error());
    return bytes_out(box.get(), *s, out);
  });
}

weft_status weft_text_insert(weft_text* text, size_t pos, const char* utf8, size_t len) {
  if (!span_ok(utf8, len)) return null_argument(box_hint(text), "utf8");
  return with_container(text, [&](const box_ptr& box, weft::text_ref t) {
    return check(box.get(), t.insert(pos, sv(utf8, len)));
  });
}

weft_status weft_text_erase(weft_text* text, size_t pos, size_t len) {
  return with_container(text, [&](const box_ptr& box, weft::text_ref t) {
    return check(box.get(), t.erase(pos, len));
  });
}

weft_status weft_text_to_utf16(const weft_text* text, size_t pos, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) {
    return size_result(box, t.to_utf16(pos), out);
  });
}

weft_status weft_text_from_utf16(const weft_text* text, size_t pos_utf16, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) {
    return size_result(box, t.from_utf16(pos_utf16), out);
  });
}

weft_status weft_text_insert_utf16(weft_text* text, size_t pos_utf16, const char* utf8,
                                   size_t len) {
  if (!span_ok(utf8, len)) return null_argument(box_hint(text), "utf8");
  return with_container(text, [&](const box_ptr& box, weft::text_ref t) {
    const auto pos = t.from_utf16(pos_utf16);
    if (!pos) return check(box.get(), pos);
    return check(box.get(), t.insert(*pos, sv(utf8, len)));
  });
}

weft_status weft_text_erase_utf16(weft_text* text, size_t pos_utf16, size_t len_utf16) {
  return with_container(text, [&](const box_ptr& box, weft::text_ref t) {
    const auto from = t.from_utf16(pos_utf16);
    if (!from) return check(box.get(), from);
    // An end past SIZE_MAX is past the end of any text.
    const std::size_t end = len_utf16 > SIZE_MAX - pos_utf16 ? SIZE_MAX : pos_utf16 + len_utf16;
    const auto to = t.from_utf16(end);
    if (!to) return check(box.get(), to);
    return check(box.get(), t.erase(*from, *to - *from));
  });
}

weft_status weft_text_anchor_at(const weft_text* text, size_t pos, int32_t side, weft_anchor* out) {
  if (out == nullptr) return null_argument(box_hint(text), "out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) {
    return anchor_at(box, t, pos, side, out);
  });
}

weft_status weft_text_resolve(const weft_text* text, const weft_anchor* anchor, size_t* out) {
  if (anchor == nullptr || out == nullptr) return null_argument(box_hint(text), "anchor or out");
  return with_container(text, [&](const box_ptr& box, const weft::text_ref& t) {
    return resolve(box, t, anchor, out);
  });
}

// ---------------------------------------------------------------------------
// Map

weft_status weft_map_size(const weft_map* map, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(map), "out");
  return with_container(map, [&](const box_ptr&, const weft::map_ref& m) {
    *out = m.size();
    return WEFT_OK;
  });
}

weft_status weft_map_contains(const weft_map* map, const char* key, size_t key_len, bool* out) {
  return key_op(map, key, key_len, out,
                [&](const box_ptr&, const weft::map_ref& m, std::string_view k) {
                  *out = m.contains(k);
                  return WEFT_OK;
                });
}

weft_status weft_map_get(const weft_map* map, const char* key, size_t key_len, weft_value* out) {
  return key_op(map, key, key_len, out,
                [&](const box_ptr& box, const weft::map_ref& m, std::string_view k) {
                  auto v = m.get(k);
                  if (!v) return fail(box.get(), WEFT_ERR_NOT_FOUND, "the key has no value");
                  return value_out(box.get(), *v, out);
                });
}

weft_status weft_map_get_all(const weft_map* map, const char* key, size_t key_len,
                             weft_value_list* out) {
  return key_op(map, key, key_len, out,
                [&](const box_ptr& box, const weft::map_ref& m, std::string_view k) {
                  const auto vs = m.get_all(k);
                  return value_list_out(
                      box.get(), vs.begin(), vs.end(),
                      [](const weft::value& v) -> const weft::value& { return v; }, out);
                });
}

weft_status weft_map_keys(const weft_map* map, weft_value_list* out) {
  if (out == nullptr) return null_argument(box_hint(map), "out");
  return with_container(map, [&](const box_ptr& box, const weft::map_ref& m) {
    const auto keys = m.keys();
    return value_list_out(
        box.get(), keys.begin(), keys.end(), [](const std::string& k) { return weft::value(k); },
        out);
  });
}

weft_status weft_map_entries(const weft_map* map, weft_value_list* keys, weft_value_list* values) {
  if (keys == nullptr || values == nullptr) return null_argument(box_hint(map), "keys or values");
  return with_container(map, [&](const box_ptr& box, const weft::map_ref& m) -> weft_status {
    const auto es = m.entries();
    weft_value_list k{nullptr, 0};
    weft_status s = value_list_out(
        box.get(), es.begin(), es.end(), [](const auto& e) { return weft::value(e.first); }, &k);
    if (s != WEFT_OK) return s;
    s = value_list_out(
        box.get(), es.begin(), es.end(),
        [](const auto& e) -> const weft::value& { return e.second; }, values);
    if (s != WEFT_OK) {
      weft_value_list_free(&k);
      return s;
    }
    *keys = k;
    return WEFT_OK;
  });
}

weft_status weft_map_set(weft_map* map, const char* key, size_t key_len, const weft_value* value) {
  return key_op(map, key, key_len, value,
                [&](const box_ptr& box, weft::map_ref m, std::string_view k) {
                  auto v = value_in(value);
                  if (!v) return fail(box.get(), v.error());
                  return check(box.get(), m.set(k, *v));
                });
}

weft_status weft_map_erase(weft_map* map, const char* key, size_t key_len) {
  return key_op(map, key, key_len, map,
                [&](const box_ptr& box, weft::map_ref m, std::string_view k) {
                  return check(box.get(), m.erase(k));
                });
}

#define WEFT_C_MAP_CONTAINER(T, REF, TYPE)                                                       \
  weft_status weft_map_set_##T(weft_map* map, const char* key, size_t key_len, weft_##T** out) { \
    return key_op(map, key, key_len, out,                                                        \
                  [&](const box_ptr& box, weft::map_ref m, std::string_view k) {                 \
                    return make_from(box, m.set_##T(k), out);                                    \
                  });                                                                            \
  }                                                                                              \
  weft_status weft_map_get_or_create_##T(weft_map* map, const char* key, size_t key_len,         \
                                         weft_##T** out) {                                       \
    return key_op(map, key, key_len, out,                                                        \
                  [&](const box_ptr& box, weft::map_ref m, std::string_view k) {                 \
                    return make_from(box, m.get_or_create_##T(k), out);                          \
                  });                                                                            \
  }                                                                                              \
  weft_status weft_map_get_##T(const weft_map* map, const char* key, size_t key_len,             \
                               weft_##T** out) {                                                 \
    return key_op(map, key, key_len, out,                                                        \
                  [&](const box_ptr& box, const weft::map_ref& m, std::string_view k) {          \
                    return container_out(box, m.get(k), weft::container_type::TYPE, out);        \
                  });                                                                            \
  }

WEFT_C_MAP_CONTAINER(text, text_ref, text)
WEFT_C_MAP_CONTAINER(map, map_ref, map)
WEFT_C_MAP_CONTAINER(list, list_ref, list)
WEFT_C_MAP_CONTAINER(counter, counter_ref, counter)
WEFT_C_MAP_CONTAINER(register, register_ref, reg)

// ---------------------------------------------------------------------------
// List

weft_status weft_list_size(const weft_list* list, size_t* out) {
  if (out == nullptr) return null_argument(box_hint(list), "out");
  return with_container(list, [&](const box_ptr&, const weft::list_ref& l) {
    *out = l.size();
    return WEFT_OK;
  });
}

weft_status weft_list_get(const weft_list* list, size_t index, weft_value* out) {
  if (out == nullptr) return null_argument(box_hint(list), "out");
  return with_container(list, [&](const box_ptr& box, const weft::list_ref& l) -> weft_status {
    auto v = l.get(index);
    if (!v) return fail(box.get(), v.error());
    return value_out(box.get(), *v, out);
  });
}

weft_status weft_list_values(const weft_list* list, weft_value_list* out) {
  if (out == nullptr) return null_argument(box_hint(list), "out");
  return with_container(list, [&](const box_ptr& box, const weft::list_ref& l) {
    const auto vs = l.values();
    return value_list_out(
        box.get(), vs.begin(), vs.end(),
        [](const weft::value& v) -> const weft::value& { return v; }, out);
  });
}

weft_status weft_list_insert(weft_list* list, size_t index, const weft_value* values, size_t n) {
  if (values == nullptr && n > 0) return null_argument(box_hint(list), "values");
  return with_container(list, [&](const box_ptr& box, weft::list_ref l) -> weft_status {
    std::vector<weft::value> vs;
    vs.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      auto v = value_in(&values[i]);
      if (!v) return fail(box.get(), v.error());
      vs.push_back(std::move(*v));
    }
    return check(box.get(), l.insert(index, vs));
  });
}

weft_status weft_list_push_back(weft_list* list, const weft_value* value) {
  if (value == nullptr) return null_argument(box_hint(list), "value");
  return with_container(list, [&](const box_ptr& box, weft::list_ref l) -> weft_status {
    auto v = value_in(value);
    if (!v) return fail(box.get(), v.error());
    return check(box.get(), l.push_back(*v));
  });
}

weft_status weft_list_erase(weft_list* list, size_t index, size_t count) {
  return with_container(list, [&](const box_ptr& box, weft::list_ref l) {
    return check(box.get(), l.erase(index, count));
  });
}

#define WEFT_C_LIST_CONTAINER(T, TYPE)                                                            \
  weft_status weft_list_insert_##T(weft_list* list, size_t index, weft_##T** out) {               \
    if (out == nullptr) return null_argument(box_hint(list), "out");                              \
    return with_container(list, [&](const box_ptr& box, weft::list_ref l) {                       \
      return make_from(box, l.insert_##T(index), out);                                            \
    });                                                                                           \
  }                                                                                               \
  weft_status weft_list_get_##T(const weft_list* list, size_t index, weft_##T** out) {            \
    if (out == nullptr) return null_argument(box_hint(list), "out");                              \
    return with_container(list, [&](const box_ptr& box, const weft::list_ref& l) {                \
      auto v = l.get(index);                                                                      \
      if (!v) return fail(box.get(), v.error());                                                  \
      return container_out(box, std::optional<weft::value>(*v), weft::container_type::TYPE, out); \
    });                                                                                           \
  }

WEFT_C_LIST_CONTAINER(text, text)
WEFT_C_LIST_CONTAINER(map, map)
WEFT_C_LIST_CONTAINER(list, list)
WEFT_C_LIST_CONTAINER(counter, counter)
WEFT_C_LIST_CONTAINER(register, reg)

weft_status weft_list_anchor_at(const weft_list* list, size_t index, int32_t side,
                                weft_anchor* out) {
  if (out == nullptr) return null_argument(box_hint(list), "out");
  return with_container(list, [&](const box_ptr& box, const weft::list_ref& l) {
    return anchor_at(box, l, index, side, out);
  });
}

weft_status weft_list_resolve(const weft_list* list, const weft_anchor* anchor, size_t* out) {
  if (anchor == nullptr || out == nullptr) return null_argument(box_hint(list), "anchor or out");
  return with_container(list, [&](const box_ptr& box, const weft::list_ref& l) {
    return resolve(box, l, anchor, out);
  });
}

// ---------------------------------------------------------------------------
// Counter and register

weft_status weft_counter_value(const weft_counter* counter, int64_t* out) {
  if (out == nullptr) return null_argument(box_hint(counter), "out");
  return with_container(counter, [&](const box_ptr&, const weft::counter_ref& c) {
    *out = c.value();
    return WEFT_OK;
  });
}

weft_status weft_counter_add(weft_counter* counter, int64_t delta) {
  return with_container(counter, [&](const box_ptr& box, weft::counter_ref c) {
    return check(box.get(), c.add(delta));
  });
}

weft_status weft_register_get(const weft_register* reg, weft_value* out) {
  if (out == nullptr) return null_argument(box_hint(reg), "out");
  return with_container(reg, [&](const box_ptr& box, const weft::register_ref& r) {
    auto v = r.get();
    if (!v) return fail(box.get(), WEFT_ERR_NOT_FOUND, "the register has no value");
    return value_out(box.get(), *v, out);
  });
}

weft_status weft_register_get_all(const weft_register* reg, weft_value_list* out) {
  if (out == nullptr) return null_argument(box_hint(reg), "out");
  return with_container(reg, [&](const box_ptr& box, const weft::register_ref& r) {
    const auto vs = r.get_all();
    return value_list_out(
        box.get(), vs.begin(), vs.end(),
        [](const weft::value& v) -> const weft::value& { return v; }, out);
  });
}

weft_status weft_register_set(weft_register* reg, const weft_value* value) {
  if (value == nullptr) return null_argument(box_hint(reg), "value");
  return with_container(reg, [&](const box_ptr& box, weft::register_ref r) -> weft_status {
    auto v = value_in(value);
    if (!v) return fail(box.get(), v.error());
    return check(box.get(), r.set(*v));
  });
}

weft_status weft_register_clear(weft_register* reg) {
  return with_container(
      reg, [&](const box_ptr& box, weft::register_ref r) { return check(box.get(), r.clear()); });
}

}  // extern "C"
