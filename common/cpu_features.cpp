#include "common/cpu_features.h"

namespace hashsieve {
namespace {

CpuFeatures detect() noexcept {
  CpuFeatures f;
#if defined(__x86_64__) || defined(_M_X64)
  // The compiler's runtime checks CPUID and, for AVX and AVX-512, that the OS enabled the state.
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.bmi2 = __builtin_cpu_supports("bmi2");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512vpopcntdq = __builtin_cpu_supports("avx512vpopcntdq");
#endif
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() noexcept {
  static const CpuFeatures features = detect();
  return features;
}

bool cpu_runs(SimdLevel level) noexcept {
  const CpuFeatures& f = cpu_features();
  switch (level) {
    case SimdLevel::kAuto:
    case SimdLevel::kScalar: return true;
    case SimdLevel::kAvx2: return f.avx2 && f.bmi2;
    case SimdLevel::kAvx512: return f.avx2 && f.bmi2 && f.avx512f && f.avx512bw && f.avx512vpopcntdq;
  }
  return false;
}

}  // namespace hashsieve
