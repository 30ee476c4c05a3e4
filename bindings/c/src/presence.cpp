// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/presence.cpp
// -----------------------------------------------------------------------------
//
// weft_presence. Local changes go through presence::set_local with a copy of
// the local state changed in one field, so that C callers set fields one at
// a time without building a state struct. Updates cross the ABI as a sync
// presence message (weft/sync/message.hpp), the same bytes a session sends.

#include "weft/presence.hpp"

#include <chrono>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "c_api.hpp"
#include "events.hpp"
#include "weft/sync/message.hpp"

namespace weft::c {

result<void> set_presence_option(presence_options& o, std::uint64_t key, std::uint64_t v) {
  constexpr auto ms_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const bool is_ms = key == WEFT_PRESENCE_HEARTBEAT_MS || key == WEFT_PRESENCE_TIMEOUT_MS;
  if (is_ms && (v == 0 || v > ms_max)) {
    return make_error(errc::invalid_argument, "a presence interval must be positive");
  }
  switch (key) {
    case WEFT_PRESENCE_HEARTBEAT_MS: o.heartbeat = std::chrono::milliseconds(v); break;
    case WEFT_PRESENCE_TIMEOUT_MS: o.timeout = std::chrono::milliseconds(v); break;
    case WEFT_PRESENCE_MAX_FIELD_BYTES: o.max_field_bytes = static_cast<std::size_t>(v); break;
    case WEFT_PRESENCE_MAX_CUSTOM_FIELDS: o.max_custom_fields = static_cast<std::size_t>(v); break;
    case WEFT_PRESENCE_MAX_CLIENTS: o.max_clients = static_cast<std::size_t>(v); break;
    case WEFT_PRESENCE_START_CLOCK:
      // The C++ constructor asserts this (a caller's mistake there); from C
      // it is an argument like any other.
      if (v >= (std::uint64_t{1} << 63)) {
        return make_error(errc::invalid_argument, "start_clock must be below 2^63");
      }
      o.start_clock = v;
      break;
    default: return make_error(errc::invalid_argument, "unknown presence option");
  }
  return {};
}

namespace {

// fail_p records an error for the thread and the presence.
weft_status fail_p(const presence_box* p, weft_status s, std::string_view msg) noexcept {
  return fail_in(p == nullptr ? nullptr : &const_cast<presence_box*>(p)->last_error, s, msg);
}
weft_status fail_p(const presence_box* p, const weft::error& e) noexcept {
  return fail_p(p, from_errc(e.code), e.message);
}
weft_status fail_p(const weft_presence* p, weft_status s, std::string_view msg) noexcept {
  return fail_p(p == nullptr ? nullptr : p->box.get(), s, msg);
}

template <class F>
weft_status with_presence(const weft_presence* p, F&& body) noexcept {
  if (p == nullptr || !p->box) return null_argument(nullptr, "presence");
  // Held for the call, as with_doc holds a document: a presence freed from
  // inside one of its observers goes only when the call returns.
  const presence_ptr keep = p->box;
  return guard_in(&keep->last_error, [&]() -> weft_status { return body(*keep); });
}

presence_time ms(std::int64_t now) { return presence_time(now); }

std::string* field_of(presence_state& s, std::int32_t field) {
  switch (field) {
    case WEFT_PRESENCE_USER_ID: return &s.user_id;
    case WEFT_PRESENCE_NAME: return &s.name;
    case WEFT_PRESENCE_COLOR: return &s.color;
    case WEFT_PRESENCE_AVATAR_URL: return &s.avatar_url;
    default: return nullptr;
  }
}

// entry finds a client's state: the local one for `self`.
const presence_state* entry(const weft::presence& p, std::uint64_t client) {
  const auto id = static_cast<replica_id>(client);
  if (id == p.self()) return &p.local();
  auto it = p.states().find(id);
  return it == p.states().end() ? nullptr : &it->second;
}

weft_status encode_updates(const presence_box* p, std::vector<presence_update> updates,
                           weft_bytes* out) {
  if (updates.empty()) {
    return bytes_out_in(&const_cast<presence_box*>(p)->last_error, std::string_view(), out);
  }
  sync::presence_message m;
  m.updates = std::move(updates);
  return bytes_out_in(&const_cast<presence_box*>(p)->last_error,
                      sync::encode_message(sync::message(std::move(m))), out);
}

std::string state_json(const presence_state& s) {
  std::string out = "{\"user_id\":" + json_string(s.user_id);
  out += ",\"name\":" + json_string(s.name);
  out += ",\"color\":" + json_string(s.color);
  out += ",\"avatar_url\":" + json_string(s.avatar_url);
  out += ",\"cursor\":";
  if (s.cursor) {
    auto anchor_json = [](const anchor& a) {
      std::string j = "{\"side\":\"";
      j += a.side == affinity::left ? "left" : "right";
      j += "\"";
      if (a.target) {
        j += ",\"replica\":" + std::to_string(static_cast<std::uint64_t>(a.target->replica));
        j += ",\"seq\":" + std::to_string(a.target->seq);
      }
      return j + "}";
    };
    out += "{\"text\":" + json_string(s.cursor->text);
    out += ",\"anchor\":" + anchor_json(s.cursor->anchor_pos);
    out += ",\"head\":" + anchor_json(s.cursor->head) + "}";
  } else {
    out += "null";
  }
  out += ",\"custom\":{";
  bool first = true;
  for (const auto& [k, v] : s.custom) {
    if (!first) out += ',';
    first = false;
    out += json_string(k) + ":" + json_string(v);
  }
  return out + "}}";
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

weft_status weft_presence_new(uint64_t self, const uint64_t* options, size_t n_options,
                              weft_presence** out) {
  if ((options == nullptr && n_options > 0) || out == nullptr) {
    return null_argument(nullptr, "options or out");
  }
  return guard(nullptr, [&]() -> weft_status {
    weft::presence_options o;
    for (size_t i = 0; i < n_options; ++i) {
      if (auto r = set_presence_option(o, options[2 * i], options[2 * i + 1]); !r) {
        return fail(nullptr, r.error());
      }
    }
    auto box =
        std::make_shared<presence_box>(weft::presence(static_cast<weft::replica_id>(self), o));
    *out = new weft_presence{std::move(box)};
    return WEFT_OK;
  });
}

// weft_presence_free lets the handle go; a sync session or relay given the
// presence keeps it alive until it lets it go too.
void weft_presence_free(weft_presence* presence) { delete presence; }

const char* weft_presence_last_error(const weft_presence* presence) {
  return presence == nullptr || !presence->box ? "" : presence->box->last_error.get();
}

weft_status weft_presence_self(const weft_presence* presence, uint64_t* self) {
  if (self == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "self is NULL");
  return with_presence(presence, [&](presence_box& p) {
    *self = static_cast<uint64_t>(p.presence.self());
    return WEFT_OK;
  });
}

weft_status weft_presence_clock(const weft_presence* presence, uint64_t* clock) {
  if (clock == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "clock is NULL");
  return with_presence(presence, [&](presence_box& p) {
    *clock = p.presence.clock();
    return WEFT_OK;
  });
}

weft_status weft_presence_set_field(weft_presence* presence, int32_t field, const char* value,
                                    size_t len, int64_t now_ms) {
  if (!span_ok(value, len)) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "value is NULL");
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    weft::presence_state s = p.presence.local();
    std::string* f = field_of(s, field);
    if (f == nullptr) return fail_p(&p, WEFT_ERR_INVALID_ARGUMENT, "unknown presence field");
    if (auto ok = utf8_ok(sv(value, len), "a presence field"); !ok) return fail_p(&p, ok.error());
    f->assign(sv(value, len));
    p.presence.set_local(s, ms(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_presence_set_custom(weft_presence* presence, const char* key, size_t key_len,
                                     const char* value, size_t value_len, int64_t now_ms) {
  if (!span_ok(key, key_len) || (value == nullptr && value_len > 0)) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "key or value is NULL");
  }
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    if (auto ok = utf8_ok(sv(key, key_len), "a custom key"); !ok) return fail_p(&p, ok.error());
    weft::presence_state s = p.presence.local();
    if (value == nullptr) {
      s.custom.erase(std::string(sv(key, key_len)));
    } else {
      if (auto ok = utf8_ok(sv(value, value_len), "a custom value"); !ok) {
        return fail_p(&p, ok.error());
      }
      s.custom[std::string(sv(key, key_len))] = std::string(sv(value, value_len));
    }
    p.presence.set_local(s, ms(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_presence_set_cursor(weft_presence* presence, const char* text, size_t text_len,
                                     const weft_anchor* anchor, const weft_anchor* head,
                                     int64_t now_ms) {
  if (text != nullptr && (anchor == nullptr || head == nullptr)) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "anchor or head is NULL");
  }
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    if (text == nullptr) {
      p.presence.set_cursor(std::nullopt, ms(now_ms));
      return WEFT_OK;
    }
    if (auto ok = utf8_ok(sv(text, text_len), "a text name"); !ok) return fail_p(&p, ok.error());
    auto a = anchor_in(anchor);
    if (!a) return fail_p(&p, a.error());
    auto h = anchor_in(head);
    if (!h) return fail_p(&p, h.error());
    p.presence.set_cursor(weft::presence_cursor{std::string(sv(text, text_len)), *a, *h},
                          ms(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_presence_leave(weft_presence* presence, int64_t now_ms) {
  return with_presence(presence, [&](presence_box& p) {
    p.presence.leave(ms(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_presence_tick(weft_presence* presence, int64_t now_ms) {
  return with_presence(presence, [&](presence_box& p) {
    p.presence.tick(ms(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_presence_take_updates(weft_presence* presence, weft_bytes* out) {
  if (out == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_presence(presence, [&](presence_box& p) {
    return encode_updates(&p, p.presence.take_updates(), out);
  });
}

weft_status weft_presence_full_updates(const weft_presence* presence, weft_bytes* out) {
  if (out == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_presence(presence, [&](presence_box& p) {
    return encode_updates(&p, p.presence.full_updates(), out);
  });
}

weft_status weft_presence_apply(weft_presence* presence, const uint8_t* data, size_t len,
                                int64_t now_ms) {
  if (!span_ok(data, len)) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "data is NULL");
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    auto m = weft::sync::decode_message(std::span<const std::uint8_t>(data, len));
    if (!m) return fail_p(&p, m.error());
    const auto* pm = std::get_if<weft::sync::presence_message>(&*m);
    if (pm == nullptr) {
      return fail_p(&p, WEFT_ERR_MALFORMED, "the message carries no presence updates");
    }
    // Each update concerns one client's entry on its own: they apply in
    // order, and the first one refused stops the rest.
    for (const auto& u : pm->updates) {
      auto r = p.presence.apply(u, ms(now_ms));
      if (!r) return fail_p(&p, r.error());
    }
    return WEFT_OK;
  });
}

weft_status weft_presence_clients(const weft_presence* presence, uint64_t* clients, size_t cap,
                                  size_t* len) {
  if ((clients == nullptr && cap > 0) || len == nullptr) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "clients or len is NULL");
  }
  return with_presence(presence, [&](presence_box& p) {
    size_t i = 0;
    for (const auto& [id, s] : p.presence.states()) {
      if (i < cap) clients[i] = static_cast<uint64_t>(id);
      ++i;
    }
    *len = i;
    return WEFT_OK;
  });
}

weft_status weft_presence_get_field(const weft_presence* presence, uint64_t client, int32_t field,
                                    weft_bytes* out) {
  if (out == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    const weft::presence_state* s = entry(p.presence, client);
    if (s == nullptr) return fail_p(&p, WEFT_ERR_NOT_FOUND, "no such client");
    const std::string* f = field_of(const_cast<weft::presence_state&>(*s), field);  // read only
    if (f == nullptr) return fail_p(&p, WEFT_ERR_INVALID_ARGUMENT, "unknown presence field");
    return bytes_out_in(&p.last_error, *f, out);
  });
}

weft_status weft_presence_get_custom(const weft_presence* presence, uint64_t client,
                                     const char* key, size_t key_len, weft_bytes* out) {
  if (!span_ok(key, key_len) || out == nullptr) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "key or out is NULL");
  }
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    const weft::presence_state* s = entry(p.presence, client);
    if (s == nullptr) return fail_p(&p, WEFT_ERR_NOT_FOUND, "no such client");
    auto it = s->custom.find(std::string(sv(key, key_len)));
    if (it == s->custom.end()) return fail_p(&p, WEFT_ERR_NOT_FOUND, "no such custom field");
    return bytes_out_in(&p.last_error, it->second, out);
  });
}

weft_status weft_presence_get_cursor(const weft_presence* presence, uint64_t client,
                                     weft_bytes* text, weft_anchor* anchor, weft_anchor* head) {
  if (text == nullptr || anchor == nullptr || head == nullptr) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "text, anchor or head is NULL");
  }
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    const weft::presence_state* s = entry(p.presence, client);
    if (s == nullptr) return fail_p(&p, WEFT_ERR_NOT_FOUND, "no such client");
    if (!s->cursor) return fail_p(&p, WEFT_ERR_NOT_FOUND, "the client has no cursor");
    if (const weft_status st = bytes_out_in(&p.last_error, s->cursor->text, text); st != WEFT_OK) {
      return st;
    }
    *anchor = anchor_to_c(s->cursor->anchor_pos);
    *head = anchor_to_c(s->cursor->head);
    return WEFT_OK;
  });
}

weft_status weft_presence_to_json(const weft_presence* presence, uint64_t client, weft_bytes* out) {
  if (out == nullptr) return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_presence(presence, [&](presence_box& p) -> weft_status {
    const weft::presence_state* s = entry(p.presence, client);
    if (s == nullptr) return fail_p(&p, WEFT_ERR_NOT_FOUND, "no such client");
    return bytes_out_in(&p.last_error, state_json(*s), out);
  });
}

weft_status weft_presence_observe(weft_presence* presence, weft_presence_fn fn, void* user_data,
                                  weft_subscription** out) {
  if (fn == nullptr || out == nullptr) {
    return fail_p(presence, WEFT_ERR_NULL_ARGUMENT, "fn or out is NULL");
  }
  return with_presence(presence, [&](presence_box& p) {
    auto s = std::make_unique<weft_subscription>();
    s->sub = p.presence.observe([fn, user_data](const weft::presence_event& e) noexcept {
      fn(user_data, static_cast<int32_t>(e.what), static_cast<uint64_t>(e.client), e.timed_out);
    });
    *out = s.release();
    return WEFT_OK;
  });
}

weft_status weft_presence_resolve_cursor(weft_doc* doc, const char* text, size_t text_len,
                                         const weft_anchor* anchor, const weft_anchor* head,
                                         size_t* anchor_pos, size_t* head_pos) {
  if (!span_ok(text, text_len) || anchor == nullptr || head == nullptr || anchor_pos == nullptr ||
      head_pos == nullptr) {
    return null_argument(doc != nullptr ? doc->box.get() : nullptr, "an argument");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    auto a = anchor_in(anchor);
    if (!a) return fail(box.get(), a.error());
    auto h = anchor_in(head);
    if (!h) return fail(box.get(), h.error());
    auto r = weft::resolve_cursor(box->doc,
                                  weft::presence_cursor{std::string(sv(text, text_len)), *a, *h});
    if (!r) return fail(box.get(), r.error());
    *anchor_pos = r->first;
    *head_pos = r->second;
    return WEFT_OK;
  });
}

}  // extern "C"
