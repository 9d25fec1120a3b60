#include "index/digest_cover.h"

#include <bit>
#include <tuple>

namespace hashsieve {

uint32_t digest_cost(DigestMask kinds, const DigestCosts& costs) noexcept {
  uint32_t sum = 0;
  for (int k = 0; k < kDigestKinds; ++k)
    if (kinds & (1u << k)) sum += costs[size_t(k)];
  return sum;
}

bool covers(DigestMask kinds, DigestCombos combos) noexcept {
  for (unsigned m = 1; m <= kAllDigests; ++m)
    if ((combos & (1u << m)) && !(kinds & m)) return false;
  return true;
}

DigestMask cheapest_cover(DigestCombos combos, const DigestCosts& costs) noexcept {
  if ((combos & ~DigestCombos(1)) == 0) return 0;
  DigestMask best = kAllDigests;  // covers every non-empty combination
  auto rank = [&](DigestMask m) { return std::tuple(digest_cost(m, costs), std::popcount(unsigned(m)), m); };
  for (unsigned m = 1; m < kAllDigests; ++m)
    if (covers(DigestMask(m), combos) && rank(DigestMask(m)) < rank(best)) best = DigestMask(m);
  return best;
}

}  // namespace hashsieve
