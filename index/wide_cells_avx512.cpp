// The wide multi-index's probe of cells of 5 with AVX-512: one cell's five filters checked at
// once. The cell's 64 bytes in one register: the low parts sit in 64-bit lanes 1 to 5 already;
// one shuffle puts the high parts (bytes 48 to 62) in the same lanes; then 2 XORs, 2 vector
// popcounts, an add and a compare give the five passes as mask bits. Same output as
// probe_cells_scalar. A per-ISA translation unit: see the rule in index/flat_scan_kernels.h.
#include <immintrin.h>

#include "index/wide_cells.h"

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512VPOPCNTDQ__) || !defined(__AVX2__) || \
    !defined(__BMI2__) || defined(__AVX512VL__) || defined(__AVX512DQ__)
#error "compile with exactly the features cpu_runs(SimdLevel::kAvx512) checks (cmake/CompilerFlags.cmake)"
#endif

namespace hashsieve::detail {
namespace {

constexpr uint32_t kCap = 5, kCellBytes = 64;
constexpr size_t kAhead = 16;  // cells prefetched ahead, as the scalar probe

// With the cell's last 16 bytes in every 128-bit lane: high part k (bytes 3k to 3k + 2 there)
// to the low 3 bytes of 64-bit lane k + 1; every other byte zero (0x80).
alignas(64) constexpr char kHighParts[64] = {
    -128, -128, -128, -128, -128, -128, -128, -128, 0,    1,    2,    -128, -128, -128, -128, -128,
    3,    4,    5,    -128, -128, -128, -128, -128, 6,    7,    8,    -128, -128, -128, -128, -128,
    9,    10,   11,   -128, -128, -128, -128, -128, 12,   13,   14,   -128, -128, -128, -128, -128,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128};

CellProbeResult probe_cells5(const CellProbe& p, uint64_t* passed, SpillRange* spills) {
  const __m512i high_parts = _mm512_load_si512(kHighParts);
  const __m512i last_16_bytes = _mm512_set_epi64(7, 6, 7, 6, 7, 6, 7, 6);  // in every 128-bit lane
  const long long lo = (long long)p.filter_lo, hi = (long long)p.filter_hi;
  const __m512i q_lo = _mm512_set_epi64(0, 0, lo, lo, lo, lo, lo, 0);
  const __m512i q_hi = _mm512_set_epi64(0, 0, hi, hi, hi, hi, hi, 0);
  const size_t ahead = p.count < kAhead ? p.count : kAhead;
  CellProbeResult r{0, 0, 0};
  for (size_t i = 0; i < ahead; ++i) __builtin_prefetch(p.cells + size_t(p.values[i]) * kCellBytes);
  for (size_t i = 0; i < p.count; ++i) {
    if (i + kAhead < p.count) __builtin_prefetch(p.cells + size_t(p.values[i + kAhead]) * kCellBytes);
    const uint32_t v = p.values[i];
    const uint8_t* cell = p.cells + size_t(v) * kCellBytes;
    const __m512i c = _mm512_loadu_si512(cell);
    uint64_t header;
    __builtin_memcpy(&header, cell, kCellHeaderBytes);
    const uint32_t inline_n = uint32_t(header >> 56);
    const int weight = __builtin_popcount(v ^ p.query_chunk);
    const __m512i d_lo = _mm512_popcnt_epi64(_mm512_xor_si512(c, q_lo));
    const __m512i top = _mm512_shuffle_epi8(_mm512_permutex2var_epi64(c, last_16_bytes, c), high_parts);
    const __m512i d_hi = _mm512_popcnt_epi64(_mm512_xor_si512(top, q_hi));
    const __mmask8 ok = _mm512_cmple_epi64_mask(_mm512_add_epi64(d_lo, d_hi), _mm512_set1_epi64(p.radius - weight));
    uint32_t bits = (uint32_t(ok) >> 1) & uint32_t((uint64_t(1) << inline_n) - 1);
    for (; bits; bits &= bits - 1) passed[r.passed++] = (uint64_t(v) * kCap + uint32_t(__builtin_ctz(bits))) << 8 | p.chunk;
    r.seen += inline_n;
    uint32_t more = uint32_t(header >> 32) & 0xffffffu;
    if (more == 0) continue;
    const uint32_t begin = uint32_t(header);
    if (more == p.spill_count_max) {  // too many to count in the header: up to the next cell's spill
      uint32_t next_begin;
      __builtin_memcpy(&next_begin, cell + kCellBytes, 4);
      more = next_begin - begin;
    }
    __builtin_prefetch(p.spill + size_t(begin) * p.spill_stride);
    spills[r.spills++] = SpillRange{begin, begin + more, p.chunk, uint32_t(weight)};
    r.seen += more;
  }
  return r;
}

}  // namespace

CellProbeFn avx512_cell_kernels() { return probe_cells5; }

}  // namespace hashsieve::detail
