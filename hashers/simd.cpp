#include "hashsieve/simd.h"

#include <cstdlib>
#include <string>

#include "hashers/pdq_kernels.h"

namespace hashsieve {

const char* simd_level_name(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kAuto: return "auto";
    case SimdLevel::kScalar: return "scalar";
    case SimdLevel::kAvx2: return "avx2";
  }
  return "unknown";
}

Result<SimdLevel> parse_simd_level(std::string_view name) {
  for (SimdLevel l : {SimdLevel::kAuto, SimdLevel::kScalar, SimdLevel::kAvx2})
    if (name == simd_level_name(l)) return l;
  return Status(StatusCode::kInvalidArgument,
                "unknown SIMD level '" + std::string(name) + "' (expected auto, scalar or avx2)");
}

bool simd_level_available(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kAuto:
    case SimdLevel::kScalar: return true;
    case SimdLevel::kAvx2:
#if defined(__x86_64__) || defined(_M_X64)
      return pdq::avx2_kernels() != nullptr && __builtin_cpu_supports("avx2");
#else
      return false;
#endif
  }
  return false;
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
  if (requested == SimdLevel::kAuto)
    return simd_level_available(SimdLevel::kAvx2) ? SimdLevel::kAvx2 : SimdLevel::kScalar;
  if (!simd_level_available(requested))
    return Status(StatusCode::kUnsupported, std::string("SIMD level ") + simd_level_name(requested) +
                                                " is not available on this CPU or build");
  return requested;
}

}  // namespace hashsieve
