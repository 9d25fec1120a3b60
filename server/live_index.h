// The index a long-running service answers from: a read-only view of the store and a Scanner,
// kept current by a thread that refresh()es the view and reloads the scanner when the lists
// changed. Requests in flight finish on the generation they started with (Scanner::reload).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "hashsieve/status.h"

namespace hashsieve::server {

struct LiveIndexOptions {
  std::string db;
  StoreOptions store;  // read_only is forced on
  ScanOptions scan;
  std::chrono::milliseconds poll_interval{2000};
};

struct LiveIndexStatus {
  GenerationInfo generation;
  int64_t built_at_ms = 0;    // when the current generation was built (Unix ms)
  int64_t checked_at_ms = 0;  // when the store was last checked successfully
  uint64_t reloads = 0;
  uint64_t reload_failures = 0;
  std::string last_error;
};

class LiveIndex {
 public:
  static Result<std::unique_ptr<LiveIndex>> Open(const LiveIndexOptions& options);
  ~LiveIndex();

  const Scanner& scanner() const { return *scanner_; }
  LiveIndexStatus status() const;
  // Refreshes the store's view and reloads the scanner when the lists changed, on this thread.
  Status check_now();

 private:
  LiveIndex() = default;
  void poll_loop();
  // A fingerprint of the lists' state: changes whenever an import, withdrawal or drop commits.
  Result<std::string> fingerprint() const;

  LiveIndexOptions options_;
  std::unique_ptr<HashStore> store_;
  std::unique_ptr<Scanner> scanner_;
  std::mutex check_mu_;  // one check at a time
  mutable std::mutex status_mu_;
  LiveIndexStatus status_;
  std::string fingerprint_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace hashsieve::server
