#include <algorithm>
#include <bit>
#include <cstring>

#include "index/wide_cells.h"

namespace hashsieve::detail {

CellProbeResult probe_cells_scalar(const CellProbe& p, uint64_t* passed, SpillRange* spills) {
  constexpr size_t kAhead = 16;  // cells prefetched ahead
  const uint32_t cb = p.cell_bytes, cap = p.capacity, hi_at = kCellHeaderBytes + 8 * cap;
  CellProbeResult r{0, 0, 0};
  for (size_t i = 0; i < std::min(kAhead, p.count); ++i) __builtin_prefetch(p.cells + size_t(p.values[i]) * cb);
  for (size_t i = 0; i < p.count; ++i) {
    if (i + kAhead < p.count) __builtin_prefetch(p.cells + size_t(p.values[i + kAhead]) * cb);
    const uint32_t v = p.values[i];
    const uint8_t* cell = p.cells + size_t(v) * cb;
    uint64_t header;
    std::memcpy(&header, cell, kCellHeaderBytes);
    const uint32_t inline_n = uint32_t(header >> 56);
    const int weight = std::popcount(v ^ p.query_chunk);
    const int limit = p.radius - weight;
    // Every slot, empty ones too (zeroed; masked off below): the loop runs to the capacity, the
    // same for every cell, where running to the cell's own count mispredicted at most cells.
    uint32_t bits = 0;
    for (uint32_t k = 0; k < cap; ++k) {
      uint64_t lo;
      uint32_t hi;
      std::memcpy(&lo, cell + kCellHeaderBytes + 8 * k, 8);
      std::memcpy(&hi, cell + hi_at + 3 * k, 4);
      const int d = std::popcount(lo ^ p.filter_lo) + std::popcount((hi ^ p.filter_hi) & 0xffffffu);
      bits |= uint32_t(d <= limit) << k;
    }
    bits &= uint32_t((uint64_t(1) << inline_n) - 1);
    for (; bits; bits &= bits - 1) passed[r.passed++] = (uint64_t(v) * cap + uint32_t(std::countr_zero(bits))) << 8 | p.chunk;
    r.seen += inline_n;
    uint32_t more = uint32_t(header >> 32) & 0xffffffu;
    if (more == 0) continue;
    const uint32_t begin = uint32_t(header);
    if (more == p.spill_count_max) {  // too many to count in the header: up to the next cell's spill
      uint32_t next_begin;
      std::memcpy(&next_begin, cell + cb, 4);
      more = next_begin - begin;
    }
    __builtin_prefetch(p.spill + size_t(begin) * p.spill_stride);
    spills[r.spills++] = SpillRange{begin, begin + more, p.chunk, uint32_t(weight)};
    r.seen += more;
  }
  return r;
}

}  // namespace hashsieve::detail
