#include "index/multi_index.h"
#include "index/index_testing.h"

#include <tbb/enumerable_thread_specific.h>
#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

namespace hashsieve::detail {

// Every XOR mask of a chunk's width of weight <= kMaxThreshold, by weight; upto[t + 1] = how many
// masks have weight <= t.
struct MultiIndex::MaskTable {
  std::vector<uint32_t> masks;
  uint32_t upto[MultiIndex::kMaxThreshold + 2] = {};
  explicit MaskTable(int bits) {
    for (int w = 0; w <= MultiIndex::kMaxThreshold; ++w) {
      for (uint32_t m = 0; m < (1u << bits); ++m)
        if (std::popcount(m) == w) masks.push_back(m);
      upto[w + 1] = uint32_t(masks.size());
    }
  }
  uint32_t count(int t) const { return t < 0 ? 0 : upto[t + 1]; }
};

// Each table built on first use only (the 22-bit one takes tens of milliseconds).
const MultiIndex::MaskTable& MultiIndex::mask_table(int bits) {
  if (bits < kChunkBits) {
    static const MaskTable narrow(kChunkBits - 1);
    return narrow;
  }
  if (bits > kChunkBits) {
    static const MaskTable wide(kChunkBits + 1);
    return wide;
  }
  static const MaskTable even(kChunkBits);
  return even;
}

namespace {

// Thresholds for radius r: r + 1 units spread evenly (chunk c contributes t_c + 1; -1 = unused).
bool plan(int r, int t[MultiIndex::kChunks]) {
  int units = r + 1, base = units / MultiIndex::kChunks, rem = units % MultiIndex::kChunks;
  if (base + (rem ? 1 : 0) - 1 > MultiIndex::kMaxThreshold) return false;
  for (int c = 0; c < MultiIndex::kChunks; ++c) t[c] = (c < rem ? base : base - 1);
  return true;
}

// Relative costs, measured on 10M entries: a probe (two random reads) vs a candidate (one random
// 32-byte read + popcounts) vs one entry of a batched flat scan. The wide layout keeps the same
// rules (a candidate costs it less, so it falls back a little early), so both layouts send the
// same queries to the flat scan.
std::atomic<bool> g_wide_ordinals{false};
// Tests: the wide layout's cell capacity (-1: by size) and the largest spill count its headers hold.
std::atomic<int> g_cell_capacity{-1};
std::atomic<uint32_t> g_spill_count_max{MultiIndex::kSpillCountMax};
std::atomic<int> g_split_chunks{-1};  // tests: the wide layout's chunk widths (-1: by size)

constexpr double kProbeCost = 2.0, kCandidateCost = 1.0, kFlatCost = 0.12;

// 64 bits of h from bit `start` on, wrapping past bit 255 to bit 0.
inline uint64_t bits64(const Hash256& h, int start) {
  const int w = start >> 6, o = start & 63;
  uint64_t v = h.words[w] >> o;
  if (o) v |= h.words[(w + 1) & 3] << (64 - o);
  return v;
}

// Filter statistics for benchmarks (index_testing.h): off unless asked for.
std::atomic<bool> g_count_filter{false};
std::atomic<uint64_t> g_filter_seen{0}, g_filter_passed{0};

}  // namespace

// The wide layout's filter of chunk c: the 88 bits after the chunk, wrapping around the hash
// (at least 234 bits lie outside a chunk, so they never reach back into it).
MultiIndex::Filter MultiIndex::filter_of(const Hash256& h, int c) const {
  const int start = (start_[c] + bits_[c]) & 255;
  return Filter{bits64(h, start), uint32_t(bits64(h, (start + 64) & 255)) & 0xffffffu};
}

// One chunk's CSR table by a two-pass radix partition instead of scattering 10M ordinals at
// random into a table far larger than the caches: pass 1 splits the ordinals by the value's high
// bits into 2^kHighBits runs (few enough write streams to stay in cache); pass 2 finishes each run,
// whose part of the table is small, with a counting sort on the low bits. Both passes are stable,
// so every bucket keeps its ordinals ascending. The wide layout's filters travel beside the
// pairs, so pass 2 never reads a hash at random.
void MultiIndex::build_chunk(int c, BuildScratch* scratch) {
  constexpr int kHighBits = 10;
  constexpr uint32_t kHigh = 1u << kHighBits;
  const int low_bits = bits_[c] - kHighBits;
  const uint32_t low = 1u << low_bits, buckets = 1u << bits_[c];
  const uint32_t n = n_;
  std::vector<uint32_t> high_start(kHigh + 1, 0);
  scratch->pairs.resize(n);  // reused across the chunks one thread builds
  scratch->keys.resize(n);
  if (wide_) scratch->filters.resize(n);
  uint64_t* pairs = scratch->pairs.data();
  Filter* filters = scratch->filters.data();
  {
    uint32_t* keys = scratch->keys.data();
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t k = chunk_of(hashes_[i], c);
      keys[i] = k;
      ++high_start[(k >> low_bits) + 1];
    }
    for (uint32_t h = 0; h < kHigh; ++h) high_start[h + 1] += high_start[h];
    std::vector<uint32_t> cursor(high_start.begin(), high_start.end() - 1);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t at = cursor[keys[i] >> low_bits]++;
      pairs[at] = uint64_t(keys[i] & (low - 1)) << 32 | i;
      if (wide_) filters[at] = filter_of(hashes_[i], c);
    }
  }
  Table& off = offsets_[c];
  off.resize(buckets + 1);
  Bytes& rec_bytes = records_[c];
  rec_bytes.resize(size_t(n) * stride_ + 1);  // every entry is written below
  rec_bytes.back() = 0;
  uint8_t* rec = rec_bytes.data();
  const bool three = ord_bytes_ == 3;
  const uint32_t ord_at = wide_ ? kFilterBytes : 0;
  std::vector<uint32_t> cnt(low + 1);
  for (uint32_t h = 0; h < kHigh; ++h) {
    const uint32_t b = high_start[h], e = high_start[h + 1];
    std::fill(cnt.begin(), cnt.end(), 0);
    for (uint32_t k = b; k < e; ++k) ++cnt[(pairs[k] >> 32) + 1];
    uint32_t* o = off.data() + (size_t(h) << low_bits);
    uint32_t run = b;
    for (uint32_t l = 0; l < low; ++l) {
      run += cnt[l];  // cnt[l] = entries with low value l - 1
      o[l] = run;
      cnt[l] = run;
    }
    for (uint32_t k = b; k < e; ++k) {
      uint32_t v = uint32_t(pairs[k]);
      uint8_t* at = rec + size_t(cnt[pairs[k] >> 32]++) * stride_;
      if (wide_) {
        std::memcpy(at, &filters[k].lo, 8);
        std::memcpy(at + 8, &filters[k].hi, 3);
      }
      at += ord_at;
      at[0] = uint8_t(v);
      at[1] = uint8_t(v >> 8);
      at[2] = uint8_t(v >> 16);
      if (!three) at[3] = uint8_t(v >> 24);
    }
  }
  off[buckets] = n;
}

