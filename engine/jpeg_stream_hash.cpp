#include "engine/jpeg_stream_hash.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/jpeg_decompressor.h"

namespace hashsieve {
namespace {

// Each function that calls into libjpeg arms the trap itself (see jpeg_decompressor.h).

// OpenCV's end-of-data behaviour (JpegDataEnd::kSuspend); other colour spaces are left to it.
bool start(JpegDecompressor& d, const uint8_t* data, size_t size, const DecodeLimits& limits, Status& refusal) {
  if (!open_ycc_jpeg(d, data, size, JpegDataEnd::kSuspend, limits, refusal)) return false;
  if (!refusal.ok()) return true;
  if (setjmp(d.trap.jump)) return false;
  jpeg_decompress_struct& c = d.cinfo;
  c.out_color_space = JCS_EXT_BGR;  // what OpenCV asks libjpeg-turbo for; nothing else changed
  // A progressive JPEG is read whole here; if it ends early libjpeg suspends, and OpenCV's next
  // call fails on the decoder's state: the image is not decodable.
  if (!jpeg_start_decompress(&c)) refusal = Status(StatusCode::kDecodeFailed, "JPEG ends before its image data");
  return true;
}

// Where the data ends early, OpenCV's decoder goes on copying its row buffer, which still holds
// the last row libjpeg produced: every remaining row repeats it (black if there was none). The
// canonical hash is that image's, so the same rows are delivered here.
struct RowReader {
  JpegDecompressor& d;
  std::vector<uint8_t> last_row;  // the last row decoded so far (a strip is reused by the next call)
  bool ended = false;
};

bool read_rows(RowReader& rr, uint8_t* dst, size_t stride, int rows) {
  JpegDecompressor& d = rr.d;
  const size_t row_bytes = size_t(d.cinfo.output_width) * 3;
  if (setjmp(d.trap.jump)) return false;
  int done = 0;
  while (done < rows && !rr.ended) {
    JSAMPROW ptrs[16];
    const int n = std::min(16, rows - done);
    for (int i = 0; i < n; ++i) ptrs[i] = dst + size_t(done + i) * stride;
    const JDIMENSION got = jpeg_read_scanlines(&d.cinfo, ptrs, JDIMENSION(n));
    done += int(got);
    if (got == 0) {
      rr.ended = true;
      if (done > 0) rr.last_row.assign(dst + size_t(done - 1) * stride, dst + size_t(done - 1) * stride + row_bytes);
    }
  }
  if (rr.ended && rr.last_row.empty()) rr.last_row.assign(row_bytes, 0);
  for (; done < rows; ++done) std::copy(rr.last_row.begin(), rr.last_row.end(), dst + size_t(done) * stride);
  if (!rr.ended && rows > 0) rr.last_row.assign(dst + size_t(rows - 1) * stride, dst + size_t(rows - 1) * stride + row_bytes);
  return true;
}

Status decoder_error(const JpegDecompressor& d) {
  return Status(StatusCode::kDecodeFailed, std::string("decoder error: ") + d.trap.message);
}

}  // namespace

Result<HashedImage> hash_jpeg_streamed(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                       PdqHasher& hasher, double* decode_seconds) {
  using Clock = std::chrono::steady_clock;
  double decoding = 0;
  auto timed = [&](auto&& step) {
    if (!decode_seconds) return step();
    const auto t = Clock::now();
    auto r = step();
    decoding += std::chrono::duration<double>(Clock::now() - t).count();
    return r;
  };
  struct Report {  // hands the decoding time over however the function returns
    double& from;
    double* to;
    ~Report() {
      if (to) *to = from;
    }
  } report{decoding, decode_seconds};
  if (!data || size == 0) return Status(StatusCode::kDecodeFailed, "empty file");
  if (size > limits.max_bytes) return Status(StatusCode::kImageTooLarge, "file is over the byte limit");
  JpegDecompressor d;
  Status refusal = Status::Ok();
  if (!timed([&] { return start(d, data, size, limits, refusal); })) return decoder_error(d);
  if (!refusal.ok()) return refusal;
  const int w = int(d.cinfo.output_width), h = int(d.cinfo.output_height);
  bool source_failed = false;
  RowReader reader{d, {}, false};
  auto hashed = hasher.hash_rows(w, h, PixelFormat::kBGR8, [&](int /*y0*/, int rows, uint8_t* dst, size_t stride) {
    source_failed = !timed([&] { return read_rows(reader, dst, stride, rows); });
    return !source_failed;
  });
  if (source_failed) return decoder_error(d);
  if (!hashed.ok()) return hashed.status();
  // No jpeg_finish_decompress: it only reads on to the end marker, and OpenCV ignores its errors.
  HashedImage out;
  out.pdq = *hashed;
  out.width = w;
  out.height = h;
  return out;
}

}  // namespace hashsieve
