// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_convergence_test.cpp
// -----------------------------------------------------------------------------
//
// Randomized convergence of weft::doc across every container type. 5 or 6
// replicas edit one document concurrently: text inserts and erases (with
// multi-byte characters and emoji), list inserts of scalars and of nested
// containers, map sets, erases, set_* and get_or_create_* on a small key
// space (so that replicas create the same nested container concurrently),
// counter adds and register writes; sometimes several at once in a
// transaction, sometimes an undo or redo. What each transaction makes, as
// observe_updates hands it out, goes to every other replica's inbox, and
// inboxes are delivered in random order with duplicates and delays, now
// and then with a full delta_since sync in between.
//
// Each replica also keeps an event mirror: a JSON-like model updated only
// from what observe_deep on the roots reports, rendered in doc::to_json's
// format. After every step the mirror of each replica that changed must
// equal its to_json(), so a single wrong or missing event shows up where
// it happened, not at the end. At the end everything is delivered and all
// replicas must agree on to_json() and version() with nothing pending.
//
// One rule of the mirror needs saying: a container that comes into view
// (a map or list event whose new value is a container) is read whole from
// the document, and its own events in that transaction are not applied.
// Containers can come into view with content that no root observer was
// shown: edits made while they were detached (overwritten, erased, or a
// concurrent write that lost) still replicate, and undo, get_or_create_*
// or a concurrent erase that did not see them bring them back. Everything
// after that is followed through events.
//
// Environment: WEFT_FUZZ_SEEDS=<n> sets how many seeds run (default 200),
// WEFT_SEED=<n> runs exactly that seed, and WEFT_FUZZ_VERBOSE=1 prints every
// action as the call that makes it. A failure prints its seed and step.
//
// Only Catch2 beyond weft: this runs in the wasm build too, so the random
// generator is a fixed algorithm (splitmix64) rather than a <random>
// distribution whose output differs between standard libraries.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/doc_testing.hpp"
#include "support/fuzz.hpp"
#include "weft/container.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/event.hpp"
#include "weft/origin.hpp"
#include "weft/result.hpp"
#include "weft/undo_manager.hpp"
#include "weft/value.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::container;
using weft::container_type;
using weft::counter_ref;
using weft::doc;
using weft::doc_delta;
using weft::errc;
using weft::list_ref;
using weft::map_ref;
using weft::origin;
using weft::register_ref;
using weft::replica_id;
using weft::text_ref;
using weft::value;
using weft::value_kind;
using weft::version_vector;

using weft::testing::describe;
using weft::testing::g_trail;
using weft::testing::plan_seeds;
using weft::testing::reproduce_hint;
using weft::testing::rng;
using weft::testing::seed_plan;
using weft::testing::trail;
using weft::testing::utf16_len;
using weft::testing::utf8;
using weft::testing::utf8_decode;
using weft::testing::verbose;

// ---------------------------------------------------------------------------
// Knobs
// ---------------------------------------------------------------------------

constexpr int kStepsPerSeed = 300;
// Map keys: few enough that replicas often write the same key at once.
constexpr std::string_view kKeys[] = {"a", "b", "c", "\xC3\xA9"};  // é

// ---------------------------------------------------------------------------
// Random strings
// ---------------------------------------------------------------------------

// Characters of every UTF-8 width, astral ones (surrogate pairs in UTF-16)
// included, and the two that JSON escapes without any choice of spelling.
// No control characters and no '/': their JSON spelling is not fixed by
// the contract, and this test compares strings.
constexpr char32_t kChars[] = {U'a',        U'b',        U'c',         U'x',
                               U' ',        U'.',        U'"',         U'\\',
                               U'\u00E9',   U'\u0436',   U'\u05D0',    U'\u20AC',
                               U'\u4E2D',   U'\u2603',   U'\U0001F600', U'\U0001D11E',
                               U'\U0001F9D1', U'\U00020BB7'};

std::u32string random_string(rng& r, std::size_t len) {
  std::u32string s;
  for (std::size_t i = 0; i < len; ++i) {
    // Mostly ASCII, as real text is; the rest spread over every width.
    s.push_back(r.chance(55) ? kChars[r.below(6)] : kChars[r.below(std::size(kChars))]);
  }
  return s;
}

// ---------------------------------------------------------------------------
// JSON in doc::to_json's format
// ---------------------------------------------------------------------------

void json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void json_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  // The library's own rendering (shortest round trip): emscripten's libc++
  // has no floating-point std::to_chars, and the mirror checks events, not
  // number formatting.
  out += value(d).to_json();
}

// same_value is value equality with NaN equal to itself: the mirror holds
// what the document holds, bit for bit.
bool same_value(const std::optional<value>& a, const std::optional<value>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  if (a->kind() == value_kind::real && b->kind() == value_kind::real &&
      std::isnan(a->as_double()) && std::isnan(b->as_double())) {
    return true;
  }
  return *a == *b;
}

std::string show(const std::optional<value>& v) {
  if (!v) return "(absent)";
  if (v->is_container()) {
    return std::string("<") + weft::container_type_name(v->as_container().type()) + " #" +
           std::to_string(v->as_container().index()) + ">";
  }
  return v->to_json();
}

// ---------------------------------------------------------------------------
// The event mirror
// ---------------------------------------------------------------------------

// node is the mirror of one container; only the field of its type is used.
struct node {
  container_type type = container_type::map;
  std::u32string text;
  std::vector<value> list;
  std::map<std::string, value> map;  // std::string orders bytes unsigned
  std::uint64_t counter = 0;         // wraps, as the counter does
  std::optional<value> reg;
};

struct root_spec {
  const char* name;
  container_type type;
};

