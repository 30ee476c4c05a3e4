// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: wire/delta_encode.cpp
// -----------------------------------------------------------------------------
//
// doc_delta -> delta table. Values are gathered into one integer vector per
// column and each column is coded once at the end, so a column's bytes do
// not depend on how the others interleave.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <variant>
#include <vector>

#include "internal/hash_table.hpp"
#include "weft/internal/utf8.hpp"
#include "wire/column.hpp"
#include "wire/delta_codec.hpp"
#include "wire/reused.hpp"

namespace weft::internal {
namespace {

// delta_encoder is reusable (wire/reused.hpp): start() clears it for the
// next delta and keeps its columns' capacity.
class delta_encoder {
 public:
  void start(const enc_delta& d);
  flatbuffers::Offset<wire::delta> build(flatbuffers::FlatBufferBuilder& b, bool with_text);
  // held_bytes is what the columns keep allocated between deltas.
  std::size_t held_bytes() noexcept;

 private:
  std::array<std::vector<std::uint64_t>*, 21> u64_columns() noexcept {
    return {&replicas_, &expected_, &kinds_, &targets_, &replica_of_, &seqs_,
            &lengths_, &origin_replicas_, &origin_seqs_, &delete_replicas_,
            &delete_seqs_, &value_kinds_, &key_of_, &lamports_, &pred_counts_,
            &pred_replicas_, &pred_seqs_, &amounts_, &tomb_replicas_, &tomb_seqs_,
            &tomb_lengths_};
  }
  void collect_replicas();
  std::uint64_t index_of(replica_id r) const {
    // Nearly every delta names one replica, or a few: a scan beats a
    // binary search there.
    if (replicas_.size() <= 8) {
      std::size_t i = 0;
      while (i < replicas_.size() && replicas_[i] < static_cast<std::uint64_t>(r)) ++i;
      return i;
    }
    const auto it = std::lower_bound(replicas_.begin(), replicas_.end(),
                                     static_cast<std::uint64_t>(r));
    return static_cast<std::uint64_t>(it - replicas_.begin());
  }
  // put_ref codes a reference to an op (origin, delete target, pred) as
  // its distance from `predicted` when they share a replica.
  void put_ref(op_id ref, op_id predicted, std::vector<std::uint64_t>& codes,
               std::vector<std::uint64_t>& seqs) const {
    if (ref.replica == predicted.replica) {
      codes.push_back(1);
      seqs.push_back(zigzag(static_cast<std::int64_t>(ref.seq - predicted.seq)));
    } else {
      codes.push_back(3 + index_of(ref.replica));
      seqs.push_back(ref.seq);
    }
  }
  // put_origins codes an insert run's origins: the left one predicted by
  // the cursor, the right one by the left one (inserting into older text
  // puts them next to each other) unless it repeats the previous run's.
  void put_origins(const enc_run& r) {
    if (!r.has_left) {
      origin_replicas_.push_back(0);
    } else {
      put_ref(r.left, has_cursor_ ? cursor_ : r.id, origin_replicas_, origin_seqs_);
    }
    if (!r.has_right) {
      origin_replicas_.push_back(0);
    } else if (has_prev_right_ && prev_right_ == r.right) {
      origin_replicas_.push_back(2);
    } else {
      put_ref(r.right, r.has_left ? r.left : r.id, origin_replicas_, origin_seqs_);
    }
    has_prev_right_ = r.has_right;
    prev_right_ = r.right;
    has_cursor_ = true;
    cursor_ = op_id{r.id.replica, r.id.seq + r.len - 1};
  }
  void put_value(const enc_value& v);
  void put_id(op_id id, std::uint64_t n);
  void put_containers();

  const enc_delta* d_ = nullptr;
  std::vector<std::uint64_t> replicas_;  // ascending
  std::vector<seq_t> expected_;          // per replica index

