// The PDQ hot loops, one table per SIMD level. Every level must produce bit-identical floats:
// SIMD kernels vectorize across independent rows/columns and keep each output's own order of
// float operations (the scalar kernels are the oracle).
//
// Rule for per-ISA translation units (files named *_avx2.cpp or *_avx512.cpp, the only ones
// compiled for a wider ISA: cmake/CompilerFlags.cmake), the same as in index/flat_scan_kernels.h.
// Anything with external linkage such a file defines (an inline function, a template
// instantiation, an inline variable) may also be defined by baseline files; the linker keeps one
// copy, and when it keeps the AVX one, baseline code runs AVX instructions on a CPU without them
// (SIGILL; -O0 builds, which inline nothing, are the first to hit it). So a per-ISA file:
//   1. defines everything in an anonymous namespace except its table getter (`*_kernels()`),
//      its only external symbol;
//   2. uses no inline function, template or inline variable with external linkage from a shared
//      header: no std::min / std::copy / std::popcount, no std containers (no std::vector
//      instantiation), no member functions of shared types (Hash256, ImageView): intrinsics,
//      builtins and its own helpers instead;
//   3. takes plain pointers and sizes at the table boundary; it may call out-of-line functions
//      defined in baseline files (they run baseline code, e.g. luma_row_scalar for row tails)
//      and use constexpr constants (internal linkage);
//   4. is compiled with exactly the features cpu_runs() (common/cpu_features.h) checks for its
//      level, which the file asserts with #error.
// The isa_symbols test (tests/isa_symbols_check.sh) checks 1 and 2 with nm on every per-ISA
// object file: no weak or unique symbols (W, V, u) and no external definition but `*_kernels()`.
#pragma once

#include <cstddef>

#include "hashsieve/image.h"
#include "hashsieve/simd.h"

namespace hashsieve::pdq {

// Rows per strip of a row pass (the AVX2 kernels keep 16 rows in two vectors).
constexpr int kStripRows = 16;

struct Kernels {
  SimdLevel level;

  // Luma of rows [y0, y0 + rows) into out (rows x width, row-major):
  // Y = (0.299f*R + 0.587f*G) + 0.114f*B in float32.
  void (*luma_rows)(const ImageView& image, int y0, int rows, float* out);

  // One PDQ box pass along each row of `in` (rows x cols, row-major), written transposed:
  // out[c * out_stride + r] = box(row r)[c]. With keep != nullptr only the nkeep columns keep[k]
  // (non-decreasing) are written, compactly: out[k * out_stride + r] = box(row r)[keep[k]].
  void (*box_rows_transposed)(const float* in, int rows, int cols, int window, const int* keep,
                              int nkeep, float* scratch, float* out, size_t out_stride);

  // The same pass written row-major: out_rows[r][c] = box(row r)[c], for rows <= kStripRows.
  void (*box_rows)(const float* in, int rows, int cols, int window, float* scratch, float* const* out_rows);

  // One step of a box pass down n columns at once (lanes = columns): sum += add (when add),
  // then sum -= sub (when sub), then out = sum / count (when out).
  void (*column_step)(float* sum, const float* add, const float* sub, float count, float* out, int n);

  // Floats of 32-byte aligned scratch the row passes need for `cols` columns.
  size_t (*scratch_floats)(int cols);
};

const Kernels& scalar_kernels();
// Null when the build has no AVX2 kernels; does not check the CPU.
const Kernels* avx2_kernels();
// The best kernels at or below a resolved level (not kAuto): kAvx512 has no kernels of its own
// and gets the AVX2 ones (see hashsieve/simd.h).
const Kernels& kernels_for(SimdLevel level);

// The reference's one-dimensional box filter over n samples at `stride` with window w
// (spec step 3), for every output. The oracle of the kernels' tests.
void box1d_reference(const float* in, float* out, int n, size_t stride, int window);

// floor((i + 0.5) * n / 64) in double, for i in 0..63: the 64 sampled rows or columns.
void decimation_indices(int n, int out[64]);

}  // namespace hashsieve::pdq
