// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: random_doc.hpp
// -----------------------------------------------------------------------------
//
// Random multi-replica documents for the wire and snapshot tests
// (tests/unit/wire_test, snapshot_test, wire_sweep_test): a small network of
// replicas that edit every container type concurrently (texts with
// multi-byte characters and emoji, lists holding nested containers, maps
// with overwrites, erases and concurrent writes to a few shared keys,
// counters, registers) and deliver each other's transactions out of order,
// so that some operations wait in the pending buffer. The same ideas as
// tests/random/doc_convergence_test, without its event mirror: these tests
// need documents, not checks of events.
//
// Also: cutting a delta into single-op pieces with its runs split at random
// points and its container table compacted (what a replica receives when
// its peer sends small, trimmed deltas), and gluing pieces back together.
//
// Everything is driven by testing::rng (splitmix64), so a seed gives the
// same documents natively and under wasm. Doubles are never NaN: the tests
// compare deltas with doc_delta's operator==, under which NaN != NaN.
//
// Test-only: a refused edit is a Catch2 failure.

#ifndef WEFT_TESTS_SUPPORT_RANDOM_DOC_HPP_
#define WEFT_TESTS_SUPPORT_RANDOM_DOC_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "weft/container.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/origin.hpp"
#include "weft/subscription.hpp"
#include "weft/value.hpp"
#include "weft/version_vector.hpp"