MultiIndex::MultiIndex(const Hash256* hashes, uint32_t n, bool parallel, IndexLayout layout, CellProbeFn probe_cells5)
    : hashes_(hashes), n_(n), wide_(layout == IndexLayout::kWide) {
  // Wide, once 21-bit buckets average 4.5 entries or more (~9.4M entries): the chunks probed
  // within 2 take 22 bits and those within 1 take 20 (all 256 bits), instead of 21 each. At 10M
  // entries the radius-2 balls grow from 232 to 254 cells, but buckets of 2.4 instead of 4.8
  // entries rarely overflow a cell of 5: fewer cache lines a search, for twice those chunks' cells.
  // Measured (bench/index_bench.md): no gain at 8.5M entries, 0.82-0.90x the CPU at 10M, ~0.7x at 14M,
  // all at r=31 (PDQ's usual threshold), where plan() gives the 22-bit chunks t=2. At r=32 to 34
  // some 20-bit chunks get t=2 too, over buckets twice as full: exact still, not measured.
  const int forced_split = g_split_chunks.load(std::memory_order_relaxed);
  const bool split = wide_ && (forced_split >= 0 ? forced_split > 0 : uint64_t(n) * 2 >= uint64_t(9) << kChunkBits);
  for (int c = 0, start = 0; c < kChunks; ++c) {
    bits_[c] = split ? (c < kSplitWide ? kChunkBits + 1 : kChunkBits - 1) : kChunkBits;
    start_[c] = start;
    start += bits_[c];
    masks_[c] = &mask_table(bits_[c]);
  }
  if (n <= (1u << 24) && !g_wide_ordinals.load(std::memory_order_relaxed)) {
    ord_bytes_ = 3;
    ord_mask_ = 0xffffffu;
  }
  stride_ = ord_bytes_ + (wide_ ? kFilterBytes : 0);
  if (wide_) {
    // As many filters inline as a bucket mostly holds: at 10M entries (4.8 a bucket) 5 in a cache
    // line leave a third of the buckets with a spill; below 2^21 entries most buckets are empty
    // and a header alone is the cheapest cell.
    const int forced = g_cell_capacity.load(std::memory_order_relaxed);
    const uint64_t load = uint64_t(n) >> kChunkBits;  // over 21 bits, whatever the widths
    spill_count_max_ = std::clamp(g_spill_count_max.load(std::memory_order_relaxed), 1u, kSpillCountMax);
    cell_cap_ = forced >= 0 ? uint32_t(std::min(forced, 32)) : load >= 3 ? 5 : load >= 1 ? 2 : 0;
    // A filter's last field is read as 4 bytes, one past the filter: the cell holds that byte too.
    cell_bytes_ = std::bit_ceil(kCellHeader + cell_cap_ * kFilterBytes + (cell_cap_ ? 1 : 0));
    if (cell_cap_ == 5 && probe_cells5) probe_cells_ = probe_cells5;
  }
  auto one = [&](int c, BuildScratch* scratch) {
    build_chunk(c, scratch);
    if (wide_) pack_cells(c);
  };
  if (parallel) {
    tbb::enumerable_thread_specific<BuildScratch> scratch;
    parallel_for_index(0, kChunks, [&](int c) { one(c, &scratch.local()); });
  } else {
    BuildScratch scratch;
    for (int c = 0; c < kChunks; ++c) one(c, &scratch);
  }
}

