// The fast JPEG mode: luma block means decoded in the DCT domain (engine/jpeg_block_means) and
// the hasher's approximation of the full-size filter from them (PdqHasher::hash_block_means).
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/image_hashing.h"
#include "hashers/pdq_block_filter.h"
#include "hashers/pdq_tent_filter.h"
#include "engine/image_header.h"
#include "engine/jpeg_block_means.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"
#include "tests/support/jpeg_encode.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

using testing::data_path;
using testing::read_file;

PdqHasher make_hasher(PdqFlavor flavor = PdqFlavor::kFullRes) {
  PdqOptions o;
  o.dihedral = true;
  o.flavor = flavor;
  return std::move(*PdqHasher::Create(o));
}

// A gray picture with structure at several scales: a few random waves plus noise.
std::vector<uint8_t> smooth_gray(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double fx[4], fy[4], ph[4];
  for (int i = 0; i < 4; ++i) {
    fx[i] = (1 + 9 * u(rng)) * 2 * M_PI / w;
    fy[i] = (1 + 9 * u(rng)) * 2 * M_PI / h;
    ph[i] = 6 * u(rng);
  }
  std::vector<uint8_t> px(size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double v = 128;
      for (int i = 0; i < 4; ++i) v += 28 * std::sin(fx[i] * x + fy[i] * y + ph[i]);
      v += 10 * (u(rng) - 0.5);
      px[size_t(y) * w + x] = uint8_t(std::clamp(v, 0.0, 255.0));
    }
  return px;
}

std::vector<uint8_t> encode_jpeg(const cv::Mat& m, bool progressive, int quality = 92) {
  std::vector<uint8_t> out;
  cv::imencode(".jpg", m, out, {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0});
  return out;
}

cv::Mat color_picture(int w, int h, unsigned seed) {
  const auto g = smooth_gray(w, h, seed), r = smooth_gray(w, h, seed + 1);
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + x;
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(uint8_t((g[i] + r[i]) / 2), g[i], r[i]);
    }
  return m;
}

// When the full image is constant on each block, block means lose nothing: the approximation
// must then give the full-size hash (up to float rounding of the same sums in another order).
TEST(BlockMeansHash, BlockConstantImageGivesTheFullSizeHash) {
  PdqHasher hasher = make_hasher();
  struct Case {
    int w, h, block;
  };
  for (const Case c : {Case{1000, 700, 2}, Case{2050, 1531, 4}, Case{3001, 2003, 8}, Case{640, 4000, 8}}) {
    SCOPED_TRACE(std::to_string(c.w) + "x" + std::to_string(c.h) + " block " + std::to_string(c.block));
    const int rw = (c.w + c.block - 1) / c.block, rh = (c.h + c.block - 1) / c.block;
    const auto reduced = smooth_gray(rw, rh, unsigned(c.w));
    std::vector<uint8_t> full(size_t(c.w) * c.h);
    for (int y = 0; y < c.h; ++y)
      for (int x = 0; x < c.w; ++x) full[size_t(y) * c.w + x] = reduced[size_t(y / c.block) * rw + x / c.block];
    auto exact = hasher.hash({full.data(), c.w, c.h, size_t(c.w), PixelFormat::kGray8});
    ASSERT_TRUE(exact.ok()) << exact.status().to_string();
    auto approx = hasher.hash_block_means({reduced.data(), rw, rh, size_t(rw), PixelFormat::kGray8}, c.w, c.h, c.block);
    ASSERT_TRUE(approx.ok()) << approx.status().to_string();
    EXPECT_NEAR(approx->quality, exact->quality, 1);
    for (int d = 0; d < kDihedralCount; ++d)
      EXPECT_LE(hamming_distance(approx->dihedral[d], exact->dihedral[d]), 4) << dihedral_name(Dihedral(d));
  }
}

