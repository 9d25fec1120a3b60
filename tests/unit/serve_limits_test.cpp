// `hashsieve serve` under hostile or heavy use: bearer tokens and roles, bodies over the limit,
// clients that stall, requests past their deadline, saturation, and SIGTERM with requests in flight.
#ifdef HASHSIEVE_HAVE_HTTPLIB
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "tests/support/jpeg_encode.h"
#include "tests/support/serve_db.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_data.h"

namespace hashsieve::testing {
namespace {

using nlohmann::json;

// A large noisy JPEG: slow enough to decode that requests overlap a signal or a deadline.
const std::string& big_jpeg() {
  static const std::string bytes = [] {
    uint32_t seed = 12345;
    auto v = encode_rows_with_libjpeg(4000, 3000, 3, [&](int, uint8_t* dst) {
      for (int x = 0; x < 4000 * 3; ++x) {
        seed = seed * 1664525u + 1013904223u;
        dst[x] = uint8_t(seed >> 24);
      }
    });
    return std::string(v.begin(), v.end());
  }();
  return bytes;
}

class ServeLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new ServeDb(make_serve_db("serve-limits")); }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(db_->dir);
    delete db_;
  }
  static ServeDb* db_;
};
ServeDb* ServeLimits::db_ = nullptr;

TEST_F(ServeLimits, TokensAndRoles) {
  const auto tokens = db_->dir / "tokens";
  std::ofstream(tokens) << "# role token\nmatch matcher-token-0123456789\nhash,match hasher-token-0123456789\n"
                           "curate curator-token-0123456789\n";
  ServeProcess serve({"--db", db_->db(), "--token-file", tokens.string()}, "serve-tokens");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  auto c = serve.client();
  const std::string lookup = "/m/raw_lookup?signal_type=pdq&signal=" + db_->coffee;
  auto r = c->Get(lookup.c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["message"], "missing or unknown bearer token");
  EXPECT_EQ(c->Get(lookup.c_str(), {{"Authorization", "Bearer matcher-token-0123456780"}})->status, 401);
  EXPECT_EQ(c->Get(lookup.c_str(), {{"Authorization", "Basic matcher-token-0123456789"}})->status, 401);
  EXPECT_EQ(c->Get(lookup.c_str(), {{"Authorization", "Bearer curator-token-0123456789"}})->status, 403);
  r = c->Get(lookup.c_str(), {{"Authorization", "Bearer matcher-token-0123456789"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["matches"][0], 1001);
  // /h/hash needs the hash role: refused before the upload is read.
  const auto bytes = read_file(ServeDb::photo("coffee"));
  httplib::MultipartFormDataItems items{{"photo", std::string(bytes.begin(), bytes.end()), "a.png", "image/png"}};
  c->set_default_headers({{"Authorization", "Bearer matcher-token-0123456789"}});
  r = c->Post("/h/hash", items);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(json::parse(r->body)["message"].get<std::string>().find("hash role"), std::string::npos);
  c->set_default_headers({{"Authorization", "Bearer hasher-token-0123456789"}});
  EXPECT_EQ(c->Post("/h/hash", items)->status, 200);
  // Health checks need no token.
  EXPECT_EQ(serve.client()->Get("/status")->status, 200);
}

TEST_F(ServeLimits, OnlyLoopbackWithoutTokensAndBadTokenFilesAreRefused) {
  auto r = run_cli("serve --db " + db_->db() + " --listen 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs --token-file"), std::string::npos) << r.err;
  const auto bad = db_->dir / "bad-tokens";
  std::ofstream(bad) << "admin some-token-0123456789\n";
  r = run_cli("serve --db " + db_->db() + " --listen 127.0.0.1:0 --token-file " + bad.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown role 'admin'"), std::string::npos) << r.err;
}

TEST_F(ServeLimits, BodiesOverTheLimitAre413) {
  ServeProcess serve({"--db", db_->db(), "--max-body-mib", "1"}, "serve-body");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const std::string two_mib(2 << 20, 'x');
  auto r = serve.client()->Post("/v1/scan", two_mib, "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["message"], "request body too large");
  // Under the limit, the same route works.
  const auto ok = read_file(ServeDb::edit("coffee", "q85"));
  r = serve.client()->Post("/v1/scan", reinterpret_cast<const char*>(ok.data()), ok.size(), "image/jpeg");
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServeLimits, StalledClientsAreDroppedAndOthersServed) {
  ServeProcess serve({"--db", db_->db(), "--io-timeout", "1", "--threads", "4"}, "serve-slow");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  // Three clients send half a request line and stall; two more send a body slower than promised.
  std::vector<int> stalled;
  for (int i = 0; i < 3; ++i) {
    const int fd = connect_raw(serve.port());
    ASSERT_GE(fd, 0);
    ASSERT_GT(::send(fd, "GET /m/raw_lo", 13, 0), 0);
    stalled.push_back(fd);
  }
  for (int i = 0; i < 2; ++i) {
    const int fd = connect_raw(serve.port());
    const std::string head = "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc";
    ASSERT_GT(::send(fd, head.data(), head.size(), 0), 0);
    stalled.push_back(fd);
  }
  // A well-behaved client still gets answers (a worker is free or frees up within the timeout).
  auto r = serve.client()->Get(("/m/raw_lookup?signal_type=pdq&signal=" + db_->coffee).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The stalled connections are closed by the service after the I/O timeout.
  for (int fd : stalled) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {}
    EXPECT_EQ(n, 0) << "the service should have closed a stalled connection";
    ::close(fd);
  }
  EXPECT_EQ(serve.client()->Get("/status/live")->status, 200);
}

TEST_F(ServeLimits, ScansPastTheDeadlineAre503) {
  ServeProcess serve({"--db", db_->db(), "--request-timeout", "0.001"}, "serve-deadline");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  auto r = serve.client()->Post("/v1/scan", big_jpeg(), "image/jpeg");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "cancelled");
}

TEST_F(ServeLimits, SaturationIs503WithRetryAfterNotAQueue) {
  // One worker, one queued connection: further connections are answered 503 at once.
  ServeProcess serve({"--db", db_->db(), "--threads", "1", "--queue", "1", "--io-timeout", "60"}, "serve-busy");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  // Hold the worker and the queue slot with connections that send nothing yet. The long I/O
  // timeout keeps them held however slowly this machine gets to the third connection; closing
  // them frees the worker at once.
  const int hold1 = connect_raw(serve.port()), hold2 = connect_raw(serve.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto r = serve.client()->Get("/status/live");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  ::close(hold1);
  ::close(hold2);
  // Once they are gone the service answers again.
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    auto again = serve.client()->Get("/status/live");
    answered = again && again->status == 200;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(answered);
  const std::string metrics = serve.client()->Get("/metrics")->body;
  EXPECT_EQ(metrics.find("hashsieve_http_shed_total 0"), std::string::npos) << "shed connections are counted";
}

TEST_F(ServeLimits, ABurstOfConnectionsIsAcceptedWhileTheServiceIsBusy) {
  ServeProcess serve({"--db", db_->db()}, "serve-burst");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  // A stopped service accepts nothing: the kernel completes handshakes only while the socket's
  // backlog has room. A backlog of a few drops the rest of a burst (each client would retry its
  // SYN a second later); the service's backlog takes a burst as large as a client pool's.
  constexpr int kClients = 64;
  ASSERT_EQ(::kill(serve.pid(), SIGSTOP), 0);
  std::vector<pollfd> fds;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(serve.port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < kClients; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);  // EINPROGRESS: completion is polled
    fds.push_back(pollfd{fd, POLLOUT, 0});
  }
  int connected = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  while (connected < kClients && std::chrono::steady_clock::now() < until) {
    ::poll(fds.data(), fds.size(), 50);
    connected = 0;
    for (const pollfd& p : fds) {
      int err = -1;
      socklen_t len = sizeof err;
      if ((p.revents & POLLOUT) && ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        ++connected;
    }
  }
  ::kill(serve.pid(), SIGCONT);
  EXPECT_EQ(connected, kClients) << "handshakes completed within 0.8 s while the service was stopped";
  // Once it runs again, a client of the burst is answered.
  const std::string req = "GET /status/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const int fd = fds.back().fd;
  ::fcntl(fd, F_SETFL, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), ssize_t(req.size()));
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, size_t(n));
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  for (const pollfd& p : fds) ::close(p.fd);
}

TEST_F(ServeLimits, SigtermFinishesRequestsInFlightAndExitsZero) {
  // No scan deadline in play: on a slow build four large scans sharing the cores could pass the
  // default 10 s and be cancelled, which is not what this test is about.
  ServeProcess serve({"--db", db_->db(), "--request-timeout", "300"}, "serve-term");
  ASSERT_GT(serve.port(), 0) << serve.stderr_text();
  const std::string& image = big_jpeg();
  constexpr int kRequests = 4;
  std::vector<std::future<int>> done;
  for (int i = 0; i < kRequests; ++i)
    done.push_back(std::async(std::launch::async, [&] {
      auto r = serve.client()->Post("/v1/scan", image, "image/jpeg");
      return r ? r->status : -1;
    }));
  // SIGTERM once all of them are being handled, or, on a machine too busy for the four to overlap,
  // once the most that were seen at once are: every request being handled then must finish with
  // 200; one not yet accepted may be refused (-1), and none may fail any other way.
  const auto patience = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  int most_in = 0, in = 0;
  // One keep-alive connection: the service counts a request done after sending its answer, and
  // reads the next request on that connection only then, so no earlier poll is still counted.
  auto poll = serve.client();
  poll->set_keep_alive(true);
  for (int i = 0; i < 2000; ++i) {
    auto m = poll->Get("/metrics");
    const std::string key = "\nhashsieve_http_in_flight ";  // the sample, not its HELP line
    const size_t at = m ? m->body.find(key) : std::string::npos;
    in = at == std::string::npos ? 0 : std::stoi(m->body.substr(at + key.size())) - 1;  // less this request
    most_in = std::max(most_in, in);
    if (in == kRequests || (in > 0 && std::chrono::steady_clock::now() > patience)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(in, 0) << "no scan was in flight when the signal was due (" << most_in
                   << " at most); use a larger image";
  ::kill(serve.pid(), SIGTERM);
  int ok = 0;
  for (auto& f : done) {
    const int status = f.get();
    EXPECT_TRUE(status == 200 || status == -1) << status;
    ok += status == 200;
  }
  EXPECT_GE(ok, in) << "a request in flight at the signal did not finish";
  EXPECT_EQ(serve.wait_exit(), 0) << serve.stderr_text();
  // Nothing listens any more.
  EXPECT_LT(connect_raw(serve.port()), 0);
}

}  // namespace
}  // namespace hashsieve::testing
#endif
