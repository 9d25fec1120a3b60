// The audit log in its own RocksDB instance (`<db>/audit`), with its own lock: appending to it
// never needs the lists' writer lock, so an audited scan runs while an import does.
//
// Column families: `records` (append time ms + sequence, both big-endian -> record text) and
// `ids` (batch + NUL + key -> the record's key), written together in one synced batch, so a
// record is stored at most once per identity, also across a crash and a resumed scan.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/hash_store.h"
#include "index/store_instance.h"

namespace hashsieve::store {

class AuditLog {
 public:
  static std::string dir_of(const std::string& db_path) { return db_path + "/audit"; }
  static std::vector<rocksdb::ColumnFamilyDescriptor> families();

  // A writer creates the log when missing; a reader of a missing log is kNotFound.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& db_path, bool writer,
                                               std::shared_ptr<const StoreKey> key);

  bool writer() const { return inst_->writer(); }
  Status append(const std::vector<AuditRecord>& records);
  Result<std::string> get(const std::string& batch, const std::string& key) const;  // kNotFound: none
  Status for_each(const std::function<bool(int64_t, const std::string&)>& fn) const;
  const RocksInstance& instance() const { return *inst_; }
  RocksInstance& instance() { return *inst_; }

 private:
  enum Family { kDefault = 0, kRecords, kIds };
  AuditLog() = default;
  std::unique_ptr<RocksInstance> inst_;
  uint64_t next_seq_ = 0;
};

}  // namespace hashsieve::store
