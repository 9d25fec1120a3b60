#include "hashsieve/hash256.h"

#include <bit>

namespace hashsieve {
namespace {

// A digit's value, 0xff for a byte that is not a hex digit: a table lookup, because the
// branches of a range test mispredict on random hex (one in three list rows' bytes).
struct HexTable {
  uint8_t v[256];
  constexpr HexTable() : v() {
    for (int c = 0; c < 256; ++c)
      v[c] = c >= '0' && c <= '9' ? uint8_t(c - '0') : c >= 'a' && c <= 'f' ? uint8_t(c - 'a' + 10)
             : c >= 'A' && c <= 'F' ? uint8_t(c - 'A' + 10) : 0xff;
  }
};
constexpr HexTable kHex;

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
  // Each word is 16 digits, most significant first; words[3] holds the first 16.
  for (int w = 0; w < 4; ++w) {
    const char* d = text.data() + 16 * (3 - w);
    uint64_t word = 0;
    uint8_t bad = 0;
    for (int i = 0; i < 16; ++i) {
      uint8_t v = kHex.v[uint8_t(d[i])];
      bad |= v;
      word = word << 4 | (v & 0xf);
    }
    if (bad & 0xf0) {
      for (int pos = 0; pos < kHashHexLength; ++pos)
        if (kHex.v[uint8_t(text[pos])] == 0xff)
          return Status(StatusCode::kInvalidArgument,
                        "hash has a non-hex character at position " + std::to_string(pos + 1));
    }
    h.words[w] = word;
  }
  return h;
}

int hamming_distance(const Hash256& a, const Hash256& b) noexcept {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]) +
         std::popcount(a.words[2] ^ b.words[2]) + std::popcount(a.words[3] ^ b.words[3]);
}

}  // namespace hashsieve
