// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/doc_edits.cpp
// -----------------------------------------------------------------------------
//
// Local edits: each checks its arguments and limits first, so that a refused
// edit changes nothing, then runs in the open transaction or one of its own.

#include <limits>
#include <string>
#include <utility>

#include "doc/doc_impl.hpp"
#include "doc/event_builder.hpp"
#include "fmt/format.h"
#include "weft/internal/utf8.hpp"

namespace weft::internal {

namespace {

// check_key refuses map keys that are not UTF-8.
result<void> check_key(std::string_view key) {
  if (!validate_utf8(key)) return make_error(errc::invalid_utf8, "map key is not valid UTF-8");
  return {};
}

}  // namespace

result<void> doc_impl::text_insert(std::uint32_t c, std::size_t pos, std::string_view utf8) {
  WEFT_TRY(check_seq(c, container_type::text));
  text_impl& t = *containers_[c]->seq;
  const auto counts = utf8.size() == 1 && static_cast<unsigned char>(utf8[0]) < 0x80
                          ? std::optional<utf8_counts>(utf8_counts{1, 1})
                          : validate_utf8(utf8);
  if (!counts) return make_error(errc::invalid_utf8, "inserted text is not valid UTF-8");
  if (pos > t.size()) {
    return make_error(errc::out_of_range,
                      fmt::format("insert at {} past the end ({})", pos, t.size()));
  }
  const std::uint64_t n = counts->code_points;
  if (n == 0) return {};
  if (n > seq_item::max_len) {
    return make_error(errc::capacity_exceeded, "one insert may hold at most 2^31-1 code points");
  }
  if (!t.fits(n, utf8.size())) return t.capacity_error(n, utf8.size());
  const auto seq = reserve(n);
  if (!seq) return seq.error();
  change_scope scope(*this, origin::local());
  touch* tc = touch_of(c);
  const auto p = static_cast<std::uint32_t>(pos);
  const std::size_t wpos = tc ? *t.to_utf16(pos) : 0;
  const op_id first{replica_, *seq};
  (void)t.insert_with(first, p, utf8, static_cast<std::uint32_t>(n),
                      static_cast<std::uint32_t>(counts->utf16_units));
  if (tc) tc->text->insert(pos, wpos, n, counts->utf16_units, std::string(utf8));
  record(c, replica_, *seq, static_cast<std::uint32_t>(n), 0);
  note_undo_insert(c, first, static_cast<std::uint32_t>(n));
  scope.done();
  return {};
}

result<void> doc_impl::seq_erase(std::uint32_t c, std::size_t pos, std::size_t len) {
  container_state& st = *containers_[c];
  if (st.type != container_type::text && st.type != container_type::list) {
    return check_seq(c, container_type::text);
  }
  text_impl& t = *st.seq;
  if (pos > t.size() || len > t.size() - pos) {
    return make_error(errc::out_of_range,
                      fmt::format("erase of {} at {} past the end ({})", len, pos, t.size()));
  }
  if (len == 0) return {};
  if (!t.fits(len, 0)) return t.capacity_error(len, 0);
  const auto seq = reserve(len);
  if (!seq) return seq.error();
  change_scope scope(*this, origin::local());
  touch* tc = touch_of(c);
  const auto p = static_cast<std::uint32_t>(pos);
  const auto n = static_cast<std::uint32_t>(len);
  if (tc && tc->text) {
    const std::size_t w0 = *t.to_utf16(pos);
    const std::size_t w1 = *t.to_utf16(pos + len);
    tc->text->erase(pos, w0, len, w1 - w0);
  } else if (tc) {
    note_list_erase(tc, pos, len);
  }
  scratch_.clear();
  if (st.nested > 0) {
    // The spans erase_with reports are visible until it runs.
    t.seq().visible_spans(p, n, scratch_);
    unref_erased(c, scratch_);
    scratch_.clear();
  }
  t.erase_with(op_id{replica_, *seq}, p, n, scratch_);
  record(c, replica_, *seq, n, 0);
  if (!undo_managers_.empty()) {
    undo_record r;
    r.what = undo_record::kind::seq_delete;
    r.container = c;
    for (const lv_span& s : scratch_) {
      for (lv_t lv = s.begin; lv < s.end; ++lv) r.deleted.push_back(t.ids().to_id(lv));
    }
    txn_.undo.push_back(std::move(r));
  }
  scope.done();
  return {};
}

result<void> doc_impl::seq_insert_cells(std::uint32_t c, std::size_t pos,
                                        const std::string& utf8,
                                        const std::vector<cell>& cells, op_id* first_out) {
  container_state& st = *containers_[c];
  text_impl& t = *st.seq;
  const bool is_list = st.type == container_type::list;
  std::uint64_t n = 0;
  std::uint64_t width = 0;
  if (is_list) {
    n = width = cells.size();
  } else {
    const auto counts = validate_utf8(utf8);
    WEFT_ASSERT(counts.has_value(), "restored text is not UTF-8");
    n = counts->code_points;
    width = counts->utf16_units;
  }
  if (n == 0) return {};
  if (n > seq_item::max_len) {
    return make_error(errc::capacity_exceeded, "one insert may hold at most 2^31-1 elements");
  }
  const std::string placeholder = is_list ? std::string(n, list_placeholder) : std::string();
  const std::string& content = is_list ? placeholder : utf8;
  if (!t.fits(n, content.size())) return t.capacity_error(n, content.size());
  if (pos > t.size()) return make_error(errc::out_of_range, "insert past the end");
  const auto seq = reserve(n);
  if (!seq) return seq.error();
  change_scope scope(*this, origin::local());
  touch* tc = touch_of(c);
  const std::size_t wpos = tc && !is_list ? *t.to_utf16(pos) : pos;
  const op_id first{replica_, *seq};
  const std::size_t first_value = st.values.size();
  (void)t.insert_with(first, static_cast<std::uint32_t>(pos), content,
                      static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(width));
  if (is_list) {
    st.values.insert(st.values.end(), cells.begin(), cells.end());
    for (const cell& v : cells) {
      if (std::holds_alternative<cref>(v)) {
        ++st.nested;
        ref_cell(v, +1);
      }
    }
    note_list_insert(tc, c, pos, n, first_value);
  } else if (tc) {
    tc->text->insert(pos, wpos, n, width, utf8);
  }
  record(c, replica_, *seq, static_cast<std::uint32_t>(n), 0);
  note_undo_insert(c, first, static_cast<std::uint32_t>(n));
  if (first_out != nullptr) *first_out = first;
  scope.done();
  return {};
}

result<void> doc_impl::list_insert(std::uint32_t c, std::size_t pos,
                                   const std::vector<value>& vs) {
  WEFT_TRY(check_seq(c, container_type::list));
  std::vector<cell> cells;
  cells.reserve(vs.size());
  for (const value& v : vs) {
    WEFT_TRY(check_cell(v));
    cells.push_back(to_cell(v));
  }
  if (pos > containers_[c]->seq->size()) {
    return make_error(errc::out_of_range, fmt::format("insert at {} past the end ({})", pos,
                                                      containers_[c]->seq->size()));
  }
  return seq_insert_cells(c, pos, {}, cells, nullptr);
}

result<std::uint32_t> doc_impl::list_insert_container(std::uint32_t c, std::size_t pos,
                                                      container_type type) {
  WEFT_TRY(check_seq(c, container_type::list));
  if (pos > containers_[c]->seq->size()) {
    return make_error(errc::out_of_range, fmt::format("insert at {} past the end ({})", pos,
                                                      containers_[c]->seq->size()));
  }
  if (containers_[c]->depth + 1 > max_depth) {
    return make_error(errc::capacity_exceeded, "containers nest at most 100 deep");
  }
  // The insert's own checks come first (see map_set_container).
  if (!containers_[c]->seq->fits(1, 1)) return containers_[c]->seq->capacity_error(1, 1);
  const auto seq = reserve(1);
  if (!seq) return seq.error();
  change_scope guard(*this);  // from the child's creation on
  const std::uint32_t child = new_container(type, container_desc::kind::created, {},
                                            op_id{replica_, *seq}, c);
  const auto inserted = seq_insert_cells(c, pos, {}, {cref{child}}, nullptr);
  guard.done();
  WEFT_TRY(inserted);
  return child;
}

result<seq_t> doc_impl::reserve_write() {
  if (lamport_ >= std::numeric_limits<std::uint64_t>::max() - 1) {
    return make_error(errc::seq_exhausted, "the Lamport clock is exhausted");
  }
  return reserve(1);
}

result<void> doc_impl::map_write_cell(std::uint32_t c, std::uint32_t key,
                                      std::optional<cell> v) {
  const auto seq = reserve_write();
  if (!seq) return seq.error();
  change_scope scope(*this, origin::local());
  touch* tc = touch_of(c);
  map_state& m = *containers_[c]->map;
  const op_id id{replica_, *seq};
  if (!undo_managers_.empty()) {
    undo_record r;
    r.what = undo_record::kind::map_write;
    r.container = c;
    r.first = id;
    r.key = key;
    if (const map_record* w = m.winner(key)) {
      r.previous = w->value;
      r.previous_id = w->id;
    }
    r.wrote_value = v.has_value();
    txn_.undo.push_back(std::move(r));
  }
  map_record rec;
  rec.id = id;
  rec.lamport = ++lamport_;
  rec.key = key;
  rec.has_value = v.has_value();
  if (v) rec.value = std::move(*v);
  const auto local = static_cast<std::uint32_t>(m.records.size());
  live_ids(c, key, preds_scratch_);
  integrate_write(c, std::move(rec), preds_scratch_, tc);
  record(c, replica_, *seq, 1, local);
  scope.done();
  return {};
}


result<void> doc_impl::map_set(std::uint32_t c, std::string_view key, const value& v) {
  const container_type type = containers_[c]->type;
  if (type == container_type::reg) {
    WEFT_TRY(check_cell(v));
    return map_write_cell(c, 0, to_cell(v));
  }
  WEFT_TRY(check_seq(c, container_type::map));
  WEFT_TRY(check_key(key));
  WEFT_TRY(check_cell(v));
  return map_write_cell(c, containers_[c]->map->intern(key), to_cell(v));
}

result<void> doc_impl::map_erase(std::uint32_t c, std::string_view key) {
  if (containers_[c]->type != container_type::reg) {
    WEFT_TRY(check_seq(c, container_type::map));
  }
  const auto k = containers_[c]->map->find(key);
  if (!k || containers_[c]->map->live[*k].empty()) return {};
  return map_write_cell(c, *k, std::nullopt);
}

result<std::uint32_t> doc_impl::map_set_container(std::uint32_t c, std::string_view key,
                                                  container_type type) {
  WEFT_TRY(check_seq(c, container_type::map));
  WEFT_TRY(check_key(key));
  if (containers_[c]->depth + 1 > max_depth) {
    return make_error(errc::capacity_exceeded, "containers nest at most 100 deep");
  }
  // Every check the write makes comes first: once the child exists, the
  // write cannot fail and leave it behind under an op id never used.
  const auto seq = reserve_write();
  if (!seq) return seq.error();
  change_scope guard(*this);  // from the child's creation on
  const std::uint32_t child = new_container(type, container_desc::kind::created, {},
                                            op_id{replica_, *seq}, c);
  const auto written = map_write_cell(c, containers_[c]->map->intern(key), cref{child});
  guard.done();
  WEFT_TRY(written);
  return child;
}

result<std::uint32_t> doc_impl::map_get_or_create(std::uint32_t c, std::string_view key,
                                                  container_type type) {
  WEFT_TRY(check_seq(c, container_type::map));
  WEFT_TRY(check_key(key));
  map_state& m = *containers_[c]->map;
  if (const auto k = m.find(key)) {
    if (const map_record* w = m.winner(*k)) {
      if (const cref* r = std::get_if<cref>(&w->value);
          r != nullptr && containers_[r->index]->type == type) {
        return r->index;
      }
    }
  }
  if (containers_[c]->depth + 1 > max_depth) {
    return make_error(errc::capacity_exceeded, "containers nest at most 100 deep");
  }
  if (const auto seq = reserve_write(); !seq) return seq.error();
  change_scope guard(*this);  // from the child's creation on
  std::uint32_t child = find_derived(c, key, type);
  if (child == no_container) {
    child = new_container(type, container_desc::kind::derived, std::string(key), {}, c);
  }
  const auto written = map_write_cell(c, m.intern(key), cref{child});
  guard.done();
  WEFT_TRY(written);
  return child;
}

result<void> doc_impl::counter_increment(std::uint32_t c, std::int64_t amount, bool wrap) {
  WEFT_TRY(check_seq(c, container_type::counter));
  if (amount == 0) return {};
  container_state& st = *containers_[c];
  std::int64_t sum = 0;
  if (!wrap && __builtin_add_overflow(st.counter, amount, &sum)) {
    return make_error(errc::out_of_range,
                      fmt::format("adding {} to {} overflows int64", amount, st.counter));
  }
  const auto seq = reserve(1);
  if (!seq) return seq.error();
  change_scope scope(*this, origin::local());
  const auto local = static_cast<std::uint32_t>(st.adds.size());
  integrate_add(c, op_id{replica_, *seq}, amount, touch_of(c));
  record(c, replica_, *seq, 1, local);
  if (!undo_managers_.empty()) {
    undo_record r;
    r.what = undo_record::kind::counter_add;
    r.container = c;
    r.amount = amount;
    txn_.undo.push_back(std::move(r));
  }
  scope.done();
  return {};
}

}  // namespace weft::internal
