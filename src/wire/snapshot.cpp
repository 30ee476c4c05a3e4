// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/snapshot.cpp
// -----------------------------------------------------------------------------

#include "weft/snapshot.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "doc/doc_impl.hpp"
#include "fmt/format.h"
#include "weft/internal/saturating.hpp"
#include "weft/internal/utf8.hpp"
#include "wire/delta_codec.hpp"
#include "wire/envelope.hpp"

namespace weft {
namespace {

// add_shallow_gaps adds to `ops` a shallow delete for every op below
// `version` it does not hold (the shallow_gaps layout), counting them into
// `op_count`. Each replica's ops must come in ascending seq order.
result<void> add_shallow_gaps(doc_delta& ops, const version_vector& version,
                              std::uint64_t& op_count) {
  std::vector<doc_op> out;
  out.reserve(ops.ops.size() * 2 + version.size());
  std::map<replica_id, seq_t> next;  // where each replica's ops reached
  seq_t* last = nullptr;
  replica_id last_r{};
  auto gap = [&](replica_id r, seq_t from, seq_t to) {
    out.push_back(doc_op{0, shallow_delete_run{op_id{r, from}, to - from}});
    op_count = internal::saturating_add(op_count, to - from);
  };
  for (doc_op& op : ops.ops) {
    const op_id id = internal::op_start(op);
    if (last == nullptr || last_r != id.replica) {
      last = &next[id.replica];
      last_r = id.replica;
    }
    if (id.seq < *last) {
      return make_error(errc::malformed, fmt::format("snapshot ops of {} are out of order at {}",
                                                     internal::describe(id), *last));
    }
    if (const seq_t to = std::min(id.seq, version.get(id.replica)); to > *last) {
      gap(id.replica, *last, to);
    }
    *last = id.seq + internal::op_size(op);
    out.push_back(std::move(op));
  }
  for (const auto& e : version.entries()) {
    const seq_t reached = next.contains(e.replica) ? next[e.replica] : 0;
    if (reached < e.count) gap(e.replica, reached, e.count);
  }
  ops.ops = std::move(out);
  return {};
}

}  // namespace

std::vector<std::uint8_t> save(const doc& d, const save_options& options) {
  const bool state_only = options.kind == snapshot_kind::state_only;
  // The ops go straight from the document's storage into the columns;
  // only the (rarely present) pending ops take the doc_delta route.
  std::vector<container_desc> table;
  internal::enc_delta ops;
  d.impl().snapshot_runs(state_only, table, ops);
  doc_delta pending;
  d.impl().snapshot_pending(pending);

  // Text dominates big snapshots; sizing the builder for it up front saves
  // the copies of doubling.
  std::size_t text = 0;
  for (const std::string_view piece : ops.pieces) text += piece.size();
  // A state-only snapshot carries the visible text in document order, which
  // compresses like the document itself (automerge-paper, zstd 3: 29,397
  // bytes against 32,620 for the same characters in op order).
  const std::string live = state_only ? d.impl().live_text(table) : std::string();
  flatbuffers::FlatBufferBuilder b(4096 + (state_only ? live.size() : text) + ops.runs.size() * 8);
  const auto id = b.CreateString(d.id());
  const auto version = internal::build_version(b, d.version());
  const auto ops_t = internal::build_delta(
      b, ops, state_only ? internal::text_column::elsewhere : internal::text_column::included);
  const auto pending_t = pending.empty() ? flatbuffers::Offset<internal::wire::delta>()
                                         : internal::build_delta(b, pending);
  const auto live_t =
      live.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>>()
                   : b.CreateVector(reinterpret_cast<const std::uint8_t*>(live.data()), live.size());
  const auto snap = internal::wire::Createsnapshot(
      b, id,
      state_only ? internal::wire::snapshot_kind::state_only : internal::wire::snapshot_kind::full,
      version, ops_t, pending_t, live_t, state_only);
  return internal::seal(b, internal::wire::payload::snapshot, snap.Union(), options.encoding);
}

result<doc> load(std::span<const std::uint8_t> bytes, replica_id replica, doc_options options,
                 const decode_limits& limits) {
  auto env = internal::open(bytes, limits);
  if (!env) return env.error();
  const auto kind_of = internal::kind_of(env->get());
  if (!kind_of) return kind_of.error();
  if (*kind_of != message_kind::snapshot) {
    return make_error(errc::malformed, fmt::format("expected a snapshot, got message kind {}",
                                                   static_cast<int>(*kind_of)));
  }
  const auto* snap = (*env)->payload_as_snapshot();
  if (snap == nullptr) return make_error(errc::malformed, "envelope names a snapshot but holds none");
  const auto kind = snap->kind();
  if (kind != internal::wire::snapshot_kind::full &&
      kind != internal::wire::snapshot_kind::state_only) {
    return make_error(errc::unsupported,
                      fmt::format("snapshot kind {} is unknown", static_cast<int>(kind)));
  }
  if (snap->version() == nullptr || snap->ops() == nullptr) {
    return make_error(errc::malformed, "snapshot without a version or ops");
  }
  const std::string_view id =
      snap->doc_id() == nullptr ? std::string_view() : snap->doc_id()->string_view();
  if (id.size() > limits.max_string_bytes) {
    return make_error(errc::too_large, "snapshot doc id exceeds the string limit");
  }
  if (!internal::validate_utf8(id)) {
    return make_error(errc::invalid_utf8, "snapshot doc id is not valid UTF-8");
  }
  auto version = internal::read_version(*snap->version());
  if (!version) return version.error();
  // live_text holds a state-only snapshot's characters (fill_live_text); an
  // older state-only snapshot has them in its ops' text column instead.
  const auto* live_v = snap->live_text();
  if (live_v != nullptr && kind != internal::wire::snapshot_kind::state_only) {
    return make_error(errc::malformed, "live_text in a full snapshot");
  }
  const std::string_view live =
      live_v == nullptr ? std::string_view()
                        : std::string_view(reinterpret_cast<const char*>(live_v->data()), live_v->size());
  const auto live_counts = internal::validate_utf8(live);
  if (!live_counts) return make_error(errc::invalid_utf8, "snapshot live_text is not valid UTF-8");
  // A state-only snapshot's ops never carry text of their own any more;
  // one without live_text is either that of a document without visible
  // text, or of the older layout (text in the ops' column).
  const bool text_elsewhere =
      kind == internal::wire::snapshot_kind::state_only &&
      (live_v != nullptr || (snap->ops()->text() == nullptr && !snap->ops()->omit_deleted()));
  std::uint64_t op_count = 0;
  auto ops = internal::read_delta(
      *snap->ops(), limits, &op_count,
      text_elsewhere ? internal::text_column::elsewhere : internal::text_column::included);
  if (!ops) return ops.error();
  if (snap->shallow_gaps()) {
    if (kind != internal::wire::snapshot_kind::state_only) {
      return make_error(errc::malformed, "a full snapshot leaves ops out");
    }
    WEFT_TRY(add_shallow_gaps(*ops, *version, op_count));
  }
  doc_delta pending;
  std::uint64_t pending_count = 0;
  if (snap->pending() != nullptr) {
    auto p = internal::read_delta(*snap->pending(), limits, &pending_count);
    if (!p) return p.error();
    pending = std::move(*p);
  }
  if (op_count > limits.max_ops - std::min(limits.max_ops, pending_count)) {
    return make_error(errc::too_large, fmt::format("snapshot holds more than {} ops", limits.max_ops));
  }
  if (!options.id.empty() && options.id != id) {
    return make_error(errc::invalid_argument,
                      fmt::format("snapshot is of document '{}', not '{}'", id, options.id));
  }
  if (options.id.empty()) options.id.assign(id);
  if (options.id.empty()) {
    return make_error(errc::malformed, "snapshot without a document id");
  }

  doc out(replica, std::move(options));
  WEFT_TRY(out.impl().apply(*ops, origin::remote()));
  if (out.pending_ops() != 0) {
    return make_error(errc::malformed,
                      "snapshot ops depend on ops it does not hold (they belong in pending)");
  }
  if (text_elsewhere) {
    WEFT_TRY(out.impl().fill_live_text(ops->containers, live, live_counts->code_points));
  }
  if (!pending.empty()) WEFT_TRY(out.impl().apply(pending, origin::remote()));
  if (out.version() != *version) {
    return make_error(errc::malformed,
                      fmt::format("snapshot declares version {} but its ops make {}",
                                  version->to_string(), out.version().to_string()));
  }
  return out;
}

}  // namespace weft
