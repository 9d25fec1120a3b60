// Image decoding for hashing: bytes in memory -> RGB8 pixels, with limits checked before any
// pixel is decoded so that decompression bombs are refused cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hashsieve/export.h"
#include "hashsieve/image.h"
#include "hashsieve/status.h"

namespace hashsieve {

struct DecodeLimits {
  size_t max_bytes = size_t{256} << 20;  // 256 MiB of encoded input
  uint32_t max_width = 65500;
  uint32_t max_height = 65500;
  uint64_t max_pixels = 100'000'000;  // 100 MP: ~300 MB of decoded pixels
};

enum class DecodeMode {
  kExact,  // full size: the canonical PDQ input
  // Large JPEGs: only the luma, at 1/2, 1/4 or 1/8 scale, computed in the DCT domain, so each
  // pixel is the mean of a block of the full image (DecodedImage::block); progressive JPEGs at
  // 1/8 read only their DC scans. PdqHasher::hash_block_means turns that into a hash close to,
  // not equal to, the canonical one, so results must be labelled non-canonical. Other formats,
  // small JPEGs and JPEGs that are neither YCbCr nor gray decode exactly.
  kFastJpeg,
};

// Decoded pixels, released with the last copy of this object.
struct DecodedImage {
  std::shared_ptr<const void> owner;  // keeps the pixel memory alive
  ImageView pixels;                   // BGR8 at full size, or GRAY8 block means (block > 1)
  bool reduced = false;               // block means (DecodeMode::kFastJpeg): not canonical
  int block = 1;                      // each pixel is the mean of a block x block square
  int full_width = 0, full_height = 0;  // the image's own size
  const ImageView& view() const noexcept { return pixels; }
};

// What the container header says, nothing decoded: format ("jpeg", "png", "bmp", "webp",
// "tiff", "pnm") and the stored dimensions (EXIF orientation not applied).
struct ImageInfo {
  const char* format = "unknown";
  uint32_t width = 0, height = 0;
};
// kDecodeFailed for an unrecognised format or a truncated or malformed header.
HASHSIEVE_API Result<ImageInfo> probe_image(const uint8_t* data, size_t size) noexcept;

// Decodes like the PDQ vectors do (OpenCV, EXIF orientation ignored, alpha dropped, gray
// expanded, 16-bit reduced to 8). Errors: kImageTooLarge (a limit), kDecodeFailed (not an
// image, corrupt, truncated, unsupported format).
HASHSIEVE_API Result<DecodedImage> decode_image(const uint8_t* data, size_t size, const DecodeLimits& limits = {},
                                  DecodeMode mode = DecodeMode::kExact);

}  // namespace hashsieve
