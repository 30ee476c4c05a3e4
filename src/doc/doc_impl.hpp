// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_impl.hpp
// -----------------------------------------------------------------------------
//
// doc_impl is the state behind weft::doc: the containers, the document's op
// log (which replica's ops went to which container, in integration order),
// the pending buffer of remote ops waiting for dependencies, the open
// transaction and the observers.
//
// Containers are numbered by the order this replica created them, so a
// container's parent always has a lower number. Text and list containers
// are text_impl instances that take op ids from the document; a list stores
// one placeholder byte per element in its text and the element values in a
// parallel vector, indexed by the placeholder's content offset, so lists
// use the very same sequence engine as text.

#ifndef WEFT_SRC_DOC_DOC_IMPL_HPP_
#define WEFT_SRC_DOC_DOC_IMPL_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "doc/observer_registry.hpp"
#include "doc/tombstones.hpp"
#include "internal/hash_table.hpp"
#include "text_impl.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/event.hpp"
#include "weft/origin.hpp"
#include "weft/undo_manager.hpp"
#include "weft/value.hpp"

namespace weft::internal {

inline constexpr std::uint32_t no_container = 0xFFFFFFFFu;

// max_depth bounds nesting, so that recursive walks (to_json, paths) stay
// shallow whatever a peer sends.
inline constexpr std::uint32_t max_depth = 100;

// cref names a container of the same document inside a stored value.
struct cref {
  std::uint32_t index = 0;
  friend bool operator==(const cref&, const cref&) = default;
};

// cell is a value as containers store it.
using cell = std::variant<std::monostate, bool, std::int64_t, double, std::string, bytes,
                          cref>;

// shallow_container is the container of the log entries of shallow
// deletes, which belong to none.
inline constexpr std::uint32_t shallow_container = no_container - 1;

// list_placeholder is the byte a list's text holds for each element.
inline constexpr char list_placeholder = '\x01';

// map_record is one write to a map or register, in integration order.
struct map_record {
  op_id id;
  std::uint64_t lamport = 0;
  std::uint32_t key = 0;       // into map_state::key_names
  std::uint32_t preds_off = 0;  // into map_state::preds
  std::uint32_t preds_len = 0;
  bool has_value = false;  // false: an erase
  cell value;
};

// map_state backs maps and registers (a register is a map with the one
// key ""). live[k] lists the records key k shows: those no later write has
// overwritten, the winner (highest (lamport, replica)) first.
struct map_state {
  std::vector<std::string> key_names;
  hash_map<std::string, std::uint32_t> key_index;
  std::vector<std::vector<std::uint32_t>> live;
  std::vector<map_record> records;
  std::vector<op_id> preds;
  std::size_t size = 0;  // keys with at least one live record

  std::uint32_t intern(std::string_view key);
  std::optional<std::uint32_t> find(std::string_view key) const;
  // winner returns the winning record of `key`, or nullptr.
  const map_record* winner(std::uint32_t key) const;
  // wins reports whether record `a` beats record `b`.
  bool wins(std::uint32_t a, std::uint32_t b) const;
};

struct counter_record {
  op_id id;
  std::int64_t amount = 0;
};

struct container_state {
  container_type type = container_type::map;
  container_desc::kind how = container_desc::kind::root;
  std::string name;     // root: name; derived: key
  op_id creator;        // created: the op that made it
  std::uint32_t parent = no_container;  // derived: parent; created: holder
  std::uint32_t depth = 0;             // roots 0, their children 1, ...
  // refs counts the places that show this container now: map keys whose
  // winner it is, visible list elements holding it. Zero: detached.
  std::uint32_t refs = 0;
  // nested counts list elements ever inserted that hold a container, so
  // that lists of scalars skip looking for them on erase.
  std::uint32_t nested = 0;
  bool has_ops = false;
  std::unique_ptr<text_impl> seq;  // text and list
  std::vector<cell> values;        // list elements by content offset
  std::unique_ptr<map_state> map;  // map and register
  std::int64_t counter = 0;
  std::vector<counter_record> adds;
};

// log_entry is a run of consecutive ops of one replica on one container.
// `local` is the index of the first op in the container's own record vector
// (maps, registers, counters); unused for texts and lists.
struct log_entry {
  replica_id replica{};
  seq_t seq = 0;
  std::uint32_t count = 0;
  std::uint32_t container = 0;
  std::uint32_t local = 0;
};

// undo_record is what a local op did, as undo managers need it.
struct undo_record {
  enum class kind : std::uint8_t { seq_insert, seq_delete, map_write, counter_add };
  kind what = kind::seq_insert;
  std::uint32_t container = 0;
  op_id first;            // seq_insert: first new element; map_write: the write
  std::uint32_t count = 0;  // seq_insert: elements
  std::vector<op_id> deleted;  // seq_delete: ids of the erased elements, in order
  std::uint32_t key = 0;         // map_write
  std::optional<cell> previous;  // map_write: the winner before (nullopt: none)
  op_id previous_id;             // map_write: the write that held `previous`
  bool wrote_value = false;      // map_write: a set (true) or an erase
  std::int64_t amount = 0;       // counter_add
};

class undo_impl;
class text_event_builder;
struct enc_delta;
class list_event_builder;

// touch accumulates what one transaction did to one observed container.
struct touch {
  std::uint32_t container = 0;
  std::unique_ptr<text_event_builder> text;
  std::unique_ptr<list_event_builder> list;
  std::vector<std::pair<std::uint32_t, std::optional<cell>>> keys;  // old winners
  std::uint64_t increment = 0;
};

struct txn_state {
  int depth = 0;
  weft::origin origin;
  std::size_t log_begin = 0;
  std::uint32_t log_last_count = 0;  // ops in the entry before log_begin then
  std::vector<touch> touches;
  hash_map<std::uint32_t, std::uint32_t> touch_index;
  std::vector<undo_record> undo;
};

// pending_op is a remote op run waiting for dependencies, with the
// container table of the delta it came in.
struct pending_op {
  std::shared_ptr<const std::vector<container_desc>> table;
  doc_op op;
};

class doc_impl {
 public:
  doc_impl(replica_id replica, doc_options options);
  doc_impl(const doc_impl& other, replica_id replica);
  ~doc_impl();
  doc_impl(const doc_impl&) = delete;
  doc_impl& operator=(const doc_impl&) = delete;

