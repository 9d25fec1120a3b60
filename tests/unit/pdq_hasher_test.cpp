// The public hasher API: pixel formats, strides, errors, options.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "hashsieve/pdq.h"

namespace hashsieve {
namespace {

struct Picture {
  int w, h;
  std::vector<uint8_t> rgb;
};

Picture make_picture(int w, int h, unsigned seed) {
  Picture p{w, h, std::vector<uint8_t>(size_t(w) * h * 3)};
  std::mt19937 rng(seed);
  const int cx = rng() % w, cy = rng() % h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        p.rgb[(size_t(y) * w + x) * 3 + c] = uint8_t(((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (7 + c * 3) + (rng() % 9));
  return p;
}

// Re-lays an RGB picture in another pixel format with padding at the end of each row.
std::vector<uint8_t> convert(const Picture& p, PixelFormat f, size_t stride) {
  std::vector<uint8_t> out(stride * p.h, 0xAB);
  const int bpp = bytes_per_pixel(f);
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      const uint8_t* s = &p.rgb[(size_t(y) * p.w + x) * 3];
      uint8_t* d = &out[y * stride + size_t(x) * bpp];
      switch (f) {
        case PixelFormat::kRGB8: d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; break;
        case PixelFormat::kBGR8: d[0] = s[2]; d[1] = s[1]; d[2] = s[0]; break;
        case PixelFormat::kRGBA8: d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = 7; break;
        case PixelFormat::kBGRA8: d[0] = s[2]; d[1] = s[1]; d[2] = s[0]; d[3] = 250; break;
        case PixelFormat::kGray8: d[0] = s[1]; break;
      }
    }
  return out;
}

TEST(PdqHasher, ColourLayoutsAndStridesGiveTheSameHash) {
  for (SimdLevel level : {SimdLevel::kScalar, SimdLevel::kAvx2}) {
    if (!simd_level_available(level)) continue;
    auto hasher = PdqHasher::Create({PdqFlavor::kFullRes, level, true});
    ASSERT_TRUE(hasher.ok());
    Picture p = make_picture(301, 157, 5);
    auto base = hasher->hash(ImageView{p.rgb.data(), p.w, p.h, size_t(p.w) * 3, PixelFormat::kRGB8});
    ASSERT_TRUE(base.ok());
    EXPECT_EQ(base->hash.popcount(), 128);
    for (PixelFormat f : {PixelFormat::kBGR8, PixelFormat::kRGBA8, PixelFormat::kBGRA8}) {
      const size_t stride = size_t(p.w) * bytes_per_pixel(f) + 13;
      auto px = convert(p, f, stride);
      auto r = hasher->hash(ImageView{px.data(), p.w, p.h, stride, f});
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->hash, base->hash) << int(f);
      EXPECT_EQ(r->quality, base->quality);
      EXPECT_EQ(r->dihedral, base->dihedral);
    }
    // Gray: same as an RGB image whose three channels all hold the gray value.
    auto gray = convert(p, PixelFormat::kGray8, p.w);
    Picture g3{p.w, p.h, std::vector<uint8_t>(size_t(p.w) * p.h * 3)};
    for (size_t i = 0; i < gray.size(); ++i) g3.rgb[3 * i] = g3.rgb[3 * i + 1] = g3.rgb[3 * i + 2] = gray[i];
    auto rg = hasher->hash(ImageView{gray.data(), p.w, p.h, size_t(p.w), PixelFormat::kGray8});
    auto r3 = hasher->hash(ImageView{g3.rgb.data(), p.w, p.h, size_t(p.w) * 3, PixelFormat::kRGB8});
    ASSERT_TRUE(rg.ok() && r3.ok());
    EXPECT_EQ(rg->hash, r3->hash);
  }
}

TEST(PdqHasher, RefusesTinyAndMalformedImages) {
  PdqHasher hasher;
  std::vector<uint8_t> px(100 * 100 * 3, 9);
  for (auto [w, h] : {std::pair{4, 100}, {100, 4}, {1, 1}, {0, 0}, {-3, 50}}) {
    auto r = hasher.hash(ImageView{px.data(), w, h, 300, PixelFormat::kRGB8});
    ASSERT_FALSE(r.ok()) << w << "x" << h;
    EXPECT_EQ(r.status().code(), StatusCode::kImageTooSmall);
  }
  auto r = hasher.hash(ImageView{nullptr, 10, 10, 30, PixelFormat::kRGB8});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = hasher.hash(ImageView{px.data(), 10, 10, 29, PixelFormat::kRGB8});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  auto small = PdqHasher::Create({PdqFlavor::kFullRes, SimdLevel::kAuto, false, 99});
  ASSERT_TRUE(small.ok());
  r = small->hash(ImageView{px.data(), 10, 10, 30, PixelFormat::kRGB8});
  EXPECT_EQ(r.status().code(), StatusCode::kImageTooLarge);
  EXPECT_TRUE(hasher.hash(ImageView{px.data(), 5, 5, 300, PixelFormat::kRGB8}).ok());
}

TEST(PdqHasher, DihedralHashesFindRotatedAndMirroredCopies) {
  Picture p = make_picture(120, 90, 11);
  // Mirror left/right: the flipy hash of the original equals the plain hash of the mirror.
  Picture m = p;
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x)
      for (int c = 0; c < 3; ++c) m.rgb[(size_t(y) * p.w + x) * 3 + c] = p.rgb[(size_t(y) * p.w + (p.w - 1 - x)) * 3 + c];
  auto hasher = PdqHasher::Create({PdqFlavor::kFullRes, SimdLevel::kAuto, true});
  ASSERT_TRUE(hasher.ok());
  auto a = hasher->hash(ImageView{p.rgb.data(), p.w, p.h, size_t(p.w) * 3, PixelFormat::kRGB8});
  auto b = hasher->hash(ImageView{m.rgb.data(), m.w, m.h, size_t(m.w) * 3, PixelFormat::kRGB8});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LE(hamming_distance(a->dihedral[int(Dihedral::kFlipY)], b->hash), 8);
  EXPECT_GT(hamming_distance(a->hash, b->hash), 40);
}

TEST(PdqHasher, UnavailableSimdLevelIsAnErrorNotADowngrade) {
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2}) {
    auto h = PdqHasher::Create({PdqFlavor::kFullRes, l});
    EXPECT_EQ(h.ok(), simd_level_available(l));
    if (h.ok()) {
      EXPECT_EQ(h->simd_level(), l);
    } else {
      EXPECT_EQ(h.status().code(), StatusCode::kUnsupported);
    }
  }
  EXPECT_FALSE(parse_simd_level("sse9").ok());
  EXPECT_EQ(*parse_simd_level("avx2"), SimdLevel::kAvx2);
}

}  // namespace
}  // namespace hashsieve
