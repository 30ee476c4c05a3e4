// Copyright 2026 The weft Authors. MIT License.

#include "weft/internal/id_map.hpp"

#include <algorithm>
#include <iterator>

#include "weft/assert.hpp"

namespace weft::internal {

const id_map::replica_entry* id_map::find(replica_id r) const noexcept {
  auto it = std::lower_bound(
      by_id_.begin(), by_id_.end(), r,
      [&](std::uint32_t idx, replica_id key) { return replicas_[idx].id < key; });
  if (it == by_id_.end() || replicas_[*it].id != r) return nullptr;
  return &replicas_[*it];
}

std::uint32_t id_map::intern(replica_id r) {
  auto it = std::lower_bound(
      by_id_.begin(), by_id_.end(), r,
      [&](std::uint32_t idx, replica_id key) { return replicas_[idx].id < key; });
  if (it != by_id_.end() && replicas_[*it].id == r) return *it;
  const auto idx = static_cast<std::uint32_t>(replicas_.size());
  replicas_.push_back(replica_entry{r, {}});
  by_id_.insert(it, idx);
  return idx;
}

void id_map::append(replica_id replica, seq_t seq, std::uint32_t n) {
  WEFT_ASSERT(n > 0, "id_map::append of nothing");
  WEFT_ASSERT(next_lv_ + std::uint64_t{n} <= max_lv_count, "lv space exhausted");
  if (!lv_runs_.empty()) {
    // The same replica continuing its last run (a user typing) extends
    // both tables in place.
    const lv_run& last = lv_runs_.back();
    replica_entry& e = replicas_[last.replica];
    seq_run& run = e.runs.back();
    if (e.id == replica && last.seq + (next_lv_ - last.lv) == seq &&
        run.seq + run.len == seq && run.lv + run.len == next_lv_) {
      run.len += n;
      next_lv_ += n;
      version_dirty_ = true;
      return;
    }
  }
  (void)version();  // settle what the fast path deferred
  const std::uint32_t idx =
      !lv_runs_.empty() && replicas_[lv_runs_.back().replica].id == replica
          ? lv_runs_.back().replica
          : intern(replica);
  replica_entry& e = replicas_[idx];
  WEFT_ASSERT(e.runs.empty() || e.runs.back().seq + e.runs.back().len <= seq,
              "ops of a replica must be appended in seq order");

  if (!continues_last_run(replica, seq)) {
    lv_runs_.push_back(lv_run{next_lv_, idx, seq});
  }
  if (!e.runs.empty() && e.runs.back().seq + e.runs.back().len == seq &&
      e.runs.back().lv + e.runs.back().len == next_lv_) {
    e.runs.back().len += n;
  } else {
    e.runs.push_back(seq_run{seq, next_lv_, n});
  }
  next_lv_ += n;
  version_.advance(replica, seq + n);
}

seq_t id_map::next_seq(replica_id replica) const noexcept {
  if (!lv_runs_.empty()) {
    const replica_entry& last = replicas_[lv_runs_.back().replica];
    if (last.id == replica) return last.runs.back().seq + last.runs.back().len;
  }
  const replica_entry* e = find(replica);
  return e == nullptr ? 0 : e->runs.back().seq + e->runs.back().len;
}

const version_vector& id_map::version() const {
  if (version_dirty_) {
    // Only the fast path of append defers, and only for the replica of the
    // last lv run, so one entry is all there is to bring up to date.
    const replica_entry& e = replicas_[lv_runs_.back().replica];
    version_.advance(e.id, e.runs.back().seq + e.runs.back().len);
    version_dirty_ = false;
  }
  return version_;
}

bool id_map::continues_last_run(replica_id replica, seq_t seq) const noexcept {
  if (lv_runs_.empty()) return false;
  const lv_run& last = lv_runs_.back();
  return replicas_[last.replica].id == replica &&
         last.seq + (next_lv_ - last.lv) == seq;
}

op_id id_map::to_id(lv_t lv) const noexcept {
  WEFT_ASSERT(lv < next_lv_, "to_id of an unknown lv");
  auto it = std::upper_bound(lv_runs_.begin(), lv_runs_.end(), lv,
                             [](lv_t key, const lv_run& r) { return key < r.lv; });
  --it;
  return op_id{replicas_[it->replica].id, it->seq + (lv - it->lv)};
}

lv_t id_map::run_end(lv_t lv) const noexcept {
  auto it = std::upper_bound(lv_runs_.begin(), lv_runs_.end(), lv,
                             [](lv_t key, const lv_run& r) { return key < r.lv; });
  return it == lv_runs_.end() ? next_lv_ : it->lv;
}

lv_t id_map::run_begin(lv_t lv) const noexcept {
  auto it = std::upper_bound(lv_runs_.begin(), lv_runs_.end(), lv,
                             [](lv_t key, const lv_run& r) { return key < r.lv; });
  WEFT_ASSERT(it != lv_runs_.begin(), "run_begin of an unknown lv");
  return std::prev(it)->lv;
}

lv_t id_map::to_lv(op_id id) const noexcept {
  const replica_entry* e = find(id.replica);
  if (e == nullptr) return no_lv;
  auto it = std::upper_bound(e->runs.begin(), e->runs.end(), id.seq,
                             [](seq_t key, const seq_run& r) { return key < r.seq; });
  if (it == e->runs.begin()) return no_lv;
  --it;
  if (id.seq - it->seq >= it->len) return no_lv;
  return it->lv + static_cast<lv_t>(id.seq - it->seq);
}

void id_map::lv_spans(replica_id replica, seq_t begin, seq_t end,
                      std::vector<lv_span>& out) const {
  const replica_entry* e = find(replica);
  if (e == nullptr || begin >= end) return;
  auto it = std::upper_bound(e->runs.begin(), e->runs.end(), begin,
                             [](seq_t key, const seq_run& r) { return key < r.seq; });
  if (it != e->runs.begin()) --it;
  for (; it != e->runs.end() && it->seq < end; ++it) {
    const seq_t lo = std::max(begin, it->seq);
    const seq_t hi = std::min(end, it->seq + it->len);
    if (lo >= hi) continue;
    out.push_back(lv_span{static_cast<lv_t>(it->lv + (lo - it->seq)),
                          static_cast<lv_t>(it->lv + (hi - it->seq))});
  }
}

std::size_t id_map::memory_usage() const noexcept {
  std::size_t bytes = lv_runs_.capacity() * sizeof(lv_run) +
                      replicas_.capacity() * sizeof(replica_entry) +
                      by_id_.capacity() * sizeof(std::uint32_t) +
                      version_.entries().capacity() * sizeof(version_vector::entry);
  for (const auto& e : replicas_) bytes += e.runs.capacity() * sizeof(seq_run);
  return bytes;
}

bool id_map::check(bool deep) const {
  if (by_id_.size() != replicas_.size()) return false;
  if (!lv_runs_.empty() && lv_runs_.front().lv != 0) return false;
  if (lv_runs_.empty() != (next_lv_ == 0)) return false;
  if (!deep) return true;
  for (std::size_t i = 1; i < by_id_.size(); ++i) {
    if (!(replicas_[by_id_[i - 1]].id < replicas_[by_id_[i]].id)) return false;
  }
  std::uint64_t total = 0;
  for (const auto& e : replicas_) {
    seq_t prev_end = 0;
    for (const auto& r : e.runs) {
      if (r.len == 0 || r.seq < prev_end) return false;
      prev_end = r.seq + r.len;
      total += r.len;
      // Both ends of every seq run must map back through the lv runs.
      const op_id first = to_id(r.lv);
      const op_id last = to_id(r.lv + r.len - 1);
      if (first.replica != e.id || first.seq != r.seq) return false;
      if (last.replica != e.id || last.seq != r.seq + r.len - 1) return false;
    }
    if (version().get(e.id) != prev_end) return false;
  }
  return total == next_lv_ && version().size() == replicas_.size();
}

}  // namespace weft::internal
