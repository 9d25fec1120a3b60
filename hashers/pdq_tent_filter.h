// The PDQ tent filter (box passes along rows, columns, rows, columns) and the 64x64 decimation,
// streamed through a few cache-sized buffers instead of whole-image passes. Each output sees the
// reference's float operations in the reference's order, so the result is bit-identical.
#pragma once

#include <functional>

#include "hashers/float_buffer.h"
#include "hashers/pdq_dct.h"
#include "hashers/pdq_kernels.h"

namespace hashsieve::pdq {

// Writes the luma of rows [y0, y0 + rows) (rows <= kStripRows) row-major into out.
using LumaRows = std::function<void(int y0, int rows, float* out)>;

struct TentScratch {
  FloatBuffer luma_strip, ring, column_sums, pass2_strip, pass3, kernel;
};

// A[i][j] = F[rows[i]][cols[j]] for the filtered h x w luma image F.
void tent_filter_decimate(const Kernels& k, const LumaRows& luma, int h, int w, Block64& a, TentScratch& s);

}  // namespace hashsieve::pdq
