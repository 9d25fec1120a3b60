#include "consumer/message_scan.h"

namespace hashsieve::consumer {

Result<MessageOutcome> scan_message(const Scanner& scanner, const StreamMessage& m, const MessagePolicy& policy) {
  const std::string* path = m.field("path");
  const std::string* data = m.field("data");
  ScanResult r;
  std::optional<std::string> dead_reason;
  if (m.deleted) {
    r = error_result(m, StatusCode::kNotFound, "the message was deleted from the stream before it was scanned");
  } else if (m.deliveries > policy.max_deliveries) {
    dead_reason = "delivered " + std::to_string(m.deliveries) + " times without a result (limit " +
                  std::to_string(policy.max_deliveries) + ")";
    r = error_result(m, StatusCode::kCancelled, "not scanned: " + *dead_reason + "; moved to the dead-letter stream");
  } else if (path && data) {
    r = error_result(m, StatusCode::kInvalidArgument, "the message has both a path and a data field");
  } else if (path) {
    r = scanner.scan_file(*path);
  } else if (data) {
    r = scanner.scan_buffer(reinterpret_cast<const uint8_t*>(data->data()), data->size());
  } else {
    r = error_result(m, StatusCode::kInvalidArgument, "the message has neither a path nor a data field");
  }

  auto fields = result_fields(m, r);
  if (!fields.ok()) return fields.status();
  MessageOutcome out;
  out.message_id = m.id;
  out.result = std::move(*fields);
  out.outcome = r.outcome;
  if (dead_reason) out.dead_letter = dead_letter_fields(m, policy.consumer, *dead_reason);
  return out;
}

}  // namespace hashsieve::consumer
