// The store's change log (HashStore::changes_since): every entry written after a snapshot's change
// sequence, and the current state of those still active; and every case where it must refuse to
// answer (so the caller reads a whole snapshot) rather than answer wrong.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "hashsieve/hash_store.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

std::set<std::string> touched_ids(const EntryChanges& c) {
  std::set<std::string> out;
  for (const auto& [li, id] : c.touched) out.insert(std::string(c.lists[li].name).append("/").append(id));
  return out;
}

// A fresh store holding an empty list "a".
class StoreChangesFresh : public ::testing::Test {
 protected:
  void SetUp() override {
    owned_ = testing::open_store(dir_ / "db");
    ASSERT_NE(owned_, nullptr);
    ASSERT_TRUE(owned_->create_list("a").ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<HashStore> owned_;
};

TEST_F(StoreChangesFresh, NamesEveryEntryWrittenSinceAndItsCurrentState) {
  HashStore& store = *owned_;
  ASSERT_TRUE(store.create_list("b").ok());
  std::vector<ListEntry> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(testing::random_entry(std::to_string(i).insert(0, 1, 'e'), uint64_t(i)));
  ASSERT_TRUE(store.import_batch("a", rows).ok());
  ASSERT_TRUE(store.import_batch("b", rows).ok());
  auto snap = store.snapshot_active({});
  ASSERT_TRUE(snap.ok());
  ASSERT_NE(snap->change_seq, kNoChangeSeq);

  auto none = store.changes_since(snap->change_seq, {}, 100);
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_TRUE(none->touched.empty());
  EXPECT_EQ(none->active.size(), 0u);
  EXPECT_EQ(none->change_seq, snap->change_seq);

  ListEntry changed_hash = testing::random_entry("e1", 1001);
  ListEntry same_new_meta = rows[2];
  same_new_meta.metadata = R"({"source":"x"})";
  ListEntry added = testing::random_entry("n1", 77);
  ASSERT_TRUE(store.import_batch("a", {changed_hash, same_new_meta, added, rows[5]}).ok());  // e5: unchanged
  ASSERT_TRUE(store.withdraw("b", {"e3"}).ok());

  auto c = store.changes_since(snap->change_seq, {}, 100);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(touched_ids(*c), (std::set<std::string>{"a/e1", "a/e2", "a/n1", "b/e3"}));
  ASSERT_EQ(c->active.lists.size(), 2u);
  EXPECT_EQ(c->active.lists[0].name, "a");
  EXPECT_EQ(c->active.lists[0].count, 3u);
  EXPECT_EQ(c->active.lists[1].count, 0u);  // b/e3 is withdrawn: touched, not active
  ASSERT_EQ(c->active.size(), 3u);
  EXPECT_EQ(c->active.entry_ids.get(0), "e1");
  EXPECT_EQ(c->active.hashes[0], changed_hash.hash);
  EXPECT_EQ(c->active.entry_ids.get(1), "e2");
  EXPECT_EQ(c->active.metadata.get(1), same_new_meta.metadata);
  EXPECT_EQ(c->active.entry_ids.get(2), "n1");
  EXPECT_EQ(c->store_version, *store.data_version());

  // Only the chosen lists.
  auto only_b = store.changes_since(snap->change_seq, {"b"}, 100);
  ASSERT_TRUE(only_b.ok());
  EXPECT_EQ(touched_ids(*only_b), (std::set<std::string>{"b/e3"}));
}

TEST_F(StoreChangesFresh, RefusesWhatItCannotAnswer) {
  HashStore& store = *owned_;
  auto snap = store.snapshot_active({});
  ASSERT_TRUE(snap.ok());
  const uint64_t seq = snap->change_seq;

  EXPECT_EQ(store.changes_since(kNoChangeSeq, {}, 100).status().code(), StatusCode::kUnsupported);
  ASSERT_TRUE(store.import_batch("a", testing::batch_rows(1, 20)).ok());
  EXPECT_EQ(store.changes_since(seq, {}, 19).status().code(), StatusCode::kUnsupported);  // too many
  EXPECT_TRUE(store.changes_since(seq, {}, 20).ok());
  ASSERT_TRUE(store.create_list("c").ok());  // the list set changed: a whole-list record
  EXPECT_EQ(store.changes_since(seq, {}, 100).status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(store.changes_since(seq, {"a"}, 100).ok());  // c is not chosen
  ASSERT_TRUE(store.drop_list("a").ok());
  EXPECT_EQ(store.changes_since(seq, {"c"}, 100).status().code(), StatusCode::kUnsupported);  // c was created since
  EXPECT_EQ(store.changes_since(seq, {"a"}, 100).status().code(), StatusCode::kNotFound);
  // A batch too large to log entry by entry is logged as a whole-list change.
  auto after = store.snapshot_active({});
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(store.import_batch("c", testing::batch_rows(2, 16385)).ok());
  EXPECT_EQ(store.changes_since(after->change_seq, {}, 1 << 20).status().code(), StatusCode::kUnsupported);
}

// A store written before the change log (simulated by taking the log out with RocksDB itself):
// readers open it and have no change sequence; the first writer starts the log; a reader opened
// before that keeps working and keeps answering kUnsupported.
TEST(StoreChanges, StoreWithoutChangeLog) {
  testing::TempDir dir;
  const std::string path = dir / "db";
  {
    auto s = HashStore::Open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_list("a").ok());
    ASSERT_TRUE((*s)->import_batch("a", testing::batch_rows(1, 5)).ok());
  }
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descs, &handles, &db).ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "changes") {
        ASSERT_TRUE(db->DropColumnFamily(handles[i]).ok());
      }
      if (names[i] == "meta") {
        ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handles[i], "change_seq").ok());
        ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handles[i], "changes_from").ok());
      }
    }
    for (auto* h : handles) delete h;
    delete db;
  }
  auto reader = HashStore::Open(path, testing::reader_options());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto snap = (*reader)->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->hashes.size(), 5u);
  EXPECT_EQ(snap->change_seq, kNoChangeSeq);

  auto writer = HashStore::Open(path);  // starts the log
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  auto wsnap = (*writer)->snapshot_active({});
  ASSERT_TRUE(wsnap.ok());
  ASSERT_NE(wsnap->change_seq, kNoChangeSeq);
  ASSERT_TRUE((*writer)->import_batch("a", testing::batch_rows(2, 3)).ok());
  auto c = (*writer)->changes_since(wsnap->change_seq, {}, 100);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->touched.size(), 3u);

  // The old reader has no handle on the new family: it still reads, and refuses to say what changed.
  ASSERT_TRUE((*reader)->refresh().ok());
  auto rsnap = (*reader)->snapshot_active({});
  ASSERT_TRUE(rsnap.ok());
  EXPECT_EQ(rsnap->hashes.size(), 8u);
  EXPECT_EQ(rsnap->change_seq, kNoChangeSeq);
  EXPECT_EQ((*reader)->changes_since(wsnap->change_seq, {}, 100).status().code(), StatusCode::kUnsupported);
  // A reader opened now has the log and follows the writer through it.
  auto fresh = HashStore::Open(path, testing::reader_options());
  ASSERT_TRUE(fresh.ok());
  auto fc = (*fresh)->changes_since(wsnap->change_seq, {}, 100);
  ASSERT_TRUE(fc.ok()) << fc.status().to_string();
  EXPECT_EQ(fc->touched.size(), 3u);
}

