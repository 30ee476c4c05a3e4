// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/id_map.hpp
// -----------------------------------------------------------------------------
//
// id_map numbers the operations a replica has integrated with dense local
// versions (lv): 0, 1, 2, ... in integration order. Everything inside a
// sequence refers to operations by lv, a 32-bit index, instead of by the
// 16-byte op_id: items are smaller, comparisons cheaper, and ranges of
// consecutive operations stay ranges. id_map translates both ways; both
// directions are run-length encoded, so a replica typing alone costs one
// entry no matter how much it types.

#ifndef WEFT_INTERNAL_ID_MAP_HPP_
#define WEFT_INTERNAL_ID_MAP_HPP_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/op_id.hpp"
#include "weft/version_vector.hpp"

namespace weft::internal {

using lv_t = std::uint32_t;

// no_lv stands for "no operation": the document start as a left origin and
// its end as a right origin.
inline constexpr lv_t no_lv = 0xFFFFFFFFu;

// max_lv_count is how many operations one sequence can hold.
inline constexpr std::uint64_t max_lv_count = 0xFFFFFFFEull;

// lv_span is the half-open range of local versions [begin, end).
struct lv_span {
  lv_t begin = 0;
  lv_t end = 0;
};

class id_map {
 public:
  // next_lv is the lv the next integrated operation gets.
  lv_t next_lv() const noexcept { return next_lv_; }

  // append assigns lvs [next_lv(), next_lv() + n) to ops
  // [seq, seq + n) of `replica`. The caller has checked that the ops are
  // new and that neither counter overflows.
  void append(replica_id replica, seq_t seq, std::uint32_t n);

  // to_id maps a known lv to its op id.
  op_id to_id(lv_t lv) const noexcept;

  // to_lv maps an op id to its lv, or no_lv if this replica never saw it.
  lv_t to_lv(op_id id) const noexcept;

  // run_end returns the end of the run of lvs holding `lv` in which op ids
  // are consecutive too (so [lv, run_end) maps to consecutive seqs).
  lv_t run_end(lv_t lv) const noexcept;
  // run_begin returns the start of that run.
  lv_t run_begin(lv_t lv) const noexcept;

  // last_run_is reports whether lv `next_lv() - 1` is op (replica, seq - 1),
  // i.e. whether a new op (replica, seq) would continue the last run.
  bool continues_last_run(replica_id replica, seq_t seq) const noexcept;

  // lv_spans appends the lv ranges of ops [begin, end) of `replica` that
  // this map knows, in seq order.
  void lv_spans(replica_id replica, seq_t begin, seq_t end,
                std::vector<lv_span>& out) const;

  // next_seq returns one past the highest seq seen of `replica`.
  seq_t next_seq(replica_id replica) const noexcept;

  // version counts, per replica, one past the highest seq seen. A replica
  // extending its last run (typing) defers its entry until asked.
  const version_vector& version() const;

  std::size_t memory_usage() const noexcept;

  // check verifies the two directions agree (deep: every run).
  bool check(bool deep) const;

 private:
  struct lv_run {
    lv_t lv;                // first lv of the run
    std::uint32_t replica;  // index into replicas_
    seq_t seq;              // seq of that first lv
  };
  struct seq_run {
    seq_t seq;
    lv_t lv;
    std::uint32_t len;
  };
  struct replica_entry {
    replica_id id;
    std::vector<seq_run> runs;  // ascending seq, ascending lv
  };

  const replica_entry* find(replica_id r) const noexcept;
  std::uint32_t intern(replica_id r);

  lv_t next_lv_ = 0;
  std::vector<lv_run> lv_runs_;         // ascending lv; a run ends where the next starts
  std::vector<replica_entry> replicas_;  // in first-seen order
  std::vector<std::uint32_t> by_id_;     // indexes into replicas_, sorted by id
  mutable version_vector version_;
  mutable bool version_dirty_ = false;  // the last run's replica is stale
};

}  // namespace weft::internal

#endif  // WEFT_INTERNAL_ID_MAP_HPP_
