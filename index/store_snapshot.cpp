// Consistent reads of entries: one list visited in key order, and the active entries of several
// lists read in parallel key ranges into an EntrySnapshot (the input of an index generation).
#include <rocksdb/metadata.h>
#include <tbb/task_arena.h>

#include <algorithm>

#include "common/api_guard.h"
#include "common/parallel_for.h"
#include "index/store_codec.h"
#include "index/store_impl.h"

namespace hashsieve::store {

namespace rdb = rocksdb;

Status RocksHashStore::for_each_entry(const std::string& list, const std::function<bool(const ListEntry&)>& fn) const {
  return guard_status([&]() -> Status {
    ReadView view(*db_);
    auto info = get_list_at(list, view.get());
    if (!info.ok()) return info.status();
    return scan_list(*info, view.get(), true, [&](std::string_view, const ListEntry& e) { return fn(e); });
  });
}

Status RocksHashStore::scan_list(const ListInfo& info, const rdb::Snapshot* snap, bool with_meta,
                                 const std::function<bool(std::string_view, const ListEntry&)>& fn) const {
  std::string lo = list_prefix(info.id), hi = list_prefix(info.id + 1);
  rdb::Slice upper(hi);
  rdb::ReadOptions ro;
  ro.snapshot = snap;
  ro.iterate_upper_bound = &upper;
  ro.readahead_size = 4 << 20;
  ro.fill_cache = false;
  std::unique_ptr<rdb::Iterator> it(db_->db()->NewIterator(ro, cf(kEntries)));
  ListEntry e;
  for (it->Seek(lo); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (!decode_entry(it->value().ToStringView(), &e))
      return Status(StatusCode::kCorruption, "entry value in list '" + info.name + "' is malformed");
    e.entry_id.assign(key.substr(4));
    e.metadata.clear();
    if (with_meta) {
      rdb::Status s = db_->db()->Get(ro, cf(kEntryMeta), it->key(), &e.metadata);
      if (!s.ok() && !s.IsNotFound()) return from_rdb(s, "reading metadata");
    }
    if (!fn(key, e)) break;
  }
  return from_rdb(it->status(), "reading list '" + info.name + "'");
}

Result<std::vector<ListInfo>> choose_lists(const std::vector<ListInfo>& all, const std::vector<std::string>& names) {
  if (names.empty()) return all;
  std::vector<ListInfo> chosen;
  for (const auto& n : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const ListInfo& l) { return l.name == n; });
    if (it == all.end()) return Status(StatusCode::kNotFound, "no list named '" + n + "'");
    chosen.push_back(*it);
  }
  std::sort(chosen.begin(), chosen.end(), [](const ListInfo& a, const ListInfo& b) { return a.name < b.name; });
  chosen.erase(std::unique(chosen.begin(), chosen.end(),
                           [](const ListInfo& a, const ListInfo& b) { return a.name == b.name; }),
               chosen.end());
  return chosen;
}

SnapshotList snapshot_list_of(const ListInfo& l, uint32_t first) {
  SnapshotList sl;
  sl.list_id = l.id;
  sl.name = l.name;
  sl.default_radius = l.default_radius;
  sl.source = l.source;
  sl.first = first;
  return sl;
}

Result<EntrySnapshot> RocksHashStore::snapshot_active(const std::vector<std::string>& names) const {
  return guard_status([&]() -> Result<EntrySnapshot> {
    if (Status s = db_->catch_up(); !s.ok()) return s;  // a new generation is the newest whole state
    ReadView view(*db_);
    auto all = lists_at(view.get());
    if (!all.ok()) return all.status();
    auto picked = choose_lists(*all, names);
    if (!picked.ok()) return picked.status();
    const std::vector<ListInfo>& chosen = *picked;
    uint64_t total = 0;
    for (const auto& l : chosen) total += l.active;
    if (total >= (uint64_t(1) << 32) - 1) return Status(StatusCode::kUnsupported, "more than 2^32 active entries");
    EntrySnapshot out;
    out.store_version = view.sequence(*db_);
    out.change_seq = change_seq_at(view.get());
    out.hashes.reserve(total);
    out.entry_ids.reserve(total, total * 12);
    for (const auto& l : chosen) {
      out.lists.push_back(snapshot_list_of(l, uint32_t(out.hashes.size())));
      Status s = snapshot_list(l, view.get(), &out);
      if (!s.ok()) return s;
    }
    return out;
  });
}

