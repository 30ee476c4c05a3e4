// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: replay.hpp
// -----------------------------------------------------------------------------
//
// Replays of editing traces into weft::text, shared by tests/traces (which
// checks them) and bench/ (which times them), so that both measure and verify
// the same thing.
//
// A concurrent trace is replayed the way FORMAT.md describes: each agent owns
// a replica; before an agent's transaction, its replica merges the recorded
// deltas of every transaction in the transaction's causal history that it has
// not seen, then applies the patches as local edits and records the delta
// they produce (`delta_since(version before the txn)`).

#ifndef WEFT_TESTS_SUPPORT_REPLAY_HPP_
#define WEFT_TESTS_SUPPORT_REPLAY_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "support/trace.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/text.hpp"
#include "weft/text_change.hpp"
#include "weft/text_delta.hpp"

namespace weft::testing {

inline error replay_error(std::size_t txn, const std::string& what, const error& cause) {
  return make_error(cause.code, "txn " + std::to_string(txn) + ": " + what + ": " +
                                    cause.message);
}

// apply_patch applies one trace patch as local edits: erase, then insert.
inline result<void> apply_patch(text& t, const trace_patch& p) {
  if (p.del > 0) WEFT_TRY(t.erase(p.pos, p.del));
  if (!p.ins.empty()) WEFT_TRY(t.insert(p.pos, p.ins));
  return {};
}

// replay_sequential applies every patch of a sequential trace to `t` as
// local edits. `every` (if set) runs after each transaction.
inline result<void> replay_sequential(
    text& t, const trace& tr,
    const std::function<void(std::size_t txn, const text&)>& every = {}) {
  for (std::size_t i = 0; i < tr.txns.size(); ++i) {
    for (const trace_patch& p : tr.txns[i].patches) {
      auto ok = apply_patch(t, p);
      if (!ok) return replay_error(i, "local edit", ok.error());
    }
    if (every) every(i, t);
  }
  return {};
}

// concurrent_hooks lets a caller observe a concurrent replay.
struct concurrent_hooks {
  // on_merge runs after replica `agent` applied a remote delta.
  std::function<void(std::size_t agent, const text& replica,
                     const std::vector<text_change>& changes)>
      on_merge;
  // after_txn runs after txn `txn` was applied on its agent's replica.
  std::function<void(std::size_t txn, const text& replica)> after_txn;
};

struct concurrent_replay {
  std::vector<text> replicas;     // one per agent, id = agent + 1
  std::vector<text_delta> deltas;  // per txn: the delta its patches made
};

// replay_concurrent replays a concurrent trace and, at the end, delivers to
// every replica the deltas it has not seen, so all replicas hold everything.
inline result<concurrent_replay> replay_concurrent(const trace& tr,
                                                  const concurrent_hooks& hooks = {}) {
  const std::size_t agents = tr.num_agents;
  const std::size_t n = tr.txns.size();

  // Per agent, its txns in order; per txn, its index in that list and how
  // many txns of each agent its parents' history holds.
  std::vector<std::vector<std::size_t>> agent_txns(agents);
  std::vector<std::vector<std::uint32_t>> history(n, std::vector<std::uint32_t>(agents, 0));
  std::vector<std::vector<std::uint32_t>> needed(n);
  for (std::size_t i = 0; i < n; ++i) {
    const trace_txn& txn = tr.txns[i];
    std::vector<std::uint32_t> need(agents, 0);
    for (std::size_t p : txn.parents) {
      for (std::size_t b = 0; b < agents; ++b) need[b] = std::max(need[b], history[p][b]);
    }
    if (need[txn.agent] != agent_txns[txn.agent].size()) {
      return make_error(errc::malformed,
                        "txn " + std::to_string(i) + ": its agent's earlier txns are not "
                        "all in its history (the agent forked itself)");
    }
    history[i] = need;
    history[i][txn.agent] += 1;
    needed[i] = std::move(need);
    agent_txns[txn.agent].push_back(i);
  }

  concurrent_replay out;
  out.replicas.reserve(agents);
  for (std::size_t a = 0; a < agents; ++a) {
    out.replicas.emplace_back(replica_id{a + 1});
  }
  out.deltas.resize(n);
  // seen[a][b]: how many of b's txns replica a has integrated.
  std::vector<std::vector<std::uint32_t>> seen(agents, std::vector<std::uint32_t>(agents, 0));

  auto merge_up_to = [&](std::size_t a, std::size_t b, std::uint32_t count,
                         std::size_t at_txn) -> result<void> {
    while (seen[a][b] < count) {
      const std::size_t j = agent_txns[b][seen[a][b]];
      auto changes = out.replicas[a].apply(out.deltas[j]);
      if (!changes) {
        return replay_error(at_txn, "merging txn " + std::to_string(j), changes.error());
      }
      if (hooks.on_merge) hooks.on_merge(a, out.replicas[a], *changes);
      ++seen[a][b];
    }
    return {};
  };

  for (std::size_t i = 0; i < n; ++i) {
    const trace_txn& txn = tr.txns[i];
    const std::size_t a = txn.agent;
    for (std::size_t b = 0; b < agents; ++b) {
      if (b != a) WEFT_TRY(merge_up_to(a, b, needed[i][b], i));
    }
    text& t = out.replicas[a];
    const version_vector before = t.version();
    for (const trace_patch& p : txn.patches) {
      auto ok = apply_patch(t, p);
      if (!ok) return replay_error(i, "local edit", ok.error());
    }
    out.deltas[i] = t.delta_since(before);
    ++seen[a][a];
    if (hooks.after_txn) hooks.after_txn(i, t);
  }

  for (std::size_t a = 0; a < agents; ++a) {
    for (std::size_t b = 0; b < agents; ++b) {
      if (b != a) {
        WEFT_TRY(merge_up_to(a, b, static_cast<std::uint32_t>(agent_txns[b].size()), n));
      }
    }
  }
  return out;
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_REPLAY_HPP_
