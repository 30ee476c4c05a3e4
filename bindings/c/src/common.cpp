// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bindings/c/src/common.cpp
// -----------------------------------------------------------------------------
//
// Status codes and messages, owned outputs (bytes, values), version vectors
// and message inspection: the parts of the C ABI that need no document.

// The C header restates the version macros; check them against the core's
// before it redefines them.
#include "weft/version.hpp"
namespace {
constexpr int core_version_number = WEFT_VERSION_NUMBER;
}  // namespace
#undef WEFT_VERSION_MAJOR
#undef WEFT_VERSION_MINOR
#undef WEFT_VERSION_PATCH
#undef WEFT_VERSION_NUMBER

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "c_api.hpp"
#include "weft/internal/utf8.hpp"
#include "weft/version_vector.hpp"
#include "weft/wire.hpp"

static_assert(WEFT_VERSION_NUMBER == core_version_number,
              "weft.h and weft/version.hpp disagree on the version");

// The C enums restate the C++ ones; their values are part of the ABI.
static_assert(WEFT_ERR_IO_ERROR == static_cast<int>(weft::errc::io_error));
static_assert(WEFT_VALUE_CONTAINER == static_cast<int>(weft::value_kind::container));
static_assert(WEFT_CONTAINER_REGISTER == static_cast<int>(weft::container_type::reg));
static_assert(WEFT_COMPRESSION_ZSTD == static_cast<int>(weft::compression::zstd));
static_assert(WEFT_MESSAGE_SYNC == static_cast<int>(weft::message_kind::sync));
static_assert(WEFT_ORDER_CONCURRENT == static_cast<int>(weft::causal_order::concurrent));
static_assert(WEFT_AFFINITY_RIGHT == static_cast<int>(weft::affinity::right));
static_assert(WEFT_ORIGIN_USER == static_cast<int>(weft::origin::kind::user));
static_assert(WEFT_DELTA_ERASE == static_cast<int>(weft::delta_kind::erase));

