// The hash-list store: named lists of PDQ hashes at rest, in one embedded database directory.
//
// Every mutation is one atomic, synced write: an import batch is all in or all out, also after a
// crash. Re-importing the same rows is idempotent (entries are keyed by list + entry id).
// Withdrawn entries stop matching but are kept for the audit trail until purged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/export.h"
#include "hashsieve/hash256.h"
#include "hashsieve/status.h"

namespace hashsieve {

inline constexpr int kDefaultMatchRadius = 31;
inline constexpr int kStoreSchemaVersion = 1;
inline constexpr size_t kMaxEntryIdLength = 255;

struct StoreOptions {
  bool create_if_missing = true;  // false: a missing database is kNotFound
  bool read_only = false;         // several readers may open the same database read-only
  int background_threads = 2;     // the database's own flush/compaction pool
};

struct ListInfo {
  uint32_t id = 0;  // internal, stable for the life of the list
  std::string name;
  int default_radius = kDefaultMatchRadius;
  std::string source;
  int64_t created_ms = 0;  // Unix time, milliseconds
  int64_t updated_ms = 0;
  uint64_t active = 0;     // entry counts, maintained in the same writes as the entries
  uint64_t withdrawn = 0;
};

enum class EntryState : uint8_t { kActive = 0, kWithdrawn = 1 };

// One row of an import, or one stored entry.
struct ListEntry {
  std::string entry_id;  // the list's own id; 1..255 bytes
  bool has_hash = false; // a withdrawal may name only the id
  Hash256 hash;
  int quality = -1;      // 0..100, or -1 when unknown
  std::string metadata;  // JSON text or empty
  EntryState state = EntryState::kActive;
};

struct ImportStats {
  uint64_t added = 0;
  uint64_t updated = 0;     // changed hash, quality or state
  uint64_t unchanged = 0;
  uint64_t withdrawn = 0;   // active -> withdrawn, or recorded as withdrawn
  uint64_t not_found = 0;   // withdrawals of unknown ids without a hash
  HASHSIEVE_API ImportStats& operator+=(const ImportStats& o);
};

class HASHSIEVE_API HashStore {
 public:
  // Opens (or creates) the database directory. A database written with another schema version
  // is kVersionMismatch; a directory that is not a hashsieve database is kCorruption.
  static Result<std::unique_ptr<HashStore>> Open(const std::string& path, const StoreOptions& options = {});
  virtual ~HashStore() = default;

  virtual Result<ListInfo> create_list(const std::string& name, int default_radius = kDefaultMatchRadius,
                                       const std::string& source = "") = 0;
  virtual Result<ListInfo> get_list(const std::string& name) const = 0;
  virtual Result<std::vector<ListInfo>> lists() const = 0;  // sorted by name
  // Removes the list and all its entries.
  virtual Status drop_list(const std::string& name) = 0;

  // Applies rows atomically (synced). Rows with state kWithdrawn are withdrawals. Within a batch
  // a later row with the same entry id wins.
  virtual Result<ImportStats> import_batch(const std::string& list, const std::vector<ListEntry>& rows) = 0;
  virtual Result<ImportStats> withdraw(const std::string& list, const std::vector<std::string>& entry_ids) = 0;
  // Deletes withdrawn entries for good; returns how many.
  virtual Result<uint64_t> purge_withdrawn(const std::string& list) = 0;

  // Visits every entry of a list (active and withdrawn) in entry-id byte order, from one
  // consistent view. Stops early when the callback returns false.
  virtual Status for_each_entry(const std::string& list,
                                const std::function<bool(const ListEntry&)>& fn) const = 0;

  // The active entries of the named lists (all lists when empty), read from one consistent view:
  // the input of a HashIndex generation.
  virtual Result<EntrySnapshot> snapshot_active(const std::vector<std::string>& lists) const = 0;

  // The append-only audit log of match decisions (for the data-protection records platforms
  // keep). Each record is one JSON object text, stored synced under its append time; there is
  // no call to change or delete a record.
  virtual Status append_audit(const std::vector<std::string>& records) = 0;
  // Visits records in append order; stops early when fn returns false.
  virtual Status for_each_audit(const std::function<bool(int64_t time_ms, const std::string& record)>& fn) const = 0;

  // Verifies the database: block checksums of every file, and that every list and entry
  // decodes and the per-list counters agree with the entries. kCorruption says what is wrong.
  virtual Status verify() const = 0;

  // Writes a consistent copy of the database to `dir` (which must not exist).
  virtual Status checkpoint(const std::string& dir) const = 0;

 protected:
  HashStore() = default;
};

}  // namespace hashsieve
