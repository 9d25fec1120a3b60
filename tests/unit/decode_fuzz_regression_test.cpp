// Findings of the decode_hash fuzzer, kept as regression tests.
#include <gtest/gtest.h>

#include "engine/image_header.h"
#include "hashsieve/decode.h"
#include "tests/support/test_data.h"

namespace hashsieve {
namespace {

// "P5\n12# 9\n255\n...": the header check read 12x255 while OpenCV decodes 12x9, so the size
// checked before decoding was not the size decoded. Both must agree.
TEST(DecodeFuzzRegression, PnmHashRightAfterANumberIsReadAsOpenCvReadsIt) {
  auto bytes = testing::read_file(testing::data_path("fuzz-regressions/decode_hash-pnm-hash-after-number"));
  ASSERT_FALSE(bytes.empty());
  auto header = sniff_image_header(bytes.data(), bytes.size());
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  auto img = decode_image(bytes.data(), bytes.size());
  ASSERT_TRUE(img.ok()) << img.status().to_string();
  EXPECT_EQ(uint32_t(img->view().width), header->width);
  EXPECT_EQ(uint32_t(img->view().height), header->height);
  EXPECT_EQ(header->width, 12u);
  EXPECT_EQ(header->height, 9u);
}

}  // namespace
}  // namespace hashsieve
