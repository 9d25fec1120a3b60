#include "hashsieve/status.h"

namespace hashsieve {

const char* status_code_name(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kImageTooSmall: return "image_too_small";
    case StatusCode::kImageTooLarge: return "image_too_large";
    case StatusCode::kDecodeFailed: return "decode_failed";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kVersionMismatch: return "version_mismatch";
    case StatusCode::kParseError: return "parse_error";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kCancelled: return "cancelled";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string s = status_code_name(code_);
  if (!message_.empty()) s += ": " + message_;
  return s;
}

}  // namespace hashsieve