// The roots every replica observes. "x" is both a map and a register, so
// to_json keys them "x:map" and "x:register" (the only pair whose order is
// the same whether type names or type codes sort it).
constexpr root_spec kRoots[] = {
    {"t", container_type::text},    {"l", container_type::list},
    {"m", container_type::map},     {"c", container_type::counter},
    {"r", container_type::reg},     {"x", container_type::map},
    {"x", container_type::reg},
};

container get_root(doc& d, const root_spec& spec) {
  switch (spec.type) {
    case container_type::text: return d.get_text(spec.name);
    case container_type::map: return d.get_map(spec.name);
    case container_type::list: return d.get_list(spec.name);
    case container_type::counter: return d.get_counter(spec.name);
    case container_type::reg: return d.get_register(spec.name);
  }
  return {};
}

std::string root_key(const root_spec& spec) {
  int same_name = 0;
  for (const root_spec& other : kRoots) same_name += std::string_view(other.name) == spec.name;
  if (same_name == 1) return spec.name;
  return std::string(spec.name) + ":" + weft::container_type_name(spec.type);
}

class mirror {
 public:
  // add_root registers a root, rendered under `key` (every root of this
  // test has ops from the seeding step on, so every one is rendered).
  void add_root(container c, std::string key) {
    node& n = nodes_[c];
    n.type = c.type();
    roots_.emplace(std::move(key), c);
  }

  // begin sets what the next transaction's events and update must say.
  void begin(const origin& expected) {
    expected_ = expected;
    in_txn_.clear();
    read_whole_.clear();
  }

  // on_update ends a transaction: observe_updates runs after every
  // observe_deep callback of it.
  void on_update(const origin& o) {
    EXPECT(o == expected_, "observe_updates got the wrong origin");
    in_txn_.clear();
    read_whole_.clear();
    ++updates_;
  }

  std::uint64_t updates() const { return updates_; }
  std::uint64_t events() const { return events_; }

  void on_events(const container& root, const std::vector<weft::event>& evs) {
    EXPECT(!evs.empty(), "observe_deep called with no events");
    for (std::size_t i = 0; i < evs.size(); ++i) {
      const weft::event& ev = evs[i];
      const container target = ev.target();
      EXPECT(ev.origin() == expected_, "event with the wrong origin");
      // Parents come before their children: the root, if it changed, first.
      EXPECT(target != root || i == 0, "the root's own event is not first in its batch");
      EXPECT(in_txn_.insert(target).second,
             "two events for one container in one transaction (#" << target.index() << ")");
      ++events_;
      if (read_whole_.contains(target)) continue;
      if (!nodes_.contains(target)) {
        // A container never shown before: one that was detached all along
        // on this replica (a losing concurrent write) may still be reported
        // by its parent's observers. It is read whole, as when it shows.
        read_whole(target);
        continue;
      }
      std::visit([&](const auto& e) { apply(e); }, ev.data);
    }
  }

