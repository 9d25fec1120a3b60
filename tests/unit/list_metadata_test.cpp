// Entry metadata from the list file to the match: kept by the store, carried by the index
// generation (the compact text table), printed by `match` beside each match.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "hashsieve/hash_index.h"
#include "list_test_util.h"
#include "temp_dir.h"
#include "tests/support/run_cli.h"

namespace hashsieve {
namespace {

using testing::kH1;
using testing::kH2;
using testing::kH3;

TEST(ListMetadata, TextTableKeepsEveryTextAtItsOrdinal) {
  EntryTextTable t;
  for (int i = 0; i < 5; ++i) t.push_back("");  // nothing stored while all are empty
  EXPECT_LE(t.memory_bytes(), 64u);  // the empty strings' own capacity only
  std::vector<std::string> want(5);
  for (int i = 0; i < 300; ++i) {
    std::string s = i % 3 ? std::string(size_t(i) * 7, char('a' + i % 26)) : "";
    t.push_back(s);
    want.push_back(s);
  }
  EntryTextTable u;
  u.push_back("x");
  u.append(t);
  ASSERT_EQ(u.size(), want.size() + 1);
  EXPECT_EQ(u.get(0), "x");
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t.get(i), want[i]) << i;
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(u.get(i + 1), want[i]) << i;
  EXPECT_EQ(u.get(100000), "");
}

TEST(ListMetadata, TheIndexCarriesEachEntrysMetadata) {
  testing::TempDir dir;
  auto store = std::move(HashStore::Open(dir / "db")).value();
  ASSERT_TRUE(store->create_list("a").ok());
  ASSERT_TRUE(store->create_list("b").ok());
  // List a: 70,000 entries (read in parallel parts), every third without metadata.
  std::vector<ListEntry> rows;
  for (uint32_t i = 0; i < 70000; ++i) {
    ListEntry e;
    e.entry_id = "e" + std::to_string(100000 + i);
    e.has_hash = true;
    e.hash.words[0] = i * 0x9E3779B97F4A7C15ULL;
    e.hash.words[1] = i;
    if (i % 3) e.metadata = "{\"n\":" + std::to_string(i) + "}";
    if (i % 10 == 0) e.state = EntryState::kWithdrawn;
    rows.push_back(std::move(e));
  }
  ASSERT_TRUE(store->import_batch("a", rows).ok());
  auto reader = ListReader::FromString("<queryResult><images><image><member id=\"42\">Org</member><id>i1</id>"
                                       "<classification>A1</classification><fingerprints><pdq>" + kH1 +
                                       "</pdq></fingerprints></image></images></queryResult>", "x");
  ASSERT_TRUE(import_list(*store, "b", **reader).ok());
  auto snap = store->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  auto index = HashIndex::Build(std::move(snap).value());
  ASSERT_TRUE(index.ok());
  const HashIndex& ix = **index;
  ASSERT_EQ(ix.size(), 63000u + 1u);
  for (uint32_t k = 0; k < ix.size(); ++k) {
    if (ix.lists()[ix.list_of(k)].name == "b") {
      EXPECT_EQ(ix.metadata(k), R"({"member":"Org","member_id":"42","type":"image","classification":"A1"})");
      continue;
    }
    uint32_t i = uint32_t(std::stoul(std::string(ix.entry_id(k)).substr(1))) - 100000;
    EXPECT_EQ(ix.metadata(k), i % 3 ? "{\"n\":" + std::to_string(i) + "}" : "") << k;
  }
}

// The CLI's stdout for `args` (shell text), with `input` on its standard input.
std::string run(const std::string& args, const std::string& input = "") { return testing::run_cli(args, input).out; }

TEST(ListMetadata, MatchLinesCarryProvenanceAndTheInputsPath) {
  testing::TempDir dir;
  const std::string db = " --db " + (dir / "db");
  run("list create ncii" + db);
  // A StopNCII page imported from standard input.
  std::string page = "{\"hashRecords\":[{\"signalType\":\"ImagePDQ\",\"hashValue\":\"" + kH2 +
                     "\",\"hashStatus\":\"Received\",\"caseNumbers\":{\"1\":\"Received\"}}]}";
  run("list import ncii -" + db, page);
  // What `hash` prints, piped to `match`: the path comes back with the match.
  std::string out = run("match" + db, kH3 + ",100,other.jpg\n" + kH2 + ",93,uploads/x.jpg\n");
  EXPECT_EQ(out, "{\"query\":\"" + kH2 + "\",\"list\":\"ncii\",\"entry_id\":\"" + kH2 +
                     "\",\"distance\":0,\"metadata\":{\"status\":\"Received\",\"cases\":1},\"input\":\"uploads/x.jpg\"}\n");
  // python-threatexchange's `pdq <hash>` lines are queries too.
  std::ofstream(dir / "tx.txt") << "pdq " << kH2 << "\n";
  EXPECT_NE(run("match" + db + " " + (dir / "tx.txt")).find("\"distance\":0"), std::string::npos);
}

}  // namespace
}  // namespace hashsieve
