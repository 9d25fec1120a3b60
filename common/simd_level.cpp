// The public SIMD level API over the one CPU detection (common/cpu_features.cpp).
#include "hashsieve/simd.h"

#include <cstdlib>
#include <string>

#include "common/cpu_features.h"

namespace hashsieve {
namespace {

constexpr SimdLevel kLevels[] = {SimdLevel::kAuto, SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512};

}  // namespace

const char* simd_level_name(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kAuto: return "auto";
    case SimdLevel::kScalar: return "scalar";
    case SimdLevel::kAvx2: return "avx2";
    case SimdLevel::kAvx512: return "avx512";
  }
  return "unknown";
}

Result<SimdLevel> parse_simd_level(std::string_view name) {
  for (SimdLevel l : kLevels)
    if (name == simd_level_name(l)) return l;
  return Status(StatusCode::kInvalidArgument,
                "unknown SIMD level '" + std::string(name) + "' (expected auto, scalar, avx2 or avx512)");
}

bool simd_level_available(SimdLevel level) noexcept {
#if defined(__x86_64__) || defined(_M_X64)
  return cpu_runs(level);  // every x86-64 build compiles the AVX2 and AVX-512 translation units
#else
  return level == SimdLevel::kAuto || level == SimdLevel::kScalar;
#endif
}

Result<SimdLevel> resolve_simd_level(SimdLevel requested) {
  if (requested == SimdLevel::kAuto) {
    if (const char* env = std::getenv("HASHSIEVE_SIMD"); env && *env) {
      auto parsed = parse_simd_level(env);
      if (!parsed.ok())
        return Status(StatusCode::kInvalidArgument, "HASHSIEVE_SIMD: " + parsed.status().message());
      requested = *parsed;
    }
  }
  if (requested == SimdLevel::kAuto) {
    for (SimdLevel l : {SimdLevel::kAvx512, SimdLevel::kAvx2})
      if (simd_level_available(l)) return l;
    return SimdLevel::kScalar;
  }
  if (!simd_level_available(requested))
    return Status(StatusCode::kUnsupported, std::string("SIMD level ") + simd_level_name(requested) +
                                                " is not available on this CPU or build");
  return requested;
}

}  // namespace hashsieve
