// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/doc.cpp
// -----------------------------------------------------------------------------
//
// weft_doc: creation, options, transactions, replication and snapshots.

#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "c_api.hpp"
#include "weft/snapshot.hpp"
#include "weft/wire.hpp"

namespace weft::c {

bool is_io_option(std::int64_t key) noexcept {
  return (key >= WEFT_OPT_MAX_MESSAGE_BYTES && key <= WEFT_OPT_MAX_TABLES) ||
         (key >= WEFT_OPT_COMPRESSION && key <= WEFT_OPT_COMPRESSION_LEVEL);
}

result<void> set_option(doc_settings& s, std::uint64_t key, std::uint64_t v, bool creating) {
  constexpr auto size_max = std::numeric_limits<std::size_t>::max();
  constexpr auto u32_max = std::numeric_limits<std::uint32_t>::max();
  auto too_big = [&](std::uint64_t max) -> result<void> {
    if (v > max) return make_error(errc::invalid_argument, "option value out of range");
    return {};
  };
  switch (key) {
    case WEFT_OPT_MAX_OPS:
    case WEFT_OPT_MAX_PENDING_OPS:
      if (!creating) {
        return make_error(errc::invalid_argument,
                          "max_ops and max_pending_ops are fixed when the document is made");
      }
      (key == WEFT_OPT_MAX_OPS ? s.options.max_ops : s.options.max_pending_ops) = v;
      return {};
    case WEFT_OPT_MAX_MESSAGE_BYTES:
      WEFT_TRY(too_big(size_max));
      s.limits.max_message_bytes = static_cast<std::size_t>(v);
      return {};
    case WEFT_OPT_MAX_DECODE_OPS: s.limits.max_ops = v; return {};
    case WEFT_OPT_MAX_ITEMS: s.limits.max_items = v; return {};
    case WEFT_OPT_MAX_STRING_BYTES:
      WEFT_TRY(too_big(size_max));
      s.limits.max_string_bytes = static_cast<std::size_t>(v);
      return {};
    case WEFT_OPT_MAX_CONTAINERS:
      WEFT_TRY(too_big(size_max));
      s.limits.max_containers = static_cast<std::size_t>(v);
      return {};
    case WEFT_OPT_MAX_DEPTH:
      WEFT_TRY(too_big(u32_max));
      s.limits.max_depth = static_cast<std::uint32_t>(v);
      return {};
    case WEFT_OPT_MAX_TABLES:
      WEFT_TRY(too_big(u32_max));
      s.limits.max_tables = static_cast<std::uint32_t>(v);
      return {};
    case WEFT_OPT_COMPRESSION:
      if (v != WEFT_COMPRESSION_NONE && v != WEFT_COMPRESSION_ZSTD) {
        return make_error(errc::invalid_argument, "unknown compression");
      }
      s.encoding.compress = static_cast<compression>(v);
      return {};
    case WEFT_OPT_COMPRESS_MIN_BYTES:
      WEFT_TRY(too_big(size_max));
      s.encoding.compress_min_bytes = static_cast<std::size_t>(v);
      return {};
    case WEFT_OPT_COMPRESSION_LEVEL:
      if (v < 1 || v > 19) return make_error(errc::invalid_argument, "zstd level must be 1..19");
      s.encoding.level = static_cast<int>(v);
      return {};
    default: return make_error(errc::invalid_argument, "unknown option");
  }
}

result<std::uint64_t> get_option(const doc_settings& s, std::int64_t key) {
  switch (key) {
    case WEFT_OPT_MAX_OPS: return s.options.max_ops;
    case WEFT_OPT_MAX_PENDING_OPS: return s.options.max_pending_ops;
    case WEFT_OPT_MAX_MESSAGE_BYTES: return std::uint64_t{s.limits.max_message_bytes};
    case WEFT_OPT_MAX_DECODE_OPS: return s.limits.max_ops;
    case WEFT_OPT_MAX_ITEMS: return s.limits.max_items;
    case WEFT_OPT_MAX_STRING_BYTES: return std::uint64_t{s.limits.max_string_bytes};
    case WEFT_OPT_MAX_CONTAINERS: return std::uint64_t{s.limits.max_containers};
    case WEFT_OPT_MAX_DEPTH: return std::uint64_t{s.limits.max_depth};
    case WEFT_OPT_MAX_TABLES: return std::uint64_t{s.limits.max_tables};
    case WEFT_OPT_COMPRESSION: return static_cast<std::uint64_t>(s.encoding.compress);
    case WEFT_OPT_COMPRESS_MIN_BYTES: return std::uint64_t{s.encoding.compress_min_bytes};
    case WEFT_OPT_COMPRESSION_LEVEL: return static_cast<std::uint64_t>(s.encoding.level);
    default: return make_error(errc::invalid_argument, "unknown option");
  }
}

namespace {

result<doc_settings> settings_from(const char* id, std::size_t id_len, const std::uint64_t* options,
                                   std::size_t n_options) {
  if (!span_ok(id, id_len)) return make_error(errc::invalid_argument, "id is NULL");
  if (options == nullptr && n_options > 0) {
    return make_error(errc::invalid_argument, "options is NULL");
  }
  doc_settings s;
  s.options.id.assign(sv(id, id_len));
  WEFT_TRY(utf8_ok(s.options.id, "the document id"));
  for (std::size_t i = 0; i < n_options; ++i) {
    WEFT_TRY(set_option(s, options[2 * i], options[2 * i + 1], true));
  }
  return s;
}

weft_status new_doc(box_ptr box, weft_doc** out) noexcept {
  auto* d = new (std::nothrow) weft_doc{};
  if (d == nullptr) return fail(nullptr, WEFT_ERR_NO_MEMORY, "out of memory");
  d->box = std::move(box);
  *out = d;
  return WEFT_OK;
}

template <class H, class Get>
weft_status get_root(weft_doc* d, const char* name, std::size_t name_len, H** out, Get get) {
  if (!span_ok(name, name_len)) return null_argument(d ? d->box.get() : nullptr, "name");
  if (out == nullptr) return null_argument(d ? d->box.get() : nullptr, "out");
  return with_doc(d, [&](const box_ptr& box) -> weft_status {
    const std::string_view n = sv(name, name_len);
    if (auto ok = utf8_ok(n, "a root name"); !ok) return fail(box.get(), ok.error());
    return make_handle(box, get(box->doc, n), out);
  });
}

}  // namespace
}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

