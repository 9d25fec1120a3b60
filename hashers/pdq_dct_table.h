#pragma once

namespace hashsieve::pdq {

inline constexpr int kDctRows = 16;
extern const float kDctMatrix[kDctRows][64];

}  // namespace hashsieve::pdq
