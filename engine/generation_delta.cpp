// A delta generation: the previous generation's base (shared, untouched) plus a small index of
// the entries written since that base was read, with the base's copies of those entries hidden.
// Its cost follows the number of entries written since the base, not the size of the lists.
#include <algorithm>
#include <array>
#include <chrono>

#include "engine/index_generation.h"

namespace hashsieve {
namespace {

// The base ordinal of entry `id` of list `li`, or -1 (a list's entries are in entry-id order).
int64_t base_ordinal(const HashIndex& index, size_t li, std::string_view id) {
  const SnapshotList& l = index.lists()[li];
  uint32_t a = l.first, b = l.first + l.count;
  while (a < b) {
    const uint32_t mid = a + (b - a) / 2;
    if (index.entry_id(mid) < id) a = mid + 1;
    else b = mid;
  }
  if (a < l.first + l.count && index.entry_id(a) == id) return int64_t(a);
  return -1;
}

bool same_lists(const std::vector<SnapshotList>& base, const std::vector<ListInfo>& now) {
  if (base.size() != now.size()) return false;
  for (size_t i = 0; i < base.size(); ++i)
    if (base[i].list_id != now[i].id || base[i].name != now[i].name ||
        base[i].default_radius != now[i].default_radius || base[i].source != now[i].source)
      return false;
  return true;
}

}  // namespace

Result<std::shared_ptr<const IndexGeneration>> build_delta_generation(const IndexGeneration& prev,
                                                                      const HashStore& store,
                                                                      const ScanOptions& options, uint64_t number,
                                                                      size_t max_changes) {
  if (!prev.index || !prev.exact || prev.base_change_seq == kNoChangeSeq)
    return Status(StatusCode::kUnsupported, "the generation has no change sequence to start from");
  auto changes = store.changes_since(prev.base_change_seq, options.lists, max_changes);
  if (!changes.ok()) return changes.status();
  const HashIndex& base = *prev.index;
  if (!same_lists(base.lists(), changes->lists))
    return Status(StatusCode::kUnsupported, "the lists themselves changed");

  auto gen = std::make_shared<IndexGeneration>();
  gen->number = number;
  gen->store_version = changes->store_version;
  gen->change_seq = changes->change_seq;
  gen->base_change_seq = prev.base_change_seq;
  gen->built_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  gen->index = prev.index;
  gen->exact = prev.exact;
  gen->list_radius = prev.list_radius;

  const size_t lists = base.lists().size();
  gen->list_counts.resize(lists);
  for (size_t li = 0; li < lists; ++li) gen->list_counts[li] = base.lists()[li].count;
  std::vector<std::array<uint32_t, 16>> combo_counts(lists);
  for (size_t li = 0; li < lists; ++li)
    for (DigestMask k = 0; k < 16; ++k) combo_counts[li][k] = prev.exact->combo_count(li, k);

  for (const auto& [li, id] : changes->touched) {  // sorted: ordinals and records come out sorted
    if (int64_t o = base_ordinal(base, li, id); o >= 0) {
      gen->hidden.push_back(uint32_t(o));
      --gen->list_counts[li];
    }
    if (int64_t r = prev.exact->record_of(li, id); r >= 0) {
      gen->hidden_records.push_back(uint32_t(r));
      --combo_counts[li][prev.exact->kinds_of_record(uint32_t(r)) & kAllDigests];
    }
  }

  std::sort(gen->hidden.begin(), gen->hidden.end());
  std::sort(gen->hidden_records.begin(), gen->hidden_records.end());
  EntrySnapshot& active = changes->active;
  for (size_t li = 0; li < lists; ++li) gen->list_counts[li] += active.lists[li].count;
  SnapshotDigests digests = std::move(active.digests);
  if (digests.size() > 0) gen->delta_exact = std::make_shared<const ExactIndex>(std::move(digests), lists);
  if (active.size() > 0) {
    IndexOptions io;
    io.simd = options.simd;
    io.layout = options.index_layout;  // a delta past the tables' threshold is built like its base
    auto delta = HashIndex::Build(std::move(active), io);
    if (!delta.ok()) return delta.status();
    gen->delta = std::move(*delta);
  }

  gen->entries = base.size() - gen->hidden.size() + (gen->delta ? gen->delta->size() : 0);
  gen->digest_entries =
      prev.exact->size() - gen->hidden_records.size() + (gen->delta_exact ? gen->delta_exact->size() : 0);
  gen->list_combos.assign(lists, 0);
  for (size_t li = 0; li < lists; ++li) {
    for (DigestMask k = 0; k < 16; ++k)
      if (combo_counts[li][k] > 0) gen->list_combos[li] |= digest_combo(k);
    if (gen->delta_exact) gen->list_combos[li] |= gen->delta_exact->combos_of(li);
  }
  return std::shared_ptr<const IndexGeneration>(std::move(gen));
}

}  // namespace hashsieve
