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
#include "index/exact_index.h"

namespace hashsieve {

struct IndexGeneration {
  uint64_t number = 0;
  uint64_t store_version = 0;  // the snapshot's EntrySnapshot::store_version
  int64_t built_at_ms = 0;     // wall clock, for services that report the index's age
  std::unique_ptr<HashIndex> index;
  std::unique_ptr<const ExactIndex> exact;  // digests -> entries, lists indexed like index->lists()
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

// Many single hashes (no dihedral copies) in one search of `gen`, on the calling thread: the
// index passes over its entries once for the whole batch rather than once per hash.
// results[i] holds the matches of queries[i], as match_generation would give them.
Result<std::vector<std::vector<ScanMatch>>> match_generation_batch(const IndexGeneration& gen,
                                                                   const Hash256* queries, size_t n,
                                                                   const std::vector<int>& radius,
                                                                   const std::vector<char>& selected,
                                                                   bool constant_time);

// The entries of lists whose `selected` flag is set that carry one of the upload's digests: one
// match per entry at distance 0, named by the first kind (MD5, SHA-1, SHA-256, SHA-512 order) of
// the upload's digests that matched it.
std::vector<ScanMatch> match_digests(const IndexGeneration& gen, const Digests& upload, const std::vector<char>& selected);

// What an upload must be digested with: the cheapest set of kinds on this CPU that holds one kind
// of every digest entry of the selected lists (index/digest_cover.h); 0 when they hold none.
DigestMask digest_kinds(const IndexGeneration& gen, const std::vector<char>& selected);

}  // namespace hashsieve
