// The scan engine: image bytes -> decode -> PDQ (8 dihedral hashes) -> match against an index
// generation -> per-item result. Thread-safe; lists can be reloaded while scans run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hashsieve/decode.h"
#include "hashsieve/hash_files.h"
#include "hashsieve/pdq.h"
#include "hashsieve/status.h"

namespace hashsieve {

class HashStore;

struct ScanOptions {
  std::vector<std::string> lists;   // lists to match against; empty = all lists in the store
  int radius = -1;                  // < 0: each list's own default radius
  std::vector<std::pair<std::string, int>> list_radius;  // per-list override (list name, radius)
  // Entries never to report, e.g. confirmed false positives: (list name, entry id).
  std::vector<std::pair<std::string, std::string>> allow;
  bool dihedral = true;             // match rotated and mirrored copies too
  int min_quality = 50;             // items below are reported as low quality...
  bool match_low_quality = false;   // ...and not matched unless this is set
  DecodeMode decode = DecodeMode::kExact;
  DecodeLimits limits;
  PdqFlavor flavor = PdqFlavor::kFullRes;
  SimdLevel simd = SimdLevel::kAuto;
  bool constant_time = false;       // index search without early exits
  int threads = 0;                  // batch scans: 0 = all cores
  int max_in_flight = 0;            // batch scans: items in memory at once; 0 = 2 per thread
};

struct ScanMatch {
  std::string list;
  std::string entry_id;
  int distance = 0;
  Dihedral transform = Dihedral::kOrig;  // which transform of the upload matched
  std::string metadata;  // the entry's provenance as its list gave it (compact JSON), or ""
};

enum class ScanOutcome { kNoMatch, kMatch, kLowQuality, kError };
const char* scan_outcome_name(ScanOutcome o) noexcept;  // "no_match", "match", "low_quality", "error"

struct ScanResult {
  uint64_t index = 0;        // batch position
  std::string path;          // batch scans: the input path
  ScanOutcome outcome = ScanOutcome::kNoMatch;
  Status status;             // kError: why
  int quality = 0;
  Hash256 hash;              // the upload's hash: sensitive, reports omit it unless asked
  bool reduced = false;      // fast decode: not the canonical hash
  uint64_t generation = 0;   // the index generation that answered
  std::vector<ScanMatch> matches;  // sorted by distance, list, entry id
};

struct GenerationInfo {
  uint64_t number = 0;
  size_t entries = 0;
  std::vector<std::pair<std::string, uint64_t>> lists;  // name, active entries
};

class Scanner {
 public:
  // Builds the first index generation from `store` (borrowed: it must outlive the scanner).
  static Result<std::unique_ptr<Scanner>> Create(const HashStore& store, const ScanOptions& options);
  ~Scanner();

  // One image held in memory (low latency; callable from many threads at once).
  ScanResult scan_buffer(const uint8_t* data, size_t size) const;

  // A batch of images held in memory (e.g. a service's upload queue), scanned in parallel;
  // results[i] is the result of buffers[i]; `id` is copied into ScanResult::path.
  struct Buffer {
    const uint8_t* data = nullptr;
    size_t size = 0;
    std::string id;
  };
  std::vector<ScanResult> scan_buffers(const std::vector<Buffer>& buffers) const;

  // A batch of files in parallel; results delivered in input order, one at a time.
  Status scan_files(const std::function<bool(FileInput& input)>& next,
                    const std::function<void(const ScanResult&)>& sink) const;

  // Builds a new generation from a fresh snapshot of the store and swaps it in. Scans already
  // running finish on the generation they started with.
  Result<GenerationInfo> reload();
  GenerationInfo generation() const;
  const ScanOptions& options() const noexcept;

 private:
  struct Impl;
  explicit Scanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve
