// parse_hex on arbitrary text. Invariants: accepted iff exactly 64 hex digits; an accepted hash
// prints back as the lower-cased input.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "hashsieve/hash256.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool all_hex = size == size_t(hashsieve::kHashHexLength);
  for (char c : text) all_hex = all_hex && std::isxdigit(static_cast<unsigned char>(c));

  auto h = hashsieve::parse_hex(text);
  FUZZ_CHECK(h.ok() == all_hex);
  if (!h.ok()) {
    FUZZ_CHECK(h.status().code() == hashsieve::StatusCode::kInvalidArgument);
    return 0;
  }
  std::string lower(text);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  FUZZ_CHECK(hashsieve::to_hex(*h) == lower);
  return 0;
}