// The chunk's CSR table (offsets_, records_ of filter + ordinal) into cells: each bucket's first
// cell_cap_ entries go to its cell (filter there, ordinal in cell_ords_), the rest to spill_, which
// keeps the records' format. The CSR table is freed.
void MultiIndex::pack_cells(int c) {
  const uint32_t* off = offsets_[c].data();
  const uint8_t* rec = records_[c].data();
  const uint32_t cap = cell_cap_, cb = cell_bytes_, ob = ord_bytes_, st = stride_;
  const uint32_t buckets = 1u << bits_[c];
  size_t spilled = 0;
  for (uint32_t v = 0; v < buckets; ++v) spilled += std::max(off[v + 1] - off[v], cap) - cap;
  Bytes& cells = cells_[c];
  cells.resize(size_t(buckets + 1) * cb);
  std::memset(cells.data(), 0, cells.size());  // padding too: nothing uninitialised is ever read
  cell_ords_[c].resize(size_t(buckets) * cap * ob + 1);
  cell_ords_[c].back() = 0;
  spill_[c].resize(spilled * st + 1);
  spill_[c].back() = 0;
  uint8_t* ords = cell_ords_[c].data();
  uint8_t* spill = spill_[c].data();
  uint32_t spill_at = 0;
  for (uint32_t v = 0; v <= buckets; ++v) {
    uint8_t* cell = cells.data() + size_t(v) * cb;
    const uint32_t count = v < buckets ? off[v + 1] - off[v] : 0;
    const uint32_t inline_n = std::min(count, cap), more = count - inline_n;
    const uint64_t header =
        uint64_t(spill_at) | uint64_t(std::min(more, spill_count_max_)) << 32 | uint64_t(inline_n) << 56;
    std::memcpy(cell, &header, kCellHeader);
    const uint8_t* from = rec + size_t(v < buckets ? off[v] : 0) * st;
    for (uint32_t k = 0; k < inline_n; ++k, from += st) {
      // Low parts, then high parts (index/wide_cells.h).
      std::memcpy(cell + kCellHeader + 8 * k, from, 8);
      std::memcpy(cell + kCellHeader + 8 * cap + 3 * k, from + 8, 3);
      std::memcpy(ords + (size_t(v) * cap + k) * ob, from + kFilterBytes, ob);
    }
    std::memcpy(spill + size_t(spill_at) * st, from, size_t(more) * st);
    spill_at += more;
  }
  Table().swap(offsets_[c]);
  Bytes().swap(records_[c]);
}

size_t MultiIndex::memory_bytes() const noexcept {
  size_t b = 0;
  for (int c = 0; c < kChunks; ++c)
    b += offsets_[c].capacity() * 4 + records_[c].capacity() + cells_[c].capacity() + cell_ords_[c].capacity() +
         spill_[c].capacity();
  return b;
}

