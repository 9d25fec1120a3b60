#include "hashsieve/hash256.h"

#include <bit>

namespace hashsieve {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int Hash256::popcount() const noexcept {
  int n = 0;
  for (uint64_t w : words) n += std::popcount(w);
  return n;
}

std::string to_hex(const Hash256& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kHashHexLength, '0');
  for (int pos = 0; pos < kHashHexLength; ++pos) {
    int nibble = kHashHexLength - 1 - pos;  // nibble index from the least significant end
    out[pos] = kDigits[(h.words[nibble / 16] >> (4 * (nibble % 16))) & 0xf];
  }
  return out;
}

Result<Hash256> parse_hex(std::string_view text) {
  if (text.size() != kHashHexLength) {
    return Status(StatusCode::kInvalidArgument,
                  "hash must be 64 hex digits, got " + std::to_string(text.size()) + " characters");
  }
  Hash256 h;
  for (int pos = 0; pos < kHashHexLength; ++pos) {
    int v = hex_value(text[pos]);
    if (v < 0) {
      return Status(StatusCode::kInvalidArgument,
                    "hash has a non-hex character at position " + std::to_string(pos + 1));
    }
    int nibble = kHashHexLength - 1 - pos;
    h.words[nibble / 16] |= uint64_t(v) << (4 * (nibble % 16));
  }
  return h;
}

int hamming_distance(const Hash256& a, const Hash256& b) noexcept {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]) +
         std::popcount(a.words[2] ^ b.words[2]) + std::popcount(a.words[3] ^ b.words[3]);
}

}  // namespace hashsieve
