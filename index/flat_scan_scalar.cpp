// The scalar (POPCNT) Hamming kernels: the oracle of the others and the fallback on every CPU.
#include <bit>

#include "index/flat_scan_kernels.h"

namespace hashsieve::detail {
namespace {

// Q = kScanQueries unrolls the usual batch of eight; Q = 0 takes nq from the call.
template <uint32_t Q, bool kConstantTime>
size_t scan_scalar(const uint64_t* entries, uint32_t begin, uint32_t end, const uint64_t* queries,
                   const uint32_t* ids, uint32_t nq, int radius, HammingHit* out) {
  uint64_t q[kScanQueries][4];
  const uint32_t qn = Q ? Q : nq;
  for (uint32_t j = 0; j < qn; ++j)
    for (int w = 0; w < 4; ++w) q[j][w] = queries[j * 4 + w];
  size_t n = 0;
  for (uint32_t i = begin; i < end; ++i) {
    const uint64_t* e = entries + size_t(i) * 4;
    const uint64_t e0 = e[0], e1 = e[1], e2 = e[2], e3 = e[3];
    for (uint32_t j = 0; j < qn; ++j) {
      if constexpr (kConstantTime) {
        const int d = std::popcount(e0 ^ q[j][0]) + std::popcount(e1 ^ q[j][1]) + std::popcount(e2 ^ q[j][2]) +
                      std::popcount(e3 ^ q[j][3]);
        out[n] = HammingHit{ids[j], i, d};
        n += size_t(d <= radius);  // written always, kept when within: no branch on the distance
      } else {
        // Half the bits first: random pairs differ in ~64 of them, so most pairs stop here.
        int d = std::popcount(e0 ^ q[j][0]) + std::popcount(e1 ^ q[j][1]);
        if (d > radius) continue;
        d += std::popcount(e2 ^ q[j][2]) + std::popcount(e3 ^ q[j][3]);
        if (d <= radius) out[n++] = HammingHit{ids[j], i, d};
      }
    }
  }
  return n;
}

template <bool kConstantTime>
size_t scan_any(const uint64_t* entries, uint32_t begin, uint32_t end, const uint64_t* queries,
                const uint32_t* ids, uint32_t nq, int radius, HammingHit* out) {
  if (nq == kScanQueries)
    return scan_scalar<kScanQueries, kConstantTime>(entries, begin, end, queries, ids, nq, radius, out);
  return scan_scalar<0, kConstantTime>(entries, begin, end, queries, ids, nq, radius, out);
}

}  // namespace

const HammingKernels& scalar_hamming_kernels() {
  static const HammingKernels k{SimdLevel::kScalar, scan_any<false>, scan_any<true>, probe_cells_scalar};
  return k;
}

const HammingKernels& hamming_kernels_for(SimdLevel level) {
  if (level == SimdLevel::kAvx512) return avx512_hamming_kernels();
  return scalar_hamming_kernels();
}

}  // namespace hashsieve::detail
