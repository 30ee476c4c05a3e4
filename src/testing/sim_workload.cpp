// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: testing/sim_workload.cpp
// -----------------------------------------------------------------------------
//
// simulator::impl's workloads (testing/sim_impl.hpp): each tick, every
// client that is up makes the random text, map, list, counter and cursor
// edits its workload's rates call for.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

#include "testing/sim_impl.hpp"
#include "weft/value.hpp"

namespace weft::testing {

std::uint64_t simulator::impl::due(double& carry, double per_s) {
  if (per_s <= 0) return 0;
  carry += per_s * static_cast<double>(o.tick.count()) / 1000.0;
  std::uint64_t n = 0;
  while (carry >= 1.0) {
    carry -= 1.0;
    ++n;
  }
  // The fraction left happens now with its probability, then is spent.
  if (carry > 0 && rng.chance(carry)) {
    ++n;
    carry -= 1.0;
  }
  return n;
}

std::string simulator::impl::random_word(std::size_t max_len) {
  const std::size_t len = 1 + rng.below(std::max<std::size_t>(1, max_len));
  std::string s;
  for (std::size_t k = 0; k < len; ++k) s.push_back(static_cast<char>('a' + rng.below(26)));
  return s;
}

simulator::impl::doc_state& simulator::impl::random_doc(node& n) {
  auto it = n.docs.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(rng.below(n.docs.size())));
  return it->second;
}

void simulator::impl::edit(std::size_t i) {
  node& n = nodes[i];
  const workload& w = n.w;
  if (n.docs.empty()) return;
  for (std::uint64_t k = due(n.carry[0], w.text_edits_per_s); k > 0; --k) {
    doc_state& ds = random_doc(n);
    text_ref t = ds.d->get_text("text");
    const std::size_t size = t.size();
    if (size > 0 && rng.chance(w.delete_ratio)) {
      const std::size_t pos = rng.below(size);
      const std::size_t len = 1 + rng.below(std::min<std::size_t>(size - pos, 4));
      (void)t.erase(pos, len);
    } else {
      (void)t.insert(rng.below(size + 1), random_word(w.max_insert));
    }
  }
  for (std::uint64_t k = due(n.carry[1], w.map_edits_per_s); k > 0; --k) {
    doc_state& ds = random_doc(n);
    map_ref m = ds.d->get_map("map");
    // (Built by append: g++ 12 warns falsely on "k" + std::string.)
    std::string key = "k";
    key += std::to_string(rng.below(8));
    const std::uint64_t c = rng.below(10);
    if (c < 2) {
      (void)m.erase(key);
    } else if (c < 6) {
      (void)m.set(key, static_cast<std::int64_t>(rng.below(1000)));
    } else {
      (void)m.set(key, random_word(8));
    }
  }
  for (std::uint64_t k = due(n.carry[2], w.list_edits_per_s); k > 0; --k) {
    doc_state& ds = random_doc(n);
    list_ref l = ds.d->get_list("list");
    const std::size_t size = l.size();
    if (size > 0 && rng.chance(w.delete_ratio)) {
      (void)l.erase(rng.below(size), 1);
    } else {
      (void)l.insert(rng.below(size + 1), static_cast<std::int64_t>(rng.below(100)));
    }
  }
  for (std::uint64_t k = due(n.carry[3], w.counter_adds_per_s); k > 0; --k) {
    doc_state& ds = random_doc(n);
    (void)ds.d->get_counter("counter").add(static_cast<std::int64_t>(rng.below(11)) - 5);
  }
  for (std::uint64_t k = due(n.carry[4], w.cursor_moves_per_s); k > 0; --k) {
    doc_state& ds = random_doc(n);
    if (!ds.p) continue;
    text_ref t = ds.d->get_text("text");
    const std::size_t pos = rng.below(t.size() + 1);
    auto a = t.anchor_at(pos, affinity::right);
    if (!a) continue;
    ds.p->set_cursor(presence_cursor{"text", *a, *a}, now);
  }
}

}  // namespace weft::testing
