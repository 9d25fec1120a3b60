// One keep-alive connection to `hashsieve serve` as its own connection stream handles it:
// requests sent back to back in one write, the "100 Continue" interim answer a client waits for
// before it sends a body, answers larger than the stream's buffer, and a client that stops
// reading one.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/serve_db.h"
#include "tests/support/serve_process.h"

namespace hashsieve::testing {
namespace {

using nlohmann::json;

struct Answer {
  int status = 0;
  std::string head, body;
};

// Appends what fd has to `buf`, waiting up to timeout_ms; false on timeout, close or error.
bool receive_more(int fd, std::string* buf, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buf->append(chunk, size_t(n));
  return true;
}

// The next complete answer in `buf` (status line, headers, Content-Length bytes of body),
// receiving more from fd as needed; status 0 if none arrived within timeout_ms.
Answer next_answer(int fd, std::string* buf, int timeout_ms = 10000) {
  Answer a;
  size_t end;
  while ((end = buf->find("\r\n\r\n")) == std::string::npos)
    if (!receive_more(fd, buf, timeout_ms)) return a;
  a.head = buf->substr(0, end + 2);
  std::string lower = a.head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  const size_t cl = lower.find("\r\ncontent-length:");
  const size_t length = cl == std::string::npos ? 0 : std::stoul(a.head.substr(cl + 17));
  while (buf->size() < end + 4 + length)
    if (!receive_more(fd, buf, timeout_ms)) return a;
  a.status = std::stoi(a.head.substr(9, 3));
  a.body = buf->substr(end + 4, length);
  buf->erase(0, end + 4 + length);
  return a;
}

std::string lookup(const std::string& hash) {
  return "GET /m/raw_lookup?signal_type=pdq&signal=" + hash + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

std::string match_body(const std::string& hash, int copies) {
  json hashes = json::array();
  for (int i = 0; i < copies; ++i) hashes.push_back(hash);
  return json{{"hashes", hashes}}.dump();
}

class ServeConnection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new ServeDb(make_serve_db("serve-connection")); }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(db_->dir);
    delete db_;
  }
  static ServeDb* db_;
};
ServeDb* ServeConnection::db_ = nullptr;

TEST_F(ServeConnection, RequestsSentBackToBackAreEachAnsweredInOrder) {
  ServeProcess serve({"--db", db_->db()}, "serve-pipelined");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const int fd = connect_raw(serve.port());
  ASSERT_GE(fd, 0);
  // Three requests in one write: they reach the service together, in one read.
  const std::string burst = lookup(db_->coffee) + lookup(db_->rocket) + "GET /status/live HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, burst.data(), burst.size(), 0), ssize_t(burst.size()));
  std::string buf;
  const Answer coffee = next_answer(fd, &buf), rocket = next_answer(fd, &buf), live = next_answer(fd, &buf);
  ASSERT_EQ(coffee.status, 200) << coffee.head;
  EXPECT_EQ(json::parse(coffee.body)["matches"].size(), 1u) << coffee.body;
  ASSERT_EQ(rocket.status, 200) << rocket.head << "(the second request of the write was lost)";
  EXPECT_EQ(json::parse(rocket.body)["matches"].size(), 0u) << rocket.body;
  ASSERT_EQ(live.status, 200) << live.head << "(the third request of the write was lost)";
  // The connection stays open for more.
  const std::string again = lookup(db_->coffee);
  ASSERT_EQ(::send(fd, again.data(), again.size(), 0), ssize_t(again.size()));
  EXPECT_EQ(next_answer(fd, &buf).status, 200);
  ::close(fd);
}

TEST_F(ServeConnection, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  ServeProcess serve({"--db", db_->db()}, "serve-continue");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const int fd = connect_raw(serve.port());
  ASSERT_GE(fd, 0);
  const std::string body = match_body(db_->coffee, 3);
  const std::string head = "POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), ssize_t(head.size()));
  // The client sends nothing more until it hears 100 (the service must not hold it back).
  std::string buf;
  const Answer interim = next_answer(fd, &buf, 5000);
  ASSERT_EQ(interim.status, 100) << "no 100 Continue within 5 s: " << interim.head;
  ASSERT_EQ(::send(fd, body.data(), body.size(), 0), ssize_t(body.size()));
  const Answer done = next_answer(fd, &buf);
  ASSERT_EQ(done.status, 200) << done.head << done.body;
  const json results = json::parse(done.body)["results"];
  ASSERT_EQ(results.size(), 3u);
  for (const json& r : results) EXPECT_EQ(r["matches"].size(), 1u) << r;
  ::close(fd);
}

