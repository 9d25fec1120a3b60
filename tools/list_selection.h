// The lists a scan matches, and the check that every list named by --list-radius or --allow is one
// of them: a radius or an allow entry for a list that does not exist or is not selected would
// otherwise be ignored without a word.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hashsieve/hash_store.h"
#include "tools/allow_file.h"

namespace hashsieve::cli {

// `selected`: --lists (empty = every list in the store). False with `error` naming the first
// offending option and list.
bool check_named_lists(const HashStore& store, const std::vector<std::string>& selected,
                       const std::vector<std::pair<std::string, int>>& list_radius,
                       const std::vector<AllowEntry>& allow, const std::string& allow_file, std::string& error);

}  // namespace hashsieve::cli
