// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: version_vector.cpp
// -----------------------------------------------------------------------------
//
// version_vector keeps its entries in a vector sorted by replica id. Documents
// see few replicas (tens, rarely thousands), so a flat sorted array beats a
// node-based map on every operation that matters: lookups are a binary search
// and merge/compare are a single linear pass over both vectors.

#include "weft/version_vector.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace weft {
namespace {

using entry = version_vector::entry;

// by_replica orders entries, and entries against a bare replica id, for the
// standard binary searches.
struct by_replica {
  bool operator()(const entry& e, replica_id r) const noexcept {
    return e.replica < r;
  }
  bool operator()(replica_id r, const entry& e) const noexcept {
    return r < e.replica;
  }
};

}  // namespace

seq_t version_vector::get(replica_id r) const noexcept {
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), r, by_replica{});
  return it != entries_.end() && it->replica == r ? it->count : 0;
}

void version_vector::set_count(replica_id r, seq_t count) {
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), r, by_replica{});
  const bool found = it != entries_.end() && it->replica == r;
  if (count == 0) {
    if (found) entries_.erase(it);
  } else if (found) {
    it->count = count;
  } else {
    entries_.insert(it, entry{r, count});
  }
}

void version_vector::advance(replica_id r, seq_t count) {
  if (count == 0) return;
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), r, by_replica{});
  if (it != entries_.end() && it->replica == r) {
    it->count = std::max(it->count, count);
  } else {
    entries_.insert(it, entry{r, count});
  }
}

void version_vector::merge(const version_vector& other) {
  if (other.entries_.empty() || &other == this) return;
  std::vector<entry> merged;
  merged.reserve(entries_.size() + other.entries_.size());
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() && b != other.entries_.end()) {
    if (a->replica < b->replica) {
      merged.push_back(*a++);
    } else if (b->replica < a->replica) {
      merged.push_back(*b++);
    } else {
      merged.push_back(entry{a->replica, std::max(a->count, b->count)});
      ++a;
      ++b;
    }
  }
  merged.insert(merged.end(), a, entries_.end());
  merged.insert(merged.end(), b, other.entries_.end());
  entries_ = std::move(merged);
}

causal_order version_vector::compare(
    const version_vector& other) const noexcept {
  bool mine_extra = false;    // *this has an op that `other` lacks
  bool theirs_extra = false;  // `other` has an op that *this lacks
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() && b != other.entries_.end()) {
    if (a->replica < b->replica) {
      mine_extra = true;
      ++a;
    } else if (b->replica < a->replica) {
      theirs_extra = true;
      ++b;
    } else {
      if (a->count > b->count) mine_extra = true;
      if (b->count > a->count) theirs_extra = true;
      ++a;
      ++b;
    }
    if (mine_extra && theirs_extra) return causal_order::concurrent;
  }
  // Stored counts are never 0, so any entry left over is an op the other side
  // lacks.
  if (a != entries_.end()) mine_extra = true;
  if (b != other.entries_.end()) theirs_extra = true;
  if (mine_extra && theirs_extra) return causal_order::concurrent;
  if (mine_extra) return causal_order::after;
  if (theirs_extra) return causal_order::before;
  return causal_order::equal;
}

bool version_vector::includes(const version_vector& other) const noexcept {
  auto a = entries_.begin();
  for (const entry& theirs : other.entries_) {
    while (a != entries_.end() && a->replica < theirs.replica) ++a;
    if (a == entries_.end() || a->replica != theirs.replica ||
        a->count < theirs.count) {
      return false;
    }
  }
  return true;
}

std::vector<id_range> version_vector::missing_from(
    const version_vector& other) const {
  std::vector<id_range> missing;
  auto a = entries_.begin();
  for (const entry& theirs : other.entries_) {
    while (a != entries_.end() && a->replica < theirs.replica) ++a;
    const seq_t mine =
        a != entries_.end() && a->replica == theirs.replica ? a->count : 0;
    if (theirs.count > mine) {
      missing.push_back(id_range{theirs.replica, mine, theirs.count});
    }
  }
  return missing;
}

result<std::uint64_t> version_vector::total() const {
  std::uint64_t sum = 0;
  for (const entry& e : entries_) {
    if (e.count > std::numeric_limits<std::uint64_t>::max() - sum) {
      return make_error(errc::capacity_exceeded,
                        "version_vector::total overflows 64 bits");
    }
    sum += e.count;
  }
  return sum;
}

std::string version_vector::to_string() const {
  std::string out = "{";
  char buf[48];
  bool first = true;
  for (const entry& e : entries_) {
    // Replica ids are zero-padded so that they line up in logs and sort the
    // same textually as numerically.
    const int n =
        std::snprintf(buf, sizeof buf, "%s%016" PRIx64 ":%" PRIu64,
                      first ? "" : ", ", static_cast<std::uint64_t>(e.replica),
                      static_cast<std::uint64_t>(e.count));
    out.append(buf, static_cast<std::size_t>(n));
    first = false;
  }
  out += '}';
  return out;
}

result<void> internal::check(const version_vector& v) {
  const auto& e = v.entries_;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i].count == 0) {
      return make_error(errc::corrupted, "version vector stores a zero count");
    }
    if (i > 0 && !(e[i - 1].replica < e[i].replica)) {
      return make_error(errc::corrupted, "version vector entries are not sorted and unique");
    }
  }
  return {};
}

}  // namespace weft