  replica_id replica() const noexcept { return replica_; }
  const std::string& id() const noexcept { return options_.id; }

  // Containers.
  std::uint32_t root(std::string_view name, container_type type);
  const container_state& at(std::uint32_t c) const { return *containers_[c]; }
  std::size_t container_count() const noexcept { return containers_.size(); }
  container handle(std::uint32_t c) { return container(this, c); }
  value to_value(const cell& v);
  std::optional<std::vector<path_segment>> path(std::uint32_t c) const;

  // Reading.
  std::string to_json() const;
  std::string to_json(std::uint32_t c) const;

  // Local edits. Each checks its arguments, then runs in the open
  // transaction or one of its own.
  result<void> text_insert(std::uint32_t c, std::size_t pos, std::string_view utf8);
  result<void> seq_erase(std::uint32_t c, std::size_t pos, std::size_t len);
  result<void> list_insert(std::uint32_t c, std::size_t pos, const std::vector<value>& vs);
  result<std::uint32_t> list_insert_container(std::uint32_t c, std::size_t pos,
                                              container_type type);
  result<void> map_set(std::uint32_t c, std::string_view key, const value& v);
  result<void> map_erase(std::uint32_t c, std::string_view key);
  result<std::uint32_t> map_set_container(std::uint32_t c, std::string_view key,
                                          container_type type);
  result<std::uint32_t> map_get_or_create(std::uint32_t c, std::string_view key,
                                          container_type type);
  result<void> counter_increment(std::uint32_t c, std::int64_t amount, bool wrap);

  // Undo support: writes that restore earlier state.
  result<void> map_write_cell(std::uint32_t c, std::uint32_t key, std::optional<cell> v);
  result<void> seq_insert_cells(std::uint32_t c, std::size_t pos, const std::string& utf8,
                                const std::vector<cell>& cells, op_id* first);

  // Transactions.
  void begin(const weft::origin& o);
  void commit();
  // abandon ends a transaction whose edit threw, without raising events.
  void abandon() noexcept;
  bool in_transaction() const noexcept { return txn_.depth > 0; }
  // damaged: a change was cut short by an exception (out of memory) after
  // its first write, so the state may be half made. Every later change is
  // refused (damaged_error); the application loads the document again.
  bool damaged() const noexcept { return damaged_; }
  static weft::error damaged_error();
  // damage marks the document damaged and ends the transaction the cut
  // change had begun, if it had (`began`), without raising events.
  void damage(bool began) noexcept;

