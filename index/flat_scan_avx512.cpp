// The flat scan's AVX-512 VPOPCNTDQ kernel: eight entries at a time, transposed so one register
// holds the same word of all eight, then 4 XORs + 4 vector popcounts + 3 adds give eight
// distances per query. Computes every pair in full, so it also serves the constant-time scan
// (it branches only on whether a group of eight entries holds a hit). A per-ISA translation
// unit: see the rule in index/flat_scan_kernels.h.
#include <immintrin.h>

#include "index/flat_scan_kernels.h"

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512VPOPCNTDQ__) || !defined(__AVX2__) || \
    !defined(__BMI2__) || defined(__AVX512VL__) || defined(__AVX512DQ__)
#error "compile with exactly the features cpu_runs(SimdLevel::kAvx512) checks (cmake/CompilerFlags.cmake)"
#endif

namespace hashsieve::detail {
namespace {

int distance_of(const uint64_t* e, const uint64_t* q) {
  return int(__builtin_popcountll(e[0] ^ q[0]) + __builtin_popcountll(e[1] ^ q[1]) +
             __builtin_popcountll(e[2] ^ q[2]) + __builtin_popcountll(e[3] ^ q[3]));
}

size_t scan_avx512(const uint64_t* entries, uint32_t begin, uint32_t end, const uint64_t* queries,
                   const uint32_t* ids, uint32_t nq, int radius, HammingHit* out) {
  const __m512i lo_idx = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13);
  const __m512i hi_idx = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
  const __m512i low_halves = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
  const __m512i high_halves = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
  const __m512i r = _mm512_set1_epi64(radius);
  size_t n = 0;
  uint32_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const auto* p = reinterpret_cast<const __m512i*>(entries + size_t(i) * 4);
    __m512i a = _mm512_loadu_si512(p), b = _mm512_loadu_si512(p + 1), c = _mm512_loadu_si512(p + 2),
            d = _mm512_loadu_si512(p + 3);
    // ab0 = [e0w0 e1w0 e2w0 e3w0 | e0w1 e1w1 e2w1 e3w1], ab1 = words 2 and 3; cd* for e4..e7.
    __m512i ab0 = _mm512_permutex2var_epi64(a, lo_idx, b), ab1 = _mm512_permutex2var_epi64(a, hi_idx, b);
    __m512i cd0 = _mm512_permutex2var_epi64(c, lo_idx, d), cd1 = _mm512_permutex2var_epi64(c, hi_idx, d);
    const __m512i w0 = _mm512_permutex2var_epi64(ab0, low_halves, cd0);
    const __m512i w1 = _mm512_permutex2var_epi64(ab0, high_halves, cd0);
    const __m512i w2 = _mm512_permutex2var_epi64(ab1, low_halves, cd1);
    const __m512i w3 = _mm512_permutex2var_epi64(ab1, high_halves, cd1);
    __mmask8 masks[kScanQueries];
    __m512i dist[kScanQueries];
    __mmask8 any = 0;
    for (uint32_t j = 0; j < nq; ++j) {
      const uint64_t* q = queries + size_t(j) * 4;
      __m512i s = _mm512_add_epi64(
          _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_xor_si512(w0, _mm512_set1_epi64(int64_t(q[0])))),
                           _mm512_popcnt_epi64(_mm512_xor_si512(w1, _mm512_set1_epi64(int64_t(q[1]))))),
          _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_xor_si512(w2, _mm512_set1_epi64(int64_t(q[2])))),
                           _mm512_popcnt_epi64(_mm512_xor_si512(w3, _mm512_set1_epi64(int64_t(q[3]))))));
      dist[j] = s;
      masks[j] = _mm512_cmple_epu64_mask(s, r);
      any |= masks[j];
    }
    if (!any) continue;
    // Entry-major, then query order, as the scalar kernel writes them.
    for (uint32_t k = 0; k < 8; ++k) {
      if (!((any >> k) & 1)) continue;
      for (uint32_t j = 0; j < nq; ++j) {
        if (!((masks[j] >> k) & 1)) continue;
        alignas(64) uint64_t dv[8];
        _mm512_store_si512(reinterpret_cast<__m512i*>(dv), dist[j]);
        out[n++] = HammingHit{ids[j], i + k, int32_t(dv[k])};
      }
    }
  }
  for (; i < end; ++i) {
    for (uint32_t j = 0; j < nq; ++j) {
      const int d = distance_of(entries + size_t(i) * 4, queries + size_t(j) * 4);
      if (d <= radius) out[n++] = HammingHit{ids[j], i, d};
    }
  }
  return n;
}

}  // namespace

const HammingKernels& avx512_hamming_kernels() {
  static const HammingKernels k{SimdLevel::kAvx512, scan_avx512, scan_avx512, avx512_cell_kernels()};
  return k;
}

}  // namespace hashsieve::detail
