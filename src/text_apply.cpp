// Copyright 2026 The weft Authors. MIT License.
//
// Remote integration for weft::text: validating a delta, planning which of
// its runs (and of the pending buffer) can land, and integrating the plan.

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "text_impl.hpp"
#include "weft/internal/utf8.hpp"
#include "weft/text.hpp"

namespace weft::internal {

result<void> validate_insert_ids(op_id id, std::uint64_t n,
                                 const std::optional<op_id>& origin_left,
                                 const std::optional<op_id>& origin_right,
                                 std::size_t index) {
  if (n == 0) {
    return make_error(errc::malformed, fmt::format("run {}: empty insert", index));
  }
  if (n > seq_item::max_len) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("run {}: insert of {} elements exceeds a run", index, n));
  }
  if (id.seq > max_seq || n - 1 > max_seq - id.seq) {
    return make_error(errc::malformed,
                      fmt::format("run {}: op ids overflow the seq space", index));
  }
  for (const auto& origin : {origin_left, origin_right}) {
    if (origin && origin->replica == id.replica && origin->seq >= id.seq) {
      return make_error(errc::malformed, fmt::format("run {}: origin {} is not before the run",
                                                     index, describe(*origin)));
    }
  }
  if (origin_left && origin_left == origin_right) {
    return make_error(errc::malformed,
                      fmt::format("run {}: left and right origin are the same", index));
  }
  return {};
}

result<void> validate_run(const text_op_run& run, std::size_t index) {
  if (const auto* ins = std::get_if<text_insert_run>(&run)) {
    const auto counts = validate_utf8(ins->content);
    if (!counts) {
      return make_error(errc::invalid_utf8,
                        fmt::format("run {}: insert content is not valid UTF-8", index));
    }
    return validate_insert_ids(ins->id, counts->code_points, ins->origin_left,
                               ins->origin_right, index);
  }
  const auto& del = std::get<text_delete_run>(run);
  if (del.length == 0) {
    return make_error(errc::malformed, fmt::format("run {}: empty delete", index));
  }
  if (del.id.seq > max_seq || del.length - 1 > max_seq - del.id.seq) {
    return make_error(errc::malformed,
                      fmt::format("run {}: op ids overflow the seq space", index));
  }
  if (del.length > max_lv_count) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("run {}: delete of {} ops exceeds a run", index, del.length));
  }
  const bool fits = del.backward ? del.target.seq >= del.length - 1
                                 : del.target.seq <= max_seq &&
                                       del.length - 1 <= max_seq - del.target.seq;
  if (!fits) {
    return make_error(errc::malformed,
                      fmt::format("run {}: delete targets overflow the seq space", index));
  }
  if (del.target.replica == del.id.replica &&
      (del.backward ? del.target.seq : del.target.seq + del.length - 1) >= del.id.seq) {
    return make_error(errc::malformed,
                      fmt::format("run {}: delete targets an op that is not before it", index));
  }
  return {};
}

// trim_front drops the first `k` ops of a run (ops the replica already has).
text_op_run trim_front(const text_op_run& run, seq_t k) {
  if (k == 0) return run;
  if (const auto* ins = std::get_if<text_insert_run>(&run)) {
    text_insert_run t;
    t.id = op_id{ins->id.replica, ins->id.seq + k};
    t.origin_left = op_id{ins->id.replica, ins->id.seq + k - 1};
    t.origin_right = ins->origin_right;
    t.content = ins->content.substr(utf8_advance(ins->content, k));
    return t;
  }
  text_delete_run d = std::get<text_delete_run>(run);
  d.id.seq += k;
  d.length -= k;
  d.target.seq = d.backward ? d.target.seq - k : d.target.seq + k;
  return d;
}

// ---------------------------------------------------------------------------
// Remote integration

// apply_planner decides, without touching the text, which runs of a delta
// (and of the pending buffer) can be integrated now, in which order, and
// whether every reference they make is sound. Only when the whole plan is
// valid does apply() change anything, so a bad delta changes nothing.
class apply_planner {
 public:
  explicit apply_planner(const text_impl& t) : t_(t) {}

