// Library Status values as Python exceptions (classes from hashsieve._errors, chosen by code name).
#pragma once

#include <pybind11/pybind11.h>

#include "hashsieve/status.h"

namespace hashsieve::py {

namespace pb = pybind11;

// The name of every failure status code, in code order ("invalid_argument", ...): exposed as
// _native._STATUS_CODES, from which hashsieve._errors makes one exception class per code.
pb::tuple status_code_names();
// An exception instance for a failed status (GIL held).
pb::object error_object(const Status& status);
// Raises the exception for a failed status (GIL held).
[[noreturn]] void raise_status(const Status& status);
inline void check(const Status& status) {
  if (!status.ok()) raise_status(status);
}
template <typename T>
T take(Result<T>&& result) {
  if (!result.ok()) raise_status(result.status());
  return std::move(result).value();
}

}  // namespace hashsieve::py
