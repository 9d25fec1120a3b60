// Helpers shared by the store tests: entries and batches of random hashes, opening a store,
// key files, file modes.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

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
    rows[size_t(i)].entry_id = "b" + std::to_string(b) + "-" + std::to_string(i);
    rows[size_t(i)].has_hash = true;
    rows[size_t(i)].hash = random_hash(rng);
  }
  return rows;
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

}  // namespace hashsieve::testing
