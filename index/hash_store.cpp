// HashStore on RocksDB. Column families: `lists` (name -> ListInfo), `entries` (list id + entry id
// -> state, quality, hash), `entry_meta` (same key -> metadata text), `meta` (schema version,
// id counter). Every mutation is one synced WriteBatch, so it survives a crash whole or not at all.
#include "hashsieve/hash_store.h"

#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include "common/parallel_for.h"
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "index/store_codec.h"

namespace hashsieve {
namespace {

namespace rdb = rocksdb;
using store::decode_entry;
using store::decode_list;
using store::encode_entry;
using store::encode_list;
using store::entry_key;
using store::list_prefix;

constexpr const char* kCfNames[] = {"default", "meta", "lists", "entries", "entry_meta", "audit"};
enum Cf { kDefault = 0, kMeta, kLists, kEntries, kEntryMeta, kAudit, kCfCount };
constexpr const char* kSchemaKey = "schema_version";
constexpr const char* kNextListIdKey = "next_list_id";

Status from_rdb(const rdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  StatusCode code = s.IsNotFound() ? StatusCode::kNotFound
                    : s.IsCorruption() ? StatusCode::kCorruption
                    : s.IsInvalidArgument() ? StatusCode::kInvalidArgument
                                            : StatusCode::kIoError;
  return Status(code, what + ": " + s.ToString());
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Status check_list_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return Status(StatusCode::kInvalidArgument, "list name must be 1..128 bytes");
  for (unsigned char c : name)
    if (c < 0x21 || c == ',' || c == 0x7f)
      return Status(StatusCode::kInvalidArgument, "list name '" + name + "' has a space, comma or control character");
  return Status::Ok();
}

// Releases a RocksDB snapshot when it goes out of scope.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rdb::DB* db) : db_(db), snap_(db->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snap_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  const rdb::Snapshot* get() const { return snap_; }
 private:
  rdb::DB* db_;
  const rdb::Snapshot* snap_;
};

class RocksHashStore final : public HashStore {
 public:
  ~RocksHashStore() override {
    // A clean close leaves nothing in the write-ahead log: the next open (a service loading its
    // index at start) then reads table files only instead of replaying and flushing up to three
    // memtables first. Failure only means the log is replayed then, as after a crash.
    if (db_ && !handles_.empty()) {
      rdb::FlushOptions fo;
      fo.wait = true;
      (void)db_->Flush(fo, handles_);
    }
    for (auto* h : handles_)
      if (h) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    db_.reset();
  }

  static Result<std::unique_ptr<HashStore>> open(const std::string& path, const StoreOptions& o);

  Result<ListInfo> create_list(const std::string& name, int radius, const std::string& source) override {
    if (Status s = check_list_name(name); !s.ok()) return s;
    if (radius < 0 || radius > 256) return Status(StatusCode::kInvalidArgument, "radius must be 0..256");
    std::lock_guard lock(write_mu_);
    if (auto existing = get_list_at(name, nullptr); existing.ok())
      return Status(StatusCode::kAlreadyExists, "list '" + name + "' already exists");
    std::string next;
    uint32_t id = 1;
    rdb::Status s = db_->Get(rdb::ReadOptions(), handles_[kMeta], kNextListIdKey, &next);
    if (s.ok() && next.size() == 4) std::memcpy(&id, next.data(), 4);
    else if (!s.IsNotFound()) return from_rdb(s, "reading list id counter");
    ListInfo info;
    info.id = id;
    info.name = name;
    info.default_radius = radius;
    info.source = source;
    info.created_ms = info.updated_ms = now_ms();
    rdb::WriteBatch batch;
    std::string idv;
    store::put_u32(&idv, id + 1);
    batch.Put(handles_[kMeta], kNextListIdKey, idv);
    batch.Put(handles_[kLists], name, encode_list(info));
    if (Status st = write(batch, "creating list"); !st.ok()) return st;
    return info;
  }

  Result<ListInfo> get_list(const std::string& name) const override { return get_list_at(name, nullptr); }

  Result<std::vector<ListInfo>> lists() const override { return lists_at(nullptr); }

