#include "tools/input_paths.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace hashsieve::cli {

InputPaths::InputPaths(std::vector<std::string> args, std::string files_from, bool nul_separated)
    : pending_(args.begin(), args.end()), files_from_(std::move(files_from)), nul_separated_(nul_separated) {}

InputPaths::~InputPaths() {
  if (list_ && list_ != stdin) std::fclose(list_);
}

bool InputPaths::next_from_list(std::string& path) {
  if (files_from_.empty()) return false;
  if (!list_opened_) {
    list_opened_ = true;
    list_ = files_from_ == "-" ? stdin : std::fopen(files_from_.c_str(), "rb");
    if (!list_) return false;
  }
  if (!list_) return false;
  const int sep = nul_separated_ ? '\0' : '\n';
  for (;;) {
    path.clear();
    int c;
    bool any = false;
    while ((c = std::fgetc(list_)) != EOF && c != sep) {
      path += char(c);
      any = true;
    }
    if (!nul_separated_ && !path.empty() && path.back() == '\r') path.pop_back();
    if (!path.empty()) return true;
    if (c == EOF && !any) return false;
  }
}

void InputPaths::expand_directory(const std::string& dir, std::string& error) {
  std::vector<std::string> files;
  std::error_code ec;
  // Symlinked directories are not followed: a link loop cannot make the walk endless.
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code tec;
    if (it->is_regular_file(tec)) files.push_back(it->path().string());
  }
  if (ec) error = "cannot walk directory: " + ec.message();
  std::sort(files.begin(), files.end());
  pending_.insert(pending_.begin(), files.begin(), files.end());
}

bool InputPaths::next(std::string& path, std::string& error) {
  error.clear();
  while (!pending_.empty()) {
    path = std::move(pending_.front());
    pending_.pop_front();
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (!ec && fs::is_directory(st)) {
      expand_directory(path, error);
      if (!error.empty()) return true;  // report the directory itself, then go on with what was found
      continue;
    }
    return true;  // files, and missing paths (their read fails with a clear error)
  }
  if (files_from_.empty() || (list_opened_ && !list_)) return false;
  if (next_from_list(path)) return true;
  if (!list_) {
    path = files_from_;
    error = std::string("cannot open list of files: ") + std::strerror(errno);
    files_from_.clear();
    return true;
  }
  return false;
}

}  // namespace hashsieve::cli
