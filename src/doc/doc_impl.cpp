// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_impl.cpp
// -----------------------------------------------------------------------------
//
// The document's containers, the plumbing local edits share, and
// transactions. Local edits are in doc_edits.cpp, remote deltas in
// doc_apply_plan.cpp (validation, planning) and doc_apply.cpp
// (integration), delta extraction in doc_delta.cpp, events in
// doc_events.cpp.

#include <algorithm>
#include <limits>
#include <new>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "doc/doc_impl.hpp"
#include "doc/event_builder.hpp"
#include "doc/undo_impl.hpp"
#include "fmt/format.h"
#include "weft/internal/utf8.hpp"

namespace weft::internal {

// ---------------------------------------------------------------------------
// map_state

std::uint32_t map_state::intern(std::string_view key) {
  auto it = key_index.find(key);
  if (it != key_index.end()) return it->second;
  // All or nothing: a local edit interns its key before its change begins.
  const auto k = static_cast<std::uint32_t>(key_names.size());
  key_names.emplace_back(key);
  try {
    live.emplace_back();
    key_index.emplace(key_names.back(), k);
  } catch (...) {
    live.resize(k);
    key_names.pop_back();
    throw;
  }
  return k;
}

std::optional<std::uint32_t> map_state::find(std::string_view key) const {
  auto it = key_index.find(key);
  if (it == key_index.end()) return std::nullopt;
  return it->second;
}

const map_record* map_state::winner(std::uint32_t key) const {
  if (key >= live.size() || live[key].empty()) return nullptr;
  return &records[live[key].front()];
}

bool map_state::wins(std::uint32_t a, std::uint32_t b) const {
  const map_record& x = records[a];
  const map_record& y = records[b];
  if (x.lamport != y.lamport) return x.lamport > y.lamport;
  if (x.id.replica != y.id.replica) return x.id.replica > y.id.replica;
  // One replica never writes twice at one Lamport time, but a peer may
  // claim it did: the later op wins, so the order stays total.
  return x.id.seq > y.id.seq;
}

// ---------------------------------------------------------------------------
// Construction

namespace {

std::string random_doc_id() {
  return fmt::format("{:016x}{:016x}", static_cast<std::uint64_t>(random_replica_id()),
                     static_cast<std::uint64_t>(random_replica_id()));
}

bool is_scalar(const value& v) { return v.kind() != value_kind::container; }

}  // namespace

doc_impl::doc_impl(replica_id replica, doc_options options)
    : replica_(replica),
      options_(std::move(options)),
      observers_(std::make_shared<observer_registry>()) {
  if (options_.id.empty()) options_.id = random_doc_id();
  observers_->mirror_count(&observer_count_);
}

doc_impl::doc_impl(const doc_impl& other, replica_id replica)
    : replica_(replica),
      options_(other.options_),
      roots_(other.roots_),
      created_(other.created_),
      derived_(other.derived_),
      version_(other.version()),
      own_next_(other.next_seq(replica)),
      lamport_(other.lamport_),
      op_count_(other.op_count_),
      log_(other.log_),
      log_by_replica_(other.log_by_replica_),
      pending_(other.pending_),
      pending_count_(other.pending_count_),
      tombstones_(other.tombstones_),
      damaged_(other.damaged_),
      observers_(std::make_shared<observer_registry>()) {
  WEFT_ASSERT(!other.in_transaction(), "fork inside a transaction");
  observers_->mirror_count(&observer_count_);
  containers_.reserve(other.containers_.size());
  for (const auto& c : other.containers_) {
    auto copy = std::make_unique<container_state>();
    copy->type = c->type;
    copy->how = c->how;
    copy->name = c->name;
    copy->creator = c->creator;
    copy->parent = c->parent;
    copy->depth = c->depth;
    copy->refs = c->refs;
    copy->nested = c->nested;
    copy->has_ops = c->has_ops;
    if (c->seq) copy->seq = std::make_unique<text_impl>(*c->seq, replica);
    copy->values = c->values;
    if (c->map) copy->map = std::make_unique<map_state>(*c->map);
    copy->counter = c->counter;
    copy->adds = c->adds;
    containers_.push_back(std::move(copy));
  }
}

doc_impl::~doc_impl() {
  observers_->mirror_count(nullptr);
  for (undo_impl* u : undo_managers_) u->doc_gone();
}

void doc_impl::detach(undo_impl* u) { std::erase(undo_managers_, u); }

// ---------------------------------------------------------------------------
// Containers

std::uint32_t doc_impl::new_container(container_type type, container_desc::kind how,
                                      std::string name, op_id creator,
                                      std::uint32_t parent) {
  const auto index = static_cast<std::uint32_t>(containers_.size());
  auto c = std::make_unique<container_state>();
  c->type = type;
  c->how = how;
  c->name = std::move(name);
  c->creator = creator;
  c->parent = parent;
  c->depth = parent == no_container ? 0 : containers_[parent]->depth + 1;
  if (type == container_type::text || type == container_type::list) {
    c->seq = std::make_unique<text_impl>(replica_, text_options{});
  } else if (type == container_type::map || type == container_type::reg) {
    c->map = std::make_unique<map_state>();
    if (type == container_type::reg) (void)c->map->intern("");
  }
  switch (how) {
    case container_desc::kind::root:
      roots_.emplace(std::make_pair(c->name, type), index);
      break;
    case container_desc::kind::created:
      created_.emplace(creator, index);
      break;
    case container_desc::kind::derived:
      derived_.emplace(std::make_tuple(parent, c->name, type), index);
      break;
  }
  containers_.push_back(std::move(c));
  return index;
}

std::uint32_t doc_impl::root(std::string_view name, container_type type) {
  auto it = roots_.find(std::make_pair(std::string(name), type));
  if (it != roots_.end()) return it->second;
  return new_container(type, container_desc::kind::root, std::string(name), {},
                       no_container);
}

std::uint32_t doc_impl::find_derived(std::uint32_t parent, std::string_view key,
                                     container_type type) const {
  auto it = derived_.find(std::make_tuple(parent, std::string(key), type));
  return it == derived_.end() ? no_container : it->second;
}

std::uint32_t doc_impl::find_created(op_id creator) const {
  auto it = created_.find(creator);
  return it == created_.end() ? no_container : it->second;
}

value doc_impl::to_value(const cell& v) {
  return std::visit(
      [&](const auto& x) -> value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return value();
        } else if constexpr (std::is_same_v<T, cref>) {
          return value(handle(x.index));
        } else {
          return value(x);
        }
      },
      v);
}

