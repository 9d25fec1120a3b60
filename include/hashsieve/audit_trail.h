// A scan's entries in the store's append-only audit log: one record per matched item and a
// closing record for the batch (who scanned, when, against which list versions, with what result).
// Records hold paths, list entry ids and distances: never image content or upload hashes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/export.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace hashsieve {

struct AuditCounts {
  uint64_t items = 0, matched = 0, low_quality = 0, failed = 0;
};

class HASHSIEVE_API AuditTrail {
 public:
  // store == nullptr: auditing is off and every call does nothing. An empty operator name
  // becomes $USER (or "unknown"); an empty batch id, the start time and process id.
  AuditTrail(HashStore* store, std::string operator_name, std::string batch_id);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Buffered; written in groups so that a crash loses little. A failed write is kept and
  // returned by finish(); later records are still buffered.
  void record(const ScanResult& r) noexcept;
  // Writes what is buffered and the batch record.
  Status finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts) noexcept;

  const std::string& batch_id() const noexcept { return batch_; }
  const std::string& operator_name() const noexcept { return operator_; }

 private:
  void append_matches(const ScanResult& r);
  Status write_batch(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts);
  Status flush();  // the one place records reach the store

  HashStore* store_;
  std::string operator_, batch_;
  int64_t started_ms_;
  std::vector<std::string> pending_;
  Status error_;
};

}  // namespace hashsieve
