// Entry metadata: compact JSON text built from what each exchange says about an entry (source,
// member, classification, category, tags, case counts). Keys keep their insertion order so the
// text is stable through export and re-import.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hashsieve::lists {

using Meta = nlohmann::ordered_json;

// Compact text; "" for null or an empty object. Invalid UTF-8 becomes U+FFFD.
std::string meta_text(const Meta& m);

// Valid JSON text becomes its compact form; anything else becomes a JSON string holding it
// (invalid UTF-8 as U+FFFD). Stable: normalising the result gives it back.
std::string normalize_metadata(std::string_view text);

// Builds the compact text of a flat object member by member, byte for byte what meta_text gives
// for the same Meta object, without building it: a reader writes one per record. A string of
// printable ASCII is written as it is; any other (escapes, non-ASCII, invalid UTF-8) goes
// through nlohmann's serializer.
class MetaText {
 public:
  void string(std::string_view key, std::string_view value);
  void strings(std::string_view key, const std::vector<std::string>& values);  // an array
  void number(std::string_view key, const Meta& value);  // a JSON number
  void number(std::string_view key, uint64_t value);
  // The text ("" for no member); the builder is empty again after.
  std::string take();

 private:
  void key(std::string_view k);
  void value(std::string_view v);
  std::string text_;
};

// Space-separated labels as a JSON array of strings (empty labels dropped).
Meta split_tags(std::string_view labels);

}  // namespace hashsieve::lists
