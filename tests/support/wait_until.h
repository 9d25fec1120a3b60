// Waiting for something another thread or process does, with a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace hashsieve::testing {

// Polls `done` every 100 ms for up to `limit`.
inline bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace hashsieve::testing
