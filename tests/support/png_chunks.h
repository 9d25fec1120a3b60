// Hand-made PNG chunks for tests that need headers no encoder would write.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace hashsieve::testing {

inline uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc = 0) {
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

inline void put_be32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(v >> (24 - 8 * i));
}

// length | type | data | CRC over type and data. Sized up front: gcc 12 warns falsely on
// push_back/insert chains into a fresh vector.
inline std::vector<uint8_t> png_chunk(const std::string& type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(12 + data.size());
  put_be32(out.data(), uint32_t(data.size()));
  std::copy(type.begin(), type.begin() + 4, out.begin() + 4);
  std::copy(data.begin(), data.end(), out.begin() + 8);
  put_be32(out.data() + 8 + data.size(), crc32(out.data() + 4, 4 + data.size()));
  return out;
}

inline std::vector<uint8_t> png_ihdr(uint32_t width, uint32_t height) {
  std::vector<uint8_t> d = {0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0};  // 8-bit RGB, no interlace
  put_be32(d.data(), width);
  put_be32(d.data() + 4, height);
  return png_chunk("IHDR", d);
}

inline const std::vector<uint8_t> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

}  // namespace hashsieve::testing