TEST_F(ServeConnection, AnswersLargerThanTheStreamBufferArriveWhole) {
  ServeProcess serve({"--db", db_->db()}, "serve-large");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  constexpr int kHashes = 4000;  // ~0.6 MB of results, several times the stream's 64 KiB
  auto client = serve.client();
  client->set_keep_alive(true);
  for (int round = 0; round < 2; ++round) {  // and the connection goes on after one
    auto r = client->Post("/v1/match", match_body(db_->coffee, kHashes), "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200);
    EXPECT_GT(r->body.size(), size_t(256) << 10);
    const json results = json::parse(r->body)["results"];
    ASSERT_EQ(results.size(), size_t(kHashes));
    EXPECT_EQ(results.back()["matches"].size(), 1u);
  }
}

TEST_F(ServeConnection, AClientThatStopsReadingIsDroppedAfterTheWriteTimeout) {
  // One worker: while it is stuck writing to the client that stopped reading, nobody else is
  // served; after the I/O timeout it must be free again.
  ServeProcess serve({"--db", db_->db(), "--threads", "1", "--io-timeout", "1"}, "serve-unread");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const int fd = connect_raw(serve.port(), 64 << 10);
  ASSERT_GE(fd, 0);
  // Eight requests for ~1 MB answers each, sent at once and never read: more than the socket
  // buffers hold (the service's send buffer grows to 4 MB at most by default; this client's
  // receive buffer is fixed small), so the service's write blocks.
  constexpr int kRequests = 8;
  const std::string body = match_body(db_->coffee, 10000);
  const std::string one = "POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string all;
  for (int i = 0; i < kRequests; ++i) all += one;
  ASSERT_EQ(::send(fd, all.data(), all.size(), 0), ssize_t(all.size()));
  // Another client is answered once the stuck write has timed out.
  const auto t0 = std::chrono::steady_clock::now();
  auto other = serve.client();
  auto r = other->Get("/status/live");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(15));
  // The stalled connection was closed: reading it yields the answers that fit in the buffers,
  // then the end of the stream, not all eight.
  std::string buf;
  int answers = 0;
  while (next_answer(fd, &buf, 5000).status == 200) ++answers;
  EXPECT_LT(answers, kRequests);
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
  EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET)) << "the connection is still open";
  ::close(fd);
}

// The lookup routes answer a plain GET without the library's parser (server/plain_get.h). The
// same request with one percent-encoded parameter more (which no handler reads) goes the
// library's way: both must give the same answer.
TEST_F(ServeConnection, PlainAndLibraryReadLookupsAnswerAlike) {
  ServeProcess serve({"--db", db_->db()}, "serve-plain");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const int fd = connect_raw(serve.port());
  ASSERT_GE(fd, 0);
  const std::string targets[] = {
      "/m/raw_lookup?signal_type=pdq&include_distance=true&signal=" + db_->coffee,
      "/m/raw_lookup?signal_type=pdq&signal=" + db_->rocket,
      "/m/raw_lookup?signal_type=pdq",                             // 422
      "/m/raw_lookup?signal_type=md5&signal=" + db_->coffee,      // 400
      "/m/lookup?signal_type=pdq&signal=" + db_->coffee,
      "/m/lookup?signal_type=pdq&banks=no-such-bank&signal=" + db_->coffee,
  };
  auto head_has = [](const Answer& a, const std::string& line) { return a.head.find(line) != std::string::npos; };
  std::string buf;
  for (const std::string& t : targets) {
    const std::string plain = "GET " + t + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string decoded = "GET " + t + "&unused=%41 HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string both = plain + decoded;
    ASSERT_EQ(::send(fd, both.data(), both.size(), 0), ssize_t(both.size()));
    const Answer a = next_answer(fd, &buf), b = next_answer(fd, &buf);
    ASSERT_NE(a.status, 0) << t;
    EXPECT_EQ(a.status, b.status) << t;
    EXPECT_EQ(a.body, b.body) << t;
    for (const Answer* x : {&a, &b}) {
      EXPECT_TRUE(head_has(*x, "\r\nContent-Type: application/json\r\n")) << x->head;
      EXPECT_TRUE(head_has(*x, "\r\nKeep-Alive: timeout=")) << x->head;
    }
  }
  const Answer first = [&] {
    const std::string r = lookup(db_->coffee);
    ::send(fd, r.data(), r.size(), 0);
    return next_answer(fd, &buf);
  }();
  EXPECT_EQ(json::parse(first.body)["matches"].size(), 1u) << first.body;
  ::close(fd);
  // Both are counted in the route's metrics: 7 plain and 6 library-read lookups above.
  auto m = serve.client()->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("route=\"GET /m/raw_lookup\",code=\"200\"} 5\n"), std::string::npos) << m->body;
}

TEST_F(ServeConnection, APlainLookupSplitAcrossWritesOrAskingToCloseIsHonoured) {
  ServeProcess serve({"--db", db_->db()}, "serve-plain-close");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const int fd = connect_raw(serve.port());
  ASSERT_GE(fd, 0);
  // Half a head, a pause, the rest: answered once whole.
  const std::string r = lookup(db_->coffee);
  ASSERT_EQ(::send(fd, r.data(), 20, 0), 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::send(fd, r.data() + 20, r.size() - 20, 0), ssize_t(r.size() - 20));
  std::string buf;
  const Answer split = next_answer(fd, &buf);
  ASSERT_EQ(split.status, 200) << split.head;
  EXPECT_EQ(json::parse(split.body)["matches"].size(), 1u);
  // "Connection: close": the answer says so, and then the connection ends.
  const std::string closing = "GET /m/raw_lookup?signal_type=pdq&signal=" + db_->coffee +
                              " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, closing.data(), closing.size(), 0), ssize_t(closing.size()));
  const Answer last = next_answer(fd, &buf);
  ASSERT_EQ(last.status, 200) << last.head;
  EXPECT_NE(last.head.find("\r\nConnection: close\r\n"), std::string::npos) << last.head;
  // Closed at once: the end of the stream within a second (an idle connection would last 5 s).
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 1000), 1) << "the connection stayed open";
  char byte;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "more bytes after the answer";
  ::close(fd);
}

}  // namespace
}  // namespace hashsieve::testing
#endif