  std::string render() const {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, c] : roots_) {
      if (!first) out.push_back(',');
      first = false;
      json_string(out, key);
      out.push_back(':');
      render_node(out, c);
    }
    out.push_back('}');
    return out;
  }

 private:
  node& node_of(const container& c, container_type type) {
    auto [it, fresh] = nodes_.try_emplace(c);
    if (fresh) it->second.type = type;
    EXPECT(it->second.type == type, "an event of type " << weft::container_type_name(type)
                                                        << " for a container of type "
                                                        << weft::container_type_name(
                                                               it->second.type));
    return it->second;
  }

  // read_whole sets the node of `c` (and of everything nested in it) to the
  // document's current state: see the file comment.
  void read_whole(const container& c) {
    node n;
    n.type = c.type();
    switch (n.type) {
      case container_type::text: {
        auto s = utf8_decode(c.as_text().to_string());
        EXPECT(s.has_value(), "text::to_string returned malformed UTF-8");
        n.text = std::move(*s);
        break;
      }
      case container_type::list:
        n.list = c.as_list().values();
        for (const value& v : n.list) {
          if (v.is_container()) read_whole(v.as_container());
        }
        break;
      case container_type::map:
        for (auto& [k, v] : c.as_map().entries()) {
          if (v.is_container()) read_whole(v.as_container());
          n.map.emplace(k, v);
        }
        break;
      case container_type::counter:
        n.counter = static_cast<std::uint64_t>(c.as_counter().value());
        break;
      case container_type::reg:
        n.reg = c.as_register().get();
        break;
    }
    nodes_[c] = std::move(n);
    read_whole_.insert(c);
  }

  void apply(const weft::text_event& e) {
    node& n = node_of(e.target, container_type::text);
    EXPECT(!e.delta.empty(), "empty text event");
    std::size_t pos = 0;
    for (std::size_t k = 0; k < e.delta.size(); ++k) {
      const weft::text_delta_op& op = e.delta[k];
      EXPECT(op.len > 0, "zero-length text step " << k);
      EXPECT(k == 0 || op.kind != e.delta[k - 1].kind, "text steps " << k - 1 << " and " << k
                                                                     << " are not merged");
      switch (op.kind) {
        case weft::delta_kind::retain:
          EXPECT(op.text.empty(), "retain carries text");
          EXPECT(pos + op.len <= n.text.size(),
                 "retain " << op.len << " at " << pos << " past the end " << n.text.size());
          EXPECT(op.len_utf16 == utf16_len(std::u32string_view(n.text).substr(pos, op.len)),
                 "retain len_utf16 " << op.len_utf16);
          pos += op.len;
          break;
        case weft::delta_kind::insert: {
          auto s = utf8_decode(op.text);
          EXPECT(s.has_value(), "insert step carries malformed UTF-8");
          EXPECT(s->size() == op.len,
                 "insert len " << op.len << " but " << s->size() << " code points");
          EXPECT(op.len_utf16 == utf16_len(*s), "insert len_utf16 " << op.len_utf16);
          n.text.insert(pos, *s);
          pos += op.len;
          break;
        }
        case weft::delta_kind::erase:
          EXPECT(op.text.empty(), "erase carries text");
          EXPECT(pos + op.len <= n.text.size(),
                 "erase " << op.len << " at " << pos << " past the end " << n.text.size());
          EXPECT(op.len_utf16 == utf16_len(std::u32string_view(n.text).substr(pos, op.len)),
                 "erase len_utf16 " << op.len_utf16);
          n.text.erase(pos, op.len);
          break;
      }
    }
    EXPECT(e.delta.back().kind != weft::delta_kind::retain, "trailing retain in a text event");
  }

  void apply(const weft::list_event& e) {
    node& n = node_of(e.target, container_type::list);
    EXPECT(!e.delta.empty(), "empty list event");
    std::size_t pos = 0;
    std::vector<container> shown;
    for (std::size_t k = 0; k < e.delta.size(); ++k) {
      const weft::list_delta_op& op = e.delta[k];
      EXPECT(op.len > 0, "zero-length list step " << k);
      EXPECT(k == 0 || op.kind != e.delta[k - 1].kind, "list steps " << k - 1 << " and " << k
                                                                     << " are not merged");
      switch (op.kind) {
        case weft::delta_kind::retain:
          EXPECT(op.values.empty(), "retain carries values");
          EXPECT(pos + op.len <= n.list.size(),
                 "retain " << op.len << " at " << pos << " past the end " << n.list.size());
          pos += op.len;
          break;
        case weft::delta_kind::insert:
          EXPECT(op.values.size() == op.len,
                 "insert len " << op.len << " with " << op.values.size() << " values");
          n.list.insert(n.list.begin() + static_cast<std::ptrdiff_t>(pos), op.values.begin(),
                        op.values.end());
          for (const value& v : op.values) {
            if (v.is_container()) shown.push_back(v.as_container());
          }
          pos += op.len;
          break;
        case weft::delta_kind::erase:
          EXPECT(op.values.empty(), "erase carries values");
          EXPECT(pos + op.len <= n.list.size(),
                 "erase " << op.len << " at " << pos << " past the end " << n.list.size());
          n.list.erase(n.list.begin() + static_cast<std::ptrdiff_t>(pos),
                       n.list.begin() + static_cast<std::ptrdiff_t>(pos + op.len));
          break;
      }
    }
    EXPECT(e.delta.back().kind != weft::delta_kind::retain, "trailing retain in a list event");
    for (const container& c : shown) read_whole(c);
  }

  void apply(const weft::map_event& e) {
    node& n = node_of(e.target, container_type::map);
    EXPECT(!e.keys.empty(), "map event with no keys");
    std::vector<container> shown;
    for (std::size_t k = 0; k < e.keys.size(); ++k) {
      const weft::map_key_change& ch = e.keys[k];
      EXPECT(k == 0 || e.keys[k - 1].key < ch.key, "map event keys not sorted and unique");
      std::optional<value> before;
      if (auto it = n.map.find(ch.key); it != n.map.end()) before = it->second;
      EXPECT(same_value(before, ch.old_value), "key \"" << ch.key << "\": old_value "
                                                        << show(ch.old_value)
                                                        << " but the mirror had " << show(before));
      EXPECT(!(ch.old_value == ch.new_value), "key \"" << ch.key << "\" reported unchanged");
      if (ch.new_value) {
        n.map.insert_or_assign(ch.key, *ch.new_value);
        if (ch.new_value->is_container()) shown.push_back(ch.new_value->as_container());
      } else {
        n.map.erase(ch.key);
      }
    }
    for (const container& c : shown) read_whole(c);
  }

  void apply(const weft::counter_event& e) {
    node& n = node_of(e.target, container_type::counter);
    EXPECT(e.increment != 0, "counter event with a zero increment");
    n.counter += static_cast<std::uint64_t>(e.increment);
  }

  void apply(const weft::register_event& e) {
    node& n = node_of(e.target, container_type::reg);
    EXPECT(same_value(n.reg, e.old_value), "register old_value " << show(e.old_value)
                                                                 << " but the mirror had "
                                                                 << show(n.reg));
    EXPECT(!(e.old_value == e.new_value), "register event reports no change");
    EXPECT(!e.new_value || !e.new_value->is_container(), "a register holds a container");
    n.reg = e.new_value;
  }

  void render_value(std::string& out, const value& v) const {
    switch (v.kind()) {
      case value_kind::null: out += "null"; break;
      case value_kind::boolean: out += v.as_bool() ? "true" : "false"; break;
      case value_kind::integer: out += std::to_string(v.as_int()); break;
      case value_kind::real: json_double(out, v.as_double()); break;
      case value_kind::string: json_string(out, v.as_string()); break;
      case value_kind::binary: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += R"({"bytes":")";
        for (std::uint8_t b : v.as_bytes()) {
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 15]);
        }
        out += "\"}";
        break;
      }
      case value_kind::container: render_node(out, v.as_container()); break;
    }
  }

  void render_node(std::string& out, const container& c) const {
    auto it = nodes_.find(c);
    if (it == nodes_.end()) {
      out += "<no mirror node for #" + std::to_string(c.index()) + ">";
      return;
    }
    const node& n = it->second;
    switch (n.type) {
      case container_type::text: json_string(out, utf8(n.text)); break;
      case container_type::list: {
        out.push_back('[');
        for (std::size_t i = 0; i < n.list.size(); ++i) {
          if (i > 0) out.push_back(',');
          render_value(out, n.list[i]);
        }
        out.push_back(']');
        break;
      }
      case container_type::map: {
        out.push_back('{');
        bool first = true;
        for (const auto& [k, v] : n.map) {
          if (!first) out.push_back(',');
          first = false;
          json_string(out, k);
          out.push_back(':');
          render_value(out, v);
        }
        out.push_back('}');
        break;
      }
      case container_type::counter:
        out += std::to_string(static_cast<std::int64_t>(n.counter));
        break;
      case container_type::reg:
        if (n.reg) {
          render_value(out, *n.reg);
        } else {
          out += "null";
        }
        break;
    }
  }

  std::unordered_map<container, node> nodes_;
  std::map<std::string, container> roots_;
  origin expected_;
  std::unordered_set<container> in_txn_;
  std::unordered_set<container> read_whole_;
  std::uint64_t updates_ = 0;
  std::uint64_t events_ = 0;
};

