// The consumer's scanning threads: a fixed pool that takes messages from a queue one at a time and
// scans each on its own (scan_file / scan_buffer), so the threads stay busy however the messages
// arrive: no batch boundary where they wait for a batch's slowest image, and every message is
// scanned on the index generation current when it starts (a list reload is used at once).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "consumer/message_scan.h"

namespace hashsieve::consumer {

class ScanWorkers {
 public:
  // `scanner` is borrowed. threads < 1 is taken as 1.
  ScanWorkers(const Scanner& scanner, MessagePolicy policy, int threads);
  // Finishes the messages being scanned; queued ones are dropped (they stay pending in Redis).
  ~ScanWorkers();
  ScanWorkers(const ScanWorkers&) = delete;
  ScanWorkers& operator=(const ScanWorkers&) = delete;

  void submit(std::vector<StreamMessage> messages);

  // The outcomes finished so far (in the order they finished). Waits until `until` for at least
  // `want` of them (fewer when nothing else is in hand), or until fewer than `refill_below`
  // messages are queued; returns at once when want is 0.
  std::vector<Result<MessageOutcome>> take(size_t want, size_t refill_below, std::chrono::steady_clock::time_point until);

  size_t queued() const;   // submitted, not started
  size_t in_hand() const;  // submitted, outcome not yet taken

 private:
  void work();

  const Scanner& scanner_;
  const MessagePolicy policy_;
  mutable std::mutex mu_;
  std::condition_variable has_work_, has_outcome_;
  std::deque<StreamMessage> queue_;
  std::vector<Result<MessageOutcome>> done_;
  size_t scanning_ = 0;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hashsieve::consumer
