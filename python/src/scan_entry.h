// The Scanner entry points the binding uses beyond scan_buffer: scanning decoded pixels and
// matching hashes the caller already has.
#pragma once

#include <vector>

#include "hashsieve/scanner.h"

namespace hashsieve::py {

ScanResult scan_pixels(const Scanner& scanner, const ImageView& pixels);
// One list of matches per hash, with the scanner's lists, radii and allow list.
Result<std::vector<std::vector<ScanMatch>>> match_hashes(const Scanner& scanner, const std::vector<Hash256>& hashes);

}  // namespace hashsieve::py
