// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/delta_decode.cpp
// -----------------------------------------------------------------------------
//
// delta table -> doc_delta, for bytes from anywhere. The table has passed
// the FlatBuffers verifier, so its vectors are in bounds; everything inside
// them is still hostile. Each column is decoded in full (exactly the count
// the kinds column implies, every byte consumed) and checked before any
// doc_op is built: ids that would overflow, indices past their tables,
// UTF-8, lengths that disagree with the content. Whether the ops make sense
// for a particular document is doc::apply's concern.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"
#include "weft/internal/saturating.hpp"
#include "weft/internal/utf8.hpp"
#include "wire/column.hpp"
#include "wire/delta_codec.hpp"
#include "wire/deleted_set.hpp"
#include "wire/reused.hpp"

namespace weft::internal {
namespace {

using u64s = std::vector<std::uint64_t>;

// has_length reports whether runs of kind `k` have an entry in the lengths
// column (inserts and deletes, shallow ones too).
bool has_length(std::uint64_t k) { return k <= 2 || k == 5; }

std::span<const std::uint8_t> bytes_of(const flatbuffers::Vector<std::uint8_t>* v) {
  if (v == nullptr) return {};
  return {v->data(), v->size()};
}

// u64_at reads element `i` of a [ulong] vector. The verifier checks the
// alignment of a vector's length, not of its 8-byte elements, so a hostile
// buffer can misalign them: copy rather than load in place.
std::uint64_t u64_at(const flatbuffers::Vector<std::uint64_t>& v, flatbuffers::uoffset_t i) {
  std::uint64_t x;
  std::memcpy(&x, v.Data() + std::size_t{i} * sizeof x, sizeof x);
  return flatbuffers::EndianScalar(x);
}

error column_error(std::string_view column, const error& e) {
  return make_error(e.code, fmt::format("column {}: {}", column, e.message));
}

error malformed(std::string message) { return make_error(errc::malformed, std::move(message)); }

// read_rle decodes a whole rle column of exactly `count` values.
result<void> read_rle(std::string_view name, const flatbuffers::Vector<std::uint8_t>* col,
                      std::uint64_t count, u64s& out) {
  byte_reader r(bytes_of(col));
  if (auto ok = decode_rle(r, count, out); !ok) return column_error(name, ok.error());
  if (!r.done()) return malformed(fmt::format("column {}: {} bytes past its values", name, r.remaining()));
  return {};
}

result<void> read_bools(std::string_view name, const flatbuffers::Vector<std::uint8_t>* col,
                        std::uint64_t count, std::vector<bool>& out) {
  if (col == nullptr) {  // absent: all false
    out.assign(static_cast<std::size_t>(count), false);
    return {};
  }
  byte_reader r(bytes_of(col));
  if (auto ok = decode_bools(r, count, out); !ok) return column_error(name, ok.error());
  if (!r.done()) return malformed(fmt::format("column {}: {} bytes past its values", name, r.remaining()));
  return {};
}

result<std::string_view> read_string(byte_reader& r, std::string_view what,
                                     const decode_limits& limits) {
  const auto n = r.uvarint();
  if (!n) return n.error();
  if (*n > limits.max_string_bytes) {
    return make_error(errc::too_large, fmt::format("{} of {} bytes exceeds the limit of {}", what,
                                                   *n, limits.max_string_bytes));
  }
  const auto b = r.bytes(*n);
  if (!b) return b.error();
  const std::string_view s(reinterpret_cast<const char*>(b->data()), b->size());
  if (!validate_utf8(s)) {
    return make_error(errc::invalid_utf8, fmt::format("{} is not valid UTF-8", what));
  }
  return s;
}

// ref_reader resolves the (code, seq) pairs of origins, delete targets and
// preds against their predictions (see weft.fbs).
class ref_reader {
 public:
  ref_reader(std::string_view name, const u64s& codes, const u64s& seqs,
             const std::vector<replica_id>& replicas)
      : name_(name), codes_(codes), seqs_(seqs), replicas_(replicas) {}