// The same, one level down: the 64x64 filtered samples themselves, which the hash bits hide.
TEST(BlockMeansHash, BlockConstantImageGivesTheFullSizeFilterOutput) {
  const pdq::Kernels& k = pdq::kernels_for(SimdLevel::kScalar);
  for (const int block : {2, 4, 8}) {
    const int w = 1501 + block, h = 997;
    SCOPED_TRACE("block " + std::to_string(block));
    const int rw = (w + block - 1) / block, rh = (h + block - 1) / block;
    const auto reduced = smooth_gray(rw, rh, unsigned(block));
    std::vector<uint8_t> full(size_t(w) * h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) full[size_t(y) * w + x] = reduced[size_t(y / block) * rw + x / block];
    const ImageView fv{full.data(), w, h, size_t(w), PixelFormat::kGray8};
    pdq::Block64 exact, approx;
    pdq::TentScratch ts;
    pdq::tent_filter_decimate(k, [&](int y0, int rows, float* out) { k.luma_rows(fv, y0, rows, out); }, h, w, exact, ts);
    pdq::BlockFilterScratch bs;
    pdq::block_filter_decimate(k, {reduced.data(), rw, rh, size_t(rw), PixelFormat::kGray8}, w, h, block, approx, bs);
    float worst = 0;
    for (size_t i = 0; i < exact.size(); ++i) worst = std::max(worst, std::abs(exact[i] - approx[i]));
    EXPECT_LT(worst, 0.01f);
  }
}

