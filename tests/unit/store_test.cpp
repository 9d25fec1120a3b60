// HashStore: lists, idempotent imports, withdrawal and purge, snapshots, schema version, checkpoint.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "hashsieve/hash_store.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::TempDir;

ListEntry entry(const std::string& id, uint64_t seed, int quality = -1) {
  return testing::random_entry(id, seed, quality);
}

std::unique_ptr<HashStore> open(const std::string& path, StoreOptions o = {}) { return testing::open_store(path, o); }

TEST(Store, ListCrud) {
  TempDir dir;
  auto store = open(dir / "db");
  auto l = store->create_list("ncmec", 20, "NCMEC");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->default_radius, 20);
  EXPECT_EQ(store->create_list("ncmec").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store->create_list("bad name").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->create_list("x", 300).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->create_list("a").ok());
  auto all = store->lists();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "a");
  EXPECT_EQ((*all)[1].source, "NCMEC");
  ASSERT_TRUE(store->drop_list("a").ok());
  EXPECT_EQ(store->get_list("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->import_batch("a", {entry("x", 1)}).status().code(), StatusCode::kNotFound);
}

TEST(Store, ImportIsIdempotentAndRoundTrips) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("l").ok());
  std::vector<ListEntry> rows = {entry("b", 1, 90), entry("a", 2), entry("c", 3)};
  rows[0].metadata = R"({"k":"v"})";
  auto st = store->import_batch("l", rows);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->added, 3u);
  st = store->import_batch("l", rows);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->added, 0u);
  EXPECT_EQ(st->unchanged, 3u);
  rows[2].hash.words[0] ^= 1;
  st = store->import_batch("l", {rows[2]});
  EXPECT_EQ(st->updated, 1u);
  EXPECT_EQ(store->get_list("l")->active, 3u);

  std::vector<ListEntry> seen;
  ASSERT_TRUE(store->for_each_entry("l", [&](const ListEntry& e) { seen.push_back(e); return true; }).ok());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].entry_id, "a");  // entry-id order
  EXPECT_EQ(seen[1].entry_id, "b");
  EXPECT_EQ(seen[1].quality, 90);
  EXPECT_EQ(seen[1].metadata, R"({"k":"v"})");
  EXPECT_EQ(seen[1].hash, rows[0].hash);
  EXPECT_EQ(seen[2].hash, rows[2].hash);
}

TEST(Store, LaterRowInBatchWins) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("l").ok());
  auto st = store->import_batch("l", {entry("a", 1), entry("a", 2)});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->added, 1u);
  auto snap = store->snapshot_active({"l"});
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->size(), 1u);
  EXPECT_EQ(snap->hashes[0], entry("a", 2).hash);
}

TEST(Store, RejectsBadRows) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("l").ok());
  EXPECT_FALSE(store->import_batch("l", {entry("", 1)}).ok());
  EXPECT_FALSE(store->import_batch("l", {entry(std::string(256, 'x'), 1)}).ok());
  ListEntry no_hash;
  no_hash.entry_id = "n";
  EXPECT_FALSE(store->import_batch("l", {entry("ok", 1), no_hash}).ok());
  EXPECT_EQ(store->get_list("l")->active, 0u);  // the whole batch is out
}

TEST(Store, WithdrawSnapshotAndPurge) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("x", 10).ok());
  ASSERT_TRUE(store->create_list("y").ok());
  ASSERT_TRUE(store->import_batch("x", {entry("1", 1), entry("2", 2), entry("3", 3)}).ok());
  ASSERT_TRUE(store->import_batch("y", {entry("9", 9)}).ok());
  auto w = store->withdraw("x", {"2", "nope"});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->withdrawn, 1u);
  EXPECT_EQ(w->not_found, 1u);
  auto info = store->get_list("x");
  EXPECT_EQ(info->active, 2u);
  EXPECT_EQ(info->withdrawn, 1u);

  auto snap = store->snapshot_active({"y", "x"});
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->lists.size(), 2u);
  EXPECT_EQ(snap->lists[0].name, "x");  // name order
  EXPECT_EQ(snap->lists[0].count, 2u);
  EXPECT_EQ(snap->lists[0].default_radius, 10);
  EXPECT_EQ(snap->lists[1].first, 2u);
  EXPECT_EQ(snap->entry_ids.get(0), "1");
  EXPECT_EQ(snap->entry_ids.get(1), "3");
  EXPECT_EQ(snap->entry_ids.get(2), "9");
  EXPECT_EQ(store->snapshot_active({"zz"}).status().code(), StatusCode::kNotFound);

  // Re-importing a withdrawn entry as active re-activates it; a withdrawal row with a hash for an
  // unknown id is kept for the audit trail.
  ListEntry gone = entry("4", 4);
  gone.state = EntryState::kWithdrawn;
  ASSERT_TRUE(store->import_batch("x", {gone}).ok());
  EXPECT_EQ(store->get_list("x")->withdrawn, 2u);
  auto purged = store->purge_withdrawn("x");
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 2u);
  info = store->get_list("x");
  EXPECT_EQ(info->active, 2u);
  EXPECT_EQ(info->withdrawn, 0u);
  ASSERT_TRUE(store->import_batch("x", {entry("2", 2)}).ok());
  EXPECT_EQ(store->get_list("x")->active, 3u);
}

