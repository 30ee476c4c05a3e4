// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: undo_manager.hpp
// -----------------------------------------------------------------------------
//
// undo_manager gives a document collaborative undo and redo: it records the
// transactions of chosen origins (by default this replica's local edits),
// groups a burst of them into one step, and undoes a step by making new
// operations that revert only what that step did. Concurrent edits by other
// replicas, and anything later that overwrote the step's effect, stay.
//
// What undo restores, per type (docs/document-model.md has the details):
// - text and list: elements the step inserted are deleted; elements it
//   deleted are inserted again where they were (as new elements).
// - map and register: a key the step wrote gets its previous value back,
//   unless another write has replaced the step's value since (then the key
//   is left alone); same for an erase.
// - counter: the step's increments are added with the opposite sign.
//
// Redo undoes an undo. A new tracked edit clears the redo stack.

#ifndef WEFT_UNDO_MANAGER_HPP_
#define WEFT_UNDO_MANAGER_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "weft/anchor.hpp"
#include "weft/container.hpp"
#include "weft/origin.hpp"
#include "weft/result.hpp"

namespace weft {

class doc;

namespace internal {
class undo_impl;
}  // namespace internal

// saved_cursor is a cursor in a text or list, kept by anchor so that it
// survives concurrent edits.
struct saved_cursor {
  container target;
  anchor at;
};

struct undo_options {
  // tracked lists the origins whose transactions are recorded.
  std::vector<origin> tracked = {origin::local()};
  // Tracked transactions closer than this to the previous one join its step.
  std::int64_t capture_window_ms = 500;
  // max_depth caps the undo stack; the oldest steps are dropped.
  std::size_t max_depth = 100;
  // now_ms returns a monotonic time in milliseconds (default: steady clock).
  std::function<std::int64_t()> now_ms;
  // capture_cursors, if set, is called before the first transaction of each
  // step and before each undo or redo; what it returns is handed back by
  // `cursors()` after that step is undone (or redone).
  std::function<std::vector<saved_cursor>()> capture_cursors;
};

class undo_manager {
 public:
  explicit undo_manager(doc& d, undo_options options = {});
  ~undo_manager();
  undo_manager(const undo_manager&) = delete;
  undo_manager& operator=(const undo_manager&) = delete;

  bool can_undo() const noexcept;
  bool can_redo() const noexcept;
  std::size_t undo_depth() const noexcept;
  std::size_t redo_depth() const noexcept;

  // undo reverts the latest step as one transaction with origin undo;
  // returns false if there was nothing to undo. A revert that could take
  // the document past its op limit (doc_options::max_ops) is refused
  // before anything changes (errc::capacity_exceeded): the step stays. If
  // an op is refused anyway (seq_exhausted, the text byte limit), the
  // revert stops there, what it did so far is committed, the step is
  // dropped and the error is returned.
  result<bool> undo();
  // redo re-applies the latest undone step (origin redo).
  result<bool> redo();

  // stop_capturing makes the next tracked transaction start a new step.
  void stop_capturing() noexcept;
  // clear drops both stacks.
  void clear() noexcept;

  // cursors returns the cursors saved with the step the last undo or redo
  // reverted (see undo_options::capture_cursors).
  const std::vector<saved_cursor>& cursors() const noexcept;

 private:
  std::unique_ptr<internal::undo_impl> impl_;
};

}  // namespace weft

#endif  // WEFT_UNDO_MANAGER_HPP_
