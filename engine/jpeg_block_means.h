// The fast mode's JPEG decoder: the luma of a JPEG at 1/2, 1/4 or 1/8 scale, computed in the DCT
// domain by libjpeg-turbo, so each output pixel is (nearly) the mean of a block of the full image.
// Internal to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hashsieve/decode.h"
#include "hashsieve/status.h"

namespace hashsieve {

struct BlockMeans {
  std::vector<uint8_t> pixels;  // width x height, gray, packed rows
  int width = 0, height = 0;    // ceil(full / block)
  int full_width = 0, full_height = 0;
  int block = 1;
  bool dc_only = false;  // a progressive JPEG read only up to its first AC scan
};

// The block (2, 4 or 8) the fast mode uses for a full_w x full_h JPEG, or 1 when the image is
// too small for block means to stay close to the canonical hash: the largest block that PDQ's
// box-filter window (about 1/128 of the shorter side) spans kFastWindowPerBlock times. Below
// 1.5 the distance to the exact hash grows quickly (bench/fast_decode_fidelity_bench); at 1/8
// scale a progressive JPEG is read only up to its first AC scan, which is where most of the
// fast mode's speed comes from.
inline constexpr double kFastWindowPerBlock = 1.5;
int fast_jpeg_block(uint32_t full_w, uint32_t full_h);

// Decodes at 1/block scale (block 0: fast_jpeg_block's choice; kUnsupported when that is 1).
// For a progressive JPEG at block 8 it stops before the first AC scan (the 1/8 scale reads only
// DC coefficients, and the AC scans are most of the work). Only YCbCr and gray JPEGs are
// handled (kUnsupported otherwise: the caller decodes exactly). The dimensions are checked
// against `limits` before anything is decoded. Errors: kDecodeFailed (corrupt, truncated beyond
// use), kImageTooLarge, kUnsupported.
Result<BlockMeans> decode_jpeg_block_means(const uint8_t* data, size_t size, int block, const DecodeLimits& limits);

// The fast mode's decode of a JPEG: its block means at the block fast_jpeg_block() picks, as a
// DecodedImage (GRAY8, reduced, with block and full size set). kUnsupported when the JPEG is
// too small or neither YCbCr nor gray: the caller decodes it exactly.
// `block` 0: fast_jpeg_block's choice; the decode plan passes the block it chose.
Result<DecodedImage> decode_fast_jpeg(const uint8_t* data, size_t size, const DecodeLimits& limits, int block = 0);

}  // namespace hashsieve
