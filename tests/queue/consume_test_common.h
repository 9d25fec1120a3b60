// The consume command as the tests run it: a real process against the test's Redis.
#pragma once

#include <signal.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/queue/queue_test_util.h"
#include "tests/queue/redis_test_server.h"
#include "tests/support/run_cli.h"

namespace hashsieve::testing {

inline std::vector<std::string> consume_args(const RedisTestServer& redis, const std::string& db, const std::string& name,
                                             std::vector<std::string> more = {}) {
  std::vector<std::string> a{"consume", "--redis", redis.url(), "--db", db, "--consumer", name,
                             "--stream", "uploads", "--group", "hashsieve", "--results", "uploads:results",
                             "--dead-letter", "uploads:dead", "--threads", "2"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Polls `done` every 100 ms for up to `limit`.
inline bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// SIGTERM, then the exit status.
inline int terminate_cli(pid_t pid) {
  ::kill(pid, SIGTERM);
  return wait_cli(pid);
}

inline std::string outcome_of(const consumer::StreamMessage& result) {
  const std::string* o = result.field("outcome");
  return o ? *o : "";
}

}  // namespace hashsieve::testing
