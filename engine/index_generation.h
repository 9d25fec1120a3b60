// An immutable index generation: a HashIndex over one store snapshot plus the per-list radii
// it is searched with. Scans hold a shared_ptr to the generation they started on.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace hashsieve {

struct IndexGeneration {
  uint64_t number = 0;
  std::unique_ptr<HashIndex> index;
  std::vector<int> list_radius;  // indexed like index->lists()
};

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number);

}  // namespace hashsieve
