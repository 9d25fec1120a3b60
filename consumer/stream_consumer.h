// `hashsieve consume`'s engine: drains a Redis stream through a consumer group, scans each upload
// and writes exactly one result per message to a results stream before acknowledging it.
//
// Delivery is at least once: a message is acknowledged (XACK) only after its result was added
// (XADD), so a crash or a lost connection between the two leaves it pending, and it is scanned
// again (by this consumer when it comes back under the same name, which first re-reads its own
// pending entries, or by another one that claims it with XAUTOCLAIM once it has been idle for
// claim_after). Results may thus repeat; deduplicated by message_id, every message has one.
// A message delivered more than max_deliveries times (e.g. one that kills its consumers) goes to
// the dead-letter stream unscanned, with an error result, and is acknowledged.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "consumer/redis_url.h"
#include "hashsieve/scanner.h"
#include "hashsieve/status.h"

namespace hashsieve::consumer {

struct ConsumerOptions {
  RedisEndpoint redis;
  std::string stream = "uploads";
  std::string group = "hashsieve";
  std::string consumer;                  // this consumer's name in the group (stable across restarts)
  std::string results = "uploads:results";
  std::string dead_letter = "uploads:dead";
  // Messages read at a time. The scanning threads are kept fed with up to twice this many queued,
  // so this is also about how many messages a consumer holds unacknowledged beyond the ones scanning.
  int batch = 64;
  int threads = 0;                       // scanning threads; 0: the scanner's ScanOptions::threads, else all cores
  std::chrono::milliseconds block{1000}; // XREADGROUP BLOCK: also how soon a stop request is seen
  std::chrono::milliseconds claim_after{60000};
  uint64_t max_deliveries = 5;
  std::chrono::milliseconds reconnect_max{5000};  // backoff 100 ms doubling up to this
};

struct ConsumerStats {
  uint64_t messages = 0, matched = 0, errors = 0, dead_lettered = 0, claimed = 0;
  uint64_t batches = 0, reconnects = 0;  // batches: reads that brought messages
  // From the first message received to the last one acknowledged (the throughput's time base).
  double busy_seconds = 0;
};

// Lines about counts, ids and connection state (never message content).
using ConsumerLog = std::function<void(const std::string& line)>;

class StreamConsumer {
 public:
  // `scanner` is borrowed; it may reload (a new index generation) while the consumer runs.
  StreamConsumer(ConsumerOptions options, const Scanner& scanner, ConsumerLog log);
  ~StreamConsumer();

  // Runs until `stop` is set (then reads no more, finishes and acknowledges every message in hand) or a fatal error
  // (the stream key holds something else, a bad password): the error is returned. A lost or
  // refused connection is retried with backoff, never fatal.
  Status run(const std::atomic<bool>& stop);
  ConsumerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashsieve::consumer
