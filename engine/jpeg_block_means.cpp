#include "engine/jpeg_block_means.h"

#include <algorithm>
#include <csetjmp>
#include <new>
#include <cstdio>
#include <string>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

namespace hashsieve {
namespace {

// libjpeg reports fatal errors by calling error_exit, which must not return: jump back to the
// decode call. Only C frames of libjpeg lie between, so no destructor is skipped. Warnings
// (e.g. corrupt data in a scan) are not printed: an upload's decoder chatter has no place on
// the operator's terminal, and libjpeg goes on with what it has, as the exact path does.
struct ErrorTrap {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<ErrorTrap*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, trap->message);
  std::longjmp(trap->jump, 1);
}

void on_message(j_common_ptr /*cinfo*/, int /*level*/) {}

// A progressive JPEG may declare thousands of tiny scans, each a pass over the coefficients: a
// cheap file that costs minutes. Real encoders write about ten.
constexpr int kMaxScans = 100;

struct ScanGuard {
  jpeg_progress_mgr mgr;
  ErrorTrap* trap;
};

void on_progress(j_common_ptr cinfo) {
  auto* guard = reinterpret_cast<ScanGuard*>(cinfo->progress);
  if (reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxScans) {
    std::snprintf(guard->trap->message, sizeof guard->trap->message, "JPEG has more than %d scans", kMaxScans);
    std::longjmp(guard->trap->jump, 1);
  }
}

struct Decompressor {
  jpeg_decompress_struct cinfo{};
  ErrorTrap trap{};
  ScanGuard guard{};
  bool created = false;
  ~Decompressor() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

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

// All libjpeg calls, under one setjmp. Returns false with trap.message set on a fatal error.
bool run(Decompressor& d, const uint8_t* data, size_t size, int block, const DecodeLimits& limits, BlockMeans& out,
         Status& refusal) {
  jpeg_decompress_struct& cinfo = d.cinfo;
  if (setjmp(d.trap.jump)) return false;
  jpeg_create_decompress(&cinfo);
  d.created = true;
  cinfo.progress = &d.guard.mgr;
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
    refusal = Status(StatusCode::kDecodeFailed, "no JPEG image in the file");
    return true;
  }
  const uint32_t w = cinfo.image_width, h = cinfo.image_height;
  if (w > limits.max_width || h > limits.max_height || uint64_t(w) * h > limits.max_pixels) {
    refusal = too_large("image is " + std::to_string(w) + "x" + std::to_string(h) + "; over the decode limits");
    return true;
  }
  if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE) {
    refusal = Status(StatusCode::kUnsupported, "fast decoding handles YCbCr and gray JPEGs only");
    return true;
  }
  const int chosen = block != 0 ? block : fast_jpeg_block(w, h);
  if (chosen == 1) {
    refusal = Status(StatusCode::kUnsupported, "image too small for block means");
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
      refusal = Status(StatusCode::kDecodeFailed, "progressive JPEG has no luma DC scan");
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
    refusal = Status(StatusCode::kDecodeFailed, "JPEG ended before its last row");
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
  Decompressor d;
  d.cinfo.err = jpeg_std_error(&d.trap.mgr);
  d.trap.mgr.error_exit = on_error;
  d.trap.mgr.emit_message = on_message;
  d.trap.mgr.output_message = [](j_common_ptr) {};
  d.guard.mgr.progress_monitor = on_progress;
  d.guard.trap = &d.trap;
  BlockMeans out;
  Status refusal = Status::Ok();
  try {
    if (!run(d, data, size, block, limits, out, refusal))
      return Status(StatusCode::kDecodeFailed, std::string("decoder error: ") + d.trap.message);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kImageTooLarge, "decoder ran out of memory");
  }
  if (!refusal.ok()) return refusal;
  return out;
}

}  // namespace hashsieve