  enum class outcome { planned, dropped, waiting, invalid };

  // offer tries to plan one run; `fresh` runs come from the current delta.
  outcome offer(const text_op_run& run, bool fresh, std::string* why) {
    const op_id id = run_id(run);
    const std::uint64_t n = run_ops(run);
    const seq_t next = next_of(id.replica);
    if (id.seq + n <= next) return outcome::dropped;  // all seen already
    if (id.seq > next) return outcome::waiting;
    text_op_run trimmed = trim_front(run, next - id.seq);
    if (!deps_known(trimmed)) {
      waiting_run_ = std::move(trimmed);
      return outcome::waiting;
    }
    if (!refs_sound(trimmed, why)) return fresh ? outcome::invalid : outcome::dropped;
    const std::uint64_t ops = run_ops(trimmed);
    const op_id tid = run_id(trimmed);
    sim_next_[tid.replica] = tid.seq + ops;
    if (std::holds_alternative<text_insert_run>(trimmed)) {
      sim_inserts_[tid.replica].push_back({tid.seq, tid.seq + ops});
    }
    planned_ops_ += ops;
    if (const auto* ins = std::get_if<text_insert_run>(&trimmed)) {
      planned_bytes_ += ins->content.size();
    }
    plan_.push_back(std::move(trimmed));
    return outcome::planned;
  }

  // take_waiting returns the trimmed form of the last run that waited on
  // dependencies (or nothing if it waited on a gap).
  std::optional<text_op_run> take_waiting() {
    auto r = std::move(waiting_run_);
    waiting_run_.reset();
    return r;
  }

  std::vector<text_op_run>& plan() { return plan_; }
  std::uint64_t planned_ops() const { return planned_ops_; }
  std::uint64_t planned_bytes() const { return planned_bytes_; }

 private:
  seq_t next_of(replica_id r) const {
    auto it = sim_next_.find(r);
    return it != sim_next_.end() ? it->second : t_.ids_.next_seq(r);
  }

  bool known(op_id id) const { return id.seq < next_of(id.replica); }

  bool deps_known(const text_op_run& run) const {
    if (const auto* ins = std::get_if<text_insert_run>(&run)) {
      return (!ins->origin_left || known(*ins->origin_left)) &&
             (!ins->origin_right || known(*ins->origin_right));
    }
    const auto& del = std::get<text_delete_run>(run);
    const seq_t top = del.backward ? del.target.seq : del.target.seq + del.length - 1;
    return known(op_id{del.target.replica, top});
  }

  // all_inserts reports whether ops [begin, end) of `r`, all known, are
  // inserts (an origin or delete target must name a character). Ops below
  // the replica's real next seq are looked up in the log; the rest must lie
  // in insert runs this plan integrates first.
  bool all_inserts(replica_id r, seq_t begin, seq_t end) const {
    const seq_t real_next = t_.ids_.next_seq(r);
    if (begin < real_next) {
      const seq_t stop = std::min(end, real_next);
      if (!t_.has_inserts(r, begin, stop)) return false;
      begin = stop;
    }
    if (begin >= end) return true;
    auto it = sim_inserts_.find(r);
    if (it == sim_inserts_.end()) return false;
    return ranges_cover(it->second, begin, end);
  }

  bool refs_sound(const text_op_run& run, std::string* why) const {
    if (const auto* ins = std::get_if<text_insert_run>(&run)) {
      for (const auto& origin : {ins->origin_left, ins->origin_right}) {
        if (origin && !all_inserts(origin->replica, origin->seq, origin->seq + 1)) {
          *why = fmt::format("insert {} has origin {}, which is not a character",
                             describe(ins->id), describe(*origin));
          return false;
        }
      }
      return true;
    }
    const auto& del = std::get<text_delete_run>(run);
    const seq_t lo = del.backward ? del.target.seq - (del.length - 1) : del.target.seq;
    if (!all_inserts(del.target.replica, lo, lo + del.length)) {
      *why = fmt::format("delete {} targets ops that are not characters", describe(del.id));
      return false;
    }
    return true;
  }

