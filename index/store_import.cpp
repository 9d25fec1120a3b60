// Import merges: a batch of rows becomes one synced WriteBatch with the list's counters, so a
// batch is all in or all out; re-importing the same rows changes nothing.
#include <rocksdb/perf_level.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "common/api_guard.h"
#include "index/store_codec.h"
#include "index/store_impl.h"

namespace hashsieve::store {

namespace rdb = rocksdb;

namespace {

constexpr size_t kMultiGetSlice = 32;  // rocksdb::MultiGetContext::MAX_BATCH_SIZE
constexpr size_t kKeptBatchBytes = 64 << 20;

// The first 8 bytes of an id, big-endian (shorter ids padded with zero bytes): orders as the id does.
uint64_t id_head(const std::string& id) {
  uint64_t h = 0;
  for (size_t i = 0; i < 8; ++i) h = h << 8 | (i < id.size() ? uint8_t(id[i]) : 0);
  return h;
}

class PerfLevelOff {
 public:
  PerfLevelOff() : was_(rdb::GetPerfLevel()) { rdb::SetPerfLevel(rdb::PerfLevel::kDisable); }
  ~PerfLevelOff() { rdb::SetPerfLevel(was_); }

 private:
  rdb::PerfLevel was_;
};

}  // namespace

Result<ImportStats> RocksHashStore::import_batch(const std::string& list, const std::vector<ListEntry>& rows) {
  return guard_status([&] { return import_locked(list, rows); });
}

Result<ImportStats> RocksHashStore::withdraw(const std::string& list, const std::vector<std::string>& ids) {
  return guard_status([&]() -> Result<ImportStats> {
    std::vector<ListEntry> rows(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      rows[i].entry_id = ids[i];
      rows[i].state = EntryState::kWithdrawn;
    }
    return import_locked(list, rows);
  });
}

Result<ImportStats> RocksHashStore::import_locked(const std::string& list, const std::vector<ListEntry>& rows) {
  for (const auto& r : rows)
    if (r.entry_id.empty() || r.entry_id.size() > kMaxEntryIdLength)
      return Status(StatusCode::kInvalidArgument, "entry id must be 1..255 bytes: '" + r.entry_id.substr(0, 64) + "'");
  if (!db_->writer()) return Status(StatusCode::kInvalidArgument, "the database is open for reading only");
  std::lock_guard lock(write_mu_);
  // RocksDB's performance counters (on by default, per thread) cost a thread-local lookup per
  // key in a shared library: off for this thread while the batch is looked up and written.
  PerfLevelOff quiet;
  auto info_r = get_list_at(list, nullptr);
  if (!info_r.ok()) return info_r.status();
  ListInfo info = *info_r;

  // Later rows with the same id win. The batch is written in key order: RocksDB inserts sorted
  // keys into its memtable from the previous insert's position (random ids, e.g. hex hashes,
  // otherwise cost a full skip-list search each), and MultiGet is told its keys are sorted.
  // Sorted by the ids' first 8 bytes as one integer, then the whole id, then the row's position
  // (so equal ids keep their input order): most comparisons of random ids end at the integer.
  struct Sorted {
    uint64_t head;
    size_t row;
  };
  std::vector<Sorted> sorted(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) sorted[i] = {id_head(rows[i].entry_id), i};
  std::sort(sorted.begin(), sorted.end(), [&](const Sorted& a, const Sorted& b) {
    if (a.head != b.head) return a.head < b.head;
    if (int c = rows[a.row].entry_id.compare(rows[b.row].entry_id); c != 0) return c < 0;
    return a.row < b.row;
  });
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = sorted[i].row;
  size_t kept = 0;
  for (size_t k = 0; k < order.size(); ++k)
    if (k + 1 == order.size() || rows[order[k + 1]].entry_id != rows[order[k]].entry_id) order[kept++] = order[k];
  order.resize(kept);

  std::vector<std::string> keys(order.size());
  std::vector<rdb::Slice> slices(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    keys[k] = entry_key(info.id, rows[order[k]].entry_id);
    slices[k] = keys[k];
  }
  std::vector<rdb::PinnableSlice> values(order.size());
  std::vector<rdb::Status> statuses(order.size());
  {
    // In slices of RocksDB's own MultiGet batch size: a larger call grows a vector of its
    // per-key contexts one reallocation at a time.
    for (size_t at = 0; at < order.size(); at += kMultiGetSlice) {
      size_t n = std::min(kMultiGetSlice, order.size() - at);
      db_->db()->MultiGet(rdb::ReadOptions(), cf(kEntries), n, slices.data() + at, values.data() + at,
                          statuses.data() + at, /*sorted_input=*/true);
    }
  }

  ImportStats st;
  // Sized up front: a batch grown by appends copies itself (and faults in fresh pages) at every
  // doubling. Per record: a tag, a column family id and two lengths (at most 16 bytes), the key,
  // the value; digests and the list record are small. (A batch small enough for the change log to
  // record entry by entry may grow once more for those records.) The buffer is kept for the next
  // batch while it is at most kKeptBatchBytes.
  size_t batch_bytes = 64 + list.size() + 64;
  for (size_t k = 0; k < order.size(); ++k) {
    const ListEntry& row = rows[order[k]];
    batch_bytes += 2 * (16 + keys[k].size()) + kEntryValueSize + 1 + 132 * !row.digests.empty() + row.metadata.size();
  }
  if (!import_wb_ || batch_bytes > import_wb_reserved_) {
    import_wb_.reset();
    import_wb_reserved_ = batch_bytes + batch_bytes / 4;  // room for the next batches' variation
    import_wb_ = std::make_unique<rdb::WriteBatch>(import_wb_reserved_);
  } else {
    import_wb_->Clear();
  }
  struct Release {  // a large buffer is not kept
    RocksHashStore* store;
    ~Release() {
      if (store->import_wb_reserved_ > kKeptBatchBytes) { store->import_wb_.reset(); store->import_wb_reserved_ = 0; }
    }
  } release{this};
  rdb::WriteBatch& batch = *import_wb_;
  std::vector<std::string_view> written;  // entry keys this batch writes: the change log's records
  written.reserve(order.size());
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
    const ListEntry* next = &row;
    if (row.state == EntryState::kWithdrawn) {
      if (exists) {
        if (old.state == EntryState::kWithdrawn) { ++st.unchanged; continue; }
        old.state = EntryState::kWithdrawn;  // keep what we knew about it; only the state changes
        next = &old;
        --info.active; ++info.withdrawn; ++st.withdrawn;
      } else if (row.has_hash || !row.digests.empty()) {
        ++info.withdrawn; ++st.withdrawn;  // recorded for the audit trail
      } else {
        ++st.not_found;
        continue;
      }
    } else {
      if (!row.has_hash && row.digests.empty())
        return Status(StatusCode::kInvalidArgument, "entry '" + row.entry_id + "' has no hash");
      if (exists) {
        if (old.state == EntryState::kActive && old.has_hash == row.has_hash && old.hash == row.hash &&
            old.quality == row.quality && old.digests == row.digests) {
          ++st.unchanged;
          if (!row.metadata.empty()) {
            batch.Put(cf(kEntryMeta), keys[k], row.metadata);
            written.push_back(keys[k]);
          }
          continue;
        }
        if (old.state == EntryState::kWithdrawn) { --info.withdrawn; ++info.active; }
        ++st.updated;
      } else {
        ++info.active; ++st.added;
      }
    }
    batch.Put(cf(kEntries), keys[k], encode_entry(*next));
    if (!row.metadata.empty()) batch.Put(cf(kEntryMeta), keys[k], row.metadata);
    written.push_back(keys[k]);
  }
  if (batch.Count() == 0) return st;
  info.updated_ms = now_ms();
  batch.Put(cf(kLists), list, encode_list(info));
  log_changes(batch, info.id, written, false);
  if (Status s = write(batch, "importing into '" + list + "'"); !s.ok()) return s;
  logged();
  return st;
}

}  // namespace hashsieve::store
