// Scans one batch of messages in parallel and decides what each gets: a scan result, an error
// result (malformed, deleted), or the dead-letter stream (delivered too often without a result).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

struct BatchPolicy {
  uint64_t max_deliveries = 5;  // a message delivered more often than this is dead-lettered unscanned
  std::string consumer;         // named in dead-letter entries
};

// One outcome per message, in order. Not ok only when a result line cannot be made (out of memory):
// then nothing of the batch may be acknowledged.
Result<std::vector<MessageOutcome>> scan_batch(const Scanner& scanner, const std::vector<StreamMessage>& messages,
                                               const BatchPolicy& policy);

}  // namespace hashsieve::consumer