  const text_impl& t_;
  std::unordered_map<replica_id, seq_t> sim_next_;
  std::unordered_map<replica_id, std::vector<std::pair<seq_t, seq_t>>> sim_inserts_;
  std::vector<text_op_run> plan_;
  std::optional<text_op_run> waiting_run_;
  std::uint64_t planned_ops_ = 0;
  std::uint64_t planned_bytes_ = 0;
};

result<std::vector<text_change>> text_impl::apply(const text_delta& delta) {
  for (std::size_t i = 0; i < delta.runs.size(); ++i) {
    WEFT_TRY(validate_run(delta.runs[i], i));
  }

  // The planner sees three kinds of runs: the fresh ones of this delta,
  // those already waiting in pending_ (read, never changed until the plan
  // holds), and `parked` ones that wait after this call (fresh runs, and
  // trimmed forms of old ones). An unsound fresh run fails the call; an
  // unsound old one, from an earlier call, is dropped.
  apply_planner planner(*this);
  pending_map parked;
  std::set<op_id> parked_fresh;
  auto park = [&](const text_op_run& run, bool is_fresh) {
    const op_id id = run_id(run);
    auto& slot = parked[id.replica];
    auto it = slot.find(id.seq);
    if (it == slot.end() || run_ops(it->second) < run_ops(run)) {
      slot[id.seq] = run;
      if (is_fresh) parked_fresh.insert(id);
    }
  };
  std::string why;
  for (const text_op_run& run : delta.runs) {
    const auto verdict = planner.offer(run, true, &why);
    if (verdict == apply_planner::outcome::invalid) return make_error(errc::malformed, why);
    if (verdict == apply_planner::outcome::waiting) {
      auto trimmed = planner.take_waiting();
      park(trimmed ? *trimmed : run, true);
    }
  }

  // Drain. Runs of one replica become ready in seq order, so each replica
  // offers only its lowest waiting run (old or parked); passes repeat while
  // anything lands. Old runs are consumed from the front of pending_[r],
  // tracked by an iterator per replica instead of copying the buffer.
  using old_iter = std::map<seq_t, text_op_run>::const_iterator;
  std::map<replica_id, old_iter> old_next;
  for (const auto& [replica, runs] : pending_) old_next.emplace(replica, runs.begin());
  std::vector<replica_id> replicas;
  for (const auto& [replica, it] : old_next) replicas.push_back(replica);
  for (const auto& [replica, runs] : parked) {
    if (!old_next.count(replica)) replicas.push_back(replica);
  }
  std::uint64_t consumed_ops = 0;
  for (bool progress = true; progress;) {
    progress = false;
    for (const replica_id r : replicas) {
      while (true) {
        const auto old_map = pending_.find(r);
        const old_iter* old = nullptr;
        if (old_map != pending_.end() && old_next[r] != old_map->second.end()) {
          old = &old_next[r];
        }
        auto parked_map = parked.find(r);
        const bool has_parked = parked_map != parked.end() && !parked_map->second.empty();
        if (old == nullptr && !has_parked) break;
        const bool take_old =
            old != nullptr &&
            (!has_parked || (*old)->first <= parked_map->second.begin()->first);
        const text_op_run& run =
            take_old ? (*old)->second : parked_map->second.begin()->second;
        const bool is_fresh = !take_old && parked_fresh.count(run_id(run)) > 0;
        const auto verdict = planner.offer(run, is_fresh, &why);
        if (verdict == apply_planner::outcome::invalid) {
          return make_error(errc::malformed, why);
        }
        auto trimmed = verdict == apply_planner::outcome::waiting
                           ? planner.take_waiting()
                           : std::nullopt;
        if (verdict == apply_planner::outcome::waiting && !trimmed) break;  // a gap
        // The run leaves its place: planned, dropped, or re-parked trimmed.
        if (take_old) {
          consumed_ops += run_ops(run);
          ++old_next[r];
        } else {
          parked_map->second.erase(parked_map->second.begin());
        }
        if (trimmed) {
          park(*trimmed, is_fresh);
          break;
        }
        progress = true;
      }
    }
  }

  std::uint64_t parked_ops = 0;
  for (const auto& [replica, runs] : parked) {
    for (const auto& [seq, run] : runs) parked_ops += run_ops(run);
  }
  // An upper bound: a parked run may replace an old one with the same key.
  const std::uint64_t waiting_ops = pending_ops_ - consumed_ops + parked_ops;
  if (waiting_ops > options_.max_pending_ops) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("{} ops would wait for dependencies; the limit is {}",
                                  waiting_ops, options_.max_pending_ops));
  }
  if (!fits(planner.planned_ops(), planner.planned_bytes())) {
    return capacity_error(planner.planned_ops(), planner.planned_bytes());
  }

  // Nothing below can fail: the plan is sound.
  std::vector<text_change> changes;
  for (const text_op_run& run : planner.plan()) {
    if (const auto* ins = std::get_if<text_insert_run>(&run)) {
      integrate_insert(*ins, &changes);
    } else {
      integrate_delete(std::get<text_delete_run>(run), &changes);
    }
  }
  pending_ops_ -= consumed_ops;
  for (auto& [replica, it] : old_next) {
    auto& runs = pending_[replica];
    runs.erase(runs.begin(), it);
  }
  for (auto& [replica, runs] : parked) {
    auto& slot = pending_[replica];
    for (auto& [seq, run] : runs) {
      auto it = slot.find(seq);
      if (it == slot.end()) {
        pending_ops_ += run_ops(run);
        slot.emplace(seq, std::move(run));
      } else if (run_ops(it->second) < run_ops(run)) {
        pending_ops_ += run_ops(run) - run_ops(it->second);
        it->second = std::move(run);
      }
    }
  }
  std::erase_if(pending_, [](const auto& entry) { return entry.second.empty(); });
  return changes;
}

