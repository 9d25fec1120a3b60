#include "index/exact_index.h"

#include <algorithm>

namespace hashsieve {

ExactIndex::ExactIndex(SnapshotDigests digests, size_t lists)
    : records_(std::move(digests)), combos_(lists, 0), combo_counts_(lists), maps_(lists * kDigestKinds) {
  std::vector<DigestMask>& record_kinds = record_kinds_;
  record_kinds.assign(records_.size(), 0);
  for (size_t k = 0; k < size_t(kDigestKinds); ++k) {
    const std::string& bytes = records_.bytes[k];
    const std::vector<uint32_t>& owner = records_.owner[k];
    for (size_t i = 0; i < owner.size(); ++i) {
      const size_t list = records_.list[owner[i]];
      if (list >= lists) continue;
      record_kinds[owner[i]] = DigestMask(record_kinds[owner[i]] | (1u << k));
      maps_[list * kDigestKinds + k].emplace(std::string_view(bytes).substr(i * kDigestSizes[k], kDigestSizes[k]),
                                             owner[i]);
    }
  }
  for (size_t r = 0; r < record_kinds.size(); ++r) {
    if (records_.list[r] >= lists) continue;
    combos_[records_.list[r]] |= digest_combo(record_kinds[r]);
    ++combo_counts_[records_.list[r]][record_kinds[r] & kAllDigests];
  }
}

DigestMask ExactIndex::kinds_of(size_t list) const noexcept {
  DigestMask kinds = 0;
  for (int k = 0; k < kDigestKinds && list < combos_.size(); ++k)
    if (!maps_[list * kDigestKinds + size_t(k)].empty()) kinds = DigestMask(kinds | (1u << k));
  return kinds;
}

void ExactIndex::find(size_t list, int kind, std::string_view digest, std::vector<uint32_t>* out) const {
  if (list >= combos_.size() || kind < 0 || kind >= kDigestKinds) return;
  const Map& map = maps_[list * kDigestKinds + size_t(kind)];
  if (map.empty()) return;
  auto [lo, hi] = map.equal_range(digest);
  for (auto it = lo; it != hi; ++it) out->push_back(it->second);
}

size_t ExactIndex::memory_bytes() const noexcept {
  size_t n = records_.entry_ids.memory_bytes() + records_.metadata.memory_bytes() +
             records_.list.capacity() * sizeof(uint32_t);
  for (size_t k = 0; k < size_t(kDigestKinds); ++k)
    n += records_.bytes[k].capacity() + records_.owner[k].capacity() * sizeof(uint32_t);
  for (const Map& m : maps_) n += m.bucket_count() * sizeof(void*) + m.size() * (sizeof(Map::value_type) + 16);
  return n;
}

int64_t ExactIndex::record_of(size_t list, std::string_view entry_id) const noexcept {
  const auto [lo, hi] = std::equal_range(records_.list.begin(), records_.list.end(), uint32_t(list));
  size_t a = size_t(lo - records_.list.begin()), b = size_t(hi - records_.list.begin());
  while (a < b) {  // lower bound of entry_id among [a, b)
    const size_t mid = a + (b - a) / 2;
    if (records_.entry_ids.get(mid) < entry_id) a = mid + 1;
    else b = mid;
  }
  if (a < size_t(hi - records_.list.begin()) && records_.entry_ids.get(a) == entry_id) return int64_t(a);
  return -1;
}

}  // namespace hashsieve
