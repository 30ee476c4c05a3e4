// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/sync.cpp
// -----------------------------------------------------------------------------
//
// weft_sync_options, weft_sync_peer and weft_sync_session. The C++ session's
// callbacks are fixed when it is made, so they are trampolines into slots of
// the C handle that the application may set at any time; the server hooks
// come from the options and are installed only when set, so that an unset
// hook keeps the C++ default. The documents and presences a session is given
// are held by shared pointer: the C++ session keeps raw references to them.

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "c_api.hpp"
#include "sync.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

// The C enums restate the C++ ones; their values are part of the ABI.
static_assert(WEFT_SYNC_SERVER == static_cast<int>(weft::sync::side::server));
static_assert(WEFT_SYNC_CLOSED == static_cast<int>(weft::sync::state::closed));
static_assert(WEFT_SYNC_LIVE == static_cast<int>(weft::sync::state::live));
static_assert(WEFT_SYNC_ROLE_ADMIN == static_cast<int>(weft::sync::role::admin));

struct weft_sync_session : weft::c::sync_handle {
  // Declared first, destroyed last: the session refers to them.
  std::vector<weft::c::held> kept;
  std::unique_ptr<weft::sync::session> s;
  bool server = false;
  weft::c::sync_hooks hooks;
  weft::c::c_callback<weft_sync_send_fn> send;
  weft::c::c_callback<weft_sync_notify_fn> connect;
  weft::c::c_callback<weft_sync_notify_fn> close;
  weft::c::c_callback<weft_sync_state_fn> state;
  weft::c::c_callback<weft_sync_error_fn> error;
  weft_sync_peer peer_view;
};

