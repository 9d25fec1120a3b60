// The flat scan: every entry against a batch of queries, one cache-sized block of entries at a
// time, through the index's Hamming kernels (index/flat_scan_kernels.h).
#pragma once

#include <cstdint>
#include <vector>

#include "hashsieve/hash256.h"
#include "hashsieve/hash_index.h"
#include "index/flat_scan_kernels.h"

namespace hashsieve::detail {

// Appends (query_ids[j], entry, distance) for every entry in [begin, end) within `radius` of
// queries[j], j < nq. constant_time computes all 256 bits of every pair and never branches on
// distances of non-matches.
void flat_scan(const HammingKernels& kernels, const Hash256* entries, uint32_t begin, uint32_t end,
               const Hash256* queries, const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time,
               std::vector<Match>* out);

// Whole-index scan, split into TBB tasks over entry blocks when `parallel`.
void flat_search(const HammingKernels& kernels, const Hash256* entries, uint32_t n_entries, const Hash256* queries,
                 const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time, bool parallel,
                 std::vector<Match>* out);

}  // namespace hashsieve::detail
