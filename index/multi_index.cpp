#include "index/multi_index.h"

#include <tbb/enumerable_thread_specific.h>
#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

namespace hashsieve::detail {
namespace {

constexpr uint32_t kBuckets = 1u << MultiIndex::kChunkBits;
constexpr uint32_t kChunkMask = kBuckets - 1;

inline uint32_t chunk_of(const Hash256& h, int c) {
  int start = c * MultiIndex::kChunkBits, w = start >> 6, o = start & 63;
  uint64_t v = h.words[w] >> o;
  if (o + MultiIndex::kChunkBits > 64) v |= h.words[w + 1] << (64 - o);
  return uint32_t(v) & kChunkMask;
}

// Every 21-bit XOR mask of weight <= kMaxThreshold, by weight; first_of_weight[t + 1] = how many
// masks have weight <= t.
struct MaskTable {
  std::vector<uint32_t> masks;
  uint32_t upto[MultiIndex::kMaxThreshold + 2] = {};
  MaskTable() {
    for (int w = 0; w <= MultiIndex::kMaxThreshold; ++w) {
      for (uint32_t m = 0; m < kBuckets; ++m)
        if (std::popcount(m) == w) masks.push_back(m);
      upto[w + 1] = uint32_t(masks.size());
    }
  }
  uint32_t count(int t) const { return t < 0 ? 0 : upto[t + 1]; }
};

const MaskTable& mask_table() {
  static const MaskTable table;
  return table;
}

// Thresholds for radius r: r + 1 units spread evenly (chunk c contributes t_c + 1; -1 = unused).
bool plan(int r, int t[MultiIndex::kChunks]) {
  int units = r + 1, base = units / MultiIndex::kChunks, rem = units % MultiIndex::kChunks;
  if (base + (rem ? 1 : 0) - 1 > MultiIndex::kMaxThreshold) return false;
  for (int c = 0; c < MultiIndex::kChunks; ++c) t[c] = (c < rem ? base : base - 1);
  return true;
}

// Relative costs, measured on 10M entries: a probe (two random reads) vs a candidate (one random
// 32-byte read + popcounts) vs one entry of a batched flat scan.
std::atomic<bool> g_wide_ordinals{false};

constexpr double kProbeCost = 2.0, kCandidateCost = 1.0, kFlatCost = 0.12;

}  // namespace

// One chunk's CSR table by a two-pass radix partition instead of scattering 10M ordinals at
// random into a table far larger than the caches: pass 1 splits the ordinals by the value's high
// bits into 2^kHighBits runs (few enough write streams to stay in cache); pass 2 finishes each run,
// whose part of the table is small, with a counting sort on the low bits. Both passes are stable,
// so every bucket keeps its ordinals ascending.
void MultiIndex::build_chunk(int c, BuildScratch* scratch) {
  constexpr int kHighBits = 10, kLowBits = kChunkBits - kHighBits;
  constexpr uint32_t kHigh = 1u << kHighBits, kLow = 1u << kLowBits;
  const uint32_t n = n_;
  std::vector<uint32_t> high_start(kHigh + 1, 0);
  scratch->pairs.resize(n);  // reused across the chunks one thread builds
  scratch->keys.resize(n);
  uint64_t* pairs = scratch->pairs.data();
  {
    uint32_t* keys = scratch->keys.data();
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t k = chunk_of(hashes_[i], c);
      keys[i] = k;
      ++high_start[(k >> kLowBits) + 1];
    }
    for (uint32_t h = 0; h < kHigh; ++h) high_start[h + 1] += high_start[h];
    std::vector<uint32_t> cursor(high_start.begin(), high_start.end() - 1);
    for (uint32_t i = 0; i < n; ++i)
      pairs[cursor[keys[i] >> kLowBits]++] = uint64_t(keys[i] & (kLow - 1)) << 32 | i;
  }
  Table& off = offsets_[c];
  off.resize(kBuckets + 1);
  Bytes& ord_bytes = ordinals_[c];
  ord_bytes.resize(size_t(n) * ord_bytes_ + 1);  // every ordinal is written below
  ord_bytes.back() = 0;
  uint8_t* ord = ord_bytes.data();
  const bool three = ord_bytes_ == 3;
  std::vector<uint32_t> cnt(kLow + 1);
  for (uint32_t h = 0; h < kHigh; ++h) {
    const uint32_t b = high_start[h], e = high_start[h + 1];
    std::fill(cnt.begin(), cnt.end(), 0);
    for (uint32_t k = b; k < e; ++k) ++cnt[(pairs[k] >> 32) + 1];
    uint32_t* o = off.data() + (size_t(h) << kLowBits);
    uint32_t run = b;
    for (uint32_t l = 0; l < kLow; ++l) {
      run += cnt[l];  // cnt[l] = entries with low value l - 1
      o[l] = run;
      cnt[l] = run;
    }
    for (uint32_t k = b; k < e; ++k) {
      uint32_t v = uint32_t(pairs[k]);
      uint8_t* at = ord + size_t(cnt[pairs[k] >> 32]++) * ord_bytes_;
      at[0] = uint8_t(v);
      at[1] = uint8_t(v >> 8);
      at[2] = uint8_t(v >> 16);
      if (!three) at[3] = uint8_t(v >> 24);
    }
  }
  off[kBuckets] = n;
}

