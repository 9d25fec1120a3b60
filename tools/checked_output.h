// Output whose every write is checked. A full disk, /dev/full or a closed pipe (EPIPE: main
// ignores SIGPIPE) is remembered with its reason, so the command stops and exits 2 saying why
// instead of reporting success over a truncated report.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace hashsieve::cli {

class CheckedOutput {
 public:
  // `name` says what is written in messages ("stdout", "the report out.jsonl").
  CheckedOutput(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}
  CheckedOutput(const CheckedOutput&) = delete;
  CheckedOutput& operator=(const CheckedOutput&) = delete;

  bool write(std::string_view text);
  bool flush();
  // flush, then fsync: the bytes written so far survive a crash (for devices and pipes, flush only).
  bool sync();
  // fclose, for a file the command opened itself.
  bool close();

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }  // "cannot write stdout: No space left on device"
  std::FILE* file() const { return file_; }

 private:
  bool fail(int err);

  std::FILE* file_;
  std::string name_, error_;
};

}  // namespace hashsieve::cli
