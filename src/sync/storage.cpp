// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/storage.cpp
// -----------------------------------------------------------------------------
//
// The log format (log_format.hpp) shared by every storage, and
// memory_storage, which keeps logs as byte images in that format.

#include "weft/sync/storage.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <utility>

#include "fmt/format.h"
#include "sync/log_format.hpp"
#include "weft/internal/splitmix.hpp"

namespace weft::sync {

namespace internal {
namespace {

// Slicing-by-8 tables: table[0] is the classic byte-at-a-time table of the
// reflected Castagnoli polynomial; table[k][b] is the CRC of byte b followed
// by k zero bytes, so eight input bytes fold in with eight lookups.
struct crc_tables {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  constexpr crc_tables() {
    for (std::uint32_t b = 0; b < 256; ++b) {
      std::uint32_t c = b;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1u) ? 0x82F63B78u : 0u);
      t[0][b] = c;
    }
    for (std::uint32_t b = 0; b < 256; ++b) {
      for (std::size_t k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
    }
  }
};
constexpr crc_tables kCrc;

void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const std::uint8_t* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

constexpr std::array<std::uint8_t, 8> kMagic = {'W', 'E', 'F', 'T', 'L', 'O', 'G', 0x1A};

std::uint32_t frame_header_crc(std::uint64_t salt, const std::uint8_t* frame) noexcept {
  std::array<std::uint8_t, 16> buf{};
  put64(buf.data(), salt);
  std::memcpy(buf.data() + 8, frame, 8);
  return crc32c(buf);
}

// frame_at returns the payload size of the intact frame at `pos`, or -1.
std::int64_t frame_at(std::span<const std::uint8_t> image, std::size_t pos,
                      std::uint64_t salt) noexcept {
  if (image.size() - pos < frame_header_bytes) return -1;
  const std::uint8_t* f = image.data() + pos;
  // Cheap filters first: most positions fail here when resynchronising
  // (zero-filled blocks fail the kind).
  if ((f[4] != 1 && f[4] != 2) || f[5] != 0 || f[6] != 0 || f[7] != 0) return -1;
  const std::uint32_t len = get32(f);
  if (len > max_record_bytes || len > image.size() - pos - frame_header_bytes) return -1;
  const std::uint32_t hcrc = frame_header_crc(salt, f);
  if (hcrc != get32(f + 8)) return -1;
  if (crc32c(image.subspan(pos + frame_header_bytes, len), hcrc) != get32(f + 12)) return -1;
  return len;
}

}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc) noexcept {
  const auto& t = kCrc.t;
  std::uint32_t c = ~crc;
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  while (n >= 8) {
    const std::uint32_t lo = c ^ get32(p);
    const std::uint32_t hi = get32(p + 4);
    c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFFu];
  return ~c;
}

std::vector<std::uint8_t> encode_log_header(std::uint64_t salt) {
  std::vector<std::uint8_t> h(log_header_bytes, 0);
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  put32(h.data() + 8, log_format_version);
  put64(h.data() + 16, salt);
  put32(h.data() + 28, crc32c(std::span<const std::uint8_t>(h.data(), 28)));
  return h;
}

void append_frame(std::vector<std::uint8_t>& out, std::uint64_t salt, frame_kind kind,
                  std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  const std::size_t len = a.size() + b.size();
  WEFT_ASSERT(len <= max_record_bytes, "frame payload over max_record_bytes");
  const std::size_t at = out.size();
  out.resize(at + frame_header_bytes);
  std::uint8_t* f = out.data() + at;
  put32(f, static_cast<std::uint32_t>(len));
  f[4] = static_cast<std::uint8_t>(kind);
  const std::uint32_t hcrc = frame_header_crc(salt, f);
  put32(f + 8, hcrc);
  put32(f + 12, crc32c(b, crc32c(a, hcrc)));
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
}

void append_meta_frame(std::vector<std::uint8_t>& out, std::uint64_t salt,
                       std::string_view key, std::span<const std::uint8_t> value) {
  append_frame(out, salt, frame_kind::meta, meta_key_bytes(key), value);
}

std::vector<std::uint8_t> meta_key_bytes(std::string_view key) {
  std::vector<std::uint8_t> k;
  k.reserve(1 + key.size());
  k.push_back(static_cast<std::uint8_t>(key.size()));
  k.insert(k.end(), key.begin(), key.end());
  return k;
}

result<log_contents> read_log(std::span<const std::uint8_t> image, std::size_t end) {
  auto parsed = parse_log(image.first(std::min(image.size(), end)));
  if (!parsed) return parsed.error();
  log_contents out;
  out.damaged = parsed->damaged;
  out.records.reserve(parsed->records.size());
  for (const record_ref& r : parsed->records) {
    const auto rec = image.subspan(r.offset, r.size);
    out.records.emplace_back(rec.begin(), rec.end());
  }
  return out;
}

