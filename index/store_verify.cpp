// Verification, and consistent copies of a store in use (backup and key rotation).
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "common/api_guard.h"
#include "index/store_codec.h"
#include "index/store_crypto.h"
#include "index/store_impl.h"

namespace hashsieve::store {
namespace {

namespace rdb = rocksdb;
namespace fs = std::filesystem;

constexpr size_t kCopyBatchBytes = 8 << 20;

// Copies every column family of `from` (as of `snap`) into `to`, in synced batches; the copy
// only becomes a database the caller hands out once all of it is written.
Status copy_families(const RocksInstance& from, const rdb::Snapshot* snap, RocksInstance& to, size_t count) {
  for (size_t c = 0; c < count; ++c) {
    if (!from.cf(c)) continue;  // a family this reader's database does not have yet
    rdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.fill_cache = false;
    ro.readahead_size = 4 << 20;
    std::unique_ptr<rdb::Iterator> it(from.db()->NewIterator(ro, from.cf(c)));
    rdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch.Put(to.cf(c), it->key(), it->value());
      if (batch.GetDataSize() >= kCopyBatchBytes) {
        if (Status s = to.write(batch, "writing the copy"); !s.ok()) return s;
        batch.Clear();
      }
    }
    if (Status s = from_rdb(it->status(), "reading the database"); !s.ok()) return s;
    if (batch.Count() > 0)
      if (Status s = to.write(batch, "writing the copy"); !s.ok()) return s;
  }
  return Status::Ok();
}

Status copy_instance(const RocksInstance& from, const std::string& dir, InstanceOptions o) {
  o.writer = true;
  o.create_if_missing = true;
  auto to = RocksInstance::Open(dir, o);
  if (!to.ok()) return to.status();
  ReadView view(from);
  return copy_families(from, view.get(), **to, o.families.size());
}

}  // namespace

Status RocksHashStore::verify() const {
  return guard_status([&]() -> Status {
    if (Status s = from_rdb(db_->db()->VerifyChecksum(), "verifying checksums"); !s.ok())
      return Status(StatusCode::kCorruption, s.message());
    ReadView view(*db_);
    auto all = lists_at(view.get());
    if (!all.ok()) return all.status();
    for (const ListInfo& info : *all) {
      uint64_t active = 0, withdrawn = 0;
      Status s = scan_list(info, view.get(), false, [&](std::string_view, const ListEntry& e) {
        (e.state == EntryState::kActive ? active : withdrawn)++;
        return true;
      });
      if (!s.ok()) return s;
      if (active != info.active || withdrawn != info.withdrawn) {
        return Status(StatusCode::kCorruption, "list '" + info.name + "' counts " + std::to_string(info.active) + "/" +
                                                   std::to_string(info.withdrawn) + " active/withdrawn but holds " +
                                                   std::to_string(active) + "/" + std::to_string(withdrawn));
      }
    }
    return Status::Ok();
  });
}

// A logical copy rather than RocksDB's hard-link checkpoint: it works from a reader (a secondary
// instance cannot list live files), so a store is backed up while its writer runs, and it writes
// every byte again, so the copy can be encrypted with another key.
Status RocksHashStore::checkpoint(const std::string& dir, const std::string& key_file) const {
  return guard_status([&]() -> Status {
    std::error_code ec;
    if (fs::exists(dir, ec)) return Status(StatusCode::kAlreadyExists, "checkpoint: '" + dir + "' already exists");
    std::shared_ptr<const StoreKey> key = key_;
    if (!key_file.empty()) {
      auto k = StoreKey::Load(key_file);
      if (!k.ok()) return k.status();
      key = std::move(k).value();
    }
    InstanceOptions o;
    o.background_threads = 1;
    o.key = key;
    o.families = store_families();
    Status s = copy_instance(*db_, dir, o);
    if (s.ok()) {
      if (Status a = audit_ready(false); a.ok()) {
        o.families = AuditLog::families();
        s = copy_instance(audit_->instance(), AuditLog::dir_of(dir), o);
      } else if (a.code() != StatusCode::kNotFound) {
        s = a;
      }
    }
    if (!s.ok()) fs::remove_all(dir, ec);  // never leave half a copy that looks like a database
    return s;
  });
}

}  // namespace hashsieve::store
