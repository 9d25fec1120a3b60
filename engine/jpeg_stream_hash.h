// The exact mode's JPEG path: libjpeg-turbo decodes with the settings OpenCV's JPEG decoder uses
// (BGR output, default IDCT and upsampling), and the hasher takes the scanlines a strip at a
// time. The hash is bit for bit the one decode_image() + PdqHasher::hash() give, without the
// whole decoded image in memory: less memory per item, and no full-size buffer written out and
// read back (the larger part of the cost of hashing a decoded image). Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/image_hashing.h"

namespace hashsieve {

// YCbCr and gray JPEGs only: kUnsupported for the others (CMYK, YCCK, RGB), which the caller
// decodes through OpenCV. The dimensions are checked against `limits` from libjpeg's own
// header before any pixel is decoded. Errors: kDecodeFailed, kImageTooLarge, kImageTooSmall.
// decode_seconds, when given, receives the time spent inside libjpeg-turbo.
Result<HashedImage> hash_jpeg_streamed(const uint8_t* data, size_t size, const DecodeLimits& limits, PdqHasher& hasher,
                                       double* decode_seconds = nullptr);

}  // namespace hashsieve
