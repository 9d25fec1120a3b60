// The flat scan's Hamming kernels, one table per SIMD level; each index picks one at Build from
// IndexOptions::simd (kAuto: HASHSIEVE_SIMD, else the best the CPU runs). Every kernel gives the
// same hits as the scalar one, the oracle, in the same order.
//
// Rule for per-ISA translation units (files named *_avx2.cpp or *_avx512.cpp, the only ones
// compiled for a wider ISA: cmake/CompilerFlags.cmake), the same as in hashers/pdq_kernels.h.
// Anything with external linkage such a file defines (an inline function, a template
// instantiation, an inline variable) may also be defined by baseline files; the linker keeps one
// copy, and when it keeps the AVX one, baseline code runs AVX instructions on a CPU without them
// (SIGILL; -O0 builds, which inline nothing, are the first to hit it). So a per-ISA file:
//   1. defines everything in an anonymous namespace except its table getter (`*_kernels()`),
//      its only external symbol;
//   2. uses no inline function, template or inline variable with external linkage from a shared
//      header: no std::min / std::copy / std::popcount, no std containers (no std::vector
//      instantiation), no member functions of shared types (Hash256, ImageView): intrinsics,
//      builtins (__builtin_popcountll) and its own helpers instead;
//   3. takes plain pointers and sizes at the table boundary; it may call out-of-line functions
//      defined in baseline files (they run baseline code) and use constexpr constants (internal
//      linkage);
//   4. is compiled with exactly the features cpu_runs() (common/cpu_features.h) checks for its
//      level, which the file asserts with #error.
// The isa_symbols test (tests/isa_symbols_check.sh) checks 1 and 2 with nm on every per-ISA
// object file: no weak or unique symbols (W, V, u) and no external definition but `*_kernels()`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hashsieve/simd.h"
#include "index/wide_cells.h"

namespace hashsieve::detail {

// Queries per kernel call at most: one image's dihedral hashes.
constexpr uint32_t kScanQueries = 8;

// One (query, entry) pair within the radius; the layout of hashsieve::Match.
struct HammingHit {
  uint32_t query;
  uint32_t entry;
  int32_t distance;
};

// Entries [begin, end) of `entries` (4 words each: Hash256::words) against nq <= kScanQueries
// queries (4 words each) with ids `ids`: writes every pair within `radius` to `out`, entry by
// entry, queries in order for each, and returns how many. `out` holds nq * (end - begin) hits.
using HammingScanFn = size_t (*)(const uint64_t* entries, uint32_t begin, uint32_t end, const uint64_t* queries,
                                 const uint32_t* ids, uint32_t nq, int radius, HammingHit* out);

struct HammingKernels {
  SimdLevel level;
  HammingScanFn scan;  // may stop a pair once part of its distance exceeds the radius
  // Computes all 256 bits of every pair and never branches on the distance of a non-match.
  HammingScanFn scan_constant_time;
  // The wide multi-index's probe of cells of 5 (index/wide_cells.h).
  CellProbeFn probe_cells5;
};

const HammingKernels& scalar_hamming_kernels();
// Does not check the CPU.
const HammingKernels& avx512_hamming_kernels();
// The best kernels at or below a resolved level (not kAuto): kAvx2 has no kernels of its own
// and gets the scalar (POPCNT) ones.
const HammingKernels& hamming_kernels_for(SimdLevel level);

}  // namespace hashsieve::detail
