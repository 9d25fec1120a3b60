// Pieces shared by the list readers: CSV splitting, row building, the document readers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hashsieve/list_formats.h"

namespace hashsieve::lists {

// Splits one CSV line (RFC 4180 quoting, no embedded newlines). False on an unterminated quote.
bool split_csv(std::string_view line, std::vector<std::string>* fields);

std::string_view trim(std::string_view s);
std::string lower(std::string_view s);

// The rule every reader applies to an entry id: 1..255 bytes, no surrounding white space and
// no control characters (so ids print on one line and survive export and re-import).
// Returns "" for a good id, else the reason for the row error.
std::string entry_id_problem(std::string_view id);

// Parses a hash field; on failure returns a reason for the row error.
bool parse_hash_field(std::string_view text, Hash256* h, std::string* why);

// Readers over a whole document in memory (JSON / XML); they keep good rows and report bad ones.
struct DocumentRows {
  std::vector<ListEntry> rows;
  std::vector<RowError> errors;
  uint64_t skipped = 0;
};
Status read_stopncii_json(std::string_view text, const std::string& file, DocumentRows* out);
Status read_tat_json(std::string_view text, const std::string& file, DocumentRows* out);
Status read_ncmec_xml(std::string_view text, const std::string& file, DocumentRows* out);

}  // namespace hashsieve::lists
