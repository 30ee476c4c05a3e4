// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/events.cpp
// -----------------------------------------------------------------------------
//
// Events as C sees them: observer adapters that wrap each C++ event in a
// weft_event for the length of the callback, the accessors, and the JSON
// rendering.

#include "events.hpp"

#include <string>
#include <type_traits>
#include <vector>

#include "c_api.hpp"

namespace weft::c {

std::string json_string(std::string_view s) { return value(std::string(s)).to_json(); }

std::string path_json(const container& c) {
  const auto p = c.path();
  if (!p) return "null";
  std::string out = "[";
  for (std::size_t i = 0; i < p->size(); ++i) {
    if (i > 0) out += ',';
    if (const auto* s = std::get_if<std::string>(&(*p)[i])) {
      out += json_string(*s);
    } else {
      out += std::to_string(std::get<std::size_t>((*p)[i]));
    }
  }
  out += ']';
  return out;
}

weft_event wrap_event(const event& e, const weak_box& box) {
  weft_event w{};
  w.box = box;
  std::visit([&](const auto& x) { w.ev = &x; }, e.data);
  return w;
}

void deliver_deep(const weak_box& weak, weft_deep_fn fn, void* user_data,
                  const std::vector<event>& events) noexcept {
  box_ptr b = weak.lock();
  if (!b) return;
  try {
    std::vector<weft_event> wrapped;
    std::vector<const weft_event*> ptrs;
    wrapped.reserve(events.size());
    ptrs.reserve(events.size());
    for (const event& e : events) {
      wrapped.push_back(wrap_event(e, weak));
      ptrs.push_back(&wrapped.back());
    }
    fn(user_data, ptrs.data(), ptrs.size());
  } catch (...) {
    fail(b.get(), WEFT_ERR_NO_MEMORY, "events could not be delivered to a deep observer");
  }
}

namespace {

template <class E>
const E* as(const weft_event* e) noexcept {
  if (e == nullptr) return nullptr;
  const E* const* p = std::get_if<const E*>(&e->ev);
  return p != nullptr ? *p : nullptr;
}

const weft::origin& origin_of(const weft_event* e) {
  return std::visit([](const auto* x) -> const weft::origin& { return x->origin; }, e->ev);
}

container target_of(const weft_event* e) {
  return std::visit([](const auto* x) -> container { return x->target; }, e->ev);
}

doc_box* box_of(const weft_event* e) noexcept {
  // The document is alive during the callback; the lock cannot fail there.
  if (e == nullptr) return nullptr;
  box_ptr b = e->box.lock();
  return b.get();
}

weft_status type_mismatch(const weft_event* e, const char* want) noexcept {
  try {
    return fail(box_of(e), WEFT_ERR_TYPE_MISMATCH, std::string("not a ") + want + " event");
  } catch (...) {
    return fail(box_of(e), WEFT_ERR_TYPE_MISMATCH, "the event is of another type");
  }
}

template <class E, class H, class Ref>
weft_status target(const weft_event* e, H** out, const char* want) noexcept {
  if (e == nullptr || out == nullptr) return null_argument(box_of(e), "event or out");
  const E* x = as<E>(e);
  if (x == nullptr) return type_mismatch(e, want);
  box_ptr b = e->box.lock();
  if (!b) return fail(nullptr, WEFT_ERR_DOC_FREED, "the event's document was freed");
  return make_handle<H, Ref>(b, x->target, out);
}

std::string origin_json(const weft::origin& o) {
  static constexpr const char* names[] = {"local", "remote", "undo", "redo", "user"};
  std::string out = "\"origin\":\"";
  out += names[static_cast<int>(o.type())];
  out += '"';
  if (o.type() == weft::origin::kind::user) out += ",\"tag\":" + json_string(o.tag());
  return out;
}

std::string delta_op_json(delta_kind k, std::string insert) {
  switch (k) {
    case delta_kind::retain: return "{\"retain\":" + insert + "}";
    case delta_kind::insert: return "{\"insert\":" + insert + "}";
    case delta_kind::erase: return "{\"delete\":" + insert + "}";
  }
  return "{}";
}

std::string values_json(const std::vector<value>& vs) {
  std::string out = "[";
  for (std::size_t i = 0; i < vs.size(); ++i) {
    if (i > 0) out += ',';
    out += vs[i].to_json();
  }
  return out + "]";
}

std::string event_json(const weft_event* e, std::uint32_t flags) {
  std::string out = "{\"type\":\"";
  out += container_type_name(target_of(e).type());
  out += "\",";
  out += origin_json(origin_of(e));
  out += ",\"path\":" + path_json(target_of(e));
  if (const auto* t = as<text_event>(e)) {
    out += ",\"delta\":[";
    for (std::size_t i = 0; i < t->delta.size(); ++i) {
      const text_delta_op& op = t->delta[i];
      if (i > 0) out += ',';
      const std::size_t n = (flags & WEFT_JSON_UTF16) != 0 ? op.len_utf16 : op.len;
      out += delta_op_json(
          op.kind, op.kind == delta_kind::insert ? json_string(op.text) : std::to_string(n));
    }
    out += ']';
  } else if (const auto* l = as<list_event>(e)) {
    out += ",\"delta\":[";
    for (std::size_t i = 0; i < l->delta.size(); ++i) {
      const list_delta_op& op = l->delta[i];
      if (i > 0) out += ',';
      out += delta_op_json(
          op.kind, op.kind == delta_kind::insert ? values_json(op.values) : std::to_string(op.len));
    }
    out += ']';
  } else if (const auto* m = as<map_event>(e)) {
    out += ",\"keys\":{";
    for (std::size_t i = 0; i < m->keys.size(); ++i) {
      const map_key_change& k = m->keys[i];
      if (i > 0) out += ',';
      out += json_string(k.key) + ":{\"action\":";
      out += !k.old_value ? "\"add\"" : !k.new_value ? "\"delete\"" : "\"update\"";
      if (k.old_value) out += ",\"old\":" + k.old_value->to_json();
      if (k.new_value) out += ",\"new\":" + k.new_value->to_json();
      out += '}';
    }
    out += '}';
  } else if (const auto* c = as<counter_event>(e)) {
    out += ",\"increment\":" + std::to_string(c->increment);
  } else if (const auto* r = as<register_event>(e)) {
    if (r->old_value) out += ",\"old\":" + r->old_value->to_json();
    if (r->new_value) out += ",\"new\":" + r->new_value->to_json();
  }
  return out + "}";
}

// change_out copies an optional old/new pair (absent values leave the output
// untouched); on failure nothing is left allocated.
weft_status change_out(doc_box* box, const std::optional<value>& before,
                       const std::optional<value>& after, bool* had_old, weft_value* old_value,
                       bool* has_new, weft_value* new_value) noexcept {
  weft_value o{}, n{};
  if (before) {
    if (weft_status s = value_out(box, *before, &o); s != WEFT_OK) return s;
  }
  if (after) {
    if (weft_status s = value_out(box, *after, &n); s != WEFT_OK) {
      weft_value_free(&o);
      return s;
    }
  }
  *had_old = before.has_value();
  *has_new = after.has_value();
  if (before) *old_value = o;
  if (after) *new_value = n;
  return WEFT_OK;
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

int32_t weft_event_kind(const weft_event* event) {
  if (event == nullptr) return WEFT_CONTAINER_NONE;
  static constexpr int32_t kinds[] = {WEFT_CONTAINER_TEXT, WEFT_CONTAINER_LIST, WEFT_CONTAINER_MAP,
                                      WEFT_CONTAINER_COUNTER, WEFT_CONTAINER_REGISTER};
  return kinds[event->ev.index()];
}

weft_status weft_event_origin(const weft_event* event, int32_t* kind, const char** tag,
                              size_t* tag_len) {
  if (event == nullptr || kind == nullptr || tag == nullptr || tag_len == nullptr) {
    return null_argument(box_of(event), "event, kind, tag or tag_len");
  }
  const weft::origin& o = origin_of(event);
  *kind = origin_kind(o);
  *tag = o.tag().c_str();
  *tag_len = o.tag().size();
  return WEFT_OK;
}

weft_status weft_event_target_text(const weft_event* event, weft_text** out) {
  return target<weft::text_event, weft_text, weft::text_ref>(event, out, "text");
}
weft_status weft_event_target_map(const weft_event* event, weft_map** out) {
  return target<weft::map_event, weft_map, weft::map_ref>(event, out, "map");
}
weft_status weft_event_target_list(const weft_event* event, weft_list** out) {
  return target<weft::list_event, weft_list, weft::list_ref>(event, out, "list");
}
weft_status weft_event_target_counter(const weft_event* event, weft_counter** out) {
  return target<weft::counter_event, weft_counter, weft::counter_ref>(event, out, "counter");
}
weft_status weft_event_target_register(const weft_event* event, weft_register** out) {
  return target<weft::register_event, weft_register, weft::register_ref>(event, out, "register");
}

weft_status weft_event_delta_len(const weft_event* event, size_t* len) {
  if (event == nullptr || len == nullptr) return null_argument(box_of(event), "event or len");
  if (const auto* t = as<weft::text_event>(event)) {
    *len = t->delta.size();
  } else if (const auto* l = as<weft::list_event>(event)) {
    *len = l->delta.size();
  } else {
    return type_mismatch(event, "text or list");
  }
  return WEFT_OK;
}

weft_status weft_event_text_op(const weft_event* event, size_t i, int32_t* kind, size_t* len,
                               size_t* len_utf16, const char** text, size_t* text_len) {
  if (event == nullptr || kind == nullptr || len == nullptr || len_utf16 == nullptr ||
      text == nullptr || text_len == nullptr) {
    return null_argument(box_of(event), "event or an output");
  }
  const auto* t = as<weft::text_event>(event);
  if (t == nullptr) return type_mismatch(event, "text");
  if (i >= t->delta.size()) return fail(box_of(event), WEFT_ERR_OUT_OF_RANGE, "no such delta op");
  const weft::text_delta_op& op = t->delta[i];
  *kind = static_cast<int32_t>(op.kind);
  *len = op.len;
  *len_utf16 = op.len_utf16;
  *text = op.text.c_str();
  *text_len = op.text.size();
  return WEFT_OK;
}

weft_status weft_event_list_op(const weft_event* event, size_t i, int32_t* kind, size_t* len) {
  if (event == nullptr || kind == nullptr || len == nullptr) {
    return null_argument(box_of(event), "event, kind or len");
  }
  const auto* l = as<weft::list_event>(event);
  if (l == nullptr) return type_mismatch(event, "list");
  if (i >= l->delta.size()) return fail(box_of(event), WEFT_ERR_OUT_OF_RANGE, "no such delta op");
  *kind = static_cast<int32_t>(l->delta[i].kind);
  *len = l->delta[i].len;
  return WEFT_OK;
}

weft_status weft_event_list_value(const weft_event* event, size_t i, size_t j, weft_value* out) {
  if (event == nullptr || out == nullptr) return null_argument(box_of(event), "event or out");
  const auto* l = as<weft::list_event>(event);
  if (l == nullptr) return type_mismatch(event, "list");
  if (i >= l->delta.size() || j >= l->delta[i].values.size()) {
    return fail(box_of(event), WEFT_ERR_OUT_OF_RANGE, "no such inserted value");
  }
  return guard(box_of(event), [&] { return value_out(box_of(event), l->delta[i].values[j], out); });
}

weft_status weft_event_map_len(const weft_event* event, size_t* len) {
  if (event == nullptr || len == nullptr) return null_argument(box_of(event), "event or len");
  const auto* m = as<weft::map_event>(event);
  if (m == nullptr) return type_mismatch(event, "map");
  *len = m->keys.size();
  return WEFT_OK;
}

weft_status weft_event_map_key(const weft_event* event, size_t i, const char** key,
                               size_t* key_len) {
  if (event == nullptr || key == nullptr || key_len == nullptr) {
    return null_argument(box_of(event), "event, key or key_len");
  }
  const auto* m = as<weft::map_event>(event);
  if (m == nullptr) return type_mismatch(event, "map");
  if (i >= m->keys.size()) return fail(box_of(event), WEFT_ERR_OUT_OF_RANGE, "no such key change");
  *key = m->keys[i].key.c_str();
  *key_len = m->keys[i].key.size();
  return WEFT_OK;
}

weft_status weft_event_map_change(const weft_event* event, size_t i, bool* had_old,
                                  weft_value* old_value, bool* has_new, weft_value* new_value) {
  if (event == nullptr || had_old == nullptr || old_value == nullptr || has_new == nullptr ||
      new_value == nullptr) {
    return null_argument(box_of(event), "event or an output");
  }
  const auto* m = as<weft::map_event>(event);
  if (m == nullptr) return type_mismatch(event, "map");
  if (i >= m->keys.size()) return fail(box_of(event), WEFT_ERR_OUT_OF_RANGE, "no such key change");
  const weft::map_key_change& k = m->keys[i];
  return change_out(box_of(event), k.old_value, k.new_value, had_old, old_value, has_new,
                    new_value);
}

weft_status weft_event_counter_increment(const weft_event* event, int64_t* increment) {
  if (event == nullptr || increment == nullptr) {
    return null_argument(box_of(event), "event or increment");
  }
  const auto* c = as<weft::counter_event>(event);
  if (c == nullptr) return type_mismatch(event, "counter");
  *increment = c->increment;
  return WEFT_OK;
}

weft_status weft_event_register_change(const weft_event* event, bool* had_old,
                                       weft_value* old_value, bool* has_new,
                                       weft_value* new_value) {
  if (event == nullptr || had_old == nullptr || old_value == nullptr || has_new == nullptr ||
      new_value == nullptr) {
    return null_argument(box_of(event), "event or an output");
  }
  const auto* r = as<weft::register_event>(event);
  if (r == nullptr) return type_mismatch(event, "register");
  return change_out(box_of(event), r->old_value, r->new_value, had_old, old_value, has_new,
                    new_value);
}

weft_status weft_event_to_json(const weft_event* event, uint32_t flags, weft_bytes* out) {
  if (event == nullptr || out == nullptr) return null_argument(box_of(event), "event or out");
  if ((flags & ~WEFT_JSON_UTF16) != 0) {
    return fail(box_of(event), WEFT_ERR_INVALID_ARGUMENT, "unknown flags");
  }
  doc_box* box = box_of(event);
  return guard(box, [&] { return bytes_out(box, event_json(event, flags), out); });
}

}  // extern "C"