bool ranges_cover(const std::vector<std::pair<seq_t, seq_t>>& ranges, seq_t begin,
                  seq_t end) {
  // The last range starting at or before `begin`, by a binary search
  // without branches: loading a document asks this of every origin, in no
  // order a branch predictor could learn.
  if (ranges.empty() || ranges.front().first > begin) return false;
  const std::pair<seq_t, seq_t>* base = ranges.data();
  for (std::size_t n = ranges.size(); n > 1;) {
    const std::size_t half = n / 2;
    base = base[half].first <= begin ? base + half : base;
    n -= half;
  }
  for (auto rg = ranges.begin() + (base - ranges.data()); begin < end; ++rg) {
    // Each step must continue exactly where the last range ended: a gap is
    // some other op (or nothing), not an element.
    if (rg == ranges.end() || begin < rg->first || begin >= rg->second) return false;
    begin = rg->second;
  }
  return true;
}

bool text_impl::has_inserts(replica_id replica, seq_t begin, seq_t end) const {
  std::vector<lv_span> spans;
  ids_.lv_spans(replica, begin, end, spans);
  seq_t covered = 0;
  for (const lv_span& s : spans) {
    if (!log_.is_insert_range(s.begin, s.end)) return false;
    covered += s.end - s.begin;
  }
  return covered == end - begin;
}