// The log is written in the same batch as the entries: after a kill -9 mid-import, what the log
// says changed since a snapshot is exactly the entries the reopened store holds beyond it.
TEST(StoreChanges, KillMidImportLogMatchesEntries) {
  testing::TempDir dir;
  const std::string path = dir / "db";
  uint64_t seq = 0;
  {
    auto s = HashStore::Open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_list("l").ok());
    ASSERT_TRUE((*s)->import_batch("l", testing::batch_rows(1000, 50)).ok());
    auto snap = (*s)->snapshot_active({});
    ASSERT_TRUE(snap.ok());
    seq = snap->change_seq;
  }
  const int status = testing::kill_writer_mid_import(path, "l", [](int b) { return testing::batch_rows(b, 200); });
  ASSERT_TRUE(WIFSIGNALED(status));

  auto s = HashStore::Open(path, testing::reader_options());
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  std::set<std::string> beyond;  // entries the kill left in, besides the 50 read at `seq`
  ASSERT_TRUE((*s)->for_each_entry("l", [&](const ListEntry& e) {
    if (e.entry_id.rfind("b1000-", 0) != 0) beyond.insert(std::string("l/").append(e.entry_id));
    return true;
  }).ok());
  EXPECT_GE(beyond.size(), 800u);
  auto c = (*s)->changes_since(seq, {}, 1 << 20);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(touched_ids(*c), beyond);
  EXPECT_EQ(c->active.size(), beyond.size());
}

}  // namespace
}  // namespace hashsieve
