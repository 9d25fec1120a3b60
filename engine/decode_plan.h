// How one upload is decoded, decided once from its container header: the header is read once
// (format, dimensions checked against the limits, a JPEG's colour space) and the plan names the
// one decoder that runs. Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/image_header.h"
#include "hashsieve/decode.h"
#include "hashsieve/pdq.h"

namespace hashsieve {

enum class DecodePath {
  kJpegRows,        // libjpeg-turbo, rows streamed into the hasher (exact)
  kJpegBlockMeans,  // libjpeg-turbo, luma block means in the DCT domain (fast mode)
  kOpenCv,          // OpenCV's imdecode: every other format, and RGB / CMYK / YCCK JPEGs
};

struct DecodePlan {
  ImageHeader header;
  DecodePath path = DecodePath::kOpenCv;
  int block = 1;  // kJpegBlockMeans: 2, 4 or 8
};

// Size, container header and declared dimensions (check_upload), then the path: a YCbCr or gray
// JPEG is decoded by hashsieve (block means when `mode` is kFastJpeg, `flavor` is full
// resolution and the image is large enough for fast_jpeg_block), anything else by OpenCV.
// Errors: those of check_upload (kDecodeFailed, kImageTooLarge).
Result<DecodePlan> plan_decode(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                               PdqFlavor flavor);

// OpenCV's decode of bytes whose header the plan has already checked (BGR8, full size).
Result<DecodedImage> decode_with_opencv(const uint8_t* data, size_t size, const DecodeLimits& limits);

}  // namespace hashsieve
