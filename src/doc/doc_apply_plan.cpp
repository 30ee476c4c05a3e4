// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_apply_plan.cpp
// -----------------------------------------------------------------------------
//
// Phases 1 and 2 of integrating a remote doc_delta (doc/doc_apply_plan.hpp):
// check_delta, and doc_planner's resolution of container references, its
// simulation of each op and its capacity check.

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "doc/doc_apply_plan.hpp"
#include "fmt/format.h"
#include "weft/internal/utf8.hpp"

namespace weft::internal {

namespace {

bool valid_type(container_type t) {
  return t >= container_type::text && t <= container_type::reg;
}

result<void> check_value(const delta_value& v, std::size_t table_size, std::size_t index) {
  if (const auto* s = std::get_if<std::string>(&v); s != nullptr && !validate_utf8(*s)) {
    return make_error(errc::invalid_utf8,
                      fmt::format("op {}: string value is not valid UTF-8", index));
  }
  if (const auto* slot = std::get_if<container_slot>(&v);
      slot != nullptr && slot->index >= table_size) {
    return make_error(errc::malformed,
                      fmt::format("op {}: container slot {} is outside the table", index,
                                  slot->index));
  }
  return {};
}

}  // namespace

// check_delta is phase 1.
result<void> check_delta(const doc_delta& delta) {
  const auto& table = delta.containers;
  // Chains of derived entries nest no deeper than containers may, so that
  // resolving one (recursively, parent first) stays shallow.
  std::vector<std::uint32_t> depth(table.size(), 0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const container_desc& d = table[i];
    if (!valid_type(d.type)) {
      return make_error(errc::malformed, fmt::format("container {}: unknown type", i));
    }
    switch (d.how) {
      case container_desc::kind::root:
      case container_desc::kind::derived:
        if (!validate_utf8(d.name)) {
          return make_error(errc::invalid_utf8,
                            fmt::format("container {}: name is not valid UTF-8", i));
        }
        if (d.how == container_desc::kind::derived && d.parent >= i) {
          return make_error(errc::malformed,
                            fmt::format("container {}: parent {} does not precede it", i,
                                        d.parent));
        }
        if (d.how == container_desc::kind::derived &&
            table[d.parent].type != container_type::map) {
          return make_error(errc::malformed,
                            fmt::format("container {}: parent {} is not a map", i, d.parent));
        }
        if (d.how == container_desc::kind::derived) {
          depth[i] = depth[d.parent] + 1;
          if (depth[i] > max_depth) {
            return make_error(errc::malformed,
                              fmt::format("container {}: nests deeper than {}", i, max_depth));
          }
        }
        break;
      case container_desc::kind::created:
        if (d.creator.seq > max_seq) {
          return make_error(errc::malformed,
                            fmt::format("container {}: creator id overflows", i));
        }
        break;
      default:
        return make_error(errc::malformed, fmt::format("container {}: unknown kind", i));
    }
  }
  // inside reports whether container slot `slot` names a container made by
  // one of the ops [first, first + n) other than `self`: a reference such an
  // op could only satisfy by waiting for itself.
  auto inside = [&](std::uint32_t slot, op_id first, std::uint64_t n, op_id self) {
    const container_desc& d = table[slot];
    return d.how == container_desc::kind::created && d.creator.replica == first.replica &&
           d.creator.seq >= first.seq && d.creator.seq - first.seq < n && d.creator != self;
  };
  for (std::size_t i = 0; i < delta.tombstones.size(); ++i) {
    const id_range& r = delta.tombstones[i];
    if (r.empty() ||
        (i > 0 && !(delta.tombstones[i - 1].replica < r.replica ||
                    (delta.tombstones[i - 1].replica == r.replica &&
                     delta.tombstones[i - 1].end < r.begin)))) {
      return make_error(errc::malformed,
                        fmt::format("tombstone range {} is empty, out of order or touches the "
                                    "one before it",
                                    i));
    }
  }
  for (std::size_t i = 0; i < delta.ops.size(); ++i) {
    const doc_op& op = delta.ops[i];
    if (const auto* sh = std::get_if<shallow_delete_run>(&op.op)) {
      if (sh->length == 0 || sh->id.seq > max_seq || sh->length - 1 > max_seq - sh->id.seq) {
        return make_error(errc::malformed,
                          fmt::format("op {}: shallow delete of {} ops from {}", i, sh->length,
                                      describe(sh->id)));
      }
      if (op.container != 0) {
        return make_error(errc::malformed,
                          fmt::format("op {}: a shallow delete names a container", i));
      }
      continue;
    }
    if (op.container >= table.size()) {
      return make_error(errc::malformed,
                        fmt::format("op {}: container {} is outside the table", i, op.container));
    }
    const op_id first = op_start(op);
    // Counting a text run's characters costs a pass over it: only for ops
    // in a created container.
    if (table[op.container].how == container_desc::kind::created &&
        inside(op.container, first, op_size(op), op_id{first.replica, max_seq + 1})) {
      return make_error(errc::malformed,
                        fmt::format("op {}: edits a container that it creates itself", i));
    }
    if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (std::size_t k = 0; k < l->values.size(); ++k) {
        const auto* s = std::get_if<container_slot>(&l->values[k]);
        if (s != nullptr && s->index < table.size() &&
            inside(s->index, l->id, l->values.size(), op_id{l->id.replica, l->id.seq + k})) {
          return make_error(errc::malformed,
                            fmt::format("op {}: element {} holds a container that another "
                                        "element of the same run makes",
                                        i, k));
        }
      }
    }
    const container_type type = table[op.container].type;
    auto wrong_type = [&](const char* what) {
      return make_error(errc::malformed, fmt::format("op {}: {} on a {}", i, what,
                                                     container_type_name(type)));
    };
    if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
      if (type != container_type::text) return wrong_type("text insert");
      // validate_run's checks, without copying the run into a text_op_run.
      const auto counts = validate_utf8(ins->content);
      if (!counts) {
        return make_error(errc::invalid_utf8,
                          fmt::format("run {}: insert content is not valid UTF-8", i));
      }
      WEFT_TRY(validate_insert_ids(ins->id, counts->code_points, ins->origin_left,
                                   ins->origin_right, i));
    } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
      if (type != container_type::text && type != container_type::list) {
        return wrong_type("delete");
      }
      WEFT_TRY(validate_run(*del, i));
    } else if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
      if (type != container_type::list) return wrong_type("list insert");
      WEFT_TRY(validate_insert_ids(l->id, l->values.size(), l->origin_left, l->origin_right, i));
      for (const delta_value& v : l->values) WEFT_TRY(check_value(v, table.size(), i));
    } else if (const auto* w = std::get_if<map_write>(&op.op)) {
      if (type != container_type::map && type != container_type::reg) {
        return wrong_type("map write");
      }
      if (w->id.seq > max_seq) {
        return make_error(errc::malformed, fmt::format("op {}: id overflows", i));
      }
      if (w->lamport >= std::numeric_limits<std::uint64_t>::max() - 1) {
        return make_error(errc::malformed, fmt::format("op {}: Lamport time overflows", i));
      }
      if (type == container_type::reg && !w->key.empty()) {
        return make_error(errc::malformed, fmt::format("op {}: a register write has a key", i));
      }
      if (!validate_utf8(w->key)) {
        return make_error(errc::invalid_utf8, fmt::format("op {}: key is not valid UTF-8", i));
      }
      for (const op_id& p : w->preds) {
        if (p.seq > max_seq || (p.replica == w->id.replica && p.seq >= w->id.seq)) {
          return make_error(errc::malformed,
                            fmt::format("op {}: overwrites {}, which is not before it", i,
                                        describe(p)));
        }
      }
      if (w->value) {
        WEFT_TRY(check_value(*w->value, table.size(), i));
        if (type == container_type::reg &&
            std::holds_alternative<container_slot>(*w->value)) {
          return make_error(errc::malformed,
                            fmt::format("op {}: a register holds scalars only", i));
        }
      }
    } else if (const auto* a = std::get_if<counter_add>(&op.op)) {
      if (type != container_type::counter) return wrong_type("counter add");
      if (a->id.seq > max_seq) {
        return make_error(errc::malformed, fmt::format("op {}: id overflows", i));
      }
    }
  }
  return {};
}

