// The change log: which entries every write touched, so that an index generation can be brought
// up to date by re-reading those entries instead of every entry of its lists.
//
// Each write that changes entries gets the next change sequence and adds, in its own WriteBatch
// (so the log is exactly as durable and atomic as the entries), one key per entry written:
// sequence (big-endian u64) + entry key. A batch of more than kMaxLoggedEntries, and a list
// created or dropped, logs one whole-list record instead (sequence + list id): a change that
// large is read back as a full snapshot anyway. `meta` holds the last sequence written and the
// first one the log still holds; old sequences are trimmed as new ones are written.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/api_guard.h"
#include "index/store_codec.h"
#include "index/store_impl.h"

namespace hashsieve::store {

namespace rdb = rocksdb;

namespace {

constexpr size_t kMaxLoggedEntries = 16384;  // per write; more: one whole-list record
constexpr uint64_t kKeptSequences = 4096;     // the log reaches back at least this many writes
constexpr uint64_t kTrimEvery = 256;

std::string seq_key(uint64_t seq) {
  std::string k;
  put_u64_be(&k, seq);
  return k;
}

std::string u64_value(uint64_t v) {
  std::string s;
  put_u64(&s, v);
  return s;
}

bool read_u64(const std::string& s, uint64_t* v) {
  if (s.size() != 8) return false;
  Reader r(s);
  *v = r.u64();
  return true;
}

}  // namespace

Status RocksHashStore::open_change_log() {
  std::string v;
  rdb::Status s = db_->db()->Get(rdb::ReadOptions(), cf(kMeta), kChangeSeqKey, &v);
  if (s.ok()) {
    if (!read_u64(v, &change_seq_)) return Status(StatusCode::kCorruption, "the change sequence is malformed");
    return Status::Ok();
  }
  if (!s.IsNotFound()) return from_rdb(s, "reading the change sequence");
  // A new store, or one written before the change log: the log starts now. Generations read
  // before this have no change sequence and are rebuilt whole.
  change_seq_ = 0;
  rdb::WriteBatch batch;
  batch.Put(cf(kMeta), kChangeSeqKey, u64_value(0));
  batch.Put(cf(kMeta), kChangesFromKey, u64_value(1));
  return write(batch, "starting the change log");
}

void RocksHashStore::log_changes(rdb::WriteBatch& batch, uint32_t list_id, const std::vector<std::string_view>& entry_keys,
                                 bool whole_list) {
  const uint64_t seq = change_seq_ + 1;
  const std::string prefix = seq_key(seq);
  if (whole_list || entry_keys.size() > kMaxLoggedEntries) {
    batch.Put(cf(kChanges), prefix + list_prefix(list_id), rdb::Slice());
  } else {
    for (std::string_view k : entry_keys) batch.Put(cf(kChanges), prefix + std::string(k), rdb::Slice());
  }
  batch.Put(cf(kMeta), kChangeSeqKey, u64_value(seq));
  if (seq % kTrimEvery == 0 && seq > kKeptSequences) {
    const uint64_t from = seq - kKeptSequences;
    batch.DeleteRange(cf(kChanges), seq_key(0), seq_key(from));
    batch.Put(cf(kMeta), kChangesFromKey, u64_value(from));
  }
}

uint64_t RocksHashStore::change_seq_at(const rdb::Snapshot* snap) const {
  if (!cf(kChanges)) return kNoChangeSeq;  // a reader opened before the writer added the log
  rdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string v;
  uint64_t seq = 0;
  if (!db_->db()->Get(ro, cf(kMeta), kChangeSeqKey, &v).ok() || !read_u64(v, &seq)) return kNoChangeSeq;
  return seq;
}

Result<EntryChanges> RocksHashStore::changes_since(uint64_t since, const std::vector<std::string>& names,
                                                   size_t max_entries) const {
  return guard_status([&]() -> Result<EntryChanges> {
    auto cannot = [](const std::string& why) { return Status(StatusCode::kUnsupported, "the change log cannot answer: " + why); };
    if (since == kNoChangeSeq) return cannot("no change sequence to start from");
    if (Status s = db_->catch_up(); !s.ok()) return s;
    ReadView view(*db_);
    rdb::ReadOptions ro;
    ro.snapshot = view.get();
    EntryChanges out;
    out.store_version = view.sequence(*db_);
    out.change_seq = change_seq_at(view.get());
    if (out.change_seq == kNoChangeSeq) return cannot("this store has no change log");
    if (out.change_seq < since) return cannot("the store is older than the generation");
    std::string v;
    uint64_t from = 0;
    rdb::Status fs = db_->db()->Get(ro, cf(kMeta), kChangesFromKey, &v);
    if (!fs.ok() || !read_u64(v, &from)) return cannot("its start is unknown");
    if (since + 1 < from) return cannot("it was trimmed past the generation's sequence");

    auto all = lists_at(view.get());
    if (!all.ok()) return all.status();
    auto chosen = choose_lists(*all, names);
    if (!chosen.ok()) return chosen.status();
    out.lists = std::move(*chosen);
    std::map<uint32_t, uint32_t> index_of;  // list id -> index into out.lists
    for (size_t i = 0; i < out.lists.size(); ++i) index_of[out.lists[i].id] = uint32_t(i);

    // Every entry key logged after `since`, for the chosen lists.
    std::set<std::string> keys;
    const std::string lo = seq_key(since + 1);
    std::unique_ptr<rdb::Iterator> it(db_->db()->NewIterator(ro, cf(kChanges)));
    for (it->Seek(lo); it->Valid(); it->Next()) {
      std::string_view k = it->key().ToStringView();
      if (k.size() < 12) return Status(StatusCode::kCorruption, "a change log key is malformed");
      std::string_view entry = k.substr(8);
      const uint32_t list_id = list_id_of_key(entry);
      if (!index_of.count(list_id)) continue;  // not a chosen list
      if (entry.size() == 4) return cannot("list '" + out.lists[index_of[list_id]].name + "' changed as a whole");
      keys.emplace(entry);
      if (keys.size() > max_entries) return cannot("more than " + std::to_string(max_entries) + " entries changed");
    }
    if (Status s = from_rdb(it->status(), "reading the change log"); !s.ok()) return s;

    // Their current state; keys sort by list id, then entry id: regroup by list index.
    std::vector<std::vector<std::string>> per_list(out.lists.size());
    for (const std::string& k : keys) {
      per_list[index_of[list_id_of_key(k)]].push_back(k);
    }
    for (size_t li = 0; li < out.lists.size(); ++li) {
      const ListInfo& l = out.lists[li];
      out.active.lists.push_back(snapshot_list_of(l, uint32_t(out.active.hashes.size())));
      for (const std::string& k : per_list[li]) {
        const std::string id = k.substr(4);
        out.touched.emplace_back(uint32_t(li), id);
        std::string value;
        rdb::Status s = db_->db()->Get(ro, cf(kEntries), k, &value);
        if (s.IsNotFound()) continue;  // purged or dropped since
        if (!s.ok()) return from_rdb(s, "reading entry '" + id + "'");
        ListEntry e;
        if (!decode_entry(value, &e)) return Status(StatusCode::kCorruption, "stored entry '" + id + "' is malformed");
        if (e.state != EntryState::kActive || (!e.has_hash && e.digests.empty())) continue;
        std::string meta;
        s = db_->db()->Get(ro, cf(kEntryMeta), k, &meta);
        if (!s.ok() && !s.IsNotFound()) return from_rdb(s, "reading metadata of '" + id + "'");
        if (!e.digests.empty()) out.active.add_digests(e.digests, id, meta);
        if (!e.has_hash) continue;
        out.active.add(e.hash, id);
        out.active.metadata.push_back(meta);
      }
    }
    out.active.store_version = out.store_version;
    out.active.change_seq = out.change_seq;
    return out;
  });
}

}  // namespace hashsieve::store
