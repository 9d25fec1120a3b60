// An immutable index generation: a HashIndex over one store snapshot plus the per-list radii
// it is searched with. Scans hold a shared_ptr to the generation they started on.
//
// A reload after a small change need not rebuild it all: a delta generation shares the base
// (index, exact) of the generation before it and adds the entries written since the base was
// read (delta, delta_exact), hiding the base's copies of those entries. It answers exactly as a
// full build of the same store state would.
#pragma once

#include <algorithm>
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
  std::shared_ptr<const HashIndex> index;   // the base
  std::shared_ptr<const ExactIndex> exact;  // digests -> entries, lists indexed like index->lists()
  std::vector<int> list_radius;  // indexed like index->lists()

  uint64_t change_seq = kNoChangeSeq;       // the store's change sequence this state was read at
  uint64_t base_change_seq = kNoChangeSeq;  // the base's (== change_seq for a full build)
  // Entries written since the base and active now, lists indexed like index->lists(); null when none.
  std::shared_ptr<const HashIndex> delta;
  std::shared_ptr<const ExactIndex> delta_exact;
  std::vector<uint32_t> hidden;          // sorted base ordinals written since the base
  std::vector<uint32_t> hidden_records;  // sorted base digest records written since the base
  size_t entries = 0;                    // PDQ entries served (base - hidden + delta)
  size_t digest_entries = 0;
  std::vector<uint32_t> list_counts;     // PDQ entries served per list
  // A delta's combinations of digest kinds per list (those of the records it serves); empty in a
  // full build, whose exact index has them.
  std::vector<DigestCombos> list_combos;

  bool base_hidden(uint32_t ordinal) const { return std::binary_search(hidden.begin(), hidden.end(), ordinal); }
  bool base_record_hidden(uint32_t record) const {
    return std::binary_search(hidden_records.begin(), hidden_records.end(), record);
  }
};

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number);
// The same from an in-memory snapshot (no store), e.g. a synthetic list for benchmarks.
Result<std::shared_ptr<const IndexGeneration>> build_generation(EntrySnapshot snapshot, const ScanOptions& options,
                                                                uint64_t number);

// A delta generation over `prev`'s base: the entries of the store written since the base was read
// (HashStore::changes_since), at most `max_changes` of them. Fails (kUnsupported) when the store
// cannot say what changed, too much changed, or the lists themselves changed: build in full then.
Result<std::shared_ptr<const IndexGeneration>> build_delta_generation(const IndexGeneration& prev,
                                                                      const HashStore& store,
                                                                      const ScanOptions& options, uint64_t number,
                                                                      size_t max_changes);

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