log_info info_of(const log_state& st) {
  return log_info{st.records, st.record_bytes, st.first_record_bytes};
}

std::vector<std::uint8_t> encode_log(std::uint64_t salt,
                                     const std::span<const std::uint8_t>* record,
                                     const meta_map& meta) {
  std::vector<std::uint8_t> out = encode_log_header(salt);
  if (record != nullptr) append_frame(out, salt, frame_kind::data, *record);
  for (const auto& [key, value] : meta) append_meta_frame(out, salt, key, value);
  return out;
}

result<parsed_log> parse_log(std::span<const std::uint8_t> image) {
  if (image.size() < log_header_bytes) {
    return make_error(errc::corrupted,
                      fmt::format("log of {} bytes is shorter than its header", image.size()));
  }
  if (std::memcmp(image.data(), kMagic.data(), kMagic.size()) != 0) {
    return make_error(errc::corrupted, "not a weft log (bad magic)");
  }
  if (crc32c(image.first(28)) != get32(image.data() + 28)) {
    return make_error(errc::corrupted, "log header fails its checksum");
  }
  const std::uint32_t version = get32(image.data() + 8);
  if (version > log_format_version || version == 0 || get32(image.data() + 12) != 0) {
    return make_error(errc::unsupported,
                      fmt::format("log format version {} (flags {:#x}) is not supported",
                                  version, get32(image.data() + 12)));
  }
  parsed_log p;
  p.salt = get64(image.data() + 16);
  std::size_t pos = log_header_bytes;
  p.end = pos;
  while (pos < image.size()) {
    std::int64_t len = frame_at(image, pos, p.salt);
    if (len < 0) {
      // Resynchronise: the next intact frame, if any, ends the damage.
      std::size_t next = pos + 1;
      while (next < image.size() && (len = frame_at(image, next, p.salt)) < 0) ++next;
      ++p.damaged;
      if (next >= image.size()) break;  // a torn tail: the log ends at p.end
      pos = next;
    }
    const std::uint8_t kind = image[pos + 4];
    const std::size_t payload = pos + frame_header_bytes;
    const auto size = static_cast<std::size_t>(len);
    if (kind == static_cast<std::uint8_t>(frame_kind::data)) {
      p.records.push_back({payload, size});
      p.record_bytes += size;
    } else {
      // A metadata frame passed its checksums, so we wrote it; one that
      // does not parse is counted as damage all the same.
      const std::size_t klen = size == 0 ? 0 : image[payload];
      if (size == 0 || 1 + klen > size) {
        ++p.damaged;
      } else {
        const auto* k = reinterpret_cast<const char*>(image.data() + payload + 1);
        auto value = image.subspan(payload + 1 + klen, size - 1 - klen);
        p.meta.insert_or_assign(std::string(k, klen),
                                std::vector<std::uint8_t>(value.begin(), value.end()));
      }
    }
    pos = payload + size;
    p.end = pos;
  }
  return p;
}

log_state state_of(const parsed_log& p) {
  log_state st;
  st.salt = p.salt;
  st.end = p.end;
  st.records = p.records.size();
  st.record_bytes = p.record_bytes;
  st.first_record_bytes = p.records.empty() ? 0 : p.records.front().size;
  st.meta = p.meta;
  return st;
}

result<void> validate_record(std::span<const std::uint8_t> record) {
  if (record.size() > max_record_bytes) {
    return make_error(errc::too_large, fmt::format("record of {} bytes exceeds the limit of {}",
                                                   record.size(), max_record_bytes));
  }
  return {};
}

result<void> validate_meta(std::string_view key, std::span<const std::uint8_t> value) {
  if (key.size() > max_meta_key_bytes) {
    return make_error(errc::too_large, fmt::format("metadata key of {} bytes exceeds the limit of {}",
                                                   key.size(), max_meta_key_bytes));
  }
  if (value.size() > max_meta_value_bytes) {
    return make_error(errc::too_large,
                      fmt::format("metadata value of {} bytes exceeds the limit of {}",
                                  value.size(), max_meta_value_bytes));
  }
  return {};
}

error unreadable_error(std::string_view doc_id, const error& why) {
  return make_error(why.code, fmt::format("the log of doc {:?} is unreadable ({}); replace or "
                                          "erase it",
                                          std::string(doc_id), why.message));
}

std::uint64_t next_salt(std::uint64_t& s) noexcept {
  for (;;) {
    if (const std::uint64_t z = weft::internal::splitmix64(s); z != 0) return z;
  }
}

