// Copyright 2026 The weft Authors. MIT License.
//
// -----------------------------------------------------------------------------
// File: sync/file_storage.cpp
// -----------------------------------------------------------------------------

#include "weft/sync/file_storage.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <utility>

#include "fmt/format.h"
#include "sync/log_format.hpp"

namespace weft::sync {
namespace {

constexpr std::string_view kSuffix = ".wlog";
constexpr std::string_view kTempSuffix = ".wlog.tmp";

error errno_error(std::string_view what, const std::string& path, int err) {
  return make_error(errc::io_error,
                    fmt::format("{} {:?}: {}", what, path, std::strerror(err)));
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string hex_encode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * s.size());
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

// hex_decode accepts only what hex_encode makes (lower case): a file named
// any other way is not one of ours, and two names never map to one id.
std::optional<std::string> hex_decode(std::string_view h) {
  if (h.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(h.size() / 2);
  for (std::size_t i = 0; i < h.size(); i += 2) {
    const int hi = digit(h[i]), lo = digit(h[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

// fd closes its descriptor when it goes out of scope.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const noexcept { return fd_; }
  // close reports the error of close(2), which may carry a deferred write
  // error on some file systems.
  int close() noexcept {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

int open_retry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// write_all writes `bytes` at `offset`; 0 or errno.
int write_all(int fd, std::span<const std::uint8_t> bytes, off_t offset) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                               offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// sync_data makes what was written to `fd` durable; 0 or errno.
int sync_data(int fd) {
#if defined(__APPLE__)
  // fsync on Apple systems only reaches the drive's cache.
  if (::fcntl(fd, F_FULLFSYNC) == 0) return 0;
  return ::fsync(fd) == 0 ? 0 : errno;
#elif defined(__EMSCRIPTEN__)
  return ::fsync(fd) == 0 ? 0 : errno;
#else
  // The size of an appended file is metadata fdatasync does flush.
  return ::fdatasync(fd) == 0 ? 0 : errno;
#endif
}

result<std::vector<std::uint8_t>> read_file(const std::string& path) {
  const int raw = open_retry(path.c_str(), O_RDONLY);
  if (raw < 0) return errno_error("cannot open", path, errno);
  fd_guard fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error("cannot stat", path, errno);
  if (static_cast<std::uint64_t>(st.st_size) >
      static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max() / 2)) {
    return make_error(errc::too_large, fmt::format("log {:?} is too large to read", path));
  }
  std::vector<std::uint8_t> out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done,
                              static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot read", path, errno);
    }
    if (n == 0) break;  // shrank under us: check what is there
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace

struct file_storage::impl {
  struct entry {
    internal::log_state st;
    // dirty_tail: a failed append may have left bytes past st.end that
    // could not be cut off yet; the next append cuts them first.
    bool dirty_tail = false;
  };

  std::string dir;
  file_storage_options options;
  int dir_fd = -1;
  int lock_fd = -1;
  std::map<std::string, entry, std::less<>> docs;
  std::uint64_t salt_state = 0;

  ~impl() {
    if (lock_fd >= 0) ::close(lock_fd);
    if (dir_fd >= 0) ::close(dir_fd);
  }

  std::string path_of(std::string_view doc_id, std::string_view suffix = kSuffix) const {
    std::string p = dir;
    p += '/';
    p += hex_encode(doc_id);
    p += suffix;
    return p;
  }

  result<void> sync_dir() {
    if (!options.sync) return {};
    if (::fsync(dir_fd) != 0 && errno != EINVAL) {
      // EINVAL: the file system cannot sync directories (and needs not).
      return errno_error("cannot sync directory", dir, errno);
    }
    return {};
  }

  // write_whole puts `bytes` in place as the log of `doc_id`: temporary
  // file, sync, rename, sync the directory.
  result<void> write_whole(std::string_view doc_id, std::span<const std::uint8_t> bytes) {
    const std::string tmp = path_of(doc_id, kTempSuffix);
    const std::string final_path = path_of(doc_id);
    auto fail = [&](std::string_view what, const std::string& path, int err) {
      ::unlink(tmp.c_str());
      return errno_error(what, path, err);
    };
    const int raw = open_retry(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (raw < 0) return errno_error("cannot create", tmp, errno);
    fd_guard fd(raw);
    if (int err = write_all(fd.get(), bytes, 0); err != 0) return fail("cannot write", tmp, err);
    if (options.sync) {
      if (int err = sync_data(fd.get()); err != 0) return fail("cannot sync", tmp, err);
    }
    if (int err = fd.close(); err != 0) return fail("cannot close", tmp, err);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) return fail("cannot rename", tmp, errno);
    return sync_dir();
  }

  result<entry*> readable(std::string_view doc_id) {
    WEFT_TRY(validate_doc_id(doc_id));
    auto it = docs.find(doc_id);
    if (it == docs.end()) {
      return make_error(errc::unknown_id, fmt::format("doc {:?} is not stored", std::string(doc_id)));
    }
    if (it->second.st.unreadable) return internal::unreadable_error(doc_id, *it->second.st.unreadable);
    return &it->second;
  }

  // write_frame appends one frame to the log of `doc_id`, creating it if
  // needed; on success the entry's end has moved past it.
  result<entry*> write_frame(std::string_view doc_id, internal::frame_kind kind,
                             std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    auto it = docs.find(doc_id);
    if (it == docs.end()) {
      entry fresh;
      fresh.st.salt = internal::next_salt(salt_state);
      std::vector<std::uint8_t> image = internal::encode_log_header(fresh.st.salt);
      internal::append_frame(image, fresh.st.salt, kind, a, b);
      WEFT_TRY(write_whole(doc_id, image));
      fresh.st.end = image.size();
      return &docs.emplace(std::string(doc_id), std::move(fresh)).first->second;
    }
    entry& e = it->second;
    if (e.st.unreadable) return internal::unreadable_error(doc_id, *e.st.unreadable);
    std::vector<std::uint8_t> frame;
    internal::append_frame(frame, e.st.salt, kind, a, b);
    const std::string path = path_of(doc_id);
    const int raw = open_retry(path.c_str(), O_WRONLY);
    if (raw < 0) return errno_error("cannot open", path, errno);
    fd_guard fd(raw);
    const auto end = static_cast<off_t>(e.st.end);
    if (e.dirty_tail) {
      if (::ftruncate(fd.get(), end) != 0) return errno_error("cannot truncate", path, errno);
      e.dirty_tail = false;
    }
    int err = write_all(fd.get(), frame, end);
    if (err == 0 && options.sync) err = sync_data(fd.get());
    if (err == 0) err = fd.close();
    if (err != 0) {
      // Cut the half-written frame off again, so that the next append does
      // not leave a damaged stretch before itself; reads never see it
      // anyway (they stop at st.end), and neither does open after a crash
      // (it fails its checksum).
      if (fd.get() < 0 || ::ftruncate(fd.get(), end) != 0) e.dirty_tail = true;
      return errno_error("cannot append to", path, err);
    }
    e.st.end += frame.size();
    return &e;
  }

  result<void> scan(restart_report& report) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return errno_error("cannot list", dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* de = ::readdir(d)) names.emplace_back(de->d_name);
    const int err = errno;
    ::closedir(d);
    if (err != 0) return errno_error("cannot list", dir, err);

    bool removed = false;
    for (const std::string& name : names) {
      if (ends_with(name, kTempSuffix)) {
        // A crash before the rename: the old log (if any) is still whole,
        // and the write it belonged to never reported success.
        const std::string p = dir + "/" + name;
        if (::unlink(p.c_str()) != 0 && errno != ENOENT) return errno_error("cannot remove", p, errno);
        removed = true;
        continue;
      }
      if (!ends_with(name, kSuffix)) continue;
      std::optional<std::string> id = hex_decode(std::string_view(name).substr(0, name.size() - kSuffix.size()));
      if (!id || !validate_doc_id(*id)) continue;  // not a name we make
      const std::string path = dir + "/" + name;
      auto bytes = read_file(path);
      if (!bytes) return bytes.error();
      ++report.docs;
      entry e;
      auto parsed = internal::parse_log(*bytes);
      if (!parsed) {
        e.st.unreadable = parsed.error();
        report.unreadable.push_back(*id);
        docs.emplace(std::move(*id), std::move(e));
        continue;
      }
      report.records += parsed->records.size();
      report.damaged += parsed->damaged;
      if (parsed->end < bytes->size()) {
        // A torn tail: cut it, so appends continue from intact data.
        const int raw = open_retry(path.c_str(), O_WRONLY);
        if (raw < 0) return errno_error("cannot open", path, errno);
        fd_guard fd(raw);
        if (::ftruncate(fd.get(), static_cast<off_t>(parsed->end)) != 0) {
          return errno_error("cannot truncate", path, errno);
        }
        if (options.sync) {
          if (int serr = sync_data(fd.get()); serr != 0) return errno_error("cannot sync", path, serr);
        }
        report.truncated_bytes += bytes->size() - parsed->end;
      }
      e.st = internal::state_of(*parsed);
      docs.emplace(std::move(*id), std::move(e));
    }
    if (removed) WEFT_TRY(sync_dir());
    return {};
  }
};

file_storage::file_storage(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
file_storage::~file_storage() = default;
file_storage::file_storage(file_storage&&) noexcept = default;
file_storage& file_storage::operator=(file_storage&&) noexcept = default;

result<file_storage> file_storage::open(std::string directory, file_storage_options options,
                                        restart_report* report) {
  if (directory.empty()) return make_error(errc::invalid_argument, "empty storage directory");
  while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
  auto p = std::make_unique<impl>();
  p->dir = std::move(directory);
  p->options = options;
  if (options.create && ::mkdir(p->dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return errno_error("cannot create directory", p->dir, errno);
  }
  p->dir_fd = open_retry(p->dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (p->dir_fd < 0) return errno_error("cannot open directory", p->dir, errno);
  const std::string lock = p->dir + "/LOCK";
  p->lock_fd = open_retry(lock.c_str(), O_RDWR | O_CREAT, 0644);
  if (p->lock_fd < 0) return errno_error("cannot open", lock, errno);
  if (::flock(p->lock_fd, LOCK_EX | LOCK_NB) != 0 && errno != ENOSYS) {
    if (errno == EWOULDBLOCK) {
      return make_error(errc::io_error,
                        fmt::format("storage {:?} is in use by another file_storage", p->dir));
    }
    return errno_error("cannot lock", lock, errno);
  }
  std::random_device rd;
  p->salt_state = (std::uint64_t{rd()} << 32) ^ rd();
  restart_report found;
  WEFT_TRY(p->scan(found));
  if (report != nullptr) *report = std::move(found);
  return file_storage(std::move(p));
}

result<void> file_storage::append(std::string_view doc_id, std::span<const std::uint8_t> record) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_record(record));
  auto e = impl_->write_frame(doc_id, internal::frame_kind::data, record, {});
  if (!e) return e.error();
  if ((*e)->st.records == 0) (*e)->st.first_record_bytes = record.size();
  ++(*e)->st.records;
  (*e)->st.record_bytes += record.size();
  return {};
}

result<void> file_storage::replace(std::string_view doc_id, std::span<const std::uint8_t> record) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_record(record));
  auto it = impl_->docs.find(doc_id);
  internal::log_state st;
  st.salt = internal::next_salt(impl_->salt_state);
  // An unreadable log's metadata is lost with it; replace is its repair.
  if (it != impl_->docs.end() && !it->second.st.unreadable) st.meta = it->second.st.meta;
  const std::vector<std::uint8_t> image = internal::encode_log(st.salt, &record, st.meta);
  WEFT_TRY(impl_->write_whole(doc_id, image));
  st.end = image.size();
  st.records = 1;
  st.record_bytes = record.size();
  st.first_record_bytes = record.size();
  impl::entry& e = impl_->docs[std::string(doc_id)];
  e.st = std::move(st);
  e.dirty_tail = false;
  return {};
}

result<log_contents> file_storage::read(std::string_view doc_id) {
  auto e = impl_->readable(doc_id);
  if (!e) return e.error();
  auto bytes = read_file(impl_->path_of(doc_id));
  if (!bytes) return bytes.error();
  return internal::read_log(*bytes, (*e)->st.end);
}

result<log_info> file_storage::info(std::string_view doc_id) {
  auto e = impl_->readable(doc_id);
  if (!e) return e.error();
  return internal::info_of((*e)->st);
}

result<std::vector<std::string>> file_storage::list() {
  std::vector<std::string> ids;
  ids.reserve(impl_->docs.size());
  for (const auto& [id, e] : impl_->docs) ids.push_back(id);
  return ids;
}

result<void> file_storage::set_meta(std::string_view doc_id, std::string_view key,
                                    std::span<const std::uint8_t> value) {
  WEFT_TRY(validate_doc_id(doc_id));
  WEFT_TRY(internal::validate_meta(key, value));
  auto e = impl_->write_frame(doc_id, internal::frame_kind::meta, internal::meta_key_bytes(key),
                              value);
  if (!e) return e.error();
  (*e)->st.meta.insert_or_assign(std::string(key), std::vector<std::uint8_t>(value.begin(), value.end()));
  return {};
}

result<std::optional<std::vector<std::uint8_t>>> file_storage::get_meta(std::string_view doc_id,
                                                                        std::string_view key) {
  WEFT_TRY(validate_doc_id(doc_id));
  auto it = impl_->docs.find(doc_id);
  if (it == impl_->docs.end()) return std::optional<std::vector<std::uint8_t>>();
  if (it->second.st.unreadable) return internal::unreadable_error(doc_id, *it->second.st.unreadable);
  auto m = it->second.st.meta.find(key);
  if (m == it->second.st.meta.end()) return std::optional<std::vector<std::uint8_t>>();
  return std::optional<std::vector<std::uint8_t>>(m->second);
}

result<void> file_storage::erase(std::string_view doc_id) {
  WEFT_TRY(validate_doc_id(doc_id));
  auto it = impl_->docs.find(doc_id);
  if (it == impl_->docs.end()) return {};
  const std::string path = impl_->path_of(doc_id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error("cannot remove", path, errno);
  impl_->docs.erase(it);
  return impl_->sync_dir();
}

const std::string& file_storage::directory() const noexcept { return impl_->dir; }

std::string file_storage::file_name(std::string_view doc_id) {
  std::string n = hex_encode(doc_id);
  n += kSuffix;
  return n;
}

result<void> internal::check(const file_storage& s) {
  for (const auto& [id, e] : s.impl_->docs) {
    if (e.st.unreadable) continue;
    const std::string path = s.impl_->path_of(id);
    auto bytes = read_file(path);
    if (!bytes) return bytes.error();
    if (bytes->size() < e.st.end || (!e.dirty_tail && bytes->size() != e.st.end)) {
      return make_error(errc::corrupted, fmt::format("file_storage: {:?} holds {} bytes, expected {}",
                                                     path, bytes->size(), e.st.end));
    }
    auto parsed = parse_log(std::span<const std::uint8_t>(*bytes).first(e.st.end));
    if (!parsed) {
      return make_error(errc::corrupted,
                        fmt::format("file_storage: {:?}: {}", path, parsed.error().message));
    }
    if (std::string why = compare_state(e.st, *parsed); !why.empty()) {
      return make_error(errc::corrupted, fmt::format("file_storage: {:?}: {}", path, why));
    }
  }
  return {};
}

}  // namespace weft::sync