TEST(BlockMeansHash, RefusesWhatItCannotApproximate) {
  PdqHasher hasher = make_hasher();
  const auto px = smooth_gray(100, 80, 1);
  const ImageView v{px.data(), 100, 80, 100, PixelFormat::kGray8};
  EXPECT_EQ(hasher.hash_block_means(v, 800, 640, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.hash_block_means(v, 800, 641, 8).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.hash_block_means(v, 400, 320, 8).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(hasher.hash_block_means(v, 800, 640, 8).ok());
  EXPECT_TRUE(hasher.hash_block_means(v, 793, 633, 8).ok());
  const ImageView tiny{px.data(), 1, 1, 1, PixelFormat::kGray8};
  EXPECT_EQ(hasher.hash_block_means(tiny, 4, 4, 4).status().code(), StatusCode::kImageTooSmall);
  PdqHasher cli = make_hasher(PdqFlavor::kCli512);
  EXPECT_EQ(cli.hash_block_means(v, 800, 640, 8).status().code(), StatusCode::kInvalidArgument);
}

TEST(FastJpegBlock, RuleFollowsTheFilterWindow) {
  // window = ceil(shorter side / 128); the block is at most window / 1.5
  EXPECT_EQ(fast_jpeg_block(400, 256), 1);     // window 2 < 1.5 x 2
  EXPECT_EQ(fast_jpeg_block(400, 257), 2);     // window 3
  EXPECT_EQ(fast_jpeg_block(800, 640), 2);     // window 5 < 1.5 x 4
  EXPECT_EQ(fast_jpeg_block(1000, 700), 4);    // window 6
  EXPECT_EQ(fast_jpeg_block(1600, 1400), 4);   // window 11 < 1.5 x 8
  EXPECT_EQ(fast_jpeg_block(2000, 1500), 8);   // window 12
  EXPECT_EQ(fast_jpeg_block(4000, 3000), 8);
  EXPECT_EQ(fast_jpeg_block(1200, 9000), 4);   // the shorter side decides
}

// Mean absolute difference between block means decoded by libjpeg and block averages of the
// full-size luma (Y) decoded by OpenCV.
double mean_abs_vs_full_luma(const std::vector<uint8_t>& jpeg, const BlockMeans& m) {
  const cv::Mat y = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE | cv::IMREAD_IGNORE_ORIENTATION);
  double total = 0;
  for (int by = 0; by < m.height; ++by)
    for (int bx = 0; bx < m.width; ++bx) {
      double sum = 0;
      int n = 0;
      for (int yy = by * m.block; yy < std::min(y.rows, (by + 1) * m.block); ++yy)
        for (int xx = bx * m.block; xx < std::min(y.cols, (bx + 1) * m.block); ++xx, ++n) sum += y.at<uint8_t>(yy, xx);
      total += std::abs(sum / n - m.pixels[size_t(by) * m.width + bx]);
    }
  return total / (double(m.width) * m.height);
}

TEST(JpegBlockMeans, AreTheBlockAveragesOfTheLuma) {
  const cv::Mat picture = color_picture(1203, 907, 7);
  for (bool progressive : {false, true}) {
    const auto jpeg = encode_jpeg(picture, progressive);
    for (int block : {2, 4, 8}) {
      SCOPED_TRACE(std::string(progressive ? "progressive" : "baseline") + " block " + std::to_string(block));
      auto m = decode_jpeg_block_means(jpeg.data(), jpeg.size(), block, {});
      ASSERT_TRUE(m.ok()) << m.status().to_string();
      EXPECT_EQ(m->full_width, 1203);
      EXPECT_EQ(m->full_height, 907);
      EXPECT_EQ(m->width, (1203 + block - 1) / block);
      EXPECT_EQ(m->height, (907 + block - 1) / block);
      EXPECT_EQ(m->dc_only, progressive && block == 8);
      EXPECT_LT(mean_abs_vs_full_luma(jpeg, *m), 1.5);
    }
  }
}

TEST(JpegBlockMeans, ProgressiveDcOnlyMatchesTheFullDecodeAtOneEighth) {
  const cv::Mat picture = color_picture(2400, 1700, 11);
  const auto prog = encode_jpeg(picture, true), base = encode_jpeg(picture, false);
  auto dc = decode_jpeg_block_means(prog.data(), prog.size(), 8, {});
  auto full = decode_jpeg_block_means(base.data(), base.size(), 8, {});
  ASSERT_TRUE(dc.ok() && full.ok());
  EXPECT_TRUE(dc->dc_only);
  EXPECT_FALSE(full->dc_only);
  ASSERT_EQ(dc->pixels.size(), full->pixels.size());
  double sum = 0;
  int worst = 0;
  for (size_t i = 0; i < dc->pixels.size(); ++i) {
    const int d = std::abs(int(dc->pixels[i]) - int(full->pixels[i]));
    sum += d;
    worst = std::max(worst, d);
  }
  EXPECT_LT(sum / double(dc->pixels.size()), 1.0);
  EXPECT_LE(worst, 4);
}

TEST(JpegBlockMeans, AutomaticBlockAndWhatItLeavesToTheExactDecoder) {
  const auto small = encode_jpeg(color_picture(400, 250, 3), false);
  EXPECT_EQ(decode_jpeg_block_means(small.data(), small.size(), 0, {}).status().code(), StatusCode::kUnsupported);
  const auto cmyk = read_file(data_path("pdq-vectors/images/mode-cmyk.jpg"));
  EXPECT_EQ(decode_jpeg_block_means(cmyk.data(), cmyk.size(), 2, {}).status().code(), StatusCode::kUnsupported);
  const auto large = encode_jpeg(color_picture(2100, 1600, 5), true);
  auto m = decode_jpeg_block_means(large.data(), large.size(), 0, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->block, 8);
  EXPECT_TRUE(m->dc_only);
  EXPECT_EQ(decode_jpeg_block_means(large.data(), large.size(), 3, {}).status().code(), StatusCode::kInvalidArgument);
  DecodeLimits tight;
  tight.max_pixels = 1'000'000;
  EXPECT_EQ(decode_jpeg_block_means(large.data(), large.size(), 0, tight).status().code(), StatusCode::kImageTooLarge);
}

TEST(JpegBlockMeans, TruncatedAndGarbledInputsGiveAnErrorOrAnImageNeverACrash) {
  for (bool progressive : {false, true}) {
    const auto jpeg = encode_jpeg(color_picture(2100, 1600, 9), progressive);
    for (size_t cut : {size_t(2), size_t(20), size_t(300), jpeg.size() / 3, jpeg.size() - 10}) {
      SCOPED_TRACE(std::to_string(cut) + (progressive ? " progressive" : " baseline"));
      auto m = decode_jpeg_block_means(jpeg.data(), cut, 0, {});
      if (m.ok()) {
        EXPECT_EQ(m->pixels.size(), size_t(m->width) * m->height);
      } else {
        EXPECT_EQ(m.status().code(), StatusCode::kDecodeFailed) << m.status().to_string();
      }
    }
    std::vector<uint8_t> garbled = jpeg;
    std::mt19937 rng(progressive);
    for (int i = 0; i < 200; ++i) garbled[600 + rng() % (garbled.size() - 600)] = uint8_t(rng());
    auto m = decode_jpeg_block_means(garbled.data(), garbled.size(), 0, {});
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), StatusCode::kDecodeFailed);
    }
  }
}