// ---------------------------------------------------------------------------
// Replicas and the network between them
// ---------------------------------------------------------------------------

struct inbox_entry {
  std::size_t delta = 0;
  bool duplicate = false;
};

struct replica_state {
  explicit replica_state(replica_id id) : d(id) {}
  replica_state(const replica_state&) = delete;
  replica_state& operator=(const replica_state&) = delete;

  doc d;
  std::int64_t clock = 1'000'000;  // the undo manager's fake clock
  std::unique_ptr<weft::undo_manager> um;
  mirror mir;
  std::vector<container> roots;
  std::vector<weft::subscription> subs;
  std::vector<inbox_entry> inbox;
  // Every container this replica has seen reachable, so that edits to
  // detached ones happen too (they still replicate).
  std::vector<container> seen;
  std::unordered_set<container> seen_set;
};

std::string path_of(const container& c) {
  auto p = c.path();
  if (!p) return std::string("detached#") + std::to_string(c.index());
  std::string out;
  for (std::size_t i = 0; i < p->size(); ++i) {
    if (const auto* key = std::get_if<std::string>(&(*p)[i])) {
      if (i == 0) {
        out += *key;
      } else {
        out += "[\"" + *key + "\"]";
      }
    } else {
      out += "[" + std::to_string(std::get<std::size_t>((*p)[i])) + "]";
    }
  }
  return out + ":" + weft::container_type_name(c.type());
}

value random_scalar(rng& r) {
  switch (r.below(10)) {
    case 0: return value(nullptr);
    case 1: return value(r.chance(50));
    case 2:
      if (r.chance(20)) {
        return r.chance(50) ? value(std::numeric_limits<std::int64_t>::min())
                            : value(std::numeric_limits<std::int64_t>::max());
      }
      [[fallthrough]];
    case 3: return value(static_cast<std::int64_t>(r.below(201)) - 100);
    case 4: {
      if (r.chance(10)) {
        // NaN and infinities render as null.
        const double special[] = {std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity()};
        return value(special[r.below(3)]);
      }
      // Never integral and never in exponent notation: how to_json spells
      // 3.0 or 1e21 is not part of the contract this test holds it to.
      const auto k = static_cast<std::int64_t>(r.below(801)) - 400;
      return value(static_cast<double>(2 * k + 1) / 8.0);
    }
    case 5:
    case 6:
    case 7: return value(utf8(random_string(r, r.below(5))));
    default: {
      weft::bytes b(r.below(4));
      for (auto& x : b) x = static_cast<std::uint8_t>(r.below(256));
      return value(std::move(b));
    }
  }
}

class network {
 public:
  network(std::uint64_t seed, rng& r) : r_(r) {
    (void)seed;
    const std::size_t n = r_.between(5, 6);
    for (std::size_t k = 0; k < n; ++k) {
      // Ids in random order relative to k, so that tie-breaks vary.
      reps_.push_back(std::make_unique<replica_state>(replica_id{1 + r_.below(1000) * 8 + k}));
      replica_state& rep = *reps_.back();
      for (const root_spec& spec : kRoots) {
        container c = get_root(rep.d, spec);
        rep.roots.push_back(c);
        rep.mir.add_root(c, root_key(spec));
        rep.subs.push_back(c.observe_deep(
            [&rep, c](const std::vector<weft::event>& evs) { rep.mir.on_events(c, evs); }));
      }
      rep.subs.push_back(rep.d.observe_updates(
          [this, k](const doc_delta& d, const origin& o) { on_update(k, d, o); }));
    }
  }

  std::size_t size() const { return reps_.size(); }
  replica_state& at(std::size_t i) { return *reps_[i]; }
  std::size_t random_replica() { return r_.below(reps_.size()); }

  // seed gives every root content on replica 0 and delivers it everywhere,
  // so that every root is in every to_json from the start and the mirrors
  // need not guess which roots have had ops.
  void seed_roots() {
    replica_state& rep = at(0);
    begin(rep, origin::local());
    rep.d.transact([&] {
      EXPECT_OK(rep.roots[0].as_text().insert(0, "seed"), "seed text");
      EXPECT_OK(rep.roots[1].as_list().insert(0, value(0)), "seed list");
      EXPECT_OK(rep.roots[2].as_map().set("a", 0), "seed map");
      EXPECT_OK(rep.roots[3].as_counter().add(1), "seed counter");
      EXPECT_OK(rep.roots[4].as_register().set(0), "seed register");
      EXPECT_OK(rep.roots[5].as_map().set("a", 0), "seed x map");
      EXPECT_OK(rep.roots[6].as_register().set(0), "seed x register");
    });
    after(0);
    for (std::size_t i = 1; i < size(); ++i) {
      while (deliver_one(i)) {
      }
    }
  }

