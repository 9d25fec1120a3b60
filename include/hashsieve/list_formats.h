// Hash-list file formats: streaming readers that turn a file, laid out as an exchange or tool
// writes it, into ListEntry rows plus one error per bad row (file, line, reason), the import loop
// into a store, and the writers for exporting a list.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/export.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class ListFormat {
  kAuto,           // detect from the content
  kHexLines,       // hash lines: `hash`, `hash,quality,path` (pdq-photo-hasher), `hash=...,quality=...,
                   // filename=...` (its --details), `pdq <hash> ...` (python-threatexchange)
  kHashsieveCsv,   // our export: `hash,entry_id,quality,state,metadata,md5,sha1,sha256,sha512`
  kTxStoredCsv,    // python-threatexchange state file: `indicator,descriptor_id,added_on,labels`
                   // (header optional; HMA's `indicator,indicator_id,descriptor_id,added_on,labels`)
  kTxExportCsv,    // `tx dataset --csv`: `signal_type,signal_str,collab,category,tags`
  kStopNciiJson,   // StopNCII FetchHashes pages: `hashRecords`
  kNcmecXml,       // NCMEC hash sharing: <image>/<video>, <deletedImage>/<deletedVideo>
  kTatJson,        // Tech Against Terrorism hash-list pages: `results`
  kHashsieveJsonl, // our `list export --format jsonl` and `hash --format jsonl`
};

// Names: auto, hex, csv, tx-csv, tx-export, stopncii, ncmec, tat, jsonl.
HASHSIEVE_API const char* list_format_name(ListFormat f) noexcept;
HASHSIEVE_API Result<ListFormat> parse_list_format(std::string_view name);

struct HASHSIEVE_API RowError {
  std::string file;
  uint64_t line = 0;  // 1-based; 0 when the whole file is affected
  std::string reason;
  HASHSIEVE_API std::string to_string() const;  // "file:line: reason"
};

// Receives what a reader finds, in input order.
class HASHSIEVE_API ListSink {
 public:
  virtual ~ListSink() = default;
  // A good row and the line it starts on. A non-OK status stops the read and is returned by it.
  virtual Status row(ListEntry&& entry, uint64_t line) = 0;
  virtual void error(RowError&& error) = 0;
};

// What a reader passed over without making an entry of it.
struct ReadCounts {
  uint64_t skipped = 0;  // signals hashsieve does not keep (video TMK, PhotoDNA, URLs, text)
  uint64_t benign = 0;   // known-benign rows (NEGATIVE_CLASS): recorded as withdrawn, never matching
  uint64_t merged = 0;   // rows folded into the row before (one hash in several collaborations)
};

// Reads one input as a stream: memory stays bounded whatever the input's size (a record or line
// over 1 MiB is one row error and is never held whole).
class HASHSIEVE_API ListReader {
 public:
  // `path` "-" reads standard input.
  static Result<std::unique_ptr<ListReader>> Open(const std::string& path, ListFormat format = ListFormat::kAuto);
  // Reads from memory; `name` labels errors.
  static Result<std::unique_ptr<ListReader>> FromString(std::string text, std::string name,
                                                        ListFormat format = ListFormat::kAuto);
  virtual ~ListReader() = default;

  // The format given or detected (for JSON input, from its first record once read).
  virtual ListFormat format() const noexcept = 0;
  // The input's name in errors: the path, "<stdin>" or the name given to FromString.
  virtual const std::string& name() const noexcept = 0;
  // Reads the whole input into `sink`. A failure to read the input, or a sink's failure, is an
  // error Status; bad rows are not (they go to sink.error()).
  virtual Status read(ListSink& sink) = 0;
  virtual ReadCounts counts() const noexcept = 0;

 protected:
  ListReader() = default;
};

// Every row and error of a reader, in memory (tests, small inputs).
struct ListRows {
  std::vector<ListEntry> rows;
  std::vector<uint64_t> lines;  // the line of each row
  std::vector<RowError> errors;
  ReadCounts counts;
};
HASHSIEVE_API Result<ListRows> read_list(ListReader& reader);

struct ImportOptions {
  size_t batch_rows = 100000;     // rows per atomic store batch, at most
  size_t batch_bytes = 16 << 20;  // ... and their ids and metadata, at most (bounds the memory of a batch)
  size_t max_errors = 100;     // row errors kept in the report; the rest are only counted
};

// Reads a whole input into a list, in atomic store batches of up to `batch_rows` good rows.
struct ImportReport {
  ImportStats stats;
  uint64_t batches = 0;
  uint64_t rows_committed = 0;  // rows of the batches stored
  ReadCounts counts;
  uint64_t superseded = 0;   // rows whose entry id a later row of the same import gave again
  uint64_t conflicts = 0;    // of those, active rows replaced by an active row with another hash
  uint64_t error_count = 0;  // all row errors (conflicts included)
  std::vector<RowError> errors;  // the first max_errors of them
};
HASHSIEVE_API Result<ImportReport> import_list(HashStore& store, const std::string& list, ListReader& reader,
                                               const ImportOptions& options = {});

// The summary line of one input's import: counts of what was added, changed, withdrawn, known
// benign, not kept, superseded and bad (with "N more not shown" when errors were capped).
HASHSIEVE_API std::string import_summary(const ImportReport& report, const std::string& input, ListFormat format);

// One line of hashes as `match` reads it: every hash-line shape kHexLines accepts. `trailing` is
// what follows the hash (the path of `hash,quality,path`, `filename=` of --details, the rest of a
// `pdq <hash> ...` line), so matches can be joined with their input. A blank or comment line gives
// kNotFound; a line of another signal type (`video_md5 ...`) kUnsupported.
struct HashLine {
  Hash256 hash;
  int quality = -1;
  std::string trailing;
};
HASHSIEVE_API Result<HashLine> parse_hash_line(std::string_view line);

// Export writers. CSV is kHashsieveCsv and JSONL kHashsieveJsonl: both re-import to the same
// entries, metadata included.
HASHSIEVE_API std::string entry_csv_header();
HASHSIEVE_API void append_entry_csv(const ListEntry& e, std::string* out);
HASHSIEVE_API void append_entry_jsonl(const ListEntry& e, std::string* out);

// An entry's metadata as a JSON value: the stored text when it is JSON on one line, else a
// JSON string holding it ("null" when empty).
HASHSIEVE_API void append_metadata_json(std::string_view metadata, std::string* out);

// JSON string literal (with quotes) for `s`.
HASHSIEVE_API void append_json_string(std::string_view s, std::string* out);

}  // namespace hashsieve
