// The RocksDB-backed HashStore, one concern per source file: opening (hash_store.cpp), list
// administration (store_lists.cpp), import merges (store_import.cpp), consistent reads
// (store_snapshot.cpp), verification and copies (store_verify.cpp); the audit log is its own
// instance (store_audit.h).
//
// Column families: `lists` (name -> ListInfo), `entries` (list id + entry id -> state, quality,
// hash), `entry_meta` (same key -> metadata text), `meta` (schema version, id counter), `audit`
// (records of schema 1 written before the audit log moved to its own instance; read only),
// `changes` (the change log: change sequence + entry key, written in the same batch as the entries;
// store_changes.cpp).
#pragma once

#include <rocksdb/snapshot.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/hash_store.h"
#include "index/store_audit.h"
#include "index/store_instance.h"

namespace hashsieve::store {

enum Cf { kDefault = 0, kMeta, kLists, kEntries, kEntryMeta, kLegacyAudit, kChanges, kCfCount };
inline constexpr const char* kCfNames[] = {"default", "meta", "lists", "entries", "entry_meta", "audit", "changes"};
inline constexpr const char* kChangeSeqKey = "change_seq";      // the last change sequence written
inline constexpr const char* kChangesFromKey = "changes_from";  // the log holds every sequence from this on
inline constexpr const char* kSchemaKey = "schema_version";
inline constexpr const char* kNextListIdKey = "next_list_id";

std::vector<rocksdb::ColumnFamilyDescriptor> store_families();
// The lists named (all when `names` is empty), in name order, each once; kNotFound for an unknown name.
Result<std::vector<ListInfo>> choose_lists(const std::vector<ListInfo>& all, const std::vector<std::string>& names);
// A snapshot's record of list `l`, whose entries start at ordinal `first`.
SnapshotList snapshot_list_of(const ListInfo& l, uint32_t first);
int64_t now_ms();

// A consistent view for one read. A writer's is a RocksDB snapshot; a reader's (a secondary
// instance, which has no snapshots) is its whole state, which only catch-up changes, and
// catch-up waits for the views in use.
class ReadView {
 public:
  explicit ReadView(const RocksInstance& inst) : lock_(inst.view_mu()) {
    if (inst.writer()) snap_.emplace(inst.db());
  }
  const rocksdb::Snapshot* get() { return snap_ ? snap_->snapshot() : nullptr; }
  // The last sequence number this view includes: the writer's snapshot, or all a reader has applied.
  uint64_t sequence(const RocksInstance& inst) {
    return snap_ ? snap_->snapshot()->GetSequenceNumber() : inst.db()->GetLatestSequenceNumber();
  }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  std::optional<rocksdb::ManagedSnapshot> snap_;
};

class RocksHashStore final : public HashStore {
 public:
  static Result<std::unique_ptr<HashStore>> open(const std::string& path, const StoreOptions& o);

  Result<ListInfo> create_list(const std::string& name, int radius, const std::string& source) override;
  Result<ListInfo> get_list(const std::string& name) const override;
  Result<std::vector<ListInfo>> lists() const override;
  Status drop_list(const std::string& name) override;
  Result<ImportStats> import_batch(const std::string& list, const std::vector<ListEntry>& rows) override;
  Result<ImportStats> withdraw(const std::string& list, const std::vector<std::string>& ids) override;
  Result<uint64_t> purge_withdrawn(const std::string& list) override;
  Status for_each_entry(const std::string& list, const std::function<bool(const ListEntry&)>& fn) const override;
  Result<EntrySnapshot> snapshot_active(const std::vector<std::string>& lists) const override;
  Result<EntryChanges> changes_since(uint64_t change_seq, const std::vector<std::string>& lists,
                                     size_t max_entries) const override;
  Status refresh() override;
  Result<uint64_t> data_version() const override;
  Status append_audit(const std::vector<AuditRecord>& records) override;
  Status for_each_audit(const std::function<bool(int64_t, const std::string&)>& fn) const override;
  Result<std::string> get_audit(const std::string& batch, const std::string& key) const override;
  Status verify() const override;
  Status checkpoint(const std::string& dir, const std::string& key_file) const override;

 private:
  Result<ImportStats> import_locked(const std::string& list, const std::vector<ListEntry>& rows);
  Result<ListInfo> get_list_at(const std::string& name, const rocksdb::Snapshot* snap) const;
  Result<std::vector<ListInfo>> lists_at(const rocksdb::Snapshot* snap) const;
  // Calls fn(key, entry) for each entry of a list in key order; metadata only when asked.
  Status scan_list(const ListInfo& info, const rocksdb::Snapshot* snap, bool with_meta,
                   const std::function<bool(std::string_view, const ListEntry&)>& fn) const;
  std::vector<std::string> split_keys(const std::string& lo, const std::string& hi, size_t parts) const;
  Status snapshot_list(const ListInfo& info, const rocksdb::Snapshot* snap, EntrySnapshot* out) const;
  Status write(rocksdb::WriteBatch& batch, const std::string& what) { return db_->write(batch, what); }
  // The change log (store_changes.cpp). Under write_mu_: log_changes adds one write's records to
  // its batch (the entry keys written, or one whole-list record when there are too many or the
  // list itself changed); logged() is called once that batch is written.
  Status open_change_log();
  void log_changes(rocksdb::WriteBatch& batch, uint32_t list_id, const std::vector<std::string_view>& entry_keys,
                   bool whole_list);
  void logged() { ++change_seq_; }
  uint64_t change_seq_at(const rocksdb::Snapshot* snap) const;
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return db_->cf(c); }
  Status audit_ready(bool writer) const;

  std::string path_;
  StoreOptions options_;
  std::shared_ptr<const StoreKey> key_;
  std::unique_ptr<RocksInstance> db_;
  std::mutex write_mu_;  // import batches read-modify-write the list counters
  uint64_t change_seq_ = 0;  // writer: the last change sequence written (under write_mu_)
  // An import's batch buffer, kept between batches (under write_mu_): a fresh one of ~16 MiB a
  // batch costs a page fault per 4 KiB (glibc maps such blocks anew and unmaps them on free).
  std::unique_ptr<rocksdb::WriteBatch> import_wb_;
  size_t import_wb_reserved_ = 0;
  mutable std::mutex audit_mu_;
  mutable std::unique_ptr<AuditLog> audit_;  // opened at first use
};

}  // namespace hashsieve::store