weft_status weft_doc_new(weft_doc** out) {
  if (out == nullptr) return null_argument(nullptr, "out");
  return guard(nullptr, [&]() -> weft_status {
    doc_settings s;
    weft::doc d(weft::random_replica_id(), s.options);
    s.options.id = d.id();
    return new_doc(std::make_shared<doc_box>(std::move(d), std::move(s)), out);
  });
}

weft_status weft_doc_new_with(uint64_t replica, const char* id, size_t id_len,
                              const uint64_t* options, size_t n_options, weft_doc** out) {
  if (out == nullptr) return null_argument(nullptr, "out");
  return guard(nullptr, [&]() -> weft_status {
    auto s = settings_from(id, id_len, options, n_options);
    if (!s) return fail(nullptr, s.error());
    weft::doc d(static_cast<weft::replica_id>(replica), s->options);
    s->options.id = d.id();
    return new_doc(std::make_shared<doc_box>(std::move(d), std::move(*s)), out);
  });
}

void weft_doc_free(weft_doc* doc) {
  // A call in progress (this one's caller, when freed from a callback) holds
  // its own reference: the document goes when the last one is dropped.
  delete doc;
}

weft_status weft_doc_fork(const weft_doc* doc, uint64_t replica, weft_doc** out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    if (box->doc.in_transaction()) {
      return fail(box.get(), WEFT_ERR_INVALID_STATE, "fork inside a transaction");
    }
    weft::doc copy = box->doc.fork(static_cast<weft::replica_id>(replica));
    return new_doc(std::make_shared<doc_box>(std::move(copy), box->settings), out);
  });
}

const char* weft_doc_last_error(const weft_doc* doc) {
  if (doc == nullptr || !doc->box) return "";
  return doc->box->last_error.get();
}

weft_status weft_doc_set_option(weft_doc* doc, int32_t option, uint64_t value) {
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    doc_settings s = box->settings;
    auto ok = set_option(s, static_cast<std::uint64_t>(option), value, false);
    if (!ok) return fail(box.get(), ok.error());
    box->settings = std::move(s);
    return WEFT_OK;
  });
}

