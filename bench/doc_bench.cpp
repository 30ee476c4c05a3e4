// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: doc_bench.cpp
// -----------------------------------------------------------------------------
//
// Benchmarks of the document layer (weft::doc and its map, list and counter
// containers) on synthetic workloads, each against a plain container with no
// CRDT metadata as the floor:
//
//   map                 1,000,000 map sets of int64 values over 10,000 keys
//                       ("k0" .. "k9999", the key of each set drawn at
//                       random), one doc
//   list_append         100,000 push_backs of ints, one doc
//   list_random_insert  100,000 inserts of ints at random positions in
//                       [0, size], one doc
//   counter             1,000,000 adds (nonzero amounts in [-5, 5]) spread
//                       over 100 replicas: 100 docs forked from one empty
//                       doc with distinct replica ids, each making 10,000
//                       local adds to the root counter "c"
//
// and for each of them:
//
//   <workload>/local/weft        the edits above as local ops, each its own
//                                transaction (no transact()), timed in total
//   <workload>/apply_delta/weft  delta_since({}) of the finished doc (for the
//                                counter: of one doc that merged all 100
//                                replicas) applied to an empty replica
//   <workload>/local/baseline    the same edits on std::unordered_map<
//                                std::string, int64_t>, std::vector<int64_t>,
//                                or 100 plain int64 sums
//   counter/merge_100_deltas/weft  the 100 replicas' own delta_since({})
//                                applied one after the other to an empty doc
//
// Random draws come from splitmix64 with fixed seeds, so every run does the
// same edits. Counters: bytes_per_elem = doc::memory_usage() / elements
// (map: per key, and bytes_per_set per set; list: per element; counter: per
// add, over all 100 replica docs for the local run); delta_ops = op_count()
// of the full delta of the finished doc (counter local: of the 100 replicas'
// own deltas together); deltas = how many deltas an apply benchmark applies.
//
// Every workload's weft result is checked against its baseline, and every
// applied delta against its source, once before anything is timed; a
// workload that fails the check is reported and its weft benchmarks are
// skipped. Building fresh replicas and destroying documents are not timed
// (for weft and the baselines alike). Times are wall time (UseRealTime); the
// summary shows CPU time beside it.
//
// After the run a markdown summary with the weft / baseline ratios is printed
// (median of the repetitions when --benchmark_repetitions is given). Run it
// from a Release build, e.g.
//
//   cmake --build build/release --target weft_doc_bench
//   build/release/bench/weft_doc_bench --benchmark_min_time=0.1

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "weft/counter_ref.hpp"
#include "weft/doc.hpp"
#include "weft/doc_delta.hpp"
#include "weft/list_ref.hpp"
#include "weft/map_ref.hpp"
#include "weft/op_id.hpp"
#include "weft/result.hpp"
#include "weft/value.hpp"
#include "weft/version_vector.hpp"

namespace {

using weft::doc;
using weft::doc_delta;
using weft::replica_id;
using weft::bench::fmt;

constexpr std::size_t kMapSets = 1'000'000;
constexpr std::size_t kMapKeys = 10'000;
constexpr std::size_t kListOps = 100'000;
constexpr std::size_t kCounterReplicas = 100;
constexpr std::size_t kAddsPerReplica = 10'000;
constexpr std::size_t kCounterAdds = kCounterReplicas * kAddsPerReplica;

// The replica that receives full deltas: distinct from every editing one.
constexpr replica_id kReceiver{1'000'000};

// splitmix64 is a tiny, well-mixed generator: enough for positions and keys,
// and the same sequence on every platform (std:: distributions are not).
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // below returns a draw in [0, n); the modulo bias is irrelevant here.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t s_;
};

std::string describe(const weft::error& e) {
  return std::string(weft::errc_name(e.code)) + ": " + e.message;
}

double per(std::size_t bytes, std::size_t n) {
  return n == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(n);
}

// full_delta returns what a new replica needs to catch up with `d`.
doc_delta full_delta(const doc& d) { return d.delta_since(weft::version_vector{}); }