std::string compare_state(const log_state& st, const parsed_log& p) {
  if (st.salt != p.salt) return "salt differs from the bytes'";
  if (st.end != p.end) return fmt::format("end {} but the bytes end at {}", st.end, p.end);
  if (st.records != p.records.size()) {
    return fmt::format("{} records but the bytes hold {}", st.records, p.records.size());
  }
  if (st.record_bytes != p.record_bytes) {
    return fmt::format("{} record bytes but the bytes hold {}", st.record_bytes, p.record_bytes);
  }
  if (st.first_record_bytes != (p.records.empty() ? 0 : p.records.front().size)) {
    return "first record size differs from the bytes'";
  }
  if (st.meta != p.meta) return "metadata differs from the bytes'";
  return {};
}

}  // namespace internal

storage::~storage() = default;

result<void> validate_doc_id(std::string_view doc_id) {
  if (doc_id.empty()) return make_error(errc::invalid_argument, "empty doc id");
  if (doc_id.size() > max_doc_id_bytes) {
    return make_error(errc::too_large, fmt::format("doc id of {} bytes exceeds the limit of {}",
                                                   doc_id.size(), max_doc_id_bytes));
  }
  return {};
}

// ---------------------------------------------------------------------------
// memory_storage
// ---------------------------------------------------------------------------

struct memory_storage::impl {
  struct entry {
    // image may run past st.end: the remains of a failed append.
    std::vector<std::uint8_t> image;
    internal::log_state st;
  };
  std::map<std::string, entry, std::less<>> docs;
  std::uint64_t salt_state = 0;
  std::optional<std::uint64_t> budget;
  memory_storage_stats stats;

  // gate decides whether the next write may happen.
  result<void> gate() {
    if (!budget) return {};
    if (*budget == 0) {
      ++stats.failed_writes;
      return make_error(errc::io_error, "memory_storage: injected write failure");
    }
    --*budget;
    return {};
  }

  entry* find(std::string_view doc_id) {
    auto it = docs.find(doc_id);
    return it == docs.end() ? nullptr : &it->second;
  }

  result<entry*> readable(std::string_view doc_id) {
    WEFT_TRY(validate_doc_id(doc_id));
    entry* e = find(doc_id);
    if (e == nullptr) {
      return make_error(errc::unknown_id, fmt::format("doc {:?} is not stored", std::string(doc_id)));
    }
    if (e->st.unreadable) return internal::unreadable_error(doc_id, *e->st.unreadable);
    return e;
  }

  // write_frame appends one frame to `doc_id`, creating the log if needed.
  result<void> write_frame(std::string_view doc_id, internal::frame_kind kind,
                           std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    entry* e = find(doc_id);
    if (e != nullptr && e->st.unreadable) {
      return internal::unreadable_error(doc_id, *e->st.unreadable);
    }
    const std::uint64_t salt = e != nullptr ? e->st.salt : internal::next_salt(salt_state);
    std::vector<std::uint8_t> frame;
    internal::append_frame(frame, salt, kind, a, b);
    if (auto ok = gate(); !ok) {
      // A new log is created whole (file_storage renames it into place),
      // so only an existing one keeps a torn half frame.
      if (e != nullptr) {
        e->image.resize(e->st.end);
        e->image.insert(e->image.end(), frame.begin(),
                        frame.begin() + static_cast<std::ptrdiff_t>(frame.size() / 2));
      }
      return ok;
    }
    if (e == nullptr) {
      entry fresh;
      fresh.st.salt = salt;
      fresh.image = internal::encode_log_header(salt);
      fresh.st.end = fresh.image.size();
      e = &docs.emplace(std::string(doc_id), std::move(fresh)).first->second;
    }
    e->image.resize(e->st.end);
    e->image.insert(e->image.end(), frame.begin(), frame.end());
    e->st.end = e->image.size();
    return {};
  }
};

memory_storage::memory_storage(memory_storage_options options) : impl_(std::make_unique<impl>()) {
  impl_->salt_state = options.seed;
  if (impl_->salt_state == 0) {
    std::random_device rd;
    impl_->salt_state = (std::uint64_t{rd()} << 32) ^ rd();
  }
}
memory_storage::~memory_storage() = default;
memory_storage::memory_storage(memory_storage&&) noexcept = default;
memory_storage& memory_storage::operator=(memory_storage&&) noexcept = default;

result<void> memory_storage::append(std::string_view doc_id, std::span<const std::uint8_t> record) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_record(record));
  WEFT_TRY(impl_->write_frame(doc_id, internal::frame_kind::data, record, {}));
  impl::entry& e = *impl_->find(doc_id);
  if (e.st.records == 0) e.st.first_record_bytes = record.size();
  ++e.st.records;
  e.st.record_bytes += record.size();
  ++impl_->stats.appends;
  return {};
}

