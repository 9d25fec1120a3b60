// `scan --shard I/N`: which items one of N independent scans takes. An item's shard is
// FNV-1a-64 of its path's bytes (as given or as the walk builds it, before any escaping) mod N,
// 0-based. Every process walks the same inputs and keeps its own items, so N runs on N hosts
// cover every item exactly once without talking to each other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashsieve::cli {

struct Shard {
  uint64_t index = 0, count = 1;  // count 1: every item
};

uint64_t fnv1a64(std::string_view bytes);

inline bool in_shard(const Shard& s, std::string_view path) { return s.count <= 1 || fnv1a64(path) % s.count == s.index; }

// "I/N" with 0 <= I < N and 1 <= N <= 2^32; false with a reason otherwise.
bool parse_shard(const std::string& text, Shard& out, std::string& why);

}  // namespace hashsieve::cli