std::vector<std::string> RocksHashStore::split_keys(const std::string& lo, const std::string& hi, size_t parts) const {
  rdb::ColumnFamilyMetaData meta;
  db_->db()->GetColumnFamilyMetaData(cf(kEntries), &meta);
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
    SnapshotDigests digests;
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
  // Ids and metadata grow by doubling from a guess otherwise: with long ids (StopNCII's are 64 hex
  // digits) and a metadata record per entry, every byte was copied and faulted in several times,
  // most of the time a 10M-entry generation took to build.
  constexpr size_t kSample = 256;
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
    std::unique_ptr<rdb::Iterator> it(db_->db()->NewIterator(ro, cf(kEntries)));
    // Metadata has the same keys in its own column family: read alongside, in step.
    std::unique_ptr<rdb::Iterator> meta(db_->db()->NewIterator(ro, cf(kEntryMeta)));
    meta->Seek(part.lo);
    ListEntry e;
    for (it->Seek(part.lo); it->Valid(); it->Next()) {
      if (!decode_entry(it->value().ToStringView(), &e)) {
        part.status = Status(StatusCode::kCorruption, "entry value in list '" + info.name + "' is malformed");
        return;
      }
      if (e.state != EntryState::kActive || (!e.has_hash && e.digests.empty())) continue;
      std::string_view id = it->key().ToStringView().substr(4);
      while (meta->Valid() && meta->key().compare(it->key()) < 0) meta->Next();
      const std::string_view text =
          meta->Valid() && meta->key() == it->key() ? meta->value().ToStringView() : std::string_view();
      if (!e.digests.empty()) part.digests.add(0, id.substr(0, kMaxEntryIdLength), text, e.digests);
      if (!e.has_hash) continue;  // digests only: no PDQ ordinal
      part.hashes.push_back(e.hash);
      part.lengths.push_back(uint8_t(std::min(id.size(), kMaxEntryIdLength)));
      part.chars.append(id.substr(0, kMaxEntryIdLength));
      part.metadata.push_back(text);
      if (part.hashes.size() == kSample) {  // size the texts from the first entries (see above)
        const double scale = 1.1 * double(guess) / double(kSample);
        part.chars.reserve(size_t(double(part.chars.size()) * scale));
        part.metadata.reserve(guess, size_t(double(part.metadata.text_bytes()) * scale));
      }
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
  size_t id_bytes = 0, text_bytes = 0;
  for (const Part& p : parts) {
    id_bytes += p.chars.size();
    text_bytes += p.metadata.text_bytes();
  }
  out->entry_ids.reserve(out->entry_ids.size() + total, out->entry_ids.text_bytes() + id_bytes);
  out->metadata.reserve(out->metadata.size() + total, out->metadata.text_bytes() + text_bytes);
  for (Part& p : parts) {  // appended without a zeroing pass (the caller reserved the space)
    out->hashes.insert(out->hashes.end(), p.hashes.begin(), p.hashes.end());
    std::vector<Hash256>().swap(p.hashes);
    out->entry_ids.append(p.chars, p.lengths);
    std::string().swap(p.chars);
    out->metadata.append(p.metadata);
    p.metadata = EntryTextTable();
    out->digests.append(p.digests, uint32_t(out->lists.size() - 1));
    p.digests = SnapshotDigests();
  }
  out->lists.back().count = uint32_t(total);
  return Status::Ok();
}

}  // namespace hashsieve::store
