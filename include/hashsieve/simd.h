// Which SIMD kernels run. Chosen once per hasher/index object at run time.
#pragma once

#include <string_view>

#include "hashsieve/export.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class SimdLevel { kAuto, kScalar, kAvx2 };

// "auto", "scalar", "avx2".
HASHSIEVE_API const char* simd_level_name(SimdLevel level) noexcept;
HASHSIEVE_API Result<SimdLevel> parse_simd_level(std::string_view name);

// True when this build has kernels for `level` and this CPU can run them (kAuto: always).
HASHSIEVE_API bool simd_level_available(SimdLevel level) noexcept;

// Turns a request into the level that will run. kAuto means: the environment variable
// HASHSIEVE_SIMD when set, else the best available level. An explicit level, or an
// environment value, that is not available is kUnsupported (never a silent downgrade).
HASHSIEVE_API Result<SimdLevel> resolve_simd_level(SimdLevel requested);

}  // namespace hashsieve
