// Opening a store: the main instance (a writer as RocksDB primary, a reader as a secondary), the
// schema check, and the factory behind HashStore::Open.
#include "hashsieve/hash_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <chrono>

#include "common/api_guard.h"
#include "index/store_crypto.h"
#include "index/store_impl.h"

namespace hashsieve {
namespace store {

namespace rdb = rocksdb;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::vector<rdb::ColumnFamilyDescriptor> store_families() {
  rdb::ColumnFamilyOptions generic;
  rdb::ColumnFamilyOptions entries;
  rdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rdb::NewBloomFilterPolicy(10));  // cheap "not there" for import lookups
  t.block_size = 16 << 10;
  entries.table_factory.reset(rdb::NewBlockBasedTableFactory(t));
  entries.compression = rdb::kNoCompression;  // hashes are random bytes; compression buys little
  entries.write_buffer_size = 64 << 20;
  entries.max_write_buffer_number = 3;
  entries.target_file_size_base = 64 << 20;
  // Every import looks its ids up first, and on a new list nearly all are absent: a bloom filter
  // over the memtable's keys answers those without a skip-list search.
  entries.memtable_prefix_bloom_size_ratio = 0.05;
  entries.memtable_whole_key_filtering = true;
  std::vector<rdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kCfCount; ++i) descs.emplace_back(kCfNames[i], i == kEntries ? entries : generic);
  return descs;
}

Result<std::unique_ptr<HashStore>> RocksHashStore::open(const std::string& path, const StoreOptions& o) {
  std::shared_ptr<const StoreKey> key;
  if (!o.key_file.empty()) {
    auto k = StoreKey::Load(o.key_file);
    if (!k.ok()) return k.status();
    key = std::move(k).value();
  }
  InstanceOptions io;
  io.writer = !o.read_only;
  io.create_if_missing = o.create_if_missing;
  io.background_threads = o.background_threads;
  io.key = key;
  io.families = store_families();
  io.marker = kCfNames[kMeta];
  io.optional = {kCfNames[kChanges]};  // a store written before the change log has none
  auto inst = RocksInstance::Open(path, io);
  if (!inst.ok()) return inst.status();

  auto store = std::unique_ptr<RocksHashStore>(new RocksHashStore());
  store->path_ = path;
  store->options_ = o;
  store->key_ = key;
  store->db_ = std::move(inst).value();

  std::string version;
  rdb::Status s = store->db_->db()->Get(rdb::ReadOptions(), store->cf(kMeta), kSchemaKey, &version);
  if (s.IsNotFound() && store->db_->writer()) {
    rdb::WriteBatch init;
    init.Put(store->cf(kMeta), kSchemaKey, std::to_string(kStoreSchemaVersion));
    if (Status st = store->write(init, "initialising '" + path + "'"); !st.ok()) return st;
  } else if (s.IsNotFound()) {
    return Status(StatusCode::kCorruption, "'" + path + "' has no schema version");
  } else if (!s.ok()) {
    return from_rdb(s, "reading schema version");
  } else if (version == "1") {
    // Schema 1 entries are format-1 values, which this build reads as they are. A writer marks the
    // store 2 before it can add an entry with digests, so a build that reads only schema 1 then
    // refuses the store instead of calling its entries malformed.
    if (store->db_->writer()) {
      rdb::WriteBatch upgrade;
      upgrade.Put(store->cf(kMeta), kSchemaKey, std::to_string(kStoreSchemaVersion));
      if (Status st = store->write(upgrade, "upgrading '" + path + "' to schema 2"); !st.ok()) return st;
    }
  } else if (version != std::to_string(kStoreSchemaVersion)) {
    return Status(StatusCode::kVersionMismatch, "database '" + path + "' has schema version " + version +
                                                    "; this build reads version " +
                                                    std::to_string(kStoreSchemaVersion));
  }
  if (store->db_->writer())
    if (Status st = store->open_change_log(); !st.ok()) return st;
  return std::unique_ptr<HashStore>(std::move(store));
}

Status RocksHashStore::refresh() {
  return guard_status([&]() -> Status { return db_->catch_up(); });
}

Result<uint64_t> RocksHashStore::data_version() const {
  return guard_status([&]() -> Result<uint64_t> {
    ReadView view(*db_);
    return view.sequence(*db_);
  });
}

}  // namespace store

Result<std::unique_ptr<HashStore>> HashStore::Open(const std::string& path, const StoreOptions& options) {
  return guard_status([&] { return store::RocksHashStore::open(path, options); });
}

ImportStats& ImportStats::operator+=(const ImportStats& o) {
  added += o.added; updated += o.updated; unchanged += o.unchanged; withdrawn += o.withdrawn; not_found += o.not_found;
  return *this;
}

}  // namespace hashsieve
