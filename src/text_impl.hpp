// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: text_impl.hpp
// -----------------------------------------------------------------------------
//
// text_impl is the state behind weft::text: the sequence engine, the id map,
// the op log, the inserted UTF-8 in lv order, and the pending buffer of
// remote runs whose dependencies have not arrived.

#ifndef WEFT_SRC_TEXT_IMPL_HPP_
#define WEFT_SRC_TEXT_IMPL_HPP_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "weft/internal/id_map.hpp"
#include "weft/internal/op_log.hpp"
#include "weft/internal/sequence.hpp"
#include "weft/internal/utf8.hpp"
#include "weft/text.hpp"

namespace weft::internal {

// max_content_bytes keeps content offsets in 32 bits.
inline constexpr std::uint64_t max_content_bytes = 0xFFFFFFFFull;

// run_ops returns how many operations a run holds.
inline std::uint64_t run_ops(const text_op_run& run) {
  if (const auto* ins = std::get_if<text_insert_run>(&run)) {
    return utf8_count_code_points(ins->content);
  }
  return std::get<text_delete_run>(run).length;
}

// run_id returns the id of a run's first operation.
inline op_id run_id(const text_op_run& run) {
  return std::visit([](const auto& r) { return r.id; }, run);
}

// describe renders an op id for error messages.
std::string describe(op_id id);

// validate_run checks what a run says about itself (ids, lengths, origins,
// UTF-8), before anything about the receiving replica is looked at.
result<void> validate_run(const text_op_run& run, std::size_t index);
// validate_insert_ids checks the ids of an insert run of `n` elements.
result<void> validate_insert_ids(op_id id, std::uint64_t n,
                                 const std::optional<op_id>& origin_left,
                                 const std::optional<op_id>& origin_right,
                                 std::size_t index);
// ranges_cover reports whether `ranges` (ascending, disjoint [first, second)
// seq ranges of one replica's inserts) cover [begin, end) without a gap.
bool ranges_cover(const std::vector<std::pair<seq_t, seq_t>>& ranges, seq_t begin,
                  seq_t end);
// trim_front drops the first `k` ops of a run (ops the replica already has).
text_op_run trim_front(const text_op_run& run, seq_t k);

class text_impl {
 public:
  text_impl(replica_id replica, const text_options& options);
  text_impl(const text_impl& other, replica_id replica);
  text_impl(const text_impl&) = delete;
  text_impl& operator=(const text_impl&) = delete;

  replica_id replica() const noexcept { return replica_; }
  std::uint32_t size() const noexcept { return seq_.size(); }
  std::uint32_t size_utf16() const noexcept { return seq_.width(); }

  std::string to_string() const;
  result<std::string> slice(std::size_t pos, std::size_t len) const;

  result<void> insert(std::size_t pos, std::string_view utf8);
  result<void> erase(std::size_t pos, std::size_t len);

