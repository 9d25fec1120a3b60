// --state FILE: how far a scan got, so an interrupted scan of a huge queue resumes where it
// stopped. Written atomically (temp file + rename) only after the report lines it covers are
// flushed, so a resumed scan neither loses nor repeats an item.
#pragma once

#include <cstdint>
#include <string>

namespace hashsieve::cli {

struct ScanState {
  uint64_t done = 0;      // inputs fully reported, in input order
  std::string last_path;  // the last of them: checked on resume so a different queue is refused
};

// Missing file: done = 0. Returns false (with `error`) for an unreadable or malformed file.
bool load_scan_state(const std::string& file, ScanState& state, std::string& error);
bool save_scan_state(const std::string& file, const ScanState& state, std::string& error);

}  // namespace hashsieve::cli
