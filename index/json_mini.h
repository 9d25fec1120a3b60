// A small JSON reader for list documents: values keep their source line and raw text so errors
// can name a line and records can be stored verbatim as metadata.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hashsieve/status.h"

namespace hashsieve::json {

struct Member;

struct Value {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject } type = kNull;
  bool boolean = false;
  std::string text;  // decoded string, or the number as written
  std::vector<Value> items;
  std::vector<Member> members;  // a vector may hold a type completed later; a pair may not
  uint64_t line = 0;
  std::string_view raw;  // the value's source text (valid while the document lives)

  const Value* get(std::string_view key) const;
};

struct Member {
  std::string key;
  Value value;
};

// `text` (valid JSON) without the whitespace outside strings: one line.
std::string compact(std::string_view text);

// Parses a whole document; errors carry the line number.
Result<Value> parse(std::string_view text);

}  // namespace hashsieve::json
