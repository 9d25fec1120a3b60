// Hash-list file formats: readers that turn a file into ListEntry rows plus one error per bad row
// (file, line, reason), and writers for exporting a list.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/hash_store.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class ListFormat {
  kAuto,          // detect from the content
  kHexLines,      // `hash` or `hash,anything` per line; the reference tool's `hash,quality,path`
  kHashsieveCsv,  // our export: `hash,entry_id,quality,state,metadata`
  kTxStoredCsv,   // python-threatexchange stored CSV: `indicator,descriptor_id,added_on,labels`
  kTxExportCsv,   // python-threatexchange export: `signal_type,signal_str,collab,category,tags`
  kStopNciiJson,  // StopNCII FetchHashes: `hashRecords` with signalType/hashValue/hashStatus
  kNcmecXml,      // NCMEC hash sharing: <image> / <deletedImage>
  kTatJson,       // Tech Against Terrorism: `results` with hash_digest/algorithm/deleted
};

// Names: auto, hex, csv, tx-csv, tx-export, stopncii, ncmec, tat.
const char* list_format_name(ListFormat f) noexcept;
Result<ListFormat> parse_list_format(std::string_view name);

struct RowError {
  std::string file;
  uint64_t line = 0;  // 1-based; 0 when the whole file is affected
  std::string reason;
  std::string to_string() const;  // "file:line: reason"
};

// Streams rows from one file. Line-based formats are read in blocks (a 10M-row CSV is never held
// whole); JSON and XML documents are parsed whole.
class ListReader {
 public:
  // `path` "-" reads standard input.
  static Result<std::unique_ptr<ListReader>> Open(const std::string& path, ListFormat format = ListFormat::kAuto);
  // Reads from memory; `name` labels errors.
  static Result<std::unique_ptr<ListReader>> FromString(std::string text, std::string name,
                                                        ListFormat format = ListFormat::kAuto);
  virtual ~ListReader() = default;

  virtual ListFormat format() const noexcept = 0;
  // Appends up to max_rows good rows to *rows and one RowError per bad row. Returns false once
  // the input is exhausted; a failure to read the input is an error Status.
  virtual Result<bool> next(std::vector<ListEntry>* rows, std::vector<RowError>* errors, size_t max_rows) = 0;
  // Rows skipped as not PDQ (other signal types, NCMEC images without a PDQ fingerprint).
  virtual uint64_t skipped() const noexcept = 0;

 protected:
  ListReader() = default;
};

// Reads a whole file into a list, one atomic store batch per `batch_rows` good rows.
struct ImportReport {
  ImportStats stats;
  uint64_t batches = 0;
  uint64_t rows_committed = 0;  // rows of the batches stored
  uint64_t skipped = 0;
  std::vector<RowError> errors;
};
Result<ImportReport> import_list(HashStore& store, const std::string& list, ListReader& reader,
                                 size_t batch_rows = 100000);

// Export writers. CSV is kHashsieveCsv (re-importable); JSONL has one object per entry.
std::string entry_csv_header();
void append_entry_csv(const ListEntry& e, std::string* out);
void append_entry_jsonl(const ListEntry& e, std::string* out);

// JSON string literal (with quotes) for `s`.
void append_json_string(std::string_view s, std::string* out);

}  // namespace hashsieve
