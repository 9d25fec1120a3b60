#include "engine/jpeg_decompressor.h"

#include <algorithm>

#include "engine/upload_limits.h"

namespace hashsieve {
namespace {

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<JpegErrorTrap*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, trap->message);
  std::longjmp(trap->jump, 1);
}

void on_message(j_common_ptr /*cinfo*/, int /*level*/) {}
void on_output(j_common_ptr /*cinfo*/) {}

void on_progress(j_common_ptr cinfo) {
  auto* guard = reinterpret_cast<JpegScanGuard*>(cinfo->progress);
  if (reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxJpegScans) {
    std::snprintf(guard->trap->message, sizeof guard->trap->message, "JPEG has more than %d scans", kMaxJpegScans);
    std::longjmp(guard->trap->jump, 1);
  }
}

// The source OpenCV's decoder installs: no more data means suspend, and a skip past the end
// just empties the buffer.
void source_init(j_decompress_ptr) {}
boolean source_fill(j_decompress_ptr) { return FALSE; }
void source_skip(j_decompress_ptr cinfo, long bytes) {
  jpeg_source_mgr* src = cinfo->src;
  if (bytes <= 0) return;
  const size_t n = std::min(size_t(bytes), src->bytes_in_buffer);
  src->next_input_byte += n;
  src->bytes_in_buffer -= n;
}
void source_term(j_decompress_ptr) {}

}  // namespace

JpegDecompressor::JpegDecompressor() {
  cinfo.err = jpeg_std_error(&trap.mgr);
  trap.mgr.error_exit = on_error;
  trap.mgr.emit_message = on_message;
  trap.mgr.output_message = on_output;
  guard.mgr.progress_monitor = on_progress;
  guard.trap = &trap;
}

JpegDecompressor::~JpegDecompressor() {
  if (created) jpeg_destroy_decompress(&cinfo);
}

void JpegDecompressor::create(const unsigned char* data, size_t size, JpegDataEnd end) {
  jpeg_create_decompress(&cinfo);
  created = true;
  cinfo.progress = &guard.mgr;
  if (end == JpegDataEnd::kFakeEoi) {
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    return;
  }
  suspending_source.next_input_byte = data;
  suspending_source.bytes_in_buffer = size;
  suspending_source.init_source = source_init;
  suspending_source.fill_input_buffer = source_fill;
  suspending_source.skip_input_data = source_skip;
  suspending_source.resync_to_restart = jpeg_resync_to_restart;
  suspending_source.term_source = source_term;
  cinfo.src = &suspending_source;
}

namespace {

// refusal = the dimension check's verdict, outside open_ycc_jpeg's setjmp frame (see set_refusal).
// True when refused.
[[gnu::noinline]] bool refuse_dimensions(const jpeg_decompress_struct& c, const DecodeLimits& limits, Status& refusal) {
  Status st = check_image_dimensions(c.image_width, c.image_height, limits);
  if (st.ok()) return false;
  refusal = std::move(st);
  return true;
}

}  // namespace

[[gnu::noinline]] void set_refusal(Status& out, StatusCode code, const char* message) { out = Status(code, message); }

bool open_ycc_jpeg(JpegDecompressor& d, const unsigned char* data, size_t size, JpegDataEnd end,
                   const DecodeLimits& limits, Status& refusal) {
  if (setjmp(d.trap.jump)) return false;
  d.create(data, size, end);
  jpeg_decompress_struct& c = d.cinfo;
  if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK) {
    set_refusal(refusal, StatusCode::kDecodeFailed, "no JPEG image in the file");
    return true;
  }
  if (refuse_dimensions(c, limits, refusal)) return true;
  if (c.jpeg_color_space != JCS_YCbCr && c.jpeg_color_space != JCS_GRAYSCALE)
    set_refusal(refusal, StatusCode::kUnsupported, "not a YCbCr or gray JPEG");
  return true;
}

}  // namespace hashsieve
