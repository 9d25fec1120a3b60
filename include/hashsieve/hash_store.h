// The hash-list store: named lists of PDQ hashes (and exact digests) at rest, in one embedded database directory.
//
// Every mutation is one atomic, synced write: an import batch is all in or all out, also after a
// crash. Re-importing the same rows is idempotent (entries are keyed by list + entry id).
// Withdrawn entries stop matching but are kept for the audit trail until purged.
//
// Concurrency: one writer process at a time and any number of reader processes.
// - A writer (StoreOptions::read_only = false: imports, withdrawals, list admin) holds the
//   database's lock; a second writer gets kIoError ("in use by another writer") at Open.
// - A reader (read_only = true: scan, match, check, checkpoint, services) never takes that lock
//   and never fails or waits because a writer is active. It sees the database as of its Open
//   and moves forward only when it calls refresh(); what it sees is always made of whole import
//   batches (each batch is one write-ahead-log record, applied whole or not at all).
// - The audit log is a separate instance under `<db>/audit` with its own lock, so an audited
//   scan (a reader of the lists) and an import run at the same time. One process appends to it
//   at a time; any number read it.
// Within one process a HashStore may be used from many threads at once.
//
// Files are private: the directories are created 0700 and every file 0600, whatever the umask.
// With StoreOptions::key_file every file (tables, logs, MANIFEST, audit) is AES-256-CTR encrypted.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/digests.h"
#include "hashsieve/entry_snapshot.h"
#include "hashsieve/export.h"
#include "hashsieve/hash256.h"
#include "hashsieve/status.h"

namespace hashsieve {

inline constexpr int kDefaultMatchRadius = 31;
// 2: entries may carry digests (exact signals). A writer opening a version-1 store marks it 2
// (its entries read as they are); a reader reads either.
inline constexpr int kStoreSchemaVersion = 2;
inline constexpr size_t kMaxEntryIdLength = 255;

struct StoreOptions {
  bool create_if_missing = true;  // false: a missing database is kNotFound
  bool read_only = false;         // a reader (see above); any number may run beside the writer
  int background_threads = 2;     // the database's own flush/compaction pool (not the process's)
  // A file holding the AES-256 key (32 bytes, or 64 hex digits): the store is encrypted at rest.
  // Empty: plain. A wrong key, a key for a plain store or none for an encrypted one is
  // kInvalidArgument, said as such.
  std::string key_file;
};

// One audit record. (batch, key) identifies it: appending a record whose identity is already
// stored is a no-op, so a scan resumed after a crash records each match exactly once.
struct AuditRecord {
  std::string batch;
  std::string key;   // unique within the batch, e.g. item ordinal + list + entry id
  std::string text;  // one JSON object
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
  bool has_hash = false; // PDQ known; a withdrawal may name only the id
  Hash256 hash;
  Digests digests;       // exact signals known for the entry; an entry may have only these
  int quality = -1;      // 0..100, or -1 when unknown
  std::string metadata;  // JSON text or empty
  EntryState state = EntryState::kActive;
};

struct HASHSIEVE_API ImportStats {
  uint64_t added = 0;
  uint64_t updated = 0;     // changed hash, quality or state
  uint64_t unchanged = 0;
  uint64_t withdrawn = 0;   // active -> withdrawn, or recorded as withdrawn
  uint64_t not_found = 0;   // withdrawals of unknown ids without a hash
  HASHSIEVE_API ImportStats& operator+=(const ImportStats& o);
};

// What changed in some lists after a change sequence: every entry written since (added, updated,
// withdrawn, or only its metadata rewritten) and the current state of those still active.
struct EntryChanges {
  uint64_t store_version = 0;        // data_version() of the view this was read at
  uint64_t change_seq = kNoChangeSeq;  // the change sequence of that view
  std::vector<ListInfo> lists;       // the chosen lists at that view, in name order
  // (index into lists, entry id) of every entry written since, sorted.
  std::vector<std::pair<uint32_t, std::string>> touched;
  // Those of them that are active with a hash or digests, laid out as snapshot_active lays out
  // entries (every chosen list, in order, each possibly empty), with their metadata.
  EntrySnapshot active;
};

class HASHSIEVE_API HashStore {
 public:
  // Opens (or creates) the database directory. A database written with another schema version
  // or by a newer build (a column family this build does not know) is kVersionMismatch; a
  // directory that is not a hashsieve database is kCorruption.
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
  // the input of a HashIndex generation. A reader first catches up with the writer (refresh()).
  virtual Result<EntrySnapshot> snapshot_active(const std::vector<std::string>& lists) const = 0;

  // The entries of the named lists (all when empty) written after `change_seq` (an
  // EntrySnapshot's), read from one consistent view after catching up like snapshot_active. Fails
  // (kUnsupported) when the change log cannot answer: more than `max_entries` entries changed, a
  // chosen list was created, dropped or changed as a whole, the log no longer reaches back that
  // far, or the store (or this reader's view of it) has no change log. Callers then read a whole
  // snapshot instead.
  virtual Result<EntryChanges> changes_since(uint64_t change_seq, const std::vector<std::string>& lists,
                                             size_t max_entries) const = 0;

  // A reader: moves its view forward to what the writer has committed (whole batches only).
  // A writer always sees its own writes: nothing to do.
  virtual Status refresh() = 0;

  // A number that moves forward whenever the lists' content changes (list admin, imports,
  // withdrawals, purges; the audit log does not count). It may also move without a visible
  // change. A reader sees it move only after refresh(). Long-running services compare it with
  // GenerationInfo::store_version to know when a reload is due.
  virtual Result<uint64_t> data_version() const = 0;

  // The append-only audit log of match decisions (for the data-protection records platforms
  // keep). The records are stored in one synced write under their append time, skipping those
  // whose (batch, key) is already stored; there is no call to change or delete a record. Works
  // on a reader too (the audit log is its own instance with its own lock).
  virtual Status append_audit(const std::vector<AuditRecord>& records) = 0;
  // The text of the record with this identity; kNotFound when there is none.
  virtual Result<std::string> get_audit(const std::string& batch, const std::string& key) const = 0;
  // Visits records in append order; stops early when fn returns false.
  virtual Status for_each_audit(const std::function<bool(int64_t time_ms, const std::string& record)>& fn) const = 0;

  // Verifies the database: block checksums of every file, and that every list and entry
  // decodes and the per-list counters agree with the entries. kCorruption says what is wrong.
  virtual Status verify() const = 0;

  // Writes a consistent copy of the database and its audit log to `dir` (which must not exist),
  // also while a writer is active. The copy is encrypted with `key_file` when given (key
  // rotation, or encrypting a plain store), else as this store is.
  virtual Status checkpoint(const std::string& dir, const std::string& key_file = "") const = 0;

 protected:
  HashStore() = default;
};

}  // namespace hashsieve