  // next reads one reference. Origins may be none (code 0) and may repeat
  // `previous` (code 2), which must then exist.
  result<std::optional<op_id>> next(op_id predicted, bool origin,
                                    const std::optional<op_id>& previous = std::nullopt) {
    const std::uint64_t code = codes_[ci_++];
    if (code == 0 || code == 2) {
      if (!origin) return malformed(fmt::format("{}: reference code {}", name_, code));
      if (code == 0) return std::optional<op_id>();
      if (!previous) return malformed(fmt::format("{}: no previous right origin to repeat", name_));
      return previous;
    }
    // seqs_needed sized the seq column to the codes that take one.
    const std::uint64_t s = seqs_[si_++];
    op_id id;
    if (code == 1) {
      id = {predicted.replica, predicted.seq + static_cast<std::uint64_t>(unzigzag(s))};
    } else if (code - 3 < replicas_.size()) {
      id = {replicas_[code - 3], s};
    } else {
      return malformed(fmt::format("{}: replica index {} of {}", name_, code - 3, replicas_.size()));
    }
    if (id.seq > max_seq) return malformed(fmt::format("{}: seq {} out of range", name_, id.seq));
    return std::optional<op_id>(id);
  }
  // seqs_needed counts the seq entries the codes call for.
  static std::uint64_t seqs_needed(const u64s& codes) {
    std::uint64_t n = 0;
    for (const std::uint64_t c : codes) n += c == 1 || c >= 3;
    return n;
  }

 private:
  std::string_view name_;
  const u64s& codes_;
  const u64s& seqs_;
  const std::vector<replica_id>& replicas_;
  std::size_t ci_ = 0;
  std::size_t si_ = 0;
};

// decode_columns are the integer columns of the delta run() is reading,
// one set per thread reused (wire/reused.hpp).
struct decode_columns {
  u64s kinds, targets, replica_of, seqs, lengths, origin_codes, origin_seqs, delete_codes,
      delete_seqs, key_of, lamports, pred_counts, pred_codes, pred_seqs, amounts;
  std::vector<bool> backward;

  template <class F>
  void each(F&& f) {
    for (u64s* c : {&kinds, &targets, &replica_of, &seqs, &lengths, &origin_codes, &origin_seqs,
                    &delete_codes, &delete_seqs, &key_of, &lamports, &pred_counts, &pred_codes,
                    &pred_seqs, &amounts}) {
      f(*c);
    }
  }
  void clear() {
    each([](u64s& c) { c.clear(); });
    backward.clear();
  }
  std::size_t held_bytes() {  // for reused<>
    std::size_t n = backward.capacity() / 8;
    each([&](u64s& c) { n += c.capacity() * sizeof(std::uint64_t); });
    return n;
  }
};

class delta_decoder {
 public:
  delta_decoder(const wire::delta& t, const decode_limits& limits, text_column text)
      : t_(t), limits_(limits), text_(text) {}
  result<doc_delta> run();
  std::uint64_t ops() const noexcept { return ops_; }

 private:
  result<void> read_replicas();
  result<void> read_containers();
  result<void> read_keys();
  result<delta_value> read_value(std::uint64_t kind);
  // read_tombstones decodes the tombstone columns into out_.tombstones;
  // `runs` items are spent already.
  result<void> read_tombstones(std::uint64_t runs);