// replicate_full sets `full` to the full delta of `d` and checks that it
// rebuilds `d` on an empty replica `r`, whose memory_usage() it stores in
// `applied_memory`. It returns what went wrong, prefixed with `what` (and
// naming `d` as `source`), or an empty string.
std::string replicate_full(const doc& d, replica_id r, const std::string& what,
                           const char* source, doc_delta& full, std::size_t& applied_memory) {
  full = full_delta(d);
  doc replica(r);
  if (auto res = replica.apply(full); !res) {
    return what + ": applying the full delta failed: " + describe(res.error());
  }
  if (replica.pending_ops() != 0 || replica.to_json() != d.to_json()) {
    return what + ": the replica built from the full delta differs from " + source;
  }
  applied_memory = replica.memory_usage();
  return {};
}

// ---------------------------------------------------------------------------
// Map: 1,000,000 sets over 10,000 keys
// ---------------------------------------------------------------------------

struct map_input {
  std::vector<std::string> keys;      // "k0" .. "k9999"
  std::vector<std::uint32_t> key_of;  // set i writes the value i to keys[key_of[i]]
  doc_delta full;                     // of the finished doc
  std::size_t memory = 0;             // memory_usage() of the finished doc
  std::size_t applied_memory = 0;     // of the replica built from `full`
  std::size_t distinct_keys = 0;
  std::string error;  // non-empty: weft computed something wrong; not timed
};

weft::result<void> run_map_weft(doc& d, const map_input& in) {
  weft::map_ref m = d.get_map("m");
  for (std::size_t i = 0; i < in.key_of.size(); ++i) {
    auto r = m.set(in.keys[in.key_of[i]], weft::value(static_cast<std::int64_t>(i)));
    if (!r) return r;
  }
  return {};
}

void run_map_baseline(std::unordered_map<std::string, std::int64_t>& m, const map_input& in) {
  for (std::size_t i = 0; i < in.key_of.size(); ++i) {
    m[in.keys[in.key_of[i]]] = static_cast<std::int64_t>(i);
  }
}

map_input prepare_map() {
  map_input in;
  in.keys.reserve(kMapKeys);
  for (std::size_t k = 0; k < kMapKeys; ++k) {
    // Appended rather than "k" + to_string: g++ 12 -O3 raises a false
    // -Wrestrict on the latter.
    std::string key = "k";
    key += std::to_string(k);
    in.keys.push_back(std::move(key));
  }
  splitmix64 rng(0x6D6170);  // "map"
  in.key_of.reserve(kMapSets);
  for (std::size_t i = 0; i < kMapSets; ++i) {
    in.key_of.push_back(static_cast<std::uint32_t>(rng.below(kMapKeys)));
  }
  std::unordered_map<std::string, std::int64_t> want;
  run_map_baseline(want, in);
  in.distinct_keys = want.size();

  doc d(replica_id{1});
  if (auto r = run_map_weft(d, in); !r) {
    in.error = "map set failed: " + describe(r.error());
    return in;
  }
  if (d.op_count() != kMapSets) {
    in.error = "map: op_count " + std::to_string(d.op_count()) + ", want " +
               std::to_string(kMapSets);
    return in;
  }
  weft::map_ref m = d.get_map("m");
  if (m.size() != want.size()) {
    in.error = "map: size " + std::to_string(m.size()) + ", want " + std::to_string(want.size());
    return in;
  }
  for (const auto& [key, v] : want) {
    const auto got = m.get(key);
    if (!got || got->kind() != weft::value_kind::integer || got->as_int() != v) {
      in.error = "map: key " + key + " does not hold " + std::to_string(v);
      return in;
    }
  }
  in.memory = d.memory_usage();
  in.error = replicate_full(d, kReceiver, "map", "its source", in.full, in.applied_memory);
  return in;
}

// ---------------------------------------------------------------------------
// List: 100,000 appends, or 100,000 inserts at random positions
// ---------------------------------------------------------------------------

struct list_input {
  bool append = false;            // push_back; otherwise insert at pos[i]
  std::vector<std::uint32_t> pos;  // insert i (value i) goes to index pos[i]
  doc_delta full;
  std::size_t memory = 0;
  std::size_t applied_memory = 0;
  std::string error;
};

weft::result<void> run_list_weft(doc& d, const list_input& in) {
  weft::list_ref l = d.get_list("l");
  for (std::size_t i = 0; i < in.pos.size(); ++i) {
    const weft::value v(static_cast<std::int64_t>(i));
    auto r = in.append ? l.push_back(v) : l.insert(in.pos[i], v);
    if (!r) return r;
  }
  return {};
}

