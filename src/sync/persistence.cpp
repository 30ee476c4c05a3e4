// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/persistence.cpp
// -----------------------------------------------------------------------------

#include "weft/sync/persistence.hpp"

#include <algorithm>
#include <utility>

#include "fmt/format.h"

namespace weft::sync {
namespace {

std::vector<std::uint8_t> encode_replicas(const std::vector<replica_id>& ids) {
  std::vector<std::uint8_t> out;
  out.reserve(8 * ids.size());
  for (const replica_id r : ids) {
    const auto v = static_cast<std::uint64_t>(r);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  return out;
}

bool contains(const std::vector<replica_id>& ids, replica_id r) {
  return std::find(ids.begin(), ids.end(), r) != ids.end();
}

// fatal_for_restore: errors that say the data is fine but cannot be used
// here (a newer format, limits, capacity). Skipping such a record would
// silently lose what it holds, so restore fails instead.
bool fatal_for_restore(errc c) {
  return c == errc::unsupported || c == errc::too_large || c == errc::capacity_exceeded;
}

error in_record(std::size_t i, const error& e) {
  return make_error(e.code, fmt::format("stored record {}: {}", i, e.message));
}

}  // namespace

result<std::vector<replica_id>> authored_replicas(storage& s, std::string_view doc_id) {
  auto raw = s.get_meta(doc_id, replicas_meta_key);
  if (!raw) return raw.error();
  std::vector<replica_id> ids;
  if (!*raw) return ids;
  const std::vector<std::uint8_t>& b = **raw;
  if (b.size() % 8 != 0) {
    return make_error(errc::corrupted,
                      fmt::format("authored replica list of {} bytes is not a list of u64", b.size()));
  }
  for (std::size_t i = 0; i < b.size(); i += 8) {
    std::uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = (v << 8) | b[i + static_cast<std::size_t>(k)];
    if (!contains(ids, replica_id{v})) ids.push_back(replica_id{v});
  }
  return ids;
}

// ---------------------------------------------------------------------------
// persistence
// ---------------------------------------------------------------------------

struct persistence::impl {
  doc* d = nullptr;
  storage* s = nullptr;
  std::string id;
  persistence_options options;
  version_vector durable;
  bool healthy = true;
  std::optional<error> last_error;
  std::function<void(const version_vector&)> on_durable;
  std::vector<replica_id> authored;
  persistence_stats stats;
  // What the log holds beyond its first record (taken as the snapshot).
  std::uint64_t snapshot_bytes = 0;
  std::uint64_t delta_records = 0;
  std::uint64_t delta_bytes = 0;
  // compact_after_bytes holds compaction back after one failed: a full
  // snapshot may not fit where a small append does (a disk nearly full), and
  // retrying it on every write would cost a snapshot per keystroke.
  std::uint64_t compact_after_bytes = 0;
  // writing guards against re-entry: an on_durable callback (or an
  // observer running before ours) may edit the doc mid-write; the loop in
  // write_pending picks those ops up.
  bool writing = false;
  subscription sub;

  bool should_compact() const {
    const bool by_records = options.compact_records != 0 && delta_records >= options.compact_records;
    const bool by_bytes = options.compact_bytes != 0 && delta_bytes >= options.compact_bytes;
    return (by_records || by_bytes) && delta_bytes >= snapshot_bytes / 4 &&
           delta_bytes >= compact_after_bytes;
  }

  result<void> append_once() {
    const std::vector<std::uint8_t> bytes = encode_delta(d->delta_since(durable), options.deltas);
    WEFT_TRY(s->append(id, bytes));
    ++stats.appends;
    ++stats.log_records;
    stats.log_bytes += bytes.size();
    ++delta_records;
    delta_bytes += bytes.size();
    return {};
  }

  result<void> compact_once() {
    const std::vector<std::uint8_t> bytes = save(*d, options.snapshot);
    WEFT_TRY(s->replace(id, bytes));
    ++stats.compactions;
    stats.log_records = 1;
    stats.log_bytes = bytes.size();
    snapshot_bytes = bytes.size();
    delta_records = 0;
    delta_bytes = 0;
    compact_after_bytes = 0;
    return {};
  }

