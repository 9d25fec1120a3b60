// List administration: create, read, drop, purge. Writers only (the instance refuses writes on a
// reader); reads go through a consistent view.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>

#include "common/api_guard.h"
#include "index/store_codec.h"
#include "index/store_impl.h"

namespace hashsieve::store {
namespace {

namespace rdb = rocksdb;

Status check_list_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return Status(StatusCode::kInvalidArgument, "list name must be 1..128 bytes");
  for (unsigned char c : name)
    if (c < 0x21 || c == ',' || c == 0x7f)
      return Status(StatusCode::kInvalidArgument, "list name '" + name + "' has a space, comma or control character");
  return Status::Ok();
}

}  // namespace

Result<ListInfo> RocksHashStore::create_list(const std::string& name, int radius, const std::string& source) {
  return guard_status([&]() -> Result<ListInfo> {
    if (Status s = check_list_name(name); !s.ok()) return s;
    if (radius < 0 || radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
    std::lock_guard lock(write_mu_);
    if (auto existing = get_list_at(name, nullptr); existing.ok())
      return Status(StatusCode::kAlreadyExists, "list '" + name + "' already exists");
    std::string next;
    uint32_t id = 1;
    rdb::Status s = db_->db()->Get(rdb::ReadOptions(), cf(kMeta), kNextListIdKey, &next);
    if (s.ok() && next.size() == 4) std::memcpy(&id, next.data(), 4);
    else if (!s.ok() && !s.IsNotFound()) return from_rdb(s, "reading list id counter");
    ListInfo info;
    info.id = id;
    info.name = name;
    info.default_radius = radius;
    info.source = source;
    info.created_ms = info.updated_ms = now_ms();
    rdb::WriteBatch batch;
    std::string idv;
    put_u32(&idv, id + 1);
    batch.Put(cf(kMeta), kNextListIdKey, idv);
    batch.Put(cf(kLists), name, encode_list(info));
    log_changes(batch, id, {}, true);
    if (Status st = write(batch, "creating list"); !st.ok()) return st;
    logged();
    return info;
  });
}

Result<ListInfo> RocksHashStore::get_list(const std::string& name) const {
  return guard_status([&]() -> Result<ListInfo> {
    ReadView view(*db_);
    return get_list_at(name, view.get());
  });
}

Result<std::vector<ListInfo>> RocksHashStore::lists() const {
  return guard_status([&]() -> Result<std::vector<ListInfo>> {
    ReadView view(*db_);
    return lists_at(view.get());
  });
}

Status RocksHashStore::drop_list(const std::string& name) {
  return guard_status([&]() -> Status {
    std::lock_guard lock(write_mu_);
    auto info = get_list_at(name, nullptr);
    if (!info.ok()) return info.status();
    rdb::WriteBatch batch;
    std::string lo = list_prefix(info->id), hi = list_prefix(info->id + 1);
    batch.DeleteRange(cf(kEntries), lo, hi);
    batch.DeleteRange(cf(kEntryMeta), lo, hi);
    batch.Delete(cf(kLists), name);
    log_changes(batch, info->id, {}, true);
    if (Status st = write(batch, "dropping list"); !st.ok()) return st;
    logged();
    return Status::Ok();
  });
}

Result<uint64_t> RocksHashStore::purge_withdrawn(const std::string& list) {
  return guard_status([&]() -> Result<uint64_t> {
    std::lock_guard lock(write_mu_);
    auto info = get_list_at(list, nullptr);
    if (!info.ok()) return info.status();
    rdb::WriteBatch batch;
    uint64_t purged = 0;
    Status st = scan_list(*info, nullptr, false, [&](std::string_view key, const ListEntry& e) {
      if (e.state == EntryState::kWithdrawn) {
        batch.Delete(cf(kEntries), rdb::Slice(key.data(), key.size()));
        batch.Delete(cf(kEntryMeta), rdb::Slice(key.data(), key.size()));
        ++purged;
      }
      return true;
    });
    if (!st.ok()) return st;
    ListInfo updated = *info;
    updated.withdrawn -= std::min(updated.withdrawn, purged);
    updated.updated_ms = now_ms();
    batch.Put(cf(kLists), list, encode_list(updated));
    if (Status s = write(batch, "purging"); !s.ok()) return s;
    return purged;
  });
}

Result<ListInfo> RocksHashStore::get_list_at(const std::string& name, const rdb::Snapshot* snap) const {
  rdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string v;
  rdb::Status s = db_->db()->Get(ro, cf(kLists), name, &v);
  if (s.IsNotFound()) return Status(StatusCode::kNotFound, "no list named '" + name + "'");
  if (!s.ok()) return from_rdb(s, "reading list '" + name + "'");
  ListInfo info;
  if (!decode_list(name, v, &info)) return Status(StatusCode::kCorruption, "list record '" + name + "' is malformed");
  return info;
}

Result<std::vector<ListInfo>> RocksHashStore::lists_at(const rdb::Snapshot* snap) const {
  rdb::ReadOptions ro;
  ro.snapshot = snap;
  std::unique_ptr<rdb::Iterator> it(db_->db()->NewIterator(ro, cf(kLists)));
  std::vector<ListInfo> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ListInfo info;
    if (!decode_list(it->key().ToStringView(), it->value().ToStringView(), &info))
      return Status(StatusCode::kCorruption, "list record '" + it->key().ToString() + "' is malformed");
    out.push_back(std::move(info));
  }
  if (Status s = from_rdb(it->status(), "listing lists"); !s.ok()) return s;
  return out;
}

}  // namespace hashsieve::store
