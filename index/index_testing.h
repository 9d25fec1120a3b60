// Hooks for tests and benchmarks only.
#pragma once

#include <cstdint>

#include "hashsieve/hash_index.h"

namespace hashsieve::detail {
// false: the multi-index serves every query its tables can (no cost-based flat fallback).
void set_allow_fallback(HashIndex* index, bool allow);
// true: indexes built from now on store 4-byte ordinals even below 2^24 entries (the layout
// lists beyond 16.7M entries use), so tests cover both layouts.
void force_wide_ordinals(bool wide);
// Wide indexes built from now on keep `capacity` entries in a cell (0 to 32; 0, 2 and 5 are the
// sizes lists get; -1: by the list's size), and count at most `spill_count_max` spilled entries in
// a cell's header (more: up to the next cell's spill, as past 2^24 - 1), so tests on small lists
// cover every cell form.
void force_wide_cells(int capacity, uint32_t spill_count_max = 0xffffff);
// Wide indexes built from now on split the hash into chunks of 22 and 20 bits (1), keep 21 bits
// each (0), or choose by the list's size (-1), so tests on small lists cover both widths.
void force_split_chunks(int split);
// Benchmarks: count, over the wide layout's searches from now on, the bucket entries checked
// against their filter and those that passed it; wide_filter_counts() returns and resets them.
struct WideFilterCounts {
  uint64_t seen = 0, passed = 0;
};
void count_wide_filter(bool on);
WideFilterCounts wide_filter_counts();
}  // namespace hashsieve::detail