void run_list_baseline(std::vector<std::int64_t>& v, const list_input& in) {
  for (std::size_t i = 0; i < in.pos.size(); ++i) {
    if (in.append) {
      v.push_back(static_cast<std::int64_t>(i));
    } else {
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(in.pos[i]), static_cast<std::int64_t>(i));
    }
  }
}

list_input prepare_list(bool append) {
  list_input in;
  in.append = append;
  const std::string what = append ? "list_append" : "list_random_insert";
  splitmix64 rng(0x6C697374);  // "list"
  in.pos.reserve(kListOps);
  for (std::size_t i = 0; i < kListOps; ++i) {
    in.pos.push_back(static_cast<std::uint32_t>(append ? i : rng.below(i + 1)));
  }
  std::vector<std::int64_t> want;
  run_list_baseline(want, in);

  doc d(replica_id{1});
  if (auto r = run_list_weft(d, in); !r) {
    in.error = what + ": insert failed: " + describe(r.error());
    return in;
  }
  if (d.op_count() != kListOps) {
    in.error = what + ": op_count " + std::to_string(d.op_count()) + ", want " +
               std::to_string(kListOps);
    return in;
  }
  const std::vector<weft::value> got = d.get_list("l").values();
  bool same = got.size() == want.size();
  for (std::size_t i = 0; same && i < got.size(); ++i) {
    same = got[i].kind() == weft::value_kind::integer && got[i].as_int() == want[i];
  }
  if (!same) {
    in.error = what + ": the list differs from the std::vector replay";
    return in;
  }
  in.memory = d.memory_usage();
  in.error = replicate_full(d, kReceiver, what, "its source", in.full, in.applied_memory);
  return in;
}

// ---------------------------------------------------------------------------
// Counter: 1,000,000 adds over 100 replicas
// ---------------------------------------------------------------------------

struct counter_input {
  // Replica r's adds are amounts[r * kAddsPerReplica ...] in order.
  std::vector<std::int64_t> amounts;
  std::int64_t sum = 0;
  std::vector<doc_delta> per_replica;  // delta_since({}) of each replica
  doc_delta full;                      // of one doc that merged them all
  std::size_t memory = 0;              // all 100 replica docs together
  std::size_t merged_memory = 0;
  std::size_t applied_memory = 0;
  std::string error;
};

// make_replicas returns the 100 editing replicas: forks of one empty doc
// (so they share its id, as replicas of one document do), replica ids 2..101.
std::vector<doc> make_replicas() {
  const doc origin(replica_id{1});
  std::vector<doc> out;
  out.reserve(kCounterReplicas);
  for (std::size_t r = 0; r < kCounterReplicas; ++r) {
    out.push_back(origin.fork(replica_id{r + 2}));
  }
  return out;
}

weft::result<void> run_counter_weft(std::vector<doc>& replicas, const counter_input& in) {
  for (std::size_t r = 0; r < replicas.size(); ++r) {
    weft::counter_ref c = replicas[r].get_counter("c");
    const std::int64_t* a = in.amounts.data() + r * kAddsPerReplica;
    for (std::size_t i = 0; i < kAddsPerReplica; ++i) {
      auto res = c.add(a[i]);
      if (!res) return res;
    }
  }
  return {};
}

// run_counter_baseline is what each replica would keep without a CRDT: its
// own int64, read as one sum.
std::int64_t run_counter_baseline(std::vector<std::int64_t>& replicas, const counter_input& in) {
  for (std::size_t r = 0; r < replicas.size(); ++r) {
    const std::int64_t* a = in.amounts.data() + r * kAddsPerReplica;
    for (std::size_t i = 0; i < kAddsPerReplica; ++i) replicas[r] += a[i];
  }
  std::int64_t total = 0;
  for (const std::int64_t v : replicas) total += v;
  return total;
}

// merge_deltas applies deltas[0, n) in order to `d`.
weft::result<void> merge_deltas(doc& d, const doc_delta* deltas, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    auto r = d.apply(deltas[i]);
    if (!r) return r;
  }
  return {};
}

