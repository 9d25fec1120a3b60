#include "tools/input_paths.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tools/path_text.h"

namespace hashsieve::cli {
namespace {

std::string join(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

const char* special_kind(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

Status skipped(const std::string& why) { return Status(StatusCode::kUnsupported, "skipped, never opened: " + why); }

// What a symbolic link leads to, as a reason to skip it; "" when it leads to a regular file.
Status classify_link_target(const std::string& path, bool& is_dir) {
  struct stat st {};
  is_dir = false;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return skipped("a dangling symbolic link");
    if (errno == ELOOP) return skipped("a symbolic link loop");
    return Status(StatusCode::kIoError, std::string("cannot follow symbolic link: ") + std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) return Status();
  if (S_ISDIR(st.st_mode)) {
    is_dir = true;
    return skipped("a symbolic link to a directory (not followed, so the walk cannot loop)");
  }
  return skipped(std::string("a symbolic link to ") + special_kind(st.st_mode));
}

}  // namespace

InputPaths::InputPaths(std::vector<std::string> args, std::string files_from, bool nul_separated)
    : args_(args.begin(), args.end()), files_from_(std::move(files_from)), nul_separated_(nul_separated) {}

InputPaths::~InputPaths() {
  if (list_ && list_ != stdin) std::fclose(list_);
}

bool InputPaths::read_list_line(std::string& path, Status& error) {
  const int sep = nul_separated_ ? '\0' : '\n';
  for (;;) {
    path.clear();
    error = Status();
    int c;
    bool any = false, too_long = false;
    while ((c = getc_unlocked(list_)) != EOF && c != sep) {
      any = true;
      if (path.size() < kMaxListLine + 1) path += char(c);  // +1: room for a CR to strip
      else too_long = true;
    }
    if (c == EOF && std::ferror(list_)) {
      const int err = errno;
      unchecked_.push_back("--files-from " + files_from_ + ": read error: " + std::strerror(err));
      list_done_ = true;
      return false;
    }
    if (!nul_separated_ && !path.empty() && path.back() == '\r' && !too_long) path.pop_back();
    ++list_line_;
    if (too_long || path.size() > kMaxListLine) {
      path.resize(64);
      path += "...";
      error = Status(StatusCode::kInvalidArgument, "--files-from entry " + std::to_string(list_line_) +
                                                       " is longer than " + std::to_string(kMaxListLine) +
                                                       " bytes: rejected");
      return true;
    }
    if (!path.empty()) return true;
    if (c == EOF && !any) return false;
  }
}

InputPaths::Entry InputPaths::classify_entry(const std::string& dir, const std::string& name) {
  Entry e;
  e.path = join(dir, name);
  e.key = name;
  struct stat st {};
  if (::lstat(e.path.c_str(), &st) != 0) {
    e.error = Status(StatusCode::kIoError, std::string("cannot stat: ") + std::strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    e.is_dir = true;
    e.key += '/';
  } else if (S_ISLNK(st.st_mode)) {
    bool to_dir = false;
    e.error = classify_link_target(e.path, to_dir);
    if (to_dir) e.key += '/';  // sorts where its contents would
  } else if (!S_ISREG(st.st_mode)) {
    e.error = skipped(special_kind(st.st_mode));
  }
  return e;
}

// Reads one directory's names, sorted, as a new level of the walk; `failed` with the reason in
// `error_item` when it cannot be read.
void InputPaths::push_directory(const std::string& dir, InputItem& error_item, bool& failed) {
  failed = false;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    failed = true;
    error_item.path = dir;
    error_item.error = Status(StatusCode::kIoError, std::string("cannot read directory: ") + std::strerror(errno));
    return;
  }
  Frame frame;
  for (;;) {
    errno = 0;
    const dirent* ent = ::readdir(d);
    if (!ent) break;
    const std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    frame.entries.push_back(classify_entry(dir, name));
  }
  const int read_errno = errno;
  ::closedir(d);
  if (read_errno) {
    failed = true;
    error_item.path = dir;
    error_item.error = Status(StatusCode::kIoError, std::string("cannot read directory: ") + std::strerror(read_errno));
    return;
  }
  std::sort(frame.entries.begin(), frame.entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  walk_.push_back(std::move(frame));
}

void InputPaths::classify_named(const std::string& path, bool from_list, InputItem& item, bool& walk) {
  walk = false;
  item.path = path;
  item.error = Status();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISREG(st.st_mode)) return;
    if (S_ISDIR(st.st_mode)) {
      if (!from_list) {
        walk = true;
        return;
      }
      item.error = Status(StatusCode::kIoError, "not a regular file: a directory (directories in --files-from are not walked)");
      return;
    }
    item.error = skipped(std::string("not a regular file: ") + special_kind(st.st_mode));
    return;
  }
  const int err = errno;
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    bool to_dir = false;
    item.error = classify_link_target(path, to_dir);
    return;
  }
  item.error = Status(StatusCode::kIoError, std::string(err == ENOENT ? "does not exist: " : "cannot stat: ") + std::strerror(err));
  if (err == ENOENT) unchecked_.push_back(escape_path(path) + " does not exist");
}

bool InputPaths::next_named(std::string& path, bool& from_list) {
  if (!args_.empty()) {
    path = std::move(args_.front());
    args_.pop_front();
    from_list = false;
    return true;
  }
  return false;
}

bool InputPaths::next(InputItem& item) {
  for (;;) {
    // Inside a walk: the next entry of the deepest directory.
    while (!walk_.empty()) {
      Frame& f = walk_.back();
      if (f.next == f.entries.size()) {
        walk_.pop_back();
        continue;
      }
      Entry e = std::move(f.entries[f.next++]);
      if (e.is_dir) {
        bool failed = false;
        push_directory(e.path, item, failed);
        if (failed) return true;
        continue;
      }
      item.path = std::move(e.path);
      item.error = std::move(e.error);
      return true;
    }
    std::string path;
    bool from_list = false;
    if (!next_named(path, from_list)) {
      if (files_from_.empty() || list_done_) return false;
      if (!list_opened_) {
        list_opened_ = true;
        list_ = files_from_ == "-" ? stdin : std::fopen(files_from_.c_str(), "rb");
        if (!list_) {
          const int err = errno;
          list_done_ = true;
          unchecked_.push_back("cannot open --files-from " + escape_path(files_from_) + ": " + std::strerror(err));
          item.path = files_from_;
          item.error = Status(StatusCode::kIoError, std::string("cannot open list of files: ") + std::strerror(err));
          return true;
        }
      }
      Status line_error;
      if (!read_list_line(path, line_error)) {
        list_done_ = true;
        return false;
      }
      if (!line_error.ok()) {
        item.path = std::move(path);
        item.error = std::move(line_error);
        return true;
      }
      from_list = true;
    }
    bool walk = false;
    classify_named(path, from_list, item, walk);
    if (!walk) return true;
    bool failed = false;
    push_directory(path, item, failed);
    if (failed) return true;
  }
}

}  // namespace hashsieve::cli
