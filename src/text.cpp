// Copyright 2026 The weft Authors. MIT License.

#include "weft/text.hpp"

#include <algorithm>
#include <utility>

#include "fmt/format.h"
#include "text_impl.hpp"
#include "weft/internal/utf8.hpp"

namespace weft {
namespace internal {

std::string describe(op_id id) {
  return fmt::format("{:016x}:{}", static_cast<std::uint64_t>(id.replica), id.seq);
}

// ---------------------------------------------------------------------------
// Construction and hooks

const sequence_hooks text_impl::hooks_{&text_impl::width_hook,
                                       &text_impl::prefix_hook,
                                       &text_impl::before_hook};

text_impl::text_impl(replica_id replica, const text_options& options)
    : replica_(replica), options_(options), seq_(hooks_, this) {
  options_.max_ops = std::min<std::uint64_t>(options_.max_ops, max_lv_count);
}

text_impl::text_impl(const text_impl& other, replica_id replica)
    : replica_(replica),
      options_(other.options_),
      ids_(other.ids_),
      log_(other.log_),
      content_(other.content_),
      seq_(hooks_, this),
      pending_(other.pending_),
      pending_ops_(other.pending_ops_) {
  seq_.copy_from(other.seq_);
}

std::uint32_t text_impl::width_hook(const void* ctx, lv_t lv, std::uint32_t len) {
  const auto* self = static_cast<const text_impl*>(ctx);
  return static_cast<std::uint32_t>(utf8_utf16_units(self->content_of(lv, len), len));
}

std::int64_t text_impl::prefix_hook(const void* ctx, lv_t lv, std::uint32_t len,
                                    std::uint32_t width) {
  const auto* self = static_cast<const text_impl*>(ctx);
  const auto n = utf8_prefix_for_utf16(self->content_of(lv, len), width);
  return n ? static_cast<std::int64_t>(*n) : -1;
}

bool text_impl::before_hook(const void* ctx, lv_t a, lv_t b) {
  const auto* self = static_cast<const text_impl*>(ctx);
  return self->ids_.to_id(a) < self->ids_.to_id(b);
}

std::size_t text_impl::content_offset(lv_t lv) const {
  const insert_entry* e = log_.find_insert(lv);
  WEFT_ASSERT(e != nullptr, "content requested for an lv that is no insert");
  const std::uint32_t k = lv - e->lv;
  if (e->content_bytes == e->len) return e->content_off + k;  // ASCII
  const std::string_view run(content_.data() + e->content_off, e->content_bytes);
  return e->content_off + utf8_advance(run, k);
}

std::string_view text_impl::content_of(lv_t lv, std::uint32_t len) const {
  const std::size_t off = content_offset(lv);
  const std::string_view rest(content_.data() + off, content_.size() - off);
  return rest.substr(0, utf8_advance(rest, len));
}

error text_impl::capacity_error(std::uint64_t ops, std::uint64_t bytes) const {
  if (ops > options_.max_ops - ids_.next_lv()) {
    return make_error(errc::capacity_exceeded,
                      fmt::format("text holds {} ops; {} more exceed its limit of {}",
                                  ids_.next_lv(), ops, options_.max_ops));
  }
  return make_error(errc::capacity_exceeded,
                    fmt::format("text content would exceed 4 GiB by {} bytes",
                                bytes - (max_content_bytes - content_.size())));
}

// ---------------------------------------------------------------------------
// Reading

std::string text_impl::to_string() const {
  std::string out;
  out.reserve(seq_.size());
  seq_.for_each([&](const seq_item& it) {
    if (!it.deleted()) out.append(content_of(it.lv, it.len()));
    return true;
  });
  return out;
}

result<std::string> text_impl::slice(std::size_t pos, std::size_t len) const {
  if (pos > size()) {
    return make_error(errc::out_of_range,
                      fmt::format("slice at {} past the end ({})", pos, size()));
  }
  len = std::min<std::size_t>(len, size() - pos);
  std::vector<lv_span> spans;
  seq_.visible_spans(static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(len),
                     spans);
  std::string out;
  for (const lv_span& s : spans) out.append(content_of(s.begin, s.end - s.begin));
  return out;
}

result<std::size_t> text_impl::to_utf16(std::size_t pos) const {
  if (pos > size()) {
    return make_error(errc::out_of_range,
                      fmt::format("position {} past the end ({})", pos, size()));
  }
  return std::size_t{seq_.width_at(static_cast<std::uint32_t>(pos))};
}

result<std::size_t> text_impl::from_utf16(std::size_t units) const {
  if (units > size_utf16()) {
    return make_error(errc::out_of_range, fmt::format("UTF-16 offset {} past the end ({})",
                                                      units, size_utf16()));
  }
  std::uint32_t pos = 0;
  if (!seq_.pos_at_width(static_cast<std::uint32_t>(units), &pos)) {
    return make_error(errc::not_char_boundary,
                      fmt::format("UTF-16 offset {} splits a surrogate pair", units));
  }
  return std::size_t{pos};
}

// ---------------------------------------------------------------------------
// Local edits

// insert_run is the part of a local insert shared by insert() and
// insert_with(); inline so that the keystroke path makes no extra call.
[[gnu::always_inline]] inline lv_t text_impl::insert_run(op_id first, std::uint32_t pos, std::string_view utf8,
                                  std::uint32_t len, std::uint32_t width) {
  const lv_t lv = ids_.next_lv();
  const auto off = static_cast<std::uint32_t>(content_.size());
  ids_.append(first.replica, first.seq, len);
  content_.append(utf8);
  lv_t origin_left = no_lv;
  lv_t origin_right = no_lv;
  seq_.insert_local(pos, lv, len, width, &origin_left, &origin_right);
  log_.add_insert(lv, len, origin_left, origin_right, off,
                  static_cast<std::uint32_t>(utf8.size()));
  return lv;
}

result<void> text_impl::insert(std::size_t pos, std::string_view utf8) {
  // One ASCII keystroke is by far the most common insert.
  const auto counts = utf8.size() == 1 && static_cast<unsigned char>(utf8[0]) < 0x80
                          ? std::optional<utf8_counts>(utf8_counts{1, 1})
                          : validate_utf8(utf8);
  if (!counts) return make_error(errc::invalid_utf8, "inserted text is not valid UTF-8");
  if (pos > size()) {
    return make_error(errc::out_of_range,
                      fmt::format("insert at {} past the end ({})", pos, size()));
  }
  const std::uint64_t n = counts->code_points;
  if (n == 0) return {};
  if (n > seq_item::max_len) {
    return make_error(errc::capacity_exceeded, "one insert may hold at most 2^31-1 code points");
  }
  if (!fits(n, utf8.size())) return capacity_error(n, utf8.size());
  const seq_t seq = ids_.next_seq(replica_);
  if (seq > max_seq || n - 1 > max_seq - seq) {
    return make_error(errc::seq_exhausted,
                      fmt::format("replica {:016x} has no sequence numbers left",
                                  static_cast<std::uint64_t>(replica_)));
  }
  (void)insert_run(op_id{replica_, seq}, static_cast<std::uint32_t>(pos), utf8,
                   static_cast<std::uint32_t>(n),
                   static_cast<std::uint32_t>(counts->utf16_units));
  return {};
}

lv_t text_impl::insert_with(op_id first, std::uint32_t pos, std::string_view utf8,
                            std::uint32_t len, std::uint32_t width) {
  return insert_run(first, pos, utf8, len, width);
}


[[gnu::always_inline]] inline void text_impl::erase_run(op_id first, std::uint32_t pos, std::uint32_t len,
                                 std::vector<lv_span>& erased) {
  const std::size_t from = erased.size();
  seq_.erase_local(pos, len, erased);
  lv_t lv = ids_.next_lv();
  ids_.append(first.replica, first.seq, len);
  for (std::size_t i = from; i < erased.size(); ++i) {
    const lv_span& s = erased[i];
    log_.add_delete(lv, s.end - s.begin, s.begin, false);
    lv += s.end - s.begin;
  }
}

result<void> text_impl::erase(std::size_t pos, std::size_t len) {
  if (pos > size() || len > size() - pos) {
    return make_error(errc::out_of_range, fmt::format("erase of {} at {} past the end ({})",
                                                      len, pos, size()));
  }
  if (len == 0) return {};
  if (!fits(len, 0)) return capacity_error(len, 0);
  const seq_t seq = ids_.next_seq(replica_);
  if (seq > max_seq || len - 1 > max_seq - seq) {
    return make_error(errc::seq_exhausted,
                      fmt::format("replica {:016x} has no sequence numbers left",
                                  static_cast<std::uint64_t>(replica_)));
  }
  scratch_.clear();
  erase_run(op_id{replica_, seq}, static_cast<std::uint32_t>(pos),
            static_cast<std::uint32_t>(len), scratch_);
  return {};
}

void text_impl::erase_with(op_id first, std::uint32_t pos, std::uint32_t len,
                           std::vector<lv_span>& erased) {
  erase_run(first, pos, len, erased);
}


// ---------------------------------------------------------------------------
// Delta extraction

text_delta text_impl::delta_since(const version_vector& since) const {
  text_delta delta;
  std::vector<lv_span> spans;
  for (const auto& e : ids_.version().entries()) {
    const seq_t from = since.get(e.replica);
    if (from < e.count) ids_.lv_spans(e.replica, from, e.count, spans);
  }
  std::sort(spans.begin(), spans.end(),
            [](const lv_span& a, const lv_span& b) { return a.begin < b.begin; });
  append_spans(spans, delta.runs);
  return delta;
}

void text_impl::append_runs(replica_id replica, seq_t begin, seq_t end,
                            std::vector<text_op_run>& out) const {
  std::vector<lv_span> spans;
  ids_.lv_spans(replica, begin, end, spans);
  append_spans(spans, out);
}

void text_impl::append_spans(const std::vector<lv_span>& spans,
                             std::vector<text_op_run>& out) const {
  const auto& inserts = log_.inserts();
  const auto& deletes = log_.deletes();
  auto opt_id = [&](lv_t lv) -> std::optional<op_id> {
    if (lv == no_lv) return std::nullopt;
    return ids_.to_id(lv);
  };
  for (const lv_span& span : spans) {
    std::size_t i = log_.lower_insert(span.begin);
    std::size_t d = log_.lower_delete(span.begin);
    lv_t lv = span.begin;
    while (lv < span.end) {
      const lv_t run_end = std::min(span.end, ids_.run_end(lv));
      if (i < inserts.size() && inserts[i].lv <= lv) {
        const insert_entry& e = inserts[i];
        const lv_t end = std::min(run_end, e.lv + e.len);
        text_insert_run run;
        run.id = ids_.to_id(lv);
        run.origin_left = opt_id(lv == e.lv ? e.origin_left : lv - 1);
        run.origin_right = opt_id(e.origin_right);
        run.content = std::string(content_of(lv, end - lv));
        out.emplace_back(std::move(run));
        lv = end;
        if (lv == e.lv + e.len) ++i;
        continue;
      }
      WEFT_ASSERT(d < deletes.size() && deletes[d].lv <= lv, "op log has a gap");
      const delete_entry& e = deletes[d];
      const lv_t end = std::min(run_end, e.lv + e.len);
      // Split further where the targets leave one id run.
      lv_t op = lv;
      while (op < end) {
        const lv_t k = op - e.lv;
        const lv_t target = e.backward ? e.target - k : e.target + k;
        lv_t n = end - op;
        if (e.backward) {
          n = std::min(n, target - ids_.run_begin(target) + 1);
        } else {
          n = std::min(n, ids_.run_end(target) - target);
        }
        text_delete_run run;
        run.id = ids_.to_id(op);
        run.length = n;
        run.target = ids_.to_id(target);
        run.backward = e.backward && n > 1;
        out.emplace_back(run);
        op += n;
      }
      lv = end;
      if (lv == e.lv + e.len) ++d;
    }
  }
}
// ---------------------------------------------------------------------------
// Cursors

result<anchor> text_impl::anchor_at(std::size_t pos, affinity side) const {
  if (pos > size()) {
    return make_error(errc::out_of_range,
                      fmt::format("anchor at {} past the end ({})", pos, size()));
  }
  anchor a;
  a.side = side;
  if (side == affinity::right && pos < size()) {
    a.target = ids_.to_id(seq_.lv_at(static_cast<std::uint32_t>(pos)));
  } else if (side == affinity::left && pos > 0) {
    a.target = ids_.to_id(seq_.lv_at(static_cast<std::uint32_t>(pos - 1)));
  }
  return a;
}

result<std::size_t> text_impl::resolve(const anchor& a) const {
  if (!a.target) return std::size_t{a.side == affinity::left ? 0u : size()};
  const lv_t lv = ids_.to_lv(*a.target);
  if (lv == no_lv || log_.find_insert(lv) == nullptr) {
    return make_error(errc::unknown_id, fmt::format("anchor names {}, which this replica "
                                                    "has not seen as a character",
                                                    describe(*a.target)));
  }
  bool visible = false;
  const seq_metrics before = seq_.rank(lv, &visible);
  return std::size_t{before.vis + (a.side == affinity::left && visible ? 1u : 0u)};
}

result<op_id> text_impl::id_at(std::size_t pos) const {
  if (pos >= size()) {
    return make_error(errc::out_of_range,
                      fmt::format("no character at {} (size {})", pos, size()));
  }
  return ids_.to_id(seq_.lv_at(static_cast<std::uint32_t>(pos)));
}

// ---------------------------------------------------------------------------
// Accounting and checks

std::size_t text_impl::memory_usage() const noexcept {
  std::size_t pending_bytes = 0;
  for (const auto& [replica, runs] : pending_) {
    for (const auto& [seq, run] : runs) {
      pending_bytes += sizeof(run) + 64;
      if (const auto* ins = std::get_if<text_insert_run>(&run)) {
        pending_bytes += ins->content.capacity();
      }
    }
  }
  return sizeof(*this) + ids_.memory_usage() + log_.memory_usage() +
         content_.capacity() + seq_.memory_usage() + pending_bytes;
}

result<void> text_impl::check(bool deep) const {
  auto fail = [](std::string what) {
    return make_error(errc::corrupted, "text invariant: " + std::move(what));
  };
  if (std::string s = seq_.check(deep); !s.empty()) return fail(s);
  if (!ids_.check(deep)) return fail("id map directions disagree");

  std::uint64_t insert_ops = 0;
  std::uint64_t delete_ops = 0;
  std::uint64_t bytes = 0;
  for (const insert_entry& e : log_.inserts()) {
    if (e.content_off != bytes) return fail("insert content is not contiguous");
    bytes += e.content_bytes;
    insert_ops += e.len;
  }
  for (const delete_entry& e : log_.deletes()) delete_ops += e.len;
  if (bytes != content_.size()) return fail("content size differs from the op log");
  if (insert_ops != seq_.raw_size()) return fail("tree holds a different number of inserts");
  if (insert_ops + delete_ops != ids_.next_lv()) return fail("op log misses ops");
  std::uint64_t waiting = 0;
  for (const auto& [replica, runs] : pending_) {
    for (const auto& [seq, run] : runs) {
      waiting += run_ops(run);
      if (seq + run_ops(run) <= ids_.version().get(replica)) {
        return fail("pending buffer holds a run that was integrated");
      }
    }
  }
  if (waiting != pending_ops_) return fail("pending op count");
  if (!deep) return {};

  for (const insert_entry& e : log_.inserts()) {
    const std::string_view s(content_.data() + e.content_off, e.content_bytes);
    const auto counts = validate_utf8(s);
    if (!counts || counts->code_points != e.len) return fail("insert content length");
  }
  // Every delete target is a character, and deleted in the tree.
  for (const delete_entry& e : log_.deletes()) {
    const lv_t lo = e.backward ? e.target - (e.len - 1) : e.target;
    if (!log_.is_insert_range(lo, lo + e.len)) return fail("delete targets a non-insert");
    for (lv_t t = lo; t < lo + e.len; ++t) {
      bool visible = true;
      (void)seq_.rank(t, &visible);
      if (visible) return fail(fmt::format("lv {} is deleted but visible", t));
    }
  }
  return {};
}

}  // namespace internal

// ---------------------------------------------------------------------------
// weft::text forwards to text_impl.

text::text() : text(random_replica_id()) {}
text::text(replica_id replica, text_options options)
    : impl_(std::make_unique<internal::text_impl>(replica, options)) {}
text::text(std::unique_ptr<internal::text_impl> impl) noexcept : impl_(std::move(impl)) {}
text::~text() = default;
text::text(text&&) noexcept = default;
text& text::operator=(text&&) noexcept = default;

text text::clone() const { return fork(impl_->replica()); }
text text::fork(replica_id replica) const {
  return text(std::make_unique<internal::text_impl>(*impl_, replica));
}

replica_id text::replica() const noexcept { return impl_->replica(); }
std::size_t text::size() const noexcept { return impl_->size(); }
std::size_t text::size_utf16() const noexcept { return impl_->size_utf16(); }
std::string text::to_string() const { return impl_->to_string(); }
result<std::string> text::slice(std::size_t pos, std::size_t len) const {
  return impl_->slice(pos, len);
}
result<void> text::insert(std::size_t pos, std::string_view utf8) {
  return impl_->insert(pos, utf8);
}
result<void> text::erase(std::size_t pos, std::size_t len) { return impl_->erase(pos, len); }
result<std::size_t> text::to_utf16(std::size_t pos) const { return impl_->to_utf16(pos); }
result<std::size_t> text::from_utf16(std::size_t pos_utf16) const {
  return impl_->from_utf16(pos_utf16);
}
const version_vector& text::version() const { return impl_->version(); }
text_delta text::delta_since(const version_vector& since) const {
  return impl_->delta_since(since);
}
result<std::vector<text_change>> text::apply(const text_delta& delta) {
  return impl_->apply(delta);
}
std::uint64_t text::pending_ops() const noexcept { return impl_->pending_ops(); }
result<anchor> text::anchor_at(std::size_t pos, affinity side) const {
  return impl_->anchor_at(pos, side);
}
result<std::size_t> text::resolve(const anchor& a) const { return impl_->resolve(a); }
result<op_id> text::id_at(std::size_t pos) const { return impl_->id_at(pos); }
std::size_t text::memory_usage() const noexcept {
  return sizeof(*this) + impl_->memory_usage();
}

result<void> internal::check(const text& t, bool deep) { return t.impl().check(deep); }

}  // namespace weft