  // Replication.
  // version is the document's version vector. This replica's own entry is
  // kept in own_next_ while it edits and written back when read.
  const version_vector& version() const {
    if (version_.get(replica_) != own_next_) version_.set_count(replica_, own_next_);
    return version_;
  }
  // next_seq returns version().get(r) without writing anything back.
  seq_t next_seq(replica_id r) const { return r == replica_ ? own_next_ : version_.get(r); }
  doc_delta delta_since(const version_vector& since) const;
  result<void> apply(const doc_delta& delta, const weft::origin& o);
  // snapshot_ops sets `ops` to every integrated op in canonical form (by
  // replica and seq, runs merged as far as they go, the container table in
  // order of first use), so that equal states give equal deltas, and
  // `pending` to the ops still waiting, likewise. With `state_only`, deleted
  // list elements and overwritten map writes lose their scalar values (the
  // snapshot's text travels apart, as live_text).
  void snapshot_ops(bool state_only, doc_delta& ops, doc_delta& pending) const;
  // snapshot_runs sets `out` to the runs of snapshot_ops' `ops`, and
  // `table` to its container table, without copying any content: `out`
  // views this document's storage (and `table`) until either changes. The
  // encoding of `out` is the encoding of snapshot_ops' `ops`, byte for byte.
  // With `state_only` its text runs hold no characters (see live_text).
  void snapshot_runs(bool state_only, std::vector<container_desc>& table, enc_delta& out) const;
  // snapshot_pending sets `pending` to snapshot_ops' `pending` alone.
  void snapshot_pending(doc_delta& pending) const;
  // live_text is the visible text of the text containers of `table`, row
  // by row, each in document order: a state-only snapshot's characters.
  std::string live_text(const std::vector<container_desc>& table) const;
  // fill_live_text gives the text containers of `table` the characters of
  // `live` (valid UTF-8 of `code_points` code points, as live_text wrote
  // it) in place of the placeholders their runs came with; malformed if
  // the counts disagree.
  result<void> fill_live_text(const std::vector<container_desc>& table, std::string_view live,
                              std::uint64_t code_points);
  std::uint64_t pending_ops() const noexcept { return pending_count_; }
  std::uint64_t op_count() const noexcept { return op_count_; }

  // Observers and undo managers.
  observer_registry& observers() { return *observers_; }
  const std::shared_ptr<observer_registry>& observers_ptr() const { return observers_; }
  void attach(undo_impl* u) { undo_managers_.push_back(u); }
  void detach(undo_impl* u);

  std::size_t memory_usage() const noexcept;
  result<void> check(bool deep) const;

  // lv_of maps an op id to its element in text or list `c` (no_lv if none).
  lv_t lv_of(std::uint32_t c, op_id id) const;

 private:
  friend class doc_planner;
  friend class undo_impl;

  // new_container registers a container; its parent must exist.
  std::uint32_t new_container(container_type type, container_desc::kind how,
                              std::string name, op_id creator, std::uint32_t parent);
  std::uint32_t find_derived(std::uint32_t parent, std::string_view key,
                             container_type type) const;
  std::uint32_t find_created(op_id creator) const;
  // table_containers resolves the rows of a container table to this
  // document's containers (no_container for a row it has not).
  std::vector<std::uint32_t> table_containers(const std::vector<container_desc>& table) const;

  // Local op plumbing.
  result<seq_t> reserve(std::uint64_t n);  // checks seq space and max_ops
  // reserve_write is reserve(1) for a map or register write, which also
  // needs a Lamport time.
  result<seq_t> reserve_write();
  // record adds ops [seq, seq + n) of `replica` on container `c` to the
  // version and the op log; `local` as in log_entry.
  void record(std::uint32_t c, replica_id replica, seq_t seq, std::uint32_t n,
              std::uint32_t local);
  bool observed(std::uint32_t c) const;
  touch* touch_of(std::uint32_t c);  // nullptr when nobody observes `c`
  void note_key(touch* t, std::uint32_t c, std::uint32_t key);
  result<void> check_seq(std::uint32_t c, container_type want) const;
  result<void> check_cell(const value& v) const;
  cell to_cell(const value& v) const;

  // Integration shared by local and remote ops.
  void integrate_write(std::uint32_t c, map_record rec, const std::vector<op_id>& preds,
                       touch* t);
  // live_ids sets `out` to the ids of the writes key `key` of `c` shows.
  void live_ids(std::uint32_t c, std::uint32_t key, std::vector<op_id>& out) const;
  void integrate_add(std::uint32_t c, op_id id, std::int64_t amount, touch* t);
  void note_text_change(touch* t, const text_change& ch);
  void note_list_insert(touch* t, std::uint32_t c, std::size_t pos, std::size_t len,
                        std::size_t first_value);
  void note_list_erase(touch* t, std::size_t pos, std::size_t len);
  // note_undo_insert records a local insert for the undo managers.
  void note_undo_insert(std::uint32_t c, op_id first, std::uint32_t n);
  // attached reports whether `c` is reachable from its root.
  bool attached(std::uint32_t c) const;
  // unref_erased drops the references of list elements [lvs) that are
  // about to be erased (only those still visible count).
  void unref_erased(std::uint32_t c, const std::vector<lv_span>& lvs);
  void ref_cell(const cell& v, int delta);

  // Events.
  void dispatch(txn_state& done);

