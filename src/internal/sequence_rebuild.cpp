// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: internal/sequence_rebuild.cpp
// -----------------------------------------------------------------------------
//
// sequence::rebuild: placing a whole log's inserts into an empty sequence at
// once, as loading a snapshot or receiving a peer's full history does.
//
// Integrating run by run costs a descent to find each left origin, and the
// B-tree splits leaves (and moves their lv-index entries) as runs land all
// over the document. Here the runs go into a singly linked list of elements
// indexed by lv, where the element after a left origin is one load away,
// and the tree is built once, in document order, at the end.
//
// The placement is the one sequence::integrate makes. Two elements never
// change their relative order once both exist, so the list after each run
// is exactly the document integrate would have made by then. Without
// concurrency the run goes right after its left origin (its right origin
// is already there); otherwise the FugueMax scan runs element by element
// with the comparisons of integrate, where a rank comparison becomes "does
// this element lie between the run's origins", answered by stamps laid on
// that stretch first.

#include <cstdint>
#include <memory>
#include <vector>

#include "sequence_detail.hpp"
#include "weft/internal/sequence.hpp"

namespace weft::internal {

bool sequence::rebuild(const op_log& log, std::span<const lv_span> tombstoned,
                       std::uint64_t scan_budget) {
  WEFT_ASSERT(total_.raw == 0 && items_ == 0, "rebuild of a sequence that holds elements");
  const std::vector<insert_entry>& runs = log.inserts();
  if (runs.empty()) return true;
  const insert_entry& last = runs.back();
  const lv_t n = last.lv + last.len;  // past the highest element
  // Each element's entry is written when its run is linked, before any
  // read: no need to clear it first.
  std::unique_ptr<lv_t[]> next(new lv_t[n]);
  std::vector<std::uint32_t> run_of(n, 0);
  std::uint64_t budget =
      scan_budget == default_scan_budget ? 8 * std::uint64_t{n} + 65536 : scan_budget;
  std::vector<std::uint32_t> stamp;  // allocated at the first scan
  std::uint32_t scan = 0;
  lv_t head = no_lv;

  auto left_of = [&](lv_t e) {
    const insert_entry& r = runs[run_of[e]];
    return e == r.lv ? r.origin_left : e - 1;
  };
  auto right_of = [&](lv_t e) { return runs[run_of[e]].origin_right; };

  for (std::uint32_t k = 0; k < runs.size(); ++k) {
    const insert_entry& r = runs[k];
    const lv_t end = r.lv + r.len;
    // Origins must be elements placed before (lv order is causal order).
    for (const lv_t o : {r.origin_left, r.origin_right}) {
      if (o == no_lv) continue;
      if (o >= r.lv || runs[run_of[o]].lv > o || runs[run_of[o]].lv + runs[run_of[o]].len <= o) {
        return false;
      }
    }
    for (lv_t e = r.lv; e < end; ++e) run_of[e] = k;
    lv_t prev = r.origin_left;  // the run goes after prev (no_lv: the start)
    lv_t at = prev == no_lv ? head : next[prev];
    if (at != r.origin_right) {
      if (stamp.empty()) stamp.assign(n, 0);
      ++scan;
      lv_t e = at;
      for (; e != no_lv && e != r.origin_right; e = next[e]) {
        if (budget == 0) return false;
        --budget;
        stamp[e] = scan;
      }
      // A right origin that is not after the left one: integrate handles
      // that (only a hand-made op can say so) by its own rules.
      if (e != r.origin_right) return false;
      // Stamped now: everything strictly between the origins. An element's
      // left origin lies before it, so among the stamped ones it is after
      // the run's left origin; unstamped (and not that origin), before it.
      // An element's right origin lies after it, so stamped means before
      // the run's right origin.
      lv_t before_e = prev;
      lv_t dest = at;
      lv_t dest_prev = prev;
      bool scanning = false;
      for (e = at;; before_e = e, e = next[e]) {
        if (!scanning) {
          dest = e;
          dest_prev = before_e;
        }
        if (e == no_lv || e == r.origin_right) break;
        const lv_t ol = left_of(e);
        if (ol == r.origin_left) {
          const lv_t orr = right_of(e);
          if (orr == r.origin_right) {
            if (hooks_.before(ctx_, r.lv, e)) break;
            scanning = false;
          } else {
            scanning = orr != no_lv && stamp[orr] == scan;
          }
        } else if (ol == no_lv || stamp[ol] != scan) {
          break;  // e hangs off something before the run's left origin
        }
      }
      at = dest;
      prev = dest_prev;
    }
    for (lv_t e = r.lv; e + 1 < end; ++e) next[e] = e + 1;
    next[end - 1] = at;
    if (prev == no_lv) {
      head = r.lv;
    } else {
      next[prev] = r.lv;
    }
  }

  // What the log deletes.
  std::vector<std::uint64_t> dead((n + 63) / 64, 0);
  auto kill = [&](lv_t begin, lv_t end) {
    for (lv_t e = begin; e < end && e < n; ++e) dead[e / 64] |= std::uint64_t{1} << (e % 64);
  };
  for (const delete_entry& d : log.deletes()) {
    const lv_t lo = d.backward ? d.target - (d.len - 1) : d.target;
    kill(lo, lo + d.len);
  }
  for (const lv_span& s : tombstoned) kill(s.begin, s.end);
  auto is_dead = [&](lv_t e) { return ((dead[e / 64] >> (e % 64)) & 1) != 0; };

  // Items: maximal stretches that would merge (see mergeable), in order.
  std::vector<seq_item> items;
  for (lv_t e = head; e != no_lv;) {
    const bool d = is_dead(e);
    std::uint32_t k = run_of[e];
    const lv_t right = runs[k].origin_right;
    const lv_t first = e;
    lv_t f = next[e];
    // Within one run an element chains off the one before by definition;
    // a run that starts must name it as its left origin.
    while (f == e + 1 && is_dead(f) == d && f - first < seq_item::max_len) {
      if (run_of[f] != k) {
        const insert_entry& r = runs[run_of[f]];
        if (r.origin_left != e || r.origin_right != right) break;
        k = run_of[f];
      }
      e = f;
      f = next[e];
    }
    const std::uint32_t len = e + 1 - first;
    std::uint32_t width = 0;
    if (!d) {
      const insert_entry& r = runs[run_of[first]];
      // A run whose content has a byte per element is one unit per element.
      width = r.content_bytes == r.len && run_of[e] == run_of[first]
                  ? len
                  : hooks_.width(ctx_, first, len);
    }
    items.push_back(seq_item{first, left_of(first), right, d ? len | seq_item::deleted_bit : len,
                             width});
    e = f;
  }
  assign(items);
  return true;
}

}  // namespace weft::internal