namespace weft::testing {

// Replica ids of every varint width: the wire format writes them as
// fixed 64-bit table entries, but small and huge ones still exercise the
// ordering and indexing of the replica table.
inline constexpr replica_id kRandomReplicas[] = {
    replica_id{7}, replica_id{0x1234}, replica_id{0xFEDCBA9876543210ull}, replica_id{2},
    replica_id{0x8000000000000000ull}};

// Characters of every UTF-8 width, astral ones (surrogate pairs in UTF-16)
// included.
inline constexpr char32_t kRandomChars[] = {
    U'a', U'b', U'c', U' ', U'.', U'"', U'\\', U'\n', U'\u00E9', U'\u0436', U'\u20AC',
    U'\u4E2D', U'\u2603', U'\U0001F600', U'\U0001F9D1', U'\U00020BB7'};

inline std::string random_text(rng& r, std::size_t len) {
  std::u32string s;
  for (std::size_t i = 0; i < len; ++i) {
    // Mostly ASCII, as real text is; the rest spread over every width.
    s.push_back(r.chance(50) ? kRandomChars[r.below(5)]
                             : kRandomChars[r.below(std::size(kRandomChars))]);
  }
  return utf8(s);
}

// random_scalar returns a value of every scalar kind, edges included
// (extreme integers, -0.0, infinities, empty strings, bytes with 0x00 and
// 0xFF), but never NaN.
inline value random_scalar(rng& r) {
  switch (r.below(14)) {
    case 0: return value();
    case 1: return value(r.chance(50));
    case 2: return value(static_cast<std::int64_t>(r.below(200)) - 100);
    case 3: return value(std::numeric_limits<std::int64_t>::min());
    case 4: return value(std::numeric_limits<std::int64_t>::max());
    case 5: return value(static_cast<double>(r.below(1000)) / 8.0 - 60.0);
    case 6: return value(-0.0);
    case 7: return value(r.chance(50) ? std::numeric_limits<double>::infinity()
                                      : -std::numeric_limits<double>::infinity());
    case 8: return value(std::string());
    case 9:
    case 10: return value(random_text(r, r.between(1, 8)));
    case 11: {
      weft::bytes b(r.below(6));
      for (auto& x : b) x = static_cast<std::uint8_t>(r.chance(30) ? (r.chance(50) ? 0x00 : 0xFF)
                                                                   : r.below(256));
      return value(std::move(b));
    }
    case 12: return value(static_cast<std::int64_t>(r.next()));
    default: return value(std::string(r.between(20, 60), 'z'));
  }
}

// Map keys: few enough that replicas often write the same key at once.
inline constexpr std::string_view kRandomKeys[] = {"a", "b", "k", "\xC3\xA9",  // é
                                                   "\xF0\x9F\x99\x82"};       // 🙂

// reachable returns the roots every random document uses and every
// container shown inside them (breadth first, at most `limit`).
inline std::vector<container> reachable(doc& d, std::size_t limit = 64) {
  std::vector<container> out{d.get_text("t"), d.get_list("l"), d.get_map("m"),
                             d.get_counter("c"), d.get_register("r")};
  for (std::size_t i = 0; i < out.size() && out.size() < limit; ++i) {
    const container c = out[i];
    if (c.type() == container_type::map) {
      for (const auto& [key, v] : c.as_map().entries()) {
        if (v.is_container() && out.size() < limit) out.push_back(v.as_container());
      }
    } else if (c.type() == container_type::list) {
      for (const value& v : c.as_list().values()) {
        if (v.is_container() && out.size() < limit) out.push_back(v.as_container());
      }
    }
  }
  return out;
}

// edit_container makes one valid random edit of `c`.
inline void edit_container(const container& c, rng& r) {
  switch (c.type()) {
    case container_type::text: {
      text_ref t = c.as_text();
      if (t.size() == 0 || r.chance(65)) {
        // One draw per statement: the order in which arguments are
        // evaluated differs between compilers, and a seed must give the
        // same document natively and under wasm.
        const std::size_t pos = r.below(t.size() + 1);
        ok(t.insert(pos, random_text(r, r.between(1, 7))));
      } else {
        const std::size_t pos = r.below(t.size());
        // Backspacing (one at a time, leftwards) makes backward delete runs.
        if (r.chance(30)) {
          const std::size_t n = std::min<std::size_t>(r.between(2, 4), pos + 1);
          for (std::size_t k = 0; k < n; ++k) ok(t.erase(pos - k, 1));
        } else {
          ok(t.erase(pos, std::min(r.between(1, 5), t.size() - pos)));
        }
      }
      return;
    }
    case container_type::list: {
      list_ref l = c.as_list();
      const std::size_t roll = r.below(100);
      if (l.size() > 0 && roll < 25) {
        const std::size_t pos = r.below(l.size());
        ok(l.erase(pos, std::min(r.between(1, 3), l.size() - pos)));
        return;
      }
      const std::size_t pos = r.below(l.size() + 1);
      if (roll < 70) {
        std::vector<value> vs(r.between(1, 4));
        for (value& v : vs) v = random_scalar(r);
        ok(l.insert(pos, vs));
        return;
      }
      switch (r.below(5)) {
        case 0: ok(take(l.insert_text(pos)).insert(0, random_text(r, 3))); break;
        case 1: ok(take(l.insert_map(pos)).set("x", random_scalar(r))); break;
        case 2: ok(take(l.insert_list(pos)).push_back(random_scalar(r))); break;
        case 3: ok(take(l.insert_counter(pos)).add(3)); break;
        default: ok(take(l.insert_register(pos)).set(random_scalar(r))); break;
      }
      return;
    }
    case container_type::map: {
      map_ref m = c.as_map();
      const std::string_view key = kRandomKeys[r.below(std::size(kRandomKeys))];
      const std::size_t roll = r.below(100);
      if (roll < 40) {
        ok(m.set(key, random_scalar(r)));
      } else if (roll < 55) {
        ok(m.erase(key));
      } else if (roll < 70) {
        switch (r.below(5)) {
          case 0: (void)take(m.set_text(key)); break;
          case 1: (void)take(m.set_map(key)); break;
          case 2: (void)take(m.set_list(key)); break;
          case 3: (void)take(m.set_counter(key)); break;
          default: (void)take(m.set_register(key)); break;
        }
      } else {
        // get_or_create_* on every replica names the same (derived)
        // container without coordination.
        switch (r.below(5)) {
          case 0: ok(take(m.get_or_create_text(key)).insert(0, random_text(r, 2))); break;
          case 1: ok(take(m.get_or_create_map(key)).set("y", random_scalar(r))); break;
          case 2: ok(take(m.get_or_create_list(key)).push_back(random_scalar(r))); break;
          case 3: ok(take(m.get_or_create_counter(key)).add(-2)); break;
          default: ok(take(m.get_or_create_register(key)).set(random_scalar(r))); break;
        }
      }
      return;
    }
    case container_type::counter:
      ok(c.as_counter().add(static_cast<std::int64_t>(r.below(2001)) - 1000));
      return;
    case container_type::reg:
      if (r.chance(20)) {
        ok(c.as_register().clear());
      } else {
        ok(c.as_register().set(random_scalar(r)));
      }
      return;
  }
}

// random_edit edits a random container of `d`, roots most often.
inline void random_edit(doc& d, rng& r) {
  const std::vector<container> cs = reachable(d);
  const std::size_t i = r.chance(50) ? r.below(5) : r.below(cs.size());
  edit_container(cs[i], r);
}

// random_network is a few replicas of one document editing concurrently.
// Every local transaction's delta goes to every other replica's inbox;
// deliveries take a random message from an inbox, so operations arrive out
// of order and wait for their dependencies.
class random_network {
 public:
  random_network(std::uint64_t seed, std::size_t replicas, std::string id = "random-doc")
      : r_(seed) {
    REQUIRE(replicas <= std::size(kRandomReplicas));
    for (std::size_t i = 0; i < replicas; ++i) {
      doc_options o;
      o.id = id;
      docs_.push_back(std::make_unique<doc>(kRandomReplicas[i], o));
      inbox_.emplace_back();
      subs_.push_back(docs_.back()->observe_updates([this, i](const doc_delta& d, const origin& o) {
        if (o == origin::remote()) return;
        log_.push_back({i, d});
        for (std::size_t j = 0; j < docs_.size(); ++j) {
          if (j != i) inbox_[j].push_back(log_.size() - 1);
        }
      }));
    }
  }
  random_network(const random_network&) = delete;
  random_network& operator=(const random_network&) = delete;

