// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/undo_manager.cpp
// -----------------------------------------------------------------------------

#include "weft/undo_manager.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <utility>

#include "doc/undo_impl.hpp"
#include "fmt/format.h"
#include "weft/assert.hpp"
#include "weft/internal/saturating.hpp"
#include "weft/doc.hpp"

namespace weft {
namespace internal {

undo_impl::undo_impl(doc_impl* d, undo_options options)
    : d_(d), options_(std::move(options)) {
  d_->attach(this);
}

undo_impl::~undo_impl() {
  *alive_ = false;
  if (d_ != nullptr) d_->detach(this);
}

bool undo_impl::tracked(const weft::origin& o) const {
  return std::find(options_.tracked.begin(), options_.tracked.end(), o) !=
         options_.tracked.end();
}

std::int64_t undo_impl::now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<saved_cursor> undo_impl::capture() const {
  if (!options_.capture_cursors) return {};
  return options_.capture_cursors();
}

void undo_impl::on_begin(const weft::origin& o) {
  if (mode_ != mode::normal || !tracked(o)) return;
  const std::shared_ptr<bool> alive = alive_;
  const std::int64_t t = now();
  if (!*alive) return;
  begin_ms_ = t;
  // The clock's readings are the application's: their distance saturates.
  starting_ = undo_.empty() || stopped_ || !have_last_ ||
              elapsed(std::chrono::milliseconds{begin_ms_}, std::chrono::milliseconds{last_ms_})
                      .count() > options_.capture_window_ms;
  if (!starting_) return;
  std::vector<saved_cursor> cursors = capture();
  if (*alive) begin_cursors_ = std::move(cursors);
}

void undo_impl::push(std::deque<step>& to, step s) {
  to.push_back(std::move(s));
  while (to.size() > std::max<std::size_t>(options_.max_depth, 1)) to.pop_front();
}

void undo_impl::on_commit(const weft::origin& o, const std::vector<undo_record>& records) {
  if (mode_ == mode::undoing) {
    if (!records.empty()) push(redo_, step{records, std::move(pop_cursors_)});
    return;
  }
  if (mode_ == mode::redoing) {
    if (!records.empty()) push(undo_, step{records, std::move(pop_cursors_)});
    return;
  }
  if (!tracked(o) || records.empty()) return;
  if (starting_ || undo_.empty()) {
    push(undo_, step{records, std::move(begin_cursors_)});
  } else {
    auto& r = undo_.back().records;
    r.insert(r.end(), records.begin(), records.end());
  }
  starting_ = false;
  stopped_ = false;
  have_last_ = true;
  last_ms_ = begin_ms_;
  redo_.clear();
}

op_id undo_impl::follow(op_id id) const {
  for (auto it = redone_.find(id); it != redone_.end(); it = redone_.find(id)) id = it->second;
  return id;
}

result<bool> undo_impl::pop(std::deque<step>& from, mode m) {
  if (d_ == nullptr) return make_error(errc::invalid_argument, "the document is gone");
  if (d_->in_transaction()) {
    return make_error(errc::invalid_argument, "undo and redo cannot run inside a transaction");
  }
  if (from.empty()) return false;
  // All or nothing against the op limit, the one a user hits: at most one
  // op per element a record inserted or deleted, one per write or add.
  std::uint64_t need = 0;
  for (const undo_record& r : from.back().records) {
    if (r.what == undo_record::kind::seq_insert) {
      need += r.count;
    } else if (r.what == undo_record::kind::seq_delete) {
      need += r.deleted.size();
    } else {
      need += 1;
    }
  }
  const std::uint64_t limit = d_->options_.max_ops;
  if (need > limit - std::min(d_->op_count(), limit)) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("document holds {} ops; {} more to revert this step exceed its "
                                  "limit of {}",
                                  d_->op_count(), need, limit));
  }
  step s = std::move(from.back());
  from.pop_back();
  pop_cursors_ = capture();
  mode_ = m;
  d_->begin(m == mode::undoing ? origin::undo() : origin::redo());
  try {
    failed_.reset();
    for (auto it = s.records.rbegin(); it != s.records.rend() && !failed_;) {
      if (it->what != undo_record::kind::seq_delete) {
        revert(*it++);
        continue;
      }
      // Consecutive deletes in one container are restored as one: one at a
      // time, a later element would be placed beside the tombstones of the
      // earlier ones instead of beside the copies already re-inserted.
      std::vector<const undo_record*> run;
      for (const std::uint32_t c = it->container;
           it != s.records.rend() && it->what == undo_record::kind::seq_delete &&
           it->container == c;
           ++it) {
        run.push_back(&*it);
      }
      revert_deletes(run);
    }
  } catch (...) {
    d_->commit();
    mode_ = mode::normal;
    throw;
  }
  d_->commit();
  mode_ = mode::normal;
  // The next local edit starts a step of its own.
  stopped_ = true;
  cursors_ = std::move(s.cursors);
  // A revert op that is refused (the document is full) stops the step
  // there; what was reverted before it is committed like any edit.
  if (failed_) return *std::move(failed_);
  return true;
}

