// The scan's entries in the store's append-only audit log: one record per match and a closing
// record for the batch (who scanned, when, against which list versions, with what result).
// Records hold paths, list entry ids and distances: never image content or upload hashes.
//
// Exactly once across kill -9 and --state resume: a match record's identity is (batch, item
// ordinal, list, entry id), so re-recording the items a resumed scan repeats is a no-op; the
// scan saves its state only after the audit records it covers are stored (checkpoint()), with a
// progress record holding the counts so far, so the batch record of a resumed scan covers the
// whole batch. Without --batch, a resumed scan finds its batch id through the state file's path.
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
  // store == nullptr: auditing is off and every call does nothing. `state_file` (may be empty)
  // and `resumed_from` come from --state.
  AuditTrail(HashStore* store, std::string operator_name, std::string batch_id, std::string state_file,
             uint64_t resumed_from);

  Status start();                    // finds the batch and the counts of an interrupted run
  void record(const ScanResult& r);  // buffered; flushed in groups
  // Stores everything recorded so far, with the counts (of this run) up to `done` items: call it
  // before saving the scan state that says `done`.
  Status checkpoint(uint64_t done, const AuditCounts& counts);
  Status finish(const GenerationInfo& gen, const ScanOptions& scan, const AuditCounts& counts);

 private:
  Status flush();
  std::string progress_key(uint64_t done) const { return "progress-" + std::to_string(done); }

  HashStore* store_;
  std::string operator_, batch_, state_file_;
  uint64_t resumed_from_;
  int64_t started_ms_;
  AuditCounts base_;  // counts of the interrupted runs of this batch
  std::vector<AuditRecord> pending_;
  Status error_;
};

}  // namespace hashsieve::cli
