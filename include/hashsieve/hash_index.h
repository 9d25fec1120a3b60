// Exact Hamming search over an immutable generation of list entries: every entry within the
// radius, 100% recall. Two structures give the same answers: a flat scan and multi-index hashing.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "hashsieve/export.h"
#include "hashsieve/hash256.h"
#include "hashsieve/simd.h"
#include "hashsieve/status.h"

namespace hashsieve {

enum class IndexKind {
  kFlat,        // scan every entry; no memory beyond the hashes
  kMultiIndex,  // 12 chunk tables (21 bits each; wide, from ~9.4M entries: 8 of 22 and 4 of 20);
                // falls back to the scan per query when it would not pay
};

// How kMultiIndex lays out its chunk tables. Both give the same matches.
enum class IndexLayout {
  // Each table entry is the entry's ordinal (3 bytes up to 2^24 entries, else 4): ~78 B a hash
  // at 10M entries with the hashes. Every candidate of a probed bucket costs a random read of
  // its full hash.
  kCompact,
  // Each table entry also holds 88 bits of the hash outside that table's chunk, so a bucket's
  // candidates are checked where they lie and only those whose filter is within the radius read
  // the full hash, and a bucket's first entries sit in a cell of their own: far fewer random reads
  // a search, for ~4.6x the memory (~360 B a hash at 10M; ~257 B below ~9.4M entries, where the
  // chunks stay 21 bits, so a list growing past that takes ~1 GB more at its next full build).
  kWide,
};

struct IndexOptions {
  IndexKind kind = IndexKind::kMultiIndex;
  bool parallel_build = true;  // build tables in TBB tasks (the caller's arena)
  // Below this many entries kMultiIndex keeps no tables (96 MiB of offsets would not pay off:
  // a scan of a small list is cheaper than the probes) and scans instead.
  size_t min_entries_for_tables = 1 << 16;
  // The Hamming kernels of the flat scan (the fallback, kFlat and constant-time searches): kAuto
  // takes HASHSIEVE_SIMD when set, else the best the CPU runs; a level the CPU cannot run makes
  // Build fail. See simd.h for what each level runs.
  SimdLevel simd = SimdLevel::kAuto;
  IndexLayout layout = IndexLayout::kCompact;  // kMultiIndex's tables, when it keeps them
};

struct SearchOptions {
  // Radius for every list; < 0 means each list's default radius. 0..256.
  int radius = -1;
  // Optional per-list radius, indexed like HashIndex::lists(); overrides `radius` where >= 0.
  std::vector<int> list_radius;
  // Scan every entry with no early exit (the time does not depend on where the list's hashes
  // are), for callers who must not reveal the list through timing.
  bool constant_time = false;
  // Search the queries in TBB tasks.
  bool parallel = true;
};

struct Match {
  uint32_t query = 0;     // index into the query array
  uint32_t entry = 0;     // ordinal in the index; see list_of() / entry_id()
  int32_t distance = 0;
  friend bool operator==(const Match& a, const Match& b) {
    return a.query == b.query && a.entry == b.entry && a.distance == b.distance;
  }
};

// Immutable after Build: all const methods are safe to call from many threads at once.
class HASHSIEVE_API HashIndex {
 public:
  static Result<std::unique_ptr<HashIndex>> Build(EntrySnapshot snapshot, const IndexOptions& options = {});
  virtual ~HashIndex() = default;

  // Every (query, entry) pair within the radius, sorted by query, then distance, then entry.
  virtual Result<std::vector<Match>> search(const Hash256* queries, size_t n,
                                            const SearchOptions& options = {}) const = 0;

  virtual IndexKind kind() const noexcept = 0;
  // The level of the Hamming kernels this index runs (kScalar or kAvx512).
  virtual SimdLevel simd_level() const noexcept = 0;
  virtual size_t size() const noexcept = 0;
  virtual const std::vector<SnapshotList>& lists() const noexcept = 0;
  // The list holding an entry (index into lists()).
  virtual size_t list_of(uint32_t entry) const noexcept = 0;
  virtual std::string_view entry_id(uint32_t entry) const noexcept = 0;
  // The entry's metadata as stored (compact JSON: source, member, classification, tags...), or "".
  virtual std::string_view metadata(uint32_t entry) const noexcept = 0;
  virtual const Hash256& hash(uint32_t entry) const noexcept = 0;
  // Bytes held by hashes + search tables, and by the entry-id and metadata tables.
  virtual size_t index_bytes() const noexcept = 0;
  virtual size_t entry_id_bytes() const noexcept = 0;

 protected:
  HashIndex() = default;
};

}  // namespace hashsieve
