// Copyright 2026 The weft Authors. MIT License.

#include "weft/internal/op_log.hpp"

#include <algorithm>

#include "weft/assert.hpp"

namespace weft::internal {

void op_log::add_insert(lv_t lv, std::uint32_t len, lv_t origin_left,
                        lv_t origin_right, std::uint32_t content_off,
                        std::uint32_t content_bytes) {
  WEFT_ASSERT(len > 0, "empty insert entry");
  if (!inserts_.empty()) {
    insert_entry& last = inserts_.back();
    WEFT_ASSERT(last.lv + last.len <= lv, "insert entries out of order");
    if (last.lv + last.len == lv && origin_left == lv - 1 &&
        origin_right == last.origin_right &&
        last.content_off + last.content_bytes == content_off) {
      last.len += len;
      last.content_bytes += content_bytes;
      return;
    }
  }
  inserts_.push_back(insert_entry{lv, len, origin_left, origin_right,
                                  content_off, content_bytes});
}

void op_log::add_delete(lv_t lv, std::uint32_t len, lv_t target, bool backward) {
  WEFT_ASSERT(len > 0, "empty delete entry");
  if (len == 1) backward = false;
  if (!deletes_.empty()) {
    delete_entry& last = deletes_.back();
    WEFT_ASSERT(last.lv + last.len <= lv, "delete entries out of order");
    if (last.lv + last.len == lv) {
      const bool last_fwd_ok = !last.backward || last.len == 1;
      const bool last_bwd_ok = last.backward || last.len == 1;
      const std::int64_t t = target;
      const std::int64_t t_last = last.target;
      if (last_fwd_ok && !backward && t_last + last.len == t) {
        last.backward = false;
        last.len += len;
        return;
      }
      if (last_bwd_ok && (backward || len == 1) && t_last - last.len == t) {
        last.backward = true;
        last.len += len;
        return;
      }
    }
  }
  deletes_.push_back(delete_entry{lv, len, target, backward});
}

std::size_t op_log::lower_insert(lv_t lv) const noexcept {
  auto it = std::partition_point(
      inserts_.begin(), inserts_.end(),
      [lv](const insert_entry& e) { return e.lv + e.len <= lv; });
  return static_cast<std::size_t>(it - inserts_.begin());
}

std::size_t op_log::lower_delete(lv_t lv) const noexcept {
  auto it = std::partition_point(
      deletes_.begin(), deletes_.end(),
      [lv](const delete_entry& e) { return e.lv + e.len <= lv; });
  return static_cast<std::size_t>(it - deletes_.begin());
}

const insert_entry* op_log::find_insert(lv_t lv) const noexcept {
  const std::size_t i = lower_insert(lv);
  if (i == inserts_.size() || inserts_[i].lv > lv) return nullptr;
  return &inserts_[i];
}

const delete_entry* op_log::find_delete(lv_t lv) const noexcept {
  const std::size_t i = lower_delete(lv);
  if (i == deletes_.size() || deletes_[i].lv > lv) return nullptr;
  return &deletes_[i];
}

bool op_log::is_insert_range(lv_t begin, lv_t end) const noexcept {
  std::size_t i = lower_insert(begin);
  lv_t at = begin;
  while (at < end) {
    if (i == inserts_.size() || inserts_[i].lv > at) return false;
    at = inserts_[i].lv + inserts_[i].len;
    ++i;
  }
  return true;
}

}  // namespace weft::internal
