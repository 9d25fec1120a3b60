#include "hashsieve/scan_observer.h"

namespace hashsieve {

ScanObserver::~ScanObserver() = default;

const char* scan_stage_name(ScanStage stage) noexcept {
  switch (stage) {
    case ScanStage::kRead: return "read";
    case ScanStage::kDecode: return "decode";
    case ScanStage::kHash: return "hash";
    case ScanStage::kMatch: return "match";
  }
  return "unknown";
}

}  // namespace hashsieve