namespace weft::c {

error_slot& thread_error() noexcept {
  thread_local error_slot slot;
  return slot;
}

weft_status fail_in(error_slot* slot, weft_status status, std::string_view msg) noexcept {
  thread_error().set(msg);
  if (slot != nullptr) slot->set(msg);
  return status;
}

weft_status fail_in(error_slot* slot, const weft::error& e) noexcept {
  return fail_in(slot, from_errc(e.code), e.message);
}

weft_status fail(doc_box* box, weft_status status, std::string_view msg) noexcept {
  return fail_in(box == nullptr ? nullptr : &box->last_error, status, msg);
}

weft_status fail(doc_box* box, const weft::error& e) noexcept {
  return fail(box, from_errc(e.code), e.message);
}

weft_status from_errc(errc code) noexcept {
  const int v = static_cast<int>(code);
  // errc values are C statuses 1..63 by construction; anything beyond is a
  // newer core than this header knows.
  return v > 0 && v < 64 ? static_cast<weft_status>(v) : WEFT_ERR_INTERNAL;
}

weft_status null_argument(doc_box* box, const char* what) noexcept {
  try {
    return fail(box, WEFT_ERR_NULL_ARGUMENT, std::string(what) + " is NULL");
  } catch (...) {
    return fail(box, WEFT_ERR_NULL_ARGUMENT, "a required argument is NULL");
  }
}

weft_status bytes_out(doc_box* box, std::string_view s, weft_bytes* out) noexcept {
  return bytes_out_in(box == nullptr ? nullptr : &box->last_error, s, out);
}

weft_status bytes_out_in(error_slot* slot, std::string_view s, weft_bytes* out) noexcept {
  auto* data = static_cast<std::uint8_t*>(std::malloc(s.size() + 1));
  if (data == nullptr) return fail_in(slot, WEFT_ERR_NO_MEMORY, "out of memory");
  if (!s.empty()) std::memcpy(data, s.data(), s.size());
  data[s.size()] = 0;
  out->data = data;
  out->len = s.size();
  return WEFT_OK;
}

weft_status bytes_out(doc_box* box, const std::vector<std::uint8_t>& v, weft_bytes* out) noexcept {
  return bytes_out(box, std::string_view(reinterpret_cast<const char*>(v.data()), v.size()), out);
}

weft_status bytes_out_in(error_slot* slot, const std::vector<std::uint8_t>& v,
                         weft_bytes* out) noexcept {
  return bytes_out_in(slot, std::string_view(reinterpret_cast<const char*>(v.data()), v.size()),
                      out);
}

result<void> utf8_ok(std::string_view s, const char* what) {
  if (!internal::validate_utf8(s)) {
    return make_error(errc::invalid_utf8, std::string(what) + " is not valid UTF-8");
  }
  return {};
}

result<value> value_in(const weft_value* in) {
  if (in == nullptr) return make_error(errc::invalid_argument, "value is NULL");
  if (!span_ok(in->data, in->len)) {
    return make_error(errc::invalid_argument, "value data is NULL with a non-zero length");
  }
  switch (in->kind) {
    case WEFT_VALUE_NULL: return value();
    case WEFT_VALUE_BOOL:
      if (in->integer != 0 && in->integer != 1) {
        return make_error(errc::invalid_argument, "a boolean value's integer must be 0 or 1");
      }
      return value(in->integer != 0);
    case WEFT_VALUE_INT: return value(in->integer);
    case WEFT_VALUE_REAL: return value(in->real);
    case WEFT_VALUE_STRING: {
      const std::string_view s(static_cast<const char*>(in->data), in->len);
      WEFT_TRY(utf8_ok(s, "string value"));
      return value(std::string(s));
    }
    case WEFT_VALUE_BYTES: {
      const auto* p = static_cast<const std::uint8_t*>(in->data);
      return value(weft::bytes(p, p + in->len));
    }
    case WEFT_VALUE_CONTAINER:
      return make_error(errc::invalid_argument,
                        "a container value cannot be written: use the set_<type> or "
                        "insert_<type> functions");
    default: return make_error(errc::invalid_argument, "unknown value kind");
  }
}

weft_status value_out(doc_box* box, const value& v, weft_value* out) noexcept {
  weft_value r{};
  r.kind = static_cast<std::int32_t>(v.kind());
  const auto copy = [&](const void* p, std::size_t n) -> bool {
    if (n == 0) return true;
    void* data = std::malloc(n);
    if (data == nullptr) return false;
    std::memcpy(data, p, n);
    r.data = data;
    r.len = n;
    return true;
  };
  bool ok = true;
  switch (v.kind()) {
    case value_kind::null: break;
    case value_kind::boolean: r.integer = v.as_bool() ? 1 : 0; break;
    case value_kind::integer: r.integer = v.as_int(); break;
    case value_kind::real: r.real = v.as_double(); break;
    case value_kind::string: ok = copy(v.as_string().data(), v.as_string().size()); break;
    case value_kind::binary: ok = copy(v.as_bytes().data(), v.as_bytes().size()); break;
    case value_kind::container:
      r.container_type = static_cast<std::int32_t>(v.as_container().type());
      break;
  }
  if (!ok) return fail(box, WEFT_ERR_NO_MEMORY, "out of memory");
  *out = r;
  return WEFT_OK;
}

result<anchor> anchor_in(const weft_anchor* in) {
  if ((in->has_target != 0 && in->has_target != 1) ||
      (in->side != WEFT_AFFINITY_LEFT && in->side != WEFT_AFFINITY_RIGHT)) {
    return make_error(errc::invalid_argument, "malformed anchor");
  }
  anchor a;
  a.side = static_cast<affinity>(in->side);
  if (in->has_target != 0) a.target = op_id{static_cast<replica_id>(in->replica), in->seq};
  return a;
}

weft_anchor anchor_to_c(const anchor& a) noexcept {
  weft_anchor r{};
  r.has_target = a.target.has_value() ? 1 : 0;
  if (a.target) {
    r.replica = static_cast<std::uint64_t>(a.target->replica);
    r.seq = a.target->seq;
  }
  r.side = static_cast<std::int32_t>(a.side);
  return r;
}

weft::origin origin_from(const char* tag, std::size_t tag_len, weft::origin fallback) {
  if (tag == nullptr) return fallback;
  return weft::origin::user(std::string(tag, tag_len));
}

std::int32_t origin_kind(const weft::origin& o) noexcept {
  return static_cast<std::int32_t>(o.type());
}

namespace {

result<version_vector> version_from(const std::uint8_t* data, std::size_t len) {
  if (data == nullptr && len == 0) return version_vector();
  if (!span_ok(data, len)) return make_error(errc::invalid_argument, "version is NULL");
  return decode_version(std::span<const std::uint8_t>(data, len));
}

}  // namespace

}  // namespace weft::c

using namespace weft::c;  // NOLINT: the entry points below are C functions

extern "C" {

int32_t weft_version_number(void) { return WEFT_VERSION_NUMBER; }

const char* weft_status_str(weft_status status) {
  // A C caller may pass any int. Its bits are read as an int, since loading
  // an enum outside its enumerators' range is undefined in C++ (UBSan's
  // enum check fails on weft_status_str(999)).
  int v = 0;
  static_assert(sizeof v == sizeof status);
  std::memcpy(&v, &status, sizeof v);
  // Statuses below 64 are errc values: their names are the core's, so the
  // two never disagree (errc_name returns string literals).
  if (v >= 0 && v < 64) return weft::errc_name(static_cast<weft::errc>(v)).data();
  switch (v) {
    case WEFT_ERR_NULL_ARGUMENT: return "null_argument";
    case WEFT_ERR_NO_MEMORY: return "no_memory";
    case WEFT_ERR_DOC_FREED: return "doc_freed";
    case WEFT_ERR_TYPE_MISMATCH: return "type_mismatch";
    case WEFT_ERR_NOT_FOUND: return "not_found";
    case WEFT_ERR_CALLBACK: return "callback";
    case WEFT_ERR_INTERNAL: return "internal";
    case WEFT_ERR_INVALID_STATE: return "invalid_state";
    default: return "unknown";
  }
}

const char* weft_last_error(void) { return thread_error().get(); }

void weft_bytes_free(weft_bytes* b) {
  if (b == nullptr) return;
  std::free(b->data);
  b->data = nullptr;
  b->len = 0;
}

void weft_value_free(weft_value* v) {
  if (v == nullptr) return;
  if (v->kind == WEFT_VALUE_STRING || v->kind == WEFT_VALUE_BYTES) {
    std::free(const_cast<void*>(v->data));
  }
  *v = weft_value{};
}

void weft_value_list_free(weft_value_list* list) {
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->len; ++i) weft_value_free(&list->items[i]);
  std::free(list->items);
  list->items = nullptr;
  list->len = 0;
}