  // Entry points for a text owned by a weft::doc, which chooses op ids
  // (from the document's one sequence space, so a text sees gaps) and plans
  // remote runs itself; the text's own pending buffer then stays empty.
  //
  // insert_with inserts `utf8` (valid, `len` code points of `width` UTF-16
  // units) at `pos` <= size() with ids from `first`, and returns the lv of
  // the first character. The caller checked every limit.
  lv_t insert_with(op_id first, std::uint32_t pos, std::string_view utf8,
                   std::uint32_t len, std::uint32_t width);
  // erase_with erases `len` characters at `pos` with ids from `first`,
  // appending the erased lv ranges, in document order, to `erased`.
  void erase_with(op_id first, std::uint32_t pos, std::uint32_t len,
                  std::vector<lv_span>& erased);
  // integrate_insert and integrate_delete integrate a remote run that the
  // owner planned (see apply_planner), appending what became visible to
  // `out` (null: nobody asks, and positions are not worked out).
  void integrate_insert(const text_insert_run& run, std::vector<text_change>* out);
  void integrate_delete(const text_delete_run& run, std::vector<text_change>* out);
  // defer_tree has integrate_insert and integrate_delete, called without
  // `out`, record their runs (ids, log, content) and leave the tree to
  // build_tree, which places them all at once (sequence::rebuild): for an
  // empty text receiving many runs nobody watches, as a snapshot or a
  // peer's whole history brings.
  void defer_tree();
  // build_tree also deletes the elements of `tombstoned`.
  void build_tree(std::span<const lv_span> tombstoned = {});
  // fill_live replaces the content of the visible characters, all of them
  // placeholders of one byte (a state-only snapshot's runs), with the code
  // points of `live`, valid UTF-8 holding exactly size() of them, in
  // document order.
  result<void> fill_live(std::string_view live);
  bool tree_deferred() const noexcept { return tree_deferred_; }
  // element_spans appends the lv spans of the elements (inserts, not
  // deletes) among ops [begin, end) of `replica`, ascending.
  void element_spans(replica_id replica, seq_t begin, seq_t end,
                     std::vector<lv_span>& out) const;
  // erase_spans deletes the elements of `spans` that still show, recording
  // no op (integrate_delete has logged its own; tombstones are none).
  void erase_spans(const std::vector<lv_span>& spans, std::vector<text_change>* out);
  // append_runs appends, in lv order, the runs holding ops [begin, end) of
  // `replica` that this text has.
  void append_runs(replica_id replica, seq_t begin, seq_t end,
                   std::vector<text_op_run>& out) const;
  // has_inserts reports whether ops [begin, end) of `replica` are all
  // characters of this text.
  bool has_inserts(replica_id replica, seq_t begin, seq_t end) const;
  // fits reports whether `ops` more operations with `bytes` more content
  // stay within the limits; capacity_error says why not.
  bool fits(std::uint64_t ops, std::uint64_t bytes) const noexcept {
    return ops <= options_.max_ops - ids_.next_lv() &&
           bytes <= max_content_bytes - content_.size();
  }
  error capacity_error(std::uint64_t ops, std::uint64_t bytes) const;
  // content_offset returns where insert `lv` starts in the content store.
  std::size_t content_offset(lv_t lv) const;
  // content_of returns the UTF-8 of inserts [lv, lv + len).
  std::string_view content_of(lv_t lv, std::uint32_t len) const;
  // content is the whole content store (the log's insert entries index it).
  std::string_view content() const noexcept { return content_; }

  result<std::size_t> to_utf16(std::size_t pos) const;
  result<std::size_t> from_utf16(std::size_t units) const;

  const version_vector& version() const { return ids_.version(); }
  text_delta delta_since(const version_vector& since) const;
  result<std::vector<text_change>> apply(const text_delta& delta);
  std::uint64_t pending_ops() const noexcept { return pending_ops_; }

  result<anchor> anchor_at(std::size_t pos, affinity side) const;
  result<std::size_t> resolve(const anchor& a) const;
  result<op_id> id_at(std::size_t pos) const;

  std::size_t memory_usage() const noexcept;
  result<void> check(bool deep) const;

  const sequence& seq() const noexcept { return seq_; }
  const id_map& ids() const noexcept { return ids_; }
  const op_log& log() const noexcept { return log_; }

 private:
  // pending_run is a remote run waiting for its dependencies.
  using pending_map = std::map<replica_id, std::map<seq_t, text_op_run>>;

  static std::uint32_t width_hook(const void* ctx, lv_t lv, std::uint32_t len);
  static std::int64_t prefix_hook(const void* ctx, lv_t lv, std::uint32_t len,
                                  std::uint32_t width);
  static bool before_hook(const void* ctx, lv_t a, lv_t b);
  static const sequence_hooks hooks_;

  // insert_run and erase_run do the work of local edits for insert() and
  // erase() and their doc-owned forms (defined inline in text.cpp).
  lv_t insert_run(op_id first, std::uint32_t pos, std::string_view utf8, std::uint32_t len,
                  std::uint32_t width);
  void erase_run(op_id first, std::uint32_t pos, std::uint32_t len,
                 std::vector<lv_span>& erased);

  // append_spans appends the runs of the ops in `spans` (ascending lv).
  void append_spans(const std::vector<lv_span>& spans,
                    std::vector<text_op_run>& out) const;


  replica_id replica_;
  text_options options_;
  id_map ids_;
  op_log log_;
  std::string content_;  // UTF-8 of every insert, in lv order
  sequence seq_;
  pending_map pending_;
  std::uint64_t pending_ops_ = 0;
  std::vector<lv_span> scratch_;  // reused by erase() to avoid allocating
  bool tree_deferred_ = false;

  friend class apply_planner;
};

}  // namespace weft::internal

#endif  // WEFT_SRC_TEXT_IMPL_HPP_
