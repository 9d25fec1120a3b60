// Image container sniffing: format and declared dimensions from the first bytes of an upload,
// without decoding any pixels. Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hashsieve/status.h"

namespace hashsieve {

enum class ImageFormat { kJpeg, kPng, kBmp, kWebp, kTiff, kPnm, kUnknown };

// Short lower-case name, e.g. "jpeg"; "unknown" for kUnknown or an out-of-range value.
const char* image_format_name(ImageFormat format) noexcept;

// A JPEG's colour space as libjpeg will infer it from the markers before the first scan (JFIF,
// Adobe transform, component count and ids), so that the decode plan is made once.
enum class JpegColor {
  kNotJpeg,
  kYccOrGray,  // YCbCr or grayscale: decoded by hashsieve itself (streamed or block means)
  kOther,      // RGB, CMYK, YCCK or unknown: decoded by OpenCV
  kUndecided,  // the header ends before the first scan: libjpeg will refuse it
};

struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  uint32_t width = 0;
  uint32_t height = 0;
  JpegColor jpeg_color = JpegColor::kNotJpeg;
};

// Reads only the container headers (no pixel decoding) to learn format and dimensions, so the
// caller can refuse decompression bombs before OpenCV allocates anything.
//
// The format comes from magic bytes only. Every read is bounds-checked against `size`; the
// buffer may be truncated, garbage or hostile. On success width and height are both > 0 and are
// the stored dimensions (EXIF orientation is not applied). Errors:
//   kDecodeFailed    unrecognised magic, truncated or malformed header, zero dimension,
//                    unsupported variant (e.g. a JPEG whose height is only given by DNL)
//   kInvalidArgument data is null while size > 0
Result<ImageHeader> sniff_image_header(const uint8_t* data, size_t size);

}  // namespace hashsieve
