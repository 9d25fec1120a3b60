// The inputs of a command: paths given on the command line (directories walked recursively, in
// sorted order, symlinked directories not followed so loops cannot happen) and --files-from lists.
#pragma once

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace hashsieve::cli {

class InputPaths {
 public:
  // files_from: a file of paths (one a line, or NUL-separated when `nul_separated`); "-" = stdin.
  InputPaths(std::vector<std::string> args, std::string files_from, bool nul_separated);
  ~InputPaths();

  // The next path to process. Problems found while walking (unreadable directories, a missing
  // path) are returned as items too, with `error` set, so they are reported in order.
  bool next(std::string& path, std::string& error);

 private:
  bool next_from_list(std::string& path);
  void expand_directory(const std::string& dir, std::string& error);

  std::deque<std::string> pending_;  // command-line arguments and walked files still to return
  std::string files_from_;
  bool nul_separated_;
  std::FILE* list_ = nullptr;
  bool list_opened_ = false;
};

}  // namespace hashsieve::cli
