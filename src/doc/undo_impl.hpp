// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/undo_impl.hpp
// -----------------------------------------------------------------------------
//
// undo_impl is the state behind weft::undo_manager. The document tells it
// when a transaction begins and what each local op of a finished one did
// (undo_record); it keeps those records as steps and reverts a step with new
// local ops, run as a transaction of origin undo (or redo) whose own records
// become the opposite stack's step.

#ifndef WEFT_SRC_DOC_UNDO_IMPL_HPP_
#define WEFT_SRC_DOC_UNDO_IMPL_HPP_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "doc/doc_impl.hpp"
#include "internal/hash_table.hpp"
#include "weft/undo_manager.hpp"

namespace weft::internal {

class undo_impl {
 public:
  undo_impl(doc_impl* d, undo_options options);
  ~undo_impl();
  undo_impl(const undo_impl&) = delete;
  undo_impl& operator=(const undo_impl&) = delete;

  // Called by the document.
  void doc_gone() noexcept { d_ = nullptr; }
  void on_begin(const weft::origin& o);
  void on_commit(const weft::origin& o, const std::vector<undo_record>& records);

  bool can_undo() const noexcept { return !undo_.empty(); }
  bool can_redo() const noexcept { return !redo_.empty(); }
  std::size_t undo_depth() const noexcept { return undo_.size(); }
  std::size_t redo_depth() const noexcept { return redo_.size(); }
  result<bool> undo() { return pop(undo_, mode::undoing); }
  result<bool> redo() { return pop(redo_, mode::redoing); }
  void stop_capturing() noexcept { stopped_ = true; }
  void clear() noexcept {
    undo_.clear();
    redo_.clear();
  }
  const std::vector<saved_cursor>& cursors() const noexcept { return cursors_; }

 private:
  enum class mode { normal, undoing, redoing };
  struct step {
    std::vector<undo_record> records;
    std::vector<saved_cursor> cursors;
  };

  bool tracked(const weft::origin& o) const;
  std::int64_t now() const;
  std::vector<saved_cursor> capture() const;
  result<bool> pop(std::deque<step>& from, mode m);
  // note keeps the first error of the step being reverted.
  void note(const result<void>& r) {
    if (!r && !failed_) failed_ = r.error();
  }
  void revert(const undo_record& r);
  void revert_insert(const undo_record& r);
  // revert_deletes restores the elements of several seq_delete records of
  // one container together, so that they go back in their old order.
  void revert_deletes(std::span<const undo_record* const> records);
  op_id follow(op_id id) const;
  void push(std::deque<step>& to, step s);

  doc_impl* d_;
  undo_options options_;
  std::deque<step> undo_;
  std::deque<step> redo_;
  mode mode_ = mode::normal;
  bool stopped_ = false;
  bool starting_ = false;       // the open tracked transaction starts a step
  bool have_last_ = false;
  std::int64_t last_ms_ = 0;    // when the last tracked transaction began
  std::int64_t begin_ms_ = 0;   // when the open one began
  std::vector<saved_cursor> begin_cursors_;
  std::vector<saved_cursor> cursors_;
  std::vector<saved_cursor> pop_cursors_;
  // alive_ turns false when this manager is destroyed: the application's
  // callbacks (its clock, its cursor capture) may destroy it while it
  // waits for them, and it then must not touch itself again.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // redone_ maps an element an undo or redo re-inserted to its new copy, so
  // that older steps naming the original reach the copy.
  hash_map<op_id, op_id> redone_;
  std::optional<error> failed_;
};

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_UNDO_IMPL_HPP_
