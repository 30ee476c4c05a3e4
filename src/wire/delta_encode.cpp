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
#include <cstdint>
#include <cstring>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/internal/utf8.hpp"
#include "wire/column.hpp"
#include "wire/delta_codec.hpp"
#include "wire/deleted_set.hpp"

namespace weft::internal {
namespace {

enum run_kind : std::uint64_t {
  kind_text_insert = 0,
  kind_delete = 1,
  kind_list_insert = 2,
  kind_map_write = 3,
  kind_counter_add = 4,
};

class delta_encoder {
 public:
  explicit delta_encoder(const doc_delta& d) : d_(d) { collect_replicas(); }

  flatbuffers::Offset<wire::delta> build(flatbuffers::FlatBufferBuilder& b, bool omit_deleted);

 private:
  void collect_replicas();
  std::uint64_t index_of(replica_id r) const {
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
  void put_origins(op_id id, std::uint64_t n, const std::optional<op_id>& left,
                   const std::optional<op_id>& right) {
    if (!left) {
      origin_replicas_.push_back(0);
    } else {
      put_ref(*left, cursor_.value_or(id), origin_replicas_, origin_seqs_);
    }
    if (!right) {
      origin_replicas_.push_back(0);
    } else if (prev_right_ && *prev_right_ == *right) {
      origin_replicas_.push_back(2);
    } else {
      put_ref(*right, left.value_or(id), origin_replicas_, origin_seqs_);
    }
    prev_right_ = right;
    cursor_ = op_id{id.replica, id.seq + n - 1};
  }
  void put_value(const delta_value& v);
  void put_id(op_id id, std::uint64_t n);
  void put_containers();

  const doc_delta& d_;
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
  absl::flat_hash_map<std::string_view, std::uint64_t> key_index_;
  std::vector<std::string_view> key_names_;
  std::vector<std::uint64_t> key_of_, lamports_, pred_counts_, pred_replicas_, pred_seqs_;
  std::vector<std::uint64_t> amounts_;
  std::uint64_t last_lamport_ = 0;
  // cursor_ is where the previous run of text or list ops left off: the
  // last element it inserted, or the next one a delete run would reach.
  std::optional<op_id> cursor_;
  std::optional<op_id> prev_right_;
};

void delta_encoder::collect_replicas() {
  // Most references name the replica the previous one did: skipping those
  // keeps the list to sort short.
  auto add = [&](replica_id r) {
    const auto v = static_cast<std::uint64_t>(r);
    if (replicas_.empty() || replicas_.back() != v) replicas_.push_back(v);
  };
  for (const container_desc& c : d_.containers) {
    if (c.how == container_desc::kind::created) add(c.creator.replica);
  }
  for (const doc_op& op : d_.ops) {
    std::visit(
        [&](const auto& r) {
          using T = std::decay_t<decltype(r)>;
          add(r.id.replica);
          if constexpr (std::is_same_v<T, text_insert_run> ||
                        std::is_same_v<T, list_insert_run>) {
            if (r.origin_left) add(r.origin_left->replica);
            if (r.origin_right) add(r.origin_right->replica);
          } else if constexpr (std::is_same_v<T, text_delete_run>) {
            add(r.target.replica);
          } else if constexpr (std::is_same_v<T, map_write>) {
            for (const op_id& p : r.preds) add(p.replica);
          }
        },
        op.op);
  }
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

void delta_encoder::put_value(const delta_value& v) {
  switch (v.index()) {
    case 0:
      value_kinds_.push_back(1);
      break;
    case 1:
      value_kinds_.push_back(std::get<bool>(v) ? 3 : 2);
      break;
    case 2:
      value_kinds_.push_back(4);
      value_data_.put_svarint(std::get<std::int64_t>(v));
      break;
    case 3: {
      value_kinds_.push_back(5);
      std::uint64_t bits;
      const double x = std::get<double>(v);
      std::memcpy(&bits, &x, sizeof bits);
      for (int i = 0; i < 8; ++i) value_data_.put_u8(static_cast<std::uint8_t>(bits >> (8 * i)));
      break;
    }
    case 4: {
      value_kinds_.push_back(6);
      const std::string& s = std::get<std::string>(v);
      value_data_.put_uvarint(s.size());
      value_data_.put_bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
      break;
    }
    case 5: {
      value_kinds_.push_back(7);
      const bytes& s = std::get<bytes>(v);
      value_data_.put_uvarint(s.size());
      value_data_.put_bytes(s);
      break;
    }
    default:
      value_kinds_.push_back(8);
      value_data_.put_uvarint(std::get<container_slot>(v).index);
      break;
  }
}

void delta_encoder::put_containers() {
  if (d_.containers.empty()) return;
  containers_.put_uvarint(d_.containers.size());
  for (const container_desc& c : d_.containers) {
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
                                                      bool omit_deleted) {
  put_containers();
  for (auto* column : {&kinds_, &targets_, &replica_of_, &seqs_, &lengths_}) {
    column->reserve(d_.ops.size());
  }
  origin_replicas_.reserve(2 * d_.ops.size());
  origin_seqs_.reserve(2 * d_.ops.size());
  deleted_set deleted;
  if (omit_deleted) deleted = deleted_in(d_);
  for (const doc_op& op : d_.ops) {
    targets_.push_back(op.container);
    if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
      const std::uint64_t n = utf8_count_code_points(ins->content);
      kinds_.push_back(kind_text_insert);
      put_id(ins->id, n);
      lengths_.push_back(n);
      put_origins(ins->id, n, ins->origin_left, ins->origin_right);
      if (deleted.empty()) {
        text_.push_back(ins->content);
        text_bytes_ += ins->content.size();
      } else {
        std::string_view rest(ins->content);
        deleted.segments(ins->id, n, [&](std::uint64_t len, bool gone) {
          const std::size_t bytes = utf8_advance(rest, static_cast<std::size_t>(len));
          if (!gone) {
            text_.push_back(rest.substr(0, bytes));
            text_bytes_ += bytes;
          }
          rest.remove_prefix(bytes);
        });
      }
    } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
      kinds_.push_back(kind_delete);
      put_id(del->id, del->length);
      lengths_.push_back(del->length);
      put_ref(del->target, cursor_.value_or(del->id), delete_replicas_, delete_seqs_);
      delete_backward_.push_back(del->backward);
      cursor_ = op_id{del->target.replica, del->backward ? del->target.seq - del->length
                                                         : del->target.seq + del->length};
    } else if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      kinds_.push_back(kind_list_insert);
      put_id(l->id, l->values.size());
      lengths_.push_back(l->values.size());
      put_origins(l->id, l->values.size(), l->origin_left, l->origin_right);
      for (const delta_value& v : l->values) put_value(v);
    } else if (const auto* w = std::get_if<map_write>(&op.op)) {
      kinds_.push_back(kind_map_write);
      put_id(w->id, 1);
      auto [it, fresh] = key_index_.try_emplace(std::string_view(w->key), key_names_.size());
      if (fresh) key_names_.push_back(w->key);
      key_of_.push_back(it->second);
      lamports_.push_back(zigzag(static_cast<std::int64_t>(w->lamport - last_lamport_)));
      last_lamport_ = w->lamport;
      pred_counts_.push_back(w->preds.size());
      for (const op_id& p : w->preds) put_ref(p, w->id, pred_replicas_, pred_seqs_);
      if (w->value) {
        put_value(*w->value);
      } else {
        value_kinds_.push_back(0);
      }
    } else {
      const auto& a = std::get<counter_add>(op.op);
      kinds_.push_back(kind_counter_add);
      put_id(a.id, 1);
      amounts_.push_back(zigzag(a.amount));
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
    byte_writer w;
    encode_rle(w, values);
    return vec(w.bytes());
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

  wire::deltaBuilder t(b);
  t.add_runs(d_.ops.size());
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
  t.add_omit_deleted(omit_deleted && !deleted.empty());
  t.add_value_kinds(value_kinds);
  t.add_value_data(value_data);
  t.add_keys(keys);
  t.add_key_of(key_of);
  t.add_lamports(lamports);
  t.add_pred_counts(pred_counts);
  t.add_pred_replicas(pred_replicas);
  t.add_pred_seqs(pred_seqs);
  t.add_amounts(amounts);
  return t.Finish();
}

}  // namespace

flatbuffers::Offset<wire::delta> build_delta(flatbuffers::FlatBufferBuilder& b,
                                             const doc_delta& d, bool omit_deleted) {
  return delta_encoder(d).build(b, omit_deleted);
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