weft_status weft_version_encode(const weft_version_entry* entries, size_t n, weft_bytes* out) {
  if (entries == nullptr && n > 0) return null_argument(nullptr, "entries");
  if (out == nullptr) return null_argument(nullptr, "out");
  return guard(nullptr, [&]() -> weft_status {
    // A replica listed twice is refused even when one count is 0 (which
    // version_vector cannot tell from absent).
    std::vector<std::uint64_t> seen(n);
    for (size_t i = 0; i < n; ++i) seen[i] = entries[i].replica;
    std::sort(seen.begin(), seen.end());
    if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) {
      return fail(nullptr, WEFT_ERR_INVALID_ARGUMENT, "a replica appears twice");
    }
    weft::version_vector v;
    for (size_t i = 0; i < n; ++i) {
      v.set_count(static_cast<weft::replica_id>(entries[i].replica), entries[i].count);
    }
    return bytes_out(nullptr, weft::encode_version(v), out);
  });
}

weft_status weft_version_decode(const uint8_t* data, size_t len, weft_version_entry* entries,
                                size_t cap, size_t* out_len) {
  if (entries == nullptr && cap > 0) return null_argument(nullptr, "entries");
  if (out_len == nullptr) return null_argument(nullptr, "out_len");
  return guard(nullptr, [&]() -> weft_status {
    auto v = version_from(data, len);
    if (!v) return fail(nullptr, v.error());
    const auto& es = v->entries();
    for (size_t i = 0; i < es.size() && i < cap; ++i) {
      entries[i] = weft_version_entry{static_cast<uint64_t>(es[i].replica), es[i].count};
    }
    *out_len = es.size();
    return WEFT_OK;
  });
}

weft_status weft_version_compare(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len,
                                 int32_t* order) {
  if (order == nullptr) return null_argument(nullptr, "order");
  return guard(nullptr, [&]() -> weft_status {
    auto va = version_from(a, a_len);
    if (!va) return fail(nullptr, va.error());
    auto vb = version_from(b, b_len);
    if (!vb) return fail(nullptr, vb.error());
    *order = static_cast<int32_t>(va->compare(*vb));
    return WEFT_OK;
  });
}

weft_status weft_version_merge(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len,
                               weft_bytes* out) {
  if (out == nullptr) return null_argument(nullptr, "out");
  return guard(nullptr, [&]() -> weft_status {
    auto va = version_from(a, a_len);
    if (!va) return fail(nullptr, va.error());
    auto vb = version_from(b, b_len);
    if (!vb) return fail(nullptr, vb.error());
    va->merge(*vb);
    return bytes_out(nullptr, weft::encode_version(*va), out);
  });
}

weft_status weft_message_peek(const uint8_t* data, size_t len, int32_t* kind) {
  if (!span_ok(data, len)) return null_argument(nullptr, "data");
  if (kind == nullptr) return null_argument(nullptr, "kind");
  return guard(nullptr, [&]() -> weft_status {
    auto k = weft::peek_message(std::span<const std::uint8_t>(data, len));
    if (!k) return fail(nullptr, k.error());
    *kind = static_cast<int32_t>(*k);
    return WEFT_OK;
  });
}

weft_status weft_delta_op_count(const uint8_t* data, size_t len, uint64_t* count) {
  if (!span_ok(data, len)) return null_argument(nullptr, "data");
  if (count == nullptr) return null_argument(nullptr, "count");
  return guard(nullptr, [&]() -> weft_status {
    auto d = weft::decode_delta(std::span<const std::uint8_t>(data, len));
    if (!d) return fail(nullptr, d.error());
    *count = d->op_count();
    return WEFT_OK;
  });
}

weft_status weft_random_replica_id(uint64_t* out) {
  if (out == nullptr) return null_argument(nullptr, "out");
  return guard(nullptr, [&]() -> weft_status {
    *out = static_cast<uint64_t>(weft::random_replica_id());
    return WEFT_OK;
  });
}

void weft_subscription_free(weft_subscription* sub) {
  // reset() is noexcept; delete of the handle cannot throw.
  delete sub;
}

bool weft_subscription_active(const weft_subscription* sub) {
  return sub != nullptr && sub->sub.active();
}

}  // extern "C"