counter_input prepare_counter() {
  counter_input in;
  splitmix64 rng(0x636F756E74);  // "count"
  in.amounts.reserve(kCounterAdds);
  for (std::size_t i = 0; i < kCounterAdds; ++i) {
    // add(0) records no op: draw from [-5, -1] and [1, 5].
    const auto k = static_cast<std::int64_t>(rng.below(10));
    in.amounts.push_back(k < 5 ? k - 5 : k - 4);
  }
  std::vector<std::int64_t> plain(kCounterReplicas, 0);
  in.sum = run_counter_baseline(plain, in);

  std::vector<doc> replicas = make_replicas();
  if (auto r = run_counter_weft(replicas, in); !r) {
    in.error = "counter: add failed: " + describe(r.error());
    return in;
  }
  for (std::size_t r = 0; r < replicas.size(); ++r) {
    if (replicas[r].op_count() != kAddsPerReplica ||
        replicas[r].get_counter("c").value() != plain[r]) {
      in.error = "counter: replica " + std::to_string(r) + " has op_count " +
                 std::to_string(replicas[r].op_count()) + " and value " +
                 std::to_string(replicas[r].get_counter("c").value()) + ", want " +
                 std::to_string(kAddsPerReplica) + " and " + std::to_string(plain[r]);
      return in;
    }
    in.memory += replicas[r].memory_usage();
    in.per_replica.push_back(full_delta(replicas[r]));
  }
  doc merged(kReceiver);
  if (auto r = merge_deltas(merged, in.per_replica.data(), in.per_replica.size()); !r) {
    in.error = "counter: merging the replicas' deltas failed: " + describe(r.error());
    return in;
  }
  if (merged.op_count() != kCounterAdds || merged.get_counter("c").value() != in.sum) {
    in.error = "counter: the merged doc has op_count " + std::to_string(merged.op_count()) +
               " and value " + std::to_string(merged.get_counter("c").value()) + ", want " +
               std::to_string(kCounterAdds) + " and " + std::to_string(in.sum);
    return in;
  }
  in.merged_memory = merged.memory_usage();
  in.error = replicate_full(merged, replica_id{kCounterReplicas + 2}, "counter", "the merged doc",
                            in.full, in.applied_memory);
  return in;
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

// Each iteration does the whole workload; destroying its result (and, where
// needed, building the next iteration's empty replicas) happens with the
// timer paused, once per iteration: microseconds against milliseconds.

// time_on_fresh_doc times `run` (weft::result<void>(doc&)) on a fresh doc of
// replica `id` per iteration; destroying the doc is not timed. A failed run
// skips the benchmark with its error.
template <class Run>
void time_on_fresh_doc(benchmark::State& state, replica_id id, Run run) {
  std::optional<doc> d;
  std::string failure;
  for (auto _ : state) {
    d.emplace(id);
    if (auto r = run(*d); !r) {
      failure = describe(r.error());
      state.SkipWithError(failure.c_str());
      break;
    }
    benchmark::DoNotOptimize(d->op_count());
    state.PauseTiming();
    d.reset();
    state.ResumeTiming();
  }
}

// time_on_fresh times `run` (void(T&)) on a fresh, default-built T per
// iteration; destroying it is not timed.
template <class T, class Run>
void time_on_fresh(benchmark::State& state, Run run) {
  std::optional<T> c;
  for (auto _ : state) {
    c.emplace();
    run(*c);
    state.PauseTiming();
    c.reset();
    state.ResumeTiming();
  }
}

// skip_if_broken skips a weft benchmark whose workload failed its check.
bool skip_if_broken(benchmark::State& state, const std::string& error) {
  if (error.empty()) return false;
  state.SkipWithError(error.c_str());
  return true;
}

void bm_map_weft_local(benchmark::State& state, const map_input* in) {
  if (skip_if_broken(state, in->error)) return;
  time_on_fresh_doc(state, replica_id{1}, [in](doc& d) { return run_map_weft(d, *in); });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMapSets));
  state.counters["bytes_per_elem"] = per(in->memory, in->distinct_keys);
  state.counters["bytes_per_set"] = per(in->memory, kMapSets);
  state.counters["delta_ops"] = static_cast<double>(in->full.op_count());
}

void bm_map_baseline(benchmark::State& state, const map_input* in) {
  time_on_fresh<std::unordered_map<std::string, std::int64_t>>(state, [in](auto& m) {
    run_map_baseline(m, *in);
    benchmark::DoNotOptimize(m.size());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMapSets));
}