void text_impl::integrate_insert(const text_insert_run& run, std::vector<text_change>* out) {
  const utf8_counts counts = utf8_count(run.content);  // validated by the plan
  const auto len = static_cast<std::uint32_t>(counts.code_points);
  const auto width = static_cast<std::uint32_t>(counts.utf16_units);
  const lv_t origin_left = run.origin_left ? ids_.to_lv(*run.origin_left) : no_lv;
  const lv_t origin_right = run.origin_right ? ids_.to_lv(*run.origin_right) : no_lv;
  WEFT_ASSERT(!run.origin_left || origin_left != no_lv, "planned origin unknown");
  WEFT_ASSERT(!run.origin_right || origin_right != no_lv, "planned origin unknown");
  const lv_t lv = ids_.next_lv();
  const auto off = static_cast<std::uint32_t>(content_.size());
  ids_.append(run.id.replica, run.id.seq, len);
  content_.append(run.content);
  log_.add_insert(lv, len, origin_left, origin_right, off,
                  static_cast<std::uint32_t>(run.content.size()));
  if (tree_deferred_) {
    WEFT_ASSERT(out == nullptr, "an event asked of a deferred insert");
    return;
  }
  const seq_change c = seq_.integrate(lv, len, width, origin_left, origin_right, out != nullptr);
  if (out == nullptr) return;
  out->push_back(text_change{text_change::kind::insert, c.pos, c.len, c.width_pos,
                             c.width, run.content});
}

void text_impl::integrate_delete(const text_delete_run& run, std::vector<text_change>* out) {
  const auto n = static_cast<std::uint32_t>(run.length);
  const seq_t lo = run.backward ? run.target.seq - (run.length - 1) : run.target.seq;
  std::vector<lv_span>& targets = scratch_;  // not allocated per run
  targets.clear();
  ids_.lv_spans(run.target.replica, lo, lo + run.length, targets);
  lv_t op = ids_.next_lv();
  ids_.append(run.id.replica, run.id.seq, n);
  if (run.backward) {
    for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
      log_.add_delete(op, it->end - it->begin, it->end - 1, true);
      op += it->end - it->begin;
    }
  } else {
    for (const lv_span& s : targets) {
      log_.add_delete(op, s.end - s.begin, s.begin, false);
      op += s.end - s.begin;
    }
  }
  if (tree_deferred_) {
    WEFT_ASSERT(out == nullptr, "an event asked of a deferred delete");
    return;
  }
  erase_spans(targets, out);
}

void text_impl::element_spans(replica_id replica, seq_t begin, seq_t end,
                              std::vector<lv_span>& out) const {
  std::vector<lv_span> ops;
  ids_.lv_spans(replica, begin, end, ops);
  const std::vector<insert_entry>& ins = log_.inserts();
  for (const lv_span& s : ops) {
    for (std::size_t i = log_.lower_insert(s.begin); i < ins.size() && ins[i].lv < s.end; ++i) {
      const lv_t b = std::max(s.begin, ins[i].lv);
      const lv_t e = std::min(s.end, ins[i].lv + ins[i].len);
      if (!out.empty() && out.back().end == b) {
        out.back().end = e;
      } else {
        out.push_back(lv_span{b, e});
      }
    }
  }
}

void text_impl::erase_spans(const std::vector<lv_span>& spans, std::vector<text_change>* out) {
  WEFT_ASSERT(!tree_deferred_, "elements erased from a deferred tree");
  if (out == nullptr) {
    for (const lv_span& s : spans) seq_.erase_lvs(s.begin, s.end, nullptr);
    return;
  }
  std::vector<seq_change> erased;
  for (const lv_span& s : spans) seq_.erase_lvs(s.begin, s.end, &erased);
  for (const seq_change& c : erased) {
    out->push_back(text_change{text_change::kind::erase, c.pos, c.len, c.width_pos,
                               c.width, {}});
  }
}

void text_impl::defer_tree() {
  WEFT_ASSERT(seq_.raw_size() == 0 && !tree_deferred_, "deferring the tree of a text in use");
  tree_deferred_ = true;
}