doc_planner::resolved doc_planner::resolve(const table_ptr& table, std::uint32_t i,
                                           std::string* why) {
  const auto key = std::make_pair(static_cast<const void*>(table.get()), i);
  if (memo_last_.first == key.first && memo_last_.first != nullptr && memo_last_i_ == i) {
    return {verdict::planned, memo_last_.second};
  }
  if (auto it = memo_.find(key); it != memo_.end()) {
    memo_last_ = {key.first, it->second};
    memo_last_i_ = i;
    return {verdict::planned, it->second};
  }
  const container_desc& desc = (*table)[i];
  resolved out{verdict::planned, no_container};
  switch (desc.how) {
    case container_desc::kind::root: {
      auto k = std::make_pair(desc.name, desc.type);
      if (auto it = d_.roots_.find(k); it != d_.roots_.end()) {
        out.index = it->second;
      } else if (auto nt = new_roots_.find(k); nt != new_roots_.end()) {
        out.index = nt->second;
      } else {
        out.index = add({desc.type, desc.how, desc.name, {}, no_container, 0});
        new_roots_.emplace(std::move(k), out.index);
      }
      break;
    }
    case container_desc::kind::derived: {
      const resolved parent = resolve(table, desc.parent, why);
      if (parent.v != verdict::planned) return parent;
      if (type_of(parent.index) != container_type::map) {
        *why = fmt::format("container {} is derived from a non-map", i);
        return {verdict::invalid};
      }
      const std::uint32_t existing = d_.find_derived(parent.index, desc.name, desc.type);
      auto k = std::make_tuple(parent.index, desc.name, desc.type);
      if (existing != no_container) {
        out.index = existing;
      } else if (auto nt = new_derived_.find(k); nt != new_derived_.end()) {
        out.index = nt->second;
      } else {
        const std::uint32_t depth = depth_of(parent.index) + 1;
        if (depth > max_depth) {
          *why = fmt::format("container {} nests deeper than {}", i, max_depth);
          return {verdict::invalid};
        }
        out.index = add({desc.type, desc.how, desc.name, {}, parent.index, depth});
        new_derived_.emplace(std::move(k), out.index);
      }
      break;
    }
    case container_desc::kind::created: {
      std::uint32_t c = d_.find_created(desc.creator);
      if (c == no_container) {
        auto nt = new_created_.find(desc.creator);
        if (nt != new_created_.end()) c = nt->second;
      }
      if (c == no_container) {
        if (!arrived(desc.creator)) return {verdict::waiting};
        *why = fmt::format("container {} names creator {}, which made no container", i,
                           describe(desc.creator));
        return {verdict::invalid};
      }
      if (type_of(c) != desc.type) {
        *why = fmt::format("container {} is a {}, not a {}", i, container_type_name(type_of(c)),
                           container_type_name(desc.type));
        return {verdict::invalid};
      }
      out.index = c;
      break;
    }
  }
  memo_.emplace(key, out.index);
  return out;
}