void bm_list_weft_local(benchmark::State& state, const list_input* in) {
  if (skip_if_broken(state, in->error)) return;
  time_on_fresh_doc(state, replica_id{1}, [in](doc& d) { return run_list_weft(d, *in); });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kListOps));
  state.counters["bytes_per_elem"] = per(in->memory, kListOps);
  state.counters["delta_ops"] = static_cast<double>(in->full.op_count());
}

void bm_list_baseline(benchmark::State& state, const list_input* in) {
  time_on_fresh<std::vector<std::int64_t>>(state, [in](auto& v) {
    run_list_baseline(v, *in);
    benchmark::DoNotOptimize(v.data());
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kListOps));
}

void bm_counter_weft_local(benchmark::State& state, const counter_input* in) {
  if (skip_if_broken(state, in->error)) return;
  std::vector<doc> replicas = make_replicas();
  std::string failure;
  for (auto _ : state) {
    if (auto r = run_counter_weft(replicas, *in); !r) {
      failure = describe(r.error());
      state.SkipWithError(failure.c_str());
      break;
    }
    benchmark::DoNotOptimize(replicas.front().op_count());
    state.PauseTiming();
    replicas = make_replicas();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCounterAdds));
  state.counters["bytes_per_elem"] = per(in->memory, kCounterAdds);
  // Each replica's own full delta; their sum is what syncing them all costs.
  std::uint64_t ops = 0;
  for (const doc_delta& d : in->per_replica) ops += d.op_count();
  state.counters["delta_ops"] = static_cast<double>(ops);
}

void bm_counter_baseline(benchmark::State& state, const counter_input* in) {
  std::vector<std::int64_t> replicas(kCounterReplicas, 0);
  for (auto _ : state) {
    std::fill(replicas.begin(), replicas.end(), 0);
    benchmark::DoNotOptimize(replicas.data());
    benchmark::DoNotOptimize(run_counter_baseline(replicas, *in));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCounterAdds));
}

// bm_apply_deltas applies deltas[0, n) in order to an empty replica: the
// one full delta of a finished doc, or the counter replicas' 100 deltas.
void bm_apply_deltas(benchmark::State& state, const doc_delta* deltas, std::size_t n,
                     const std::string* error, std::size_t elements,
                     std::size_t applied_memory) {
  if (skip_if_broken(state, *error)) return;
  std::uint64_t ops = 0;
  for (std::size_t i = 0; i < n; ++i) ops += deltas[i].op_count();
  time_on_fresh_doc(state, kReceiver, [deltas, n](doc& d) { return merge_deltas(d, deltas, n); });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ops));
  state.counters["bytes_per_elem"] = per(applied_memory, elements);
  state.counters["delta_ops"] = static_cast<double>(ops);
  state.counters["deltas"] = static_cast<double>(n);
}

// ---------------------------------------------------------------------------
// Summary: the console output plus a markdown table of ratios to the floor
// ---------------------------------------------------------------------------

struct summary_row {
  std::string workload;
  std::string elements;  // what bytes per element divides by
  std::string local;     // benchmark names
  std::string apply;
  std::string baseline;
  std::string extra;  // a further weft benchmark shown under the row, or empty
};

class summary_reporter : public weft::bench::collecting_reporter {
 public:
  using collecting_reporter::collecting_reporter;

  void set_rows(std::vector<summary_row> rows) { rows_ = std::move(rows); }