  void make_undo_managers() {
    for (auto& p : reps_) {
      replica_state* rep = p.get();
      weft::undo_options o;
      o.now_ms = [rep] { return rep->clock; };
      o.max_depth = r_.between(3, 30);
      rep->um = std::make_unique<weft::undo_manager>(rep->d, std::move(o));
    }
  }

  // begin readies replica i's mirror for one transaction of origin `o`.
  void begin(replica_state& rep, const origin& o) { rep.mir.begin(o); }

  // after checks replica i once an action on it is over.
  void after(std::size_t i) {
    replica_state& rep = at(i);
    auto ok = weft::internal::check(rep.d, false);
    EXPECT(ok.has_value(), "check(replica " << i << ") failed: " << describe(ok.error()));
    expect_mirror(i);
  }

  void expect_mirror(std::size_t i) {
    replica_state& rep = at(i);
    const std::string want = rep.d.to_json();
    const std::string got = rep.mir.render();
    EXPECT(got == want, "the event mirror of replica " << i << " differs from to_json():\n  mirror:  "
                                                       << got << "\n  to_json: " << want);
  }

  // reachable lists the containers reachable from replica i's roots.
  std::vector<container> reachable(std::size_t i) {
    replica_state& rep = at(i);
    std::vector<container> out = rep.roots;
    for (std::size_t k = 0; k < out.size(); ++k) {
      const container c = out[k];
      if (c.type() == container_type::map) {
        for (const auto& [key, v] : c.as_map().entries()) {
          if (v.is_container()) out.push_back(v.as_container());
        }
      } else if (c.type() == container_type::list) {
        for (const value& v : c.as_list().values()) {
          if (v.is_container()) out.push_back(v.as_container());
        }
      }
    }
    for (const container& c : out) {
      if (rep.seen_set.insert(c).second) rep.seen.push_back(c);
    }
    return out;
  }

  container pick_container(std::size_t i) {
    const std::vector<container> live = reachable(i);
    replica_state& rep = at(i);
    if (r_.chance(3)) return rep.seen[r_.below(rep.seen.size())];
    return live[r_.below(live.size())];
  }

  // local_op makes one random edit on replica i (inside a transaction or
  // not) and checks how many op ids it took.
  void local_op(std::size_t i) {
    replica_state& rep = at(i);
    const container c = pick_container(i);
    const seq_count before = count(rep);
    const std::uint64_t used = edit(c);
    const seq_count now = count(rep);
    EXPECT(now - before == used, "an edit on " << path_of(c) << " took " << now - before
                                               << " op ids, the contract says " << used);
  }

  void transact(std::size_t i) {
    replica_state& rep = at(i);
    const std::size_t n = r_.between(2, 5);
    if (verbose()) std::fprintf(stderr, "r%zu.d.transact([&] {\n", i);
    rep.d.transact([&] {
      for (std::size_t k = 0; k < n; ++k) local_op(i);
    });
    if (verbose()) std::fprintf(stderr, "});\n");
  }

  // refusal makes an edit the contract refuses and checks that nothing
  // changed: version, state, events, updates.
  void refusal(std::size_t i) {
    replica_state& rep = at(i);
    const version_vector v = rep.d.version();
    const std::string json = rep.d.to_json();
    const std::uint64_t updates = rep.mir.updates();
    const std::uint64_t events = rep.mir.events();
    const container c = pick_container(i);
    const value a_container(c);
    errc want = errc::ok;
    errc got = errc::ok;
    std::string what;
    switch (c.type()) {
      case container_type::text: {
        text_ref t = c.as_text();
        if (r_.chance(50)) {
          what = "text insert past the end";
          want = errc::out_of_range;
          got = t.insert(t.size() + 1, "x").code();
        } else {
          what = "text insert of malformed UTF-8";
          want = errc::invalid_utf8;
          got = t.insert(r_.below(t.size() + 1), "ok\xC3").code();
        }
        break;
      }
      case container_type::list: {
        list_ref l = c.as_list();
        if (r_.chance(50)) {
          what = "list insert of a container value";
          want = errc::invalid_argument;
          got = l.insert(r_.below(l.size() + 1), a_container).code();
        } else {
          what = "list erase past the end";
          want = errc::out_of_range;
          got = l.erase(l.size(), 1).code();
        }
        break;
      }
      case container_type::map:
        what = "map set of a container value";
        want = errc::invalid_argument;
        got = c.as_map().set("a", a_container).code();
        break;
      case container_type::counter: {
        counter_ref k = c.as_counter();
        // An add that would overflow the current value is refused locally.
        const std::int64_t cur = k.value();
        if (cur == 0) return;  // nothing overflows from zero
        const std::int64_t d = cur > 0 ? std::numeric_limits<std::int64_t>::max()
                                       : std::numeric_limits<std::int64_t>::min();
        what = "counter add that overflows";
        want = errc::out_of_range;
        got = k.add(d).code();
        break;
      }
      case container_type::reg:
        what = "register set of a container value";
        want = errc::invalid_argument;
        got = c.as_register().set(a_container).code();
        break;
    }
    if (verbose()) std::fprintf(stderr, "// r%zu: %s on %s, refused\n", i, what.c_str(),
                                path_of(c).c_str());
    EXPECT(got == want, what << " on " << path_of(c) << " gave " << weft::errc_name(got)
                             << ", want " << weft::errc_name(want));
    EXPECT(rep.d.version() == v, what << " changed the version");
    EXPECT(rep.d.to_json() == json, what << " changed the document");
    EXPECT(rep.mir.updates() == updates, what << " raised an update");
    EXPECT(rep.mir.events() == events, what << " raised events");
  }

