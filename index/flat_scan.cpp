#include "index/flat_scan.h"

#include "common/parallel_for.h"

#include <algorithm>
#include <cstddef>

namespace hashsieve::detail {
namespace {

// Entries per block: 2048 x 32 B = 64 KiB stays in L2 while every query of the batch passes.
constexpr uint32_t kBlock = 2048;
// Entries per kernel call: its hits (at most 8 per entry) fit a 24 KiB buffer on the stack.
constexpr uint32_t kCall = 256;

static_assert(sizeof(Hash256) == 4 * sizeof(uint64_t), "the kernels read Hash256s as 4 words each");
static_assert(sizeof(HammingHit) == sizeof(Match) && offsetof(HammingHit, entry) == offsetof(Match, entry) &&
                  offsetof(HammingHit, distance) == offsetof(Match, distance),
              "a hit is a Match");

const uint64_t* words_of(const Hash256* h) { return h->words.data(); }

}  // namespace

void flat_scan(const HammingKernels& kernels, const Hash256* entries, uint32_t begin, uint32_t end,
               const Hash256* queries, const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time,
               std::vector<Match>* out) {
  if (radius < 0 || nq == 0) return;
  const HammingScanFn scan = constant_time ? kernels.scan_constant_time : kernels.scan;
  const uint64_t* e = words_of(entries);
  HammingHit hits[kScanQueries * kCall];
  for (uint32_t b = begin; b < end; b += kBlock) {
    const uint32_t block_end = std::min(end, b + kBlock);
    for (uint32_t j = 0; j < nq; j += kScanQueries) {
      const uint32_t qn = std::min(kScanQueries, nq - j);
      for (uint32_t c = b; c < block_end; c += kCall) {
        const size_t n = scan(e, c, std::min(block_end, c + kCall), words_of(queries + j), query_ids + j, qn,
                              radius, hits);
        for (size_t k = 0; k < n; ++k) out->push_back(Match{hits[k].query, hits[k].entry, hits[k].distance});
      }
    }
  }
}

void flat_search(const HammingKernels& kernels, const Hash256* entries, uint32_t n_entries, const Hash256* queries,
                 const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time, bool parallel,
                 std::vector<Match>* out) {
  if (nq == 0 || n_entries == 0) return;
  constexpr uint32_t kTask = 32 * kBlock;
  uint32_t tasks = (n_entries + kTask - 1) / kTask;
  if (!parallel || tasks == 1) {
    flat_scan(kernels, entries, 0, n_entries, queries, query_ids, nq, radius, constant_time, out);
    return;
  }
  std::vector<std::vector<Match>> parts(tasks);
  parallel_for_index(uint32_t(0), tasks, [&](uint32_t t) {
    uint32_t b = t * kTask, e = std::min(n_entries, b + kTask);
    flat_scan(kernels, entries, b, e, queries, query_ids, nq, radius, constant_time, &parts[t]);
  });
  for (auto& p : parts) out->insert(out->end(), p.begin(), p.end());
}

}  // namespace hashsieve::detail
