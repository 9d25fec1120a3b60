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

struct StoreRunTimes {
  double import_s = 0, load_s = 0;
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline StoreRunTimes time_store_run(const std::string& db, const std::string& csv, const std::string& key_file) {
  StoreRunTimes t;
  StoreOptions o;
  o.key_file = key_file;
  {
    auto store = std::move(HashStore::Open(db, o)).value();
    (void)store->create_list("bench");
    auto reader = std::move(ListReader::Open(csv)).value();
    const auto t0 = std::chrono::steady_clock::now();
    auto rep = import_list(*store, "bench", *reader);
    t.import_s = seconds_since(t0);
    if (!rep.ok()) std::fprintf(stderr, "import failed: %s\n", rep.status().to_string().c_str());
  }
  const auto t0 = std::chrono::steady_clock::now();
  o.read_only = true;
  auto store = std::move(HashStore::Open(db, o)).value();
  auto idx = HashIndex::Build(std::move(store->snapshot_active({})).value());
  t.load_s = seconds_since(t0);
  return t;
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
  StoreRunTimes plain{1e9, 1e9}, enc{1e9, 1e9};
  for (int round = 0; round < 2; ++round) {  // alternating; best of two for each
    for (bool encrypted : {false, true}) {
      const std::string db = (dir / ("db-" + std::to_string(round) + (encrypted ? "-enc" : "-plain"))).string();
      StoreRunTimes t = time_store_run(db, csv, encrypted ? key : "");
      StoreRunTimes& best = encrypted ? enc : plain;
      best.import_s = std::min(best.import_s, t.import_s);
      best.load_s = std::min(best.load_s, t.load_s);
      fs::remove_all(db);
    }
  }
  std::printf("\n| store at rest (N=%zu, best of 2, alternating) | plain | AES-256-CTR | encrypted / plain |\n|---|---|---|---|\n", n);
  std::printf("| import (parse + synced batches of 100k) | %.2f s | %.2f s | %.2f |\n", plain.import_s, enc.import_s,
              enc.import_s / plain.import_s);
  std::printf("| load (open + snapshot + multi-index build) | %.2f s | %.2f s | %.2f |\n", plain.load_s, enc.load_s,
              enc.load_s / plain.load_s);
  std::printf("| scan (in-memory index: same structure either way) | unchanged | unchanged | 1.00 |\n");
  bench_reader_model(dir, rows);
  fs::remove_all(dir);
}

}  // namespace hashsieve::bench
