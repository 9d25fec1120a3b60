// The RocksDB environment of one store instance: its own background thread pools (RocksDB's
// process-wide Env::Default() is left as the host program configured it), files created private
// (directories 0700, files 0600, whatever the umask), and optionally AES-256-CTR encryption.
#pragma once

#include <rocksdb/env.h>

#include <memory>
#include <string>

#include "hashsieve/status.h"

namespace hashsieve::store {

class StoreKey;

// Owns the Env handed to rocksdb::DBOptions::env; must outlive the DB opened with it.
class StoreEnv {
 public:
  // key == nullptr: files are written in plain text.
  static Result<std::unique_ptr<StoreEnv>> Create(int background_threads, std::shared_ptr<const StoreKey> key);
  ~StoreEnv();
  StoreEnv(const StoreEnv&) = delete;
  StoreEnv& operator=(const StoreEnv&) = delete;

  rocksdb::Env* env() const { return env_.get(); }

 private:
  StoreEnv() = default;
  std::unique_ptr<rocksdb::Env> composite_;  // the file system stack over the default file system
  std::unique_ptr<rocksdb::Env> env_;        // composite_ with this store's own thread pools
};

// Creates `dir` (and missing parents) with mode 0700; an existing directory keeps its mode.
Status make_private_dir(const std::string& dir);

}  // namespace hashsieve::store