  const wire::delta& t_;
  const decode_limits& limits_;
  const text_column text_;
  std::vector<replica_id> replicas_;
  doc_delta out_;
  std::uint64_t ops_ = 0;
  std::vector<std::string> keys_;
  byte_reader values_{{}};
};

result<void> delta_decoder::read_replicas() {
  const auto* v = t_.replicas();
  if (v == nullptr) return {};
  replicas_.reserve(v->size());  // 8 bytes each are present: verified
  for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) {
    const std::uint64_t r = u64_at(*v, i);
    if (i > 0 && r <= static_cast<std::uint64_t>(replicas_.back())) {
      return malformed("replica table is not strictly ascending");
    }
    replicas_.push_back(static_cast<replica_id>(r));
  }
  return {};
}

result<void> delta_decoder::read_containers() {
  const auto* col = t_.containers();
  if (col == nullptr) return {};
  byte_reader r(bytes_of(col));
  const auto n = r.uvarint();
  if (!n) return column_error("containers", n.error());
  if (*n > limits_.max_containers) {
    return make_error(errc::too_large, fmt::format("{} containers exceed the limit of {}", *n,
                                                   limits_.max_containers));
  }
  for (std::uint64_t i = 0; i < *n; ++i) {
    const auto how = r.u8();
    const auto type = r.u8();
    if (!how || !type) return malformed(fmt::format("containers: entry {} is cut short", i));
    if (*how > 2) return malformed(fmt::format("containers: entry {} has kind {}", i, *how));
    if (*type < 1 || *type > 5) {
      return malformed(fmt::format("containers: entry {} has type {}", i, *type));
    }
    container_desc c;
    c.how = static_cast<container_desc::kind>(*how);
    c.type = static_cast<container_type>(*type);
    if (c.how == container_desc::kind::created) {
      const auto rep = r.uvarint();
      if (!rep) return column_error("containers", rep.error());
      const auto seq = r.uvarint();
      if (!seq) return column_error("containers", seq.error());
      if (*rep >= replicas_.size() || *seq > max_seq) {
        return malformed(fmt::format("containers: entry {} names a creator out of range", i));
      }
      c.creator = {replicas_[*rep], *seq};
    } else {
      if (c.how == container_desc::kind::derived) {
        const auto parent = r.uvarint();
        if (!parent) return column_error("containers", parent.error());
        if (*parent >= i) {
          return malformed(fmt::format("containers: entry {} has parent {}", i, *parent));
        }
        c.parent = static_cast<std::uint32_t>(*parent);
      }
      const auto name = read_string(r, "container name", limits_);
      if (!name) return column_error("containers", name.error());
      c.name.assign(*name);
    }
    out_.containers.push_back(std::move(c));
  }
  if (!r.done()) return malformed("containers: bytes past the last entry");
  return {};
}

result<void> delta_decoder::read_keys() {
  const auto* col = t_.keys();
  if (col == nullptr) return {};
  byte_reader r(bytes_of(col));
  const auto n = r.uvarint();
  if (!n) return column_error("keys", n.error());
  for (std::uint64_t i = 0; i < *n; ++i) {
    const auto key = read_string(r, "key", limits_);
    if (!key) return column_error("keys", key.error());
    keys_.emplace_back(*key);
  }
  if (!r.done()) return malformed("keys: bytes past the last key");
  return {};
}

result<delta_value> delta_decoder::read_value(std::uint64_t kind) {
  switch (kind) {
    case 1:
      return delta_value();
    case 2:
      return delta_value(false);
    case 3:
      return delta_value(true);
    case 4: {
      const auto v = values_.svarint();
      if (!v) return column_error("value_data", v.error());
      return delta_value(*v);
    }
    case 5: {
      const auto b = values_.bytes(8);
      if (!b) return column_error("value_data", b.error());
      std::uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits |= std::uint64_t{(*b)[i]} << (8 * i);
      double x;
      std::memcpy(&x, &bits, sizeof x);
      return delta_value(x);
    }
    case 6: {
      const auto s = read_string(values_, "string value", limits_);
      if (!s) return column_error("value_data", s.error());
      return delta_value(std::string(*s));
    }
    case 7: {
      const auto n = values_.uvarint();
      if (!n) return column_error("value_data", n.error());
      if (*n > limits_.max_string_bytes) {
        return make_error(errc::too_large, fmt::format("bytes value of {} bytes exceeds the limit of {}",
                                                       *n, limits_.max_string_bytes));
      }
      const auto b = values_.bytes(*n);
      if (!b) return column_error("value_data", b.error());
      return delta_value(bytes(b->begin(), b->end()));
    }
    case 8: {
      const auto slot = values_.uvarint();
      if (!slot) return column_error("value_data", slot.error());
      if (*slot >= out_.containers.size()) {
        return malformed(fmt::format("value names container {} of {}", *slot, out_.containers.size()));
      }
      return delta_value(container_slot{static_cast<std::uint32_t>(*slot)});
    }
    default:
      return malformed(fmt::format("value kind {}", kind));
  }
}

result<void> delta_decoder::read_tombstones(std::uint64_t runs) {
  const std::uint64_t n = t_.tombstones();
  if (n > limits_.max_items - runs) {
    return make_error(errc::too_large, fmt::format("{} runs and {} tombstone ranges exceed the "
                                                   "item limit of {}",
                                                   runs, n, limits_.max_items));
  }
  u64s reps, seqs, lengths;
  WEFT_TRY(read_rle("tombstone_replicas", t_.tombstone_replicas(), n, reps));
  WEFT_TRY(read_rle("tombstone_seqs", t_.tombstone_seqs(), n, seqs));
  WEFT_TRY(read_rle("tombstone_lengths", t_.tombstone_lengths(), n, lengths));
  // Only now: the columns hold n values each, so the bytes paid for them.
  out_.tombstones.reserve(static_cast<std::size_t>(n));
  std::uint64_t end = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (reps[i] >= replicas_.size() || (i > 0 && reps[i] < reps[i - 1])) {
      return malformed(fmt::format("tombstone range {} names replica {} of {}", i, reps[i],
                                   replicas_.size()));
    }
    const bool first = i == 0 || reps[i] != reps[i - 1];
    if (first) end = 0;
    if (!first && seqs[i] == 0) {
      return malformed(fmt::format("tombstone range {} touches the one before it", i));
    }
    if (lengths[i] == 0 || seqs[i] > max_seq - end || lengths[i] - 1 > max_seq - end - seqs[i]) {
      return malformed(fmt::format("tombstone range {} leaves the seq space", i));
    }
    const seq_t begin = end + seqs[i];
    end = begin + lengths[i];
    out_.tombstones.push_back(id_range{replicas_[reps[i]], begin, end});
  }
  return {};
}