void text_impl::build_tree(std::span<const lv_span> tombstoned) {
  WEFT_ASSERT(tree_deferred_, "no deferred tree to build");
  tree_deferred_ = false;
  if (seq_.rebuild(log_, tombstoned)) return;
  // Run by run, inserts and deletes interleaved in lv order: the order
  // they were recorded in, as integrating them then would have gone.
  const std::vector<insert_entry>& ins = log_.inserts();
  const std::vector<delete_entry>& del = log_.deletes();
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < ins.size() || j < del.size()) {
    if (j == del.size() || (i < ins.size() && ins[i].lv < del[j].lv)) {
      const insert_entry& e = ins[i++];
      seq_.integrate(e.lv, e.len, width_hook(this, e.lv, e.len), e.origin_left, e.origin_right,
                     false);
    } else {
      const delete_entry& d = del[j++];
      const lv_t lo = d.backward ? d.target - (d.len - 1) : d.target;
      seq_.erase_lvs(lo, lo + d.len, nullptr);
    }
  }
  for (const lv_span& s : tombstoned) seq_.erase_lvs(s.begin, s.end, nullptr);
}

result<void> text_impl::fill_live(std::string_view live) {
  if (live.size() == size()) {
    // ASCII, one byte for one byte: the characters go where their
    // placeholders are.
    std::size_t from = 0;
    seq_.for_each([&](const seq_item& it) {
      if (it.deleted()) return true;
      std::memcpy(content_.data() + content_offset(it.lv), live.data() + from, it.len());
      from += it.len();
      return true;
    });
    return {};
  }

  // Otherwise the store is written again. Where each visible item's
  // characters are in `live`:
  struct piece {
    lv_t lv;
    std::uint32_t len;
    std::size_t off;
  };
  std::vector<piece> pieces;
  std::size_t at = 0;
  seq_.for_each([&](const seq_item& it) {
    if (it.deleted()) return true;
    pieces.push_back({it.lv, it.len(), at});
    at += utf8_advance(live.substr(at), it.len());
    return true;
  });
  WEFT_ASSERT(at == live.size(), "live text of another length than the visible text");
  if (content_.size() - size() + live.size() > max_content_bytes) {
    return make_error(errc::capacity_exceeded, "text content would exceed 4 GiB");
  }
  std::sort(pieces.begin(), pieces.end(),
            [](const piece& a, const piece& b) { return a.lv < b.lv; });

  // The store again in lv order, entry by entry: visible characters from
  // `live`, deleted ones keeping their placeholders.
  std::string content;
  content.reserve(content_.size() - size() + live.size());
  const std::vector<insert_entry>& entries = log_.inserts();
  std::size_t p = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const insert_entry& e = entries[i];
    WEFT_ASSERT(e.content_bytes == e.len, "fill_live over content that is no placeholders");
    const std::size_t off = content.size();
    const lv_t end = e.lv + e.len;
    for (lv_t lv = e.lv; lv < end;) {
      while (p < pieces.size() && pieces[p].lv + pieces[p].len <= lv) ++p;
      if (p < pieces.size() && pieces[p].lv <= lv) {
        const piece& pc = pieces[p];
        const std::uint32_t n = std::min(end, pc.lv + pc.len) - lv;
        std::string_view from = live.substr(pc.off);
        from.remove_prefix(utf8_advance(from, lv - pc.lv));
        content.append(from.substr(0, utf8_advance(from, n)));
        lv += n;
      } else {
        const lv_t next = p < pieces.size() ? std::min(end, pieces[p].lv) : end;
        content.append(content_, e.content_off + (lv - e.lv), next - lv);
        lv = next;
      }
    }
    log_.set_content(i, static_cast<std::uint32_t>(off),
                     static_cast<std::uint32_t>(content.size() - off));
  }
  content_ = std::move(content);

  // A character beyond the BMP is two UTF-16 units where its placeholder
  // was one: the tree's widths are redone.
  if (std::any_of(live.begin(), live.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0xF0; })) {
    std::vector<seq_item> items;
    seq_.for_each([&](const seq_item& it) {
      items.push_back(it);
      if (!it.deleted()) items.back().width = width_hook(this, it.lv, it.len());
      return true;
    });
    seq_.assign(items);
  }
  return {};
}

}  // namespace weft::internal