cell doc_impl::to_cell(const value& v) const {
  return std::visit(
      [&](const auto& x) -> cell {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, container>) {
          return cref{x.index()};
        } else {
          return cell(x);
        }
      },
      v.get());
}

lv_t doc_impl::lv_of(std::uint32_t c, op_id id) const {
  const text_impl* t = containers_[c]->seq.get();
  if (t == nullptr) return no_lv;
  const lv_t lv = t->ids().to_lv(id);
  if (lv == no_lv || t->log().find_insert(lv) == nullptr) return no_lv;
  return lv;
}

std::optional<std::vector<path_segment>> doc_impl::path(std::uint32_t c) const {
  if (!attached(c)) return std::nullopt;
  std::vector<path_segment> out;
  while (true) {
    const container_state& st = *containers_[c];
    if (st.how == container_desc::kind::root) {
      out.emplace_back(st.name);
      break;
    }
    const container_state& parent = *containers_[st.parent];
    if (parent.type == container_type::list) {
      // Attached while some visible element of the list holds it.
      bool found = false;
      const text_impl& t = *parent.seq;
      std::size_t index = 0;
      t.seq().for_each([&](const seq_item& it) {
        if (it.deleted()) return true;
        const std::size_t off = t.content_offset(it.lv);
        for (std::uint32_t k = 0; k < it.len(); ++k, ++index) {
          const cell& v = parent.values[off + k];
          if (const cref* r = std::get_if<cref>(&v); r != nullptr && r->index == c) {
            found = true;
            return false;
          }
        }
        return true;
      });
      if (!found) return std::nullopt;
      out.emplace_back(index);
    } else if (parent.type == container_type::map) {
      bool found = false;
      for (std::uint32_t k = 0; k < parent.map->live.size() && !found; ++k) {
        const map_record* w = parent.map->winner(k);
        if (w == nullptr) continue;
        if (const cref* r = std::get_if<cref>(&w->value); r != nullptr && r->index == c) {
          out.emplace_back(parent.map->key_names[k]);
          found = true;
        }
      }
      if (!found) return std::nullopt;
    } else {
      return std::nullopt;
    }
    c = st.parent;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// Local op plumbing

result<seq_t> doc_impl::reserve(std::uint64_t n) {
  if (damaged_) return damaged_error();
  const seq_t next = own_next_;
  if (next > max_seq || n - 1 > max_seq - next) {
    return make_error(errc::seq_exhausted,
                      fmt::format("replica {:016x} has no sequence numbers left",
                                  static_cast<std::uint64_t>(replica_)));
  }
  if (n > options_.max_ops - std::min(op_count_, options_.max_ops)) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("document holds {} ops; {} more exceed its limit of {}",
                                  op_count_, n, options_.max_ops));
  }
  return next;
}

