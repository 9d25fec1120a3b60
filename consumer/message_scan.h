// Decides what one message gets and scans it: a scan result, an error result (malformed, deleted),
// or the dead-letter stream (delivered too often without a result).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "consumer/message_result.h"
#include "consumer/stream_message.h"
#include "hashsieve/scanner.h"

namespace hashsieve::consumer {

struct MessageOutcome {
  std::string message_id;
  Fields result;                      // the results-stream entry
  std::optional<Fields> dead_letter;  // also a dead-letter entry
  ScanOutcome outcome = ScanOutcome::kNoMatch;
};

struct MessagePolicy {
  uint64_t max_deliveries = 5;  // a message delivered more often than this is dead-lettered unscanned
  std::string consumer;         // named in dead-letter entries
};

// Scans `m` on the scanner's current index generation (`path` with scan_file, `data` with
// scan_buffer). Not ok only when the result line cannot be made (out of memory): then the
// message must not be acknowledged.
Result<MessageOutcome> scan_message(const Scanner& scanner, const StreamMessage& m, const MessagePolicy& policy);

}  // namespace hashsieve::consumer
