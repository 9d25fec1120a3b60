// Import batches are atomic across a kill -9: a child imports batches forever and is SIGKILLed;
// the reopened store holds only whole batches, with counters that agree with the entries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "hashsieve/hash_store.h"
#include "store_test_util.h"
#include "temp_dir.h"

namespace hashsieve {
namespace {

constexpr int kBatch = 500;

std::vector<ListEntry> batch_rows(int b) { return testing::batch_rows(b, kBatch); }

TEST(StoreCrash, KillMidImportLeavesWholeBatches) {
  testing::TempDir dir;
  std::string path = dir / "db";
  {
    auto s = HashStore::Open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_list("l").ok());
  }
  const int status = testing::kill_writer_mid_import(path, "l", batch_rows);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);

  auto s = HashStore::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  std::map<int, int> per_batch;
  uint64_t total = 0;
  ASSERT_TRUE((*s)->for_each_entry("l", [&](const ListEntry& e) {
    per_batch[std::stoi(e.entry_id.substr(1))]++;
    ++total;
    return true;
  }).ok());
  EXPECT_GE(per_batch.size(), 4u);
  for (const auto& [b, n] : per_batch) EXPECT_EQ(n, kBatch) << "batch " << b << " is partial";
  EXPECT_EQ((*s)->get_list("l")->active, total);
}

}  // namespace
}  // namespace hashsieve