  void undo(std::size_t i, bool redo) {
    replica_state& rep = at(i);
    if (verbose()) std::fprintf(stderr, "(void)r%zu.um.%s();\n", i, redo ? "redo" : "undo");
    auto res = redo ? rep.um->redo() : rep.um->undo();
    EXPECT_OK(res, (redo ? "redo" : "undo"));
  }

  // deliver_one hands replica i a random message from its inbox, leaving a
  // duplicate behind now and then. False if the inbox was empty.
  bool deliver_one(std::size_t i) {
    auto& inbox = at(i).inbox;
    if (inbox.empty()) return false;
    const std::size_t k = r_.below(inbox.size());
    const inbox_entry e = inbox[k];
    if (!e.duplicate && r_.chance(8)) {
      inbox[k].duplicate = true;
    } else {
      inbox[k] = inbox.back();
      inbox.pop_back();
    }
    const doc_delta& d = log_[e.delta];
    if (d.ops.size() > 1 && r_.chance(5)) {
      // Ops out of order within one delta: later ones wait for earlier
      // ones in the pending buffer.
      doc_delta reversed{d.containers, {d.ops.rbegin(), d.ops.rend()}};
      if (verbose()) std::fprintf(stderr, "(void)r%zu.d.apply(reversed(log[%zu]));\n", i, e.delta);
      apply_to(i, reversed);
      return true;
    }
    if (verbose()) std::fprintf(stderr, "(void)r%zu.d.apply(log[%zu]);\n", i, e.delta);
    apply_to(i, d);
    return true;
  }

  void sync(std::size_t from, std::size_t to) {
    if (verbose()) {
      std::fprintf(stderr, "(void)r%zu.d.apply(r%zu.d.delta_since(r%zu.d.version()));\n", to, from,
                   to);
    }
    const doc_delta d = at(from).d.delta_since(at(to).d.version());
    apply_to(to, d);
  }

