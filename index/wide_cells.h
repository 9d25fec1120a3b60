// The wide multi-index's cell probe (index/multi_index.h): the loop over one chunk's probed cells,
// per SIMD level. The index's kernel table (index/flat_scan_kernels.h) holds the one for cells of
// 5; a per-ISA file follows the rule written there.
//
// A cell of capacity C is bit_ceil(8 + 11 C + 1) bytes: an 8-byte header (spill begin: 32 bits |
// spilled count: 24 | inline count: 8), the C filters' low 64 bits, then their high 24 bits (3
// bytes each), then a byte of padding (the last high field is read as 4 bytes). Low and high
// parts apart, so that a vector kernel finds each low part in a 64-bit lane.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hashsieve::detail {

constexpr uint32_t kCellHeaderBytes = 8;

// Entries [begin, end) of a chunk's spill; weight: the chunk's distance from the query.
struct SpillRange {
  uint32_t begin, end, chunk, weight;
};

struct CellProbe {
  const uint8_t* cells;  // the chunk's cells
  uint32_t cell_bytes, capacity;
  const uint32_t* values;  // the probed chunk values
  size_t count;
  uint32_t query_chunk;  // the query's value of this chunk
  uint64_t filter_lo;    // the query's filter for this chunk
  uint32_t filter_hi;    // (24 bits)
  int radius;
  uint32_t chunk;
  uint32_t spill_count_max;  // a header count equal to it is saturated: up to the next cell's begin
  const uint8_t* spill;      // the chunk's spill (prefetched where a cell's spilled entries start)
  uint32_t spill_stride;
};

struct CellProbeResult {
  size_t passed, spills, seen;  // no default member initialisers: a per-ISA file builds one
};

// Writes (value * capacity + slot) << 8 | chunk for each inline entry whose filter is within the
// radius less the chunk's weight (`passed` has room for count * capacity), a SpillRange for each
// cell with spilled entries (`spills` has room for count); returns how many of each and how many
// entries the cells hold in all.
using CellProbeFn = CellProbeResult (*)(const CellProbe& probe, uint64_t* passed, SpillRange* spills);

// Any capacity: the oracle, and what runs below AVX-512 or for cells other than 5 a cell.
CellProbeResult probe_cells_scalar(const CellProbe& probe, uint64_t* passed, SpillRange* spills);
// Cells of 5 (64 bytes) only. Does not check the CPU.
CellProbeFn avx512_cell_kernels();

}  // namespace hashsieve::detail
