// Which SIMD kernels run. A level is a ceiling on the instruction set, chosen once per hasher or
// index at run time; each component runs its best kernels at or below it:
//
//   level    PDQ hasher   Hamming search (index)   the CPU must have
//   scalar   scalar       scalar (POPCNT)          x86-64-v2 (the build's baseline)
//   avx2     AVX2         scalar (POPCNT)          + AVX2, BMI2
//   avx512   AVX2         AVX-512                  + AVX-512 F, BW, VPOPCNTDQ
//
// A ceiling rather than an exact demand because one level (`--simd`, HASHSIEVE_SIMD) drives both
// components of a scan: an exact demand would make `avx512` refuse every scan (the hasher has no
// AVX-512 kernels) and `avx2` refuse every index. What each component runs is reported by it:
// PdqHasher::simd_level(), HashIndex::simd_level(). A level the CPU cannot run is an error.
#pragma once

#include <string_view>

#include "hashsieve/export.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class SimdLevel { kAuto, kScalar, kAvx2, kAvx512 };

// "auto", "scalar", "avx2", "avx512".
HASHSIEVE_API const char* simd_level_name(SimdLevel level) noexcept;
HASHSIEVE_API Result<SimdLevel> parse_simd_level(std::string_view name);

// True when this build has per-ISA kernels for `level` and this CPU can run them (kAuto and
// kScalar: always).
HASHSIEVE_API bool simd_level_available(SimdLevel level) noexcept;

// Turns a request into the level that will run. kAuto means: the environment variable
// HASHSIEVE_SIMD when set, else the best available level. An explicit level, or an
// environment value, that is not available is kUnsupported (never a silent downgrade).
HASHSIEVE_API Result<SimdLevel> resolve_simd_level(SimdLevel requested);

}  // namespace hashsieve