void doc_impl::record(std::uint32_t c, replica_id replica, seq_t seq, std::uint32_t n,
                      std::uint32_t local) {
  const bool shallow = c == shallow_container;
  if (!shallow) containers_[c]->has_ops = true;
  op_count_ += n;
  if (replica == replica_) {
    own_next_ = seq + n;  // version() writes it back when asked
  } else {
    version_.advance(replica, seq + n);
  }
  if (!log_.empty()) {
    log_entry& last = log_.back();
    // Texts and lists find their ops by id; the rest by record index.
    const bool by_id = shallow || containers_[c]->seq != nullptr;
    if (last.replica == replica && last.container == c &&
        last.seq + last.count == seq && (by_id || last.local + last.count == local) &&
        last.count <= std::numeric_limits<std::uint32_t>::max() - n) {
      last.count += n;
      return;
    }
  }
  log_by_replica_[replica].push_back(static_cast<std::uint32_t>(log_.size()));
  log_.push_back(log_entry{replica, seq, n, c, local});
}

result<void> doc_impl::check_seq(std::uint32_t c, container_type want) const {
  if (containers_[c]->type != want) {
    return make_error(errc::invalid_argument,
                      fmt::format("container is a {}, not a {}",
                                  container_type_name(containers_[c]->type),
                                  container_type_name(want)));
  }
  return {};
}

result<void> doc_impl::check_cell(const value& v) const {
  if (!is_scalar(v)) {
    return make_error(errc::invalid_argument,
                      "a container cannot be written as a value; use the set_*/insert_* "
                      "functions that make a new one");
  }
  if (v.kind() == value_kind::string && !validate_utf8(v.as_string())) {
    return make_error(errc::invalid_utf8, "string value is not valid UTF-8");
  }
  return {};
}

bool doc_impl::observed(std::uint32_t c) const {
  if (observer_count_ == 0) return false;
  if (observers_->watches(c)) return true;
  if (!observers_->has_deep()) return false;
  for (std::uint32_t x = c; x != no_container; x = containers_[x]->parent) {
    // Attachment is not checked here: a container detached now may be
    // attached again before the transaction ends; dispatch decides.
    if (observers_->deep_watches(x)) return true;
  }
  return false;
}

touch* doc_impl::touch_of(std::uint32_t c) {
  if (!observed(c)) return nullptr;
  auto [it, fresh] = txn_.touch_index.try_emplace(
      c, static_cast<std::uint32_t>(txn_.touches.size()));
  if (!fresh) return &txn_.touches[it->second];
  touch t;
  t.container = c;
  const container_type type = containers_[c]->type;
  if (type == container_type::text) t.text = std::make_unique<text_event_builder>();
  if (type == container_type::list) t.list = std::make_unique<list_event_builder>();
  txn_.touches.push_back(std::move(t));
  return &txn_.touches.back();
}

void doc_impl::note_key(touch* t, std::uint32_t c, std::uint32_t key) {
  if (t == nullptr) return;
  for (const auto& [k, old] : t->keys) {
    if (k == key) return;
  }
  const map_record* w = containers_[c]->map->winner(key);
  t->keys.emplace_back(key, w ? std::optional<cell>(w->value) : std::nullopt);
}

void doc_impl::note_text_change(touch* t, const text_change& ch) {
  if (t == nullptr) return;
  if (ch.type == text_change::kind::insert) {
    t->text->insert(ch.pos, ch.pos_utf16, ch.len, ch.len_utf16, ch.text);
  } else {
    t->text->erase(ch.pos, ch.pos_utf16, ch.len, ch.len_utf16);
  }
}

