// Writers for `list export`: CSV (re-importable as the `csv` format) and JSONL.
#include "hashsieve/list_formats.h"
#include "common/text_escape.h"
#include "common/api_guard.h"
#include "index/list_metadata.h"

namespace hashsieve {
namespace {

const char* state_name(EntryState s) { return s == EntryState::kActive ? "active" : "withdrawn"; }

}  // namespace

void append_json_string(std::string_view s, std::string* out) { out->append(json_quote(s)); }

void append_metadata_json(std::string_view metadata, std::string* out) {
  // Metadata is JSON text when it parses (on one line); anything else is carried as a string.
  if (metadata.empty()) out->append("null");
  else if (metadata.find_first_of("\r\n") == std::string_view::npos && lists::Meta::accept(metadata))
    out->append(metadata);
  else append_json_string(metadata, out);
}

std::string entry_csv_header() { return "hash,entry_id,quality,state,metadata,md5,sha1,sha256,sha512\n"; }

void append_entry_csv(const ListEntry& e, std::string* out) {
  out->append(e.has_hash ? to_hex(e.hash) : std::string());
  out->push_back(',');
  out->append(csv_field(e.entry_id));
  out->push_back(',');
  if (e.quality >= 0) out->append(std::to_string(e.quality));
  out->push_back(',');
  out->append(state_name(e.state));
  out->push_back(',');
  out->append(csv_field(e.metadata));
  for (const std::string& d : e.digests.bytes) {
    out->push_back(',');
    out->append(digest_hex(d));
  }
  out->push_back('\n');
}

void append_entry_jsonl(const ListEntry& e, std::string* out) {
  out->append("{\"hash\":");
  if (e.has_hash) append_json_string(to_hex(e.hash), out);
  else out->append("null");
  out->append(",\"entry_id\":");
  append_json_string(e.entry_id, out);
  out->append(",\"quality\":");
  out->append(e.quality >= 0 ? std::to_string(e.quality) : "null");
  out->append(",\"state\":\"");
  out->append(state_name(e.state));
  out->append("\",\"metadata\":");
  append_metadata_json(e.metadata, out);
  for (int k = 0; k < kDigestKinds; ++k) {  // only those the entry has
    const std::string& d = e.digests.bytes[size_t(k)];
    if (d.empty()) continue;
    out->append(",\"");
    out->append(signal_name(digest_signal(k)));
    out->append("\":\"");
    out->append(digest_hex(d));
    out->push_back('"');
  }
  out->append("}\n");
}

}  // namespace hashsieve