result<void> memory_storage::replace(std::string_view doc_id, std::span<const std::uint8_t> record) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_record(record));
  WEFT_TRY(impl_->gate());
  impl::entry* e = impl_->find(doc_id);
  if (e == nullptr) e = &impl_->docs[std::string(doc_id)];
  internal::log_state st;
  st.salt = internal::next_salt(impl_->salt_state);
  // An unreadable log's metadata is lost with it; replace is its repair.
  if (!e->st.unreadable) st.meta = std::move(e->st.meta);
  e->image = internal::encode_log(st.salt, &record, st.meta);
  st.end = e->image.size();
  st.records = 1;
  st.record_bytes = record.size();
  st.first_record_bytes = record.size();
  e->st = std::move(st);
  ++impl_->stats.replaces;
  return {};
}

result<log_contents> memory_storage::read(std::string_view doc_id) {
  auto e = impl_->readable(doc_id);
  if (!e) return e.error();
  return internal::read_log((*e)->image, (*e)->st.end);
}

result<log_info> memory_storage::info(std::string_view doc_id) {
  auto e = impl_->readable(doc_id);
  if (!e) return e.error();
  return internal::info_of((*e)->st);
}

result<std::vector<std::string>> memory_storage::list() {
  std::vector<std::string> ids;
  ids.reserve(impl_->docs.size());
  for (const auto& [id, e] : impl_->docs) ids.push_back(id);
  return ids;
}

result<void> memory_storage::set_meta(std::string_view doc_id, std::string_view key,
                                      std::span<const std::uint8_t> value) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_meta(key, value));
  WEFT_TRY(impl_->write_frame(doc_id, internal::frame_kind::meta, internal::meta_key_bytes(key),
                              value));
  impl_->find(doc_id)->st.meta.insert_or_assign(std::string(key),
                                                std::vector<std::uint8_t>(value.begin(), value.end()));
  ++impl_->stats.meta_writes;
  return {};
}

result<std::optional<std::vector<std::uint8_t>>> memory_storage::get_meta(std::string_view doc_id,
                                                                          std::string_view key) {
  WEFT_TRY(validate_doc_id(doc_id));
  impl::entry* e = impl_->find(doc_id);
  if (e == nullptr) return std::optional<std::vector<std::uint8_t>>();
  if (e->st.unreadable) return internal::unreadable_error(doc_id, *e->st.unreadable);
  auto it = e->st.meta.find(key);
  if (it == e->st.meta.end()) return std::optional<std::vector<std::uint8_t>>();
  return std::optional<std::vector<std::uint8_t>>(it->second);
}

result<void> memory_storage::erase(std::string_view doc_id) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(impl_->gate());
  auto it = impl_->docs.find(doc_id);
  if (it != impl_->docs.end()) impl_->docs.erase(it);
  ++impl_->stats.erases;
  return {};
}

void memory_storage::fail_writes_after(std::optional<std::uint64_t> n) { impl_->budget = n; }

restart_report memory_storage::restart() {
  restart_report r;
  for (auto& [id, e] : impl_->docs) {
    ++r.docs;
    auto parsed = internal::parse_log(e.image);
    if (!parsed) {
      e.st = {};
      e.st.unreadable = parsed.error();
      r.unreadable.push_back(id);
      continue;
    }
    r.records += parsed->records.size();
    r.damaged += parsed->damaged;
    r.truncated_bytes += e.image.size() - parsed->end;
    e.image.resize(parsed->end);
    e.st = internal::state_of(*parsed);
  }
  return r;
}

std::vector<std::uint8_t>* memory_storage::image(std::string_view doc_id) {
  impl::entry* e = impl_->find(doc_id);
  return e == nullptr ? nullptr : &e->image;
}

const memory_storage_stats& memory_storage::stats() const noexcept { return impl_->stats; }

result<void> internal::check(const memory_storage& s) {
  for (const auto& [id, e] : s.impl_->docs) {
    if (auto ok = validate_doc_id(id); !ok) {
      return make_error(errc::corrupted, "memory_storage holds an invalid doc id");
    }
    if (e.st.unreadable) continue;
    if (e.image.size() < e.st.end) {
      return make_error(errc::corrupted, fmt::format("memory_storage: doc {:?} ends past its bytes", id));
    }
    auto parsed = parse_log(std::span<const std::uint8_t>(e.image).first(e.st.end));
    if (!parsed) {
      return make_error(errc::corrupted, fmt::format("memory_storage: doc {:?}: {}", id,
                                                     parsed.error().message));
    }
    if (std::string why = compare_state(e.st, *parsed); !why.empty()) {
      return make_error(errc::corrupted, fmt::format("memory_storage: doc {:?}: {}", id, why));
    }
  }
  return {};
}

}  // namespace weft::sync