  std::optional<std::size_t> random_replica_with_mail() {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < size(); ++i) {
      if (!at(i).inbox.empty()) candidates.push_back(i);
    }
    if (candidates.empty()) return std::nullopt;
    return candidates[r_.below(candidates.size())];
  }

  std::size_t log_size() const { return log_.size(); }

 private:
  using seq_count = std::uint64_t;

  seq_count count(replica_state& rep) { return rep.d.version().get(rep.d.replica()); }

  void on_update(std::size_t k, const doc_delta& d, const origin& o) {
    replica_state& rep = at(k);
    rep.mir.on_update(o);
    EXPECT(!d.empty(), "observe_updates handed out an empty delta");
    if (o == origin::remote()) return;
    log_.push_back(d);
    for (std::size_t j = 0; j < size(); ++j) {
      if (j != k) at(j).inbox.push_back({log_.size() - 1, false});
    }
  }

  void apply_to(std::size_t i, const doc_delta& d) {
    replica_state& rep = at(i);
    begin(rep, origin::remote());
    auto ok = rep.d.apply(d);
    EXPECT_OK(ok, "apply of a delta with " << d.ops.size() << " op runs");
    after(i);
  }

  std::string_view random_key() { return kKeys[r_.below(std::size(kKeys))]; }

  // edit makes one random edit on `c` and returns how many op ids the
  // contract says it takes.
  std::uint64_t edit(const container& c) {
    const std::string p = path_of(c);
    switch (c.type()) {
      case container_type::text: {
        text_ref t = c.as_text();
        const std::size_t size = t.size();
        if (size == 0 || r_.chance(60)) {
          const std::size_t pos = r_.below(size + 1);
          const std::string s = utf8(random_string(r_, r_.between(1, 6)));
          if (verbose()) std::fprintf(stderr, "  %s.insert(%zu, \"%s\")\n", p.c_str(), pos, s.c_str());
          EXPECT_OK(t.insert(pos, s), p << ".insert(" << pos << ", \"" << s << "\")");
          return utf8_decode(s)->size();
        }
        const std::size_t pos = r_.below(size);
        const std::size_t len = std::min(r_.between(1, 4), size - pos);
        if (verbose()) std::fprintf(stderr, "  %s.erase(%zu, %zu)\n", p.c_str(), pos, len);
        EXPECT_OK(t.erase(pos, len), p << ".erase(" << pos << ", " << len << ")");
        return len;
      }
      case container_type::list: {
        list_ref l = c.as_list();
        const std::size_t size = l.size();
        const std::size_t roll = r_.below(100);
        if (size > 0 && roll < 30) {
          const std::size_t pos = r_.below(size);
          const std::size_t len = std::min(r_.between(1, 3), size - pos);
          if (verbose()) std::fprintf(stderr, "  %s.erase(%zu, %zu)\n", p.c_str(), pos, len);
          EXPECT_OK(l.erase(pos, len), p << ".erase(" << pos << ", " << len << ")");
          return len;
        }
        const std::size_t pos = r_.below(size + 1);
        if (roll < 70) {
          std::vector<value> vs(r_.between(1, 3));
          for (value& v : vs) v = random_scalar(r_);
          if (verbose()) {
            std::string js;
            for (const value& v : vs) js += v.to_json() + " ";
            std::fprintf(stderr, "  %s.insert(%zu, {%s})\n", p.c_str(), pos, js.c_str());
          }
          EXPECT_OK(l.insert(pos, vs), p << ".insert(" << pos << ", " << vs.size() << " values)");
          return vs.size();
        }
        const auto type = static_cast<container_type>(r_.between(1, 5));
        if (verbose()) {
          std::fprintf(stderr, "  %s.insert_%s(%zu)\n", p.c_str(), weft::container_type_name(type),
                       pos);
        }
        container made;
        switch (type) {
          case container_type::text: made = expect_made(l.insert_text(pos), p); break;
          case container_type::map: made = expect_made(l.insert_map(pos), p); break;
          case container_type::list: made = expect_made(l.insert_list(pos), p); break;
          case container_type::counter: made = expect_made(l.insert_counter(pos), p); break;
          case container_type::reg: made = expect_made(l.insert_register(pos), p); break;
        }
        auto got = l.get(pos);
        EXPECT(got.has_value() && got->is_container() && got->as_container() == made,
               p << ".insert_*: the list does not hold the new container at " << pos);
        return 1;
      }
      case container_type::map: {
        map_ref m = c.as_map();
        const std::string key(random_key());
        const std::size_t roll = r_.below(100);
        if (roll < 35) {
          const value v = random_scalar(r_);
          if (verbose()) {
            std::fprintf(stderr, "  %s.set(\"%s\", %s)\n", p.c_str(), key.c_str(),
                         v.to_json().c_str());
          }
          EXPECT_OK(m.set(key, v), p << ".set(\"" << key << "\")");
          return 1;
        }
        if (roll < 50) {
          const bool had = m.contains(key);
          if (verbose()) std::fprintf(stderr, "  %s.erase(\"%s\")\n", p.c_str(), key.c_str());
          EXPECT_OK(m.erase(key), p << ".erase(\"" << key << "\")");
          return had ? 1 : 0;
        }
        const auto type = static_cast<container_type>(r_.between(1, 5));
        if (roll < 65) {
          if (verbose()) {
            std::fprintf(stderr, "  %s.set_%s(\"%s\")\n", p.c_str(),
                         weft::container_type_name(type), key.c_str());
          }
          container made;
          switch (type) {
            case container_type::text: made = expect_made(m.set_text(key), p); break;
            case container_type::map: made = expect_made(m.set_map(key), p); break;
            case container_type::list: made = expect_made(m.set_list(key), p); break;
            case container_type::counter: made = expect_made(m.set_counter(key), p); break;
            case container_type::reg: made = expect_made(m.set_register(key), p); break;
          }
          auto got = m.get(key);
          EXPECT(got && got->is_container() && got->as_container() == made,
                 p << ".set_*(\"" << key << "\"): the key does not hold the new container");
          return 1;
        }
        const std::optional<value> old = m.get(key);
        const bool has_one = old && old->is_container() && old->as_container().type() == type;
        if (verbose()) {
          std::fprintf(stderr, "  %s.get_or_create_%s(\"%s\")\n", p.c_str(),
                       weft::container_type_name(type), key.c_str());
        }
        container made;
        switch (type) {
          case container_type::text: made = expect_made(m.get_or_create_text(key), p); break;
          case container_type::map: made = expect_made(m.get_or_create_map(key), p); break;
          case container_type::list: made = expect_made(m.get_or_create_list(key), p); break;
          case container_type::counter: made = expect_made(m.get_or_create_counter(key), p); break;
          case container_type::reg: made = expect_made(m.get_or_create_register(key), p); break;
        }
        EXPECT(!has_one || made == old->as_container(),
               p << ".get_or_create_*(\"" << key << "\") did not return the container there");
        auto got = m.get(key);
        EXPECT(got && got->is_container() && got->as_container() == made,
               p << ".get_or_create_*(\"" << key << "\"): the key does not hold it");
        return has_one ? 0 : 1;
      }
      case container_type::counter: {
        counter_ref k = c.as_counter();
        const std::int64_t d =
            r_.chance(5) ? 0 : static_cast<std::int64_t>(r_.between(1, 50)) * (r_.chance(50) ? 1 : -1);
        if (verbose()) std::fprintf(stderr, "  %s.add(%lld)\n", p.c_str(), static_cast<long long>(d));
        const std::int64_t cur = k.value();
        std::int64_t sum = 0;
        if (__builtin_add_overflow(cur, d, &sum)) {
          EXPECT(k.add(d).code() == errc::out_of_range, p << ".add(" << d << ") did not overflow");
          return 0;
        }
        EXPECT_OK(k.add(d), p << ".add(" << d << ")");
        return d == 0 ? 0 : 1;
      }
      case container_type::reg: {
        register_ref g = c.as_register();
        if (r_.chance(25)) {
          const bool had = !g.get_all().empty();
          if (verbose()) std::fprintf(stderr, "  %s.clear()\n", p.c_str());
          EXPECT_OK(g.clear(), p << ".clear()");
          return had ? 1 : 0;
        }
        const value v = random_scalar(r_);
        if (verbose()) std::fprintf(stderr, "  %s.set(%s)\n", p.c_str(), v.to_json().c_str());
        EXPECT_OK(g.set(v), p << ".set(" << v.to_json() << ")");
        return 1;
      }
    }
    return 0;
  }

  template <class Ref>
  container expect_made(weft::result<Ref> res, const std::string& p) {
    EXPECT_OK(res, p << ": creating a nested container");
    return *res;
  }

  rng& r_;
  std::vector<std::unique_ptr<replica_state>> reps_;
  std::vector<doc_delta> log_;
};

void expect_deep(doc& d, std::size_t i) {
  auto ok = weft::internal::check(d, true);
  EXPECT(ok.has_value(), "deep check of replica " << i << " failed: " << describe(ok.error()));
}