 protected:
  void print_summary(std::ostream& out) override {
    // Wall time first, as measured; CPU time beside it because on a shared
    // machine wall time also counts other processes (on an idle one they
    // agree).
    out << "\nsummary (" << (any_median() ? "median" : "single-run")
        << " time per run, ms: wall (cpu); ratio = weft local / baseline, wall (cpu); "
           "bytes per element = doc::memory_usage() / elements, of the doc built by local "
           "ops and of the replica built by applying the delta)\n\n";
    out << "| workload | local ms | apply-delta ms | baseline ms | ratio | bytes/elem local "
           "| bytes/elem applied | delta ops |\n";
    out << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const summary_row& row : rows_) {
      const entry* local = find(row.local);
      const entry* apply = find(row.apply);
      const entry* base = find(row.baseline);
      if (!local && !apply && !base) continue;
      const std::string ratio =
          local && base && base->wall_ms > 0 && base->cpu_ms > 0
              ? fmt(local->wall_ms / base->wall_ms, "%.1fx") + " (" +
                    fmt(local->cpu_ms / base->cpu_ms, "%.1fx") + ")"
              : "-";
      out << "| " << row.workload << " | " << ms(local) << " | " << ms(apply) << " | "
          << ms(base) << " | " << ratio << " | " << counter(local, "bytes_per_elem", "%.1f")
          << " per " << row.elements << " | " << counter(apply, "bytes_per_elem", "%.1f")
          << " | " << counter(apply, "delta_ops", "%.0f") << " |\n";
    }
    out << "\ncounter: bytes/elem local sums the 100 replica docs; applied is the one "
           "replica built from the merged doc's delta.";
    for (const summary_row& row : rows_) {
      if (const entry* local = find(row.local); local && local->counters.count("bytes_per_set")) {
        out << "\n" << row.workload << ": " << counter(local, "bytes_per_set", "%.1f")
            << " bytes per set op (local doc).";
      }
      if (const entry* extra = find(row.extra)) {
        out << "\n" << row.extra << ": " << ms(extra) << " ms wall (cpu), "
            << counter(extra, "delta_ops", "%.0f") << " ops in "
            << counter(extra, "deltas", "%.0f") << " deltas.";
      }
    }
    out << "\n";
  }

 private:
  // ms prints with three significant-ish digits: the floors run in well
  // under a millisecond, the weft runs in hundreds.
  static std::string ms(const entry* e) {
    if (e == nullptr) return "-";
    return ms(e->wall_ms) + " (" + ms(e->cpu_ms) + ")";
  }
  static std::string ms(double v) {
    return fmt(v, v < 1 ? "%.3f" : v < 100 ? "%.2f" : "%.0f");
  }

  std::vector<summary_row> rows_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Built and checked once; the timed loops only read them.
  const map_input map_in = prepare_map();
  const list_input append_in = prepare_list(true);
  const list_input random_in = prepare_list(false);
  const counter_input counter_in = prepare_counter();
  for (const std::string* e :
       {&map_in.error, &append_in.error, &random_in.error, &counter_in.error}) {
    if (!e->empty()) std::cerr << "weft_doc_bench: check failed, not timed: " << *e << "\n";
  }

  auto reg = [](const std::string& name, auto fn, auto... args) {
    benchmark::RegisterBenchmark(name.c_str(), fn, args...)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  };

  reg("map/local/weft", bm_map_weft_local, &map_in);
  reg("map/apply_delta/weft", bm_apply_deltas, &map_in.full, std::size_t{1}, &map_in.error,
      map_in.distinct_keys, map_in.applied_memory);
  reg("map/local/baseline", bm_map_baseline, &map_in);

  reg("list_append/local/weft", bm_list_weft_local, &append_in);
  reg("list_append/apply_delta/weft", bm_apply_deltas, &append_in.full, std::size_t{1},
      &append_in.error, kListOps, append_in.applied_memory);
  reg("list_append/local/baseline", bm_list_baseline, &append_in);

  reg("list_random_insert/local/weft", bm_list_weft_local, &random_in);
  reg("list_random_insert/apply_delta/weft", bm_apply_deltas, &random_in.full,
      std::size_t{1}, &random_in.error, kListOps, random_in.applied_memory);
  reg("list_random_insert/local/baseline", bm_list_baseline, &random_in);

  reg("counter/local/weft", bm_counter_weft_local, &counter_in);
  reg("counter/apply_delta/weft", bm_apply_deltas, &counter_in.full, std::size_t{1},
      &counter_in.error, kCounterAdds, counter_in.applied_memory);
  reg("counter/merge_100_deltas/weft", bm_apply_deltas,
      counter_in.per_replica.data(), counter_in.per_replica.size(), &counter_in.error, kCounterAdds, counter_in.merged_memory);
  reg("counter/local/baseline", bm_counter_baseline, &counter_in);

  // Not tabular: the benchmarks have different counters, and a table would
  // repeat its header for each.
  summary_reporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                  : benchmark::ConsoleReporter::OO_None);
  auto row = [](const std::string& w, const std::string& elements, std::string extra = {}) {
    return summary_row{w, elements, w + "/local/weft", w + "/apply_delta/weft",
                       w + "/local/baseline", std::move(extra)};
  };
  reporter.set_rows({row("map", "key"), row("list_append", "element"),
                     row("list_random_insert", "element"),
                     row("counter", "add", "counter/merge_100_deltas/weft")});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
