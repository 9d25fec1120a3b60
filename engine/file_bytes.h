// Reading an upload into memory, refusing oversize files before reading them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashsieve/status.h"

namespace hashsieve {

// The whole regular file at `path`, or kIoError / kImageTooLarge (size > max_bytes).
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, size_t max_bytes);

}  // namespace hashsieve
