// Documented exit statuses of the `hashsieve` command line (see README).
#pragma once

namespace hashsieve::cli {

inline constexpr int kExitOk = 0;        // hash: every item succeeded; match/scan: something matched
inline constexpr int kExitPartial = 1;   // hash: some items failed; match/scan: nothing matched
inline constexpr int kExitUsage = 2;     // bad arguments, or (match/scan) an error that stopped the run

}  // namespace hashsieve::cli
