// What the consumer writes back for one message: the fields of its entry in the results stream,
// and of its entry in the dead-letter stream when it is given up on.
//
// A result entry has `message_id` (the upload's stream entry id: dedupe on it), `id` (the message's
// own `id` field, when it has one), `outcome` (no_match, match, low_quality, error) and `result`:
// the `hashsieve scan` JSONL report line(s) of the upload (one per match; exactly one otherwise,
// no_match included), each with "message_id" and "id" added. Hashes of uploads are never included.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "consumer/stream_message.h"
#include "hashsieve/scanner.h"
#include "hashsieve/status.h"

namespace hashsieve::consumer {

using Fields = std::vector<std::pair<std::string, std::string>>;

// kInternal only when the report line cannot be made (out of memory).
Result<Fields> result_fields(const StreamMessage& m, const ScanResult& r);

// A dead-letter entry: which message, why, how often it was delivered; its path but never its bytes
// (the original entry stays in the upload stream for a replay).
Fields dead_letter_fields(const StreamMessage& m, const std::string& consumer, const std::string& reason);

// An error result for a message that is not scanned (malformed, deleted, given up on).
ScanResult error_result(const StreamMessage& m, StatusCode code, const std::string& why);

}  // namespace hashsieve::consumer
