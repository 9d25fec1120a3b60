// Exact signals at rest: entries with digests beside or instead of PDQ, their value layout, the
// schema-1 -> 2 upgrade, the snapshot's digest records and the generation's exact-match maps.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "engine/index_generation.h"
#include "hashsieve/hash_store.h"
#include "index/store_codec.h"
#include "index_test_util.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::TempDir;

std::string bytes_of(int kind, char fill) { return std::string(kDigestSizes[kind], fill); }

ListEntry digest_entry(const std::string& id, int kind, char fill) {
  ListEntry e;
  e.entry_id = id;
  e.digests.bytes[size_t(kind)] = bytes_of(kind, fill);
  return e;
}

std::unique_ptr<HashStore> open(const std::string& path, StoreOptions o = {}) {
  auto s = HashStore::Open(path, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(ExactSignalsCodec, EntryWithoutDigestsKeepsTheSchema1Layout) {
  ListEntry e;
  e.has_hash = true;
  e.hash.words = {1, 2, 3, 4};
  e.quality = 90;
  const std::string v = store::encode_entry(e);
  ASSERT_EQ(v.size(), store::kEntryValueSize);
  EXPECT_EQ(uint8_t(v[0]), 1);
  ListEntry back;
  ASSERT_TRUE(store::decode_entry(v, &back));
  EXPECT_TRUE(back.digests.empty());
  EXPECT_EQ(back.hash, e.hash);
}

TEST(ExactSignalsCodec, DigestsRoundTripAndBadValuesAreRefused) {
  ListEntry e = digest_entry("x", 0, 'a');
  e.digests.bytes[3] = bytes_of(3, 'z');
  e.state = EntryState::kWithdrawn;
  const std::string v = store::encode_entry(e);
  EXPECT_EQ(v.size(), store::kEntryValueSize + 1 + 16 + 64);
  ListEntry back;
  ASSERT_TRUE(store::decode_entry(v, &back));
  EXPECT_EQ(back.digests, e.digests);
  EXPECT_FALSE(back.has_hash);
  EXPECT_EQ(back.state, EntryState::kWithdrawn);
  EXPECT_FALSE(store::decode_entry(v.substr(0, v.size() - 1), &back));  // a digest cut short
  EXPECT_FALSE(store::decode_entry(v + "x", &back));                   // trailing bytes
  std::string no_mask = v;
  no_mask[store::kEntryValueSize] = 0;
  EXPECT_FALSE(store::decode_entry(no_mask, &back));
}

TEST(ExactSignalsStore, DigestOnlyEntriesImportExportAndWithdraw) {
  TempDir dir;
  auto store = open(dir / "db");
  ASSERT_TRUE(store->create_list("v").ok());
  ListEntry both = digest_entry("both", 1, 's');
  both.has_hash = true;
  both.hash.words = {9, 9, 9, 9};
  both.metadata = R"({"type":"image"})";
  auto st = store->import_batch("v", {digest_entry("video", 0, 'm'), both});
  ASSERT_TRUE(st.ok()) << st.status().to_string();
  EXPECT_EQ(st->added, 2u);
  // The same rows again change nothing; another digest is an update.
  st = store->import_batch("v", {digest_entry("video", 0, 'm')});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->unchanged, 1u);
  st = store->import_batch("v", {digest_entry("video", 0, 'n')});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->updated, 1u);

  std::vector<ListEntry> seen;
  ASSERT_TRUE(store->for_each_entry("v", [&](const ListEntry& e) { seen.push_back(e); return true; }).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].entry_id, "video");
  EXPECT_EQ(seen[1].digests.bytes[0], bytes_of(0, 'n'));
  EXPECT_FALSE(seen[1].has_hash);

  auto snap = store->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->size(), 1u);  // only "both" has a PDQ ordinal
  ASSERT_EQ(snap->digests.size(), 2u);
  EXPECT_EQ(snap->digests.entry_ids.get(0), "both");
  EXPECT_EQ(snap->digests.metadata.get(0), R"({"type":"image"})");
  EXPECT_EQ(snap->digests.entry_ids.get(1), "video");

  // A digest-only entry withdraws by id, keeps its digests for the audit trail, and leaves the
  // snapshot.
  auto w = store->withdraw("v", {"video"});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->withdrawn, 1u);
  snap = store->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->digests.size(), 1u);
  EXPECT_EQ(snap->digests.entry_ids.get(0), "both");
  auto l = store->get_list("v");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->active, 1u);
  EXPECT_EQ(l->withdrawn, 1u);
  EXPECT_TRUE(store->verify().ok());

  // An entry with neither is still refused.
  ListEntry none;
  none.entry_id = "none";
  EXPECT_EQ(store->import_batch("v", {none}).status().code(), StatusCode::kInvalidArgument);
}

// A schema-1 store holds format-1 entry values, which this build still writes for entries
// without digests; schema-1 builds differed only in the version marker, set here as they wrote it.
TEST(ExactSignalsStore, Schema1StoreIsReadAndUpgradedByAWriter) {
  TempDir dir;
  std::mt19937_64 rng(7);
  ListEntry e;
  e.entry_id = "old";
  e.has_hash = true;
  e.hash = testing::random_hash(rng);
  {
    auto store = open(dir / "db");
    ASSERT_TRUE(store->create_list("l").ok());
    ASSERT_TRUE(store->import_batch("l", {e}).ok());
  }
  testing::set_schema_version(dir / "db", "1");
  {
    StoreOptions ro;
    ro.read_only = true;
    auto reader = open(dir / "db", ro);
    ASSERT_TRUE(reader);
    auto snap = reader->snapshot_active({});
    ASSERT_TRUE(snap.ok());
    ASSERT_EQ(snap->size(), 1u);
    EXPECT_EQ(snap->hashes[0], e.hash);
  }
  EXPECT_EQ(testing::schema_version_of(dir / "db"), "1");  // a reader changes nothing
  {
    auto writer = open(dir / "db");
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->import_batch("l", {digest_entry("new", 2, 'q')}).ok());
    EXPECT_TRUE(writer->verify().ok());
  }
  EXPECT_EQ(testing::schema_version_of(dir / "db"), "2");
}

TEST(ExactSignalsIndex, MapsArePerListAndKind) {
  EntrySnapshot snap;
  for (const char* name : {"a", "b"}) {
    SnapshotList l;
    l.name = name;
    l.first = uint32_t(snap.size());
    snap.lists.push_back(l);
    Digests d;
    d.bytes[0] = bytes_of(0, 'x');  // the same MD5 in both lists
    if (name[0] == 'b') d.bytes[2] = bytes_of(2, 'y');
    snap.add_digests(d, std::string("e-") + name, name);
  }
  ExactIndex exact(std::move(snap.digests), 2);
  EXPECT_EQ(exact.kinds_of(0), DigestMask(1));
  EXPECT_EQ(exact.kinds_of(1), DigestMask(1 | 4));
  std::vector<uint32_t> found;
  exact.find(0, 0, bytes_of(0, 'x'), &found);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(exact.entry_id(found[0]), "e-a");
  EXPECT_EQ(exact.metadata(found[0]), "a");
  found.clear();
  exact.find(0, 2, bytes_of(2, 'y'), &found);  // list a has no SHA-256
  EXPECT_TRUE(found.empty());
  exact.find(1, 2, bytes_of(2, 'y'), &found);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(exact.entry_id(found[0]), "e-b");
  found.clear();
  exact.find(1, 0, bytes_of(0, 'w'), &found);
  EXPECT_TRUE(found.empty());
}

}  // namespace
}  // namespace hashsieve