TEST(Store, ReopenKeepsDataAndReadOnlyWorks) {
  TempDir dir;
  {
    auto store = open(dir / "db");
    ASSERT_TRUE(store->create_list("l").ok());
    ASSERT_TRUE(store->import_batch("l", {entry("a", 1)}).ok());
  }
  StoreOptions ro;
  ro.read_only = true;
  auto store = open(dir / "db", ro);
  EXPECT_EQ(store->get_list("l")->active, 1u);
  StoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_EQ(HashStore::Open(dir / "missing", no_create).status().code(), StatusCode::kNotFound);
}

TEST(Store, UnknownSchemaVersionIsAClearError) {
  TempDir dir;
  { auto store = open(dir / "db"); }
  {
    // Rewrite the version key directly, as a future build would.
    testing::set_schema_version(dir / "db", "99");
  }
  auto s = HashStore::Open(dir / "db");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kVersionMismatch);
  EXPECT_NE(s.status().message().find("99"), std::string::npos);
}

TEST(Store, ForeignDatabaseIsRejected) {
  TempDir dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir / "other", &db).ok());
  delete db;
  EXPECT_EQ(HashStore::Open(dir / "other").status().code(), StatusCode::kCorruption);
}

TEST(Store, CheckpointOpensWithSameContent) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("l").ok());
  ASSERT_TRUE(store->import_batch("l", {entry("a", 1), entry("b", 2)}).ok());
  ASSERT_TRUE(store->checkpoint(dir / "copy").ok());
  EXPECT_FALSE(store->checkpoint(dir / "copy").ok());  // must not exist
  ASSERT_TRUE(store->import_batch("l", {entry("c", 3)}).ok());
  auto copy = open(dir / "copy");
  auto snap = copy->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->size(), 2u);
  EXPECT_EQ(snap->hashes[1], entry("b", 2).hash);
}

// A large list whose entries sit in several table files is read in parallel key ranges; the
// snapshot must equal one sequential scan (same order, same ids, withdrawn entries left out).
TEST(Store, LargeSnapshotReadInRangesMatchesSequentialScan) {
  TempDir dir;
  std::mt19937_64 rng(11);
  {
    auto store = open(dir / "db");
    ASSERT_TRUE(store->create_list("a").ok());
    ASSERT_TRUE(store->create_list("big").ok());
    ASSERT_TRUE(store->import_batch("a", {entry("a1", 1)}).ok());
  }
  for (int batch = 0; batch < 4; ++batch) {  // each reopen flushes the log into another table file
    auto store = open(dir / "db");
    std::vector<ListEntry> rows;
    for (int i = 0; i < 25000; ++i) {
      ListEntry e = entry("id" + std::to_string(rng() % 1000000), rng());
      if (i % 7 == 0) e.state = EntryState::kWithdrawn;
      rows.push_back(std::move(e));
    }
    ASSERT_TRUE(store->import_batch("big", rows).ok());
  }
  auto store = open(dir / "db");
  std::vector<std::pair<std::string, Hash256>> want;
  ASSERT_TRUE(store
                  ->for_each_entry("big",
                                   [&](const ListEntry& e) {
                                     if (e.state == EntryState::kActive) want.emplace_back(e.entry_id, e.hash);
                                     return true;
                                   })
                  .ok());
  ASSERT_GT(want.size(), size_t(1) << 16);
  auto snap = store->snapshot_active({});
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_EQ(snap->lists.size(), 2u);
  EXPECT_EQ(snap->lists[0].count, 1u);
  EXPECT_EQ(snap->lists[1].first, 1u);
  ASSERT_EQ(snap->lists[1].count, want.size());
  ASSERT_EQ(snap->size(), want.size() + 1);
  ASSERT_EQ(snap->entry_ids.size(), want.size() + 1);
  EXPECT_EQ(snap->entry_ids.get(0), "a1");
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(snap->entry_ids.get(i + 1), want[i].first) << i;
    ASSERT_EQ(snap->hashes[i + 1], want[i].second) << i;
  }
}

}  // namespace
}  // namespace hashsieve
