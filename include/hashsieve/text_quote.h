// Quoting for every text output (reports, list exports, a program's own lines about uploads): JSON
// strings and CSV fields that stay valid whatever bytes a path, id or metadata field holds.
#pragma once

#include <string>
#include <string_view>

#include "hashsieve/export.h"

namespace hashsieve {

// A JSON string literal, quotes included. Control characters are escaped and bytes that are
// not valid UTF-8 become U+FFFD, so every line of a JSONL report parses.
HASHSIEVE_API std::string json_quote(std::string_view s);

// An RFC 4180 field: quoted (with "" for ") only when it holds a comma, quote, CR or LF.
HASHSIEVE_API std::string csv_field(std::string_view s);

}  // namespace hashsieve