  // Delta building.
  void append_entry(const log_entry& e, seq_t from, doc_delta& out,
                    hash_map<std::uint32_t, std::uint32_t>& table) const;
  std::uint32_t table_slot(std::uint32_t c, doc_delta& out,
                           hash_map<std::uint32_t, std::uint32_t>& table) const;
  // delta_between returns the ops logged since the log had `begin` entries
  // and its last one held `last_count` ops.
  doc_delta delta_between(std::size_t begin, std::uint32_t last_count) const;
  // with_tombstones gives `out` this document's tombstones of integrated
  // ops if it holds a shallow delete or an element they name: whoever
  // learns of either must learn what was removed.
  void with_tombstones(doc_delta& out) const;
  // split_tombstones appends to `integrated` the tombstones of integrated
  // ops and to `waiting` the rest (ops in the pending buffer), each when
  // given.
  void split_tombstones(std::vector<id_range>* integrated, std::vector<id_range>* waiting) const;
  // erase_tombstones deletes the elements `spans` of text or list `c`
  // (tombstones) that still show, raising events as a delete does.
  void erase_tombstones(std::uint32_t c, const std::vector<lv_span>& spans);
  // for_each_element calls fn(c, spans) for each text or list `c` holding
  // elements among the ops of `r`, with their lv spans there.
  template <class Fn>
  void for_each_element(const id_range& r, Fn&& fn) const;
  delta_value to_delta_value(const cell& v, doc_delta& out,
                             hash_map<std::uint32_t, std::uint32_t>& table) const;

  replica_id replica_;
  doc_options options_;
  std::vector<std::unique_ptr<container_state>> containers_;
  std::map<std::pair<std::string, container_type>, std::uint32_t> roots_;
  hash_map<op_id, std::uint32_t> created_;
  std::map<std::tuple<std::uint32_t, std::string, container_type>, std::uint32_t> derived_;

  mutable version_vector version_;  // this replica's entry may lag own_next_
  seq_t own_next_ = 0;              // this replica's next seq
  std::uint64_t lamport_ = 0;
  std::uint64_t op_count_ = 0;
  std::vector<log_entry> log_;
  hash_map<replica_id, std::vector<std::uint32_t>> log_by_replica_;

  std::map<replica_id, std::map<seq_t, pending_op>> pending_;
  std::uint64_t pending_count_ = 0;
  // tombstones_ are the elements that shallow deletes removed, those of
  // ops still pending included (see doc_delta::tombstones).
  std::vector<id_range> tombstones_;  // a tombstone set (doc/tombstones.hpp)

  txn_state txn_;
  bool damaged_ = false;
  std::shared_ptr<observer_registry> observers_;
  std::size_t observer_count_ = 0;  // kept equal to observers_'s size
  std::vector<undo_impl*> undo_managers_;
  std::vector<lv_span> scratch_;
  std::vector<op_id> preds_scratch_;
};

// change_scope guards a change from its first write: if an exception leaves
// the scope before done(), the document is damaged (doc_impl::damage). With
// an origin it runs the change in the open transaction or one of its own.
class change_scope {
 public:
  explicit change_scope(doc_impl& d) noexcept : d_(d) {}
  change_scope(doc_impl& d, const weft::origin& o) : d_(d) { begin(o); }
  change_scope(const change_scope&) = delete;
  change_scope& operator=(const change_scope&) = delete;
  ~change_scope() {
    if (!done_) d_.damage(began_);
  }
  void begin(const weft::origin& o) {
    d_.begin(o);
    began_ = true;
  }
  // done ends the guard and commits the transaction it began.
  void done() {
    done_ = true;
    if (began_) d_.commit();
  }

 private:
  doc_impl& d_;
  bool began_ = false;
  bool done_ = false;
};

template <class Fn>
void doc_impl::for_each_element(const id_range& r, Fn&& fn) const {
  const auto it = log_by_replica_.find(r.replica);
  if (it == log_by_replica_.end()) return;
  const std::vector<std::uint32_t>& list = it->second;
  auto li = std::partition_point(list.begin(), list.end(), [&](std::uint32_t i) {
    return log_[i].seq + log_[i].count <= r.begin;
  });
  std::vector<lv_span> spans;
  for (; li != list.end() && log_[*li].seq < r.end; ++li) {
    const log_entry& e = log_[*li];
    if (e.container == shallow_container || !containers_[e.container]->seq) continue;
    spans.clear();
    containers_[e.container]->seq->element_spans(r.replica, std::max(e.seq, r.begin),
                                                 std::min(e.seq + e.count, r.end), spans);
    if (!spans.empty()) fn(e.container, spans);
  }
}

// op_size returns how many operations a doc_op holds (saturating).
std::uint64_t op_size(const doc_op& op) noexcept;
// op_start returns the id of a doc_op's first operation. Inline: planning
// asks it of every op several times.
inline op_id op_start(const doc_op& op) noexcept {
  return std::visit([](const auto& o) { return o.id; }, op.op);
}

}  // namespace weft::internal

#endif  // WEFT_SRC_DOC_DOC_IMPL_HPP_
