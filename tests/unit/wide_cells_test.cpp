// The wide multi-index's cell probes (index/wide_cells.h): the AVX-512 probe of cells of 5 gives
// exactly the scalar probe's output, on cells whose filters sit at every distance around the
// limit, with garbage in their unused slots, and with spill counts in the header or saturated.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <random>
#include <vector>

#include "hashsieve/simd.h"
#include "index/wide_cells.h"

namespace hashsieve::testing {
namespace {

using detail::CellProbe;
using detail::CellProbeResult;
using detail::SpillRange;

constexpr uint32_t kCap = 5, kCellBytes = 64, kCells = 4096, kRadius = 31;

struct Cells {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(size_t(kCells + 1) * kCellBytes);
  uint64_t filter_lo = 0;
  uint32_t filter_hi = 0, query_chunk = 0;
  size_t inline_entries = 0, within_limit = 0;  // used slots; those at most the limit away
};

// Flips `n` distinct bits of the 88-bit filter (lo, hi).
void flip(uint64_t* lo, uint32_t* hi, int n, std::mt19937_64& rng) {
  std::vector<int> bits(88);
  for (int i = 0; i < 88; ++i) bits[i] = i;
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < n; ++i) {
    if (bits[i] < 64) *lo ^= uint64_t(1) << bits[i];
    else *hi ^= uint32_t(1) << (bits[i] - 64);
  }
}

Cells make_cells(uint64_t seed, uint32_t spill_count_max) {
  std::mt19937_64 rng(seed);
  Cells c;
  c.filter_lo = rng();
  c.filter_hi = uint32_t(rng()) & 0xffffffu;
  c.query_chunk = uint32_t(rng()) % kCells;
  uint32_t spill_at = 0;
  for (uint32_t v = 0; v <= kCells; ++v) {
    uint8_t* cell = c.bytes.data() + size_t(v) * kCellBytes;
    const uint32_t inline_n = v < kCells ? uint32_t(rng() % (kCap + 1)) : 0;
    const uint32_t more = v < kCells ? uint32_t(rng() % 4) : 0;
    const uint64_t header =
        uint64_t(spill_at) | uint64_t(std::min(more, spill_count_max)) << 32 | uint64_t(inline_n) << 56;
    std::memcpy(cell, &header, 8);
    spill_at += more;
    // Used slots: the query's filter at a distance around this cell's limit; unused ones garbage
    // (the probe must mask them off, whatever they hold).
    const int limit = int(kRadius) - std::popcount(v ^ c.query_chunk);
    for (uint32_t k = 0; k < kCap; ++k) {
      uint64_t lo = rng();
      uint32_t hi = uint32_t(rng()) & 0xffffffu;
      if (k < inline_n) {
        lo = c.filter_lo;
        hi = c.filter_hi;
        const int distance = std::clamp(limit - 3 + int(rng() % 7), 0, 88);
        flip(&lo, &hi, distance, rng);
        c.within_limit += distance <= limit;
      }
      std::memcpy(cell + 8 + 8 * k, &lo, 8);
      std::memcpy(cell + 8 + 8 * kCap + 3 * k, &hi, 3);
    }
    c.inline_entries += inline_n;
  }
  return c;
}

TEST(WideCellKernels, Avx512ProbeMatchesTheScalarOne) {
  if (!simd_level_available(SimdLevel::kAvx512)) GTEST_SKIP() << "this CPU has no AVX-512 (F, BW, VPOPCNTDQ)";
  const std::vector<uint8_t> spill(4 * kCells * 14 + 64);
  for (uint32_t spill_count_max : {0xffffffu, 2u}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const Cells c = make_cells(seed, spill_count_max);
      std::vector<uint32_t> values(kCells);
      for (uint32_t v = 0; v < kCells; ++v) values[v] = (v * 2654435761u) % kCells;  // every cell, scattered
      const CellProbe probe{c.bytes.data(), kCellBytes,  kCap,           values.data(), values.size(),
                            c.query_chunk,  c.filter_lo, c.filter_hi,    int(kRadius),  7,
                            spill_count_max, spill.data(), 14};
      std::vector<uint64_t> passed[2] = {std::vector<uint64_t>(kCells * kCap), std::vector<uint64_t>(kCells * kCap)};
      std::vector<SpillRange> spills[2] = {std::vector<SpillRange>(kCells), std::vector<SpillRange>(kCells)};
      const CellProbeResult scalar = detail::probe_cells_scalar(probe, passed[0].data(), spills[0].data());
      const CellProbeResult vector = detail::avx512_cell_kernels()(probe, passed[1].data(), spills[1].data());
      // The cells are made so that some entries pass and some do not, by a known count.
      EXPECT_EQ(scalar.passed, c.within_limit);
      EXPECT_GT(scalar.passed, c.inline_entries / 5);
      EXPECT_LT(scalar.passed, c.inline_entries * 4 / 5);
      ASSERT_EQ(vector.passed, scalar.passed) << "seed " << seed;
      ASSERT_EQ(vector.spills, scalar.spills);
      EXPECT_EQ(vector.seen, scalar.seen);
      for (size_t i = 0; i < scalar.passed; ++i) ASSERT_EQ(passed[1][i], passed[0][i]) << "passed entry " << i;
      for (size_t i = 0; i < scalar.spills; ++i) {
        EXPECT_EQ(spills[1][i].begin, spills[0][i].begin);
        EXPECT_EQ(spills[1][i].end, spills[0][i].end);
        EXPECT_EQ(spills[1][i].chunk, 7u);
        EXPECT_EQ(spills[1][i].weight, spills[0][i].weight);
      }
    }
  }
}

}  // namespace
}  // namespace hashsieve::testing
