#include "engine/decode_plan.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <memory>
#include <new>
#include <string>

#include "engine/jpeg_block_means.h"
#include "engine/upload_limits.h"

namespace hashsieve {

Result<DecodePlan> plan_decode(const uint8_t* data, size_t size, const DecodeLimits& limits, DecodeMode mode,
                               PdqFlavor flavor) {
  auto header = check_upload(data, size, limits);
  if (!header.ok()) return header.status();
  DecodePlan plan;
  plan.header = *header;
  // kUndecided: the header ends before the first scan; libjpeg says why it cannot decode it.
  if (header->format != ImageFormat::kJpeg || header->jpeg_color == JpegColor::kOther) return plan;
  plan.path = DecodePath::kJpegRows;
  // Block means approximate the full-resolution flavour only.
  if (mode == DecodeMode::kFastJpeg && flavor == PdqFlavor::kFullRes) {
    const int block = fast_jpeg_block(header->width, header->height);
    if (block > 1) {
      plan.path = DecodePath::kJpegBlockMeans;
      plan.block = block;
    }
  }
  return plan;
}

Result<DecodedImage> decode_with_opencv(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  auto mat = std::make_shared<cv::Mat>();
  try {
    // OpenCV wants a non-const Mat header; it does not write through it.
    const cv::Mat buf(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(data));
    *mat = cv::imdecode(buf, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    return Status(StatusCode::kDecodeFailed, std::string("decoder error: ") + e.err);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kImageTooLarge, "decoder ran out of memory");
  } catch (...) {
    return Status(StatusCode::kDecodeFailed, "decoder error");
  }
  if (mat->empty() || mat->type() != CV_8UC3) {
    return Status(StatusCode::kDecodeFailed, "not a decodable image (corrupt, truncated or unsupported)");
  }
  if (Status st = check_image_dimensions(uint32_t(mat->cols), uint32_t(mat->rows), limits); !st.ok()) return st;
  DecodedImage out;
  // OpenCV decodes to BGR; the hasher reads BGR directly, which saves a conversion pass.
  out.pixels = ImageView{mat->data, mat->cols, mat->rows, mat->step[0], PixelFormat::kBGR8};
  out.full_width = mat->cols;
  out.full_height = mat->rows;
  out.owner = std::move(mat);
  return out;
}

}  // namespace hashsieve
