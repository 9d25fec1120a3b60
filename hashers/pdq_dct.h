// The cheap tail of PDQ, on the 64x64 decimated image A: quality, the 16x16 DCT B, and bits.
#pragma once

#include <array>

#include "hashsieve/hash256.h"

namespace hashsieve::pdq {

using Block64 = std::array<float, 64 * 64>;  // A[i][j] at [i * 64 + j]
using Dct16 = std::array<float, 16 * 16>;    // B[i][j] at [i * 16 + j]

// Sum of |(int)(((u - v) * 100) / 255)| over adjacent pairs, / 90, capped at 100.
int pdq_quality(const Block64& a);

// B = (D * A) * D^T, each output summed in float over k = 0..63 from 0.
Dct16 pdq_dct(const Block64& a);

// Bit 16*i + j is set iff B[i][j] > the lower median of B.
Hash256 pdq_bits(const Dct16& b);

// The eight dihedral hashes (Dihedral order) from one B; each takes its own median.
std::array<Hash256, 8> pdq_dihedral_bits(const Dct16& b);

}  // namespace hashsieve::pdq
