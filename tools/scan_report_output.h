// Where a scan's report goes: stdout, or --report FILE. On resume, FILE is cut back to the durable
// point the state file names before anything is appended, so a torn last line or the lines of items
// the state does not cover cannot survive into the final report.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tools/checked_output.h"

namespace hashsieve::cli {

class ScanReportOutput {
 public:
  ~ScanReportOutput();

  // stdout when `file` is empty; else FILE, created or emptied.
  bool open_fresh(const std::string& file, std::string& error);
  // FILE must exist and hold at least `bytes` bytes; it is cut to exactly that many.
  bool open_resume(const std::string& file, uint64_t bytes, std::string& error);

  bool write(std::string_view text) {
    bytes_ += text.size();
    return out_->write(text);
  }
  bool sync() { return out_->sync(); }  // the bytes so far are durable
  bool close();                         // flush (and fclose FILE)
  bool failed() const { return out_->failed(); }
  const std::string& error() const { return out_->error(); }
  uint64_t bytes() const { return bytes_; }  // the report's length once written

 private:
  std::unique_ptr<CheckedOutput> out_;
  bool owns_file_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace hashsieve::cli