  std::size_t size() const { return docs_.size(); }
  doc& at(std::size_t i) { return *docs_[i]; }
  const doc& at(std::size_t i) const { return *docs_[i]; }
  rng& random() { return r_; }

  // entry is one local transaction: which replica made it, and its ops.
  struct entry {
    std::size_t replica;
    doc_delta delta;
  };
  const std::vector<entry>& log() const { return log_; }

  // edit makes one random edit on replica `i`, or several in a transaction.
  void edit(std::size_t i) {
    doc& d = at(i);
    if (r_.chance(20)) {
      const std::size_t n = r_.between(2, 4);
      d.transact([&] {
        for (std::size_t k = 0; k < n; ++k) random_edit(d, r_);
      });
    } else {
      random_edit(d, r_);
    }
  }

  // deliver_one applies a random message of replica `i`'s inbox; false if
  // there is none.
  bool deliver_one(std::size_t i) {
    auto& box = inbox_[i];
    if (box.empty()) return false;
    // Mostly the oldest, often any: out of order, so ops wait.
    const std::size_t k = r_.chance(50) ? 0 : r_.below(box.size());
    const std::size_t msg = box[k];
    box.erase(box.begin() + static_cast<std::ptrdiff_t>(k));
    ok(at(i).apply(log_[msg].delta));
    return true;
  }

  // step does one random thing: mostly an edit or a delivery, sometimes a
  // full delta_since sync.
  void step() {
    const std::size_t i = r_.below(size());
    const std::size_t roll = r_.below(100);
    if (roll < 50) {
      edit(i);
    } else if (roll < 92) {
      deliver_one(i);
    } else {
      const std::size_t j = (i + 1 + r_.below(size() - 1)) % size();
      ok(at(j).apply(at(i).delta_since(at(j).version())));
    }
  }

  void run(std::size_t steps) {
    for (std::size_t s = 0; s < steps; ++s) step();
  }

  // settle delivers every inbox, then syncs every pair: the replicas end
  // with the same operations and nothing pending.
  void settle() {
    for (std::size_t i = 0; i < size(); ++i) {
      while (deliver_one(i)) {
      }
    }
    std::vector<doc*> all;
    for (auto& d : docs_) all.push_back(d.get());
    sync_all(all);
  }

  // pending_total sums the pending ops of every replica.
  std::uint64_t pending_total() const {
    std::uint64_t n = 0;
    for (const auto& d : docs_) n += d->pending_ops();
    return n;
  }

