// The PDQ tent filter and 64x64 decimation of a full-size image, approximated from an image of
// its block means: a JPEG decoded at 1/2, 1/4 or 1/8 scale in the DCT domain, where each output
// pixel is (nearly) the mean of a block x block square of the full image.
//
// The exact filter is linear and separable, so each of the 64 samples along an axis is a fixed
// weighted sum of the full image's pixels along that axis. Summing those weights over each block
// and applying them to the block means gives the full-size filter's output up to the variation of
// the pixels inside a block: close to the canonical hash, not equal to it.
#pragma once

#include <vector>

#include "hashers/float_buffer.h"
#include "hashers/pdq_dct.h"
#include "hashers/pdq_kernels.h"
#include "hashsieve/image.h"

namespace hashsieve::pdq {

// The weights of one decimated sample over the reduced pixels [first, first + weights.size()).
struct SampleWeights {
  int first = 0;
  std::vector<double> weights;
};

// For an axis of full_n pixels reduced to ceil(full_n / block): the weights of the 64 samples
// that the full-size box-box filter and decimation would take along it.
void block_axis_weights(int full_n, int block, SampleWeights out[64]);

struct BlockFilterScratch {
  FloatBuffer luma_row, columns;  // one reduced row of luma; reduced height x 64 partial sums
  SampleWeights x[64], y[64];
};

// A[i][j] for a full_w x full_h image given its block means (reduced.width == ceil(full_w /
// block), reduced.height == ceil(full_h / block), checked by the caller).
void block_filter_decimate(const Kernels& k, const ImageView& reduced, int full_w, int full_h, int block, Block64& a,
                           BlockFilterScratch& s);

}  // namespace hashsieve::pdq