  std::vector<std::uint64_t> kinds_, targets_, replica_of_, seqs_, lengths_;
  std::vector<std::uint64_t> origin_replicas_, origin_seqs_;
  std::vector<std::uint64_t> delete_replicas_, delete_seqs_;
  std::vector<bool> delete_backward_;
  // Pieces of the text column, copied straight into the builder at the end.
  std::vector<std::string_view> text_;
  std::size_t text_bytes_ = 0;
  std::vector<std::uint64_t> value_kinds_;
  byte_writer value_data_, containers_, keys_;
  byte_writer scratch_;  // one buffer for every rle column in turn
  hash_map<std::string_view, std::uint64_t> key_index_;
  std::vector<std::string_view> key_names_;
  std::vector<std::uint64_t> key_of_, lamports_, pred_counts_, pred_replicas_, pred_seqs_;
  std::vector<std::uint64_t> amounts_;
  std::vector<std::uint64_t> tomb_replicas_, tomb_seqs_, tomb_lengths_;
  std::uint64_t last_lamport_ = 0;
  // cursor_ is where the previous run of text or list ops left off: the
  // last element it inserted, or the next one a delete run would reach.
  bool has_cursor_ = false;
  op_id cursor_;
  bool has_prev_right_ = false;
  op_id prev_right_;
};

void delta_encoder::start(const enc_delta& d) {
  d_ = &d;
  for (auto* column : u64_columns()) column->clear();
  delete_backward_.clear();
  text_.clear();
  text_bytes_ = 0;
  for (byte_writer* w : {&value_data_, &containers_, &keys_, &scratch_}) w->clear();
  key_index_.clear();
  key_names_.clear();
  last_lamport_ = 0;
  has_cursor_ = false;
  has_prev_right_ = false;
  collect_replicas();
}

std::size_t delta_encoder::held_bytes() noexcept {
  std::size_t n = delete_backward_.capacity() / 8 +
                  (text_.capacity() + key_names_.capacity()) * sizeof(std::string_view);
  for (const auto* column : u64_columns()) {
    n += column->capacity() * sizeof(std::uint64_t);
  }
  for (const byte_writer* w : {&value_data_, &containers_, &keys_, &scratch_}) {
    n += w->bytes().capacity();
  }
  return n;
}

// encode_runs encodes with this thread's delta_encoder (wire/reused.hpp).
flatbuffers::Offset<wire::delta> encode_runs(flatbuffers::FlatBufferBuilder& b, const enc_delta& d,
                                             bool with_text) {
  reused<delta_encoder> encoder;
  encoder.get().start(d);
  return encoder.get().build(b, with_text);
}

void delta_encoder::collect_replicas() {
  // Most references name the replica the previous one did: skipping those
  // keeps the list to sort short.
  auto add = [&](replica_id r) {
    const auto v = static_cast<std::uint64_t>(r);
    if (replicas_.empty() || replicas_.back() != v) replicas_.push_back(v);
  };
  for (const container_desc& c : *d_->containers) {
    if (c.how == container_desc::kind::created) add(c.creator.replica);
  }
  for (const enc_run& r : d_->runs) {
    add(r.id.replica);
    switch (r.kind) {
      case enc_run::text_insert:
      case enc_run::list_insert:
        if (r.has_left) add(r.left.replica);
        if (r.has_right) add(r.right.replica);
        break;
      case enc_run::remove:
        add(r.left.replica);
        break;
      case enc_run::map_write:
        for (const op_id& p : d_->writes[r.first].preds) add(p.replica);
        break;
      default:
        break;
    }
  }
  for (const id_range& t : d_->tombstones) add(t.replica);
  std::sort(replicas_.begin(), replicas_.end());
  replicas_.erase(std::unique(replicas_.begin(), replicas_.end()), replicas_.end());
  expected_.assign(replicas_.size(), 0);
}

void delta_encoder::put_id(op_id id, std::uint64_t n) {
  const std::uint64_t r = index_of(id.replica);
  replica_of_.push_back(r);
  seqs_.push_back(zigzag(static_cast<std::int64_t>(id.seq - expected_[r])));
  expected_[r] = id.seq + n;
}

void delta_encoder::put_value(const enc_value& v) {
  value_kinds_.push_back(v.kind);
  switch (v.kind) {
    case 4:
      value_data_.put_svarint(static_cast<std::int64_t>(v.bits));
      break;
    case 5: {
      std::uint8_t le[8];
      for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(v.bits >> (8 * i));
      value_data_.put_bytes(le);
      break;
    }
    case 6:
    case 7:
      value_data_.put_uvarint(v.data.size());
      value_data_.put_bytes({reinterpret_cast<const std::uint8_t*>(v.data.data()), v.data.size()});
      break;
    case 8:
      value_data_.put_uvarint(v.bits);
      break;
    default:  // no payload
      break;
  }
}

void delta_encoder::put_containers() {
  if (d_->containers->empty()) return;
  containers_.put_uvarint(d_->containers->size());
  for (const container_desc& c : *d_->containers) {
    containers_.put_u8(static_cast<std::uint8_t>(c.how));
    containers_.put_u8(static_cast<std::uint8_t>(c.type));
    switch (c.how) {
      case container_desc::kind::created:
        containers_.put_uvarint(index_of(c.creator.replica));
        containers_.put_uvarint(c.creator.seq);
        break;
      case container_desc::kind::derived:
        containers_.put_uvarint(c.parent);
        [[fallthrough]];
      case container_desc::kind::root:
        containers_.put_uvarint(c.name.size());
        containers_.put_bytes(
            {reinterpret_cast<const std::uint8_t*>(c.name.data()), c.name.size()});
        break;
    }
  }
}

flatbuffers::Offset<wire::delta> delta_encoder::build(flatbuffers::FlatBufferBuilder& b,
                                                      bool with_text) {
  put_containers();
  const std::size_t runs = d_->runs.size();
  for (auto* column : {&kinds_, &targets_, &replica_of_, &seqs_, &lengths_}) {
    column->reserve(runs);
  }
  origin_replicas_.reserve(2 * runs);
  origin_seqs_.reserve(2 * runs);
  if (with_text) text_.reserve(d_->pieces.size());
  for (const enc_run& r : d_->runs) {
    targets_.push_back(r.container);
    kinds_.push_back(r.kind);
    switch (r.kind) {
      case enc_run::text_insert: {
        put_id(r.id, r.len);
        lengths_.push_back(r.len);
        put_origins(r);
        if (!with_text) break;
        const std::string_view* piece = d_->pieces.data() + r.first;
        for (const std::string_view* const end = piece + r.count; piece != end; ++piece) {
          text_.push_back(*piece);
          text_bytes_ += piece->size();
        }
        break;
      }
      case enc_run::remove:
        put_id(r.id, r.len);
        lengths_.push_back(r.len);
        put_ref(r.left, has_cursor_ ? cursor_ : r.id, delete_replicas_, delete_seqs_);
        delete_backward_.push_back(r.backward);
        has_cursor_ = true;
        cursor_ = op_id{r.left.replica, r.backward ? r.left.seq - r.len : r.left.seq + r.len};
        break;
      case enc_run::shallow_remove:
        put_id(r.id, r.len);
        lengths_.push_back(r.len);
        break;
      case enc_run::list_insert:
        put_id(r.id, r.len);
        lengths_.push_back(r.len);
        put_origins(r);
        for (std::size_t k = 0; k < r.count; ++k) put_value(d_->values[r.first + k]);
        break;
      case enc_run::map_write: {
        const enc_write& w = d_->writes[r.first];
        put_id(r.id, 1);
        auto [it, fresh] = key_index_.try_emplace(w.key, key_names_.size());
        if (fresh) key_names_.push_back(w.key);
        key_of_.push_back(it->second);
        lamports_.push_back(zigzag(static_cast<std::int64_t>(w.lamport - last_lamport_)));
        last_lamport_ = w.lamport;
        pred_counts_.push_back(w.preds.size());
        for (const op_id& p : w.preds) put_ref(p, r.id, pred_replicas_, pred_seqs_);
        put_value(w.value);
        break;
      }
      default:
        put_id(r.id, 1);
        amounts_.push_back(zigzag(r.amount));
        break;
    }
  }
  {
    replica_id last{};
    seq_t end = 0;
    for (const id_range& t : d_->tombstones) {
      if (tomb_replicas_.empty() || t.replica != last) end = 0;
      tomb_replicas_.push_back(index_of(t.replica));
      tomb_seqs_.push_back(t.begin - end);
      tomb_lengths_.push_back(t.size());
      last = t.replica;
      end = t.end;
    }
  }
  if (!key_names_.empty()) {
    keys_.put_uvarint(key_names_.size());
    for (std::string_view k : key_names_) {
      keys_.put_uvarint(k.size());
      keys_.put_bytes({reinterpret_cast<const std::uint8_t*>(k.data()), k.size()});
    }
  }

  // Empty columns are left out: an absent vector reads as empty.
  auto vec = [&](const std::vector<std::uint8_t>& bytes) {
    return bytes.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>>()
                         : b.CreateVector(bytes);
  };
  auto rle = [&](const std::vector<std::uint64_t>& values) {
    scratch_.clear();
    encode_rle(scratch_, values);
    return vec(scratch_.bytes());
  };
  auto bools = [&](const std::vector<bool>& values) {
    if (std::find(values.begin(), values.end(), true) == values.end()) {
      return flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>>();
    }
    byte_writer w;
    encode_bools(w, values);
    return vec(w.bytes());
  };
  const auto replicas = replicas_.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint64_t>>()
                                          : b.CreateVector(replicas_);
  const auto containers = vec(containers_.bytes());
  const auto kinds = rle(kinds_);
  const auto targets = rle(targets_);
  const auto replica_of = rle(replica_of_);
  const auto seqs = rle(seqs_);
  const auto lengths = rle(lengths_);
  const auto origin_replicas = rle(origin_replicas_);
  const auto origin_seqs = rle(origin_seqs_);
  const auto delete_replicas = rle(delete_replicas_);
  const auto delete_seqs = rle(delete_seqs_);
  const auto delete_backward = bools(delete_backward_);
  flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> text;
  if (text_bytes_ > 0) {
    std::uint8_t* at = nullptr;
    text = b.CreateUninitializedVector(text_bytes_, &at);
    for (const std::string_view piece : text_) {
      std::memcpy(at, piece.data(), piece.size());
      at += piece.size();
    }
  }
  const auto value_kinds = rle(value_kinds_);
  const auto value_data = vec(value_data_.bytes());
  const auto keys = vec(keys_.bytes());
  const auto key_of = rle(key_of_);
  const auto lamports = rle(lamports_);
  const auto pred_counts = rle(pred_counts_);
  const auto pred_replicas = rle(pred_replicas_);
  const auto pred_seqs = rle(pred_seqs_);
  const auto amounts = rle(amounts_);
  const auto tomb_replicas = rle(tomb_replicas_);
  const auto tomb_seqs = rle(tomb_seqs_);
  const auto tomb_lengths = rle(tomb_lengths_);

  wire::deltaBuilder t(b);
  t.add_runs(runs);
  t.add_replicas(replicas);
  t.add_containers(containers);
  t.add_kinds(kinds);
  t.add_targets(targets);
  t.add_replica_of(replica_of);
  t.add_seqs(seqs);
  t.add_lengths(lengths);
  t.add_origin_replicas(origin_replicas);
  t.add_origin_seqs(origin_seqs);
  t.add_delete_replicas(delete_replicas);
  t.add_delete_seqs(delete_seqs);
  t.add_delete_backward(delete_backward);
  t.add_text(text);
  t.add_value_kinds(value_kinds);
  t.add_value_data(value_data);
  t.add_keys(keys);
  t.add_key_of(key_of);
  t.add_lamports(lamports);
  t.add_pred_counts(pred_counts);
  t.add_pred_replicas(pred_replicas);
  t.add_pred_seqs(pred_seqs);
  t.add_amounts(amounts);
  t.add_tombstones(d_->tombstones.size());
  t.add_tombstone_replicas(tomb_replicas);
  t.add_tombstone_seqs(tomb_seqs);
  t.add_tombstone_lengths(tomb_lengths);
  return t.Finish();
}

// runs_of views a doc_delta as runs.
enc_delta runs_of(const doc_delta& d) {
  enc_delta out;
  out.containers = &d.containers;
  out.runs.reserve(d.ops.size());
  for (const doc_op& op : d.ops) {
    enc_run r;
    r.container = op.container;
    if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
      r.kind = enc_run::text_insert;
      r.id = ins->id;
      r.len = utf8_count_code_points(ins->content);
      r.has_left = ins->origin_left.has_value();
      r.has_right = ins->origin_right.has_value();
      if (r.has_left) r.left = *ins->origin_left;
      if (r.has_right) r.right = *ins->origin_right;
      r.first = out.pieces.size();
      r.count = 1;
      out.pieces.push_back(ins->content);
    } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
      r.kind = enc_run::remove;
      r.id = del->id;
      r.len = del->length;
      r.left = del->target;
      r.backward = del->backward;
    } else if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      r.kind = enc_run::list_insert;
      r.id = l->id;
      r.len = l->values.size();
      r.has_left = l->origin_left.has_value();
      r.has_right = l->origin_right.has_value();
      if (r.has_left) r.left = *l->origin_left;
      if (r.has_right) r.right = *l->origin_right;
      r.first = out.values.size();
      r.count = l->values.size();
      for (const delta_value& v : l->values) out.values.push_back(enc_value_of(v));
    } else if (const auto* w = std::get_if<map_write>(&op.op)) {
      r.kind = enc_run::map_write;
      r.id = w->id;
      r.first = out.writes.size();
      enc_write ew{w->key, w->lamport, w->preds, {}};
      ew.value = w->value ? enc_value_of(*w->value) : enc_value{0, 0, {}};
      out.writes.push_back(ew);
    } else if (const auto* sh = std::get_if<shallow_delete_run>(&op.op)) {
      r.kind = enc_run::shallow_remove;
      r.id = sh->id;
      r.len = sh->length;
    } else {
      const auto& a = std::get<counter_add>(op.op);
      r.kind = enc_run::counter_add;
      r.id = a.id;
      r.amount = a.amount;
    }
    out.runs.push_back(r);
  }
  out.tombstones = d.tombstones;
  return out;
}

}  // namespace

enc_value enc_value_of(const delta_value& v) {
  if (const auto* slot = std::get_if<container_slot>(&v)) return {8, slot->index, {}};
  return enc_scalar_of(v);
}

flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const enc_delta& d, text_column text) {
  return encode_runs(b, d, text == text_column::included);
}

flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const doc_delta& d, text_column text) {
  const enc_delta runs = runs_of(d);
  return encode_runs(b, runs, text == text_column::included);
}

flatbuffers::Offset<wire::version_vector> build_version(flatbuffers::FlatBufferBuilder& b,
                                                        const version_vector& v) {
  std::vector<std::uint64_t> replicas, counts;
  for (const version_vector::entry& e : v.entries()) {
    replicas.push_back(static_cast<std::uint64_t>(e.replica));
    counts.push_back(e.count);
  }
  byte_writer w;
  encode_rle(w, counts);
  const auto r = replicas.empty() ? flatbuffers::Offset<flatbuffers::Vector<std::uint64_t>>()
                                  : b.CreateVector(replicas);
  const auto c = w.size() == 0 ? flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>>()
                               : b.CreateVector(w.bytes());
  return wire::Createversion_vector(b, r, c);
}

}  // namespace weft::internal