  Status drop_list(const std::string& name) override {
    std::lock_guard lock(write_mu_);
    auto info = get_list_at(name, nullptr);
    if (!info.ok()) return info.status();
    rdb::WriteBatch batch;
    std::string lo = list_prefix(info->id), hi = list_prefix(info->id + 1);
    batch.DeleteRange(handles_[kEntries], lo, hi);
    batch.DeleteRange(handles_[kEntryMeta], lo, hi);
    batch.Delete(handles_[kLists], name);
    return write(batch, "dropping list");
  }

  Result<ImportStats> import_batch(const std::string& list, const std::vector<ListEntry>& rows) override;

  Result<ImportStats> withdraw(const std::string& list, const std::vector<std::string>& ids) override {
    std::vector<ListEntry> rows(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      rows[i].entry_id = ids[i];
      rows[i].state = EntryState::kWithdrawn;
    }
    return import_batch(list, rows);
  }

  Result<uint64_t> purge_withdrawn(const std::string& list) override {
    std::lock_guard lock(write_mu_);
    auto info = get_list_at(list, nullptr);
    if (!info.ok()) return info.status();
    rdb::WriteBatch batch;
    uint64_t purged = 0;
    Status st = scan_list(*info, nullptr, false, [&](std::string_view key, const ListEntry& e) {
      if (e.state == EntryState::kWithdrawn) {
        batch.Delete(handles_[kEntries], rdb::Slice(key.data(), key.size()));
        batch.Delete(handles_[kEntryMeta], rdb::Slice(key.data(), key.size()));
        ++purged;
      }
      return true;
    });
    if (!st.ok()) return st;
    ListInfo updated = *info;
    updated.withdrawn -= std::min(updated.withdrawn, purged);
    updated.updated_ms = now_ms();
    batch.Put(handles_[kLists], list, encode_list(updated));
    if (Status s = write(batch, "purging"); !s.ok()) return s;
    return purged;
  }

  Status for_each_entry(const std::string& list, const std::function<bool(const ListEntry&)>& fn) const override {
    ScopedSnapshot snap(db_.get());
    auto info = get_list_at(list, snap.get());
    if (!info.ok()) return info.status();
    return scan_list(*info, snap.get(), true, [&](std::string_view, const ListEntry& e) { return fn(e); });
  }

  Result<EntrySnapshot> snapshot_active(const std::vector<std::string>& names) const override;

  Status append_audit(const std::vector<std::string>& records) override {
    std::lock_guard lock(write_mu_);
    // Key: append time (ms) then a sequence number, both big-endian, so keys sort in append order.
    const uint64_t t = uint64_t(now_ms());
    if (!audit_seq_loaded_) {
      audit_seq_ = 0;
      std::unique_ptr<rdb::Iterator> it(db_->NewIterator(rdb::ReadOptions(), handles_[kAudit]));
      it->SeekToLast();
      if (it->Valid() && it->key().size() == 16) audit_seq_ = store::get_u64_be(it->key().data() + 8) + 1;
      audit_seq_loaded_ = true;
    }
    rdb::WriteBatch batch;
    for (const auto& r : records) {
      std::string key;
      store::put_u64_be(&key, t);
      store::put_u64_be(&key, audit_seq_++);
      batch.Put(handles_[kAudit], key, r);
    }
    return write(batch, "appending to the audit log");
  }

  Status for_each_audit(const std::function<bool(int64_t, const std::string&)>& fn) const override {
    std::unique_ptr<rdb::Iterator> it(db_->NewIterator(rdb::ReadOptions(), handles_[kAudit]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 16) return Status(StatusCode::kCorruption, "audit log key has the wrong size");
      if (!fn(int64_t(store::get_u64_be(it->key().data())), it->value().ToString())) break;
    }
    return from_rdb(it->status(), "reading the audit log");
  }

