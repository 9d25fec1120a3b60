// Per-call parameters and the Scanner entry points beyond scan_buffer: decoded pixels, and
// hashes the caller already has.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hashsieve/cancel_token.h"
#include "hashsieve/scanner.h"

namespace hashsieve::py {

namespace pb = pybind11;

struct PyCancelToken {
  std::shared_ptr<CancelToken> token = std::make_shared<CancelToken>();
};

// One call's ScanCall, with the cancel token it borrows kept alive for the call.
struct CallParams {
  ScanCall call;
  std::shared_ptr<CancelToken> cancel;
};

// lists: a subset of the scanner's lists; radius: 0..256; timeout: seconds from now. GIL held.
CallParams make_call(const std::optional<std::vector<std::string>>& lists, std::optional<int> radius,
                     std::optional<double> timeout, const PyCancelToken* cancel);

void bind_cancel_token(pb::module_& m);

}  // namespace hashsieve::py
