// The inputs of a command: paths given on the command line (directories walked recursively in
// sorted path order) and --files-from lists. Nothing found is dropped silently: a directory that
// cannot be read, a FIFO, device or socket, a symbolic link that dangles, loops or leads to a
// directory (not followed, so the walk cannot loop) each come back as an item carrying the reason,
// in their place in the order, and are never opened. The walk is lazy: one directory's names at a
// time per level, whatever the size of the tree.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "hashsieve/status.h"

namespace hashsieve::cli {

struct InputItem {
  std::string path;
  Status error;  // not ok: report the item as failed with this reason; it is never opened
};

class InputPaths {
 public:
  static constexpr size_t kMaxListLine = 4096;  // --files-from lines longer than this are rejected

  // files_from: a file of paths (one a line, or NUL-separated when `nul_separated`); "-" = stdin.
  InputPaths(std::vector<std::string> args, std::string files_from, bool nul_separated);
  ~InputPaths();
  InputPaths(const InputPaths&) = delete;
  InputPaths& operator=(const InputPaths&) = delete;

  bool next(InputItem& item);

  // Inputs named by the user that could not be looked at at all (a path that does not exist,
  // an unreadable --files-from): a scan that skipped them did not check what was asked.
  const std::vector<std::string>& unchecked_inputs() const { return unchecked_; }

 private:
  struct Entry {
    std::string key;  // the name, with "/" appended for directories: sorting by it sorts by full path
    std::string path;
    bool is_dir = false;
    Status error;
  };
  struct Frame {
    std::vector<Entry> entries;
    size_t next = 0;
  };

  bool next_named(std::string& path, bool& from_list);
  bool read_list_line(std::string& path, Status& error);
  void classify_named(const std::string& path, bool from_list, InputItem& item, bool& walk);
  Entry classify_entry(const std::string& dir, const std::string& name);
  void push_directory(const std::string& dir, InputItem& error_item, bool& failed);

  std::deque<std::string> args_;
  std::vector<Frame> walk_;
  std::string files_from_;
  bool nul_separated_;
  std::FILE* list_ = nullptr;
  bool list_opened_ = false, list_done_ = false;
  uint64_t list_line_ = 0;
  std::vector<std::string> unchecked_;
};

}  // namespace hashsieve::cli
