// 10,000 uploads, two consumers, one of them killed with SIGKILL again and again mid-stream (and
// restarted, once under a new name so its pending messages must be claimed): nothing is lost and,
// deduplicated by message id, every message has exactly one result, the right one.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/queue/consume_test_common.h"

namespace hashsieve::testing {
namespace {

using ConsumeKill = QueueTest;

TEST_F(ConsumeKill, TenThousandMessagesSurviveRepeatedSigkill) {
  start_queue(60, 20);
  QueueClient& q = *queue;

  const size_t kMessages = 10000;
  std::vector<consumer::Command> fields;
  std::vector<size_t> image_of(kMessages);
  std::vector<std::vector<uint8_t>> bytes;
  for (const auto& p : uploads.paths) bytes.push_back(read_file(p));
  for (size_t i = 0; i < kMessages; ++i) {
    image_of[i] = (i * 7) % uploads.paths.size();
    if (i % 10 == 3)  // some carry the bytes themselves
      fields.push_back({"data", std::string(bytes[image_of[i]].begin(), bytes[image_of[i]].end()), "id",
                        "upload-" + std::to_string(i)});
    else
      fields.push_back({"path", uploads.paths[image_of[i]], "id", "upload-" + std::to_string(i)});
  }
  const std::vector<std::string> ids = q.add("uploads", fields);
  ASSERT_EQ(ids.size(), kMessages);

  const std::vector<std::string> common{"--batch", "32", "--claim-after", "1", "--max-deliveries", "50"};
  const pid_t steady = spawn_cli(consume_args(*redis, uploads.db, "steady", common), "/dev/null", tmp / "steady.err");
  std::mt19937 rng(7);
  int kills = 0;
  for (int round = 0; round < 5; ++round) {
    // Round 3 restarts under a new name: the old name's pending messages wait for a claim.
    const std::string name = round >= 3 ? "victim-renamed" : "victim";
    const pid_t victim = spawn_cli(consume_args(*redis, uploads.db, name, common), "/dev/null", tmp / "victim.err");
    // Killed while it holds messages (whatever the machine's speed), at a random moment after.
    (void)wait_until([&] { return q.holds_pending("uploads", "hashsieve", name) ||
                                  q.integer({"XLEN", "uploads:results"}) >= long(kMessages); },
                     std::chrono::seconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
    if (q.integer({"XLEN", "uploads:results"}) >= long(kMessages)) {
      ::kill(victim, SIGKILL);
      wait_cli(victim);
      break;
    }
    ::kill(victim, SIGKILL);
    EXPECT_EQ(wait_cli(victim), 128 + SIGKILL);
    ++kills;
  }
  EXPECT_GE(kills, 3) << "the stream drained before the kills: too few landed mid-stream";
  const pid_t last = spawn_cli(consume_args(*redis, uploads.db, "victim", common), "/dev/null", tmp / "last.err");

  auto all_answered = [&] {
    return q.pending("uploads", "hashsieve") == 0 && results_by_message(q, "uploads:results").size() >= kMessages;
  };
  ASSERT_TRUE(wait_until(all_answered, std::chrono::seconds(240))) << slurp(tmp / "steady.err");
  EXPECT_EQ(terminate_cli(steady), 0);
  EXPECT_EQ(terminate_cli(last), 0);

  size_t duplicates = 0;
  ASSERT_NO_FATAL_FAILURE(expect_one_result_each(
      q, ids,
      [&](size_t i, const consumer::StreamMessage& r) {
        ASSERT_EQ(outcome_of(r), image_of[i] < uploads.listed ? "match" : "no_match")
            << "message " << i << ": " << *r.field("result");
        ASSERT_NE(r.field("id"), nullptr);
        EXPECT_EQ(*r.field("id"), "upload-" + std::to_string(i));
      },
      &duplicates));
  EXPECT_EQ(q.integer({"XLEN", "uploads:dead"}), 0);
  std::printf("10000 messages, %d kills: %zu duplicate results (all identical), 0 lost\n", kills, duplicates);
}

}  // namespace
}  // namespace hashsieve::testing
