#include "hashers/pdq_dct.h"

#include <algorithm>
#include <cstdlib>

#include "hashers/pdq_dct_table.h"

namespace hashsieve::pdq {

int pdq_quality(const Block64& a) {
  int sum = 0;
  auto add = [&](float u, float v) {
    int d = static_cast<int>(((u - v) * 100) / 255);
    sum += std::abs(d);
  };
  for (int i = 0; i < 63; ++i)
    for (int j = 0; j < 64; ++j) add(a[i * 64 + j], a[(i + 1) * 64 + j]);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 63; ++j) add(a[i * 64 + j], a[i * 64 + j + 1]);
  return std::min(sum / 90, 100);
}

Dct16 pdq_dct(const Block64& a) {
  // T = D * A (16 x 64). Loop order keeps each T[i][j]'s own sum over k in increasing k.
  std::array<float, 16 * 64> t{};
  for (int i = 0; i < kDctRows; ++i) {
    for (int k = 0; k < 64; ++k) {
      const float d = kDctMatrix[i][k];
      for (int j = 0; j < 64; ++j) t[i * 64 + j] += d * a[k * 64 + j];
    }
  }
  Dct16 b{};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 64; ++k) s += t[i * 64 + k] * kDctMatrix[j][k];
      b[i * 16 + j] = s;
    }
  }
  return b;
}

Hash256 pdq_bits(const Dct16& b) {
  Dct16 sorted = b;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  Hash256 h;
  for (int k = 0; k < 256; ++k)
    if (b[k] > median) h.set_bit(k);
  return h;
}

std::array<Hash256, 8> pdq_dihedral_bits(const Dct16& b) {
  // Even index = odd frequency: those coefficients change sign under a flip of that axis.
  auto odd = [](int v) { return (v & 1) != 0; };
  std::array<Dct16, 8> v;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float x = b[i * 16 + j];
      const float sij = odd(i + j) ? -x : x;
      v[0][i * 16 + j] = x;                             // orig
      v[1][j * 16 + i] = odd(j) ? x : -x;               // rot90
      v[2][i * 16 + j] = sij;                           // rot180
      v[3][j * 16 + i] = odd(i) ? x : -x;               // rot270
      v[4][i * 16 + j] = odd(i) ? x : -x;               // flipx
      v[5][i * 16 + j] = odd(j) ? x : -x;               // flipy
      v[6][j * 16 + i] = x;                             // flipp (transpose)
      v[7][j * 16 + i] = sij;                           // flipm (anti-transpose)
    }
  }
  std::array<Hash256, 8> out;
  for (int d = 0; d < 8; ++d) out[d] = pdq_bits(v[d]);
  return out;
}

}  // namespace hashsieve::pdq
