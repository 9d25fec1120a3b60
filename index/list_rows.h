// Pieces shared by the list readers: field checks, the bounded byte source, the per-format readers.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/list_formats.h"

namespace hashsieve::lists {

// A record (line, JSON record, XML entry) longer than this is one row error, never held whole.
inline constexpr size_t kMaxRecordBytes = 1 << 20;

std::string_view trim(std::string_view s);
std::string lower(std::string_view s);

// The rule every reader applies to an entry id: 1..255 bytes, no surrounding white space and
// no control characters (so ids print on one line and survive export and re-import).
// Returns "" for a good id, else the reason for the row error.
std::string entry_id_problem(std::string_view id);

// A header line of the CSV format: hash (or pdq), then entry_id (or id), then any columns.
bool is_csv_header(const std::vector<std::string_view>& fields);

// Parses a hash field; on failure returns a reason for the row error.
bool parse_hash_field(std::string_view text, Hash256* h, std::string* why);
bool is_hash(std::string_view text);
// The digest kind a bare hex string's length implies (32 MD5, 40 SHA-1, 128 SHA-512), -1 for
// anything else (64 digits are PDQ).
int digest_kind_of_hex(std::string_view text);
// 0..100.
bool parse_quality(std::string_view s, int* q);

// Input read in blocks; the unread part of what was read stays buffered.
class ByteSource {
 public:
  ByteSource(std::FILE* f, bool owned) : f_(f), owned_(owned) {}
  explicit ByteSource(std::string text) : buf_(std::move(text)), eof_(true) {}
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // The unread bytes buffered so far.
  std::string_view data() const { return std::string_view(buf_).substr(pos_); }
  void consume(size_t n) { pos_ += n; }
  // Reads another block behind the unread bytes. False at the end of the input.
  Result<bool> more();
  // Buffers at least `n` unread bytes, or all that is left.
  Status want(size_t n);

 private:
  static constexpr size_t kBlock = 1 << 20;
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
};

// RFC 4180 records (quoted fields with "" and, when `multiline`, newlines), split after reading
// so a header is recognised whatever its quoting. CRLF or LF line ends.
struct CsvRecord {
  uint64_t line = 0;                    // the line the record starts on
  std::string_view text;                // the raw record without its line end
  std::vector<std::string_view> fields; // unquoted
  std::string error;                    // non-empty: a bad record (too long, unterminated quote)
};
class CsvReader {
 public:
  CsvReader(ByteSource& src, bool multiline) : src_(src), multiline_(multiline) {}
  // False at the end of the input. Views stay valid until the next call.
  Result<bool> next(CsvRecord* r);

 private:
  // Parses one record from the start of `s` into scratch_/spans_: 1 done (*used bytes), 0 `s` ends
  // inside it, -1 an unterminated quote at the end of the input.
  int parse(std::string_view s, bool at_end, size_t* used, uint64_t* newlines);
  Status skip_line();
  ByteSource& src_;
  bool multiline_;
  uint64_t line_ = 0;
  size_t pending_ = 0;  // bytes of the previous record still to consume
  std::string scratch_;
  std::vector<std::pair<size_t, size_t>> spans_;
};

// Reader factories per family; `format` is the format given or detected.
std::unique_ptr<ListReader> make_line_reader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format);
std::unique_ptr<ListReader> make_json_reader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format);
std::unique_ptr<ListReader> make_ncmec_reader(std::unique_ptr<ByteSource> src, std::string file);

// Detection from the start of the input (BOM already removed). kAuto for JSON, whose records
// say what they are.
ListFormat detect_format(std::string_view head);

}  // namespace hashsieve::lists
