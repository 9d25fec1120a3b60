#include "consumer/message_result.h"

#include "hashsieve/hash256.h"
#include "hashsieve/scan_report.h"
#include "hashsieve/text_quote.h"

namespace hashsieve::consumer {
namespace {

// The scan report's lines for r; a no_match item (which a default report leaves out) gets the line
// `scan --emit-hashes` writes for it, without the upload's hash.
Result<std::string> report_lines(const ScanResult& r) {
  ReportOptions options;
  options.emit_hashes = r.outcome == ScanOutcome::kNoMatch;
  auto lines = format_scan_result(r, options);
  if (!lines.ok() || !options.emit_hashes) return lines;
  const std::string hash_field = ",\"pdq\":\"" + to_hex(r.hash) + "\"";
  std::string& s = *lines;
  if (const size_t at = s.find(hash_field); at != std::string::npos) s.erase(at, hash_field.size());
  if (s.find(",\"pdq\":") != std::string::npos) return Status(StatusCode::kInternal, "a result line kept the upload's hash");
  return lines;
}

}  // namespace

ScanResult error_result(const StreamMessage& m, StatusCode code, const std::string& why) {
  ScanResult r;
  r.outcome = ScanOutcome::kError;
  r.status = Status(code, why);
  if (const std::string* p = m.field("path")) r.path = *p;
  return r;
}

Result<Fields> result_fields(const StreamMessage& m, const ScanResult& r) {
  auto lines = report_lines(r);
  if (!lines.ok()) return lines.status();
  const std::string* id = m.field("id");
  std::string prefix = "{\"message_id\":" + json_quote(m.id);
  if (id) prefix += ",\"id\":" + json_quote(*id);
  prefix += ",";
  std::string out;
  size_t start = 0;
  while (start < lines->size()) {  // every line is one JSON object: "{" + fields + "}\n"
    size_t end = lines->find('\n', start);
    if (end == std::string::npos) end = lines->size();
    out += prefix;
    out.append(*lines, start + 1, end - start - 1);
    out += '\n';
    start = end + 1;
  }
  Fields f;
  f.emplace_back("message_id", m.id);
  if (id) f.emplace_back("id", *id);
  f.emplace_back("outcome", scan_outcome_name(r.outcome));
  f.emplace_back("result", std::move(out));
  return f;
}

Fields dead_letter_fields(const StreamMessage& m, const std::string& consumer, const std::string& reason) {
  Fields f;
  f.emplace_back("message_id", m.id);
  if (const std::string* id = m.field("id")) f.emplace_back("id", *id);
  if (const std::string* p = m.field("path")) f.emplace_back("path", *p);
  if (const std::string* d = m.field("data")) f.emplace_back("data_bytes", std::to_string(d->size()));
  f.emplace_back("deliveries", std::to_string(m.deliveries));
  f.emplace_back("consumer", consumer);
  f.emplace_back("reason", reason);
  return f;
}

}  // namespace hashsieve::consumer
