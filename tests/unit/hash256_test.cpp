#include "hashsieve/hash256.h"

#include <gtest/gtest.h>

#include <random>

namespace hashsieve {
namespace {

TEST(Hash256, HexRoundTripsRandomHashes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    Hash256 h;
    for (auto& w : h.words) w = rng();
    std::string hex = to_hex(h);
    ASSERT_EQ(hex.size(), 64u);
    auto back = parse_hex(hex);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, h);
  }
}

TEST(Hash256, HexIsBigEndianOfTheBitInteger) {
  Hash256 h;
  h.set_bit(0);
  EXPECT_EQ(to_hex(h), std::string(63, '0') + "1");
  Hash256 top;
  top.set_bit(255);
  EXPECT_EQ(to_hex(top), "8" + std::string(63, '0'));
  Hash256 mid;
  mid.set_bit(16 * 1 + 4);  // word 1 (DCT row 1), bit 4
  EXPECT_EQ(to_hex(mid), std::string(56, '0') + "00100000");
}

TEST(Hash256, ParseAcceptsUpperCase) {
  auto lower = parse_hex("e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59e");
  auto upper = parse_hex("E8393D882D997C797659B6D09CDDAE01E269194D260D50626F250FC5B067F59E");
  ASSERT_TRUE(lower.ok());
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ(to_hex(*upper), "e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59e");
}

TEST(Hash256, ParseRejectsMalformedInput) {
  const char* bad[] = {
      "",
      "e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59",    // 63
      "e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59e0",  // 65
      "g8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59e",
      "0xe8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f5",
      " e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59",
      "e8393d882d997c797659b6d09cddae01e269194d260d50626f250fc5b067f59\n",
  };
  for (const char* s : bad) {
    auto r = parse_hex(s);
    EXPECT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << s;
    EXPECT_FALSE(r.status().message().empty());
  }
  std::string with_nul(64, 'a');
  with_nul[10] = '\0';
  EXPECT_FALSE(parse_hex(with_nul).ok());
}

TEST(Hash256, HammingDistance) {
  Hash256 a, b;
  EXPECT_EQ(hamming_distance(a, b), 0);
  for (int k = 0; k < 256; k += 3) b.set_bit(k);
  EXPECT_EQ(hamming_distance(a, b), 86);
  EXPECT_EQ(hamming_distance(b, a), 86);
  Hash256 all;
  for (auto& w : all.words) w = ~uint64_t{0};
  EXPECT_EQ(hamming_distance(a, all), 256);
  EXPECT_EQ(all.popcount(), 256);
}

}  // namespace
}  // namespace hashsieve
