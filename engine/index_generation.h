// An immutable index generation: a HashIndex over one store snapshot plus the per-list radii
// it is searched with. Scans hold a shared_ptr to the generation they started on.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/scanner.h"

namespace hashsieve {

struct IndexGeneration {
  uint64_t number = 0;
  uint64_t store_version = 0;  // the snapshot's EntrySnapshot::store_version
  int64_t built_at_ms = 0;     // wall clock, for services that report the index's age
  std::unique_ptr<HashIndex> index;
  std::vector<int> list_radius;  // indexed like index->lists()
};

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number);
// The same from an in-memory snapshot (no store), e.g. a synthetic list for benchmarks.
Result<std::shared_ptr<const IndexGeneration>> build_generation(EntrySnapshot snapshot, const ScanOptions& options,
                                                                uint64_t number);

// Matches an upload's hash (and its dihedral hashes when present) against `gen` with one radius
// per list (indexed like gen.index->lists()), keeping only entries of lists whose `selected` flag
// is set: one match per entry at its closest transform, sorted by distance, list, entry id.
Result<std::vector<ScanMatch>> match_generation(const IndexGeneration& gen, const PdqResult& pdq,
                                                const std::vector<int>& radius, const std::vector<char>& selected,
                                                bool constant_time);

}  // namespace hashsieve
