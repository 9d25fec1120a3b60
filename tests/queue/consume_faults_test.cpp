// Faults caused for real against `hashsieve consume`: Redis killed and restarted mid-run, hostile
// messages, a message whose consumers keep dying (dead letter), SIGTERM mid-stream.
#include <gtest/gtest.h>

#include "tests/queue/consume_test_common.h"

namespace hashsieve::testing {
namespace {

std::vector<consumer::Command> path_messages(const UploadSet& u, size_t n) {
  std::vector<consumer::Command> f;
  for (size_t i = 0; i < n; ++i) f.push_back({"path", u.paths[i % u.paths.size()], "id", "u" + std::to_string(i)});
  return f;
}

using ConsumeFaults = QueueTest;

TEST_F(ConsumeFaults, RedisKilledAndRestartedMidRunLosesNothing) {
  start_queue(30, 10, /*appendonly=*/true);
  const std::vector<std::string> ids = queue->add("uploads", path_messages(uploads, 3000));
  const pid_t c = spawn_cli(consume_args(*redis, uploads.db, "c1", {"--batch", "16"}), "/dev/null", tmp / "c1.err");
  ASSERT_TRUE(wait_until([&] { return queue->integer({"XLEN", "uploads:results"}) >= 200; }, std::chrono::seconds(120)));
  ASSERT_LT(queue->integer({"XLEN", "uploads:results"}), 3000) << "drained before the restart";
  redis->restart(std::chrono::milliseconds(1500));  // kill -9; every acknowledged write was fsynced
  reconnect();
  QueueClient& q = *queue;
  ASSERT_TRUE(wait_until([&] { return q.pending("uploads", "hashsieve") == 0 &&
                                      results_by_message(q, "uploads:results").size() >= ids.size(); },
                         std::chrono::seconds(240)))
      << slurp(tmp / "c1.err");
  EXPECT_EQ(terminate_cli(c), 0);
  ASSERT_NO_FATAL_FAILURE(expect_one_result_each(q, ids));
  const std::string log = slurp(tmp / "c1.err");
  EXPECT_NE(log.find("connection lost"), std::string::npos) << log;
  EXPECT_EQ(log.find("/images/"), std::string::npos) << "the log names uploads: " << log;
}

TEST_F(ConsumeFaults, EveryMalformedMessageGetsOneErrorResult) {
  start_queue(2, 1);
  const UploadSet& u = uploads;
  QueueClient& q = *queue;
  const std::vector<std::string> jpeg_head{"\xff\xd8\xff\xe0 truncated"};
  struct Case {
    consumer::Command fields;
    std::string outcome, error_has;
  };
  const std::vector<Case> cases{
      {{"id", "neither"}, "error", "neither a path nor a data field"},
      {{"path", tmp / "missing.jpg", "id", "missing"}, "error", "io_error"},
      {{"path", tmp / "images", "id", "directory"}, "error", "error"},
      {{"data", jpeg_head[0], "id", "corrupt"}, "error", "decode_failed"},
      {{"data", "", "id", "empty"}, "error", "error"},
      {{"data", "GIF89a\x01", "id", "gif-stub"}, "error", "error"},
      {{"path", u.paths[0], "data", "x", "id", "both"}, "error", "both a path and a data field"},
      {{"path", std::string("bad\n\xff\x01name"), "id", std::string("id\"\n\xfe")}, "error", "io_error"},
      {{"path", u.paths[0], "id", "good-listed"}, "match", ""},
      {{"path", u.paths[1]}, "no_match", ""},
  };
  std::vector<consumer::Command> fields;
  for (const auto& c : cases) fields.push_back(c.fields);
  const auto ids = q.add("uploads", fields);
  const pid_t c = spawn_cli(consume_args(*redis, u.db, "c1"), "/dev/null", tmp / "c1.err");
  ASSERT_TRUE(wait_until([&] { return q.integer({"XLEN", "uploads:results"}) >= long(cases.size()); },
                         std::chrono::seconds(60)));
  EXPECT_EQ(::kill(c, 0), 0) << "the consumer died";
  EXPECT_EQ(terminate_cli(c), 0);
  const auto by = results_by_message(q, "uploads:results");
  ASSERT_EQ(by.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& rs = by.at(ids[i]);
    ASSERT_EQ(rs.size(), 1u);
    const std::string result = *rs[0].field("result");
    EXPECT_EQ(outcome_of(rs[0]), cases[i].outcome) << result;
    EXPECT_NE(result.find(cases[i].error_has), std::string::npos) << result;
    EXPECT_EQ(result.find("\"pdq\":"), std::string::npos) << "an upload's hash in a result: " << result;
    EXPECT_EQ(std::count(result.begin(), result.end(), '\n'), 1) << result;  // one line, control bytes escaped
    EXPECT_NE(result.find("\"message_id\":\"" + ids[i] + "\""), std::string::npos) << result;
  }
  EXPECT_EQ(q.pending("uploads", "hashsieve"), 0);
}

TEST_F(ConsumeFaults, MessageDeliveredTooOftenGoesToDeadLetter) {
  start_queue(2, 1);
  const UploadSet& u = uploads;
  QueueClient& q = *queue;
  q.run({"XGROUP", "CREATE", "uploads", "hashsieve", "0", "MKSTREAM"});
  const auto bytes = read_file(u.paths[0]);
  const auto ids = q.add("uploads", {{"data", std::string(bytes.begin(), bytes.end()), "id", "poison"},
                                     {"path", u.paths[1], "id", "unlucky"}});
  // Consumers that take the messages and die without answering: "poison" is delivered 3 times,
  // "unlucky" once.
  q.run({"XREADGROUP", "GROUP", "hashsieve", "crashed-1", "COUNT", "10", "STREAMS", "uploads", ">"});
  q.run({"XCLAIM", "uploads", "hashsieve", "crashed-2", "0", ids[0]});
  q.run({"XCLAIM", "uploads", "hashsieve", "crashed-3", "0", ids[0]});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const pid_t c = spawn_cli(consume_args(*redis, u.db, "c1", {"--max-deliveries", "3", "--claim-after", "0.2"}),
                            "/dev/null", tmp / "c1.err");
  ASSERT_TRUE(wait_until([&] { return q.integer({"XLEN", "uploads:results"}) >= 2; }, std::chrono::seconds(60)))
      << slurp(tmp / "c1.err");
  EXPECT_EQ(terminate_cli(c), 0);

  const auto dead = q.all("uploads:dead");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(*dead[0].field("message_id"), ids[0]);
  EXPECT_EQ(*dead[0].field("id"), "poison");
  EXPECT_EQ(*dead[0].field("deliveries"), "4");
  EXPECT_NE(dead[0].field("reason")->find("delivered 4 times without a result (limit 3)"), std::string::npos);
  EXPECT_EQ(dead[0].field("data"), nullptr) << "upload bytes copied to the dead-letter stream";
  EXPECT_EQ(*dead[0].field("data_bytes"), std::to_string(bytes.size()));

  const auto by = results_by_message(q, "uploads:results");
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(outcome_of(by.at(ids[0]).at(0)), "error");
  EXPECT_NE(by.at(ids[0]).at(0).field("result")->find("dead-letter"), std::string::npos);
  EXPECT_EQ(outcome_of(by.at(ids[1]).at(0)), "no_match");  // delivered twice: under the limit, scanned
  EXPECT_EQ(q.pending("uploads", "hashsieve"), 0);
}

TEST_F(ConsumeFaults, SigtermFinishesAndAcknowledgesTheMessagesInHand) {
  start_queue(10, 0);
  QueueClient& q = *queue;
  const auto ids = q.add("uploads", path_messages(uploads, 3000));
  const pid_t c = spawn_cli(consume_args(*redis, uploads.db, "c1", {"--batch", "100"}), "/dev/null", tmp / "c1.err");
  ASSERT_TRUE(wait_until([&] { return q.integer({"XLEN", "uploads:results"}) >= 1; }, std::chrono::seconds(60)));
  EXPECT_EQ(terminate_cli(c), 0) << slurp(tmp / "c1.err");
  const long long answered = q.integer({"XLEN", "uploads:results"});
  EXPECT_LT(answered, 3000) << "drained before the signal";
  EXPECT_EQ(answered % 100, 0) << "a read of 100 messages was cut short";
  EXPECT_EQ(q.pending("uploads", "hashsieve"), 0) << "delivered messages left unacknowledged";
  EXPECT_EQ(results_by_message(q, "uploads:results").size(), size_t(answered));
}

}  // namespace
}  // namespace hashsieve::testing
