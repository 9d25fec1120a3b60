#include "scan_entry.h"

namespace hashsieve::py {

ScanResult scan_pixels(const Scanner&, const ImageView&) {
  ScanResult r;
  r.outcome = ScanOutcome::kError;
  r.status = Status(StatusCode::kUnsupported, "pixel scans need Scanner::scan_image");
  return r;
}

Result<std::vector<std::vector<ScanMatch>>> match_hashes(const Scanner&, const std::vector<Hash256>&) {
  return Status(StatusCode::kUnsupported, "hash matching needs Scanner::match");
}

}  // namespace hashsieve::py
