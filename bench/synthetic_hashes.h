// Synthetic PDQ entries for the index benchmarks: uniform random hashes, or noisy copies of a few
// thousand centres (clustered, as real lists of near-duplicates are), reproducible for a seed;
// and the one-list snapshot the benchmarks build their indexes from.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/hash256.h"

namespace hashsieve::bench {

inline Hash256 random_hash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& w : h.words) w = rng();
  return h;
}

inline Hash256 flip_bits(Hash256 h, int flips, std::mt19937_64& rng) {
  for (int i = 0; i < flips; ++i) {
    int b = int(rng() % 256);
    h.words[b >> 6] ^= uint64_t{1} << (b & 63);
  }
  return h;
}

// n entries generated in parallel (one generator per block, so the result does not depend on the
// thread count); clustered entries are 0..32 bits away from one of 4,000 centres, left in *centres.
inline std::vector<Hash256> make_entries(size_t n, bool clustered, std::vector<Hash256>* centres) {
  std::mt19937_64 rng(42);
  centres->clear();
  if (clustered)
    for (int i = 0; i < 4000; ++i) centres->push_back(random_hash(rng));
  std::vector<Hash256> out(n);
  const size_t kBlock = 1 << 16;
  tbb::parallel_for(size_t(0), (n + kBlock - 1) / kBlock, [&](size_t b) {
    std::mt19937_64 r(1000 + b);
    for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i)
      out[i] = clustered ? flip_bits((*centres)[r() % centres->size()], int(r() % 33), r) : random_hash(r);
  });
  return out;
}

// One list "bench" (radius 31) holding `hashes`, with NCMEC-like numeric ids.
inline EntrySnapshot snapshot_of(const std::vector<Hash256>& hashes) {
  EntrySnapshot s;
  s.lists.push_back(SnapshotList{1, "bench", 31, "", 0, 0});
  s.hashes.reserve(hashes.size());
  s.entry_ids.reserve(hashes.size(), hashes.size() * 8);
  char buf[24];
  for (size_t i = 0; i < hashes.size(); ++i) {
    int len = std::snprintf(buf, sizeof buf, "%zu", 10000000 + i);
    s.add(hashes[i], std::string_view(buf, size_t(len)));
  }
  return s;
}

}  // namespace hashsieve::bench
