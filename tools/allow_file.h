// --allow FILE: "list,entry_id" lines never to report (e.g. confirmed false positives).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hashsieve::cli {

struct AllowEntry {
  std::string list, entry_id;
  int line = 0;  // where it was read, for messages
};

// False with `error` ("FILE:LINE: why") when the file cannot be read or a line is malformed.
bool load_allow_file(const std::string& file, std::vector<AllowEntry>& entries, std::string& error);

}  // namespace hashsieve::cli
