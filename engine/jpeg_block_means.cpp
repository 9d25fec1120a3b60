#include "engine/jpeg_block_means.h"

#include <algorithm>
#include <memory>
#include <new>
#include <string>

#include "engine/jpeg_decompressor.h"

namespace hashsieve {
namespace {

Status too_large(const std::string& what) { return Status(StatusCode::kImageTooLarge, what); }

// Reads a progressive JPEG's scans up to (not into) the first AC scan after the luma DC scan.
// Returns the last scan whose coefficients are complete.
int consume_dc_scans(jpeg_decompress_struct& cinfo) {
  for (;;) {
    const int r = jpeg_consume_input(&cinfo);
    if (r == JPEG_REACHED_EOI || r == JPEG_SUSPENDED) return cinfo.input_scan_number;
    const bool luma_dc_seen = cinfo.coef_bits[0][0] >= 0;
    if (r == JPEG_REACHED_SOS && cinfo.Ss > 0 && luma_dc_seen) return cinfo.input_scan_number - 1;
  }
}

// The libjpeg calls after the header, under their own setjmp. Returns false with trap.message set
// on a fatal error.
bool run(JpegDecompressor& d, int block, BlockMeans& out, Status& refusal) {
  jpeg_decompress_struct& cinfo = d.cinfo;
  const uint32_t w = cinfo.image_width, h = cinfo.image_height;
  if (setjmp(d.trap.jump)) return false;
  const int chosen = block != 0 ? block : fast_jpeg_block(w, h);
  if (chosen == 1) {
    set_refusal(refusal, StatusCode::kUnsupported, "image too small for block means");
    return true;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;  // the Y plane: JPEG's luma weights are PDQ's
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned>(chosen);
  cinfo.dct_method = JDCT_ISLOW;
  out.dc_only = chosen == 8 && jpeg_has_multiple_scans(&cinfo);
  cinfo.buffered_image = out.dc_only ? TRUE : FALSE;
  jpeg_start_decompress(&cinfo);
  out.full_width = int(w);
  out.full_height = int(h);
  out.block = chosen;
  out.width = int(cinfo.output_width);
  out.height = int(cinfo.output_height);
  if (out.dc_only) {
    const int scan = consume_dc_scans(cinfo);
    if (cinfo.coef_bits[0][0] < 0) {
      set_refusal(refusal, StatusCode::kDecodeFailed, "progressive JPEG has no luma DC scan");
      return true;
    }
    jpeg_start_output(&cinfo, std::max(scan, 1));
  }
  out.pixels.resize(size_t(out.width) * out.height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.pixels.data() + size_t(cinfo.output_scanline) * out.width;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
  }
  if (cinfo.output_scanline < cinfo.output_height) {
    set_refusal(refusal, StatusCode::kDecodeFailed, "JPEG ended before its last row");
    return true;
  }
  if (out.dc_only) {
    jpeg_finish_output(&cinfo);
    jpeg_abort_decompress(&cinfo);  // the AC scans are not needed
  } else {
    jpeg_finish_decompress(&cinfo);
  }
  return true;
}

}  // namespace

int fast_jpeg_block(uint32_t full_w, uint32_t full_h) {
  const double window = double((std::min(full_w, full_h) + 127) / 128);
  for (int block : {8, 4, 2})
    if (window >= block * kFastWindowPerBlock) return block;
  return 1;
}

Result<BlockMeans> decode_jpeg_block_means(const uint8_t* data, size_t size, int block, const DecodeLimits& limits) {
  if (!data || size == 0) return Status(StatusCode::kDecodeFailed, "empty file");
  if (block != 0 && block != 2 && block != 4 && block != 8)
    return Status(StatusCode::kInvalidArgument, "block must be 0 (automatic), 2, 4 or 8");
  if (size > limits.max_bytes) return too_large("file is over the byte limit");
  JpegDecompressor d;
  BlockMeans out;
  Status refusal = Status::Ok();
  try {
    if (!open_ycc_jpeg(d, data, size, JpegDataEnd::kFakeEoi, limits, refusal) ||
        (refusal.ok() && !run(d, block, out, refusal)))
      return Status(StatusCode::kDecodeFailed, std::string("decoder error: ") + d.trap.message);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kImageTooLarge, "decoder ran out of memory");
  }
  if (!refusal.ok()) return refusal;
  return out;
}

Result<DecodedImage> decode_fast_jpeg(const uint8_t* data, size_t size, const DecodeLimits& limits, int block) {
  auto means = decode_jpeg_block_means(data, size, block, limits);
  if (!means.ok()) return means.status();
  auto owned = std::make_shared<BlockMeans>(std::move(*means));
  DecodedImage out;
  out.pixels = ImageView{owned->pixels.data(), owned->width, owned->height, size_t(owned->width), PixelFormat::kGray8};
  out.reduced = true;
  out.block = owned->block;
  out.full_width = owned->full_width;
  out.full_height = owned->full_height;
  out.owner = std::move(owned);
  return out;
}

}  // namespace hashsieve
