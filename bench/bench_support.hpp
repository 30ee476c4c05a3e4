// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: bench_support.hpp
// -----------------------------------------------------------------------------
//
// What weft's benchmark executables share: a console reporter that also
// keeps every run's times and counters, so that a summary table can be
// printed after the run (from the median of the repetitions when
// --benchmark_repetitions is given, else the mean, else the single run),
// and the number formatting for that table.

#ifndef WEFT_BENCH_BENCH_SUPPORT_HPP_
#define WEFT_BENCH_BENCH_SUPPORT_HPP_

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

namespace weft::bench {

// to_ms converts a time reported in `unit` to milliseconds.
inline double to_ms(double v, benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond:
      return v / 1e6;
    case benchmark::kMicrosecond:
      return v / 1e3;
    case benchmark::kMillisecond:
      return v;
    case benchmark::kSecond:
      return v * 1e3;
  }
  return v;
}

// fmt formats one number with the printf format `f`.
inline std::string fmt(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// collecting_reporter prints what benchmark::ConsoleReporter prints and
// keeps, per benchmark name, the times and counters of its best run; after
// the run, if any run succeeded, it calls print_summary, which a subclass
// writes.
// trace_names lists the traces (shared/traces/<name>.json.gz) the trace
// benchmarks run, in the order their summaries print them.
inline const std::vector<std::string>& trace_names() {
  static const std::vector<std::string> names = {"automerge-paper", "seph-blog1",
                                                 "friendsforever"};
  return names;
}

class collecting_reporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  // set_traces names the traces the summary has rows for.
  void set_traces(std::vector<std::string> names) { traces_ = std::move(names); }

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      // The bare name: UseRealTime() appends "/real_time" to str().
      const std::string name = r.run_name.function_name;
      // Prefer the median, then the mean, then a single run.
      int rank = 0;
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") {
          rank = 3;
        } else if (r.aggregate_name == "mean") {
          rank = 2;
        } else {
          continue;
        }
      } else {
        rank = 1;
      }
      entry& e = results_[name];
      if (rank < e.rank) continue;
      e.rank = rank;
      e.wall_ms = to_ms(r.GetAdjustedRealTime(), r.time_unit);
      e.cpu_ms = to_ms(r.GetAdjustedCPUTime(), r.time_unit);
      e.counters.clear();
      for (const auto& [k, c] : r.counters) e.counters[k] = c.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    if (!results_.empty()) print_summary(GetOutputStream());
  }

 protected:
  std::vector<std::string> traces_;

  struct entry {
    int rank = 0;  // 3 median, 2 mean, 1 single run
    double wall_ms = 0;
    double cpu_ms = 0;
    std::map<std::string, double> counters;
  };

  // print_summary writes the summary after the console output.
  virtual void print_summary(std::ostream& out) = 0;

  // find returns the kept run of the benchmark `name`, or null (also for an
  // empty name).
  const entry* find(const std::string& name) const {
    if (name.empty()) return nullptr;
    auto it = results_.find(name);
    return it == results_.end() ? nullptr : &it->second;
  }

  // any_median says whether the kept runs are medians of repetitions.
  bool any_median() const {
    return std::any_of(results_.begin(), results_.end(),
                       [](const auto& kv) { return kv.second.rank == 3; });
  }

  // counter formats the counter `key` of `e` with `f`, or "-".
  static std::string counter(const entry* e, const std::string& key, const char* f) {
    if (e == nullptr) return "-";
    auto it = e->counters.find(key);
    return it == e->counters.end() ? std::string("-") : fmt(it->second, f);
  }

 private:
  std::map<std::string, entry> results_;
};

}  // namespace weft::bench

#endif  // WEFT_BENCH_BENCH_SUPPORT_HPP_
