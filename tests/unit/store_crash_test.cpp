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
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipefd[0]);
    auto s = HashStore::Open(path);
    if (!s.ok()) _exit(3);
    for (int b = 0;; ++b) {
      if (!(*s)->import_batch("l", batch_rows(b)).ok()) _exit(4);
      if (b == 3) (void)!write(pipefd[1], "x", 1);  // some batches are surely in
    }
  }
  close(pipefd[1]);
  char c;
  ASSERT_EQ(read(pipefd[0], &c, 1), 1);
  close(pipefd[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
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
