#include "index/store_audit.h"

#include <rocksdb/write_batch.h>

#include <set>

#include "common/api_guard.h"
#include "index/store_codec.h"
#include "index/store_impl.h"

namespace hashsieve::store {
namespace {
namespace rdb = rocksdb;

std::string id_key(const std::string& batch, const std::string& key) { return batch + '\0' + key; }
}  // namespace

std::vector<rdb::ColumnFamilyDescriptor> AuditLog::families() {
  return {{"default", {}}, {"records", {}}, {"ids", {}}};
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& db_path, bool writer,
                                                 std::shared_ptr<const StoreKey> key) {
  InstanceOptions o;
  o.writer = writer;
  o.create_if_missing = writer;
  o.background_threads = 1;
  o.key = std::move(key);
  o.families = families();
  auto inst = RocksInstance::Open(dir_of(db_path), o);
  if (!inst.ok()) return inst.status();
  std::unique_ptr<AuditLog> log(new AuditLog());
  log->inst_ = std::move(inst).value();
  if (writer) {
    std::unique_ptr<rdb::Iterator> it(log->inst_->db()->NewIterator(rdb::ReadOptions(), log->inst_->cf(kRecords)));
    it->SeekToLast();
    if (it->Valid() && it->key().size() == 16) log->next_seq_ = get_u64_be(it->key().data() + 8) + 1;
    if (Status s = from_rdb(it->status(), "reading the audit log"); !s.ok()) return s;
  }
  return log;
}

Status AuditLog::append(const std::vector<AuditRecord>& records) {
  // One process appends at a time (the instance's lock); the caller serialises its threads.
  std::vector<std::string> ids;
  std::vector<rdb::Slice> slices;
  ids.reserve(records.size());
  for (const auto& r : records) ids.push_back(id_key(r.batch, r.key));
  for (const auto& id : ids) slices.emplace_back(id);
  std::vector<rdb::PinnableSlice> values(ids.size());
  std::vector<rdb::Status> found(ids.size());
  if (!ids.empty())
    inst_->db()->MultiGet(rdb::ReadOptions(), inst_->cf(kIds), ids.size(), slices.data(), values.data(), found.data());
  const uint64_t t = uint64_t(now_ms());
  rdb::WriteBatch batch;
  std::set<std::string_view> in_batch;
  for (size_t i = 0; i < records.size(); ++i) {
    if (found[i].ok() || !in_batch.insert(ids[i]).second) continue;  // already recorded
    if (!found[i].IsNotFound()) return from_rdb(found[i], "reading the audit log");
    std::string key;
    put_u64_be(&key, t);
    put_u64_be(&key, next_seq_++);
    batch.Put(inst_->cf(kRecords), key, records[i].text);
    batch.Put(inst_->cf(kIds), ids[i], key);
  }
  if (batch.Count() == 0) return Status::Ok();
  return inst_->write(batch, "appending to the audit log");
}

Result<std::string> AuditLog::get(const std::string& batch, const std::string& key) const {
  ReadView view(*inst_);
  rdb::ReadOptions ro;
  ro.snapshot = view.get();
  std::string where, text;
  rdb::Status s = inst_->db()->Get(ro, inst_->cf(kIds), id_key(batch, key), &where);
  if (s.ok()) s = inst_->db()->Get(ro, inst_->cf(kRecords), where, &text);
  if (s.IsNotFound()) return Status(StatusCode::kNotFound, "no such audit record");
  if (!s.ok()) return from_rdb(s, "reading the audit log");
  return text;
}

Status AuditLog::for_each(const std::function<bool(int64_t, const std::string&)>& fn) const {
  ReadView view(*inst_);
  rdb::ReadOptions ro;
  ro.snapshot = view.get();
  std::unique_ptr<rdb::Iterator> it(inst_->db()->NewIterator(ro, inst_->cf(kRecords)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 16) return Status(StatusCode::kCorruption, "audit log key has the wrong size");
    if (!fn(int64_t(get_u64_be(it->key().data())), it->value().ToString())) break;
  }
  return from_rdb(it->status(), "reading the audit log");
}

}  // namespace hashsieve::store

// --- the store's audit calls -------------------------------------------------------------------

namespace hashsieve::store {

Status RocksHashStore::audit_ready(bool writer) const {
  // Callers hold audit_mu_.
  if (audit_ && (audit_->writer() || !writer)) return audit_->writer() ? Status::Ok() : audit_->instance().catch_up();
  audit_.reset();
  auto log = AuditLog::Open(path_, writer, key_);
  if (!log.ok()) return log.status();
  audit_ = std::move(log).value();
  return Status::Ok();
}

Status RocksHashStore::append_audit(const std::vector<AuditRecord>& records) {
  return guard_status([&]() -> Status {
    std::lock_guard lock(audit_mu_);
    if (Status s = audit_ready(true); !s.ok()) return s;
    return audit_->append(records);
  });
}

Result<std::string> RocksHashStore::get_audit(const std::string& batch, const std::string& key) const {
  return guard_status([&]() -> Result<std::string> {
    std::lock_guard lock(audit_mu_);
    if (Status s = audit_ready(false); !s.ok()) return s;
    return audit_->get(batch, key);
  });
}

Status RocksHashStore::for_each_audit(const std::function<bool(int64_t, const std::string&)>& fn) const {
  return guard_status([&]() -> Status {
    // Records of schema 1 stores, from before the audit log had its own instance, come first.
    {
      ReadView view(*db_);
      rocksdb::ReadOptions ro;
      ro.snapshot = view.get();
      std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, cf(kLegacyAudit)));
      bool more = true;
      for (it->SeekToFirst(); more && it->Valid(); it->Next()) {
        if (it->key().size() != 16) return Status(StatusCode::kCorruption, "audit log key has the wrong size");
        more = fn(int64_t(get_u64_be(it->key().data())), it->value().ToString());
      }
      if (Status s = from_rdb(it->status(), "reading the audit log"); !s.ok() || !more) return s;
    }
    std::lock_guard lock(audit_mu_);
    Status s = audit_ready(false);
    if (s.code() == StatusCode::kNotFound) return Status::Ok();
    if (!s.ok()) return s;
    return audit_->for_each(fn);
  });
}

}  // namespace hashsieve::store
