// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: id_set.cpp
// -----------------------------------------------------------------------------
//
// id_set keeps, per replica, a map from range begin to range end. The ranges
// of one replica are disjoint and non-adjacent (each end is strictly less than
// the next begin), which makes the representation canonical: two sets with
// the same ids compare equal with the defaulted operator==.
//
// Every mutation locates its neighbours with one or two binary searches and
// then touches only the ranges it overlaps, so insert and erase are O(log n)
// plus the number of ranges they absorb or remove; since each range is created
// once and removed once, that is O(log n) amortised.

#include "weft/id_set.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace weft {

void id_set::insert(const id_range& range) {
  if (range.empty()) return;
  const auto rit = by_replica_.find(range.replica);
  if (rit == by_replica_.end()) {
    // A new replica gets a fully built map, so that a throwing allocation
    // cannot leave an empty per-replica map behind.
    by_replica_.emplace(range.replica,
                        std::map<seq_t, seq_t>{{range.begin, range.end}});
    return;
  }
  auto& runs = rit->second;

  // first is the earliest run that touches [begin, end): the run starting at
  // or before `begin` if it reaches `begin`, else the first run after it.
  auto first = runs.upper_bound(range.begin);
  if (first != runs.begin()) {
    const auto prev = std::prev(first);
    if (prev->second >= range.begin) {
      if (prev->second >= range.end) return;  // already present
      first = prev;
    }
  }
  // last is one past the final run that touches [begin, end]; a run starting
  // exactly at `end` is adjacent and coalesces.
  const auto last = runs.upper_bound(range.end);
  if (first == last) {
    runs.emplace_hint(last, range.begin, range.end);
    return;
  }

  const seq_t end = std::max(range.end, std::prev(last)->second);
  runs.erase(std::next(first), last);
  if (first->first <= range.begin) {
    first->second = end;
  } else {
    // The merged run starts earlier than `first`; re-key its node in place
    // instead of allocating a new one.
    auto node = runs.extract(first);
    node.key() = range.begin;
    node.mapped() = end;
    runs.insert(std::move(node));
  }
}

void id_set::erase(const id_range& range) {
  if (range.empty()) return;
  const auto rit = by_replica_.find(range.replica);
  if (rit == by_replica_.end()) return;
  auto& runs = rit->second;

  auto it = runs.lower_bound(range.begin);
  if (it != runs.begin()) {
    const auto prev = std::prev(it);  // starts before range.begin
    if (prev->second > range.begin) {
      if (prev->second > range.end) {
        // The erased range lies strictly inside one run: split it. The right
        // half is added before the left is shortened so that a throwing
        // allocation leaves the set unchanged.
        runs.emplace_hint(it, range.end, prev->second);
        prev->second = range.begin;
        return;
      }
      prev->second = range.begin;
    }
  }
  while (it != runs.end() && it->first < range.end) {
    if (it->second > range.end) {
      // Only the head of this run is erased; its tail keeps the node.
      auto node = runs.extract(it);
      node.key() = range.end;
      runs.insert(std::move(node));
      break;
    }
    it = runs.erase(it);
  }
  if (runs.empty()) by_replica_.erase(rit);
}

bool id_set::contains(op_id id) const noexcept {
  const auto rit = by_replica_.find(id.replica);
  if (rit == by_replica_.end()) return false;
  const auto& runs = rit->second;
  auto it = runs.upper_bound(id.seq);
  if (it == runs.begin()) return false;
  --it;
  return id.seq < it->second;
}

bool id_set::contains_all(const id_range& range) const noexcept {
  if (range.empty()) return true;
  const auto rit = by_replica_.find(range.replica);
  if (rit == by_replica_.end()) return false;
  const auto& runs = rit->second;
  // Runs are coalesced, so the whole range must sit in the single run that
  // holds its first id.
  auto it = runs.upper_bound(range.begin);
  if (it == runs.begin()) return false;
  --it;
  return range.end <= it->second;
}

void id_set::merge(const id_set& other) {
  if (&other == this) return;
  for (const auto& [replica, runs] : other.by_replica_) {
    for (const auto& [begin, end] : runs) insert(id_range{replica, begin, end});
  }
}

void id_set::subtract(const id_set& other) {
  if (&other == this) {
    by_replica_.clear();
    return;
  }
  for (const auto& [replica, runs] : other.by_replica_) {
    if (!by_replica_.contains(replica)) continue;
    for (const auto& [begin, end] : runs) erase(id_range{replica, begin, end});
  }
}

bool id_set::covered_by(const version_vector& v) const noexcept {
  for (const auto& [replica, runs] : by_replica_) {
    // Runs are sorted and non-empty, so the last end is the highest id + 1.
    if (runs.rbegin()->second > v.get(replica)) return false;
  }
  return true;
}

std::vector<id_range> id_set::ranges() const {
  std::vector<id_range> out;
  for (const auto& [replica, runs] : by_replica_) {
    for (const auto& [begin, end] : runs) {
      out.push_back(id_range{replica, begin, end});
    }
  }
  return out;
}

std::vector<id_range> id_set::ranges_of(replica_id r) const {
  std::vector<id_range> out;
  const auto rit = by_replica_.find(r);
  if (rit == by_replica_.end()) return out;
  out.reserve(rit->second.size());
  for (const auto& [begin, end] : rit->second) {
    out.push_back(id_range{r, begin, end});
  }
  return out;
}

std::uint64_t id_set::count() const noexcept {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t n = 0;
  for (const auto& [replica, runs] : by_replica_) {
    for (const auto& [begin, end] : runs) {
      const std::uint64_t size = end - begin;
      if (size > kMax - n) return kMax;
      n += size;
    }
  }
  return n;
}

std::string id_set::to_string() const {
  // to_string renders `{replica:[begin,end) [begin,end), ...}` with replica
  // ids in zero-padded hex, matching version_vector::to_string.
  std::string out = "{";
  char buf[64];
  bool first_replica = true;
  for (const auto& [replica, runs] : by_replica_) {
    const int n = std::snprintf(buf, sizeof buf, "%s%016" PRIx64 ":",
                                first_replica ? "" : ", ",
                                static_cast<std::uint64_t>(replica));
    out.append(buf, static_cast<std::size_t>(n));
    first_replica = false;
    bool first_run = true;
    for (const auto& [begin, end] : runs) {
      const int m =
          std::snprintf(buf, sizeof buf, "%s[%" PRIu64 ",%" PRIu64 ")",
                        first_run ? "" : " ", begin, end);
      out.append(buf, static_cast<std::size_t>(m));
      first_run = false;
    }
  }
  out += '}';
  return out;
}

result<void> internal::check(const id_set& s) {
  for (const auto& [replica, ranges] : s.by_replica_) {
    if (ranges.empty()) return make_error(errc::corrupted, "id set keeps an empty replica");
    bool first = true;
    seq_t prev_end = 0;
    for (const auto& [begin, end] : ranges) {
      if (begin >= end) return make_error(errc::corrupted, "id set holds an empty range");
      if (!first && begin <= prev_end) {
        return make_error(errc::corrupted, "id set ranges overlap or were not coalesced");
      }
      first = false;
      prev_end = end;
    }
  }
  return {};
}

}  // namespace weft