void expect_converged(network& net) {
  const std::string want = net.at(0).d.to_json();
  for (std::size_t i = 0; i < net.size(); ++i) {
    replica_state& rep = net.at(i);
    EXPECT(rep.d.pending_ops() == 0,
           "replica " << i << " still has " << rep.d.pending_ops() << " pending ops");
    EXPECT(rep.d.to_json() == want,
           "replica " << i << " diverged:\n  " << rep.d.to_json() << "\nvs replica 0:\n  " << want);
    EXPECT(rep.d.version() == net.at(0).d.version(),
           "replica " << i << " version " << rep.d.version().to_string() << " vs "
                      << net.at(0).d.version().to_string());
    net.expect_mirror(i);
    expect_deep(rep.d, i);
  }
}

void deliver_everything(network& net) {
  while (auto i = net.random_replica_with_mail()) {
    while (net.deliver_one(*i)) {
    }
  }
}

void run_seed(std::uint64_t seed) {
  rng r(seed);
  network net(seed, r);
  g_trail.action = "seeding the roots";
  net.seed_roots();
  net.make_undo_managers();

  for (g_trail.step = 1; g_trail.step <= kStepsPerSeed; ++g_trail.step) {
    const std::size_t roll = r.below(100);
    const std::size_t i = net.random_replica();
    replica_state& rep = net.at(i);
    // Each replica's clock runs on its own; sometimes within the capture
    // window of its last edit, sometimes past it.
    rep.clock += static_cast<std::int64_t>(r.below(900));
    if (roll < 40) {
      g_trail.action = "local edit on replica " + std::to_string(i);
      if (verbose()) std::fprintf(stderr, "r%zu:\n", i);
      net.begin(rep, origin::local());
      net.local_op(i);
      net.after(i);
    } else if (roll < 48) {
      g_trail.action = "transaction on replica " + std::to_string(i);
      net.begin(rep, origin::local());
      net.transact(i);
      net.after(i);
    } else if (roll < 55) {
      g_trail.action = "undo on replica " + std::to_string(i);
      net.begin(rep, origin::undo());
      net.undo(i, false);
      net.after(i);
    } else if (roll < 58) {
      g_trail.action = "redo on replica " + std::to_string(i);
      net.begin(rep, origin::redo());
      net.undo(i, true);
      net.after(i);
    } else if (roll < 60) {
      g_trail.action = "stop_capturing on replica " + std::to_string(i);
      rep.um->stop_capturing();
    } else if (roll < 62) {
      g_trail.action = "refused edit on replica " + std::to_string(i);
      net.refusal(i);
    } else if (roll < 88) {
      g_trail.action = "deliver";
      if (auto j = net.random_replica_with_mail()) net.deliver_one(*j);
    } else if (roll < 93) {
      g_trail.action = "full-state sync";
      const std::size_t b = (i + 1 + r.below(net.size() - 1)) % net.size();
      net.sync(i, b);
      if (r.chance(50)) net.sync(b, i);
    } else {
      g_trail.action = "drain an inbox";
      if (auto j = net.random_replica_with_mail()) {
        while (net.deliver_one(*j)) {
        }
      }
    }
  }

  g_trail.action = "final delivery";
  deliver_everything(net);
  g_trail.action = "convergence";
  expect_converged(net);

  // Every replica unwinds a few steps more and the network settles again:
  // undo after convergence, of steps whose containers may be gone.
  g_trail.action = "undo after convergence";
  for (std::size_t i = 0; i < net.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      net.begin(net.at(i), origin::undo());
      net.undo(i, false);
      net.after(i);
    }
  }
  deliver_everything(net);
  g_trail.action = "convergence after undo";
  expect_converged(net);

  g_trail.action = "fresh replica from full state";
  replica_state fresh(replica_id{0xF2E5});
  for (const root_spec& spec : kRoots) {
    container c = get_root(fresh.d, spec);
    fresh.mir.add_root(c, root_key(spec));
    fresh.subs.push_back(c.observe_deep(
        [&fresh, c](const std::vector<weft::event>& evs) { fresh.mir.on_events(c, evs); }));
  }
  fresh.subs.push_back(fresh.d.observe_updates(
      [&fresh](const doc_delta&, const origin& o) { fresh.mir.on_update(o); }));
  fresh.mir.begin(origin::remote());
  auto all = fresh.d.apply(net.at(0).d.delta_since(version_vector{}));
  EXPECT_OK(all, "apply(delta_since({}))");
  EXPECT(fresh.d.to_json() == net.at(0).d.to_json(), "state transfer differs");
  EXPECT(fresh.d.version() == net.at(0).d.version(), "state transfer version differs");
  EXPECT(fresh.d.pending_ops() == 0, "state transfer left ops pending");
  EXPECT(fresh.mir.render() == fresh.d.to_json(),
         "the mirror of a state transfer differs:\n  mirror:  " << fresh.mir.render()
                                                                << "\n  to_json: "
                                                                << fresh.d.to_json());
  expect_deep(fresh.d, 99);
}

}  // namespace

TEST_CASE("doc: random replicas converge, events mirror every change", "[doc][random]") {
  const char* name = "doc: random replicas converge, events mirror every change";
  const seed_plan plan = plan_seeds();
  std::uint64_t passed = 0;
  for (std::uint64_t s = plan.first; s < plan.first + plan.count; ++s) {
    g_trail = trail{s, 0, "setup"};
    INFO(reproduce_hint(s, "WEFT_FUZZ_VERBOSE=1 ./doc_convergence_test", name));
    run_seed(s);
    ++passed;
  }
  REQUIRE(passed == plan.count);
}
