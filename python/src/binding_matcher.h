// Matching in the binding on top of the public HashStore / HashIndex, for what the library's
// Scanner does not offer: hashes the caller already has and decoded pixels. It keeps its own
// index generation of the scanner's lists, rebuilt with the scanner's on reload().
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hashsieve/hash_index.h"
#include "hashsieve/hash_store.h"
#include "hashsieve/pdq.h"
#include "hashsieve/scanner.h"

namespace hashsieve::py {

class BindingMatcher {
 public:
  // `generation`: the number of the scanner generation this one mirrors (reported in results).
  static Result<std::unique_ptr<BindingMatcher>> Create(const HashStore& store, const ScanOptions& options,
                                                        uint64_t generation);
  Status reload(uint64_t generation);
  // One hash, or an upload's hash with its dihedral hashes: one match per entry at its closest
  // transform, allow list applied, sorted by distance, list, entry id.
  Result<std::vector<ScanMatch>> match(const PdqResult& pdq) const;
  Result<std::vector<std::vector<ScanMatch>>> match_many(const std::vector<Hash256>& hashes) const;
  ScanResult scan_pixels(const ImageView& pixels) const;

 private:
  struct Generation {
    std::unique_ptr<HashIndex> index;
    std::vector<int> list_radius;
    uint64_t number = 0;
  };
  BindingMatcher(const HashStore& store, ScanOptions options);
  std::shared_ptr<const Generation> current() const;
  std::vector<ScanMatch> merge(const Generation& gen, const std::vector<Match>& found, size_t first, size_t end) const;

  const HashStore& store_;
  ScanOptions options_;
  std::set<std::pair<std::string, std::string>> allow_;
  mutable std::mutex mu_;
  std::shared_ptr<const Generation> gen_;
};

}  // namespace hashsieve::py
