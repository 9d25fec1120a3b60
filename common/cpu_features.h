// The one CPU detection: which of the instruction sets our per-ISA kernels are compiled for this
// CPU (and its OS, which must save the wider registers) can run. Detected once per process.
#pragma once

#include "hashsieve/simd.h"

namespace hashsieve {

struct CpuFeatures {
  bool avx2 = false;
  bool bmi2 = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vpopcntdq = false;
};

const CpuFeatures& cpu_features() noexcept;

// True when the CPU has every feature the level's translation units are compiled with (the
// flags in cmake/CompilerFlags.cmake): kAvx2 = AVX2 + BMI2; kAvx512 = that + AVX-512 F, BW and
// VPOPCNTDQ. kAuto and kScalar: always.
bool cpu_runs(SimdLevel level) noexcept;

}  // namespace hashsieve
