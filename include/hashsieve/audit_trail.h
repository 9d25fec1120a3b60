// A scan's entries in the store's append-only audit log: one record per matched item and a
// closing record for the batch (who scanned, when, against which list versions, with what result).
// Records hold paths, list entry ids and distances: never image content or upload hashes.
//
// Exactly once across kill -9 and --state resume: a match record's identity is (batch, item
// ordinal, list, entry id), so re-recording the items a resumed scan repeats is a no-op; the
// scan saves its state only after the audit records it covers are stored (checkpoint()), with a
// progress record holding the counts so far, so the batch record of a resumed scan covers the
// whole batch. Without a batch id, a resumed scan finds its batch through the state file's path.
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
  // becomes $USER (or "unknown"); an empty batch id, the start time and process id (or the batch
  // of the interrupted run being resumed). `state_file` (may be empty) and `resumed_from` (items
  // already done) come from the caller's resume state.
  AuditTrail(HashStore* store, std::string operator_name, std::string batch_id, std::string state_file = "",
             uint64_t resumed_from = 0);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Buffered; written in groups so that a crash loses little. A failed write is kept and
  // returned by finish(); later records are still buffered.
  // Takes the audit log's writer lock (a second audited scan is refused here) and finds the batch
  // and counts of an interrupted run. Call it before the first record().
  Status start() noexcept;
  void record(const ScanResult& r) noexcept;
  // Stores everything recorded so far, with this run's counts up to `done` items: call it before
  // saving resume state that says `done`.
  Status checkpoint(uint64_t done, const AuditCounts& counts) noexcept;
  // Writes what is buffered and the batch record (counts of this run; earlier runs are added).
  Status finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts) noexcept;

  const std::string& batch_id() const noexcept { return batch_; }
  const std::string& operator_name() const noexcept { return operator_; }

 private:
  Status find_batch();
  void append_matches(const ScanResult& r);
  std::string progress_key(uint64_t done) const { return "progress-" + std::to_string(done); }
  Status write_batch(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts);
  Status flush();  // the one place records reach the store

  HashStore* store_;
  std::string operator_, batch_, state_file_;
  uint64_t resumed_from_;
  int64_t started_ms_;
  AuditCounts base_;  // counts of the interrupted runs of this batch
  std::vector<AuditRecord> pending_;
  Status error_;
};

}  // namespace hashsieve
