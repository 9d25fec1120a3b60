// The decode plan reads a JPEG's colour space from its header as libjpeg does, so that each
// upload is dispatched once: checked against libjpeg's own reading on every JPEG kind.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/decode_plan.h"
#include "engine/image_hashing.h"
#include "engine/jpeg_decompressor.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

// A 3-component JPEG stored as RGB: with libjpeg's Adobe marker (transform 0), or with only its
// 'R','G','B' component ids to say so.
std::vector<uint8_t> rgb_jpeg(bool adobe_marker) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = 64;
  c.image_height = 48;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_colorspace(&c, JCS_RGB);
  c.write_JFIF_header = FALSE;
  c.write_Adobe_marker = adobe_marker ? TRUE : FALSE;
  jpeg_start_compress(&c, TRUE);
  std::vector<uint8_t> line(64 * 3);
  while (c.next_scanline < c.image_height) {
    for (size_t x = 0; x < line.size(); ++x) line[x] = uint8_t(x * 3 + c.next_scanline * 5);
    JSAMPROW p = line.data();
    jpeg_write_scanlines(&c, &p, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

// libjpeg's own answer: does hashsieve decode this colour space itself?
bool libjpeg_says_ycc_or_gray(const std::vector<uint8_t>& jpeg) {
  JpegDecompressor d;
  Status refusal = Status::Ok();
  EXPECT_TRUE(open_ycc_jpeg(d, jpeg.data(), jpeg.size(), JpegDataEnd::kSuspend, DecodeLimits{}, refusal));
  return refusal.ok();
}

TEST(DecodePlan, JpegColourSpaceAsLibjpegReadsIt) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> jpegs;
  for (const auto& e : std::filesystem::directory_iterator(testing::data_path("pdq-vectors/images")))
    if (e.path().extension() == ".jpg") jpegs.emplace_back(e.path().filename().string(), testing::read_file(e.path().string()));
  jpegs.emplace_back("rgb-adobe", rgb_jpeg(true));
  jpegs.emplace_back("rgb-ids", rgb_jpeg(false));
  int opencv = 0, rows = 0;
  for (const auto& [name, bytes] : jpegs) {
    auto plan = plan_decode(bytes.data(), bytes.size(), {}, DecodeMode::kExact, PdqFlavor::kFullRes);
    ASSERT_TRUE(plan.ok()) << name;
    const bool ours = libjpeg_says_ycc_or_gray(bytes);
    EXPECT_EQ(plan->path, ours ? DecodePath::kJpegRows : DecodePath::kOpenCv) << name;
    (ours ? rows : opencv)++;
  }
  EXPECT_GE(opencv, 3);  // CMYK, RGB with Adobe marker, RGB by component ids
  EXPECT_GT(rows, 100);
}

TEST(DecodePlan, RgbJpegsHashAsOpenCvDecodesThem) {
  PdqHasher hasher;
  for (bool adobe : {true, false}) {
    const auto jpeg = rgb_jpeg(adobe);
    auto via_scan = hash_image_bytes(jpeg.data(), jpeg.size(), {}, DecodeMode::kExact, hasher);
    auto img = decode_image(jpeg.data(), jpeg.size());
    ASSERT_TRUE(via_scan.ok() && img.ok());
    EXPECT_EQ(via_scan->pdq.hash, hasher.hash(img->view())->hash);
  }
}

TEST(DecodePlan, FastModePicksBlockMeansOnlyForLargeYccJpegsAtFullResolution) {
  const auto large = testing::read_file(testing::data_path("pdq-vectors/images/photo-astronaut-x3-q90.jpg"));
  auto fast = plan_decode(large.data(), large.size(), {}, DecodeMode::kFastJpeg, PdqFlavor::kFullRes);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(fast->path, DecodePath::kJpegBlockMeans);
  EXPECT_GT(fast->block, 1);
  auto cli512 = plan_decode(large.data(), large.size(), {}, DecodeMode::kFastJpeg, PdqFlavor::kCli512);
  EXPECT_EQ(cli512->path, DecodePath::kJpegRows);
  const auto png = testing::read_file(testing::data_path("pdq-vectors/images/mode-rgb.png"));
  EXPECT_EQ(plan_decode(png.data(), png.size(), {}, DecodeMode::kFastJpeg, PdqFlavor::kFullRes)->path,
            DecodePath::kOpenCv);
  DecodeLimits tight;
  tight.max_pixels = 100;
  EXPECT_EQ(plan_decode(png.data(), png.size(), tight, DecodeMode::kExact, PdqFlavor::kFullRes).status().code(),
            StatusCode::kImageTooLarge);
}

}  // namespace
}  // namespace hashsieve