// Compact, passes 1 and 2: read each probed bucket's [begin, end) with the offsets prefetched
// ahead (and the bucket's first ordinals prefetched), then every entry of every bucket is a
// candidate.
bool MultiIndex::compact_candidates(const uint32_t* qc, const int* t, bool allow_fallback, size_t probes,
                                    Scratch* s) const {
  const double flat_cost = kFlatCost * double(n_);
  const auto& pv = s->probe_values;
  auto& ranges = s->ranges;
  constexpr size_t kAhead = 16;
  size_t p = 0, total = 0;
  for (int c = 0; c < kChunks; ++c) {
    const uint32_t* off = offsets_[c].data();
    const uint8_t* ord = records_[c].data();
    size_t end = p + masks_[c]->count(t[c]);
    for (; p < end; ++p) {
      if (p + kAhead < end) __builtin_prefetch(off + pv[p + kAhead]);
      uint32_t b = off[pv[p]], e = off[pv[p] + 1];
      if (b == e) continue;
      __builtin_prefetch(ord + size_t(b) * ord_bytes_);
      ranges.push_back(Scratch::Range{b, e, uint32_t(c), 0});
      total += e - b;
    }
    if (allow_fallback && kProbeCost * double(probes) + kCandidateCost * double(total) > flat_cost) return false;
  }
  auto& cand = s->candidates;
  cand.resize(total);
  uint64_t* next = cand.data();
  for (const Scratch::Range& r : ranges) {
    const uint8_t* ord = records_[r.chunk].data() + size_t(r.begin) * ord_bytes_;
    for (uint32_t k = r.begin; k < r.end; ++k, ord += ord_bytes_) *next++ = uint64_t(ordinal_at(ord)) << 8 | r.chunk;
  }
  return true;
}

// Wide, passes 1 and 2: the cell probe of the index's SIMD level reads each probed cell, keeps its
// inline entries whose filter is within the radius (their ordinals are read afterwards, all
// prefetched at once) and notes its spill; then the spilled entries, prefetched a few buckets
// ahead, through the same filter.
bool MultiIndex::wide_candidates(const Hash256& query, const uint32_t* qc, const int* t, int radius,
                                 bool allow_fallback, size_t probes, Scratch* s) const {
  const double flat_cost = kFlatCost * double(n_);
  Filter qf[kChunks];
  for (int c = 0; c < kChunks; ++c) qf[c] = filter_of(query, c);
  const auto& pv = s->probe_values;
  auto& ranges = s->ranges;
  auto& cand = s->candidates;
  size_t p = 0, seen = 0;
  for (int c = 0; c < kChunks; ++c) {
    const size_t count = masks_[c]->count(t[c]);
    const CellProbe probe{cells_[c].data(), cell_bytes_,  cell_cap_, pv.data() + p,      count,  qc[c],
                          qf[c].lo,         qf[c].hi,     radius,    uint32_t(c),        spill_count_max_,
                          spill_[c].data(), stride_};
    const size_t cand_at = cand.size(), ranges_at = ranges.size();
    cand.resize(cand_at + count * cell_cap_);
    ranges.resize(ranges_at + count);
    const CellProbeResult r = probe_cells_(probe, cand.data() + cand_at, ranges.data() + ranges_at);
    cand.resize(cand_at + r.passed);
    ranges.resize(ranges_at + r.spills);
    seen += r.seen;
    p += count;
    if (allow_fallback && kProbeCost * double(probes) + kCandidateCost * double(seen) > flat_cost) return false;
  }
  // The inline passers' ordinals: prefetch them all (few), then read them.
  const size_t inline_passed = cand.size();
  const uint32_t ob = ord_bytes_;
  for (size_t i = 0; i < inline_passed; ++i)
    __builtin_prefetch(cell_ords_[cand[i] & 0xff].data() + size_t(cand[i] >> 8) * ob);
  for (size_t i = 0; i < inline_passed; ++i) {
    const uint64_t chunk = cand[i] & 0xff;
    cand[i] = uint64_t(ordinal_at(cell_ords_[chunk].data() + size_t(cand[i] >> 8) * ob)) << 8 | chunk;
  }
  const size_t nr = ranges.size();
  const uint32_t stride = stride_;
  constexpr size_t kAheadRanges = 16;
  auto prefetch = [&](const Scratch::Range& r) {
    const uint8_t* base = spill_[r.chunk].data();
    __builtin_prefetch(base + size_t(r.end) * stride - 1);
  };
  for (size_t i = 0; i < std::min(kAheadRanges, nr); ++i) prefetch(ranges[i]);
  for (size_t i = 0; i < nr; ++i) {
    if (i + kAheadRanges < nr) prefetch(ranges[i + kAheadRanges]);
    const Scratch::Range& r = ranges[i];
    const int limit = radius - int(r.weight);
    const Filter q = qf[r.chunk];
    const uint8_t* at = spill_[r.chunk].data() + size_t(r.begin) * stride;
    for (uint32_t k = r.begin; k < r.end; ++k, at += stride) {
      if (passes(at, q, limit)) cand.push_back(uint64_t(ordinal_at(at + kFilterBytes)) << 8 | r.chunk);
    }
  }
  if (g_count_filter.load(std::memory_order_relaxed)) {
    g_filter_seen.fetch_add(seen, std::memory_order_relaxed);
    g_filter_passed.fetch_add(cand.size(), std::memory_order_relaxed);
  }
  return true;
}

