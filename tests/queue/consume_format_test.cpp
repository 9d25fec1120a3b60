// The consumer's pure parts: Redis URLs, and the result entry a message gets.
#include <gtest/gtest.h>

#include "consumer/message_result.h"
#include "consumer/redis_url.h"

namespace hashsieve::consumer {
namespace {

TEST(RedisUrl, ParsesHostPortPasswordAndDb) {
  auto e = parse_redis_url("redis://127.0.0.1:6380");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 0);
  e = parse_redis_url("redis://user:s3cret@queue.internal/4");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "queue.internal");
  EXPECT_EQ(e->port, 6379);
  EXPECT_EQ(e->password, "s3cret");
  EXPECT_EQ(e->db, 4);
  e = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 7000);
}

TEST(RedisUrl, RefusesMalformedUrls) {
  for (const char* bad : {"127.0.0.1:6379", "http://x", "redis://", "redis://h:0", "redis://h:70000", "redis://h:x",
                          "redis://h/db", "redis://[::1"}) {
    auto e = parse_redis_url(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

StreamMessage message(std::vector<std::pair<std::string, std::string>> fields) {
  StreamMessage m;
  m.id = "1700000000000-7";
  m.fields = std::move(fields);
  return m;
}

TEST(MessageResult, NoMatchIsTheScanLineWithoutTheHash) {
  ScanResult r;
  r.path = "up/a.jpg";
  r.outcome = ScanOutcome::kNoMatch;
  r.quality = 88;
  r.generation = 3;
  r.hash.words[0] = 0x1234;  // must not show
  auto f = result_fields(message({{"path", "up/a.jpg"}, {"id", "u-1"}}), r);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ((*f)[0], (std::pair<std::string, std::string>("message_id", "1700000000000-7")));
  EXPECT_EQ((*f)[1], (std::pair<std::string, std::string>("id", "u-1")));
  EXPECT_EQ((*f)[2], (std::pair<std::string, std::string>("outcome", "no_match")));
  EXPECT_EQ((*f)[3].second,
            "{\"message_id\":\"1700000000000-7\",\"id\":\"u-1\",\"path\":\"up/a.jpg\",\"outcome\":\"no_match\","
            "\"quality\":88,\"generation\":3}\n");
}

TEST(MessageResult, OneLinePerMatchEachCarryingTheIds) {
  ScanResult r;
  r.outcome = ScanOutcome::kMatch;
  r.quality = 100;
  r.generation = 1;
  r.matches.push_back({"ncmec", "42", 3, Dihedral::kOrig, ""});
  r.matches.push_back({"stopncii", "x\"y", 9, Dihedral::kRot90, ""});
  auto f = result_fields(message({{"data", "bytes"}}), r);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 3u);  // no id field: none given
  const std::string& lines = f->back().second;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  EXPECT_EQ(lines.find("{\"message_id\":\"1700000000000-7\",\"path\":\"\",\"outcome\":\"match\",\"list\":\"ncmec\""), 0u)
      << lines;
  EXPECT_NE(lines.find("\n{\"message_id\":\"1700000000000-7\",\"path\":\"\",\"outcome\":\"match\",\"list\":\"stopncii\","
                       "\"entry_id\":\"x\\\"y\""),
            std::string::npos)
      << lines;
  EXPECT_EQ(lines.find("bytes"), std::string::npos);
}

TEST(MessageResult, DeadLetterNamesTheMessageNotItsBytes) {
  StreamMessage m = message({{"data", std::string(1000, 'x')}, {"id", "u-9"}});
  m.deliveries = 6;
  const Fields f = dead_letter_fields(m, "c1", "why");
  for (const auto& kv : f) EXPECT_NE(kv.first, "data");
  EXPECT_NE(std::find(f.begin(), f.end(), std::pair<std::string, std::string>("data_bytes", "1000")), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), std::pair<std::string, std::string>("deliveries", "6")), f.end());
}

}  // namespace
}  // namespace hashsieve::consumer