MultiIndex::MultiIndex(const Hash256* hashes, uint32_t n, bool parallel) : hashes_(hashes), n_(n) {
  (void)mask_table();
  if (n <= (1u << 24) && !g_wide_ordinals.load(std::memory_order_relaxed)) {
    ord_bytes_ = 3;
    ord_mask_ = 0xffffffu;
  }
  if (parallel) {
    tbb::enumerable_thread_specific<BuildScratch> scratch;
    parallel_for_index(0, kChunks, [&](int c) { build_chunk(c, &scratch.local()); });
  } else {
    BuildScratch scratch;
    for (int c = 0; c < kChunks; ++c) build_chunk(c, &scratch);
  }
}

size_t MultiIndex::memory_bytes() const noexcept {
  size_t b = 0;
  for (int c = 0; c < kChunks; ++c) b += offsets_[c].capacity() * 4 + ordinals_[c].capacity();
  return b;
}

bool MultiIndex::search(const Hash256& query, uint32_t query_id, int radius, bool allow_fallback,
                        Scratch* s, std::vector<Match>* out) const {
  int t[kChunks];
  if (!plan(radius, t)) return false;
  const MaskTable& mt = mask_table();
  uint32_t qc[kChunks];
  size_t probes = 0;
  for (int c = 0; c < kChunks; ++c) {
    qc[c] = chunk_of(query, c);
    probes += mt.count(t[c]);
  }
  const double flat_cost = kFlatCost * double(n_);
  if (allow_fallback && kProbeCost * double(probes) > flat_cost) return false;

  // Three passes, so that many cache misses are in flight at once instead of one dependent miss
  // after another:
  //   1. probe values; read each bucket's [begin, end) with the offsets prefetched ahead, and
  //      prefetch the bucket's first ordinals;
  //   2. read the ordinals of every bucket into the candidate list;
  //   3. verify the candidates, prefetching the hash kAheadHashes candidates ahead. Prefetching
  //      them all in pass 2 instead (~9,000 lines at r=31 on 10M entries) overflows the core's
  //      miss buffers, so the prefetches stall, and the first lines are out of L1 and often L2
  //      by the time pass 3 reads them, above all when other processes share the core.
  auto& pv = s->probe_values;
  pv.clear();
  for (int c = 0; c < kChunks; ++c) {
    for (uint32_t m = 0, e = mt.count(t[c]); m < e; ++m) pv.push_back(qc[c] ^ mt.masks[m]);
  }
  auto& ranges = s->ranges;
  ranges.clear();
  constexpr size_t kAhead = 16;
  size_t p = 0, total = 0;
  for (int c = 0; c < kChunks; ++c) {
    const uint32_t* off = offsets_[c].data();
    const uint8_t* ord = ordinals_[c].data();
    size_t end = p + mt.count(t[c]);
    for (; p < end; ++p) {
      if (p + kAhead < end) __builtin_prefetch(off + pv[p + kAhead]);
      uint32_t b = off[pv[p]], e = off[pv[p] + 1];
      if (b == e) continue;
      __builtin_prefetch(ord + size_t(b) * ord_bytes_);
      ranges.push_back(Scratch::Range{b, e, uint32_t(c)});
      total += e - b;
    }
    if (allow_fallback && kProbeCost * double(probes) + kCandidateCost * double(total) > flat_cost)
      return false;
  }
  auto& cand = s->candidates;
  cand.resize(total);
  uint64_t* next = cand.data();
  for (const Scratch::Range& r : ranges) {
    const uint8_t* ord = ordinals_[r.chunk].data() + size_t(r.begin) * ord_bytes_;
    for (uint32_t k = r.begin; k < r.end; ++k, ord += ord_bytes_) {
      uint32_t o;
      std::memcpy(&o, ord, 4);
      *next++ = uint64_t(o & ord_mask_) << 8 | r.chunk;
    }
  }

  // Report each match through its first qualifying chunk.
  constexpr size_t kAheadHashes = 32;
  for (size_t i = 0; i < std::min(kAheadHashes, total); ++i) __builtin_prefetch(&hashes_[cand[i] >> 8]);
  for (size_t i = 0; i < total; ++i) {
    if (i + kAheadHashes < total) __builtin_prefetch(&hashes_[cand[i + kAheadHashes] >> 8]);
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

}  // namespace hashsieve::detail
