#include "consumer/batch_scan.h"

namespace hashsieve::consumer {
Result<std::vector<MessageOutcome>> scan_batch(const Scanner& scanner, const std::vector<StreamMessage>& messages,
                                               const BatchPolicy& policy) {
  std::vector<ScanResult> results(messages.size());
  std::vector<std::optional<std::string>> dead_reason(messages.size());
  std::vector<size_t> path_items, data_items;
  for (size_t i = 0; i < messages.size(); ++i) {
    const StreamMessage& m = messages[i];
    const std::string* path = m.field("path");
    const std::string* data = m.field("data");
    if (m.deleted) {
      results[i] = error_result(m, StatusCode::kNotFound, "the message was deleted from the stream before it was scanned");
    } else if (m.deliveries > policy.max_deliveries) {
      const std::string why = "delivered " + std::to_string(m.deliveries) + " times without a result (limit " +
                              std::to_string(policy.max_deliveries) + ")";
      dead_reason[i] = why;
      results[i] = error_result(m, StatusCode::kCancelled, "not scanned: " + why + "; moved to the dead-letter stream");
    } else if (path && data) {
      results[i] = error_result(m, StatusCode::kInvalidArgument, "the message has both a path and a data field");
    } else if (path) {
      path_items.push_back(i);
    } else if (data) {
      data_items.push_back(i);
    } else {
      results[i] = error_result(m, StatusCode::kInvalidArgument, "the message has neither a path nor a data field");
    }
  }

  if (!path_items.empty()) {
    size_t next = 0, done = 0;
    const Status st = scanner.scan_files(
        [&](FileInput& in) {
          if (next == path_items.size()) return false;
          in.path = *messages[path_items[next++]].field("path");
          return true;
        },
        [&](const ScanResult& r) { results[path_items[done++]] = r; });
    if (!st.ok())  // the call itself was refused: every path item says why
      for (size_t k = done; k < path_items.size(); ++k) results[path_items[k]] = error_result(messages[path_items[k]], st.code(), st.message());
  }
  if (!data_items.empty()) {
    std::vector<Scanner::Buffer> buffers;
    buffers.reserve(data_items.size());
    for (size_t i : data_items) {
      const std::string& d = *messages[i].field("data");
      buffers.push_back({reinterpret_cast<const uint8_t*>(d.data()), d.size(), std::string()});
    }
    std::vector<ScanResult> scanned = scanner.scan_buffers(buffers);
    for (size_t k = 0; k < data_items.size() && k < scanned.size(); ++k) results[data_items[k]] = std::move(scanned[k]);
  }

  std::vector<MessageOutcome> out(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    auto fields = result_fields(messages[i], results[i]);
    if (!fields.ok()) return fields.status();
    out[i].message_id = messages[i].id;
    out[i].result = std::move(*fields);
    out[i].outcome = results[i].outcome;
    if (dead_reason[i]) out[i].dead_letter = dead_letter_fields(messages[i], policy.consumer, *dead_reason[i]);
  }
  return out;
}

}  // namespace hashsieve::consumer
