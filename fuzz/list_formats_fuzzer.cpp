// Every hash-list parser on arbitrary bytes. The first byte picks the format (auto-detection
// included). Invariants: parsing terminates with rows and per-row errors, never a crash; every
// error names a line and a reason; every good row has a valid entry id, and survives the CSV
// export and re-import unchanged.
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

constexpr ListFormat kFormats[] = {ListFormat::kAuto,        ListFormat::kHexLines,    ListFormat::kHashsieveCsv,
                                   ListFormat::kTxStoredCsv, ListFormat::kTxExportCsv, ListFormat::kStopNciiJson,
                                   ListFormat::kNcmecXml,    ListFormat::kTatJson};

bool read_all(std::string text, ListFormat format, std::vector<ListEntry>& rows,
              std::vector<hashsieve::RowError>& errors) {
  auto reader = ListReader::FromString(std::move(text), "fuzz", format);
  if (!reader.ok()) {
    FUZZ_CHECK(!reader.status().message().empty());
    return false;
  }
  for (int guard = 0;; ++guard) {
    FUZZ_CHECK(guard < 1'000'000);  // next() must make progress
    auto more = (*reader)->next(&rows, &errors, 64);
    if (!more.ok() || !*more) break;
  }
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
    // Round trip through the re-importable export.
    std::string csv = hashsieve::entry_csv_header();
    hashsieve::append_entry_csv(r, &csv);
    std::vector<ListEntry> back;
    std::vector<hashsieve::RowError> back_errors;
    FUZZ_CHECK(read_all(csv, ListFormat::kHashsieveCsv, back, back_errors));
    FUZZ_CHECK(back_errors.empty() && back.size() == 1);
    FUZZ_CHECK(back[0].hash == r.hash && back[0].entry_id == r.entry_id && back[0].quality == r.quality &&
               back[0].state == r.state);
  }
  return 0;
}