doc_planner::resolved doc_planner::slot(const table_ptr& table, const delta_value& v, op_id id,
                                        std::uint32_t c, bool* creates, std::string* why) {
  *creates = false;
  const auto* s = std::get_if<container_slot>(&v);
  if (s == nullptr) return {verdict::planned, no_container};
  const container_desc& desc = (*table)[s->index];
  if (desc.how == container_desc::kind::created && desc.creator == id) {
    *creates = true;
    return {verdict::planned, no_container};
  }
  const resolved r = resolve(table, s->index, why);
  if (r.v != verdict::planned) return r;
  // A container only ever sits in the container that made it (or, derived,
  // is named after): the tree cannot grow a cycle.
  if (parent_of(r.index) != c) {
    *why = fmt::format("op {} places a container outside its parent", describe(id));
    return {verdict::invalid};
  }
  return r;
}

bool doc_planner::inserts(std::uint32_t c, replica_id r, seq_t begin, seq_t end) const {
  const seq_t real_next = d_.next_seq(r);
  if (begin < real_next) {
    const seq_t stop = std::min(end, real_next);
    if (c >= base() || !d_.containers_[c]->seq->has_inserts(r, begin, stop)) return false;
    begin = stop;
  }
  if (begin >= end) return true;
  const auto* ranges = sim_inserts(c, r);
  if (ranges == nullptr || ranges->empty()) return false;
  // Most origins are recent: the last range first.
  const auto& last = ranges->back();
  if (begin >= last.first) return begin < last.second && end <= last.second;
  return ranges_cover(*ranges, begin, end);
}

