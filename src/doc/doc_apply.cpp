// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_apply.cpp
// -----------------------------------------------------------------------------
//
// Integrating a remote doc_delta. Three phases, so that a bad delta changes
// nothing:
//
//  1. check: everything the delta says about itself (table entries, ids,
//     lengths, UTF-8, which op kinds fit which container types);
//  2. plan: walk the delta's ops and the pending buffer per replica in seq
//     order (a replica's ops are integrated in the order it made them),
//     simulating which ones can land, which wait for dependencies, and
//     whether every reference is sound; nothing is touched;
//  3. integrate the plan, which cannot fail.

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "doc/doc_impl.hpp"
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
  for (std::size_t i = 0; i < delta.ops.size(); ++i) {
    const doc_op& op = delta.ops[i];
    if (op.container >= table.size()) {
      return make_error(errc::malformed,
                        fmt::format("op {}: container {} is outside the table", i, op.container));
    }
    const op_id first = op_start(op);
    const std::uint64_t n = op_size(op);
    if (n > 0 && inside(op.container, first, n, op_id{first.replica, max_seq + 1})) {
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

// trim drops the first `k` ops of a run (ops the document already has).
doc_op trim(const doc_op& op, seq_t k) {
  if (k == 0) return op;
  doc_op out{op.container, {}};
  if (const auto* ins = std::get_if<text_insert_run>(&op.op)) {
    out.op = std::get<text_insert_run>(trim_front(*ins, k));
  } else if (const auto* del = std::get_if<text_delete_run>(&op.op)) {
    out.op = std::get<text_delete_run>(trim_front(*del, k));
  } else {
    const auto& l = std::get<list_insert_run>(op.op);
    list_insert_run t;
    t.id = op_id{l.id.replica, l.id.seq + k};
    t.origin_left = op_id{l.id.replica, l.id.seq + k - 1};
    t.origin_right = l.origin_right;
    t.values.assign(l.values.begin() + static_cast<std::ptrdiff_t>(k), l.values.end());
    out.op = std::move(t);
  }
  return out;
}

using table_ptr = std::shared_ptr<const std::vector<container_desc>>;

// stored converts a planned value: a scalar as it is, a container slot to
// the container `resolved` names.
cell stored(const delta_value& v, std::uint32_t resolved) {
  if (resolved != no_container) return cref{resolved};
  return std::visit(
      [](const auto& x) -> cell {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, container_slot>) {
          WEFT_ASSERT(false, "container slot left unresolved");
          return cell();
        } else {
          return cell(x);
        }
      },
      v);
}

}  // namespace

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
  absl::node_hash_map<replica_id, seq_t> sim_next_;
  mutable replica_id next_last_r_{};
  mutable const seq_t* next_last_ = nullptr;
  // Node-based, so that the remembered entry stays put as others are added.
  absl::node_hash_map<std::pair<std::uint32_t, replica_id>, std::vector<std::pair<seq_t, seq_t>>>
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
  const resolved where = resolve(table, op.container, why);
  if (where.v != verdict::planned) return where.v;
  const std::uint32_t c = where.index;

  planned_op p{&op, c, no_slots};
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

// ---------------------------------------------------------------------------

namespace {

// queued is an op in the per-replica queues of apply(): from this delta
// (fresh) or from the pending buffer (`src`, which apply may empty).
struct queued {
  seq_t seq;
  std::uint64_t n;  // op_size(get()), which counts code points: kept
  const doc_op* op;
  const table_ptr* table;
  pending_op* src;                 // null for fresh ops
  std::unique_ptr<doc_op> trimmed;  // set once the op has been cut shorter

  bool duplicate = false;           // its ops all wait in an earlier item
  const doc_op& get() const { return trimmed ? *trimmed : *op; }
  bool fresh() const { return src == nullptr; }
};

}  // namespace