// A legal progressive gray JPEG with 128 scans: DC, DC refinement, then each AC coefficient in
// its own scan, first and refinement pass.
std::vector<uint8_t> many_scan_jpeg(int w, int h) {
  std::vector<jpeg_scan_info> scans;
  scans.push_back({1, {0}, 0, 0, 0, 1});
  scans.push_back({1, {0}, 0, 0, 1, 0});
  for (int k = 1; k < 64; ++k) scans.push_back({1, {0}, k, k, 0, 1});
  for (int k = 1; k < 64; ++k) scans.push_back({1, {0}, k, k, 1, 0});
  const auto px = smooth_gray(w, h, 4);
  return testing::encode_with_libjpeg(px.data(), w, h, 1, {2, 2, &scans});
}

TEST(JpegBlockMeans, TooManyScansAreRefusedUnlessOnlyTheDcScansAreRead) {
  const auto jpeg = many_scan_jpeg(1600, 1600);
  auto full = decode_jpeg_block_means(jpeg.data(), jpeg.size(), 4, {});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kDecodeFailed);
  EXPECT_NE(full.status().message().find("scans"), std::string::npos) << full.status().to_string();
  auto dc = decode_jpeg_block_means(jpeg.data(), jpeg.size(), 8, {});
  ASSERT_TRUE(dc.ok()) << dc.status().to_string();
  EXPECT_TRUE(dc->dc_only);
}

TEST(FastDecode, LabelsReducedImagesAndDecodesTheRestExactly) {
  const auto large = encode_jpeg(color_picture(2400, 1800, 21), false);
  auto fast = decode_image(large.data(), large.size(), {}, DecodeMode::kFastJpeg);
  ASSERT_TRUE(fast.ok());
  EXPECT_TRUE(fast->reduced);
  EXPECT_EQ(fast->view().format, PixelFormat::kGray8);
  EXPECT_EQ(fast->full_width, 2400);
  EXPECT_EQ(fast->full_height, 1800);
  EXPECT_EQ(fast->view().width, (2400 + fast->block - 1) / fast->block);
  for (const char* name : {"mode-cmyk.jpg", "photo-chelsea-half.jpg", "mode-l.png"}) {
    SCOPED_TRACE(name);
    const auto bytes = read_file(data_path(std::string("pdq-vectors/images/") + name));
    auto img = decode_image(bytes.data(), bytes.size(), {}, DecodeMode::kFastJpeg);
    ASSERT_TRUE(img.ok()) << img.status().to_string();
    EXPECT_FALSE(img->reduced);
    EXPECT_EQ(img->block, 1);
  }
}

// The gate for offering the fast mode at all: within mean 4 and p95 10 bits of the
// exact hash. Measured on the vectors the mode reduces (and, with the bench, on real photos).
TEST(FastDecode, StaysCloseToTheExactHashOnTheVectors) {
  PdqHasher hasher = make_hasher();
  std::vector<int> distances;
  for (const auto& row : testing::read_csv(data_path("pdq-vectors/manifest.csv"))) {
    const std::string file = row.at("file");
    if (file.size() < 4 || file.substr(file.size() - 4) != ".jpg") continue;
    const auto bytes = read_file(data_path("pdq-vectors/images/" + file));
    auto fast = decode_image(bytes.data(), bytes.size(), {}, DecodeMode::kFastJpeg);
    ASSERT_TRUE(fast.ok()) << file;
    if (!fast->reduced) continue;
    auto exact = decode_image(bytes.data(), bytes.size(), {}, DecodeMode::kExact);
    ASSERT_TRUE(exact.ok()) << file;
    auto hf = hash_decoded(*fast, hasher), he = hash_decoded(*exact, hasher);
    ASSERT_TRUE(hf.ok() && he.ok()) << file;
    distances.push_back(hamming_distance(hf->hash, he->hash));
    EXPECT_LE(distances.back(), 16) << file;
  }
  ASSERT_GE(distances.size(), 10u);
  std::sort(distances.begin(), distances.end());
  double mean = 0;
  for (int d : distances) mean += d;
  mean /= double(distances.size());
  EXPECT_LE(mean, 4.0);
  EXPECT_LE(distances[size_t(std::ceil(0.95 * double(distances.size()))) - 1], 10);
}

}  // namespace
}  // namespace hashsieve
