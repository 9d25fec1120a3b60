// Writers for `list export`: CSV (re-importable as the `csv` format) and JSONL.
#include "hashsieve/list_formats.h"
#include "index/json_mini.h"

namespace hashsieve {
namespace {

void append_csv_field(std::string_view s, std::string* out) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

const char* state_name(EntryState s) { return s == EntryState::kActive ? "active" : "withdrawn"; }

}  // namespace

void append_json_string(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(char(c));
        }
    }
  }
  out->push_back('"');
}

std::string entry_csv_header() { return "hash,entry_id,quality,state,metadata\n"; }

void append_entry_csv(const ListEntry& e, std::string* out) {
  out->append(e.has_hash ? to_hex(e.hash) : std::string());
  out->push_back(',');
  append_csv_field(e.entry_id, out);
  out->push_back(',');
  if (e.quality >= 0) out->append(std::to_string(e.quality));
  out->push_back(',');
  out->append(state_name(e.state));
  out->push_back(',');
  append_csv_field(e.metadata, out);
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
  // Metadata is JSON text when it parses; anything else is carried as a string.
  if (e.metadata.empty()) out->append("null");
  else if (json::parse(e.metadata).ok()) out->append(e.metadata);
  else append_json_string(e.metadata, out);
  out->append("}\n");
}

}  // namespace hashsieve