bool MultiIndex::search(const Hash256& query, uint32_t query_id, int radius, bool allow_fallback,
                        Scratch* s, std::vector<Match>* out) const {
  int t[kChunks];
  if (!plan(radius, t)) return false;
  uint32_t qc[kChunks];
  size_t probes = 0;
  for (int c = 0; c < kChunks; ++c) {
    qc[c] = chunk_of(query, c);
    probes += masks_[c]->count(t[c]);
  }
  const double flat_cost = kFlatCost * double(n_);
  if (allow_fallback && kProbeCost * double(probes) > flat_cost) return false;

  // Three passes, so that many cache misses are in flight at once instead of one dependent miss
  // after another:
  //   1. probe values; read each bucket (compact: its [begin, end) in the offsets; wide: its cell);
  //   2. read the buckets' entries into the candidate list (wide: only those whose filter passes);
  //   3. verify the candidates, prefetching the hash kAheadHashes candidates ahead. Prefetching
  //      them all in pass 2 instead (~9,000 lines at r=31 on 10M entries, compact) overflows the
  //      core's miss buffers, so the prefetches stall, and the first lines are out of L1 and often
  //      L2 by the time pass 3 reads them, above all when other processes share the core.
  auto& pv = s->probe_values;
  pv.clear();
  for (int c = 0; c < kChunks; ++c) {
    const MaskTable& mt = *masks_[c];
    for (uint32_t m = 0, e = mt.count(t[c]); m < e; ++m) pv.push_back(qc[c] ^ mt.masks[m]);
  }
  s->ranges.clear();
  s->candidates.clear();
  const bool ok = wide_ ? wide_candidates(query, qc, t, radius, allow_fallback, probes, s)
                        : compact_candidates(qc, t, allow_fallback, probes, s);
  if (!ok) return false;
  const uint64_t* cand = s->candidates.data();
  const size_t ncand = s->candidates.size();

  // Report each match through its first qualifying chunk.
  constexpr size_t kAheadHashes = 32;
  for (size_t i = 0; i < std::min(kAheadHashes, ncand); ++i) __builtin_prefetch(&hashes_[cand[i] >> 8]);
  for (size_t i = 0; i < ncand; ++i) {
    if (i + kAheadHashes < ncand) __builtin_prefetch(&hashes_[cand[i + kAheadHashes] >> 8]);
    uint32_t ordinal = uint32_t(cand[i] >> 8);
    int via = int(cand[i] & 0xff);
    const Hash256& h = hashes_[ordinal];
    int d = std::popcount(h.words[0] ^ query.words[0]) + std::popcount(h.words[1] ^ query.words[1]);
    if (d > radius) continue;
    d += std::popcount(h.words[2] ^ query.words[2]) + std::popcount(h.words[3] ^ query.words[3]);
    if (d > radius) continue;
    bool first = true;
    for (int c = 0; c < via && first; ++c)
      if (t[c] >= 0 && std::popcount(chunk_of(h, c) ^ qc[c]) <= t[c]) first = false;
    if (first) out->push_back(Match{query_id, ordinal, d});
  }
  return true;
}

void force_wide_ordinals(bool wide) { g_wide_ordinals.store(wide); }

void force_split_chunks(int split) { g_split_chunks.store(split); }

void force_wide_cells(int capacity, uint32_t spill_count_max) {
  g_cell_capacity.store(capacity);
  g_spill_count_max.store(spill_count_max);
}

void count_wide_filter(bool on) { g_count_filter.store(on); }

WideFilterCounts wide_filter_counts() {
  return WideFilterCounts{g_filter_seen.exchange(0), g_filter_passed.exchange(0)};
}

}  // namespace hashsieve::detail