result<void> doc_impl::apply(const doc_delta& delta, const weft::origin& o) {
  WEFT_TRY(check_delta(delta));
  const auto table = std::make_shared<const std::vector<container_desc>>(delta.containers);

  // One queue per replica, in seq order: pending ops first (already
  // sorted), then this delta's. A replica's ops usually arrive in order, so
  // the sort is a check; of two ops starting at one seq the longer stays.
  std::map<replica_id, std::vector<queued>> queues;
  for (auto& [replica, ops] : pending_) {
    auto& q = queues[replica];
    q.reserve(ops.size());
    for (auto& [seq, p] : ops) q.push_back(queued{seq, op_size(p.op), &p.op, &p.table, &p, nullptr});
  }
  for (const doc_op& op : delta.ops) {
    const op_id id = op_start(op);
    queues[id.replica].push_back(queued{id.seq, op_size(op), &op, &table, nullptr, nullptr});
  }
  for (auto& [replica, q] : queues) {
    auto by_seq = [](const queued& a, const queued& b) { return a.seq < b.seq; };
    if (!std::is_sorted(q.begin(), q.end(), by_seq)) std::stable_sort(q.begin(), q.end(), by_seq);
    std::size_t out = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (out > 0 && q[out - 1].seq == q[i].seq) {
        if (q[i].n > q[out - 1].n) q[out - 1] = std::move(q[i]);
        continue;
      }
      if (out != i) q[out] = std::move(q[i]);
      ++out;
    }
    q.resize(out);
  }

  doc_planner planner(*this);
  planner.reserve(delta.ops.size());
  std::string why;
  std::map<replica_id, std::size_t> head;  // first op of each queue not yet consumed
  for (bool progress = true; progress;) {
    progress = false;
    for (auto& [replica, q] : queues) {
      std::size_t& i = head[replica];
      for (; i < q.size(); ++i) {
        queued& item = q[i];
        const op_id start = op_start(item.get());
        const seq_t next = planner.next_of(replica);
        if (start.seq + item.n <= next) continue;  // every op of it is known
        if (start.seq > next) break;               // an earlier op of this replica is missing
        if (start.seq < next) {
          item.trimmed = std::make_unique<doc_op>(trim(item.get(), next - start.seq));
          item.n -= next - start.seq;
          item.seq = next;
        }
        const std::uint64_t n = item.n;
        why.clear();
        const auto v = planner.offer(item.get(), n, *item.table, &why);
        if (v == doc_planner::verdict::waiting) break;
        if (v == doc_planner::verdict::invalid) {
          if (item.fresh()) return make_error(errc::malformed, why);
          continue;  // an unsound op kept from an earlier delta: dropped
        }
        if (item.trimmed) planner.keep(std::move(item.trimmed));
        progress = true;
      }
    }
  }

  // What still waits: a run may overlap one kept from an earlier delta (the
  // same delta applied twice, a run resent longer), so each keeps only the
  // ops no earlier one holds, and the count is of distinct ops.
  std::uint64_t waiting = 0;
  for (auto& [replica, q] : queues) {
    seq_t covered = planner.next_of(replica);
    for (std::size_t i = head[replica]; i < q.size(); ++i) {
      queued& item = q[i];
      const seq_t start = op_start(item.get()).seq;
      const seq_t end = start + item.n;
      if (end <= covered) {
        item.duplicate = true;
        continue;
      }
      if (start < covered) {
        item.trimmed = std::make_unique<doc_op>(trim(item.get(), covered - start));
        item.n -= covered - start;
        item.seq = covered;
      }
      waiting += end - item.seq;
      covered = end;
    }
  }
  if (waiting > options_.max_pending_ops) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("{} ops would wait for dependencies; the limit is {}", waiting,
                                  options_.max_pending_ops));
  }
  if (planner.planned_ops() > options_.max_ops - std::min(op_count_, options_.max_ops)) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("document holds {} ops; {} more exceed its limit of {}",
                                  op_count_, planner.planned_ops(), options_.max_ops));
  }
  WEFT_TRY(planner.fits());

  // Phase 3: nothing below can fail.
  // The ops still waiting become the pending buffer. Planned ops may point
  // into the old one, so it lives until the end of this call.
  std::map<replica_id, std::map<seq_t, pending_op>> still;
  for (auto& [replica, q] : queues) {
    for (std::size_t i = head[replica]; i < q.size(); ++i) {
      queued& item = q[i];
      if (item.duplicate) continue;
      doc_op op = item.trimmed  ? std::move(*item.trimmed)
                  : item.src    ? std::move(item.src->op)
                                : *item.op;
      still[replica].emplace(item.seq, pending_op{*item.table, std::move(op)});
    }
  }
  const auto old_pending = std::move(pending_);
  pending_ = std::move(still);
  pending_count_ = waiting;

  begin(o);
  for (const auto& nc : planner.containers()) {
    new_container(nc.type, nc.how, nc.name, nc.creator, nc.parent);
  }
  std::vector<text_change> changes;
  for (const doc_planner::planned_op& p : planner.plan()) {
    const std::uint32_t c = p.container;
    container_state& st = *containers_[c];
    touch* t = touch_of(c);
    const op_id start = op_start(*p.op);
    const auto n = static_cast<std::uint32_t>(op_size(*p.op));
    std::uint32_t local = 0;
    changes.clear();
    if (const auto* ins = std::get_if<text_insert_run>(&p.op->op)) {
      st.seq->integrate_insert(*ins, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) note_text_change(t, ch);
    } else if (const auto* del = std::get_if<text_delete_run>(&p.op->op)) {
      if (st.nested > 0) {
        const seq_t lo = del->backward ? del->target.seq - (del->length - 1) : del->target.seq;
        scratch_.clear();
        st.seq->ids().lv_spans(del->target.replica, lo, lo + del->length, scratch_);
        unref_erased(c, scratch_);
      }
      st.seq->integrate_delete(*del, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) {
        if (st.type == container_type::text) {
          note_text_change(t, ch);
        } else {
          note_list_erase(t, ch.pos, ch.len);
        }
      }
    } else if (const auto* l = std::get_if<list_insert_run>(&p.op->op)) {
      text_insert_run run{l->id, l->origin_left, l->origin_right,
                          std::string(l->values.size(), list_placeholder)};
      const std::size_t first_value = st.values.size();
      for (std::size_t k = 0; k < l->values.size(); ++k) {
        const std::uint32_t slot = planner.value_container(p, k);
        st.values.push_back(stored(l->values[k], slot));
        if (slot != no_container) {
          ++st.nested;
          ++containers_[slot]->refs;
        }
      }
      st.seq->integrate_insert(run, t != nullptr ? &changes : nullptr);
      for (const text_change& ch : changes) note_list_insert(t, c, ch.pos, ch.len, first_value);
    } else if (const auto* w = std::get_if<map_write>(&p.op->op)) {
      lamport_ = std::max(lamport_, w->lamport);
      map_record rec;
      rec.id = w->id;
      rec.lamport = w->lamport;
      rec.key = st.map->intern(w->key);
      rec.has_value = w->value.has_value();
      if (w->value) rec.value = stored(*w->value, planner.value_container(p, 0));
      local = static_cast<std::uint32_t>(st.map->records.size());
      integrate_write(c, std::move(rec), w->preds, t);
    } else if (const auto* a = std::get_if<counter_add>(&p.op->op)) {
      local = static_cast<std::uint32_t>(st.adds.size());
      integrate_add(c, a->id, a->amount, t);
    }
    record(c, start.replica, start.seq, n, local);
  }
  commit();
  return {};
}

}  // namespace weft::internal