  Status verify() const override {
    if (Status s = from_rdb(db_->VerifyChecksum(), "verifying checksums"); !s.ok())
      return Status(StatusCode::kCorruption, s.message());
    ScopedSnapshot snap(db_.get());
    auto all = lists_at(snap.get());
    if (!all.ok()) return all.status();
    for (const ListInfo& info : *all) {
      uint64_t active = 0, withdrawn = 0;
      Status s = scan_list(info, snap.get(), false, [&](std::string_view, const ListEntry& e) {
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
  }

  Status checkpoint(const std::string& dir) const override {
    rdb::Checkpoint* raw = nullptr;
    if (Status s = from_rdb(rdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"); !s.ok()) return s;
    std::unique_ptr<rdb::Checkpoint> cp(raw);
    return from_rdb(cp->CreateCheckpoint(dir), "checkpoint to " + dir);
  }

 private:
  // Keys strictly between lo and hi that split the entries there into about `parts` ranges.
  std::vector<std::string> split_keys(const std::string& lo, const std::string& hi, size_t parts) const;
  Status snapshot_list(const ListInfo& info, const rdb::Snapshot* snap, EntrySnapshot* out) const;

  Status write(rdb::WriteBatch& batch, const std::string& what) {
    rdb::WriteOptions wo;
    wo.sync = true;
    return from_rdb(db_->Write(wo, &batch), what);
  }

  Result<ListInfo> get_list_at(const std::string& name, const rdb::Snapshot* snap) const {
    rdb::ReadOptions ro;
    ro.snapshot = snap;
    std::string v;
    rdb::Status s = db_->Get(ro, handles_[kLists], name, &v);
    if (s.IsNotFound()) return Status(StatusCode::kNotFound, "no list named '" + name + "'");
    if (!s.ok()) return from_rdb(s, "reading list '" + name + "'");
    ListInfo info;
    if (!decode_list(name, v, &info)) return Status(StatusCode::kCorruption, "list record '" + name + "' is malformed");
    return info;
  }

  Result<std::vector<ListInfo>> lists_at(const rdb::Snapshot* snap) const {
    rdb::ReadOptions ro;
    ro.snapshot = snap;
    std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, handles_[kLists]));
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

  // Calls fn(key, entry) for each entry of a list in key order; metadata only when asked.
  template <typename Fn>
  Status scan_list(const ListInfo& info, const rdb::Snapshot* snap, bool with_meta, Fn&& fn) const {
    std::string lo = list_prefix(info.id), hi = list_prefix(info.id + 1);
    rdb::Slice upper(hi);
    rdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.iterate_upper_bound = &upper;
    ro.readahead_size = 4 << 20;
    ro.fill_cache = false;
    std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, handles_[kEntries]));
    ListEntry e;
    for (it->Seek(lo); it->Valid(); it->Next()) {
      std::string_view key = it->key().ToStringView();
      if (!decode_entry(it->value().ToStringView(), &e))
        return Status(StatusCode::kCorruption, "entry value in list '" + info.name + "' is malformed");
      e.entry_id.assign(key.substr(4));
      e.metadata.clear();
      if (with_meta) {
        rdb::Status s = db_->Get(ro, handles_[kEntryMeta], it->key(), &e.metadata);
        if (!s.ok() && !s.IsNotFound()) return from_rdb(s, "reading metadata");
      }
      if (!fn(key, e)) break;
    }
    return from_rdb(it->status(), "reading list '" + info.name + "'");
  }

  std::unique_ptr<rdb::DB> db_;
  std::vector<rdb::ColumnFamilyHandle*> handles_;
  std::mutex write_mu_;  // import batches read-modify-write the list counters
  uint64_t audit_seq_ = 0;  // next audit sequence number (guarded by write_mu_)
  bool audit_seq_loaded_ = false;
};

Result<ImportStats> RocksHashStore::import_batch(const std::string& list, const std::vector<ListEntry>& rows) {
  for (const auto& r : rows)
    if (r.entry_id.empty() || r.entry_id.size() > kMaxEntryIdLength)
      return Status(StatusCode::kInvalidArgument, "entry id must be 1..255 bytes: '" + r.entry_id.substr(0, 64) + "'");
  std::lock_guard lock(write_mu_);
  auto info_r = get_list_at(list, nullptr);
  if (!info_r.ok()) return info_r.status();
  ListInfo info = *info_r;

  // Later rows with the same id win: keep the last index per id.
  std::unordered_map<std::string_view, size_t> last;
  last.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) last[rows[i].entry_id] = i;
  std::vector<size_t> order;
  order.reserve(last.size());
  for (size_t i = 0; i < rows.size(); ++i)
    if (last[rows[i].entry_id] == i) order.push_back(i);

  std::vector<std::string> keys(order.size());
  std::vector<rdb::Slice> slices(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    keys[k] = entry_key(info.id, rows[order[k]].entry_id);
    slices[k] = keys[k];
  }
  std::vector<rdb::PinnableSlice> values(order.size());
  std::vector<rdb::Status> statuses(order.size());
  if (!order.empty())
    db_->MultiGet(rdb::ReadOptions(), handles_[kEntries], order.size(), slices.data(), values.data(),
                  statuses.data());

  ImportStats st;
  rdb::WriteBatch batch;
  for (size_t k = 0; k < order.size(); ++k) {
    const ListEntry& row = rows[order[k]];
    ListEntry old;
    bool exists = false;
    if (statuses[k].ok()) {
      if (!decode_entry(values[k].ToStringView(), &old))
        return Status(StatusCode::kCorruption, "stored entry '" + row.entry_id + "' is malformed");
      exists = true;
    } else if (!statuses[k].IsNotFound()) {
      return from_rdb(statuses[k], "reading entry '" + row.entry_id + "'");
    }
    ListEntry next = row;
    if (row.state == EntryState::kWithdrawn) {
      if (exists) {
        if (old.state == EntryState::kWithdrawn) { ++st.unchanged; continue; }
        next = old;  // keep what we knew about it; only the state changes
        next.state = EntryState::kWithdrawn;
        --info.active; ++info.withdrawn; ++st.withdrawn;
      } else if (row.has_hash) {
        ++info.withdrawn; ++st.withdrawn;  // recorded for the audit trail
      } else {
        ++st.not_found;
        continue;
      }
    } else {
      if (!row.has_hash) return Status(StatusCode::kInvalidArgument, "entry '" + row.entry_id + "' has no hash");
      if (exists) {
        if (old.state == EntryState::kActive && old.hash == row.hash && old.quality == row.quality) {
          ++st.unchanged;
          if (!row.metadata.empty()) batch.Put(handles_[kEntryMeta], keys[k], row.metadata);
          continue;
        }
        if (old.state == EntryState::kWithdrawn) { --info.withdrawn; ++info.active; }
        ++st.updated;
      } else {
        ++info.active; ++st.added;
      }
    }
    batch.Put(handles_[kEntries], keys[k], encode_entry(next));
    if (!row.metadata.empty()) batch.Put(handles_[kEntryMeta], keys[k], row.metadata);
  }
  if (batch.Count() == 0) return st;
  info.updated_ms = now_ms();
  batch.Put(handles_[kLists], list, encode_list(info));
  if (Status s = write(batch, "importing into '" + list + "'"); !s.ok()) return s;
  return st;
}

Result<EntrySnapshot> RocksHashStore::snapshot_active(const std::vector<std::string>& names) const {
  ScopedSnapshot snap(db_.get());
  auto all = lists_at(snap.get());
  if (!all.ok()) return all.status();
  std::vector<ListInfo> chosen;
  if (names.empty()) {
    chosen = *all;
  } else {
    for (const auto& n : names) {
      auto it = std::find_if(all->begin(), all->end(), [&](const ListInfo& l) { return l.name == n; });
      if (it == all->end()) return Status(StatusCode::kNotFound, "no list named '" + n + "'");
      chosen.push_back(*it);
    }
    std::sort(chosen.begin(), chosen.end(), [](const ListInfo& a, const ListInfo& b) { return a.name < b.name; });
    chosen.erase(std::unique(chosen.begin(), chosen.end(),
                             [](const ListInfo& a, const ListInfo& b) { return a.name == b.name; }),
                 chosen.end());
  }
  uint64_t total = 0;
  for (const auto& l : chosen) total += l.active;
  if (total >= (uint64_t(1) << 32) - 1) return Status(StatusCode::kUnsupported, "more than 2^32 active entries");
  EntrySnapshot out;
  out.hashes.reserve(total);
  out.entry_ids.reserve(total, total * 12);
  for (const auto& l : chosen) {
    SnapshotList sl;
    sl.list_id = l.id;
    sl.name = l.name;
    sl.default_radius = l.default_radius;
    sl.source = l.source;
    sl.first = uint32_t(out.hashes.size());
    out.lists.push_back(std::move(sl));
    Status s = snapshot_list(l, snap.get(), &out);
    if (!s.ok()) return s;
  }
  return out;
}

std::vector<std::string> RocksHashStore::split_keys(const std::string& lo, const std::string& hi,
                                                    size_t parts) const {
  rdb::ColumnFamilyMetaData meta;
  db_->GetColumnFamilyMetaData(handles_[kEntries], &meta);
  std::vector<std::string> keys;
  for (const auto& level : meta.levels)
    for (const auto& f : level.files)
      for (const std::string* k : {&f.smallestkey, &f.largestkey})
        if (*k > lo && *k < hi) keys.push_back(*k);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.size() < parts) return keys;
  std::vector<std::string> picked;
  for (size_t i = 1; i < parts; ++i) picked.push_back(keys[i * keys.size() / parts]);
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

// Reads one list's active entries from the snapshot in key ranges split at table-file boundaries,
// one TBB task per range, then appends the ranges in key order: the same ordinals as one
// sequential scan.
Status RocksHashStore::snapshot_list(const ListInfo& info, const rdb::Snapshot* snap, EntrySnapshot* out) const {
  struct Part {
    std::string lo, hi;
    std::vector<Hash256> hashes;
    std::string chars;
    std::vector<uint8_t> lengths;
    EntryTextTable metadata;
    Status status;
  };
  const std::string lo = list_prefix(info.id), hi = list_prefix(info.id + 1);
  const size_t threads = size_t(std::max(1, tbb::this_task_arena::max_concurrency()));
  std::vector<std::string> cuts =
      info.active + info.withdrawn >= (1u << 16) ? split_keys(lo, hi, 4 * threads) : std::vector<std::string>{};
  std::vector<Part> parts(cuts.size() + 1);
  for (size_t i = 0; i < parts.size(); ++i) {
    parts[i].lo = i == 0 ? lo : cuts[i - 1];
    parts[i].hi = i == cuts.size() ? hi : cuts[i];
  }
  const size_t guess = size_t(info.active / parts.size() + 1);
  auto read = [&](size_t i) {
    Part& part = parts[i];
    part.hashes.reserve(guess);
    part.lengths.reserve(guess);
    part.chars.reserve(guess * 12);
    rdb::Slice upper(part.hi);
    rdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.iterate_upper_bound = &upper;
    ro.readahead_size = 4 << 20;
    ro.fill_cache = false;  // a one-off full scan: do not evict what the cache holds
    std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, handles_[kEntries]));
    // Metadata has the same keys in its own column family: read alongside, in step.
    std::unique_ptr<rdb::Iterator> meta(db_->NewIterator(ro, handles_[kEntryMeta]));
    meta->Seek(part.lo);
    ListEntry e;
    for (it->Seek(part.lo); it->Valid(); it->Next()) {
      if (!decode_entry(it->value().ToStringView(), &e)) {
        part.status = Status(StatusCode::kCorruption, "entry value in list '" + info.name + "' is malformed");
        return;
      }
      if (e.state != EntryState::kActive || !e.has_hash) continue;
      std::string_view id = it->key().ToStringView().substr(4);
      part.hashes.push_back(e.hash);
      part.lengths.push_back(uint8_t(std::min(id.size(), kMaxEntryIdLength)));
      part.chars.append(id.substr(0, kMaxEntryIdLength));
      while (meta->Valid() && meta->key().compare(it->key()) < 0) meta->Next();
      part.metadata.push_back(meta->Valid() && meta->key() == it->key() ? meta->value().ToStringView()
                                                                         : std::string_view());
    }
    part.status = from_rdb(it->status(), "reading list '" + info.name + "'");
    if (part.status.ok()) part.status = from_rdb(meta->status(), "reading metadata of list '" + info.name + "'");
  };
  if (parts.size() > 1)
    parallel_for_index(size_t(0), parts.size(), read);
  else
    read(0);

