// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/relay.cpp
// -----------------------------------------------------------------------------
//
// weft_sync_relay. As for sessions, the C++ relay's hooks and per-connection
// callbacks are trampolines into slots of the C handle; an unset slot does
// what the C++ relay does without the hook. Hosted documents and presences
// are held by shared pointer for the relay's lifetime.

#include "weft/sync/relay.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c_api.hpp"
#include "sync.hpp"
#include "weft/snapshot.hpp"
#include "weft/sync/file_storage.hpp"

struct weft_sync_relay : weft::c::sync_handle {
  // Declared before the relay, destroyed after it: it refers to them.
  std::unique_ptr<weft::sync::file_storage> store;
  std::vector<weft::c::held> hosted;
  std::unique_ptr<weft::sync::relay> relay;
  weft::c::c_callback<weft_sync_authenticate_fn> authenticate;
  weft::c::c_callback<weft_sync_user_authorize_fn> authorize;
  weft::c::c_callback<weft_sync_relay_send_fn> send;
  weft::c::c_callback<weft_sync_relay_close_fn> close;
};

namespace weft::c {
namespace {

struct relay_settings {
  sync::relay_options options;
  sync::file_storage_options storage;
};

// set_relay_option applies one (key, value) pair.
result<void> set_relay_option(relay_settings& s, std::uint64_t key, std::uint64_t v) {
  sync::relay_options& o = s.options;
  auto size = [&](std::size_t& f) { return size_option(f, v); };
  if (key > WEFT_SYNC_RELAY_OPT_PRESENCE && key < 2 * WEFT_SYNC_RELAY_OPT_PRESENCE) {
    return set_presence_option(o.presence, key - WEFT_SYNC_RELAY_OPT_PRESENCE, v);
  }
  switch (key) {
    case WEFT_SYNC_RELAY_OPT_REPLICA: o.replica = static_cast<replica_id>(v); return {};
    case WEFT_SYNC_RELAY_OPT_MAX_DOCS: return size(o.max_docs);
    case WEFT_SYNC_RELAY_OPT_MAX_DOC_ID_BYTES: return size(o.max_doc_id_bytes);
    case WEFT_SYNC_RELAY_OPT_MAX_BINDINGS: return size(o.max_bindings);
    case WEFT_SYNC_RELAY_OPT_DOC_MAX_OPS: o.doc.max_ops = v; return {};
    case WEFT_SYNC_RELAY_OPT_DOC_MAX_PENDING_OPS: o.doc.max_pending_ops = v; return {};
    case WEFT_SYNC_RELAY_OPT_COMPACT_RECORDS: o.persistence.compact_records = v; return {};
    case WEFT_SYNC_RELAY_OPT_COMPACT_BYTES: o.persistence.compact_bytes = v; return {};
    case WEFT_SYNC_RELAY_OPT_STORAGE_SYNC:
      if (v > 1) return make_error(errc::invalid_argument, "storage sync is 0 or 1");
      s.storage.sync = v == 1;
      return {};
    default: return make_error(errc::invalid_argument, "unknown relay option");
  }
}

// install_hooks points the relay's hooks at the C slots of `h`.
void install_hooks(weft_sync_relay* h, sync::relay_options& o) {
  o.authenticate = [h](const sync::peer_info& p) -> std::optional<std::string> {
    if (h->authenticate.fn == nullptr) return p.credentials;
    const weft_sync_peer peer{&p};
    const char* user = nullptr;
    std::size_t len = 0;
    if (!h->authenticate.fn(h->authenticate.data, &peer, &user, &len)) return std::nullopt;
    if (!span_ok(user, len)) return std::nullopt;
    return std::string(sv(user, len));
  };
  o.authorize = [h](std::string_view user, std::string_view doc_id) {
    if (h->authorize.fn == nullptr) return sync::role::write;
    return role_from(
        h->authorize.fn(h->authorize.data, user.data(), user.size(), doc_id.data(), doc_id.size()));
  };
}

// connection_session finds an open connection's session.
const sync::session* connection_session(weft_sync_relay& h, std::uint64_t connection) {
  return h.relay->connection(static_cast<sync::connection_id>(connection));
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

weft_status weft_sync_relay_new(const weft_sync_options* session, const uint64_t* options,
                                size_t n_options, const char* storage_dir,
                                size_t storage_dir_len, weft_sync_relay** out) {
  if ((options == nullptr && n_options > 0) || !span_ok(storage_dir, storage_dir_len) ||
      out == nullptr) {
    return null_argument(nullptr, "options, storage_dir or out");
  }
  return guard(nullptr, [&]() -> weft_status {
    relay_settings s;
    if (session != nullptr) s.options.session = session->o;
    for (size_t i = 0; i < n_options; ++i) {
      if (auto r = set_relay_option(s, options[2 * i], options[2 * i + 1]); !r) {
        return fail(nullptr, r.error());
      }
    }
    auto h = std::make_unique<weft_sync_relay>();
    install_hooks(h.get(), s.options);
    if (storage_dir_len > 0) {
      auto store = weft::sync::file_storage::open(std::string(sv(storage_dir, storage_dir_len)),
                                                  s.storage);
      if (!store) return fail(nullptr, store.error());
      h->store = std::make_unique<weft::sync::file_storage>(std::move(*store));
    }
    h->relay = std::make_unique<weft::sync::relay>(std::move(s.options), h->store.get());
    if (auto r = h->relay->open(); !r) return fail(nullptr, r.error());
    *out = h.release();
    return WEFT_OK;
  });
}

void weft_sync_relay_free(weft_sync_relay* relay) { free_sync(relay); }

const char* weft_sync_relay_last_error(const weft_sync_relay* relay) {
  return relay == nullptr ? "" : relay->last_error.get();
}

weft_status weft_sync_relay_set_authenticate(weft_sync_relay* relay, weft_sync_authenticate_fn fn,
                                             void* user_data) {
  return set_slot(relay, &weft_sync_relay::authenticate, fn, user_data);
}

weft_status weft_sync_relay_set_authorize(weft_sync_relay* relay, weft_sync_user_authorize_fn fn,
                                          void* user_data) {
  return set_slot(relay, &weft_sync_relay::authorize, fn, user_data);
}

weft_status weft_sync_relay_set_send(weft_sync_relay* relay, weft_sync_relay_send_fn fn,
                                     void* user_data) {
  return set_slot(relay, &weft_sync_relay::send, fn, user_data);
}

weft_status weft_sync_relay_set_close(weft_sync_relay* relay, weft_sync_relay_close_fn fn,
                                      void* user_data) {
  return set_slot(relay, &weft_sync_relay::close, fn, user_data);
}

weft_status weft_sync_relay_accept(weft_sync_relay* relay, int64_t now_ms, uint64_t* connection) {
  if (connection == nullptr) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "connection is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) {
    // The id is known only once accept returns; a server session sends
    // nothing before its peer's hello, so the callbacks never run sooner.
    auto id = std::make_shared<std::uint64_t>(0);
    weft_sync_relay* hp = &h;
    weft::sync::callbacks cb;
    cb.send = [hp, id](std::span<const std::uint8_t> b) {
      if (hp->send.fn != nullptr) hp->send.fn(hp->send.data, *id, b.data(), b.size());
    };
    cb.close = [hp, id] {
      if (hp->close.fn == nullptr) return;
      ++hp->in_close;
      hp->close.fn(hp->close.data, *id);
      --hp->in_close;
    };
    *id = h.relay->accept(std::move(cb), ms_time(now_ms));
    *connection = *id;
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_receive(weft_sync_relay* relay, uint64_t connection,
                                    const uint8_t* data, size_t len, int64_t now_ms) {
  if (!span_ok(data, len)) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "data is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    auto r = h.relay->receive(static_cast<weft::sync::connection_id>(connection),
                              std::span<const std::uint8_t>(data, len), ms_time(now_ms));
    return r ? WEFT_OK : fail_in(&h.last_error, r.error());
  });
}

weft_status weft_sync_relay_disconnected(weft_sync_relay* relay, uint64_t connection,
                                         int64_t now_ms) {
  // Allowed from inside the close callback: a transport may report a close
  // at once.
  return with_sync(relay, true, [&](weft_sync_relay& h) {
    h.relay->disconnected(static_cast<weft::sync::connection_id>(connection), ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_tick(weft_sync_relay* relay, int64_t now_ms) {
  return with_sync(relay, [&](weft_sync_relay& h) {
    h.relay->tick(ms_time(now_ms));
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_host(weft_sync_relay* relay, weft_doc* doc, weft_presence* presence) {
  if (doc == nullptr || !doc->box || (presence != nullptr && !presence->box)) {
    return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "doc is NULL");
  }
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    h.hosted.push_back(held_of(*doc, presence));
    held& k = h.hosted.back();
    auto r = h.relay->host(k.doc->doc, k.presence ? &k.presence->presence : nullptr);
    if (!r) {
      h.hosted.pop_back();
      return fail_in(&h.last_error, r.error());
    }
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_doc_ids(const weft_sync_relay* relay, weft_value_list* out) {
  if (out == nullptr) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    const std::vector<std::string> ids = h.relay->doc_ids();
    const weft_status s = value_list_out(
        nullptr, ids.begin(), ids.end(), [](const std::string& id) { return weft::value(id); },
        out);
    return s == WEFT_OK ? s : fail_in(&h.last_error, s, weft_last_error());
  });
}

weft_status weft_sync_relay_doc_save(const weft_sync_relay* relay, const char* doc_id,
                                     size_t doc_id_len, int32_t kind, weft_bytes* out) {
  if (!span_ok(doc_id, doc_id_len) || out == nullptr) {
    return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "doc_id or out is NULL");
  }
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    if (kind != WEFT_SNAPSHOT_FULL && kind != WEFT_SNAPSHOT_STATE_ONLY) {
      return fail_in(&h.last_error, WEFT_ERR_INVALID_ARGUMENT, "unknown snapshot kind");
    }
    const weft::doc* d = h.relay->find(sv(doc_id, doc_id_len));
    if (d == nullptr) return fail_in(&h.last_error, WEFT_ERR_NOT_FOUND, "no such document");
    weft::save_options so;
    so.kind = static_cast<weft::snapshot_kind>(kind);
    return bytes_out_in(&h.last_error, weft::save(*d, so), out);
  });
}

weft_status weft_sync_relay_connections(const weft_sync_relay* relay, uint64_t* connections,
                                        size_t cap, size_t* len) {
  if ((connections == nullptr && cap > 0) || len == nullptr) {
    return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "connections or len is NULL");
  }
  return with_sync(relay, [&](weft_sync_relay& h) {
    const std::vector<weft::sync::connection_id> ids = h.relay->connections();
    for (size_t i = 0; i < ids.size() && i < cap; ++i) connections[i] = ids[i];
    *len = ids.size();
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_connection_state(const weft_sync_relay* relay, uint64_t connection,
                                             int32_t* out) {
  if (out == nullptr) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    const weft::sync::session* s = connection_session(h, connection);
    if (s == nullptr) return fail_in(&h.last_error, WEFT_ERR_NOT_FOUND, "no such connection");
    *out = static_cast<int32_t>(s->current());
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_connection_role(const weft_sync_relay* relay, uint64_t connection,
                                            const char* doc_id, size_t doc_id_len, int32_t* out) {
  if (!span_ok(doc_id, doc_id_len) || out == nullptr) {
    return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "doc_id or out is NULL");
  }
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    const weft::sync::session* s = connection_session(h, connection);
    if (s == nullptr) return fail_in(&h.last_error, WEFT_ERR_NOT_FOUND, "no such connection");
    *out = static_cast<int32_t>(s->role_of(sv(doc_id, doc_id_len)));
    return WEFT_OK;
  });
}

weft_status weft_sync_relay_user_of(const weft_sync_relay* relay, uint64_t replica,
                                    weft_bytes* out) {
  if (out == nullptr) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    const auto user = h.relay->user_of(static_cast<weft::replica_id>(replica));
    if (!user) return fail_in(&h.last_error, WEFT_ERR_NOT_FOUND, "the replica is not bound");
    return bytes_out_in(&h.last_error, *user, out);
  });
}

weft_status weft_sync_relay_stat(const weft_sync_relay* relay, int32_t stat, uint64_t* out) {
  if (out == nullptr) return fail_h(relay, WEFT_ERR_NULL_ARGUMENT, "out is NULL");
  return with_sync(relay, [&](weft_sync_relay& h) -> weft_status {
    const weft::sync::relay_stats& st = h.relay->stats();
    switch (stat) {
      case WEFT_SYNC_RELAY_STAT_ACCEPTED: *out = st.accepted; break;
      case WEFT_SYNC_RELAY_STAT_MESSAGES_RECEIVED: *out = st.messages_received; break;
      case WEFT_SYNC_RELAY_STAT_BYTES_RECEIVED: *out = st.bytes_received; break;
      case WEFT_SYNC_RELAY_STAT_MESSAGES_SENT: *out = st.messages_sent; break;
      case WEFT_SYNC_RELAY_STAT_BYTES_SENT: *out = st.bytes_sent; break;
      case WEFT_SYNC_RELAY_STAT_REFUSED: *out = st.refused; break;
      case WEFT_SYNC_RELAY_STAT_DENIED: *out = st.denied; break;
      case WEFT_SYNC_RELAY_STAT_DOCS_CREATED: *out = st.docs_created; break;
      case WEFT_SYNC_RELAY_STAT_DOCS_RESTORED: *out = st.docs_restored; break;
      case WEFT_SYNC_RELAY_STAT_STORAGE_FAILURES: *out = st.storage_failures; break;
      default: return fail_in(&h.last_error, WEFT_ERR_INVALID_ARGUMENT, "unknown relay stat");
    }
    return WEFT_OK;
  });
}

}  // extern "C"
