// Data generators and the brute-force oracle shared by the index tests.
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/hash_index.h"

namespace hashsieve::testing {

inline Hash256 random_hash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& w : h.words) w = rng();
  return h;
}

// A copy of `c` with `flips` distinct random bits flipped.
inline Hash256 noisy(const Hash256& c, int flips, std::mt19937_64& rng) {
  Hash256 h = c;
  std::vector<int> bits(256);
  for (int i = 0; i < 256; ++i) bits[i] = i;
  for (int i = 0; i < flips; ++i) {
    std::swap(bits[i], bits[i + rng() % (256 - i)]);
    h.words[bits[i] >> 6] ^= uint64_t{1} << (bits[i] & 63);
  }
  return h;
}

// Entries spread over lists named l0, l1, ... with ids "e<ordinal>".
inline EntrySnapshot make_snapshot(const std::vector<Hash256>& hashes, int lists = 1, int radius = 31) {
  EntrySnapshot s;
  size_t per = (hashes.size() + lists - 1) / std::max(lists, 1);
  size_t i = 0;
  for (int l = 0; l < lists; ++l) {
    SnapshotList sl;
    sl.list_id = uint32_t(l + 1);
    sl.name = "l" + std::to_string(l);
    sl.default_radius = radius;
    sl.first = uint32_t(i);
    s.lists.push_back(sl);
    for (size_t k = 0; k < per && i < hashes.size(); ++k, ++i) s.add(hashes[i], "e" + std::to_string(i));
  }
  return s;
}

inline std::vector<Match> brute_force(const std::vector<Hash256>& entries, const std::vector<Hash256>& queries,
                                      int radius) {
  std::vector<Match> out;
  for (uint32_t q = 0; q < queries.size(); ++q)
    for (uint32_t e = 0; e < entries.size(); ++e) {
      int d = hamming_distance(queries[q], entries[e]);
      if (d <= radius) out.push_back(Match{q, e, d});
    }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    if (a.query != b.query) return a.query < b.query;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.entry < b.entry;
  });
  return out;
}

}  // namespace hashsieve::testing
