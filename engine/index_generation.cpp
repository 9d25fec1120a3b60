#include "engine/index_generation.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

namespace hashsieve {

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number) {
  auto snapshot = store.snapshot_active(options.lists);
  if (!snapshot.ok()) return snapshot.status();
  return build_generation(std::move(*snapshot), options, number);
}

Result<std::shared_ptr<const IndexGeneration>> build_generation(EntrySnapshot snapshot, const ScanOptions& options,
                                                                uint64_t number) {
  IndexOptions io;
  io.simd = options.simd;  // --simd reaches the Hamming kernels too
  const uint64_t store_version = snapshot.store_version;
  auto index = HashIndex::Build(std::move(snapshot), io);
  if (!index.ok()) return index.status();
  auto gen = std::make_shared<IndexGeneration>();
  gen->number = number;
  gen->store_version = store_version;
  gen->built_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  gen->index = std::move(*index);
  for (const SnapshotList& l : gen->index->lists()) {
    int r = options.radius >= 0 ? options.radius : l.default_radius;
    for (const auto& [name, radius] : options.list_radius)
      if (name == l.name) r = radius;
    gen->list_radius.push_back(r);
  }
  return std::shared_ptr<const IndexGeneration>(std::move(gen));
}

Result<std::vector<ScanMatch>> match_generation(const IndexGeneration& gen, const PdqResult& pdq,
                                                const std::vector<int>& radius, const std::vector<char>& selected,
                                                bool constant_time) {
  Hash256 queries[kDihedralCount];
  int nq = 1;
  queries[0] = pdq.hash;  // the canonical hash (differs from dihedral[0] only for 64x64 inputs)
  if (pdq.has_dihedral) {
    for (int d = 1; d < kDihedralCount; ++d) queries[d] = pdq.dihedral[d];
    nq = kDihedralCount;
  }
  SearchOptions so;
  so.list_radius = radius;
  so.constant_time = constant_time;
  so.parallel = false;  // batches parallelise across items
  auto found = gen.index->search(queries, size_t(nq), so);
  if (!found.ok()) return found.status();
  // One match per entry: its closest transform (the lower transform on ties).
  std::map<uint32_t, std::pair<int, int>> best;  // entry -> (distance, transform)
  for (const Match& m : *found) {
    if (!selected[gen.index->list_of(m.entry)]) continue;
    auto [it, fresh] = best.try_emplace(m.entry, m.distance, int(m.query));
    if (!fresh && std::pair(m.distance, int(m.query)) < it->second) it->second = {m.distance, int(m.query)};
  }
  std::vector<ScanMatch> out;
  out.reserve(best.size());
  for (const auto& [entry, dt] : best) {
    ScanMatch sm;
    sm.list = gen.index->lists()[gen.index->list_of(entry)].name;
    sm.entry_id = std::string(gen.index->entry_id(entry));
    sm.metadata = std::string(gen.index->metadata(entry));
    sm.distance = dt.first;
    sm.transform = Dihedral(dt.second);
    out.push_back(std::move(sm));
  }
  std::sort(out.begin(), out.end(), [](const ScanMatch& a, const ScanMatch& b) {
    return std::tie(a.distance, a.list, a.entry_id, a.transform) < std::tie(b.distance, b.list, b.entry_id, b.transform);
  });
  return out;
}

}  // namespace hashsieve
