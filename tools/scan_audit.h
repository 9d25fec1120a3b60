// The scan's entries in the store's append-only audit log: one record per matched item and a
// closing record for the batch (who scanned, when, against which list versions, with what result).
// Records hold paths, list entry ids and distances: never image content or upload hashes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace hashsieve::cli {

struct AuditCounts {
  uint64_t items = 0, matched = 0, low_quality = 0, failed = 0;
};

class AuditTrail {
 public:
  // store == nullptr: auditing is off and every call does nothing.
  AuditTrail(HashStore* store, std::string operator_name, std::string batch_id);

  void record(const ScanResult& r);  // buffered; flushed in groups so a crash loses little
  Status finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts);

 private:
  Status flush();

  HashStore* store_;
  std::string operator_, batch_;
  int64_t started_ms_;
  std::vector<std::string> pending_;
  Status error_;
};

}  // namespace hashsieve::cli
