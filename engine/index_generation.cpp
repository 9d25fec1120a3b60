#include "engine/index_generation.h"

namespace hashsieve {

Result<std::shared_ptr<const IndexGeneration>> build_generation(const HashStore& store, const ScanOptions& options,
                                                                uint64_t number) {
  auto snapshot = store.snapshot_active(options.lists);
  if (!snapshot.ok()) return snapshot.status();
  auto index = HashIndex::Build(std::move(*snapshot));
  if (!index.ok()) return index.status();
  auto gen = std::make_shared<IndexGeneration>();
  gen->number = number;
  gen->index = std::move(*index);
  for (const SnapshotList& l : gen->index->lists()) {
    int r = options.radius >= 0 ? options.radius : l.default_radius;
    for (const auto& [name, radius] : options.list_radius)
      if (name == l.name) r = radius;
    gen->list_radius.push_back(r);
  }
  return std::shared_ptr<const IndexGeneration>(std::move(gen));
}

}  // namespace hashsieve