weft_status weft_doc_get_option(const weft_doc* doc, int32_t option, uint64_t* value) {
  if (value == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "value");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    auto v = get_option(box->settings, option);
    if (!v) return fail(box.get(), v.error());
    *value = *v;
    return WEFT_OK;
  });
}

weft_status weft_doc_replica(const weft_doc* doc, uint64_t* replica) {
  if (replica == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "replica");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *replica = static_cast<uint64_t>(box->doc.replica());
    return WEFT_OK;
  });
}

weft_status weft_doc_id(const weft_doc* doc, const char** id, size_t* len) {
  if (id == nullptr || len == nullptr) {
    return null_argument(doc ? doc->box.get() : nullptr, "id or len");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *id = box->doc.id().c_str();
    *len = box->doc.id().size();
    return WEFT_OK;
  });
}

weft_status weft_doc_to_json(const weft_doc* doc, weft_bytes* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    return bytes_out(box.get(), box->doc.to_json(), out);
  });
}

weft_status weft_doc_transact(weft_doc* doc, weft_transact_fn fn, void* user_data,
                              const char* origin_tag, size_t origin_tag_len) {
  if (fn == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "fn");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    const weft::origin o = origin_from(origin_tag, origin_tag_len, weft::origin::local());
    int32_t rc = 0;
    box->doc.transact([&] { rc = fn(user_data); }, o);
    if (rc != 0) {
      return fail(
          box.get(), WEFT_ERR_CALLBACK,
          "the transaction callback returned " + std::to_string(rc) + " (its edits are committed)");
    }
    return WEFT_OK;
  });
}

weft_status weft_doc_in_transaction(const weft_doc* doc, bool* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *out = box->doc.in_transaction();
    return WEFT_OK;
  });
}

weft_status weft_doc_version(const weft_doc* doc, weft_bytes* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    return bytes_out(box.get(), weft::encode_version(box->doc.version(), box->settings.encoding),
                     out);
  });
}

weft_status weft_doc_version_entries(const weft_doc* doc, weft_version_entry* entries, size_t cap,
                                     size_t* len) {
  if ((entries == nullptr && cap > 0) || len == nullptr) {
    return null_argument(doc ? doc->box.get() : nullptr, "entries or len");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    const auto& es = box->doc.version().entries();
    for (size_t i = 0; i < es.size() && i < cap; ++i) {
      entries[i] = weft_version_entry{static_cast<uint64_t>(es[i].replica), es[i].count};
    }
    *len = es.size();
    return WEFT_OK;
  });
}

weft_status weft_doc_delta_since(const weft_doc* doc, const uint8_t* since, size_t since_len,
                                 weft_bytes* out) {
  if (out == nullptr || !span_ok(since, since_len)) {
    return null_argument(doc ? doc->box.get() : nullptr, "out or since");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    weft::version_vector v;
    if (since_len > 0) {
      auto d = weft::decode_version(std::span<const std::uint8_t>(since, since_len),
                                    box->settings.limits);
      if (!d) return fail(box.get(), d.error());
      v = std::move(*d);
    }
    return bytes_out(box.get(), weft::encode_delta(box->doc.delta_since(v), box->settings.encoding),
                     out);
  });
}

weft_status weft_doc_apply(weft_doc* doc, const uint8_t* delta, size_t len, const char* origin_tag,
                           size_t origin_tag_len) {
  if (!span_ok(delta, len)) return null_argument(doc ? doc->box.get() : nullptr, "delta");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    auto d = weft::decode_delta(std::span<const std::uint8_t>(delta, len), box->settings.limits);
    if (!d) return fail(box.get(), d.error());
    const weft::origin o = origin_from(origin_tag, origin_tag_len, weft::origin::remote());
    return check(box.get(), box->doc.apply(*d, o));
  });
}

weft_status weft_doc_pending_ops(const weft_doc* doc, uint64_t* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *out = box->doc.pending_ops();
    return WEFT_OK;
  });
}

weft_status weft_doc_op_count(const weft_doc* doc, uint64_t* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *out = box->doc.op_count();
    return WEFT_OK;
  });
}

