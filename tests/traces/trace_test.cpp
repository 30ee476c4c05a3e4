// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: trace_test.cpp
// -----------------------------------------------------------------------------
//
// Conformance replays of real editing traces (shared/traces, see FORMAT.md):
// hundreds of thousands of keystrokes that must reproduce the recorded final
// document exactly, locally, through a full state transfer, and (for the
// concurrent trace) through two replicas merging each other's deltas in
// causal order. They also pin the run-length encoding: a state transfer of
// automerge-paper must stay in the tens of thousands of runs.

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "support/replay.hpp"
#include "support/trace.hpp"
#include "weft/text.hpp"
#include "weft/text_change.hpp"
#include "weft/text_delta.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::replica_id;
using weft::text;
using weft::text_change;
using weft::version_vector;
using weft::testing::trace;

// How often (in txns) the cheap invariant check runs during a replay.
constexpr std::size_t kCheckEvery = 5000;

std::string describe(const weft::error& e) {
  return std::string(weft::errc_name(e.code)) + ": " + e.message;
}

void require_invariants(const text& t, bool deep) {
  auto ok = weft::internal::check(t, deep);
  if (!ok) FAIL("check(deep=" << deep << ") failed: " << describe(ok.error()));
}

// u32 decodes well-formed UTF-8 (the trace's and the library's output).
std::u32string u32(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(c);
    i += n;
  }
  return out;
}

// follow applies reported changes to a code-point mirror.
void follow(std::u32string& mirror, const std::vector<text_change>& changes) {
  for (const text_change& c : changes) {
    REQUIRE(c.pos <= mirror.size());
    if (c.type == text_change::kind::insert) {
      mirror.insert(c.pos, u32(c.text));
    } else {
      REQUIRE(c.pos + c.len <= mirror.size());
      mirror.erase(c.pos, c.len);
    }
  }
}

const trace& load(const std::string& name) {
  // Each trace is parsed once per process even if several cases use it.
  static std::vector<std::pair<std::string, trace>> cache;
  for (const auto& [n, t] : cache) {
    if (n == name) return t;
  }
  INFO("traces directory: " << weft::testing::traces_dir()
                            << " (set WEFT_TRACES_DIR to override)");
  cache.emplace_back(name, weft::testing::load_trace(weft::testing::trace_path(name)));
  return cache.back().second;
}

void replay_sequential_trace(const std::string& name, std::size_t max_runs) {
  const trace& tr = load(name);
  REQUIRE_FALSE(tr.concurrent);

  text t(replica_id{1});
  std::size_t expected_size = 0;
  auto ok = weft::testing::replay_sequential(t, tr, [&](std::size_t i, const text& doc) {
    for (const auto& p : tr.txns[i].patches) {
      expected_size = expected_size - p.del + weft::testing::utf8_length(p.ins);
    }
    if (doc.size() != expected_size) {
      FAIL("txn " << i << ": size " << doc.size() << ", want " << expected_size);
    }
    if (i % kCheckEvery == 0) require_invariants(doc, false);
  });
  if (!ok) FAIL(name << ": replay failed: " << describe(ok.error()));
  REQUIRE(t.to_string() == tr.end_content);
  require_invariants(t, true);

  const weft::text_delta all = t.delta_since(version_vector{});
  const std::uint64_t ops = all.op_count();
  std::uint64_t expected_ops = 0;
  for (const auto& txn : tr.txns) {
    for (const auto& p : txn.patches) expected_ops += p.del + weft::testing::utf8_length(p.ins);
  }
  std::cout << name << ": " << tr.patch_count() << " patches -> full delta of "
            << all.runs.size() << " runs / " << ops << " ops, " << t.size()
            << " chars, memory_usage " << t.memory_usage() << " B ("
            << (t.size() ? static_cast<double>(t.memory_usage()) / static_cast<double>(t.size())
                         : 0.0)
            << " B/char)\n";
  CHECK(ops == expected_ops);
  CHECK(all.runs.size() < max_runs);

  text fresh(replica_id{2});
  auto changes = fresh.apply(all);
  if (!changes) FAIL("apply(full delta) failed: " << describe(changes.error()));
  REQUIRE(fresh.to_string() == tr.end_content);
  REQUIRE(fresh.version() == t.version());
  REQUIRE(fresh.pending_ops() == 0);
  std::u32string mirror;
  follow(mirror, *changes);
  REQUIRE(mirror == u32(tr.end_content));
  require_invariants(fresh, true);
}

}  // namespace

