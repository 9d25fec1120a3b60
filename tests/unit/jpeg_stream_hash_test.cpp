// The exact mode's streamed JPEG hashing (engine/jpeg_stream_hash): the same outcome as decoding
// the whole image with OpenCV and hashing it, for every kind of JPEG and every way one breaks.
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>
#include <string>
#include <vector>

#include "common/proc_status.h"
#include "engine/image_hashing.h"
#include "engine/jpeg_stream_hash.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"
#include "tests/support/jpeg_encode.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

PdqHasher make_hasher() {
  PdqOptions o;
  o.dihedral = true;
  return std::move(*PdqHasher::Create(o));
}

cv::Mat picture(int w, int h, unsigned seed) {
  cv::Mat m(h, w, CV_8UC3);
  std::mt19937 rng(seed);
  const int cx = int(rng() % unsigned(w)), cy = int(rng() % unsigned(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(uint8_t((x * 7 + y) / 5 + rng() % 13), uint8_t(((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 97),
                                        uint8_t((y * 3) ^ x));
  return m;
}

std::vector<uint8_t> encode(const cv::Mat& m, std::vector<int> params) {
  std::vector<uint8_t> out;
  cv::imencode(".jpg", m, out, params);
  return out;
}

// Through libjpeg directly: OpenCV's encoder always subsamples chroma 2x2.
std::vector<uint8_t> encode_sampled(const cv::Mat& bgr, int h, int v) {
  return testing::encode_with_libjpeg(bgr.data, bgr.cols, bgr.rows, 3, {h, v, nullptr});
}

// What decode_image + hash give: the reference behaviour.
Result<PdqResult> via_opencv(const std::vector<uint8_t>& bytes, PdqHasher& hasher) {
  auto img = decode_image(bytes.data(), bytes.size());
  if (!img.ok()) return img.status();
  return hasher.hash(img->view());
}

void expect_same_outcome(const std::vector<uint8_t>& bytes, PdqHasher& hasher, const std::string& what) {
  SCOPED_TRACE(what);
  auto want = via_opencv(bytes, hasher);
  auto got = hash_image_bytes(bytes.data(), bytes.size(), {}, DecodeMode::kExact, hasher);
  ASSERT_EQ(got.ok(), want.ok()) << (got.ok() ? want.status() : got.status()).to_string();
  if (!want.ok()) {
    EXPECT_EQ(got.status().code(), want.status().code());
    return;
  }
  EXPECT_EQ(to_hex(got->pdq.hash), to_hex(want->hash));
  EXPECT_EQ(got->pdq.quality, want->quality);
  for (int d = 0; d < kDihedralCount; ++d) EXPECT_EQ(got->pdq.dihedral[d], want->dihedral[d]) << d;
}

TEST(JpegStreamHash, EqualsDecodeThenHashForEveryKindOfJpeg) {
  PdqHasher hasher = make_hasher();
  const cv::Mat color = picture(1031, 777, 1);
  cv::Mat gray;
  cv::cvtColor(color, gray, cv::COLOR_BGR2GRAY);
  expect_same_outcome(encode(color, {cv::IMWRITE_JPEG_QUALITY, 90}), hasher, "baseline 4:2:0");
  expect_same_outcome(encode(color, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), hasher, "progressive");
  expect_same_outcome(encode(color, {cv::IMWRITE_JPEG_OPTIMIZE, 1, cv::IMWRITE_JPEG_RST_INTERVAL, 3}), hasher,
                      "optimised Huffman tables, restart markers");
  expect_same_outcome(encode_sampled(color, 1, 1), hasher, "4:4:4");
  expect_same_outcome(encode_sampled(color, 2, 1), hasher, "4:2:2");
  expect_same_outcome(encode_sampled(color, 1, 2), hasher, "4:4:0");
  expect_same_outcome(encode(gray, {cv::IMWRITE_JPEG_QUALITY, 70}), hasher, "gray");
  expect_same_outcome(encode(picture(17, 3001, 2), {}), hasher, "17 x 3001");
  expect_same_outcome(encode(picture(3, 40, 3), {}), hasher, "too small");
  for (const char* name : {"mode-cmyk.jpg", "mode-exif-orient6.jpg", "mode-gray.jpg"}) {
    expect_same_outcome(testing::read_file(testing::data_path(std::string("pdq-vectors/images/") + name)), hasher, name);
  }
}

TEST(JpegStreamHash, TruncatedAndGarbledJpegsEndAsOpenCvEndsThem) {
  PdqHasher hasher = make_hasher();
  for (bool progressive : {false, true}) {
    const auto jpeg = encode(picture(900, 700, 5), {cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0});
    for (size_t cut : {size_t(3), size_t(200), jpeg.size() / 4, jpeg.size() / 2, jpeg.size() - 2}) {
      std::vector<uint8_t> part(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(cut));
      expect_same_outcome(part, hasher, (progressive ? "progressive cut at " : "baseline cut at ") + std::to_string(cut));
    }
    std::mt19937 rng(7);
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<uint8_t> garbled = jpeg;
      for (int i = 0; i < 50; ++i) garbled[700 + rng() % (garbled.size() - 700)] = uint8_t(rng());
      expect_same_outcome(garbled, hasher, "garbled " + std::to_string(trial));
    }
  }
}

TEST(JpegStreamHash, LeavesNonYccJpegsToOpenCvAndChecksLimits) {
  PdqHasher hasher = make_hasher();
  const auto cmyk = testing::read_file(testing::data_path("pdq-vectors/images/mode-cmyk.jpg"));
  EXPECT_EQ(hash_jpeg_streamed(cmyk.data(), cmyk.size(), {}, hasher).status().code(), StatusCode::kUnsupported);
  const auto jpeg = encode(picture(1200, 1000, 9), {});
  DecodeLimits tight;
  tight.max_pixels = 1'000'000;
  EXPECT_EQ(hash_jpeg_streamed(jpeg.data(), jpeg.size(), tight, hasher).status().code(), StatusCode::kImageTooLarge);
  tight = {};
  tight.max_width = 1199;
  EXPECT_EQ(hash_jpeg_streamed(jpeg.data(), jpeg.size(), tight, hasher).status().code(), StatusCode::kImageTooLarge);
  auto ok = hash_jpeg_streamed(jpeg.data(), jpeg.size(), {}, hasher);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->width, 1200);
  EXPECT_EQ(ok->height, 1000);
}

// The point of streaming: a 40 MP JPEG (120 MB as decoded BGR) is hashed in a few MB.
TEST(JpegStreamHash, NeverHoldsTheWholeDecodedImage) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer allocators keep freed memory resident";
#endif
  const int w = 8000, h = 5000;
  const auto jpeg = testing::encode_rows_with_libjpeg(w, h, 1, [&](int y, uint8_t* dst) {
    for (int x = 0; x < w; ++x) dst[x] = uint8_t((x / 40 + y / 30) * 7 + ((x * y) >> 12));
  });
  PdqHasher hasher = make_hasher();
  if (!reset_peak_rss() || proc_status_kib("VmHWM") <= 0) GTEST_SKIP() << "peak RSS cannot be reset here";
  const double before = proc_status_kib("VmHWM");
  auto r = hash_image_bytes(jpeg.data(), jpeg.size(), {}, DecodeMode::kExact, hasher);
  const size_t growth_mib = size_t((proc_status_kib("VmHWM") - before) / 1024);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->width, w);
  EXPECT_LT(growth_mib, 40u) << "a whole decoded image would be " << size_t(w) * h * 3 / 1048576 << " MiB";
}

