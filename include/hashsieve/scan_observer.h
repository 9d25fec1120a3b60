// Per-item stage timings of a scan, for benchmarks and monitoring. The scan measures each stage
// itself (the clock is read only when an observer is given) and reports it here; nothing inside
// the decoders or the hasher knows about observers.
#pragma once

#include <cstdint>

#include "hashsieve/export.h"

namespace hashsieve {

enum class ScanStage {
  kRead,    // reading the file (file scans only)
  kDecode,  // decoding: for a JPEG hashed as it decodes, the time spent inside the decoder
  kHash,    // PDQ (with the dihedral hashes): the rest of the decode-and-hash step
  kMatch,   // searching the index generation, allow list included
};
inline constexpr int kScanStageCount = 4;

// "read", "decode", "hash", "match".
HASHSIEVE_API const char* scan_stage_name(ScanStage stage) noexcept;

class HASHSIEVE_API ScanObserver {
 public:
  virtual ~ScanObserver();
  // Once per stage that ran for an item, on the thread that scanned it, before the item's result
  // is returned (or delivered to a batch sink). `item` is the item's batch position
  // (ScanResult::index; 0 for single-item calls). Batch scans call it from several threads at
  // once, for different items.
  virtual void on_stage(uint64_t item, ScanStage stage, double seconds) noexcept = 0;
};

}  // namespace hashsieve