doc_planner::verdict doc_planner::offer(const doc_op& op, std::uint64_t n,
                                        const table_ptr& table, std::string* why) {
  const op_id start = op_start(op);
  if (std::holds_alternative<shallow_delete_run>(op.op)) {
    sim_next_[start.replica] = start.seq + n;
    planned_ops_ += n;
    plan_.push_back(planned_op{&op, shallow_container, no_slots, n});
    return verdict::planned;
  }
  const resolved where = resolve(table, op.container, why);
  if (where.v != verdict::planned) return where.v;
  const std::uint32_t c = where.index;

  planned_op p{&op, c, no_slots, n};
  std::vector<std::uint32_t> slots;
  std::vector<bool> creates;
  if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
    for (const auto& o : {ins->origin_left, ins->origin_right}) {
      if (o && !arrived(*o)) return verdict::waiting;
    }
    for (const auto& o : {ins->origin_left, ins->origin_right}) {
      if (o && !inserts(c, o->replica, o->seq, o->seq + 1)) {
        *why = fmt::format("insert {} has origin {}, which is not an element here",
                           describe(ins->id), describe(*o));
        return verdict::invalid;
      }
    }
    auto& g = growth(c);
    g.first += n;
    g.second += ins->content.size();
  } else if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
    for (const auto& o : {l->origin_left, l->origin_right}) {
      if (o && !arrived(*o)) return verdict::waiting;
    }
    const bool nested = std::any_of(l->values.begin(), l->values.end(), [](const auto& v) {
      return std::holds_alternative<container_slot>(v);
    });
    for (std::size_t k = 0; nested && k < l->values.size(); ++k) {
      bool made = false;
      const resolved r =
          slot(table, l->values[k], op_id{l->id.replica, l->id.seq + k}, c, &made, why);
      if (r.v != verdict::planned) return r.v;
      slots.push_back(r.index);
      creates.push_back(made);
    }
    for (const auto& o : {l->origin_left, l->origin_right}) {
      if (o && !inserts(c, o->replica, o->seq, o->seq + 1)) {
        *why = fmt::format("insert {} has origin {}, which is not an element here",
                           describe(l->id), describe(*o));
        return verdict::invalid;
      }
    }
    auto& g = growth(c);
    g.first += n;
    g.second += n;
  } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
    const seq_t top = del->backward ? del->target.seq : del->target.seq + del->length - 1;
    if (!arrived(op_id{del->target.replica, top})) return verdict::waiting;
    const seq_t lo = del->backward ? del->target.seq - (del->length - 1) : del->target.seq;
    if (!inserts(c, del->target.replica, lo, lo + del->length)) {
      *why = fmt::format("delete {} targets ops that are not elements here", describe(del->id));
      return verdict::invalid;
    }
    growth(c).first += n;
  } else if (const auto* w = std::get_if<map_write>(&op.op)) {
    for (const op_id& pred : w->preds) {
      if (!arrived(pred)) return verdict::waiting;
    }
    if (w->value && std::holds_alternative<container_slot>(*w->value)) {
      bool made = false;
      const resolved r = slot(table, *w->value, w->id, c, &made, why);
      if (r.v != verdict::planned) return r.v;
      slots.push_back(r.index);
      creates.push_back(made);
    }
  }

  // Sound: commit to it in the simulation.
  for (std::size_t k = 0; k < creates.size(); ++k) {
    if (!creates[k]) continue;
    const auto* s =
        std::get_if<container_slot>(std::holds_alternative<map_write>(op.op)
                                        ? &*std::get<map_write>(op.op).value
                                        : &std::get<list_insert_run>(op.op).values[k]);
    const container_desc& desc = (*table)[s->index];
    const std::uint32_t depth = depth_of(c) + 1;
    if (depth > max_depth) {
      *why = fmt::format("op {} nests containers deeper than {}", describe(start), max_depth);
      return verdict::invalid;
    }
    slots[k] = add({desc.type, desc.how, {}, desc.creator, c, depth});
    new_created_.emplace(desc.creator, slots[k]);
  }
  sim_next_[start.replica] = start.seq + n;
  if (std::holds_alternative<text_insert_run>(op.op) ||
      std::holds_alternative<list_insert_run>(op.op)) {
    auto& ranges = sim_inserts_[std::make_pair(c, start.replica)];
    if (!ranges.empty() && ranges.back().second == start.seq) {
      ranges.back().second = start.seq + n;  // covers the same ops
    } else {
      ranges.emplace_back(start.seq, start.seq + n);
    }
  }
  planned_ops_ += n;
  if (!slots.empty()) {
    p.slots = static_cast<std::uint32_t>(slots_.size());
    slots_.insert(slots_.end(), slots.begin(), slots.end());
  }
  plan_.push_back(p);
  return verdict::planned;
}

result<void> doc_planner::fits() const {
  for (const auto& [c, growth] : text_growth_) {
    if (c >= base()) {
      if (growth.first > max_lv_count || growth.second > max_content_bytes) {
        return make_error(errc::capacity_exceeded, "a text or list would exceed 2^32 ops");
      }
      continue;
    }
    const text_impl& t = *d_.containers_[c]->seq;
    if (!t.fits(growth.first, growth.second)) {
      return t.capacity_error(growth.first, growth.second);
    }
  }
  return {};
}

}  // namespace weft::internal
