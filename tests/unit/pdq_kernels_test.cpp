// Each SIMD kernel against the scalar oracle, bit for bit, on random sizes 1..600 per side.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "hashers/pdq_box_phases.h"
#include "hashers/pdq_kernels.h"
#include "hashsieve/pdq.h"

namespace hashsieve::pdq {
namespace {

// The distinct SIMD kernel tables of every level this CPU runs (kAvx512 runs the AVX2 ones).
std::vector<const Kernels*> simd_kernels() {
  std::vector<const Kernels*> out;
  for (SimdLevel l : {SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (!simd_level_available(l)) continue;
    const Kernels* k = &kernels_for(l);
    if (k != &scalar_kernels() && std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

bool same_bits(const float* a, const float* b, size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

std::vector<float> aligned_scratch(const Kernels& k, int cols) { return std::vector<float>(k.scratch_floats(cols) + 8); }
float* align32(std::vector<float>& v) {
  auto addr = reinterpret_cast<uintptr_t>(v.data());
  return v.data() + ((32 - addr % 32) % 32) / sizeof(float);
}

TEST(PdqKernels, ScalarBoxPassFollowsTheReferenceOneDimensionalFilter) {
  std::mt19937 rng(1);
  for (int iter = 0; iter < 200; ++iter) {
    const int rows = 1 + rng() % 40, cols = 1 + rng() % 600;
    const int window = 1 + rng() % cols;
    std::vector<float> in(size_t(rows) * cols), expect(size_t(rows) * cols), got(size_t(rows) * cols);
    for (auto& v : in) v = float(rng() % 25600) / 100.0f;
    for (int r = 0; r < rows; ++r) box1d_reference(in.data() + size_t(r) * cols, expect.data() + size_t(r) * cols, cols, 1, window);
    scalar_kernels().box_rows_transposed(in.data(), rows, cols, window, nullptr, 0, nullptr, got.data(), rows);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        ASSERT_EQ(got[size_t(c) * rows + r], expect[size_t(r) * cols + c]) << rows << "x" << cols << " w" << window;
  }
}

TEST(PdqKernels, BoxPassesAgreeWithScalarOnRandomSizes) {
  auto levels = simd_kernels();
  if (levels.empty()) GTEST_SKIP() << "no SIMD kernels on this CPU/build";
  std::mt19937 rng(2);
  for (const Kernels* k : levels) {
    for (int iter = 0; iter < 300; ++iter) {
      const int rows = 1 + rng() % 600, cols = 1 + rng() % 600;
      const int window = iter % 3 == 0 ? (cols + 127) / 128 : 1 + rng() % cols;
      std::vector<float> in(size_t(rows) * cols);
      for (auto& v : in) v = float(rng() % 25600) / 100.0f;
      std::vector<float> a(in.size()), b(in.size());
      auto sa = aligned_scratch(scalar_kernels(), cols), sb = aligned_scratch(*k, cols);
      scalar_kernels().box_rows_transposed(in.data(), rows, cols, window, nullptr, 0, align32(sa), a.data(), rows);
      k->box_rows_transposed(in.data(), rows, cols, window, nullptr, 0, align32(sb), b.data(), rows);
      ASSERT_TRUE(same_bits(a.data(), b.data(), a.size())) << rows << "x" << cols << " w" << window;

      int keep[64];
      decimation_indices(cols, keep);
      std::vector<float> ka(size_t(64) * rows), kb(size_t(64) * rows);
      scalar_kernels().box_rows_transposed(in.data(), rows, cols, window, keep, 64, align32(sa), ka.data(), rows);
      k->box_rows_transposed(in.data(), rows, cols, window, keep, 64, align32(sb), kb.data(), rows);
      ASSERT_TRUE(same_bits(ka.data(), kb.data(), ka.size())) << "kept " << rows << "x" << cols;
      for (int j = 0; j < 64; ++j)  // the kept columns are the full pass's columns
        ASSERT_TRUE(same_bits(ka.data() + size_t(j) * rows, a.data() + size_t(keep[j]) * rows, rows));
    }
  }
}

TEST(PdqKernels, LumaAgreesWithScalarForEveryPixelFormat) {
  auto levels = simd_kernels();
  if (levels.empty()) GTEST_SKIP() << "no SIMD kernels on this CPU/build";
  std::mt19937 rng(3);
  for (const Kernels* k : levels) {
    for (PixelFormat f : {PixelFormat::kRGB8, PixelFormat::kBGR8, PixelFormat::kRGBA8, PixelFormat::kBGRA8,
                          PixelFormat::kGray8}) {
      for (int iter = 0; iter < 40; ++iter) {
        const int w = 1 + rng() % 600, h = 1 + rng() % 60;
        const size_t stride = size_t(w) * bytes_per_pixel(f) + rng() % 5;
        std::vector<uint8_t> px(stride * h);  // exactly sized: catches reads past the last row
        for (auto& v : px) v = uint8_t(rng());
        ImageView img{px.data(), w, h, stride, f};
        std::vector<float> a(size_t(w) * h), b(size_t(w) * h);
        scalar_kernels().luma_rows(img, 0, h, a.data());
        k->luma_rows(img, 0, h, b.data());
        ASSERT_TRUE(same_bits(a.data(), b.data(), a.size())) << int(f) << " " << w << "x" << h;
      }
    }
  }
}

TEST(PdqKernels, RowMajorBoxPassesEqualTheTransposedOnes) {
  std::mt19937 rng(4);
  std::vector<const Kernels*> all{&scalar_kernels()};
  for (const Kernels* k : simd_kernels()) all.push_back(k);
  for (const Kernels* k : all) {
    for (int iter = 0; iter < 200; ++iter) {
      const int rows = 1 + rng() % kStripRows, cols = 1 + rng() % 600;
      const int window = iter % 2 ? (cols + 127) / 128 : 1 + rng() % cols;
      std::vector<float> in(size_t(rows) * cols);
      for (auto& v : in) v = float(rng() % 25600) / 100.0f;
      auto sc = aligned_scratch(*k, cols);
      std::vector<float> t(in.size());
      k->box_rows_transposed(in.data(), rows, cols, window, nullptr, 0, align32(sc), t.data(), rows);
      // Output rows at scattered places, as the ring buffer lays them out.
      std::vector<std::vector<float>> out(rows, std::vector<float>(cols, -1.0f));
      float* out_rows[kStripRows];
      for (int r = 0; r < rows; ++r) out_rows[r] = out[rows - 1 - r].data();
      k->box_rows(in.data(), rows, cols, window, align32(sc), out_rows);
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
          ASSERT_EQ(out[rows - 1 - r][c], t[size_t(c) * rows + r]) << int(k->level) << " " << rows << "x" << cols;
    }
  }
}

TEST(PdqKernels, ColumnStepsFollowTheReferenceDownEveryColumn) {
  std::mt19937 rng(5);
  std::vector<const Kernels*> all{&scalar_kernels()};
  for (const Kernels* k : simd_kernels()) all.push_back(k);
  for (const Kernels* k : all) {
    for (int iter = 0; iter < 100; ++iter) {
      const int h = 1 + rng() % 300, w = 1 + rng() % 70, window = 1 + rng() % h;
      std::vector<float> in(size_t(h) * w), expect(in.size()), got(in.size()), sums(w, 0.0f);
      for (auto& v : in) v = float(rng() % 25600) / 100.0f;
      for (int x = 0; x < w; ++x) box1d_reference(in.data() + x, expect.data() + x, h, w, window);
      auto row = [&](int y) { return in.data() + size_t(y) * w; };
      for_each_box_phase(h, window, [&](BoxStep step, int ri, int li, int oi, int count) {
        const float* add = step == BoxStep::kShrinkEmit ? nullptr : row(ri);
        const float* sub = (step == BoxStep::kSlideEmit || step == BoxStep::kShrinkEmit) ? row(li) : nullptr;
        float* out = step == BoxStep::kGrow ? nullptr : got.data() + size_t(oi) * w;
        k->column_step(sums.data(), add, sub, float(count), out, w);
      });
      ASSERT_TRUE(same_bits(got.data(), expect.data(), got.size())) << int(k->level) << " " << h << "x" << w;
    }
  }
}

TEST(PdqKernels, DecimationIndicesSampleCellCentres) {
  int idx[64];
  decimation_indices(64, idx);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(idx[i], i);
  decimation_indices(31, idx);
  EXPECT_EQ(idx[0], 0);
  EXPECT_EQ(idx[63], 30);
  decimation_indices(4000, idx);
  EXPECT_EQ(idx[0], 31);   // floor(0.5 * 4000 / 64)
  EXPECT_EQ(idx[63], 3968);
}

}  // namespace
}  // namespace hashsieve::pdq

namespace hashsieve::pdq {
namespace {

// A level is a ceiling: the hasher runs its best kernels at or below it and says which.
TEST(PdqSimdLevels, EachLevelRunsTheBestKernelsAtOrBelowIt) {
  EXPECT_EQ(kernels_for(SimdLevel::kScalar).level, SimdLevel::kScalar);
  EXPECT_EQ(kernels_for(SimdLevel::kAvx2).level, SimdLevel::kAvx2);
  EXPECT_EQ(kernels_for(SimdLevel::kAvx512).level, SimdLevel::kAvx2);
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    auto h = PdqHasher::Create({PdqFlavor::kFullRes, l});
    ASSERT_EQ(h.ok(), simd_level_available(l)) << simd_level_name(l);
    if (!h.ok()) {
      EXPECT_EQ(h.status().code(), StatusCode::kUnsupported);
      continue;
    }
    EXPECT_EQ(h->simd_level(), kernels_for(l).level) << simd_level_name(l);
  }
}

TEST(PdqSimdLevels, NamesRoundTripAndWiderLevelsNeedTheNarrowerOnes) {
  for (SimdLevel l : {SimdLevel::kAuto, SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    auto parsed = parse_simd_level(simd_level_name(l));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, l);
  }
  EXPECT_FALSE(parse_simd_level("avx512f").ok());
  if (simd_level_available(SimdLevel::kAvx512)) {
    EXPECT_TRUE(simd_level_available(SimdLevel::kAvx2));
  }
  auto best = resolve_simd_level(SimdLevel::kAuto);
  if (!std::getenv("HASHSIEVE_SIMD") && best.ok()) {
    SimdLevel want = simd_level_available(SimdLevel::kAvx512) ? SimdLevel::kAvx512
                     : simd_level_available(SimdLevel::kAvx2) ? SimdLevel::kAvx2
                                                              : SimdLevel::kScalar;
    EXPECT_EQ(*best, want);
  }
}

}  // namespace
}  // namespace hashsieve::pdq
