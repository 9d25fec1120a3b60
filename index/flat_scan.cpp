#include "index/flat_scan.h"

#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <bit>

namespace hashsieve::detail {
namespace {

// Entries per block: 2048 x 32 B = 64 KiB stays in L2 while every query of the batch passes.
constexpr uint32_t kBlock = 2048;
constexpr uint32_t kQueryBatch = 8;  // one image's dihedral hashes

template <uint32_t Q, bool kConstantTime>
void scan_fixed(const Hash256* entries, uint32_t begin, uint32_t end, const Hash256* queries,
                const uint32_t* ids, uint32_t nq, int radius, std::vector<Match>* out) {
  uint64_t q[kQueryBatch][4];
  const uint32_t qn = Q ? Q : nq;
  for (uint32_t j = 0; j < qn; ++j)
    for (int w = 0; w < 4; ++w) q[j][w] = queries[j].words[w];
  for (uint32_t i = begin; i < end; ++i) {
    const uint64_t* e = entries[i].words.data();
    const uint64_t e0 = e[0], e1 = e[1], e2 = e[2], e3 = e[3];
    if constexpr (kConstantTime) {
      Match buf[kQueryBatch];
      uint32_t cnt = 0;
      for (uint32_t j = 0; j < qn; ++j) {
        int d = std::popcount(e0 ^ q[j][0]) + std::popcount(e1 ^ q[j][1]) + std::popcount(e2 ^ q[j][2]) +
                std::popcount(e3 ^ q[j][3]);
        buf[cnt] = Match{ids[j], i, d};
        cnt += uint32_t(d <= radius);
      }
      if (cnt) out->insert(out->end(), buf, buf + cnt);
    } else {
      for (uint32_t j = 0; j < qn; ++j) {
        // Half the bits first: random pairs differ in ~64 of them, so most pairs stop here.
        int d = std::popcount(e0 ^ q[j][0]) + std::popcount(e1 ^ q[j][1]);
        if (d > radius) continue;
        d += std::popcount(e2 ^ q[j][2]) + std::popcount(e3 ^ q[j][3]);
        if (d <= radius) out->push_back(Match{ids[j], i, d});
      }
    }
  }
}

std::atomic<bool> g_force_scalar{false};

bool use_avx512() {
  // The kernel's file is built with F, BW, VL, DQ and VPOPCNTDQ: require all of them.
  static const bool have = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vpopcntdq");
  return have && !g_force_scalar.load(std::memory_order_relaxed);
}

template <bool kConstantTime>
void scan_range(const Hash256* entries, uint32_t begin, uint32_t end, const Hash256* queries,
                const uint32_t* ids, uint32_t nq, int radius, std::vector<Match>* out) {
  const bool avx512 = use_avx512();
  for (uint32_t b = begin; b < end; b += kBlock) {
    uint32_t e = std::min(end, b + kBlock);
    for (uint32_t j = 0; j < nq; j += kQueryBatch) {
      uint32_t qn = std::min(kQueryBatch, nq - j);
      if (avx512)
        flat_scan_avx512(entries, b, e, queries + j, ids + j, qn, radius, out);
      else if (qn == kQueryBatch)
        scan_fixed<kQueryBatch, kConstantTime>(entries, b, e, queries + j, ids + j, qn, radius, out);
      else
        scan_fixed<0, kConstantTime>(entries, b, e, queries + j, ids + j, qn, radius, out);
    }
  }
}

}  // namespace

void flat_scan(const Hash256* entries, uint32_t begin, uint32_t end, const Hash256* queries,
               const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time,
               std::vector<Match>* out) {
  if (constant_time)
    scan_range<true>(entries, begin, end, queries, query_ids, nq, radius, out);
  else
    scan_range<false>(entries, begin, end, queries, query_ids, nq, radius, out);
}

void flat_search(const Hash256* entries, uint32_t n_entries, const Hash256* queries,
                 const uint32_t* query_ids, uint32_t nq, int radius, bool constant_time, bool parallel,
                 std::vector<Match>* out) {
  if (nq == 0 || n_entries == 0) return;
  constexpr uint32_t kTask = 32 * kBlock;
  uint32_t tasks = (n_entries + kTask - 1) / kTask;
  if (!parallel || tasks == 1) {
    flat_scan(entries, 0, n_entries, queries, query_ids, nq, radius, constant_time, out);
    return;
  }
  std::vector<std::vector<Match>> parts(tasks);
  parallel_for_index(uint32_t(0), tasks, [&](uint32_t t) {
    uint32_t b = t * kTask, e = std::min(n_entries, b + kTask);
    flat_scan(entries, b, e, queries, query_ids, nq, radius, constant_time, &parts[t]);
  });
  for (auto& p : parts) out->insert(out->end(), p.begin(), p.end());
}

void force_scalar_popcount(bool scalar) { g_force_scalar.store(scalar); }

}  // namespace hashsieve::detail
