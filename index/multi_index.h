// Multi-index hashing: 12 chunks of 21 bits (252 of the 256 bits; the wide layout of a large
// list: 8 of 22 and 4 of 20), each a CSR table from chunk value to the ordinals holding it.
//
// Why exact: if d(q, x) <= r and chunk thresholds t_c satisfy sum(t_c + 1) >= r + 1, then some
// chunk c has d_c(q, x) <= t_c (generalised pigeonhole; unindexed bits only lower the chunk sum).
// Probing every value within t_c of the query's chunk c therefore finds every match. An entry
// found through several chunks is reported only through the first qualifying one, so there is no
// dedupe set. 21-bit chunks keep a direct-indexed offset table small (8 MiB per chunk) while r=31
// needs only thresholds 2 and 1 (~2,000 probes, ~0.1% of the entries as candidates).
//
// Two layouts of a table's entries (IndexLayout): compact, the ordinal alone; wide, 88 bits of the
// hash outside the chunk (a filter) beside the ordinal. A wide entry whose filter is farther from
// the query's than the radius allows cannot match (the filter's bits are disjoint from the
// chunk's, so the distances add up), and is dropped without reading its hash.
//
// The wide layout keeps its first entries in a cell per chunk value instead of behind an offset
// table: a probe is then one random cache line, not an offset read followed by a records read.
// A random read to a new page is what a search pays for (~2,000 of them at r=31): this cut the
// CPU of a 10M-entry lookup to 0.70x of the offset-table form's. A cell holds up to cell_cap_
// filters (5 in 64 bytes once buckets average 3 or more entries; fewer, in smaller cells, for
// smaller lists); a bucket's further entries spill to a per-chunk array in bucket order. The loop
// over a chunk's probed cells is a kernel per SIMD level (index/wide_cells.h).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "hashsieve/hash256.h"
#include "hashsieve/hash_index.h"
#include "index/huge_pages.h"
#include "index/wide_cells.h"

namespace hashsieve::detail {

class MultiIndex {
 public:
  static constexpr int kChunks = 12;
  static constexpr int kChunkBits = 21;
  static constexpr int kMaxThreshold = 5;
  static constexpr int kSplitWide = 8;  // split widths: chunks 0-7 of 22 bits, 8-11 of 20

  static constexpr int kFilterBytes = 11;  // the wide layout's filter: 88 bits
  static constexpr uint32_t kCellHeader = kCellHeaderBytes;
  static constexpr uint32_t kSpillCountMax = 0xffffff;  // saturated: the count is up to the next cell

  // probe_cells5: the wide layout's probe of cells of 5 at the index's SIMD level (null: scalar).
  MultiIndex(const Hash256* hashes, uint32_t n, bool parallel, IndexLayout layout = IndexLayout::kCompact,
             CellProbeFn probe_cells5 = nullptr);

  struct Scratch {
    using Range = SpillRange;
    // Grown by resize and written through pointers by the cell probe: not zeroed when grown.
    template <typename T>
    using Buffer = std::vector<T, HugePageAllocator<T>>;
    std::vector<uint32_t> probe_values;
    Buffer<Range> ranges;  // non-empty buckets probed (wide: their spilled entries)
    Buffer<uint64_t> candidates;  // ordinal << 8 | chunk (wide, first: cell slot << 8 | chunk)
  };

  // Appends the matches of one query within `radius` to out. Returns false (appending nothing)
  // when a flat scan would be cheaper or the radius is beyond the tables; the caller scans then.
  bool search(const Hash256& query, uint32_t query_id, int radius, bool allow_fallback, Scratch* scratch,
              std::vector<Match>* out) const;

  size_t memory_bytes() const noexcept;
  IndexLayout layout() const noexcept { return wide_ ? IndexLayout::kWide : IndexLayout::kCompact; }

 private:
  struct Filter {
    uint64_t lo;
    uint32_t hi;  // 24 bits
  };
  struct BuildScratch {
    HugeArray<uint64_t> pairs;  // low value << 32 | ordinal
    HugeArray<uint32_t> keys;
    HugeArray<Filter> filters;  // wide: beside pairs
  };
  void build_chunk(int c, BuildScratch* scratch);
  void pack_cells(int c);  // wide: the chunk's CSR table into cells and spill
  Filter filter_of(const Hash256& h, int c) const;
  // Chunk c's value: bits_[c] bits of h from bit start_[c].
  uint32_t chunk_of(const Hash256& h, int c) const {
    const int start = start_[c], w = start >> 6, o = start & 63;
    uint64_t v = h.words[w] >> o;
    if (o + bits_[c] > 64) v |= h.words[w + 1] << (64 - o);
    return uint32_t(v) & ((1u << bits_[c]) - 1);
  }
  struct MaskTable;
  static const MaskTable& mask_table(int bits);
  // Whether the spilled filter at `at` is within `limit` of q (reads 12 bytes, the last masked off).
  static bool passes(const uint8_t* at, const Filter& q, int limit) {
    uint64_t lo;
    uint32_t hi;
    std::memcpy(&lo, at, 8);
    std::memcpy(&hi, at + 8, 4);
    return std::popcount(lo ^ q.lo) + std::popcount((hi ^ q.hi) & 0xffffffu) <= limit;
  }
  // Passes 1 and 2 of a search, per layout: the candidates of the probed buckets (ordinal << 8 |
  // chunk). False when the fallback rule says a flat scan is cheaper.
  bool compact_candidates(const uint32_t* qc, const int* t, bool allow_fallback, size_t probes, Scratch* s) const;
  bool wide_candidates(const Hash256& query, const uint32_t* qc, const int* t, int radius, bool allow_fallback,
                       size_t probes, Scratch* s) const;
  // The ordinal stored at `at` (ord_bytes_ of it; the 4-byte read stays in bounds by the padding).
  uint32_t ordinal_at(const uint8_t* at) const {
    uint32_t o;
    std::memcpy(&o, at, 4);
    return o & ord_mask_;
  }

  const Hash256* hashes_;
  uint32_t n_;
  int start_[kChunks], bits_[kChunks];
  const MaskTable* masks_[kChunks];  // the XOR masks of each chunk's width
  using Table = HugeArray<uint32_t>;
  using Bytes = HugeArray<uint8_t>;
  // Ordinals take 3 bytes while n <= 2^24 (else 4), little-endian, read as 4 bytes and masked;
  // one byte of padding at the end keeps the last read in bounds.
  uint32_t ord_bytes_ = 4;
  uint32_t ord_mask_ = 0xffffffffu;
  bool wide_ = false;
  uint32_t stride_ = 4;  // bytes per table (and spill) entry: ord_bytes_, plus kFilterBytes when wide
  // Compact (wide: only while a chunk is built, then packed into cells).
  Table offsets_[kChunks];  // 2^bits_[c] + 1 each
  Bytes records_[kChunks];  // per bucket, its entries in ordinal order
  // Wide: 2^bits_[c] + 1 cells a chunk (the last only a header), in index/wide_cells.h's format.
  uint32_t cell_cap_ = 0, cell_bytes_ = 8;
  uint32_t spill_count_max_ = kSpillCountMax;  // a header's count at this is saturated
  CellProbeFn probe_cells_ = probe_cells_scalar;
  Bytes cells_[kChunks];
  Bytes cell_ords_[kChunks];  // the inline entries' ordinals, cell_cap_ slots a cell
  Bytes spill_[kChunks];      // filter then ordinal, per bucket in ordinal order
};

}  // namespace hashsieve::detail
