// index_bench's store section for the trusted store: the cost of encryption at rest (import and
// load, plain and AES-256-CTR side by side in one run, alternating so machine noise hits both),
// and the cost of the reader model (a reader's open and catch-up while a writer has unflushed
// batches, against RocksDB's plain read-only open that readers used before).
#pragma once

#include <rocksdb/db.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/list_formats.h"

namespace hashsieve::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline double time_import(const std::string& db, const std::string& csv, const std::string& key_file) {
  StoreOptions o;
  o.key_file = key_file;
  auto store = std::move(HashStore::Open(db, o)).value();
  (void)store->create_list("bench");
  auto reader = std::move(ListReader::Open(csv)).value();
  const auto t0 = std::chrono::steady_clock::now();
  auto rep = import_list(*store, "bench", *reader);
  const double s = seconds_since(t0);
  if (!rep.ok()) std::fprintf(stderr, "import failed: %s\n", rep.status().to_string().c_str());
  return s;
}

// A service's start: open as a reader, snapshot, build the index.
inline double time_load(const std::string& db, const std::string& key_file) {
  StoreOptions o;
  o.key_file = key_file;
  o.read_only = true;
  const auto t0 = std::chrono::steady_clock::now();
  auto store = std::move(HashStore::Open(db, o)).value();
  auto idx = HashIndex::Build(std::move(store->snapshot_active({})).value());
  return seconds_since(t0);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Reader open latency and catch-up with `batches` unflushed batches of 100k rows in the writer.
inline void bench_reader_model(const std::filesystem::path& dir, const std::vector<ListEntry>& rows) {
  const std::string db = (dir / "readers").string();
  auto writer = std::move(HashStore::Open(db)).value();
  (void)writer->create_list("l");
  constexpr size_t kBatch = 100000;
  size_t written = 0;
  auto write_batch = [&] {
    std::vector<ListEntry> b(rows.begin() + long(written), rows.begin() + long(std::min(rows.size(), written + kBatch)));
    written += b.size();
    (void)writer->import_batch("l", b);
  };
  std::printf("\n| reader model (writer open, batches of 100k rows not yet flushed) | secondary open | catch-up after one more batch | RocksDB read-only open (before) |\n|---|---|---|---|\n");
  for (int round = 0; round < 3 && written < rows.size(); ++round) {
    write_batch();
    StoreOptions ro;
    ro.read_only = true;
    auto t0 = std::chrono::steady_clock::now();
    auto reader = std::move(HashStore::Open(db, ro)).value();
    const double open_ms = seconds_since(t0) * 1e3;
    write_batch();
    t0 = std::chrono::steady_clock::now();
    (void)reader->refresh();
    const double catch_ms = seconds_since(t0) * 1e3;
    // The old way, for comparison: a read-only open replays the same write-ahead log.
    rocksdb::DBOptions dbo;
    std::vector<std::string> names;
    (void)rocksdb::DB::ListColumnFamilies(dbo, db, &names);
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    t0 = std::chrono::steady_clock::now();
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(dbo, db, descs, &handles, &raw);
    const double ro_ms = seconds_since(t0) * 1e3;
    for (auto* h : handles) delete h;
    delete raw;
    std::printf("| %zu rows written | %.0f ms | %.0f ms | %s |\n", written - kBatch, open_ms, catch_ms,
                s.ok() ? (std::to_string(int(ro_ms)) + " ms").c_str() : s.ToString().c_str());
  }
}

inline void bench_store_security(size_t n, const std::string& tmp) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(tmp) / ("hashsieve-bench-sec-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::mt19937_64 rng(42);
  std::vector<ListEntry> rows(n);
  const std::string csv = (dir / "list.csv").string();
  {
    std::ofstream f(csv, std::ios::binary);
    std::string buf = "hash,entry_id\n";
    for (size_t i = 0; i < n; ++i) {
      for (auto& w : rows[i].hash.words) w = rng();
      rows[i].has_hash = true;
      rows[i].entry_id = std::to_string(10000000 + i);
      buf += to_hex(rows[i].hash) + "," + rows[i].entry_id + "\n";
      if (buf.size() > (8 << 20)) { f << buf; buf.clear(); }
    }
    f << buf;
  }
  const std::string key = (dir / "key").string();
  {
    std::ofstream k(key);
    for (int i = 0; i < 64; ++i) k << "0123456789abcdef"[rng() % 16];
  }
  std::filesystem::permissions(key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);  // the store refuses a key others can read
  // Imports: two of each, alternating, best kept. Loads: five of each from the kept stores,
  // alternating, median kept.
  const std::string plain_db = (dir / "db-plain").string(), enc_db = (dir / "db-enc").string();
  std::vector<double> imp_plain, imp_enc, load_plain, load_enc;
  for (int round = 0; round < 2; ++round) {
    if (round > 0) {
      fs::remove_all(plain_db);
      fs::remove_all(enc_db);
    }
    imp_plain.push_back(time_import(plain_db, csv, ""));
    imp_enc.push_back(time_import(enc_db, csv, key));
  }
  for (int round = 0; round < 5; ++round) {
    load_plain.push_back(time_load(plain_db, ""));
    load_enc.push_back(time_load(enc_db, key));
  }
  const double ip = *std::min_element(imp_plain.begin(), imp_plain.end());
  const double ie = *std::min_element(imp_enc.begin(), imp_enc.end());
  const double lp = median(load_plain), le = median(load_enc);
  std::printf("\n| store at rest (N=%zu; import best of 2, load median of 5, alternating) | plain | AES-256-CTR | encrypted / plain |\n|---|---|---|---|\n", n);
  std::printf("| import (parse + synced batches of 100k) | %.2f s | %.2f s | %.2f |\n", ip, ie, ie / ip);
  std::printf("| load (reader open + snapshot + multi-index build) | %.2f s | %.2f s | %.2f |\n", lp, le, le / lp);
  std::printf("| scan (in-memory index: same structure either way) | unchanged | unchanged | 1.00 |\n");
  bench_reader_model(dir, rows);
  fs::remove_all(dir);
}

}  // namespace hashsieve::bench