weft_status weft_doc_memory_usage(const weft_doc* doc, size_t* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    *out = box->doc.memory_usage();
    return WEFT_OK;
  });
}

weft_status weft_doc_check(const weft_doc* doc, bool deep) {
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    return check(box.get(), weft::internal::check(box->doc, deep));
  });
}

weft_status weft_doc_observe_updates(weft_doc* doc, weft_update_fn fn, void* user_data,
                                     weft_subscription** out) {
  if (fn == nullptr || out == nullptr) {
    return null_argument(doc ? doc->box.get() : nullptr, "fn or out");
  }
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    auto s = std::make_unique<weft_subscription>();  // freed if observe_updates throws
    weak_box weak = box;
    s->sub = box->doc.observe_updates([weak, fn, user_data](const weft::doc_delta& delta,
                                                            const weft::origin& o) noexcept {
      box_ptr b = weak.lock();
      if (!b) return;
      // The edit has committed; a failure here can only be reported.
      try {
        const auto bytes = weft::encode_delta(delta, b->settings.encoding);
        fn(user_data, bytes.data(), bytes.size(), origin_kind(o), o.tag().c_str(), o.tag().size());
      } catch (...) {
        fail(b.get(), WEFT_ERR_NO_MEMORY, "an update could not be encoded for its observer");
      }
    });
    *out = s.release();
    return WEFT_OK;
  });
}

weft_status weft_doc_save(const weft_doc* doc, int32_t kind, weft_bytes* out) {
  if (out == nullptr) return null_argument(doc ? doc->box.get() : nullptr, "out");
  return with_doc(doc, [&](const box_ptr& box) -> weft_status {
    if (kind != WEFT_SNAPSHOT_FULL && kind != WEFT_SNAPSHOT_STATE_ONLY) {
      return fail(box.get(), WEFT_ERR_INVALID_ARGUMENT, "unknown snapshot kind");
    }
    weft::save_options so;
    so.kind = static_cast<weft::snapshot_kind>(kind);
    so.encoding = box->settings.encoding;
    return bytes_out(box.get(), weft::save(box->doc, so), out);
  });
}

weft_status weft_doc_load(const uint8_t* data, size_t len, uint64_t replica, const char* id,
                          size_t id_len, const uint64_t* options, size_t n_options,
                          weft_doc** out) {
  if (!span_ok(data, len) || out == nullptr) return null_argument(nullptr, "data or out");
  return guard(nullptr, [&]() -> weft_status {
    auto s = settings_from(id, id_len, options, n_options);
    if (!s) return fail(nullptr, s.error());
    auto d = weft::load(std::span<const std::uint8_t>(data, len),
                        static_cast<weft::replica_id>(replica), s->options, s->limits);
    if (!d) return fail(nullptr, d.error());
    s->options.id = d->id();
    return new_doc(std::make_shared<doc_box>(std::move(*d), std::move(*s)), out);
  });
}

weft_status weft_doc_get_text(weft_doc* doc, const char* name, size_t name_len, weft_text** out) {
  return get_root(doc, name, name_len, out,
                  [](weft::doc& d, std::string_view n) { return d.get_text(n); });
}
weft_status weft_doc_get_map(weft_doc* doc, const char* name, size_t name_len, weft_map** out) {
  return get_root(doc, name, name_len, out,
                  [](weft::doc& d, std::string_view n) { return d.get_map(n); });
}
weft_status weft_doc_get_list(weft_doc* doc, const char* name, size_t name_len, weft_list** out) {
  return get_root(doc, name, name_len, out,
                  [](weft::doc& d, std::string_view n) { return d.get_list(n); });
}
weft_status weft_doc_get_counter(weft_doc* doc, const char* name, size_t name_len,
                                 weft_counter** out) {
  return get_root(doc, name, name_len, out,
                  [](weft::doc& d, std::string_view n) { return d.get_counter(n); });
}
weft_status weft_doc_get_register(weft_doc* doc, const char* name, size_t name_len,
                                  weft_register** out) {
  return get_root(doc, name, name_len, out,
                  [](weft::doc& d, std::string_view n) { return d.get_register(n); });
}

}  // extern "C"
