// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc/tombstones.cpp
// -----------------------------------------------------------------------------

#include "doc/tombstones.hpp"

#include <algorithm>
#include <utility>

namespace weft::internal {

namespace {

// append adds `r` after the last range of `out`, coalescing.
void append(std::vector<id_range>& out, const id_range& r) {
  if (!out.empty() && out.back().replica == r.replica && out.back().end >= r.begin) {
    out.back().end = std::max(out.back().end, r.end);
  } else {
    out.push_back(r);
  }
}

}  // namespace

void merge_tombstones(std::vector<id_range>& set, const std::vector<id_range>& more,
                      std::vector<id_range>* fresh) {
  if (more.empty()) return;
  if (set.empty()) {
    set = more;
    if (fresh != nullptr) fresh->insert(fresh->end(), more.begin(), more.end());
    return;
  }
  std::vector<id_range> out;
  out.reserve(set.size() + more.size());
  std::size_t i = 0;
  for (const id_range& m : more) {
    while (i < set.size() && range_less(set[i], m)) append(out, set[i++]);
    if (fresh != nullptr) {
      // What of m no range of `set` holds: set's ranges of m's replica that
      // start before m ends, from the one before i (which may reach in).
      std::size_t k = i > 0 && set[i - 1].replica == m.replica ? i - 1 : i;
      seq_t at = m.begin;
      for (; k < set.size() && set[k].replica == m.replica && set[k].begin < m.end; ++k) {
        if (set[k].end <= at) continue;
        if (set[k].begin > at) fresh->push_back(id_range{m.replica, at, set[k].begin});
        at = std::max(at, set[k].end);
      }
      if (at < m.end) fresh->push_back(id_range{m.replica, at, m.end});
    }
    append(out, m);
  }
  while (i < set.size()) append(out, set[i++]);
  set = std::move(out);
}

void normalize_tombstones(std::vector<id_range>& ranges) {
  std::sort(ranges.begin(), ranges.end(), range_less);
  std::vector<id_range> out;
  out.reserve(ranges.size());
  for (const id_range& r : ranges) append(out, r);
  ranges = std::move(out);
}

void overlap_tombstones(const std::vector<id_range>& set, const id_range& r,
                        std::vector<id_range>& out) {
  if (r.empty()) return;
  // The first range of r's replica that ends after r begins.
  auto it = std::lower_bound(set.begin(), set.end(), r, [](const id_range& a, const id_range& b) {
    return a.replica < b.replica || (a.replica == b.replica && a.end <= b.begin);
  });
  for (; it != set.end() && it->replica == r.replica && it->begin < r.end; ++it) {
    out.push_back(id_range{r.replica, std::max(it->begin, r.begin), std::min(it->end, r.end)});
  }
}

}  // namespace weft::internal
