// One RocksDB instance with everything it owns, released in the right order by their own
// destructors: column-family handles, then the DB, then its environment (thread pools, files).
//
// A writer opens the database as its primary (RocksDB's LOCK: one writer process at a time); a
// reader opens it as a secondary instance, which never takes the lock and follows the primary's
// MANIFEST and write-ahead log, so it cannot fail or block because a writer is active.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "hashsieve/status.h"
#include "index/store_env.h"

namespace hashsieve::store {

class StoreKey;

Status from_rdb(const rocksdb::Status& s, const std::string& what);

struct InstanceOptions {
  bool writer = false;
  bool create_if_missing = false;  // writer only
  int background_threads = 2;
  std::shared_ptr<const StoreKey> key;  // null: plain text
  std::vector<rocksdb::ColumnFamilyDescriptor> families;  // all of them, "default" first
  // A family every database of this kind has from its first open on ("" when any RocksDB
  // directory at this path is ours). Without it the directory is kCorruption; other families a
  // crash during creation left out are created by the next writer.
  std::string marker;
  // Families a reader opens only when the database has them (a writer creates them): cf() is null
  // for one that is absent, e.g. a family newer than the writer that made the store.
  std::vector<std::string> optional;
};

class RocksInstance {
 public:
  static Result<std::unique_ptr<RocksInstance>> Open(const std::string& path, const InstanceOptions& o);
  ~RocksInstance();
  RocksInstance(const RocksInstance&) = delete;
  RocksInstance& operator=(const RocksInstance&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(size_t i) const { return handles_[i].get(); }
  bool writer() const { return writer_; }
  const std::string& path() const { return path_; }

  // One synced WriteBatch. After a failed write the instance refuses further writes (and does
  // not flush at close): RocksDB asserts when a file writer that saw an error is used again.
  Status write(rocksdb::WriteBatch& batch, const std::string& what);

  // Reader: applies what the primary has committed since (whole write batches only). Reads in
  // progress hold `view_mu()` shared; catching up takes it exclusively.
  Status catch_up();
  std::shared_mutex& view_mu() const { return view_mu_; }

 private:
  RocksInstance() = default;

  std::string path_;
  bool writer_ = false;
  bool failed_ = false;  // a write failed: no more writes
  std::unique_ptr<StoreEnv> env_;  // destroyed last
  std::shared_ptr<rocksdb::Logger> logger_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;  // destroyed first
  mutable std::shared_mutex view_mu_;
  std::mutex write_mu_;
};

}  // namespace hashsieve::store
