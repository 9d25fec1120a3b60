// The consume command as the tests run it: a real process against the test's Redis.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/queue/queue_test_util.h"
#include "tests/queue/redis_test_server.h"
#include "tests/support/run_cli.h"
#include "tests/support/wait_until.h"

namespace hashsieve::testing {

inline std::vector<std::string> consume_args(const RedisTestServer& redis, const std::string& db, const std::string& name,
                                             std::vector<std::string> more = {}) {
  std::vector<std::string> a{"consume", "--redis", redis.url(), "--db", db, "--consumer", name,
                             "--stream", "uploads", "--group", "hashsieve", "--results", "uploads:results",
                             "--dead-letter", "uploads:dead", "--threads", "2"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Whether `pid` has installed its SIGTERM handling yet (a handler, or the signal blocked for a
// signal-waiting thread), from /proc: a SIGTERM before that, e.g. while the dynamic loader is still
// at work, kills the process however well it handles the signal later.
inline bool handles_sigterm(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  const uint64_t bit = uint64_t(1) << (SIGTERM - 1);
  for (std::string line; std::getline(status, line);)
    if (line.rfind("SigCgt:", 0) == 0 || line.rfind("SigBlk:", 0) == 0)
      if (std::stoull(line.substr(7), nullptr, 16) & bit) return true;
  return false;
}

// SIGTERM once the process can take it as a stop request, then the exit status.
inline int terminate_cli(pid_t pid) {
  (void)wait_until([&] { return handles_sigterm(pid); }, std::chrono::seconds(30));
  ::kill(pid, SIGTERM);
  return wait_cli(pid);
}

inline std::string outcome_of(const consumer::StreamMessage& result) {
  const std::string* o = result.field("outcome");
  return o ? *o : "";
}

}  // namespace hashsieve::testing
