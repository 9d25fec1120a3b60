// The choice of digest kinds an upload is digested with: the set covers every combination of
// kinds the entries carry and no covering set is cheaper; the CPU check agrees with the kernel.
#include <gtest/gtest.h>

#include <bit>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/digest_costs.h"
#include "index/digest_cover.h"

namespace hashsieve {
namespace {

constexpr DigestMask kMd5 = 1, kSha1 = 2, kSha256 = 4, kSha512 = 8;

DigestCombos combos(std::initializer_list<DigestMask> entries) {
  DigestCombos c = 0;
  for (DigestMask m : entries) c = DigestCombos(c | digest_combo(m));
  return c;
}

TEST(DigestCover, ExchangeLayoutsGetTheCheapestKinds) {
  const DigestCosts sha_ext = digest_costs(true), avx2 = digest_costs(false);
  // NCMEC: MD5 and SHA-1 of every file; SHA-1 alone covers them, and is the cheaper.
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha1}), sha_ext), kSha1);
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha1}), avx2), kSha1);
  // Tech Against Terrorism: MD5, SHA-256, SHA-512; SHA-256 where it is accelerated, else MD5.
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha256 | kSha512}), sha_ext), kSha256);
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha256 | kSha512}), avx2), kMd5);
  // StopNCII video MD5 beside NCMEC: the MD5-only entries force MD5, which then covers NCMEC too.
  EXPECT_EQ(cheapest_cover(combos({kMd5, kMd5 | kSha1}), sha_ext), kMd5);
  // Entries that share no kind need one kind each.
  EXPECT_EQ(cheapest_cover(combos({kMd5, kSha256 | kSha512}), sha_ext), kMd5 | kSha256);
  EXPECT_EQ(cheapest_cover(combos({kMd5, kSha256 | kSha512}), avx2), kMd5 | kSha512);
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha1, kSha256 | kSha512, kAllDigests}), sha_ext), kSha1 | kSha256);
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha1, kSha256 | kSha512, kAllDigests}), avx2), kSha1 | kSha512);
  EXPECT_EQ(cheapest_cover(combos({kMd5, kSha1, kSha256, kSha512}), sha_ext), kAllDigests);
  // No digest entries (or only entries without any digest): nothing to compute.
  EXPECT_EQ(cheapest_cover(0, sha_ext), 0);
  EXPECT_EQ(cheapest_cover(combos({0}), sha_ext), 0);
}

TEST(DigestCover, CostsDecideAndTiesGoToFewerKinds) {
  // The same entries, different prices: the cover follows the prices.
  const DigestCombos ncmec = combos({kMd5 | kSha1});
  EXPECT_EQ(cheapest_cover(ncmec, {1, 9, 9, 9}), kMd5);
  EXPECT_EQ(cheapest_cover(ncmec, {9, 1, 9, 9}), kSha1);
  // {MD5} costs 4 and {SHA-1, SHA-256} costs 4 as well: the single kind wins the tie.
  EXPECT_EQ(cheapest_cover(combos({kMd5 | kSha1, kMd5 | kSha256}), {4, 2, 2, 9}), kMd5);
  // A kind that costs nothing is still not added when it covers nothing more.
  EXPECT_EQ(cheapest_cover(combos({kSha1}), {5, 3, 0, 5}), kSha1);
}

TEST(DigestCover, EveryCombinationGetsACoverNoCoverIsCheaperThan) {
  std::mt19937 rng(7);
  std::vector<DigestCosts> prices = {digest_costs(true), digest_costs(false), {1, 1, 1, 1}};
  for (int i = 0; i < 5; ++i) prices.push_back({uint32_t(rng() % 100), uint32_t(rng() % 100), uint32_t(rng() % 100), uint32_t(rng() % 100)});
  for (const DigestCosts& cost : prices) {
    for (uint32_t c = 0; c <= 0xffff; ++c) {
      const DigestCombos combos = DigestCombos(c);
      const DigestMask chosen = cheapest_cover(combos, cost);
      if ((combos & ~1u) == 0) {
        EXPECT_EQ(chosen, 0);
        continue;
      }
      // Covers: each combination of kinds some entry holds shares a kind with the choice.
      for (unsigned m = 1; m < 16; ++m) {
        if (!(combos & (1u << m))) continue;
        ASSERT_NE(chosen & m, 0) << "combos " << c << " entry kinds " << m;
      }
      for (unsigned other = 1; other < 16; ++other) {
        bool hits_all = true;
        for (unsigned m = 1; m < 16; ++m)
          if ((combos & (1u << m)) && !(other & m)) hits_all = false;
        if (hits_all) {
          ASSERT_LE(digest_cost(chosen, cost), digest_cost(DigestMask(other), cost)) << c << " " << other;
        }
      }
    }
  }
}

// The CPUID check reads the same feature the kernel reports as sha_ni.
TEST(DigestCosts, ShaExtensionCheckAgreesWithTheKernel) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  bool found_flags = false, sha_ni = false;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    found_flags = true;
    std::istringstream words(line);
    for (std::string w; words >> w;) sha_ni = sha_ni || w == "sha_ni";
    break;
  }
  if (!found_flags) GTEST_SKIP() << "no x86 flags line in /proc/cpuinfo";
  EXPECT_EQ(cpu_has_sha_extensions(), sha_ni);
  EXPECT_EQ(digest_costs_for_this_cpu(), digest_costs(sha_ni));
}

}  // namespace
}  // namespace hashsieve
