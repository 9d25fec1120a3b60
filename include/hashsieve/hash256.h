// A 256-bit perceptual hash (PDQ), its hex form and Hamming distance.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hashsieve/export.h"
#include "hashsieve/status.h"

namespace hashsieve {

// Bit k (0..255) lives in words[k / 64] at bit k % 64. For PDQ, bit k = 16*i + j is DCT
// coefficient B[i][j]. The hex form is the big-endian hex of the 256-bit integer, so
// words[3] is printed first.
struct Hash256 {
  std::array<uint64_t, 4> words{};

  bool bit(int k) const noexcept { return (words[k >> 6] >> (k & 63)) & 1u; }
  void set_bit(int k) noexcept { words[k >> 6] |= uint64_t{1} << (k & 63); }
  HASHSIEVE_API int popcount() const noexcept;

  friend bool operator==(const Hash256& a, const Hash256& b) noexcept { return a.words == b.words; }
  friend bool operator!=(const Hash256& a, const Hash256& b) noexcept { return !(a == b); }
  friend bool operator<(const Hash256& a, const Hash256& b) noexcept {
    for (int i = 3; i >= 0; --i)
      if (a.words[i] != b.words[i]) return a.words[i] < b.words[i];
    return false;
  }
};

inline constexpr int kHashHexLength = 64;

// 64 lowercase hex digits, no prefix.
HASHSIEVE_API std::string to_hex(const Hash256& h);
// Exactly 64 hex digits (either case); anything else is kInvalidArgument.
HASHSIEVE_API Result<Hash256> parse_hex(std::string_view text);

// Hamming distance 0..256.
HASHSIEVE_API int hamming_distance(const Hash256& a, const Hash256& b) noexcept;

}  // namespace hashsieve