void doc_impl::note_list_insert(touch* t, std::uint32_t c, std::size_t pos, std::size_t len,
                                std::size_t first_value) {
  if (t == nullptr) return;
  std::vector<value> vs;
  vs.reserve(len);
  for (std::size_t k = 0; k < len; ++k) {
    vs.push_back(to_value(containers_[c]->values[first_value + k]));
  }
  t->list->insert(pos, pos, len, len, std::move(vs));
}

void doc_impl::note_list_erase(touch* t, std::size_t pos, std::size_t len) {
  if (t != nullptr) t->list->erase(pos, pos, len, len);
}

void doc_impl::note_undo_insert(std::uint32_t c, op_id first, std::uint32_t n) {
  if (undo_managers_.empty()) return;
  undo_record r;
  r.what = undo_record::kind::seq_insert;
  r.container = c;
  r.first = first;
  r.count = n;
  txn_.undo.push_back(std::move(r));
}

// ---------------------------------------------------------------------------
// Integration shared by local and remote writes

void doc_impl::live_ids(std::uint32_t c, std::uint32_t key, std::vector<op_id>& out) const {
  out.clear();
  const map_state& m = *containers_[c]->map;
  for (const std::uint32_t r : m.live[key]) out.push_back(m.records[r].id);
}

void doc_impl::integrate_write(std::uint32_t c, map_record rec,
                               const std::vector<op_id>& preds, touch* t) {
  map_state& m = *containers_[c]->map;
  note_key(t, c, rec.key);
  rec.preds_off = static_cast<std::uint32_t>(m.preds.size());
  rec.preds_len = static_cast<std::uint32_t>(preds.size());
  m.preds.insert(m.preds.end(), preds.begin(), preds.end());
  const auto index = static_cast<std::uint32_t>(m.records.size());
  const std::uint32_t key = rec.key;
  const bool has_value = rec.has_value;
  m.records.push_back(std::move(rec));
  auto& live = m.live[key];
  const bool had = !live.empty();
  const std::uint32_t old_winner = had ? live.front() : no_container;
  if (!preds.empty()) {
    std::erase_if(live, [&](std::uint32_t r) {
      return std::find(preds.begin(), preds.end(), m.records[r].id) != preds.end();
    });
  }
  if (has_value) {
    auto at = live.begin();
    while (at != live.end() && !m.wins(index, *at)) ++at;
    live.insert(at, index);
  }
  if (had && live.empty()) --m.size;
  if (!had && !live.empty()) ++m.size;
  const std::uint32_t new_winner = live.empty() ? no_container : live.front();
  if (old_winner != new_winner) {
    if (old_winner != no_container) ref_cell(m.records[old_winner].value, -1);
    if (new_winner != no_container) ref_cell(m.records[new_winner].value, +1);
  }
}

void doc_impl::ref_cell(const cell& v, int delta) {
  if (const cref* r = std::get_if<cref>(&v)) {
    containers_[r->index]->refs += static_cast<std::uint32_t>(delta);
  }
}

bool doc_impl::attached(std::uint32_t c) const {
  for (; c != no_container; c = containers_[c]->parent) {
    const container_state& st = *containers_[c];
    if (st.how != container_desc::kind::root && st.refs == 0) return false;
  }
  return true;
}

void doc_impl::unref_erased(std::uint32_t c, const std::vector<lv_span>& lvs) {
  const container_state& st = *containers_[c];
  if (st.nested == 0) return;
  const text_impl& t = *st.seq;
  for (const lv_span& s : lvs) {
    for (lv_t lv = s.begin; lv < s.end; ++lv) {
      const cell& v = st.values[t.content_offset(lv)];
      if (!std::holds_alternative<cref>(v)) continue;
      bool visible = false;
      (void)t.seq().rank(lv, &visible);
      if (visible) ref_cell(v, -1);
    }
  }
}

void doc_impl::integrate_add(std::uint32_t c, op_id id, std::int64_t amount, touch* t) {
  container_state& st = *containers_[c];
  st.counter = static_cast<std::int64_t>(static_cast<std::uint64_t>(st.counter) +
                                         static_cast<std::uint64_t>(amount));
  st.adds.push_back(counter_record{id, amount});
  if (t != nullptr) t->increment += static_cast<std::uint64_t>(amount);
}

