// Every hash-list parser on arbitrary bytes. The first byte picks the format (auto-detection
// included). Invariants: parsing terminates with rows and per-row errors, never a crash; every
// error names a line and a reason; every good row has a valid entry id, and survives the CSV and
// JSONL exports and re-import unchanged, metadata included.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "hashsieve/list_formats.h"

namespace {

using hashsieve::ListEntry;
using hashsieve::ListFormat;
using hashsieve::ListReader;

constexpr ListFormat kFormats[] = {ListFormat::kAuto,        ListFormat::kHexLines,     ListFormat::kHashsieveCsv,
                                   ListFormat::kTxStoredCsv, ListFormat::kTxExportCsv,  ListFormat::kStopNciiJson,
                                   ListFormat::kNcmecXml,    ListFormat::kTatJson,      ListFormat::kHashsieveJsonl};

bool read_all(std::string text, ListFormat format, std::vector<ListEntry>& rows,
              std::vector<hashsieve::RowError>& errors) {
  auto reader = ListReader::FromString(std::move(text), "fuzz", format);
  if (!reader.ok()) {
    FUZZ_CHECK(!reader.status().message().empty());
    return false;
  }
  auto all = hashsieve::read_list(**reader);
  FUZZ_CHECK(all.ok());  // bad input is row errors, never a failed read
  rows = std::move(all->rows);
  errors = std::move(all->errors);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ListFormat format = kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  std::vector<ListEntry> rows;
  std::vector<hashsieve::RowError> errors;
  if (!read_all(std::string(reinterpret_cast<const char*>(data + 1), size - 1), format, rows, errors)) return 0;
  for (const auto& e : errors) FUZZ_CHECK(!e.reason.empty());
  for (const ListEntry& r : rows) {
    FUZZ_CHECK(!r.entry_id.empty() && r.entry_id.size() <= hashsieve::kMaxEntryIdLength);
    FUZZ_CHECK(r.quality >= -1 && r.quality <= 100);
    if (!r.has_hash) continue;
    // Round trip through both re-importable exports, metadata included.
    for (ListFormat f : {ListFormat::kHashsieveCsv, ListFormat::kHashsieveJsonl}) {
      std::string text = f == ListFormat::kHashsieveCsv ? hashsieve::entry_csv_header() : "";
      (f == ListFormat::kHashsieveCsv ? hashsieve::append_entry_csv : hashsieve::append_entry_jsonl)(r, &text);
      std::vector<ListEntry> back;
      std::vector<hashsieve::RowError> back_errors;
      FUZZ_CHECK(read_all(text, f, back, back_errors));
      FUZZ_CHECK(back_errors.empty() && back.size() == 1);
      FUZZ_CHECK(back[0].hash == r.hash && back[0].entry_id == r.entry_id && back[0].quality == r.quality &&
                 back[0].state == r.state && back[0].metadata == r.metadata);
    }
  }
  return 0;
}
