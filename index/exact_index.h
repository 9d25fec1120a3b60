// Exact-match maps of an index generation: per list and digest kind, a hash map from a digest to
// the records that carry it. Immutable after construction; safe to read from many threads.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hashsieve/entry_snapshot.h"
#include "index/digest_cover.h"

namespace hashsieve {

class ExactIndex {
 public:
  ExactIndex() = default;
  // `lists`: how many lists the generation has (records name them by index).
  ExactIndex(SnapshotDigests digests, size_t lists);
  ExactIndex(const ExactIndex&) = delete;
  ExactIndex& operator=(const ExactIndex&) = delete;

  // The digest kinds list `list` holds (bit k = kind k).
  DigestMask kinds_of(size_t list) const noexcept;
  // The combinations of kinds list `list`'s records carry (what a cover of the list must hit).
  DigestCombos combos_of(size_t list) const noexcept { return list < combos_.size() ? combos_[list] : 0; }
  // Appends the records of list `list` whose digest of `kind` is `digest`.
  void find(size_t list, int kind, std::string_view digest, std::vector<uint32_t>* out) const;

  size_t size() const noexcept { return records_.size(); }
  // The record of entry `entry_id` in list `list`, or -1 (records are in list, then entry-id order).
  int64_t record_of(size_t list, std::string_view entry_id) const noexcept;
  size_t list_of(uint32_t record) const noexcept { return records_.list[record]; }
  // The kinds record `record` carries, and how many records of list `list` carry exactly `kinds`
  // (a delta generation takes the hidden records out of the combinations with these).
  DigestMask kinds_of_record(uint32_t record) const noexcept { return record_kinds_[record]; }
  uint32_t combo_count(size_t list, DigestMask kinds) const noexcept { return combo_counts_[list][kinds & kAllDigests]; }
  std::string_view entry_id(uint32_t record) const noexcept { return records_.entry_ids.get(record); }
  std::string_view metadata(uint32_t record) const noexcept { return records_.metadata.get(record); }
  size_t memory_bytes() const noexcept;

 private:
  // Digests are uniformly distributed: their first 8 bytes are a good hash already.
  struct DigestHash {
    size_t operator()(std::string_view d) const noexcept {
      uint64_t v = 0;
      std::memcpy(&v, d.data(), d.size() < 8 ? d.size() : 8);
      return size_t(v);
    }
  };
  using Map = std::unordered_multimap<std::string_view, uint32_t, DigestHash>;

  SnapshotDigests records_;  // the maps' keys point into records_.bytes
  std::vector<DigestCombos> combos_;
  std::vector<DigestMask> record_kinds_;
  std::vector<std::array<uint32_t, 16>> combo_counts_;  // per list, per combination of kinds
  std::vector<Map> maps_;  // list * kDigestKinds + kind
};

}  // namespace hashsieve