namespace weft::c {
namespace {

using std::chrono::milliseconds;

result<void> out_of_range(const char* what) {
  return make_error(errc::invalid_argument, std::string(what) + " is out of range");
}

// set_sync_option applies one (key, value) pair to `o`.
result<void> set_sync_option(sync::session_options& o, std::int32_t key, std::uint64_t v) {
  if (is_io_option(key)) {
    doc_settings s;
    s.limits = o.limits;
    s.encoding = o.encoding;
    WEFT_TRY(set_option(s, static_cast<std::uint64_t>(key), v, false));
    o.limits = s.limits;
    o.encoding = s.encoding;
    return {};
  }
  constexpr auto ms_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  auto interval = [&](milliseconds& f, bool positive) -> result<void> {
    if (v > ms_max || (positive && v == 0)) return out_of_range("an interval");
    f = milliseconds(static_cast<std::int64_t>(v));
    return {};
  };
  auto count = [&](int& f) -> result<void> {
    if (v == 0 || v > static_cast<std::uint64_t>(INT_MAX)) return out_of_range("a count");
    f = static_cast<int>(v);
    return {};
  };
  auto size = [&](std::size_t& f) { return size_option(f, v); };
  auto rate = [&](double& f, bool positive) -> result<void> {
    if (positive && v == 0) return out_of_range("a burst");
    f = static_cast<double>(v);
    return {};
  };
  switch (key) {
    case WEFT_SYNC_OPT_DEBOUNCE_MS: return interval(o.debounce, false);
    case WEFT_SYNC_OPT_HEARTBEAT_MS: return interval(o.heartbeat, true);
    case WEFT_SYNC_OPT_MISSED_HEARTBEATS: return count(o.missed_heartbeats);
    case WEFT_SYNC_OPT_RESEND_MS: return interval(o.resend, true);
    case WEFT_SYNC_OPT_BACKOFF_BASE_MS: return interval(o.backoff.base, true);
    case WEFT_SYNC_OPT_BACKOFF_CAP_MS: return interval(o.backoff.cap, true);
    case WEFT_SYNC_OPT_BACKOFF_STABLE_MS: return interval(o.backoff.stable, false);
    case WEFT_SYNC_OPT_BACKOFF_SEED: o.backoff.seed = v; return {};
    case WEFT_SYNC_OPT_BREAKER_THRESHOLD: return count(o.breaker_threshold);
    case WEFT_SYNC_OPT_MESSAGE_RATE: return rate(o.message_rate.rate, false);
    case WEFT_SYNC_OPT_MESSAGE_BURST: return rate(o.message_rate.burst, true);
    case WEFT_SYNC_OPT_BYTE_RATE: return rate(o.byte_rate.rate, false);
    case WEFT_SYNC_OPT_BYTE_BURST: return rate(o.byte_rate.burst, true);
    case WEFT_SYNC_OPT_MAX_MESSAGE_BYTES: return size(o.max_message_bytes);
    case WEFT_SYNC_OPT_MAX_UNACKED_OPS:
      if (v == 0) return out_of_range("max_unacked_ops");
      o.max_unacked_ops = v;
      return {};
    case WEFT_SYNC_OPT_CHUNK_BYTES: return size(o.chunk_bytes);
    default: return make_error(errc::invalid_argument, "unknown sync option");
  }
}

result<std::uint64_t> get_sync_option(const sync::session_options& o, std::int32_t key) {
  if (is_io_option(key)) {
    doc_settings s;
    s.limits = o.limits;
    s.encoding = o.encoding;
    return get_option(s, key);
  }
  auto ms = [](milliseconds m) { return static_cast<std::uint64_t>(m.count()); };
  // A rate is set from a uint64_t; the largest ones round up to 2^64, which
  // does not convert back (undefined behaviour): they read as UINT64_MAX.
  auto whole = [](double r) {
    return r >= 0x1p64 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(r);
  };
  switch (key) {
    case WEFT_SYNC_OPT_DEBOUNCE_MS: return ms(o.debounce);
    case WEFT_SYNC_OPT_HEARTBEAT_MS: return ms(o.heartbeat);
    case WEFT_SYNC_OPT_MISSED_HEARTBEATS: return static_cast<std::uint64_t>(o.missed_heartbeats);
    case WEFT_SYNC_OPT_RESEND_MS: return ms(o.resend);
    case WEFT_SYNC_OPT_BACKOFF_BASE_MS: return ms(o.backoff.base);
    case WEFT_SYNC_OPT_BACKOFF_CAP_MS: return ms(o.backoff.cap);
    case WEFT_SYNC_OPT_BACKOFF_STABLE_MS: return ms(o.backoff.stable);
    case WEFT_SYNC_OPT_BACKOFF_SEED: return o.backoff.seed;
    case WEFT_SYNC_OPT_BREAKER_THRESHOLD: return static_cast<std::uint64_t>(o.breaker_threshold);
    case WEFT_SYNC_OPT_MESSAGE_RATE: return whole(o.message_rate.rate);
    case WEFT_SYNC_OPT_MESSAGE_BURST: return whole(o.message_rate.burst);
    case WEFT_SYNC_OPT_BYTE_RATE: return whole(o.byte_rate.rate);
    case WEFT_SYNC_OPT_BYTE_BURST: return whole(o.byte_rate.burst);
    case WEFT_SYNC_OPT_MAX_MESSAGE_BYTES: return std::uint64_t{o.max_message_bytes};
    case WEFT_SYNC_OPT_MAX_UNACKED_OPS: return o.max_unacked_ops;
    case WEFT_SYNC_OPT_CHUNK_BYTES: return std::uint64_t{o.chunk_bytes};
    default: return make_error(errc::invalid_argument, "unknown sync option");
  }
}

// callbacks_for makes the C++ callbacks of `h`: each calls the C slot set
// at the time, if any.
sync::callbacks callbacks_for(weft_sync_session* h) {
  sync::callbacks cb;
  cb.send = [h](std::span<const std::uint8_t> b) {
    if (h->send.fn != nullptr) h->send.fn(h->send.data, b.data(), b.size());
  };
  cb.connect = [h] {
    if (h->connect.fn != nullptr) h->connect.fn(h->connect.data);
  };
  cb.close = [h] {
    if (h->close.fn == nullptr) return;
    ++h->in_close;
    h->close.fn(h->close.data);
    --h->in_close;
  };
  cb.state_changed = [h](sync::state s) {
    if (h->state.fn != nullptr) h->state.fn(h->state.data, static_cast<std::int32_t>(s));
  };
  cb.error = [h](const weft::error& e, bool from_peer) {
    if (h->error.fn == nullptr) return;
    h->error.fn(h->error.data, from_errc(e.code), e.message.data(), e.message.size(), from_peer);
  };
  return cb;
}

// install_hooks sets the server hooks of `o` that the C options set.
void install_hooks(weft_sync_session* h, sync::session_options& o) {
  const sync_hooks& c = h->hooks;
  if (c.authorize.fn != nullptr) {
    o.authorize = [h](const sync::peer_info& p, std::string_view id) {
      const weft_sync_peer peer{&p};
      return role_from(h->hooks.authorize.fn(h->hooks.authorize.data, &peer, id.data(), id.size()));
    };
  }
  if (c.resolve.fn != nullptr) {
    o.resolve = [h](std::string_view id) -> std::pair<doc*, presence*> {
      weft_doc* d = nullptr;
      weft_presence* p = nullptr;
      h->hooks.resolve.fn(h->hooks.resolve.data, id.data(), id.size(), &d, &p);
      if (d == nullptr || !d->box) return {nullptr, nullptr};
      held kept = held_of(*d, p != nullptr && p->box ? p : nullptr);
      const bool known = std::any_of(h->kept.begin(), h->kept.end(), [&](const held& k) {
        return k.doc == kept.doc && k.presence == kept.presence;
      });
      if (!known) h->kept.push_back(kept);
      return {&kept.doc->doc, kept.presence ? &kept.presence->presence : nullptr};
    };
  }
  if (c.durable.fn != nullptr) {
    o.durable = [h](std::string_view id) {
      const weft_version_entry* entries = nullptr;
      std::size_t n = 0;
      h->hooks.durable.fn(h->hooks.durable.data, id.data(), id.size(), &entries, &n);
      version_vector v;
      for (std::size_t i = 0; entries != nullptr && i < n; ++i) {
        const auto r = static_cast<replica_id>(entries[i].replica);
        v.set_count(r, std::max(v.get(r), entries[i].count));
      }
      return v;
    };
  }
}

template <class Fn>
weft_status set_hook(weft_sync_options* o, c_callback<Fn> sync_hooks::*slot, Fn fn,
                     void* user_data) noexcept {
  if (o == nullptr) return null_argument(nullptr, "options");
  o->hooks.*slot = c_callback<Fn>{fn, user_data};
  return WEFT_OK;
}

template <class F>
weft_status with_peer(const weft_sync_peer* peer, const void* out, F&& body) noexcept {
  if (peer == nullptr || peer->info == nullptr || out == nullptr) {
    return null_argument(nullptr, "peer or out");
  }
  return guard(nullptr, [&]() -> weft_status { return body(*peer->info); });
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

const char* weft_sync_state_str(int32_t state) {
  if (state < WEFT_SYNC_CONNECTING || state > WEFT_SYNC_CLOSED) return "unknown";
  return weft::sync::state_name(static_cast<weft::sync::state>(state));
}

// --- options -------------------------------------------------------------------

weft_status weft_sync_options_new(int32_t side, weft_sync_options** out) {
  if (out == nullptr) return null_argument(nullptr, "out");
  if (side != WEFT_SYNC_CLIENT && side != WEFT_SYNC_SERVER) {
    return fail(nullptr, WEFT_ERR_INVALID_ARGUMENT, "unknown sync side");
  }
  return guard(nullptr, [&]() -> weft_status {
    auto o = std::make_unique<weft_sync_options>();
    o->o.this_side = static_cast<weft::sync::side>(side);
    *out = o.release();
    return WEFT_OK;
  });
}

void weft_sync_options_free(weft_sync_options* options) { delete options; }

weft_status weft_sync_options_set(weft_sync_options* options, int32_t key, uint64_t value) {
  if (options == nullptr) return null_argument(nullptr, "options");
  return guard(nullptr, [&]() -> weft_status {
    weft::sync::session_options o = options->o;
    if (auto r = set_sync_option(o, key, value); !r) return fail(nullptr, r.error());
    options->o = std::move(o);
    return WEFT_OK;
  });
}

weft_status weft_sync_options_get(const weft_sync_options* options, int32_t key,
                                  uint64_t* value) {
  if (options == nullptr || value == nullptr) return null_argument(nullptr, "options or value");
  return guard(nullptr, [&]() -> weft_status {
    auto r = get_sync_option(options->o, key);
    if (!r) return fail(nullptr, r.error());
    *value = *r;
    return WEFT_OK;
  });
}

weft_status weft_sync_options_set_credentials(weft_sync_options* options, const char* credentials,
                                              size_t len) {
  if (options == nullptr || !span_ok(credentials, len)) {
    return null_argument(nullptr, "options or credentials");
  }
  return guard(nullptr, [&]() -> weft_status {
    if (auto ok = utf8_ok(sv(credentials, len), "the credentials"); !ok) {
      return fail(nullptr, ok.error());
    }
    options->o.credentials.assign(sv(credentials, len));
    return WEFT_OK;
  });
}

weft_status weft_sync_options_set_replicas(weft_sync_options* options, const uint64_t* replicas,
                                           size_t n) {
  if (options == nullptr || (replicas == nullptr && n > 0)) {
    return null_argument(nullptr, "options or replicas");
  }
  return guard(nullptr, [&]() -> weft_status {
    std::vector<weft::replica_id> ids;
    ids.reserve(n);
    for (size_t i = 0; i < n; ++i) ids.push_back(static_cast<weft::replica_id>(replicas[i]));
    options->o.replicas = std::move(ids);
    return WEFT_OK;
  });
}

weft_status weft_sync_options_set_authorize(weft_sync_options* options, weft_sync_authorize_fn fn,
                                            void* user_data) {
  return set_hook(options, &sync_hooks::authorize, fn, user_data);
}

weft_status weft_sync_options_set_resolve(weft_sync_options* options, weft_sync_resolve_fn fn,
                                          void* user_data) {
  return set_hook(options, &sync_hooks::resolve, fn, user_data);
}

weft_status weft_sync_options_set_durable(weft_sync_options* options, weft_sync_durable_fn fn,
                                          void* user_data) {
  return set_hook(options, &sync_hooks::durable, fn, user_data);
}

// --- peers ---------------------------------------------------------------------

weft_status weft_sync_peer_protocol(const weft_sync_peer* peer, uint32_t* out) {
  return with_peer(peer, out, [&](const weft::sync::peer_info& p) {
    *out = p.protocol;
    return WEFT_OK;
  });
}

weft_status weft_sync_peer_credentials(const weft_sync_peer* peer, const char** data,
                                       size_t* len) {
  if (len == nullptr) return null_argument(nullptr, "len");
  return with_peer(peer, data, [&](const weft::sync::peer_info& p) {
    *data = p.credentials.c_str();
    *len = p.credentials.size();
    return WEFT_OK;
  });
}

weft_status weft_sync_peer_replicas(const weft_sync_peer* peer, uint64_t* replicas, size_t cap,
                                    size_t* len) {
  if (replicas == nullptr && cap > 0) return null_argument(nullptr, "replicas");
  return with_peer(peer, len, [&](const weft::sync::peer_info& p) {
    for (size_t i = 0; i < p.replicas.size() && i < cap; ++i) {
      replicas[i] = static_cast<uint64_t>(p.replicas[i]);
    }
    *len = p.replicas.size();
    return WEFT_OK;
  });
}

weft_status weft_sync_peer_capabilities(const weft_sync_peer* peer, uint64_t* out) {
  return with_peer(peer, out, [&](const weft::sync::peer_info& p) {
    *out = p.capabilities;
    return WEFT_OK;
  });
}

// --- sessions ------------------------------------------------------------------

weft_status weft_sync_session_new(const weft_sync_options* options, weft_sync_session** out) {
  if (options == nullptr || out == nullptr) return null_argument(nullptr, "options or out");
  return guard(nullptr, [&]() -> weft_status {
    auto h = std::make_unique<weft_sync_session>();
    h->hooks = options->hooks;
    h->server = options->o.this_side == weft::sync::side::server;
    weft::sync::session_options o = options->o;
    install_hooks(h.get(), o);
    h->s = std::make_unique<weft::sync::session>(std::move(o), callbacks_for(h.get()));
    *out = h.release();
    return WEFT_OK;
  });
}

void weft_sync_session_free(weft_sync_session* session) { free_sync(session); }

const char* weft_sync_session_last_error(const weft_sync_session* session) {
  return session == nullptr ? "" : session->last_error.get();
}

weft_status weft_sync_session_set_send(weft_sync_session* session, weft_sync_send_fn fn,
                                       void* user_data) {
  return set_slot(session, &weft_sync_session::send, fn, user_data);
}

weft_status weft_sync_session_set_connect(weft_sync_session* session, weft_sync_notify_fn fn,
                                          void* user_data) {
  return set_slot(session, &weft_sync_session::connect, fn, user_data);
}

weft_status weft_sync_session_set_close(weft_sync_session* session, weft_sync_notify_fn fn,
                                        void* user_data) {
  return set_slot(session, &weft_sync_session::close, fn, user_data);
}

weft_status weft_sync_session_set_state(weft_sync_session* session, weft_sync_state_fn fn,
                                        void* user_data) {
  return set_slot(session, &weft_sync_session::state, fn, user_data);
}

weft_status weft_sync_session_set_error(weft_sync_session* session, weft_sync_error_fn fn,
                                        void* user_data) {
  return set_slot(session, &weft_sync_session::error, fn, user_data);
}

weft_status weft_sync_session_add_doc(weft_sync_session* session, weft_doc* doc,
                                      weft_presence* presence) {
  if (doc == nullptr || !doc->box || (presence != nullptr && !presence->box)) {
    return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "doc is NULL");
  }
  return with_sync(session, [&](weft_sync_session& h) -> weft_status {
    // Held before it is added, so that the session never refers to a
    // document nothing keeps alive.
    h.kept.push_back(held_of(*doc, presence));
    held& k = h.kept.back();
    auto r = h.s->add(k.doc->doc, k.presence ? &k.presence->presence : nullptr);
    if (!r) {
      h.kept.pop_back();
      return fail_in(&h.last_error, r.error());
    }
    return WEFT_OK;
  });
}

weft_status weft_sync_session_remove_doc(weft_sync_session* session, const char* doc_id,
                                         size_t doc_id_len) {
  if (!span_ok(doc_id, doc_id_len)) {
    return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "doc_id is NULL");
  }
  return with_sync(session, [&](weft_sync_session& h) {
    const std::string_view id = sv(doc_id, doc_id_len);
    h.s->remove(id);
    // A server session's connection may still serve the document: it is
    // kept until the session goes.
    if (!h.server) {
      std::erase_if(h.kept, [&](const held& k) { return k.id == id; });
    }
    return WEFT_OK;
  });
}

weft_status weft_sync_session_start(weft_sync_session* session, int64_t now_ms) {
  return with_sync(session, [&](weft_sync_session& h) {
    h.s->start(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_connected(weft_sync_session* session, int64_t now_ms) {
  return with_sync(session, [&](weft_sync_session& h) {
    h.s->connected(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_connect_failed(weft_sync_session* session, int64_t now_ms) {
  return with_sync(session, [&](weft_sync_session& h) {
    h.s->connect_failed(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_disconnected(weft_sync_session* session, int64_t now_ms) {
  // The one call allowed from inside a callback: a transport may report a
  // close at once from the close callback.
  return with_sync(session, true, [&](weft_sync_session& h) {
    h.s->disconnected(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_receive(weft_sync_session* session, const uint8_t* data,
                                      size_t len, int64_t now_ms) {
  if (!span_ok(data, len)) return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "data is NULL");
  return with_sync(session, [&](weft_sync_session& h) -> weft_status {
    auto r = h.s->receive(std::span<const std::uint8_t>(data, len), ms_time(now_ms));
    return r ? WEFT_OK : fail_in(&h.last_error, r.error());
  });
}

weft_status weft_sync_session_tick(weft_sync_session* session, int64_t now_ms) {
  return with_sync(session, [&](weft_sync_session& h) {
    h.s->tick(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_close(weft_sync_session* session, int64_t now_ms) {
  return with_sync(session, [&](weft_sync_session& h) {
    h.s->close(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_state(const weft_sync_session* session, int32_t* out) {
  if (out == nullptr) return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(session, [&](weft_sync_session& h) {
    *out = static_cast<int32_t>(h.s->current());
    return WEFT_OK;
  });
}

weft_status weft_sync_session_role(const weft_sync_session* session, const char* doc_id,
                                   size_t doc_id_len, int32_t* out) {
  if (!span_ok(doc_id, doc_id_len) || out == nullptr) {
    return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "doc_id or out is NULL");
  }
  return with_sync(session, [&](weft_sync_session& h) {
    *out = static_cast<int32_t>(h.s->role_of(sv(doc_id, doc_id_len)));
    return WEFT_OK;
  });
}

weft_status weft_sync_session_acknowledged(const weft_sync_session* session, const char* doc_id,
                                           size_t doc_id_len, weft_bytes* out) {
  if (!span_ok(doc_id, doc_id_len) || out == nullptr) {
    return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "doc_id or out is NULL");
  }
  return with_sync(session, [&](weft_sync_session& h) {
    const weft::version_vector v = h.s->acknowledged(sv(doc_id, doc_id_len));
    return bytes_out_in(&h.last_error, weft::encode_version(v), out);
  });
}

weft_status weft_sync_session_peer(const weft_sync_session* session, const weft_sync_peer** out) {
  if (out == nullptr) return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(session, [&](weft_sync_session& h) {
    h.peer_view.info = &h.s->peer();
    *out = &h.peer_view;
    return WEFT_OK;
  });
}

weft_status weft_sync_session_stat(const weft_sync_session* session, int32_t stat, uint64_t* out) {
  if (out == nullptr) return fail_h(session, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(session, [&](weft_sync_session& h) -> weft_status {
    const weft::sync::session_stats& st = h.s->stats();
    switch (stat) {
      case WEFT_SYNC_STAT_MESSAGES_SENT: *out = st.messages_sent; break;
      case WEFT_SYNC_STAT_MESSAGES_RECEIVED: *out = st.messages_received; break;
      case WEFT_SYNC_STAT_BYTES_SENT: *out = st.bytes_sent; break;
      case WEFT_SYNC_STAT_BYTES_RECEIVED: *out = st.bytes_received; break;
      case WEFT_SYNC_STAT_DELTAS_SENT: *out = st.deltas_sent; break;
      case WEFT_SYNC_STAT_DELTAS_APPLIED: *out = st.deltas_applied; break;
      case WEFT_SYNC_STAT_OPS_SENT: *out = st.ops_sent; break;
      case WEFT_SYNC_STAT_OPS_APPLIED: *out = st.ops_applied; break;
      case WEFT_SYNC_STAT_RESENT: *out = st.resent; break;
      default: return fail_in(&h.last_error, WEFT_ERR_INVALID_ARGUMENT, "unknown sync stat");
    }
    return WEFT_OK;
  });
}

weft_status weft_sync_session_check(const weft_sync_session* session) {
  return with_sync(session, [&](weft_sync_session& h) -> weft_status {
    auto r = weft::sync::internal::check(*h.s);
    return r ? WEFT_OK : fail_in(&h.last_error, WEFT_ERR_CORRUPTED, r.error().message);
  });
}

}  // extern "C"
