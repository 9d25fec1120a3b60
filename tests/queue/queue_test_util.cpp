#include "tests/queue/queue_test_util.h"

namespace hashsieve::testing {

void expect_one_result_each(QueueClient& q, const std::vector<std::string>& ids,
                            const std::function<void(size_t, const consumer::StreamMessage&)>& check,
                            size_t* duplicates, const std::string& results) {
  const auto by = results_by_message(q, results);
  EXPECT_EQ(by.size(), ids.size()) << "results for messages never sent";
  size_t extra = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = by.find(ids[i]);
    ASSERT_NE(it, by.end()) << "message " << i << " (" << ids[i] << ") has no result: lost";
    extra += it->second.size() - 1;
    for (const auto& r : it->second) {
      ASSERT_NE(r.field("result"), nullptr) << "message " << i;
      EXPECT_EQ(*r.field("result"), *it->second.front().field("result")) << "message " << i << ": copies differ";
      if (check) check(i, r);
      if (::testing::Test::HasFatalFailure()) return;  // the check's ASSERT stops here, not 10,000 times
    }
  }
  if (duplicates) *duplicates = extra;
}

void QueueTest::start_queue(size_t images, size_t listed, bool appendonly) {
  std::filesystem::create_directories(tmp / "redis");
  redis = std::make_unique<RedisTestServer>(tmp / "redis", appendonly);
  uploads = make_upload_set(tmp.str(), images, listed);
  reconnect();
}

void QueueTest::reconnect() { queue = std::make_unique<QueueClient>(redis->endpoint()); }

}  // namespace hashsieve::testing