// hash_rows itself: a source that fails abandons the hash; one that delivers gives hash().
TEST(PdqHashRows, FailingSourceIsAnErrorAndAGoodOneGivesTheSameHash) {
  PdqHasher hasher = make_hasher();
  const cv::Mat m = picture(333, 251, 4);
  const ImageView v{m.data, m.cols, m.rows, m.step[0], PixelFormat::kBGR8};
  auto want = hasher.hash(v);
  ASSERT_TRUE(want.ok());
  int next_row = 0;
  auto got = hasher.hash_rows(m.cols, m.rows, PixelFormat::kBGR8, [&](int y0, int rows, uint8_t* dst, size_t stride) {
    EXPECT_EQ(y0, next_row);
    next_row = y0 + rows;
    for (int r = 0; r < rows; ++r) std::copy(m.ptr(y0 + r), m.ptr(y0 + r) + size_t(m.cols) * 3, dst + size_t(r) * stride);
    return true;
  });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(next_row, m.rows);
  EXPECT_EQ(got->hash, want->hash);
  EXPECT_EQ(got->dihedral, want->dihedral);
  auto failed = hasher.hash_rows(m.cols, m.rows, PixelFormat::kBGR8,
                                 [&](int y0, int, uint8_t*, size_t) { return y0 < 100; });
  EXPECT_EQ(failed.status().code(), StatusCode::kDecodeFailed);
  EXPECT_EQ(hasher.hash_rows(4, 100, PixelFormat::kBGR8, nullptr).status().code(), StatusCode::kImageTooSmall);
  EXPECT_EQ(hasher.hash_rows(100, 100, PixelFormat::kBGR8, nullptr).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hashsieve