result<doc_delta> delta_decoder::run() {
  const std::uint64_t runs = t_.runs();
  if (runs > limits_.max_items) {
    return make_error(errc::too_large,
                      fmt::format("{} runs exceed the item limit of {}", runs, limits_.max_items));
  }
  WEFT_TRY(read_replicas());
  WEFT_TRY(read_containers());
  WEFT_TRY(read_keys());

  reused<decode_columns> lease;
  decode_columns& cols = lease.get();
  cols.clear();
  u64s& kinds = cols.kinds;
  u64s& targets = cols.targets;
  u64s& replica_of = cols.replica_of;
  u64s& seqs = cols.seqs;
  WEFT_TRY(read_rle("kinds", t_.kinds(), runs, kinds));
  std::uint64_t n_text = 0, n_del = 0, n_list = 0, n_map = 0, n_counter = 0, n_shallow = 0;
  for (const std::uint64_t k : kinds) {
    switch (k) {
      case 0: ++n_text; break;
      case 1: ++n_del; break;
      case 2: ++n_list; break;
      case 3: ++n_map; break;
      case 4: ++n_counter; break;
      case 5: ++n_shallow; break;
      default: return malformed(fmt::format("run kind {}", k));
    }
  }
  WEFT_TRY(read_rle("targets", t_.targets(), runs, targets));
  WEFT_TRY(read_rle("replica_of", t_.replica_of(), runs, replica_of));
  WEFT_TRY(read_rle("seqs", t_.seqs(), runs, seqs));
  u64s& lengths = cols.lengths;
  WEFT_TRY(read_rle("lengths", t_.lengths(), n_text + n_del + n_list + n_shallow, lengths));
  u64s& origin_codes = cols.origin_codes;
  u64s& origin_seqs = cols.origin_seqs;
  WEFT_TRY(read_rle("origin_replicas", t_.origin_replicas(), 2 * (n_text + n_list), origin_codes));
  WEFT_TRY(read_rle("origin_seqs", t_.origin_seqs(), ref_reader::seqs_needed(origin_codes),
                    origin_seqs));
  u64s& delete_codes = cols.delete_codes;
  u64s& delete_seqs = cols.delete_seqs;
  std::vector<bool>& backward = cols.backward;
  WEFT_TRY(read_rle("delete_replicas", t_.delete_replicas(), n_del, delete_codes));
  WEFT_TRY(read_rle("delete_seqs", t_.delete_seqs(), n_del, delete_seqs));
  WEFT_TRY(read_bools("delete_backward", t_.delete_backward(), n_del, backward));
  u64s& key_of = cols.key_of;
  u64s& lamports = cols.lamports;
  u64s& pred_counts = cols.pred_counts;
  u64s& pred_codes = cols.pred_codes;
  u64s& pred_seqs = cols.pred_seqs;
  u64s& amounts = cols.amounts;
  WEFT_TRY(read_rle("key_of", t_.key_of(), n_map, key_of));
  WEFT_TRY(read_rle("lamports", t_.lamports(), n_map, lamports));
  WEFT_TRY(read_rle("pred_counts", t_.pred_counts(), n_map, pred_counts));
  std::uint64_t n_preds = 0;
  for (const std::uint64_t c : pred_counts) n_preds = saturating_add(n_preds, c);
  // rle can declare many preds in a few bytes: they count as items.
  if (n_preds > limits_.max_items - runs) {
    return make_error(errc::too_large, fmt::format("{} runs and {} preds exceed the item limit of {}",
                                                   runs, n_preds, limits_.max_items));
  }
  WEFT_TRY(read_rle("pred_replicas", t_.pred_replicas(), n_preds, pred_codes));
  WEFT_TRY(read_rle("pred_seqs", t_.pred_seqs(), n_preds, pred_seqs));
  WEFT_TRY(read_rle("amounts", t_.amounts(), n_counter, amounts));

  // Lengths: ops and list values.
  std::uint64_t ops = n_map + n_counter;
  std::uint64_t n_values = n_map;
  {
    std::size_t li = 0;
    for (const std::uint64_t k : kinds) {
      if (!has_length(k)) continue;
      const std::uint64_t len = lengths[li++];
      if (len == 0) return malformed(fmt::format("run {} has length 0", li - 1));
      ops = saturating_add(ops, len);
      if (k == 2) n_values = saturating_add(n_values, len);
    }
  }
  if (ops > limits_.max_ops) {
    return make_error(errc::too_large,
                      fmt::format("{} ops exceed the limit of {}", ops, limits_.max_ops));
  }
  ops_ = ops;
  if (n_values > limits_.max_items - runs - n_preds) {
    return make_error(errc::too_large,
                      fmt::format("{} runs, {} preds and {} values exceed the item limit of {}", runs,
                                  n_preds, n_values, limits_.max_items));
  }
  u64s value_kinds;
  WEFT_TRY(read_rle("value_kinds", t_.value_kinds(), n_values, value_kinds));
  const auto text_bytes = bytes_of(t_.text());
  const std::string_view text(reinterpret_cast<const char*>(text_bytes.data()), text_bytes.size());
  const auto counts = validate_utf8(text);
  if (!counts) return make_error(errc::invalid_utf8, "column text: not valid UTF-8");
  values_ = byte_reader(bytes_of(t_.value_data()));

  // Build the ops.
  out_.ops.reserve(static_cast<std::size_t>(runs));
  std::vector<seq_t> expected(replicas_.size(), 0);
  ref_reader origins("origins", origin_codes, origin_seqs, replicas_);
  ref_reader targets_of("delete targets", delete_codes, delete_seqs, replicas_);
  ref_reader preds_of("preds", pred_codes, pred_seqs, replicas_);
  std::size_t li = 0, di = 0, vi = 0, mi = 0, ci = 0;
  std::uint64_t lamport = 0;
  std::optional<op_id> cursor, prev_right;
  std::vector<std::uint64_t> text_lengths;  // per text insert run, filled below
  std::size_t text_at = 0;
  for (std::uint64_t i = 0; i < runs; ++i) {
    const std::uint64_t k = kinds[i];
    // A shallow delete names no container: its entry is 0.
    if (k == 5 ? targets[i] != 0 : targets[i] >= out_.containers.size()) {
      return malformed(fmt::format("run {} names container {} of {}", i, targets[i],
                                   out_.containers.size()));
    }
    if (replica_of[i] >= replicas_.size()) {
      return malformed(fmt::format("run {} names replica {} of {}", i, replica_of[i], replicas_.size()));
    }
    const std::uint64_t r = replica_of[i];
    const std::uint64_t len = has_length(k) ? lengths[li++] : 1;
    const op_id id{replicas_[r], expected[r] + static_cast<std::uint64_t>(unzigzag(seqs[i]))};
    if (id.seq > max_seq || len > max_seq - id.seq + 1) {
      return malformed(fmt::format("run {}: ops from seq {} overflow the seq space", i, id.seq));
    }
    expected[r] = id.seq + len;
    doc_op op;
    op.container = static_cast<std::uint32_t>(targets[i]);
    if (k == 0 || k == 2) {
      auto left = origins.next(cursor.value_or(id), true);
      if (!left) return left.error();
      auto right = origins.next(left->value_or(id), true, prev_right);
      if (!right) return right.error();
      prev_right = *right;
      cursor = op_id{id.replica, id.seq + len - 1};
      if (k == 0) {
        // Content comes in a second pass, once every delete run is known.
        op.op = text_insert_run{id, *left, *right, {}};
        text_lengths.push_back(len);
      } else {
        list_insert_run ins{id, *left, *right, {}};
        ins.values.reserve(static_cast<std::size_t>(len));
        for (std::uint64_t j = 0; j < len; ++j) {
          const std::uint64_t vk = value_kinds[vi++];
          if (vk == 0) return malformed(fmt::format("run {}: a list element is an erase", i));
          auto v = read_value(vk);
          if (!v) return v.error();
          ins.values.push_back(std::move(*v));
        }
        op.op = std::move(ins);
      }
    } else if (k == 1) {
      auto target = targets_of.next(cursor.value_or(id), false);
      if (!target) return target.error();
      const op_id to = **target;
      const bool back = backward[di++];
      if (back ? to.seq < len - 1 : to.seq > max_seq - (len - 1)) {
        return malformed(fmt::format("run {}: delete targets run past the seq space", i));
      }
      op.op = text_delete_run{id, len, to, back};
      cursor = op_id{to.replica, back ? to.seq - len : to.seq + len};
    } else if (k == 3) {
      map_write w;
      w.id = id;
      if (key_of[mi] >= keys_.size()) {
        return malformed(fmt::format("run {} names key {} of {}", i, key_of[mi], keys_.size()));
      }
      w.key = keys_[key_of[mi]];
      lamport += static_cast<std::uint64_t>(unzigzag(lamports[mi]));
      w.lamport = lamport;
      w.preds.reserve(static_cast<std::size_t>(pred_counts[mi]));
      for (std::uint64_t j = 0; j < pred_counts[mi]; ++j) {
        auto p = preds_of.next(id, false);
        if (!p) return p.error();
        w.preds.push_back(**p);
      }
      const std::uint64_t vk = value_kinds[vi++];
      if (vk != 0) {
        auto v = read_value(vk);
        if (!v) return v.error();
        w.value = std::move(*v);
      }
      ++mi;
      op.op = std::move(w);
    } else if (k == 5) {
      op.op = shallow_delete_run{id, len};
    } else {
      op.op = counter_add{id, unzigzag(amounts[ci++])};
    }
    out_.ops.push_back(std::move(op));
  }
  if (!values_.done()) return malformed("column value_data: bytes past the last value");
  WEFT_TRY(read_tombstones(runs));

  // Text, now that the delete runs say which characters a state-only
  // snapshot left out. With the text elsewhere, every character is a
  // placeholder until the snapshot's live_text fills the visible ones.
  const bool elsewhere = text_ == text_column::elsewhere;
  if (elsewhere && (t_.text() != nullptr || t_.omit_deleted())) {
    return malformed("a text column in a delta whose text travels elsewhere");
  }
  deleted_set deleted;
  if (t_.omit_deleted()) deleted = deleted_in(out_);
  std::uint64_t needed = 0;
  std::uint64_t placeholders = 0;  // bytes that no input byte pays for
  std::size_t ti = 0;
  for (const doc_op& op : out_.ops) {
    const auto* ins = std::get_if<text_insert_run>(&op.op);
    if (ins == nullptr) continue;
    const std::uint64_t len = text_lengths[ti++];
    if (len > limits_.max_string_bytes) {
      return make_error(errc::too_large, fmt::format("a text run of {} characters exceeds the "
                                                     "limit of {} bytes", len, limits_.max_string_bytes));
    }
    if (elsewhere) {
      placeholders += len;
    } else if (deleted.empty()) {
      needed += len;
    } else {
      deleted.segments(ins->id, len, [&](std::uint64_t n, bool gone) {
        (gone ? placeholders : needed) += n;
      });
    }
  }
  if (placeholders > limits_.max_message_bytes) {
    return make_error(errc::too_large,
                      fmt::format("{} omitted characters exceed the message limit of {} bytes",
                                  placeholders, limits_.max_message_bytes));
  }
  if (needed != counts->code_points) {
    return malformed(fmt::format("column text: {} characters, runs need {}", counts->code_points,
                                 needed));
  }
  ti = 0;
  for (doc_op& op : out_.ops) {
    auto* ins = std::get_if<text_insert_run>(&op.op);
    if (ins == nullptr) continue;
    std::string& content = ins->content;
    const std::uint64_t len = text_lengths[ti++];
    if (elsewhere) {
      content.assign(static_cast<std::size_t>(len), omitted_placeholder);
      continue;
    }
    if (deleted.empty()) {
      // Validated above: the run's code points are all there.
      const std::size_t bytes = utf8_advance(text.substr(text_at), static_cast<std::size_t>(len));
      content.assign(text.substr(text_at, bytes));
      text_at += bytes;
      continue;
    }
    content.reserve(static_cast<std::size_t>(len));
    deleted.segments(ins->id, len, [&](std::uint64_t n, bool gone) {
      if (gone) {
        content.append(static_cast<std::size_t>(n), omitted_placeholder);
        return;
      }
      const std::size_t bytes = utf8_advance(text.substr(text_at), static_cast<std::size_t>(n));
      content.append(text.substr(text_at, bytes));
      text_at += bytes;
    });
  }
  if (text_at != text.size()) return malformed("column text: longer than its runs");
  return std::move(out_);
}

}  // namespace

result<doc_delta> read_delta(const wire::delta& t, const decode_limits& limits,
                             std::uint64_t* op_count, text_column text) {
  delta_decoder d(t, limits, text);
  auto out = d.run();
  if (out && op_count != nullptr) *op_count = d.ops();
  return out;
}

result<version_vector> read_version(const wire::version_vector& t) {
  version_vector v;
  const auto* reps = t.replicas();
  const std::uint64_t n = reps == nullptr ? 0 : reps->size();
  u64s counts;
  WEFT_TRY(read_rle("counts", t.counts(), n, counts));
  std::uint64_t prev = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t r = u64_at(*reps, static_cast<flatbuffers::uoffset_t>(i));
    if (i > 0 && r <= prev) return malformed("version vector replicas are not strictly ascending");
    if (counts[i] == 0) return malformed("version vector count 0");
    v.set_count(static_cast<replica_id>(r), counts[i]);
    prev = r;
  }
  return v;
}

}  // namespace weft::internal
