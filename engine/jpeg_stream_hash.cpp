#include "engine/jpeg_stream_hash.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace hashsieve {

// Each function that calls into libjpeg arms the trap itself (see jpeg_decompressor.h).

// OpenCV's end-of-data behaviour (JpegDataEnd::kSuspend); other colour spaces are left to it.
Status JpegRowReader::open(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  if (!data || size == 0) return Status(StatusCode::kDecodeFailed, "empty file");
  if (size > limits.max_bytes) return Status(StatusCode::kImageTooLarge, "file is over the byte limit");
  Status refusal = Status::Ok();
  if (!open_ycc_jpeg(d_, data, size, JpegDataEnd::kSuspend, limits, refusal)) return error();
  if (!refusal.ok()) return refusal;
  if (setjmp(d_.trap.jump)) return error();
  jpeg_decompress_struct& c = d_.cinfo;
  c.out_color_space = JCS_EXT_BGR;  // what OpenCV asks libjpeg-turbo for; nothing else changed
  // A progressive JPEG is read whole here; if it ends early libjpeg suspends, and OpenCV's next
  // call fails on the decoder's state: the image is not decodable.
  if (!jpeg_start_decompress(&c)) return Status(StatusCode::kDecodeFailed, "JPEG ends before its image data");
  return Status::Ok();
}

// Where the data ends early, OpenCV's decoder goes on copying its row buffer, which still holds
// the last row libjpeg produced: every remaining row repeats it (black if there was none). The
// canonical hash is that image's, so the same rows are delivered here.
bool JpegRowReader::read(uint8_t* dst, size_t stride, int rows) {
  const size_t row_bytes = size_t(d_.cinfo.output_width) * 3;
  if (setjmp(d_.trap.jump)) return false;
  int done = 0;
  while (done < rows && !ended_) {
    JSAMPROW ptrs[16];
    const int n = std::min(16, rows - done);
    for (int i = 0; i < n; ++i) ptrs[i] = dst + size_t(done + i) * stride;
    const JDIMENSION got = jpeg_read_scanlines(&d_.cinfo, ptrs, JDIMENSION(n));
    done += int(got);
    if (got == 0) {
      ended_ = true;
      if (done > 0) last_row_.assign(dst + size_t(done - 1) * stride, dst + size_t(done - 1) * stride + row_bytes);
    }
  }
  if (ended_ && last_row_.empty()) last_row_.assign(row_bytes, 0);
  for (; done < rows; ++done) std::copy(last_row_.begin(), last_row_.end(), dst + size_t(done) * stride);
  if (!ended_ && rows > 0) last_row_.assign(dst + size_t(rows - 1) * stride, dst + size_t(rows - 1) * stride + row_bytes);
  return true;
}

Status JpegRowReader::error() const {
  return Status(StatusCode::kDecodeFailed, std::string("decoder error: ") + d_.trap.message);
}

Result<HashedImage> hash_jpeg_streamed(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                       PdqHasher& hasher, const StripDecode& around) {
  JpegRowReader reader;
  if (Status st = reader.open(data, size, limits); !st.ok()) return st;
  bool source_failed = false;
  auto hashed = hasher.hash_rows(reader.width(), reader.height(), PixelFormat::kBGR8,
                                 [&](int /*y0*/, int rows, uint8_t* dst, size_t stride) {
                                   const auto decode = [&] { return !(source_failed = !reader.read(dst, stride, rows)); };
                                   return around ? around(decode) : decode();
                                 });
  if (source_failed) return reader.error();
  if (!hashed.ok()) return hashed.status();
  // No jpeg_finish_decompress: it only reads on to the end marker, and OpenCV ignores its errors.
  HashedImage out;
  out.pdq = *hashed;
  out.width = reader.width();
  out.height = reader.height();
  return out;
}

}  // namespace hashsieve
