// Entry metadata: compact JSON text built from what each exchange says about an entry (source,
// member, classification, category, tags, case counts). Keys keep their insertion order so the
// text is stable through export and re-import.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hashsieve::lists {

using Meta = nlohmann::ordered_json;

// Compact text; "" for null or an empty object. Invalid UTF-8 becomes U+FFFD.
std::string meta_text(const Meta& m);

// Valid JSON text becomes its compact form; anything else becomes a JSON string holding it
// (invalid UTF-8 as U+FFFD). Stable: normalising the result gives it back.
std::string normalize_metadata(std::string_view text);

// Space-separated labels as a JSON array of strings (empty labels dropped).
Meta split_tags(std::string_view labels);

}  // namespace hashsieve::lists