  void note_failure(const error& e) {
    healthy = false;
    last_error = e;
    ++stats.failures;
  }

  void note_durable(version_vector v) {
    durable = std::move(v);
    healthy = true;
    if (on_durable) on_durable(durable);
  }

  // write_pending writes every integrated op that is not durable yet.
  result<void> write_pending(bool force_compact = false) {
    if (writing) return {};
    writing = true;
    result<void> out;
    while (force_compact || durable != d->version()) {
      version_vector target = d->version();
      const bool compacting = force_compact || should_compact();
      const bool forced = force_compact;
      force_compact = false;
      result<void> r = compacting ? compact_once() : append_once();
      if (!r && compacting) {
        // replace is atomic, so the log is as it was: the ops still become
        // durable by an append, and compaction waits until the log has grown
        // by half again. The failure is recorded; only an explicit compact()
        // reports it, since the write itself succeeds; healthy() is about
        // ops at risk and waits for the append.
        last_error = r.error();
        ++stats.failures;
        compact_after_bytes = delta_bytes + delta_bytes / 2 + 1;
        if (forced) out = r;
        if (durable == d->version()) break;
        r = append_once();
      }
      if (!r) {
        note_failure(r.error());
        out = r;
        break;
      }
      note_durable(std::move(target));
    }
    writing = false;
    return out;
  }
};

persistence::persistence(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
persistence::~persistence() = default;
persistence::persistence(persistence&&) noexcept = default;
persistence& persistence::operator=(persistence&&) noexcept = default;

result<persistence> persistence::attach(doc& d, storage& s, const version_vector& stored,
                                        persistence_options options) {
  WEFT_TRY(validate_doc_id(d.id()));
  if (d.in_transaction()) {
    return make_error(errc::invalid_argument, "attach inside a transaction of the doc");
  }
  auto p = std::make_unique<impl>();
  p->d = &d;
  p->s = &s;
  p->id = d.id();
  p->options = options;

  auto authored = sync::authored_replicas(s, p->id);
  if (!authored) return authored.error();
  p->authored = std::move(*authored);
  // The id goes on the list before any op made under it is written.
  if (!contains(p->authored, d.replica())) {
    p->authored.push_back(d.replica());
    WEFT_TRY(s.set_meta(p->id, replicas_meta_key, encode_replicas(p->authored)));
  }
  auto info = s.info(p->id);
  if (!info) return info.error();
  p->stats.log_records = info->records;
  p->stats.log_bytes = info->bytes;
  if (info->records > 0) {
    p->snapshot_bytes = info->first_bytes;
    p->delta_records = info->records - 1;
    p->delta_bytes = info->bytes - info->first_bytes;
  }
  // Only what the doc has can be durable: a `stored` claiming more would
  // make delta_since skip nothing it should not, but durable_version lie.
  for (const auto& e : stored.entries()) {
    p->durable.set_count(e.replica, std::min(e.count, d.version().get(e.replica)));
  }
  WEFT_TRY(p->write_pending());
  impl* raw = p.get();
  p->sub = d.observe_updates([raw](const doc_delta&, const origin&) {
    // A failure is recorded in the impl (healthy, last_error); the next
    // transaction, or flush(), writes what is missing.
    (void)raw->write_pending();
  });
  return persistence(std::move(p));
}

const version_vector& persistence::durable_version() const noexcept { return impl_->durable; }
bool persistence::healthy() const noexcept { return impl_->healthy; }
const std::optional<error>& persistence::last_error() const noexcept { return impl_->last_error; }

result<void> persistence::flush() {
  if (impl_->writing) return make_error(errc::invalid_argument, "flush during a write");
  return impl_->write_pending();
}

result<void> persistence::compact() {
  if (impl_->writing) return make_error(errc::invalid_argument, "compact during a write");
  return impl_->write_pending(/*force_compact=*/true);
}

void persistence::on_durable(std::function<void(const version_vector&)> fn) {
  impl_->on_durable = std::move(fn);
}

const std::vector<replica_id>& persistence::authored_replicas() const noexcept {
  return impl_->authored;
}

const persistence_stats& persistence::stats() const noexcept { return impl_->stats; }

result<void> internal::check(const persistence& p) {
  const persistence::impl& m = *p.impl_;
  auto fail = [](std::string what) {
    return make_error(errc::corrupted, "persistence invariant: " + std::move(what));
  };
  WEFT_TRY(weft::internal::check(m.durable));
  if (!m.d->version().includes(m.durable)) {
    return fail(fmt::format("durable version {} beyond the doc's {}", m.durable.to_string(),
                            m.d->version().to_string()));
  }
  if (m.healthy && !m.writing && m.durable != m.d->version()) {
    return fail("healthy but the doc has ops not written");
  }
  if (!contains(m.authored, m.d->replica())) return fail("the doc's replica is not on the authored list");
  for (std::size_t i = 0; i < m.authored.size(); ++i) {
    if (std::count(m.authored.begin(), m.authored.end(), m.authored[i]) != 1) {
      return fail("a replica twice on the authored list");
    }
  }
  if (m.delta_records + (m.stats.log_records > 0 ? 1 : 0) < m.stats.log_records) {
    return fail("log record counts disagree");
  }
  return {};
}

// ---------------------------------------------------------------------------
// restore
// ---------------------------------------------------------------------------

result<doc> restore(storage& s, std::string_view doc_id, replica_id new_replica,
                    doc_options options, const restore_options& ro, restore_report* report) {
  WEFT_TRY(validate_doc_id(doc_id));
  if (options.id.empty()) {
    options.id = std::string(doc_id);
  } else if (options.id != doc_id) {
    return make_error(errc::invalid_argument, "doc_options::id differs from the doc id restored");
  }
  auto authored = authored_replicas(s, doc_id);
  if (!authored) return authored.error();
  if (contains(*authored, new_replica)) {
    return make_error(errc::invalid_argument,
                      fmt::format("replica {:#x} already authored this doc here; restore under a "
                                  "fresh replica id",
                                  static_cast<std::uint64_t>(new_replica)));
  }
  auto contents = s.read(doc_id);
  if (!contents) return contents.error();

  restore_report rep;
  rep.damaged = contents->damaged;
  std::optional<doc> d;
  for (std::size_t i = 0; i < contents->records.size(); ++i) {
    const std::vector<std::uint8_t>& rec = contents->records[i];
    auto kind = peek_message(rec, ro.limits);
    result<void> applied;
    if (!kind) {
      applied = kind.error();
    } else if (*kind == message_kind::snapshot && !d) {
      auto loaded = load(rec, new_replica, options, ro.limits);
      if (loaded) {
        d.emplace(std::move(*loaded));
      } else {
        applied = loaded.error();
      }
    } else if (*kind == message_kind::snapshot || *kind == message_kind::delta) {
      if (!d) d.emplace(new_replica, options);
      if (*kind == message_kind::snapshot) {
        // Only a replace writes snapshots, and always first; one further on
        // is merged all the same rather than dropped.
        auto loaded = load(rec, new_replica, options, ro.limits);
        if (loaded) {
          applied = d->apply(loaded->delta_since({}), origin::remote());
        } else {
          applied = loaded.error();
        }
      } else {
        auto delta = decode_delta(rec, ro.limits);
        applied = delta ? d->apply(*delta, origin::remote()) : result<void>(delta.error());
      }
    } else {
      applied = make_error(errc::malformed, "not a delta or snapshot");
    }
    if (!applied) {
      if (fatal_for_restore(applied.code())) return in_record(i, applied.error());
      ++rep.undecodable;
      continue;
    }
    ++rep.records;
  }
  if (!d) d.emplace(new_replica, options);
  if (d->version().get(new_replica) != 0) {
    return make_error(errc::invalid_argument,
                      fmt::format("the stored doc holds ops of replica {:#x}; restore under a "
                                  "fresh replica id",
                                  static_cast<std::uint64_t>(new_replica)));
  }
  rep.pending_ops = d->pending_ops();
  if (report != nullptr) *report = rep;
  return std::move(*d);
}

}  // namespace weft::sync
