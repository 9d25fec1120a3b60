// Lists changed by another process while `hashsieve consume` runs: `hashsieve list import` adds an
// entry, and uploads of that image match within 10 s, without a restart and without an error result.
#include <gtest/gtest.h>

#include "tests/queue/consume_test_common.h"

namespace hashsieve::testing {
namespace {

// Adds one message for `path` and waits for its result's outcome ("" on timeout).
std::string scan_through_queue(QueueClient& q, const std::string& path, int n) {
  const auto id = q.add("uploads", {{"path", path, "id", "probe-" + std::to_string(n)}}).at(0);
  std::string outcome;
  wait_until(
      [&] {
        const auto by = results_by_message(q, "uploads:results");
        auto it = by.find(id);
        if (it == by.end()) return false;
        outcome = outcome_of(it->second.front());
        return true;
      },
      std::chrono::seconds(30));
  return outcome;
}

using ConsumeReload = QueueTest;

TEST_F(ConsumeReload, ListImportedByAnotherProcessMatchesWithinTenSeconds) {
  start_queue(3, 1);  // img00000 listed; img00002 not yet
  const UploadSet& u = uploads;
  QueueClient& q = *queue;
  const pid_t c = spawn_cli(consume_args(*redis, u.db, "c1", {"--batch", "4"}), "/dev/null", tmp / "c1.err");
  int n = 0;
  ASSERT_EQ(scan_through_queue(q, u.paths[0], n++), "match");
  ASSERT_EQ(scan_through_queue(q, u.paths[2], n++), "no_match");

  std::ofstream(tmp / "more.csv") << "hash,entry_id\n" << run_cli("hash " + u.paths[2]).out.substr(0, 64) << ",late\n";
  const CliRun import = run_cli("list import known " + (tmp / "more.csv") + " --db " + u.db);  // a writer beside the reader
  ASSERT_EQ(import.exit_code, 0) << import.err;
  const auto imported = std::chrono::steady_clock::now();
  std::string outcome;
  double seconds = 0;
  do {
    outcome = scan_through_queue(q, u.paths[2], n++);
    ASSERT_TRUE(outcome == "match" || outcome == "no_match") << outcome;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - imported).count();
  } while (outcome != "match" && seconds < 10);
  EXPECT_EQ(outcome, "match") << "the imported entry did not match within 10 s";
  std::printf("the imported entry matched %.1f s after the import\n", seconds);
  EXPECT_EQ(terminate_cli(c), 0);
  const std::string log = slurp(tmp / "c1.err");
  EXPECT_NE(log.find("list reloads: "), std::string::npos) << log;
  EXPECT_EQ(log.find("list reloads: 0 "), std::string::npos) << log;
}

}  // namespace
}  // namespace hashsieve::testing
