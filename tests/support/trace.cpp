// Copyright 2026 The weft Authors. MIT License.

#include "trace.hpp"

#include <zlib.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace weft::testing {
namespace {

std::string read_gzip_file(const std::string& path) {
  // gzread also passes plain (uncompressed) files through unchanged, which
  // lets someone drop a hand-edited .json next to the real traces.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw std::runtime_error("cannot open trace file: " + path);
  }
  gzbuffer(f, 1 << 17);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      std::string what = "gzread failed on " + path + ": " + (msg ? msg : "?");
      gzclose(f);
      throw std::runtime_error(what);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return out;
}

// trace_reader builds a trace straight from SAX events. A DOM of a 260k-txn
// trace is millions of small allocations, which made loading take longer
// than the replay under sanitizers; the SAX path allocates only the result.
class trace_reader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit trace_reader(trace& out) : out_(out) {}

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t v) override {
    if (v < 0) return fail("negative number in trace");
    return number(static_cast<std::uint64_t>(v));
  }
  bool number_unsigned(number_unsigned_t v) override { return number(v); }
  bool number_float(number_float_t, const string_t&) override {
    return where() == ctx::patch || where() == ctx::parents || key_is_agent_field()
               ? fail("non-integer number in trace")
               : scalar();
  }
  bool string(string_t& v) override {
    if (where() == ctx::patch) {
      if (field_ != 2) return fail("trace patch is not [pos, del, ins]");
      out_.txns.back().patches.back().ins = std::move(v);
      ++field_;
      return true;
    }
    if (where() == ctx::root) {
      if (key_ == "endContent") {
        out_.end_content = std::move(v);
        saw_end_ = true;
      } else if (key_ == "kind") {
        out_.concurrent = v == "concurrent";
      }
    }
    return true;
  }
  bool binary(binary_t&) override { return scalar(); }

  bool start_object(std::size_t) override {
    if (where() == ctx::txns) {
      out_.txns.emplace_back();
      stack_.push_back(ctx::txn);
    } else {
      stack_.push_back(stack_.empty() ? ctx::root : ctx::other);
    }
    key_.clear();
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    const ctx at = where();
    if (at == ctx::root && key_ == "txns") {
      stack_.push_back(ctx::txns);
    } else if (at == ctx::txn && key_ == "patches") {
      stack_.push_back(ctx::patches);
    } else if (at == ctx::txn && key_ == "parents") {
      stack_.push_back(ctx::parents);
    } else if (at == ctx::patches) {
      out_.txns.back().patches.emplace_back();
      field_ = 0;
      stack_.push_back(ctx::patch);
    } else {
      stack_.push_back(ctx::other);
    }
    return true;
  }
  bool end_array() override {
    if (where() == ctx::patch && field_ != 3) return fail("trace patch is not [pos, del, ins]");
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& e) override {
    return fail(e.what());
  }

  bool saw_end_content() const { return saw_end_; }
  const std::string& error() const { return error_; }

 private:
  enum class ctx : std::uint8_t { root, txns, txn, patches, patch, parents, other };

  ctx where() const { return stack_.empty() ? ctx::other : stack_.back(); }
  bool key_is_agent_field() const { return where() == ctx::txn && key_ == "agent"; }

  bool scalar() {
    return where() == ctx::patch || where() == ctx::parents ? fail("unexpected value in trace")
                                                            : true;
  }

  bool number(std::uint64_t v) {
    switch (where()) {
      case ctx::patch: {
        trace_patch& p = out_.txns.back().patches.back();
        if (field_ == 0) {
          p.pos = static_cast<std::size_t>(v);
        } else if (field_ == 1) {
          p.del = static_cast<std::size_t>(v);
        } else {
          return fail("trace patch is not [pos, del, ins]");
        }
        ++field_;
        return true;
      }
      case ctx::parents:
        out_.txns.back().parents.push_back(static_cast<std::size_t>(v));
        return true;
      case ctx::txn:
        if (key_ == "agent") out_.txns.back().agent = static_cast<std::uint32_t>(v);
        return true;
      case ctx::root:
        if (key_ == "numAgents") out_.num_agents = static_cast<std::uint32_t>(v);
        return true;
      default:
        return true;
    }
  }

  bool fail(std::string what) {
    if (error_.empty()) error_ = std::move(what);
    return false;
  }

  trace& out_;
  std::vector<ctx> stack_;
  std::string key_;
  int field_ = 0;
  bool saw_end_ = false;
  std::string error_;
};

}  // namespace

std::size_t trace::patch_count() const noexcept {
  std::size_t n = 0;
  for (const trace_txn& t : txns) n += t.patches.size();
  return n;
}

trace parse_trace(std::string_view json) {
  trace out;
  trace_reader reader(out);
  const bool ok = nlohmann::json::sax_parse(json.begin(), json.end(), &reader);
  if (!ok) {
    throw std::runtime_error(reader.error().empty() ? std::string("malformed trace JSON")
                                                    : reader.error());
  }
  if (!reader.saw_end_content()) throw std::runtime_error("trace has no endContent");
  if (!out.concurrent) {
    out.num_agents = 1;
    for (trace_txn& t : out.txns) {
      t.parents.clear();
      t.agent = 0;
    }
    return out;
  }
  for (std::size_t i = 0; i < out.txns.size(); ++i) {
    const trace_txn& txn = out.txns[i];
    if (txn.agent >= out.num_agents) {
      throw std::runtime_error("trace txn " + std::to_string(i) + ": agent out of range");
    }
    for (std::size_t parent : txn.parents) {
      // Replays rely on array order being a topological order.
      if (parent >= i) {
        throw std::runtime_error("trace txn " + std::to_string(i) +
                                 ": a parent does not precede it");
      }
    }
  }
  return out;
}

trace load_trace(const std::string& path) {
  const std::string json = read_gzip_file(path);
  try {
    return parse_trace(json);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot parse trace " + path + ": " + e.what());
  }
}

std::string traces_dir() {
  if (const char* env = std::getenv("WEFT_TRACES_DIR"); env && *env) {
    return env;
  }
#ifdef WEFT_TRACES_DIR
  return WEFT_TRACES_DIR;
#else
  return "../shared/traces";
#endif
}

std::string trace_path(std::string_view name) {
  std::string dir = traces_dir();
  if (!dir.empty() && dir.back() != '/') dir.push_back('/');
  dir.append(name);
  return dir;
}

std::size_t utf8_length(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

std::size_t utf8_offset(std::string_view utf8, std::size_t cp) noexcept {
  std::size_t i = 0;
  while (i < utf8.size()) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (cp == 0) return i;
      --cp;
    }
    ++i;
  }
  return utf8.size();
}

}  // namespace weft::testing
