// Helpers shared by the store tests: entries and batches of random hashes, opening a store,
// key files, file modes.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

#include "hashsieve/hash_store.h"
#include "index_test_util.h"

namespace hashsieve::testing {

// An entry with a random hash drawn from `seed`.
inline ListEntry random_entry(const std::string& id, uint64_t seed, int quality = -1) {
  std::mt19937_64 rng(seed);
  ListEntry e;
  e.entry_id = id;
  e.has_hash = true;
  e.hash = random_hash(rng);
  e.quality = quality;
  return e;
}

// Batch `b` of an import: `n` entries "b<b>-<i>" with random hashes, the same for the same b.
inline std::vector<ListEntry> batch_rows(int b, int n) {
  std::mt19937_64 rng(uint64_t(b) * 7919 + 1);
  std::vector<ListEntry> rows(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    // Appended, not "b" + ...: gcc 12 warns falsely (-Wrestrict) on that once it is inlined.
    rows[size_t(i)].entry_id = std::string("b").append(std::to_string(b)).append("-").append(std::to_string(i));
    rows[size_t(i)].has_hash = true;
    rows[size_t(i)].hash = random_hash(rng);
  }
  return rows;
}

// Options of a read-only reader of an existing store.
inline StoreOptions reader_options() {
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  return o;
}

// A store's database opened with RocksDB itself, every column family, to write what a future
// build would; closed when it goes out of scope. `db` is null when the open failed.
struct RawRocksDb {
  rocksdb::DB* db = nullptr;
  std::vector<std::string> names;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  explicit RawRocksDb(const std::string& path, bool read_only = false) {
    rocksdb::DBOptions o;
    if (!rocksdb::DB::ListColumnFamilies(o, path, &names).ok()) return;
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    const auto s = read_only ? rocksdb::DB::OpenForReadOnly(o, path, descs, &handles, &db)
                             : rocksdb::DB::Open(o, path, descs, &handles, &db);
    if (!s.ok()) db = nullptr;
  }
  RawRocksDb(const RawRocksDb&) = delete;
  RawRocksDb& operator=(const RawRocksDb&) = delete;
  ~RawRocksDb() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  rocksdb::ColumnFamilyHandle* family(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return handles[i];
    return nullptr;
  }
};

// Writes the schema version marker as another build would have left it.
inline void set_schema_version(const std::string& path, const std::string& version) {
  RawRocksDb raw(path);
  ASSERT_NE(raw.family("meta"), nullptr);
  ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.family("meta"), "schema_version", version).ok());
}

inline std::string schema_version_of(const std::string& path) {
  RawRocksDb raw(path, /*read_only=*/true);
  std::string v;
  EXPECT_NE(raw.family("meta"), nullptr);
  if (raw.family("meta")) {
    EXPECT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.family("meta"), "schema_version", &v).ok());
  }
  return v;
}

// The store at `path` (a failed open is a test failure and nullptr).
inline std::unique_ptr<HashStore> open_store(const std::string& path, StoreOptions o = {}) {
  auto s = HashStore::Open(path, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

inline mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

// A key file of 64 hex digits drawn from `seed`, readable by its owner only (as the store
// requires), or with `mode` when a test needs another.
inline std::string write_key(const std::string& path, uint64_t seed, std::filesystem::perms mode =
                                                                         std::filesystem::perms::owner_read |
                                                                         std::filesystem::perms::owner_write) {
  std::mt19937_64 rng(seed);
  std::string hex;
  const char* digits = "0123456789abcdef";
  for (int i = 0; i < 64; ++i) hex.push_back(digits[rng() % 16]);
  std::ofstream(path) << hex << "\n";
  std::filesystem::permissions(path, mode, std::filesystem::perm_options::replace);
  return path;
}

// Forks a writer that imports batch after batch (`rows(b)` for b = 0, 1, ...) into `list` of the
// store at `path` until it is killed, and kills it with SIGKILL 30 ms after its fourth batch is
// in, somewhere inside a later one. Returns the child's wait status (a signal, unless the child
// failed first: exit 3 could not open, 4 an import failed).
inline int kill_writer_mid_import(const std::string& path, const std::string& list,
                                  const std::function<std::vector<ListEntry>(int)>& rows) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(pipefd[0]);
    auto s = HashStore::Open(path);
    if (!s.ok()) _exit(3);
    for (int b = 0;; ++b) {
      if (!(*s)->import_batch(list, rows(b)).ok()) _exit(4);
      if (b == 3) (void)!write(pipefd[1], "x", 1);  // some batches are surely in
    }
  }
  close(pipefd[1]);
  char c;
  const bool signalled = read(pipefd[0], &c, 1) == 1;
  close(pipefd[0]);
  if (signalled) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace hashsieve::testing
