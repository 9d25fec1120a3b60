#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "hashers/pdq_dct.h"
#include "hashers/pdq_dct_table.h"
#include "tests/support/sha256.h"

namespace hashsieve::pdq {
namespace {

TEST(PdqDct, Sha256SelfCheck) {
  const uint8_t abc[] = {'a', 'b', 'c'};
  EXPECT_EQ(testing::sha256_hex(abc, 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PdqDct, ShippedTableEqualsTheSpecFormula) {
  const double pi = 3.14159265358979323846;
  const float s = static_cast<float>(std::sqrt(2.0 / 64));
  for (int i = 0; i < kDctRows; ++i)
    for (int j = 0; j < 64; ++j) {
      const float d = static_cast<float>(double(s) * std::cos((pi / 2 / 64) * (i + 1) * (2 * j + 1)));
      ASSERT_EQ(std::memcmp(&d, &kDctMatrix[i][j], sizeof d), 0) << i << "," << j;
    }
}

TEST(PdqDct, ShippedTableHasTheSpecChecksum) {
  // x86-64 is little-endian, so the in-memory bytes are the spec's serialisation.
  EXPECT_EQ(testing::sha256_hex(reinterpret_cast<const uint8_t*>(kDctMatrix), sizeof kDctMatrix),
            "db354678fc6c99b7d442c35d8e89b002b71cb35eff6ae436c5f36392277a83c8");
}

TEST(PdqDct, QualityOfFlatAndBusyBlocks) {
  Block64 flat;
  flat.fill(128.0f);
  EXPECT_EQ(pdq_quality(flat), 0);
  Block64 checker;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) checker[i * 64 + j] = ((i + j) & 1) ? 255.0f : 0.0f;
  EXPECT_EQ(pdq_quality(checker), 100);
  Block64 ramp;  // each horizontal step: (int)(100 * 2 / 255) = 0; vertical steps 0
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) ramp[i * 64 + j] = 2.0f * j;
  EXPECT_EQ(pdq_quality(ramp), 0);
}

TEST(PdqDct, BitsSplitAtTheLowerMedian) {
  Dct16 b;
  for (int k = 0; k < 256; ++k) b[k] = float((k * 37) % 256);  // a permutation of 0..255
  Hash256 h = pdq_bits(b);
  EXPECT_EQ(h.popcount(), 128);
  for (int k = 0; k < 256; ++k) EXPECT_EQ(h.bit(k), b[k] > 127.0f);
}

TEST(PdqDct, DihedralOrigIsThePlainHashAndFlipsAreInvolutions) {
  Dct16 b;
  for (int k = 0; k < 256; ++k) b[k] = std::sin(float(k) * 1.7f) * 100.0f;
  auto d = pdq_dihedral_bits(b);
  EXPECT_EQ(d[0], pdq_bits(b));
  // flipp is the transpose: transposing its input back must give orig's bits transposed.
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) EXPECT_EQ(d[6].bit(j * 16 + i), d[0].bit(i * 16 + j));
}

}  // namespace
}  // namespace hashsieve::pdq