  size_t total = 0;
  for (const Part& p : parts) {
    if (!p.status.ok()) return p.status;
    total += p.hashes.size();
  }
  if (out->hashes.size() + total >= (uint64_t(1) << 32) - 1)
    return Status(StatusCode::kUnsupported, "more than 2^32 active entries");
  for (Part& p : parts) {  // appended without a zeroing pass (the caller reserved the space)
    out->hashes.insert(out->hashes.end(), p.hashes.begin(), p.hashes.end());
    std::vector<Hash256>().swap(p.hashes);
    out->entry_ids.append(p.chars, p.lengths);
    std::string().swap(p.chars);
    out->metadata.append(p.metadata);
    p.metadata = EntryTextTable();
  }
  out->lists.back().count = uint32_t(total);
  return Status::Ok();
}

Result<std::unique_ptr<HashStore>> RocksHashStore::open(const std::string& path, const StoreOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool exists = fs::exists(fs::path(path) / "CURRENT", ec);
  if (!exists && (o.read_only || !o.create_if_missing))
    return Status(StatusCode::kNotFound, "no database at '" + path + "'");

  rdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = !o.read_only;
  dbo.max_background_jobs = std::max(2, o.background_threads);
  dbo.env->SetBackgroundThreads(std::max(1, o.background_threads), rdb::Env::LOW);
  dbo.env->SetBackgroundThreads(1, rdb::Env::HIGH);
  dbo.keep_log_file_num = 3;
  dbo.max_open_files = 256;

  if (exists) {
    std::vector<std::string> cfs;
    rdb::Status ls = rdb::DB::ListColumnFamilies(dbo, path, &cfs);
    if (!ls.ok()) return from_rdb(ls, "opening '" + path + "'");
    if (std::find(cfs.begin(), cfs.end(), "meta") == cfs.end())
      return Status(StatusCode::kCorruption,
                    "'" + path + "' is not a hashsieve database, or its MANIFEST is damaged");
  }

  rdb::ColumnFamilyOptions generic;
  rdb::ColumnFamilyOptions entries;
  {
    rdb::BlockBasedTableOptions t;
    t.filter_policy.reset(rdb::NewBloomFilterPolicy(10));  // cheap "not there" for import lookups
    t.block_size = 16 << 10;
    entries.table_factory.reset(rdb::NewBlockBasedTableFactory(t));
    entries.compression = rdb::kNoCompression;  // hashes are random bytes; compression buys little
    entries.write_buffer_size = 64 << 20;
    entries.max_write_buffer_number = 3;
    entries.target_file_size_base = 64 << 20;
  }
  std::vector<rdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kCfCount; ++i) descs.emplace_back(kCfNames[i], i == kEntries ? entries : generic);

  auto store = std::unique_ptr<RocksHashStore>(new RocksHashStore());
  rdb::DB* raw = nullptr;
  rdb::Status s = o.read_only ? rdb::DB::OpenForReadOnly(dbo, path, descs, &store->handles_, &raw)
                              : rdb::DB::Open(dbo, path, descs, &store->handles_, &raw);
  if (!s.ok()) return from_rdb(s, "opening '" + path + "'");
  store->db_.reset(raw);

  std::string version;
  s = raw->Get(rdb::ReadOptions(), store->handles_[kMeta], kSchemaKey, &version);
  if (s.IsNotFound()) {
    if (exists) return Status(StatusCode::kCorruption, "'" + path + "' has no schema version");
    rdb::WriteOptions wo;
    wo.sync = true;
    s = raw->Put(wo, store->handles_[kMeta], kSchemaKey, std::to_string(kStoreSchemaVersion));
    if (!s.ok()) return from_rdb(s, "initialising '" + path + "'");
  } else if (!s.ok()) {
    return from_rdb(s, "reading schema version");
  } else if (version != std::to_string(kStoreSchemaVersion)) {
    return Status(StatusCode::kVersionMismatch, "database '" + path + "' has schema version " + version +
                                                    "; this build reads version " +
                                                    std::to_string(kStoreSchemaVersion));
  }
  return std::unique_ptr<HashStore>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<HashStore>> HashStore::Open(const std::string& path, const StoreOptions& options) {
  return RocksHashStore::open(path, options);
}

ImportStats& ImportStats::operator+=(const ImportStats& o) {
  added += o.added; updated += o.updated; unchanged += o.unchanged; withdrawn += o.withdrawn; not_found += o.not_found;
  return *this;
}

}  // namespace hashsieve