void undo_impl::revert(const undo_record& r) {
  switch (r.what) {
    case undo_record::kind::seq_insert:
      revert_insert(r);
      return;
    case undo_record::kind::seq_delete:
      WEFT_ASSERT(false, "deletes are reverted in runs by pop (revert_deletes)");
      return;
    case undo_record::kind::map_write: {
      const map_state& m = *d_->containers_[r.container]->map;
      const auto& live = m.live[r.key];
      // Only if nothing has replaced what the step left: its own write
      // still wins, or (for an erase) the key is still empty.
      // An undo or redo that restored a value stands for the write that
      // held it (see redone_).
      const bool ours = r.wrote_value
                            ? !live.empty() && m.records[live.front()].id == follow(r.first)
                            : live.empty();
      if (!ours) return;
      if (!r.previous && live.empty()) return;
      const op_id write{d_->replica_, d_->next_seq(d_->replica_)};
      const auto done = d_->map_write_cell(r.container, r.key, r.previous);
      note(done);
      if (done && r.previous) redone_[r.previous_id] = write;
      return;
    }
    case undo_record::kind::counter_add:
      note(d_->counter_increment(r.container,
                            static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(r.amount)),
                            /*wrap=*/true));
      return;
  }
}

void undo_impl::revert_insert(const undo_record& r) {
  const text_impl& t = *d_->containers_[r.container]->seq;
  std::vector<std::uint32_t> positions;
  for (std::uint32_t k = 0; k < r.count; ++k) {
    const lv_t lv = d_->lv_of(r.container, follow(op_id{r.first.replica, r.first.seq + k}));
    if (lv == no_lv) continue;
    bool visible = false;
    const seq_metrics before = t.seq().rank(lv, &visible);
    if (visible) positions.push_back(before.vis);
  }
  std::sort(positions.begin(), positions.end());
  // Erase maximal runs of adjacent positions, last first, so that the
  // positions still to erase do not move.
  std::size_t end = positions.size();
  while (end > 0) {
    std::size_t begin = end - 1;
    while (begin > 0 && positions[begin - 1] + 1 == positions[begin]) --begin;
    note(d_->seq_erase(r.container, positions[begin], end - begin));
    if (failed_) return;
    end = begin;
  }
}

void undo_impl::revert_deletes(std::span<const undo_record* const> records) {
  container_state& st = *d_->containers_[records.front()->container];
  const text_impl& t = *st.seq;
  struct gone {
    std::uint32_t raw;
    std::uint32_t pos;
    lv_t lv;
    op_id id;
  };
  std::vector<gone> elements;
  for (const undo_record* r : records) {
    for (const op_id& id : r->deleted) {
      if (follow(id) != id) continue;  // already restored as a copy
      const lv_t lv = d_->lv_of(r->container, id);
      if (lv == no_lv) continue;
      bool visible = false;
      const seq_metrics before = t.seq().rank(lv, &visible);
      if (visible) continue;
      elements.push_back(gone{before.raw, before.vis, lv, id});
    }
  }
  std::sort(elements.begin(), elements.end(),
            [](const gone& a, const gone& b) { return a.raw < b.raw; });
  // Elements with no visible element between them go back as one insert;
  // groups are inserted last first, so earlier positions stay valid.
  std::size_t end = elements.size();
  while (end > 0) {
    std::size_t begin = end - 1;
    while (begin > 0 && elements[begin - 1].pos == elements[end - 1].pos) --begin;
    std::string utf8;
    std::vector<cell> cells;
    for (std::size_t i = begin; i < end; ++i) {
      if (st.type == container_type::list) {
        cells.push_back(st.values[t.content_offset(elements[i].lv)]);
      } else {
        utf8.append(t.content_of(elements[i].lv, 1));
      }
    }
    op_id first;
    const auto done =
        d_->seq_insert_cells(records.front()->container, elements[begin].pos, utf8, cells, &first);
    note(done);
    if (!done) return;
    for (std::size_t i = begin; i < end; ++i) {
      redone_[elements[i].id] = op_id{first.replica, first.seq + (i - begin)};
    }
    end = begin;
  }
}

}  // namespace internal

undo_manager::undo_manager(doc& d, undo_options options)
    : impl_(std::make_unique<internal::undo_impl>(&d.impl(), std::move(options))) {}
undo_manager::~undo_manager() = default;

bool undo_manager::can_undo() const noexcept { return impl_->can_undo(); }
bool undo_manager::can_redo() const noexcept { return impl_->can_redo(); }
std::size_t undo_manager::undo_depth() const noexcept { return impl_->undo_depth(); }
std::size_t undo_manager::redo_depth() const noexcept { return impl_->redo_depth(); }
result<bool> undo_manager::undo() { return impl_->undo(); }
result<bool> undo_manager::redo() { return impl_->redo(); }
void undo_manager::stop_capturing() noexcept { impl_->stop_capturing(); }
void undo_manager::clear() noexcept { impl_->clear(); }
const std::vector<saved_cursor>& undo_manager::cursors() const noexcept {
  return impl_->cursors();
}

}  // namespace weft
