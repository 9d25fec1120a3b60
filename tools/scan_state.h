// --state FILE: how far a scan got, so an interrupted scan of a huge queue resumes exactly where
// it stopped. The state names a durable point: `done` items whose report lines are the first
// `report_bytes` bytes of the report, flushed and fsynced before the state was written (atomically:
// temp file, fsync, rename). A rerun cuts the report back to that point (dropping a torn last line
// and the lines of items past it) and goes on with item done + 1, so every item is reported once.
// The queue is identified by a digest of the paths of the items done: a state from another queue,
// from a longer one, or with a count that cannot be, is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashsieve::cli {

// FNV-1a 64 over each item's path bytes, each followed by a NUL (no path holds one).
class QueueDigest {
 public:
  void add(std::string_view path);
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

struct ScanState {
  uint64_t done = 0;          // items fully reported, in input order
  uint64_t report_bytes = 0;  // the report's length after their lines (the CSV header included)
  uint64_t matched = 0, failed = 0;  // among them, so a resumed run's exit status covers the whole queue
  uint64_t queue_digest = QueueDigest().value();
  std::string report_kind;    // "jsonl" or "csv", "+hashes" with --emit-hashes: a rerun must match
  std::string last_path;      // the last item done, escaped: for messages only
};

// `exists` false (and ok) when the file is missing. Returns false with `error` for an unreadable
// or malformed file, or one with an impossible count.
bool load_scan_state(const std::string& file, ScanState& state, bool& exists, std::string& error);
bool save_scan_state(const std::string& file, const ScanState& state, std::string& error);

}  // namespace hashsieve::cli
