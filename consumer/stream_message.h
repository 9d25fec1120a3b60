// A stream entry as the consumer sees it, read out of XREADGROUP and XAUTOCLAIM replies.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hashsieve/status.h"

struct redisReply;

namespace hashsieve::consumer {

struct StreamMessage {
  std::string id;  // the stream entry id, e.g. "1700000000000-0"
  std::vector<std::pair<std::string, std::string>> fields;
  bool deleted = false;       // pending, but no longer in the stream (its fields are gone)
  uint64_t deliveries = 1;    // times the group has delivered it, this time included

  // The value of the first field named `name`, or nullptr.
  const std::string* field(const std::string& name) const;
};

// XREADGROUP's reply (nil when BLOCK timed out): the entries of the one stream read.
Result<std::vector<StreamMessage>> parse_read_reply(const redisReply& r);

// XAUTOCLAIM's reply: the next cursor, and the entries claimed (deleted ones are dropped: Redis 7
// has removed them from the pending list already).
struct ClaimBatch {
  std::string next_cursor;
  std::vector<StreamMessage> messages;
};
Result<ClaimBatch> parse_autoclaim_reply(const redisReply& r);

// XPENDING's extended form, one entry asked for: its delivery count, 0 when it is no longer pending.
Result<uint64_t> parse_pending_deliveries(const redisReply& r);

}  // namespace hashsieve::consumer
