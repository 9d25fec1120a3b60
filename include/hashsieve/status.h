// Error values for the whole public API: library code never throws, prints or exits.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "hashsieve/export.h"

namespace hashsieve {

// Stable numbers: they appear in reports and logs, so never renumber.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,   // caller passed something malformed (bad hex, bad option)
  kImageTooSmall = 2,     // width or height < 5: PDQ is undefined there
  kImageTooLarge = 3,     // over a configured limit (bytes, width, height, pixels)
  kDecodeFailed = 4,      // not an image, corrupt, truncated, unsupported format
  kIoError = 5,           // file system or storage error
  kNotFound = 6,
  kAlreadyExists = 7,
  kCorruption = 8,        // stored data failed a check
  kVersionMismatch = 9,   // stored data has a schema this build does not know
  kParseError = 10,       // a row or document of a list file is malformed
  kUnsupported = 11,      // e.g. a SIMD level this CPU or build lacks
  kInternal = 12,
  kCancelled = 13,
};

// Short lower-case name of a code, e.g. "decode_failed".
HASHSIEVE_API const char* status_code_name(StatusCode code) noexcept;

class [[nodiscard]] HASHSIEVE_API Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const noexcept { return code_ == StatusCode::kOk; }
  StatusCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "code_name: message", for diagnostics.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}        // NOLINT: must not be ok()

  bool ok() const noexcept { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hashsieve