TEST_CASE("traces: automerge-paper replays exactly", "[traces]") {
  // The goal is tens of thousands of runs for 260k single-char edits.
  replay_sequential_trace("automerge-paper.json.gz", 100000);
}

TEST_CASE("traces: seph-blog1 replays exactly", "[traces]") {
  replay_sequential_trace("seph-blog1.json.gz", 137993);
}

TEST_CASE("traces: ascii_only/seph-blog1 replays exactly", "[traces]") {
  replay_sequential_trace("ascii_only/seph-blog1.json.gz", 137993);
}

TEST_CASE("traces: friendsforever converges across two replicas", "[traces]") {
  const trace& tr = load("friendsforever.json.gz");
  REQUIRE(tr.concurrent);
  REQUIRE(tr.num_agents == 2);

  // Each replica's mirror sees only its own patches and the changes its
  // merges report, so the change lists are checked along the way.
  std::vector<std::u32string> mirrors(tr.num_agents);
  std::size_t merges = 0;
  weft::testing::concurrent_hooks hooks;
  hooks.on_merge = [&](std::size_t agent, const text& replica,
                       const std::vector<text_change>& changes) {
    follow(mirrors[agent], changes);
    if (++merges % 1000 == 0) {
      require_invariants(replica, false);
      if (u32(replica.to_string()) != mirrors[agent]) {
        FAIL("agent " << agent << ": reported changes diverge from the text after merge "
                      << merges);
      }
    }
  };
  hooks.after_txn = [&](std::size_t i, const text& replica) {
    // Mirror the local patches too.
    std::u32string& m = mirrors[tr.txns[i].agent];
    for (const auto& p : tr.txns[i].patches) {
      REQUIRE(p.pos + p.del <= m.size());
      m.erase(p.pos, p.del);
      m.insert(p.pos, u32(p.ins));
    }
    if (replica.size() != m.size()) {
      FAIL("txn " << i << ": size " << replica.size() << ", mirror " << m.size());
    }
    if (i % kCheckEvery == 0) require_invariants(replica, false);
  };

  auto replay = weft::testing::replay_concurrent(tr, hooks);
  if (!replay) FAIL("replay failed: " << describe(replay.error()));
  std::vector<text>& replicas = replay->replicas;

  for (std::size_t a = 0; a < replicas.size(); ++a) {
    INFO("agent " << a);
    REQUIRE(replicas[a].to_string() == tr.end_content);
    REQUIRE(u32(tr.end_content) == mirrors[a]);
    REQUIRE(replicas[a].pending_ops() == 0);
    REQUIRE(replicas[a].version() == replicas[0].version());
    require_invariants(replicas[a], true);
  }

  // A state transfer of the merged document reproduces it too.
  const weft::text_delta all = replicas[0].delta_since(version_vector{});
  std::cout << "friendsforever: " << tr.txns.size() << " txns -> full delta of "
            << all.runs.size() << " runs / " << all.op_count() << " ops, "
            << replicas[0].size() << " chars\n";
  text fresh(replica_id{99});
  auto changes = fresh.apply(all);
  if (!changes) FAIL("apply(full delta) failed: " << describe(changes.error()));
  REQUIRE(fresh.to_string() == tr.end_content);
  REQUIRE(fresh.version() == replicas[0].version());
  require_invariants(fresh, true);
}
