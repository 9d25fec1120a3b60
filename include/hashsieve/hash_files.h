// Hash many image files in parallel (oneTBB), results delivered in input order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hashsieve/decode.h"
#include "hashsieve/export.h"
#include "hashsieve/pdq.h"
#include "hashsieve/status.h"

namespace hashsieve {

struct HashFilesOptions {
  PdqOptions pdq;
  DecodeLimits limits;
  int threads = 0;            // 0: all cores
  int max_in_flight = 0;      // items read but not yet delivered; 0: 2 per thread. Bounds memory.
};

struct HashedFile {
  uint64_t index = 0;  // position in the input sequence
  std::string path;
  Status status;       // not ok: the item failed; pdq is unset
  PdqResult pdq;
  int width = 0, height = 0;
};

// One input. An input that already carries an error (e.g. found while walking a directory)
// is passed to the sink as a failed item without being opened.
struct FileInput {
  std::string path;
  Status error;
};

// Pulls inputs from `next` (return false at the end) and calls `sink` for each, in input order,
// from one thread at a time. A failing item never stops the batch. The returned Status is
// not ok only when the run itself could not proceed (e.g. an unavailable SIMD level).
HASHSIEVE_API Status hash_files(const std::function<bool(FileInput& input)>& next,
                  const std::function<void(const HashedFile&)>& sink, const HashFilesOptions& options = {});

}  // namespace hashsieve
