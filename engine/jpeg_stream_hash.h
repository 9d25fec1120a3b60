// The exact mode's JPEG path: libjpeg-turbo decodes with the settings OpenCV's JPEG decoder uses
// (BGR output, default IDCT and upsampling), and the hasher takes the scanlines a strip at a
// time. The hash is bit for bit the one decode_image() + PdqHasher::hash() give, without the
// whole decoded image in memory: less memory per item, and no full-size buffer written out and
// read back (the larger part of the cost of hashing a decoded image). Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/image_hashing.h"
#include "engine/jpeg_decompressor.h"

namespace hashsieve {

// A JPEG as a source of BGR rows, top to bottom, for PdqHasher::hash_rows. It only decodes: the
// caller times, checks for cancellation and hashes around its calls.
class JpegRowReader {
 public:
  // YCbCr and gray JPEGs only: kUnsupported for the others (CMYK, YCCK, RGB), which the caller
  // decodes through OpenCV. The dimensions are checked against `limits` from libjpeg's own
  // header before any pixel is decoded. Errors: kDecodeFailed, kImageTooLarge.
  Status open(const uint8_t* data, size_t size, const DecodeLimits& limits);
  int width() const noexcept { return int(d_.cinfo.output_width); }
  int height() const noexcept { return int(d_.cinfo.output_height); }
  // The next `rows` rows into dst, `stride` bytes apart. Where the data ends early the last row
  // decoded repeats, as in OpenCV's decoder. False on a decoder error (error() says which).
  bool read(uint8_t* dst, size_t stride, int rows);
  Status error() const;

 private:
  JpegDecompressor d_;
  std::vector<uint8_t> last_row_;  // the last row decoded so far (a strip is reused by the next call)
  bool ended_ = false;
};

// Wraps the decoding of each strip of rows: calls `decode` (false: the decoder failed) and returns
// its result, or returns false without calling it to stop the hash (e.g. cancellation). The scan
// uses it to time the decoder apart from the hasher and to check its deadline every strip.
using StripDecode = std::function<bool(const std::function<bool()>& decode)>;

// Open + PdqHasher::hash_rows over the reader: errors as JpegRowReader::open, plus the hasher's
// (a strip that `around` stopped makes the hasher's error).
Result<HashedImage> hash_jpeg_streamed(const uint8_t* data, size_t size, const DecodeLimits& limits, PdqHasher& hasher,
                                       const StripDecode& around = nullptr);

}  // namespace hashsieve
