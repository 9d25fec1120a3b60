// kill -9 during a scan that writes the audit log: the database reopens cleanly, verifies, and
// holds only whole groups of audit records (each group is one atomic, synced write of 64).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "hashsieve/hash_store.h"
#include "tests/support/demo_db.h"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

TEST(AuditCrash, KilledScansLeaveWholeAuditGroups) {
  auto demo = testing::make_demo_db("auditcrash");
  const auto queue = demo.dir / "queue.txt";
  {
    std::ofstream q(queue);
    for (int rep = 0; rep < 60; ++rep)
      for (const auto& e : fs::directory_iterator(demo.uploads())) q << e.path().string() << "\n";
  }
  std::mt19937 rng(5);
  int killed_midway = 0;
  for (int round = 0; round < 5; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const std::string files = "--files-from=" + queue.string(), db = "--db=" + demo.db();
      ::execl(HASHSIEVE_CLI, HASHSIEVE_CLI, "scan", "-q", "--audit", "--threads", "2", db.c_str(), files.c_str(),
              "--report=/dev/null", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1500));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed_midway;

    StoreOptions o;
    o.create_if_missing = false;
    auto store = HashStore::Open(demo.db(), o);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    EXPECT_TRUE((*store)->verify().ok());
    uint64_t matches = 0, batches = 0;
    ASSERT_TRUE((*store)->for_each_audit([&](int64_t, const std::string& r) {
      if (r.find("\"type\":\"match\"") != std::string::npos) ++matches;
      if (r.find("\"type\":\"batch\"") != std::string::npos) ++batches;
      return true;
    }).ok());
    if (batches == 0) {
      EXPECT_EQ(matches % 64, 0u) << "a partial group of audit records is visible";
    }
  }
  EXPECT_GT(killed_midway, 0) << "no scan was interrupted: the test proved nothing";
  fs::remove_all(demo.dir);
}

}  // namespace
}  // namespace hashsieve
