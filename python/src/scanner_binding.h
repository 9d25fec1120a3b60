// The Python Scanner's state, shared by its bindings and the bench helpers.
#pragma once

#include <memory>
#include <string>

#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"
#include "sources.h"

namespace hashsieve::py {

struct PyMatch {
  ScanMatch m;
  bool has_transform = true;  // false for matches of given hashes
};

struct PyScanResult {
  ScanResult r;
};

struct PyScanner {
  std::shared_ptr<HashStore> store;
  std::unique_ptr<Scanner> scanner;
  ChannelOrder order = ChannelOrder::kRgb;
  const DecodeLimits& limits() const { return scanner->options().limits; }
};

}  // namespace hashsieve::py
