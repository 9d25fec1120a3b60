// Hot reload for a long-running consumer: a thread that moves a read-only store forward every
// `interval` and, when any list changed (its counts or update time), reloads the scanner. Scans
// in flight finish on the generation they started with.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace hashsieve::consumer {

class ListRefresher {
 public:
  // Both borrowed; `log` hears about reloads and failures (counts only).
  ListRefresher(HashStore& store, Scanner& scanner, std::chrono::milliseconds interval,
                std::function<void(const std::string&)> log);
  ~ListRefresher();  // stops the thread

  // One check on the caller's thread: true when the scanner was reloaded.
  Result<bool> check_now();

 private:
  Result<std::string> fingerprint() const;
  HashStore& store_;
  Scanner& scanner_;
  std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> log_;
  std::string last_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hashsieve::consumer
