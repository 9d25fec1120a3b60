// Importing into a real store: repeated ids counted and reported, errors capped, known-benign rows
// kept from matching, and export -> import giving back the same entries, metadata included.
#include <gtest/gtest.h>

#include "list_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::kH2;
using testing::kH3;

struct Db {
  testing::TempDir dir;
  std::unique_ptr<HashStore> store;
  Db() {
    auto s = HashStore::Open(dir / "db");
    EXPECT_TRUE(s.ok());
    store = std::move(s).value();
  }
  ImportReport import(const std::string& list, const std::string& text, ImportOptions o = {}) {
    if (!store->get_list(list).ok()) {
      EXPECT_TRUE(store->create_list(list).ok());
    }
    auto reader = ListReader::FromString(text, list + ".in");
    EXPECT_TRUE(reader.ok());
    auto rep = import_list(*store, list, **reader, o);
    EXPECT_TRUE(rep.ok()) << rep.status().to_string();
    return rep.ok() ? *rep : ImportReport{};
  }
  std::vector<ListEntry> entries(const std::string& list) {
    std::vector<ListEntry> out;
    EXPECT_TRUE(store->for_each_entry(list, [&](const ListEntry& e) { out.push_back(e); return true; }).ok());
    return out;
  }
};

std::string hex_of(uint64_t i) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%048llx%016llx", 0ULL, (unsigned long long)(i * 0x9E3779B97F4A7C15ULL));
  return buf;
}

TEST(ListImport, ManyRowsUnderOneIdAreReported) {
  Db db;
  std::string text = "hash,entry_id,quality,state,metadata\n";
  for (int i = 0; i < 1000; ++i) text += hex_of(i + 1) + ",same-id,,,\n";
  ImportOptions o;
  o.batch_rows = 64;
  o.max_errors = 10;
  ImportReport r = db.import("l", text, o);
  EXPECT_EQ(r.superseded, 999u);
  EXPECT_EQ(r.conflicts, 999u);
  EXPECT_EQ(r.error_count, 999u);
  ASSERT_EQ(r.errors.size(), 10u);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].file, "l.in");
  EXPECT_NE(r.errors[0].reason.find("same-id"), std::string::npos);
  EXPECT_NE(import_summary(r, "l.in", ListFormat::kHashsieveCsv).find("superseded 999, bad rows 999 (989 more not shown)"),
            std::string::npos);
  auto e = db.entries("l");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(to_hex(e[0].hash), hex_of(1000));  // the last row wins, as in one batch
}

TEST(ListImport, AFeedsLifecycleIsNotAConflict) {
  // StopNCII re-sends a hash's record when its state changes; NCMEC deletes an entry it sent.
  Db db;
  std::string doc = "{\"hashRecords\": [\n"
                    "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH1 + "\", \"hashStatus\": \"Received\"},\n"
                    "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH1 + "\", \"hashStatus\": \"Active\"},\n"
                    "{\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + kH1 + "\", \"hashStatus\": \"Withdrawn\"}]}";
  ImportReport r = db.import("ncii", doc);
  EXPECT_EQ(r.superseded, 2u);
  EXPECT_EQ(r.conflicts, 0u);
  EXPECT_EQ(r.error_count, 0u);
  auto e = db.entries("ncii");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].state, EntryState::kWithdrawn);
}

TEST(ListImport, KnownBenignNeverMatchesAndIsCounted) {
  Db db;
  ImportReport first = db.import("tx", "signal_type,signal_str,collab,category,tags\r\npdq," + kH1 + ",A,POSITIVE_CLASS,\r\n");
  EXPECT_EQ(first.stats.added, 1u);
  // Later the collaboration marks it a false positive: it stops matching, and stays on record.
  ImportReport r = db.import("tx", "signal_type,signal_str,collab,category,tags\r\npdq," + kH1 + ",A,NEGATIVE_CLASS,\r\n"
                                   "pdq," + kH2 + ",A,NEGATIVE_CLASS,\r\n");
  EXPECT_EQ(r.counts.benign, 2u);
  auto e = db.entries("tx");
  ASSERT_EQ(e.size(), 2u);
  for (const auto& x : e) EXPECT_EQ(x.state, EntryState::kWithdrawn);
  auto snap = db.store->snapshot_active({"tx"});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->size(), 0u);
}

TEST(ListImport, ExportThenImportGivesTheSameEntries) {
  Db db;
  std::string ncmec = "<queryResult><images>"
                      "<image><member id=\"42\">Org</member><id>i1</id><classification>A1</classification>"
                      "<fingerprints><pdq>" + kH1 + "</pdq></fingerprints></image>"
                      "<image><member id=\"43\">Other</member><id>i1</id>"
                      "<fingerprints><pdq>" + kH2 + "</pdq></fingerprints></image>"
                      "<deletedImage><member id=\"44\"/><id>gone</id></deletedImage>"
                      "</images></queryResult>";
  db.import("src", ncmec);
  db.import("src", kH3 + ",77,path/with,comma.jpg\n");
  ASSERT_TRUE(db.store->withdraw("src", {"43-i1"}).ok());
  auto original = db.entries("src");
  ASSERT_EQ(original.size(), 3u);  // the deletion of an unknown id records nothing
  for (bool jsonl : {false, true}) {
    std::string text = jsonl ? "" : entry_csv_header();
    for (const auto& e : original) (jsonl ? append_entry_jsonl : append_entry_csv)(e, &text);
    std::string list = jsonl ? "back_jsonl" : "back_csv";
    ImportReport r = db.import(list, text);
    EXPECT_EQ(r.error_count, 0u);
    auto back = db.entries(list);
    ASSERT_EQ(back.size(), original.size());
    for (size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].entry_id, original[i].entry_id);
      EXPECT_EQ(back[i].hash, original[i].hash);
      EXPECT_EQ(back[i].has_hash, original[i].has_hash);
      EXPECT_EQ(back[i].quality, original[i].quality);
      EXPECT_EQ(back[i].state, original[i].state);
      EXPECT_EQ(back[i].metadata, original[i].metadata) << list;
    }
  }
}

}  // namespace
}  // namespace hashsieve
