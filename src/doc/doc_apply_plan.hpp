// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_apply_plan.hpp
// -----------------------------------------------------------------------------
//
// The first two phases of integrating a remote doc_delta (doc_apply.cpp
// has the overview and the third): check_delta validates everything a delta
// says about itself, and doc_planner simulates integrating its ops and the
// pending buffer's, touching nothing, so that a bad delta changes nothing.

#ifndef WEFT_SRC_DOC_DOC_APPLY_PLAN_HPP_
#define WEFT_SRC_DOC_DOC_APPLY_PLAN_HPP_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "doc/doc_impl.hpp"
#include "internal/hash_table.hpp"

namespace weft::internal {

// table_ptr is the container table of a delta, shared by the ops that the
// pending buffer keeps from it.
using table_ptr = std::shared_ptr<const std::vector<container_desc>>;

// check_delta is phase 1.
result<void> check_delta(const doc_delta& delta);

// doc_planner is phase 2.
class doc_planner {
 public:
  explicit doc_planner(const doc_impl& d) : d_(d) {}

  enum class verdict { planned, waiting, invalid };

  // planned_op is an op that will be integrated, with its container and the
  // containers its value slots name resolved to (virtual) indices: existing
  // containers keep theirs, new ones continue after them.
  // `op` points into the delta, the pending buffer or keep(); its value
  // slots, resolved, are value_container(p, k) (no_slots when every value
  // is a scalar). 16 bytes: a catch-up delta plans millions of these.
  struct planned_op {
    const doc_op* op;
    std::uint32_t container;
    std::uint32_t slots = no_slots;  // into slots_
    std::uint64_t n = 0;             // op_size(*op)
  };
  static constexpr std::uint32_t no_slots = 0xFFFFFFFFu;

  // value_container returns the container the k-th value of `p` names, or
  // no_container.
  std::uint32_t value_container(const planned_op& p, std::size_t k) const {
    return p.slots == no_slots ? no_container : slots_[p.slots + k];
  }
  // keep takes ownership of a trimmed op that the plan points at.
  void keep(std::unique_ptr<doc_op> op) { owned_.push_back(std::move(op)); }
  void reserve(std::size_t ops) { plan_.reserve(ops); }

  struct new_container {
    container_type type;
    container_desc::kind how;
    std::string name;
    op_id creator;
    std::uint32_t parent;
    std::uint32_t depth;
  };

  // offer plans `op`, which holds `n` ops (op_size(op)).
  verdict offer(const doc_op& op, std::uint64_t n, const table_ptr& table, std::string* why);

  seq_t next_of(replica_id r) const {
    if (next_last_ != nullptr && next_last_r_ == r) return *next_last_;
    auto it = sim_next_.find(r);
    if (it == sim_next_.end()) return d_.next_seq(r);
    next_last_r_ = r;
    next_last_ = &it->second;
    return it->second;
  }
  // sim_inserts returns the simulated insert ranges of replica `r` in `c`
  // (null: none). A run's origins are nearly always in the container and of
  // the replica the previous lookup was: that one is remembered.
  const std::vector<std::pair<seq_t, seq_t>>* sim_inserts(std::uint32_t c, replica_id r) const {
    if (last_inserts_ != nullptr && last_inserts_c_ == c && last_inserts_r_ == r) {
      return last_inserts_;
    }
    auto it = sim_inserts_.find(std::make_pair(c, r));
    if (it == sim_inserts_.end()) return nullptr;
    last_inserts_c_ = c;
    last_inserts_r_ = r;
    last_inserts_ = &it->second;
    return last_inserts_;
  }

  std::vector<planned_op>& plan() { return plan_; }
  const std::vector<new_container>& containers() const { return new_; }
  std::uint64_t planned_ops() const { return planned_ops_; }
  // fits checks the per-text limits of every planned insert.
  result<void> fits() const;

 private:
  struct resolved {
    verdict v;
    std::uint32_t index = no_container;
  };

  bool arrived(op_id id) const { return id.seq < next_of(id.replica); }
  std::uint32_t base() const { return static_cast<std::uint32_t>(d_.containers_.size()); }
  container_type type_of(std::uint32_t c) const {
    return c < base() ? d_.containers_[c]->type : new_[c - base()].type;
  }
  std::uint32_t parent_of(std::uint32_t c) const {
    return c < base() ? d_.containers_[c]->parent : new_[c - base()].parent;
  }
  std::uint32_t depth_of(std::uint32_t c) const {
    return c < base() ? d_.containers_[c]->depth : new_[c - base()].depth;
  }
  std::uint32_t add(new_container c) {
    new_.push_back(std::move(c));
    return base() + static_cast<std::uint32_t>(new_.size() - 1);
  }

  resolved resolve(const table_ptr& table, std::uint32_t i, std::string* why);
  // slot resolves a value of op `id` in container `c`: creating (new
  // container, made when the op is planned), or a reference to a child of
  // `c`.
  resolved slot(const table_ptr& table, const delta_value& v, op_id id, std::uint32_t c,
                bool* creates, std::string* why);
  bool inserts(std::uint32_t c, replica_id r, seq_t begin, seq_t end) const;
  std::pair<std::uint64_t, std::uint64_t>& growth(std::uint32_t c) {
    if (growth_last_ == nullptr || growth_last_c_ != c) {
      growth_last_ = &text_growth_[c];
      growth_last_c_ = c;
    }
    return *growth_last_;
  }

  const doc_impl& d_;
  // Node-based, so that the remembered entry (next_last_) stays put.
  hash_map<replica_id, seq_t> sim_next_;
  mutable replica_id next_last_r_{};
  mutable const seq_t* next_last_ = nullptr;
  // Node-based, so that the remembered entry stays put as others are added.
  hash_map<std::pair<std::uint32_t, replica_id>, std::vector<std::pair<seq_t, seq_t>>>
      sim_inserts_;
  mutable std::uint32_t last_inserts_c_ = 0;
  mutable replica_id last_inserts_r_{};
  mutable const std::vector<std::pair<seq_t, seq_t>>* last_inserts_ = nullptr;
  std::vector<new_container> new_;
  std::map<std::pair<std::string, container_type>, std::uint32_t> new_roots_;
  std::map<std::tuple<std::uint32_t, std::string, container_type>, std::uint32_t> new_derived_;
  std::map<op_id, std::uint32_t> new_created_;
  std::map<std::pair<const void*, std::uint32_t>, std::uint32_t> memo_;
  std::pair<const void*, std::uint32_t> memo_last_{nullptr, 0};  // the last hit: table, index
  std::uint32_t memo_last_i_ = 0;
  std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> text_growth_;
  std::uint32_t growth_last_c_ = 0;
  std::pair<std::uint64_t, std::uint64_t>* growth_last_ = nullptr;
  std::vector<planned_op> plan_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::unique_ptr<doc_op>> owned_;
  std::uint64_t planned_ops_ = 0;
};

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_DOC_APPLY_PLAN_HPP_
