// Hostile and unusual image bytes through decode_image + PdqHasher: every input ends in a valid
// hash or a clear error, never a crash, a hang or a huge allocation.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"
#include "tests/support/png_chunks.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

using testing::kPngSignature;
using testing::png_chunk;
using testing::png_ihdr;

Result<PdqResult> hash_bytes(const std::vector<uint8_t>& bytes, const DecodeLimits& limits = {}) {
  auto img = decode_image(bytes.data(), bytes.size(), limits);
  if (!img.ok()) return img.status();
  auto hasher = PdqHasher::Create(PdqOptions{.dihedral = true});
  if (!hasher.ok()) return hasher.status();
  return hasher->hash(img->view());
}

std::vector<uint8_t> hostile(const std::string& name) { return testing::read_file(testing::data_path("hostile/" + name)); }

std::vector<uint8_t> encode(const cv::Mat& m, const std::string& ext) {
  std::vector<uint8_t> out;
  cv::imencode(ext, m, out);
  return out;
}

// Either outcome is acceptable for damaged input; what is not: a crash, or "ok" without a hash.
void expect_hash_or_clear_error(const std::vector<uint8_t>& bytes, const std::string& what) {
  auto r = hash_bytes(bytes);
  if (r.ok()) {
    EXPECT_GE(r->quality, 0) << what;
    EXPECT_LE(r->quality, 100) << what;
  } else {
    EXPECT_TRUE(r.status().code() == StatusCode::kDecodeFailed || r.status().code() == StatusCode::kImageTooSmall)
        << what << ": " << r.status().to_string();
    EXPECT_FALSE(r.status().message().empty()) << what;
  }
}

// Peak RSS (KiB) of a forked child that runs `fn`, minus the RSS it inherited. The child exits
// with 0 when fn returned true.
std::pair<long, bool> child_peak_rss_growth_kib(const std::function<bool()>& fn) {
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const pid_t pid = fork();
  if (pid == 0) _exit(fn() ? 0 : 1);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  return {ru.ru_maxrss - before.ru_maxrss, WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

TEST(HostileImages, ZeroBytesIsADecodeError) {
  EXPECT_EQ(decode_image(nullptr, 0).status().code(), StatusCode::kDecodeFailed);
  const uint8_t b = 0;
  EXPECT_EQ(decode_image(&b, 0).status().code(), StatusCode::kDecodeFailed);
}

TEST(HostileImages, TruncatedJpegAndPngNeverCrash) {
  for (const char* name : {"pdq-vectors/images/photo-horse-q85.jpg", "pdq-vectors/images/mode-rgb.png",
                           "hostile/progressive.jpg", "hostile/arithmetic.jpg", "hostile/rgb16.png"}) {
    const auto full = testing::read_file(testing::data_path(name));
    ASSERT_GT(full.size(), 100u) << name;
    for (size_t keep : {size_t{1}, size_t{3}, size_t{8}, size_t{20}, size_t{33}, full.size() / 4, full.size() / 2,
                        full.size() - 2, full.size() - 1}) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + keep);
      expect_hash_or_clear_error(cut, std::string(name) + " cut to " + std::to_string(keep));
    }
  }
}

TEST(HostileImages, HugeDeclaredPngIsRefusedBeforeAllocating) {
  auto png = kPngSignature;
  for (auto& c : {png_ihdr(65535, 65535), png_chunk("IDAT", {0x78, 0x9C, 0x03, 0x00}), png_chunk("IEND", {})})
    png.insert(png.end(), c.begin(), c.end());
  const auto t0 = std::chrono::steady_clock::now();
  auto r = decode_image(png.data(), png.size());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kImageTooLarge) << r.status().to_string();
  // 65535^2 RGB is 12 GiB; the refusal must not touch even a fraction of it.
  auto [growth_kib, refused] = child_peak_rss_growth_kib(
      [&] { return decode_image(png.data(), png.size()).status().code() == StatusCode::kImageTooLarge; });
  EXPECT_TRUE(refused);
  EXPECT_LT(growth_kib, 32 * 1024);
}

TEST(HostileImages, HugeDeclaredJpegIsRefusedBeforeAllocating) {
  // SOI | SOF0: length 11, 8-bit, height 65535, width 65535, 1 component | EOI
  const std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
  auto r = decode_image(jpeg.data(), jpeg.size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kImageTooLarge) << r.status().to_string();
  auto [growth_kib, refused] = child_peak_rss_growth_kib(
      [&] { return decode_image(jpeg.data(), jpeg.size()).status().code() == StatusCode::kImageTooLarge; });
  EXPECT_TRUE(refused);
  EXPECT_LT(growth_kib, 32 * 1024);
}

TEST(HostileImages, HugeTextChunkDoesNotStopHashing) {
  const auto plain = hostile("plain.png");
  auto want = hash_bytes(plain);
  ASSERT_TRUE(want.ok()) << want.status().to_string();
  // signature(8) + IHDR chunk(25), then a 50 MB tEXt chunk, then the rest of the file.
  std::vector<uint8_t> text(50u << 20, 'x');
  const char key[] = "Comment";
  std::copy(key, key + sizeof key, text.begin());  // keyword and its NUL separator
  const auto chunk = png_chunk("tEXt", text);
  std::vector<uint8_t> png(plain.begin(), plain.begin() + 33);
  png.insert(png.end(), chunk.begin(), chunk.end());
  png.insert(png.end(), plain.begin() + 33, plain.end());
  const auto t0 = std::chrono::steady_clock::now();
  auto got = hash_bytes(png);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  // libpng caps ancillary chunk sizes and skips the chunk; the pixels are intact.
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->hash, want->hash);
}

TEST(HostileImages, OnePixelWideOrTallIsTooSmall) {
  for (auto [w, h] : {std::pair{1, 64}, {64, 1}, {1, 1}, {4, 300}}) {
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(10, 200, 30));
    for (const char* ext : {".png", ".jpg", ".bmp"}) {
      auto r = hash_bytes(encode(m, ext));
      ASSERT_FALSE(r.ok()) << w << "x" << h << ext;
      EXPECT_EQ(r.status().code(), StatusCode::kImageTooSmall) << w << "x" << h << ext << ": " << r.status().to_string();
    }
  }
}

// Each unusual encoding of the same picture decodes and hashes close to the plain PNG.
TEST(HostileImages, UnusualEncodingsHashCloseToThePlainPicture) {
  auto want = hash_bytes(hostile("plain.png"));
  ASSERT_TRUE(want.ok()) << want.status().to_string();
  for (const char* name : {"rgb16.png", "palette.png", "gray-alpha.png", "cmyk.jpg", "progressive.jpg", "arithmetic.jpg"}) {
    auto got = hash_bytes(hostile(name));
    ASSERT_TRUE(got.ok()) << name << ": " << got.status().to_string();
    EXPECT_LE(hamming_distance(got->hash, want->hash), 16) << name;
    EXPECT_TRUE(got->has_dihedral) << name;
  }
}

TEST(HostileImages, GarbageAfterAValidMagicIsADecodeError) {
  for (std::vector<uint8_t> bytes : {std::vector<uint8_t>{0xFF, 0xD8, 0xFF}, std::vector<uint8_t>(kPngSignature),
                                     std::vector<uint8_t>{'B', 'M'}, std::vector<uint8_t>{'P', '6', ' ', '9', ' '}}) {
    bytes.resize(bytes.size() + 64, 0xA5);
    expect_hash_or_clear_error(bytes, "garbage");
    EXPECT_FALSE(hash_bytes(bytes).ok());
  }
}

}  // namespace
}  // namespace hashsieve
