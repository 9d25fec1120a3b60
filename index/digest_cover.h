// Which digest kinds an upload must be digested with. An exact match needs only one kind per
// entry: an upload whose MD5 equals an entry's MD5 also has that entry's SHA-1 (no practical
// second preimage exists for any of these four on a file someone else chose). So the scan
// computes the cheapest set of kinds that holds at least one kind of every entry (a weighted set
// cover over four kinds: all 15 subsets are tried). An entry whose kinds disagree (a list's error:
// the MD5 of one file beside the SHA-1 of another) is matched only through the kind computed.
#pragma once

#include <array>
#include <cstdint>

#include "hashsieve/digests.h"

namespace hashsieve {

// The digest-kind combinations some entries carry: bit m set = at least one entry holds exactly
// the kinds of mask m (1..15; bit 0, an entry with no digest, is ignored).
using DigestCombos = uint16_t;
inline constexpr DigestCombos digest_combo(DigestMask kinds) noexcept { return DigestCombos(1u << (kinds & kAllDigests)); }

// What digesting a byte costs per kind, in any unit common to the four (see engine/digest_costs.h).
using DigestCosts = std::array<uint32_t, kDigestKinds>;

uint32_t digest_cost(DigestMask kinds, const DigestCosts& costs) noexcept;

// True when `kinds` holds at least one kind of every combination in `combos`.
bool covers(DigestMask kinds, DigestCombos combos) noexcept;

// The cheapest set of kinds that covers `combos` (0 when no entry has a digest); on equal cost,
// the one with fewer kinds, then the lower mask, so the choice is deterministic.
DigestMask cheapest_cover(DigestCombos combos, const DigestCosts& costs) noexcept;

}  // namespace hashsieve
