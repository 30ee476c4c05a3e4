// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: trace.hpp
// -----------------------------------------------------------------------------
//
// Loader for the editing traces in shared/traces (see FORMAT.md there): gzip
// JSON recordings of people typing. Tests replay them for conformance and the
// benchmarks for speed, so the loader turns them into plain structs once and
// nobody downstream touches JSON or zlib.
//
// Positions and delete counts are in code points, exactly as in the files.

#ifndef WEFT_TESTS_SUPPORT_TRACE_HPP_
#define WEFT_TESTS_SUPPORT_TRACE_HPP_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::testing {

// trace_patch removes `del` code points at `pos`, then inserts `ins` there.
struct trace_patch {
  std::size_t pos = 0;
  std::size_t del = 0;
  std::string ins;  // UTF-8
};

// trace_txn is one transaction. `parents` and `agent` are only meaningful
// for concurrent traces (empty / 0 otherwise).
struct trace_txn {
  std::vector<trace_patch> patches;
  std::vector<std::size_t> parents;
  std::uint32_t agent = 0;
};

struct trace {
  bool concurrent = false;
  std::uint32_t num_agents = 1;
  std::string end_content;  // UTF-8
  std::vector<trace_txn> txns;

  // patch_count is the total number of patches over all transactions.
  std::size_t patch_count() const noexcept;
};

// load_trace reads and parses a `.json.gz` (or plain `.json`) trace file.
// Throws std::runtime_error with the path in the message on any failure, so
// a missing shared/ directory is reported plainly rather than as a crash.
trace load_trace(const std::string& path);

// parse_trace parses already decompressed JSON text.
trace parse_trace(std::string_view json);

// traces_dir returns the directory holding the traces: $WEFT_TRACES_DIR if
// set in the environment, else the WEFT_TRACES_DIR compile definition.
std::string traces_dir();

// trace_path joins traces_dir() and `name` (e.g. "automerge-paper.json.gz").
std::string trace_path(std::string_view name);

// utf8_length counts the code points of well-formed UTF-8.
std::size_t utf8_length(std::string_view utf8) noexcept;

// utf8_offset returns the byte offset of code point `cp` in `utf8`, clamped
// to utf8.size().
std::size_t utf8_offset(std::string_view utf8, std::size_t cp) noexcept;

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_TRACE_HPP_
