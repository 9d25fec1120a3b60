// StopNCII FetchHashes and Tech Against Terrorism JSON documents.
#include "index/json_mini.h"
#include "index/list_rows.h"

namespace hashsieve::lists {
namespace {

// The array of records under `key`, or an error naming the document.
Result<const json::Value*> records(const json::Value& doc, const char* key, const std::string& file) {
  const json::Value* a = doc.type == json::Value::kObject ? doc.get(key) : nullptr;
  if (!a || a->type != json::Value::kArray)
    return Status(StatusCode::kParseError, file + ": no \"" + key + "\" array in the document");
  return a;
}

std::string string_field(const json::Value& rec, const char* key) {
  const json::Value* v = rec.get(key);
  if (!v) return {};
  if (v->type == json::Value::kString || v->type == json::Value::kNumber) return v->text;
  return {};
}

}  // namespace

Status read_stopncii_json(std::string_view text, const std::string& file, DocumentRows* out) {
  auto doc = json::parse(text);
  if (!doc.ok()) return Status(StatusCode::kParseError, file + ": " + doc.status().message());
  auto recs = records(*doc, "hashRecords", file);
  if (!recs.ok()) return recs.status();
  for (const json::Value& rec : (*recs)->items) {
    auto bad = [&](const std::string& why) { out->errors.push_back(RowError{file, rec.line, why}); };
    if (rec.type != json::Value::kObject) { bad("hash record is not an object"); continue; }
    if (lower(string_field(rec, "signalType")) != "imagepdq") { ++out->skipped; continue; }
    ListEntry e;
    std::string why;
    if (!parse_hash_field(string_field(rec, "hashValue"), &e.hash, &why)) { bad("hashValue: " + why); continue; }
    e.has_hash = true;
    std::string status = lower(string_field(rec, "hashStatus"));
    if (status == "withdrawn" || status == "deleted") e.state = EntryState::kWithdrawn;
    else if (!status.empty() && status != "active") { bad("unknown hashStatus '" + status + "'"); continue; }
    e.entry_id = to_hex(e.hash);  // StopNCII identifies a record by its hash
    e.metadata = json::compact(rec.raw);
    out->rows.push_back(std::move(e));
  }
  return Status::Ok();
}

Status read_tat_json(std::string_view text, const std::string& file, DocumentRows* out) {
  auto doc = json::parse(text);
  if (!doc.ok()) return Status(StatusCode::kParseError, file + ": " + doc.status().message());
  auto recs = records(*doc, "results", file);
  if (!recs.ok()) return recs.status();
  for (const json::Value& rec : (*recs)->items) {
    auto bad = [&](const std::string& why) { out->errors.push_back(RowError{file, rec.line, why}); };
    if (rec.type != json::Value::kObject) { bad("result is not an object"); continue; }
    if (lower(string_field(rec, "algorithm")) != "pdq") { ++out->skipped; continue; }
    ListEntry e;
    std::string why;
    if (!parse_hash_field(string_field(rec, "hash_digest"), &e.hash, &why)) { bad("hash_digest: " + why); continue; }
    e.has_hash = true;
    const json::Value* del = rec.get("deleted");
    if (del && del->type == json::Value::kBool && del->boolean) e.state = EntryState::kWithdrawn;
    e.entry_id = std::string(trim(string_field(rec, "id")));
    if (e.entry_id.empty()) e.entry_id = to_hex(e.hash);
    if (std::string problem = entry_id_problem(e.entry_id); !problem.empty()) { bad("id: " + problem); continue; }
    e.metadata = json::compact(rec.raw);
    out->rows.push_back(std::move(e));
  }
  return Status::Ok();
}

}  // namespace hashsieve::lists