 private:
  rng r_;
  std::vector<std::unique_ptr<doc>> docs_;
  std::vector<std::vector<std::size_t>> inbox_;
  std::vector<entry> log_;
  std::vector<subscription> subs_;  // after docs_: released first
};

// ---------------------------------------------------------------------------
// Cutting and gluing deltas
// ---------------------------------------------------------------------------

// utf8_prefix returns how many bytes the first `n` code points of `s` take.
inline std::size_t utf8_prefix(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (; n > 0 && i < s.size(); --n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// op_length is the number of ops of a run.
inline std::uint64_t op_length(const doc_op& op) {
  if (const auto* t = std::get_if<text_insert_run>(&op.op)) {
    return utf8_decode(t->content).value_or(std::u32string()).size();
  }
  if (const auto* d = std::get_if<text_delete_run>(&op.op)) return d->length;
  if (const auto* l = std::get_if<list_insert_run>(&op.op)) return l->values.size();
  return 1;
}

// split_op cuts a run into its first `k` ops and the rest (0 < k < length):
// the rest continues the first part exactly as a run does (left origin: the
// op before it, same right origin; deletes continue in their direction).
inline std::pair<doc_op, doc_op> split_op(const doc_op& op, std::uint64_t k) {
  doc_op a = op, b = op;
  if (const auto* t = std::get_if<text_insert_run>(&op.op)) {
    const std::size_t bytes = utf8_prefix(t->content, static_cast<std::size_t>(k));
    auto& x = std::get<text_insert_run>(a.op);
    auto& y = std::get<text_insert_run>(b.op);
    x.content = t->content.substr(0, bytes);
    y.content = t->content.substr(bytes);
    y.id.seq += k;
    y.origin_left = op_id{t->id.replica, t->id.seq + k - 1};
  } else if (const auto* d = std::get_if<text_delete_run>(&op.op)) {
    auto& x = std::get<text_delete_run>(a.op);
    auto& y = std::get<text_delete_run>(b.op);
    x.length = k;
    y.length = d->length - k;
    y.id.seq += k;
    y.target.seq = d->backward ? d->target.seq - k : d->target.seq + k;
  } else if (const auto* l = std::get_if<list_insert_run>(&op.op)) {
    auto& x = std::get<list_insert_run>(a.op);
    auto& y = std::get<list_insert_run>(b.op);
    x.values.assign(l->values.begin(), l->values.begin() + static_cast<std::ptrdiff_t>(k));
    y.values.assign(l->values.begin() + static_cast<std::ptrdiff_t>(k), l->values.end());
    y.id.seq += k;
    y.origin_left = op_id{l->id.replica, l->id.seq + k - 1};
  }
  return {std::move(a), std::move(b)};
}

// compact keeps only the container table entries `d` refers to (and the
// parents of derived ones), in their order, and renumbers the references.
inline doc_delta compact(const doc_delta& d) {
  std::vector<bool> used(d.containers.size(), false);
  auto use = [&](std::uint32_t i) {
    // Parents precede their children, so one pass from the entry up.
    for (;;) {
      used[i] = true;
      if (d.containers[i].how != container_desc::kind::derived) return;
      i = d.containers[i].parent;
    }
  };
  auto each_slot = [](doc_op& op, auto&& fn) {
    fn(op.container);
    if (auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (delta_value& v : l->values) {
        if (auto* s = std::get_if<container_slot>(&v)) fn(s->index);
      }
    } else if (auto* w = std::get_if<map_write>(&op.op); w != nullptr && w->value) {
      if (auto* s = std::get_if<container_slot>(&*w->value)) fn(s->index);
    }
  };
  doc_delta out;
  out.ops = d.ops;
  for (doc_op& op : out.ops) each_slot(op, [&](std::uint32_t& i) { use(i); });
  std::vector<std::uint32_t> renumber(d.containers.size(), 0);
  for (std::size_t i = 0; i < d.containers.size(); ++i) {
    if (!used[i]) continue;
    renumber[i] = static_cast<std::uint32_t>(out.containers.size());
    container_desc c = d.containers[i];
    if (c.how == container_desc::kind::derived) c.parent = renumber[c.parent];
    out.containers.push_back(std::move(c));
  }
  for (doc_op& op : out.ops) each_slot(op, [&](std::uint32_t& i) { i = renumber[i]; });
  return out;
}

// pieces cuts `d` into deltas of one op run each, splitting runs at random
// points, each with a compacted table.
inline std::vector<doc_delta> pieces(const doc_delta& d, rng& r) {
  std::vector<doc_delta> out;
  for (const doc_op& op : d.ops) {
    doc_op rest = op;
    std::uint64_t n = op_length(rest);
    while (n > 1 && r.chance(60)) {
      const std::uint64_t k = 1 + r.below(static_cast<std::size_t>(n - 1));
      auto [first, second] = split_op(rest, k);
      out.push_back(compact(doc_delta{d.containers, {std::move(first)}}));
      rest = std::move(second);
      n -= k;
    }
    out.push_back(compact(doc_delta{d.containers, {std::move(rest)}}));
  }
  return out;
}

// glue appends the ops of `b` to `a`, with `b`'s table after `a`'s.
inline void glue(doc_delta& a, const doc_delta& b) {
  const auto offset = static_cast<std::uint32_t>(a.containers.size());
  for (container_desc c : b.containers) {
    if (c.how == container_desc::kind::derived) c.parent += offset;
    a.containers.push_back(std::move(c));
  }
  for (doc_op op : b.ops) {
    op.container += offset;
    if (auto* l = std::get_if<list_insert_run>(&op.op)) {
      for (delta_value& v : l->values) {
        if (auto* s = std::get_if<container_slot>(&v)) s->index += offset;
      }
    } else if (auto* w = std::get_if<map_write>(&op.op); w != nullptr && w->value) {
      if (auto* s = std::get_if<container_slot>(&*w->value)) s->index += offset;
    }
    a.ops.push_back(std::move(op));
  }
}

// shuffle puts `v` in a random order (Fisher-Yates with rng, the same on
// every standard library).
template <class T>
void shuffle(std::vector<T>& v, rng& r) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[r.below(i)]);
}

// random_version returns a version at or below `v`: each replica's count
// cut to a random point, some dropped, now and then one of a replica `v`
// does not know.
inline version_vector random_version(const version_vector& v, rng& r) {
  version_vector out;
  for (const auto& e : v.entries()) {
    if (r.chance(25)) continue;
    out.set_count(e.replica, r.chance(30) ? e.count : r.below(static_cast<std::size_t>(e.count) + 1));
  }
  if (r.chance(10)) out.set_count(replica_id{0xABCDEF}, r.between(1, 5));
  return out;
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_RANDOM_DOC_HPP_