// ---------------------------------------------------------------------------
// Transactions

void doc_impl::begin(const weft::origin& o) {
  if (txn_.depth++ > 0) return;
  txn_.origin = o;
  txn_.log_begin = log_.size();
  txn_.log_last_count = log_.empty() ? 0 : log_.back().count;
  if (undo_managers_.empty()) return;
  // A manager's callbacks may destroy managers (itself included): each is
  // told only while it is still attached.
  // Inline for the usual one or two: every local edit comes through here.
  try {
    const absl::InlinedVector<undo_impl*, 4> managers(undo_managers_.begin(),
                                                      undo_managers_.end());
    for (undo_impl* u : managers) {
      if (std::find(undo_managers_.begin(), undo_managers_.end(), u) != undo_managers_.end()) {
        u->on_begin(txn_.origin);
      }
    }
  } catch (...) {
    // A manager's clock threw (or no memory for the copy): the transaction
    // never began, and nothing was written.
    txn_ = txn_state{};
    throw;
  }
}

void doc_impl::commit() {
  WEFT_ASSERT(txn_.depth > 0, "commit without a transaction");
  if (--txn_.depth > 0) return;
  if (damaged_) {
    // What the transaction recorded may be half made: nobody is told.
    txn_ = txn_state{};
    return;
  }
  if (observer_count_ == 0 && undo_managers_.empty()) {
    // Nobody to tell (the common case of a replay or a headless replica):
    // the transaction recorded no touches and no undo records.
    return;
  }
  txn_state done = std::move(txn_);
  txn_ = txn_state{};
  try {
    for (undo_impl* u : undo_managers_) u->on_commit(done.origin, done.undo);
    dispatch(done);
  } catch (const std::bad_alloc&) {
    // Some observers or undo managers missed a change the document holds.
    // (Any other exception comes from an observer and leaves it as it is.)
    damaged_ = true;
    throw;
  }
}

void doc_impl::abandon() noexcept {
  if (--txn_.depth > 0) return;
  txn_ = txn_state{};
}

weft::error doc_impl::damaged_error() {
  return make_error(errc::corrupted,
                    "the document ran out of memory part way through a change, so it may be "
                    "half changed; it refuses further changes (load it again)");
}

void doc_impl::damage(bool began) noexcept {
  damaged_ = true;
  if (began) abandon();
}

// ---------------------------------------------------------------------------
// Accounting

std::size_t doc_impl::memory_usage() const noexcept {
  std::size_t total = sizeof(*this) + log_.capacity() * sizeof(log_entry) +
                      containers_.capacity() * sizeof(void*) +
                      tombstones_.capacity() * sizeof(id_range);
  for (const auto& [r, v] : log_by_replica_) total += v.capacity() * 4 + 32;
  for (const auto& c : containers_) {
    total += sizeof(container_state) + c->name.capacity();
    if (c->seq) total += c->seq->memory_usage();
    total += c->values.capacity() * sizeof(cell);
    total += c->adds.capacity() * sizeof(counter_record);
    if (c->map) {
      const map_state& m = *c->map;
      total += sizeof(map_state) + m.records.capacity() * sizeof(map_record) +
               m.preds.capacity() * sizeof(op_id) +
               m.live.capacity() * sizeof(std::vector<std::uint32_t>) +
               m.key_names.capacity() * sizeof(std::string) +
               m.key_index.bucket_count() * sizeof(void*) +
               m.key_index.size() * (sizeof(std::string) + 24);
      for (const auto& l : m.live) total += l.capacity() * 4;
      for (const auto& k : m.key_names) {
        if (k.capacity() > 15) total += 2 * k.capacity();
      }
      for (const map_record& r : m.records) {
        if (const auto* s = std::get_if<std::string>(&r.value); s && s->capacity() > 15) {
          total += s->capacity();
        } else if (const auto* b = std::get_if<bytes>(&r.value)) {
          total += b->capacity();
        }
      }
    }
  }
  for (const auto& [r, ops] : pending_) total += ops.size() * (sizeof(pending_op) + 64);
  return total;
}

}  // namespace weft::internal
