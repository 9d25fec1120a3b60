// LiveScanner follows a real writer: a read-only store and a Scanner that pick up another
// handle's imports through polling, keep serving when a reload fails, and rebuild nothing when
// nothing changed. Also the store's data_version() that drives it.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "hashsieve/hash_store.h"
#include "hashsieve/live_scanner.h"
#include "index_test_util.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

using Clock = std::chrono::steady_clock;
using testing::reader_options;

ListEntry entry(const std::string& id, const Hash256& h) {
  ListEntry e;
  e.entry_id = id;
  e.has_hash = true;
  e.hash = h;
  return e;
}

bool matches(const LiveScanner& live, const Hash256& h) {
  ScanResult r = live.scanner().match_hash(h);
  return r.outcome == ScanOutcome::kMatch;
}

TEST(StoreDataVersion, MovesWithListContentAndReachesReadersOnRefresh) {
  testing::TempDir dir;
  std::mt19937_64 rng(1);
  auto writer = HashStore::Open(dir / "db");
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  ASSERT_TRUE((*writer)->create_list("l").ok());
  auto reader = HashStore::Open(dir / "db", reader_options());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();

  const uint64_t v0 = *(*writer)->data_version();
  EXPECT_EQ(*(*reader)->data_version(), v0);
  ASSERT_TRUE((*writer)->import_batch("l", {entry("a", testing::random_hash(rng))}).ok());
  const uint64_t v1 = *(*writer)->data_version();
  EXPECT_GT(v1, v0);
  EXPECT_EQ(*(*reader)->data_version(), v0) << "a reader moves only on refresh()";
  ASSERT_TRUE((*reader)->refresh().ok());
  EXPECT_EQ(*(*reader)->data_version(), v1);

  auto snap = (*reader)->snapshot_active({});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->store_version, v1);
  EXPECT_EQ(snap->size(), 1u);
}

TEST(LiveScanner, ServesAWritersImportWithinSecondsWithoutARestart) {
  testing::TempDir dir;
  std::mt19937_64 rng(2);
  const Hash256 old_hash = testing::random_hash(rng), new_hash = testing::random_hash(rng);
  auto writer = HashStore::Open(dir / "db");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->create_list("l").ok());
  ASSERT_TRUE((*writer)->import_batch("l", {entry("old", old_hash)}).ok());

  LiveScannerOptions o;
  o.db = dir / "db";
  o.poll_interval = std::chrono::milliseconds(50);
  auto live = LiveScanner::Open(o);
  ASSERT_TRUE(live.ok()) << live.status().to_string();
  const GenerationInfo first = (*live)->status().generation;
  EXPECT_EQ(first.entries, 1u);
  EXPECT_GT(first.built_at_ms, 0);
  EXPECT_TRUE(matches(**live, old_hash));
  EXPECT_FALSE(matches(**live, new_hash));

  ASSERT_TRUE((*writer)->import_batch("l", {entry("new", new_hash)}).ok());
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!matches(**live, new_hash) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(matches(**live, new_hash)) << "the import was not served within 10 s";
  EXPECT_TRUE(matches(**live, old_hash));
  // The poller publishes the generation before it records its status; a check of our own waits for
  // that check to finish (one check at a time), so the status below is the poller's final word.
  ASSERT_TRUE((*live)->check_now().ok());
  const LiveStatus st = (*live)->status();
  EXPECT_GE(st.reloads, 1u);
  EXPECT_EQ(st.generation.entries, 2u);
  EXPECT_GT(st.generation.number, first.number);
  EXPECT_EQ(st.generation.store_version, *(*writer)->data_version());
  EXPECT_EQ(st.reload_failures, 0u);
}

TEST(LiveScanner, NothingChangedMeansNoNewGeneration) {
  testing::TempDir dir;
  std::mt19937_64 rng(3);
  auto writer = HashStore::Open(dir / "db");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->create_list("l").ok());
  ASSERT_TRUE((*writer)->import_batch("l", {entry("a", testing::random_hash(rng))}).ok());
  LiveScannerOptions o;
  o.db = dir / "db";
  o.poll_interval = std::chrono::milliseconds(0);  // checks on demand only
  auto live = LiveScanner::Open(o);
  ASSERT_TRUE(live.ok());
  const uint64_t n = (*live)->scanner().generation().number;
  for (int i = 0; i < 3; ++i) {
    auto g = (*live)->check_now();
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    EXPECT_EQ(g->number, n);
  }
  EXPECT_EQ((*live)->status().reloads, 0u);

  ASSERT_TRUE((*writer)->import_batch("l", {entry("b", testing::random_hash(rng))}).ok());
  auto g = (*live)->check_now();
  ASSERT_TRUE(g.ok());
  EXPECT_GT(g->number, n);
  EXPECT_EQ(g->entries, 2u);
  EXPECT_EQ((*live)->status().reloads, 1u);
}

TEST(LiveScanner, AFailedReloadKeepsServingThePreviousGeneration) {
  testing::TempDir dir;
  std::mt19937_64 rng(4);
  const Hash256 h = testing::random_hash(rng);
  auto writer = HashStore::Open(dir / "db");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->create_list("l").ok());
  ASSERT_TRUE((*writer)->import_batch("l", {entry("a", h)}).ok());
  LiveScannerOptions o;
  o.db = dir / "db";
  o.scan.lists = {"l"};
  o.poll_interval = std::chrono::milliseconds(0);
  auto live = LiveScanner::Open(o);
  ASSERT_TRUE(live.ok());

  ASSERT_TRUE((*writer)->drop_list("l").ok());  // the selected list is gone: the reload must fail
  auto g = (*live)->check_now();
  EXPECT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kNotFound);
  const LiveStatus st = (*live)->status();
  EXPECT_EQ(st.reload_failures, 1u);
  EXPECT_NE(st.last_error.find("'l'"), std::string::npos) << st.last_error;
  EXPECT_TRUE(matches(**live, h)) << "the previous generation must keep serving";
}

TEST(LiveScanner, MissingDatabaseIsNotFoundAndNeverCreated) {
  testing::TempDir dir;
  LiveScannerOptions o;
  o.db = dir / "absent";
  auto live = LiveScanner::Open(o);
  EXPECT_FALSE(live.ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "absent"));
}

}  // namespace
}  // namespace hashsieve
